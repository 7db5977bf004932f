//! The package calamine reads: an in-memory copy of an xlsx package in which the parts huizong
//! has to inflate anyway are stored uncompressed, so that nothing is inflated twice.
//!
//! Inflating is the dearest part of reading a small workbook. Each worksheet is inflated here
//! once — for its merged regions (`merges::scan`) — and stored, as are the workbook part and its
//! relationships (inflated to find the sheets) and the shared strings (inflated to check their
//! declared count before calamine reserves room for it). The styles are stored cut down to what
//! decides a cell's value (number formats and the cell formats that point at them): calamine would
//! otherwise parse every font, fill and border into a palette huizong never reads. The theme, which
//! calamine only parses for colours, is left out; the other parts are copied as they are, still
//! compressed. Parts are inflated here with one inflate state, whole, straight into
//! the package, and checked against their declared size and CRC as the zip reader checks them. It
//! must not interpret cells.

use super::merges::{may_hold_formulas, scan};
use super::xml::{attr, element_span, tags, unescape};
use super::zipout::{self, ZipOut};
use super::{Archive, ReadError};
use crate::sheet::Merge;
use std::collections::{HashMap, HashSet};

thread_local! {
    static INFLATER: std::cell::Cell<Option<Inflater>> = const { std::cell::Cell::new(None) };
}

/// Most bytes a rebuilt package may hold; past it, the original is read.
const REBUILD_MAX: u64 = 64 << 20;

/// A package whose worksheets were inflated once, for their merged regions.
pub(super) struct Unpacked {
    /// The package with its worksheets stored uncompressed; `None` when it could not be rebuilt
    /// and the original must be read instead.
    pub package: Option<Vec<u8>>,
    /// Sheet name → the merged regions of that sheet.
    pub merges: HashMap<String, Vec<Merge>>,
    /// Sheets read whole here whose XML holds no formula: calamine's plain cell reader will do.
    pub without_formulas: HashSet<String>,
}

/// Inflates every worksheet of the package once: its merged regions, and the package rebuilt
/// with the inflated sheets stored. A sheet that cannot be inflated whole is copied as it was,
/// for calamine to report.
///
/// `zip` is the directory of `bytes` (`None` when it does not parse: calamine reads the original
/// and says why it cannot).
pub(super) fn unpack(bytes: &[u8], zip: Option<Archive<'_>>) -> Result<Unpacked, ReadError> {
    unpack_within(bytes, zip, REBUILD_MAX)
}

/// `unpack`, rebuilding only while the package stays within `max` bytes.
fn unpack_within(bytes: &[u8], zip: Option<Archive<'_>>, max: u64) -> Result<Unpacked, ReadError> {
    let mut merges = HashMap::new();
    let mut without_formulas = HashSet::new();
    let Some(mut archive) = zip else {
        return Ok(Unpacked {
            package: None,
            merges,
            without_formulas,
        });
    };
    // Setting an inflate state up costs more than inflating a small part: each thread keeps one
    // from file to file (a file refused half-way leaves the next a new one).
    let mut inflater = INFLATER.take().unwrap_or_else(Inflater::new);
    let mut workbook = read_part(&mut archive, bytes, &mut inflater, WORKBOOK);
    let mut rels = read_part(&mut archive, bytes, &mut inflater, WORKBOOK_RELS);
    let sheets: HashMap<String, String> = match (&workbook, &rels) {
        (Some(workbook), Some(rels)) => sheet_paths(workbook, rels)
            .into_iter()
            .map(|(name, path)| (path, name))
            .collect(),
        _ => HashMap::new(),
    };
    let max = usize::try_from(max).unwrap_or(usize::MAX);
    let capacity = bytes.len().saturating_mul(8).min(max);
    // `None` once the package is given up (too big, or a part it cannot copy): calamine then
    // reads the original, and the sheets are still inflated here for their merges.
    let mut out = Some(ZipOut::with_capacity(capacity));
    let mut scratch = Vec::new();
    for i in 0..archive.len() {
        let Some(Ok(path)) = archive.name_for_index(i) else {
            out = None;
            continue;
        };
        let path = path.into_owned();
        let inflated = match path.as_str() {
            WORKBOOK => workbook.take().map(String::into_bytes),
            WORKBOOK_RELS => rels.take().map(String::into_bytes),
            // The theme only colours styles, which huizong never reads; without it calamine
            // takes its default colours instead of inflating and parsing it.
            p if p.starts_with("xl/theme/") => continue,
            STYLES => raw_entry(&mut archive, i, bytes).and_then(|entry| {
                let mut xml = Vec::new();
                inflater
                    .inflate_into(&entry, &mut xml, super::bounds::MAX_INFLATED)
                    .then(|| slim_styles(xml))
            }),
            _ => None,
        };
        let sheet = sheets.get(&path);
        let strings = path.eq_ignore_ascii_case(SHARED_STRINGS);
        if let Some(xml) = inflated {
            if let Some(zip) = out.as_mut() {
                zip.store(&path, &xml);
            }
        } else if sheet.is_some() || strings {
            // Inflated once, straight into the package while there is one.
            let entry = raw_entry(&mut archive, i, bytes);
            let declared = entry.as_ref().map_or(0, |e| e.size);
            let zip = out.as_mut();
            let (target, part) = match zip {
                Some(zip) => {
                    let part = zip.begin(&path, zipout::STORED);
                    (zip.data(), Some(part))
                }
                None => {
                    scratch.clear();
                    (&mut scratch, None)
                }
            };
            let from = target.len();
            let whole = entry.is_some_and(|entry| {
                inflater.inflate_into(&entry, target, super::bounds::MAX_INFLATED)
            });
            let xml = &target[from..];
            if strings {
                // Checked here, before calamine reserves room for every string it declares.
                super::bounds::check_shared_strings(xml, declared)?;
            }
            if let Some(name) = sheet.filter(|_| whole) {
                let found = scan(xml);
                if !found.is_empty() {
                    merges.insert(name.clone(), found);
                }
                if !may_hold_formulas(xml) {
                    without_formulas.insert(name.clone());
                }
            }
            let size = xml.len() as u64;
            if let (Some(zip), Some(part)) = (out.as_mut(), part) {
                match entry.filter(|_| whole) {
                    // Inflated whole means its CRC was checked against the one declared.
                    Some(entry) => zip.end(part, entry.crc, size),
                    None => {
                        // Could not be inflated whole: copied as it is, for calamine to report.
                        zip.abandon(part);
                        copy(&mut out, &path, entry);
                    }
                }
            }
        } else if out.is_some() {
            copy(&mut out, &path, raw_entry(&mut archive, i, bytes));
        }
        if out.as_ref().is_some_and(|zip| zip.len() > max) {
            // A big workbook: calamine streams its sheets itself rather than huizong holding
            // them all inflated at once.
            out = None;
        }
    }
    INFLATER.set(Some(inflater));
    let package = out.and_then(ZipOut::finish);
    Ok(Unpacked {
        package,
        merges,
        without_formulas,
    })
}

pub(super) const WORKBOOK: &str = "xl/workbook.xml";
pub(super) const WORKBOOK_RELS: &str = "xl/_rels/workbook.xml.rels";
const STYLES: &str = "xl/styles.xml";
const SHARED_STRINGS: &str = "xl/sharedStrings.xml";

/// Copies an entry (`raw_entry`) into the package with its compressed bytes; gives the package
/// up when there is none to copy (encrypted, or its data outside the file).
fn copy(out: &mut Option<ZipOut>, path: &str, entry: Option<RawEntry<'_>>) {
    let Some(zip) = out.as_mut() else { return };
    match entry {
        Some(entry) => {
            let part = zip.begin(path, entry.method);
            zip.data().extend_from_slice(entry.data);
            zip.end(part, entry.crc, entry.size);
        }
        None => *out = None,
    }
}

/// One entry's compressed bytes, and what its headers say of them.
#[derive(Clone, Copy)]
struct RawEntry<'a> {
    method: u16,
    crc: u32,
    /// Uncompressed size, as declared.
    size: u64,
    data: &'a [u8],
}

/// Entry `i` as it lies in `bytes`; `None` when it is encrypted or its data lies outside.
fn raw_entry<'a>(archive: &mut Archive<'a>, i: usize, bytes: &'a [u8]) -> Option<RawEntry<'a>> {
    let entry = archive.by_index_raw(i).ok()?;
    if entry.encrypted() {
        return None;
    }
    // The compression method as the entry's local header records it (offset 8).
    let header = usize::try_from(entry.header_start()).ok()?;
    let method = bytes.get(header + 8..header + 10)?;
    let start = usize::try_from(entry.data_start()?).ok()?;
    let len = usize::try_from(entry.compressed_size()).ok()?;
    Some(RawEntry {
        method: u16::from_le_bytes([method[0], method[1]]),
        crc: entry.crc32(),
        size: entry.size(),
        data: bytes.get(start..start.checked_add(len)?)?,
    })
}

/// Inflates entries straight into the caller's buffer with one inflate state (libdeflate, which
/// inflates a whole part at once, half again as fast as a streaming inflater on these parts):
/// setting one up costs more than inflating a small part.
pub(super) struct Inflater(libdeflater::Decompressor);

/// The most a deflate stream can grow: 258 bytes for each of its shortest codes (a byte and a
/// bit), i.e. 1,032 to one.
const DEFLATE_MAX_RATIO: usize = 1032;

impl Inflater {
    pub(super) fn new() -> Self {
        Inflater(libdeflater::Decompressor::new())
    }

    /// Appends `entry` uncompressed to `out`; whether it came whole — within `limit` bytes and
    /// its declared size, to its end, and with the CRC its header declares. Only stored and
    /// deflated entries are read (as the zip reader calamine uses reads only those).
    fn inflate_into(&mut self, entry: &RawEntry<'_>, out: &mut Vec<u8>, limit: u64) -> bool {
        let from = out.len();
        // Past its declared size an entry is not read on (as the zip reader refuses it).
        let room = usize::try_from(limit.saturating_sub(1).min(entry.size)).unwrap_or(usize::MAX);
        match entry.method {
            zipout::STORED if entry.data.len() <= room => out.extend_from_slice(entry.data),
            zipout::DEFLATED => {
                // The part is inflated into room for its declared size, which a lying header
                // cannot push past what its data could ever grow to.
                let room = room.min(entry.data.len().saturating_mul(DEFLATE_MAX_RATIO) + 8);
                out.resize(from + room, 0);
                match self.0.deflate_decompress(entry.data, &mut out[from..]) {
                    Ok(n) => out.truncate(from + n),
                    Err(_) => {
                        out.truncate(from);
                        return false;
                    }
                }
            }
            _ => return false,
        }
        crc32fast::hash(&out[from..]) == entry.crc
    }
}

/// Elements of `styles.xml` that only dress cells (fonts, fills, borders, named styles and
/// conditional formats); a cell's value depends only on `numFmts` and `cellXfs`.
const DRESSING: &[&str] = &[
    "fonts",
    "fills",
    "borders",
    "cellStyleXfs",
    "cellStyles",
    "dxfs",
];

/// `styles.xml` without its dressing. Only unprefixed elements that open and close plainly are
/// cut; anything else is left for calamine to read as before.
fn slim_styles(mut xml: Vec<u8>) -> Vec<u8> {
    for tag in DRESSING {
        if let Some(span) = element_span(&xml, tag) {
            xml.drain(span);
        }
    }
    xml
}

/// A package part as text (at most 16 MB), inflated with `inflater`.
pub(super) fn read_part<'a>(
    archive: &mut Archive<'a>,
    bytes: &'a [u8],
    inflater: &mut Inflater,
    name: &str,
) -> Option<String> {
    let i = archive.index_for_name(name)?;
    let entry = raw_entry(archive, i, bytes)?;
    let mut text = Vec::new();
    if !inflater.inflate_into(&entry, &mut text, 16 << 20) {
        return None;
    }
    String::from_utf8(text).ok()
}

/// (sheet name, part path) of every worksheet, from workbook.xml and its relationships.
fn sheet_paths(workbook: &str, rels: &str) -> Vec<(String, String)> {
    let targets: HashMap<&str, &str> = tags(rels, "Relationship")
        .filter_map(|r| Some((attr(r, "Id")?, attr(r, "Target")?)))
        .collect();
    tags(workbook, "sheet")
        .filter_map(|s| {
            let name = unescape(attr(s, "name")?);
            let target = targets.get(attr(s, "r:id")?)?;
            let path = match target.strip_prefix('/') {
                Some(absolute) => absolute.to_string(),
                None => format!("xl/{target}"),
            };
            Some((name, path))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Read, Write};
    use zip::write::SimpleFileOptions;

    fn unpack(bytes: &[u8]) -> Result<Unpacked, ReadError> {
        super::unpack(bytes, crate::ingest::open_zip(bytes))
    }

    fn unpack_within(bytes: &[u8], max: u64) -> Result<Unpacked, ReadError> {
        super::unpack_within(bytes, crate::ingest::open_zip(bytes), max)
    }

    /// Sheets are paired with their parts through the relationships, relative or absolute, and
    /// their names unescaped only where they hold an entity.
    #[test]
    fn sheet_names_are_paired_with_their_parts() {
        let workbook = concat!(
            r#"<workbook><sheets><sheet name="学习&amp;研判 &lt;1&gt;" r:id="rId1"/>"#,
            r#"<sheet name="基本信息" r:id="rId2"/><sheet name="无关" r:id="rId9"/></sheets>"#,
        );
        let rels = concat!(
            r#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/>"#,
            r#"<Relationship Target="/xl/worksheets/sheet2.xml" Id="rId2"/></Relationships>"#,
        );
        assert_eq!(
            sheet_paths(workbook, rels),
            vec![
                (
                    "学习&研判 <1>".to_string(),
                    "xl/worksheets/sheet1.xml".to_string()
                ),
                (
                    "基本信息".to_string(),
                    "xl/worksheets/sheet2.xml".to_string()
                ),
            ]
        );
    }

    /// The rebuilt package: merges found, worksheets stored, theme gone, and calamine reads the
    /// same cells from it as from the original.
    #[test]
    fn unpacked_packages_read_as_the_original() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet().set_name("学习记录").unwrap();
        let title = rust_xlsxwriter::Format::new();
        ws.merge_range(0, 0, 0, 3, "2026年学习记录", &title)
            .unwrap();
        ws.write_string(1, 0, "日期").unwrap();
        ws.write_number(2, 1, 12.0).unwrap();
        ws.merge_range(2, 0, 3, 0, "3月5日", &title).unwrap();
        // A date only reads as one while its cell format survives the slimmed styles.
        let day = rust_xlsxwriter::Format::new()
            .set_num_format("yyyy-mm-dd")
            .set_bold()
            .set_border(rust_xlsxwriter::FormatBorder::Thin);
        ws.write_number_with_format(4, 1, 46_086.0, &day).unwrap();
        wb.add_worksheet().set_name("基本信息").unwrap();
        let original = wb.save_to_buffer().unwrap();

        let Unpacked {
            package, merges, ..
        } = unpack(&original).unwrap();
        let package = package.expect("rebuilt");
        assert_eq!(
            merges.get("学习记录").map(Vec::len),
            Some(2),
            "both merged regions"
        );
        assert!(!merges.contains_key("基本信息"));

        let mut archive = zip::ZipArchive::new(Cursor::new(package.as_slice())).unwrap();
        let names: Vec<String> = archive
            .file_names()
            .filter_map(|n| n.ok().map(|n| n.into_owned()))
            .collect();
        assert!(
            names.iter().all(|n| !n.starts_with("xl/theme/")),
            "{names:?}"
        );
        let sheet = archive.by_name("xl/worksheets/sheet1.xml").unwrap();
        assert_eq!(sheet.compression(), zip::CompressionMethod::Stored);
        drop(sheet);

        let cells = |bytes: &[u8]| {
            use calamine::Reader;
            let mut wb = calamine::Xlsx::new(Cursor::new(bytes)).unwrap();
            let range = wb.worksheet_range("学习记录").unwrap();
            range
                .used_cells()
                .map(|(r, c, v)| match v {
                    calamine::Data::DateTime(d) if d.is_datetime() => (r, c, format!("date {v}")),
                    _ => (r, c, v.to_string()),
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(cells(&package), cells(&original));
        assert!(
            cells(&package).contains(&(4, 1, "date 46086".to_string())),
            "{:?}",
            cells(&package)
        );

        let mut styles = String::new();
        let mut archive = zip::ZipArchive::new(Cursor::new(package.as_slice())).unwrap();
        let mut part = archive.by_name(STYLES).unwrap();
        assert_eq!(part.compression(), zip::CompressionMethod::Stored);
        part.read_to_string(&mut styles).unwrap();
        assert!(styles.contains("<numFmts") && styles.contains("<cellXfs"));
        assert!(!styles.contains("<fonts") && !styles.contains("<borders"));
    }

    /// The shared strings are read here first, so a count that cannot fit their size is refused
    /// before calamine reserves room for it, whether or not the package is rebuilt; an honest
    /// table is stored inflated.
    #[test]
    fn shared_strings_are_checked_and_stored() {
        let package = |sst: &[u8]| {
            let mut out = Cursor::new(Vec::new());
            let mut zip = zip::ZipWriter::new(&mut out);
            for (name, data) in [(WORKBOOK, &b"<workbook/>"[..]), (SHARED_STRINGS, sst)] {
                zip.start_file(name, SimpleFileOptions::default()).unwrap();
                zip.write_all(data).unwrap();
            }
            zip.finish().unwrap();
            out.into_inner()
        };
        let lying =
            package(br#"<sst count="3000000000" uniqueCount="3000000000"><si><t>a</t></si></sst>"#);
        for max in [REBUILD_MAX, 0] {
            let refused = unpack_within(&lying, max).err().expect("refused");
            assert!(
                refused.message.contains("3000000000"),
                "{}",
                refused.message
            );
        }
        let honest = package(br#"<sst count="1" uniqueCount="1"><si><t>a</t></si></sst>"#);
        let rebuilt = unpack(&honest).unwrap().package.expect("rebuilt");
        let mut archive = zip::ZipArchive::new(Cursor::new(rebuilt.as_slice())).unwrap();
        let part = archive.by_name(SHARED_STRINGS).unwrap();
        assert_eq!(part.compression(), zip::CompressionMethod::Stored);
    }

    #[test]
    fn styles_lose_only_their_dressing() {
        let xml = concat!(
            r#"<styleSheet><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy"/></numFmts>"#,
            r#"<fonts count="1"><font><b/></font></fonts><fontsExtra/><fills count="0"/>"#,
            r#"<x:borders><x:border/></x:borders>"#,
            r#"<cellXfs count="1"><xf numFmtId="164" fontId="0"/></cellXfs><dxfs count="0"/>"#,
            r#"<cellStyles count="1"><cellStyle name="Normal" xfId="0"/></cellStyles></styleSheet>"#
        );
        let slim = String::from_utf8(slim_styles(xml.as_bytes().to_vec())).unwrap();
        assert_eq!(
            slim,
            concat!(
                r#"<styleSheet><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy"/></numFmts>"#,
                r#"<fontsExtra/><x:borders><x:border/></x:borders>"#,
                r#"<cellXfs count="1"><xf numFmtId="164" fontId="0"/></cellXfs></styleSheet>"#
            ),
            "plain elements cut (open/close and self-closing); look-alike and prefixed ones kept"
        );
        let broken = b"<styleSheet><fonts count=\"1\"><font/>".to_vec();
        assert_eq!(slim_styles(broken.clone()), broken, "unclosed: left alone");
    }

    #[test]
    fn a_big_workbook_is_not_rebuilt_but_its_merges_are_found() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.merge_range(0, 0, 0, 3, "标题", &rust_xlsxwriter::Format::new())
            .unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let Unpacked {
            package, merges, ..
        } = unpack_within(&bytes, 10).unwrap();
        assert!(package.is_none());
        assert_eq!(merges.get("Sheet1").map(Vec::len), Some(1));
        assert!(unpack_within(&bytes, 1 << 20).unwrap().package.is_some());
    }

    /// Entries inflate whole only when they are: to their end, within the bound, with their
    /// CRC; a reused inflate state carries nothing from one entry to the next.
    #[test]
    fn entries_inflate_whole_or_not_at_all() {
        let text = "<row><c><v>学习记录</v></c></row>".repeat(2_000);
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, method) in [
            ("deflated", zip::CompressionMethod::Deflated),
            ("stored", zip::CompressionMethod::Stored),
        ] {
            let options = SimpleFileOptions::default().compression_method(method);
            zip.start_file(name, options).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        let bytes = zip.finish().unwrap().into_inner();
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
        let deflated = raw_entry(&mut archive, 0, &bytes).unwrap();
        let stored = raw_entry(&mut archive, 1, &bytes).unwrap();
        assert_eq!(
            (deflated.method, stored.method),
            (zipout::DEFLATED, zipout::STORED)
        );
        assert!(deflated.data.len() < text.len() / 4);

        let mut inflater = Inflater::new();
        let whole = |inflater: &mut Inflater, entry: &RawEntry<'_>, limit| {
            let mut out = b"kept".to_vec();
            let ok = inflater.inflate_into(entry, &mut out, limit);
            assert!(out.starts_with(b"kept"), "appends");
            (ok, out.len() - 4)
        };
        for _ in 0..2 {
            assert_eq!(whole(&mut inflater, &deflated, 1 << 20), (true, text.len()));
            assert_eq!(whole(&mut inflater, &stored, 1 << 20), (true, text.len()));
        }
        assert!(!whole(&mut inflater, &deflated, 1_000).0, "past the bound");
        assert!(!whole(&mut inflater, &stored, 1_000).0, "past the bound");
        let cut = RawEntry {
            data: &deflated.data[..deflated.data.len() / 2],
            ..deflated
        };
        assert!(!whole(&mut inflater, &cut, 1 << 20).0, "broken off");
        let lying = RawEntry {
            crc: deflated.crc ^ 1,
            ..deflated
        };
        assert!(!whole(&mut inflater, &lying, 1 << 20).0, "wrong CRC");
        let small = RawEntry {
            size: 100,
            ..deflated
        };
        assert!(
            !whole(&mut inflater, &small, 1 << 20).0,
            "past its declared size"
        );
        let generous = RawEntry {
            size: deflated.size * 2,
            ..deflated
        };
        assert_eq!(
            whole(&mut inflater, &generous, 1 << 20),
            (true, text.len()),
            "a declared size above the real one"
        );
        let bzip2 = RawEntry {
            method: 12,
            ..deflated
        };
        assert!(!whole(&mut inflater, &bzip2, 1 << 20).0, "unread method");
        assert_eq!(whole(&mut inflater, &deflated, 1 << 20), (true, text.len()));
    }

    /// A part that deflate shrinks as far as it can (a run of zeros, about 1,030 to one) still
    /// fits the room its data could grow to.
    #[test]
    fn the_most_compressed_part_inflates_whole() {
        let zeros = vec![0u8; 4 << 20];
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(9));
        zip.start_file("zeros", options).unwrap();
        zip.write_all(&zeros).unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
        let entry = raw_entry(&mut archive, 0, &bytes).unwrap();
        assert!(
            entry.data.len() * 1000 < zeros.len(),
            "{}",
            entry.data.len()
        );
        let mut out = Vec::new();
        assert!(Inflater::new().inflate_into(&entry, &mut out, 8 << 20));
        assert_eq!(out, zeros);
    }

    /// Every xlsx of the shared corpus (the files other projects collected to break their
    /// readers) reads the same from the rebuilt package as from the original: the same sheets,
    /// the same cells, the same sheets refused. Skipped where the corpus is absent.
    #[test]
    fn the_corpus_reads_the_same_from_the_rebuilt_package() {
        use calamine::Reader;
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
        let mut files = Vec::new();
        let mut folders = vec![corpus];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
                let path = entry.path();
                let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
                if path.is_dir() {
                    folders.push(path);
                } else if matches!(ext, "xlsx" | "xlsm")
                    && entry.metadata().is_ok_and(|m| m.len() < 2 << 20)
                {
                    files.push(path);
                }
            }
        }
        // calamine panics on some of these files (huizong catches it per file): so does this.
        let read = |bytes: &[u8]| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_cells(bytes))).ok()
        };
        fn read_cells(bytes: &[u8]) -> Option<Vec<(String, Result<String, ()>)>> {
            let mut wb = calamine::Xlsx::new(Cursor::new(bytes)).ok()?;
            let names: Vec<String> = wb.sheet_names().to_vec();
            Some(
                names
                    .into_iter()
                    .map(|name| {
                        let cells = wb
                            .worksheet_range(&name)
                            .map(|range| format!("{:?}", range.used_cells().collect::<Vec<_>>()))
                            .map_err(|_| ());
                        (name, cells)
                    })
                    .collect(),
            )
        }
        let mut rebuilt = 0;
        for path in &files {
            let bytes = std::fs::read(path).unwrap();
            let Ok(Unpacked {
                package: Some(package),
                ..
            }) = unpack(&bytes)
            else {
                continue;
            };
            rebuilt += 1;
            assert_eq!(read(&package), read(&bytes), "{}", path.display());
        }
        assert!(
            files.is_empty() || rebuilt * 2 > files.len(),
            "{rebuilt} of {}",
            files.len()
        );
    }

    #[test]
    fn a_package_that_is_not_a_zip_is_left_to_the_reader() {
        let Unpacked {
            package, merges, ..
        } = unpack(b"PK\x03\x04 not really").unwrap();
        assert!(package.is_none());
        assert!(merges.is_empty());
    }
}
