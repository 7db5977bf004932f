//! The floor without calamine: what reading the same files would cost with a purpose-built xlsx
//! reader. Evidence for the open decision on the reader recorded in bench/PROFILE.md, not used by huizong.
//!
//! Opens every xlsx/xlsm under a folder (recursively), in parallel, and touches every cell as
//! `examples/floor.rs` does, but reads the package itself: the zip directory with the zip crate,
//! each part inflated whole with libdeflate into room for its declared size (as huizong does), and
//! the workbook, its relationships, the styles' number formats, the shared strings (one `String`
//! with offsets, not a `String` each) and every worksheet parsed with quick-xml's borrowing slice
//! reader. Only xlsx/xlsm: the workloads `huizong samples` makes hold nothing else but two CSVs
//! (the roster and an online-form export), skipped and counted here and read by the floor.
//!
//! ```sh
//! cargo run --release --example raw_floor -- DIR [--jobs N] [--zip-inflate]
//! ```
//!
//! Prints one line in the floor's form, `raw floor: files=… skipped=… failed=… sheets=… cells=…
//! bytes=… jobs=… elapsed=…s`. On a folder of the workload's xlsx files alone, `sheets`, `cells`
//! (the non-empty cells) and `failed` must equal the floor's, or the two did not read the same
//! thing.

mod common;

use anyhow::{Context, Result};
use common::Tally;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::path::Path;

fn main() -> Result<()> {
    let args = common::parse_args("raw_floor", &["--zip-inflate"])?;
    ZIP_INFLATE.get_or_init(|| args.flags[0]);
    common::run("raw floor", &args, &["xlsx", "xlsm"], read_file)
}

fn read_file(path: &Path) -> Tally {
    let mut tally = Tally::file();
    match std::fs::read(path) {
        Ok(bytes) => {
            tally.bytes = bytes.len() as u64;
            if read_xlsx(&bytes, &mut tally).is_err() {
                tally.failed = 1;
            }
        }
        Err(_) => tally.failed = 1,
    }
    tally
}

/// `--zip-inflate`: parts inflated by the zip crate, as calamine has them inflated.
static ZIP_INFLATE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

thread_local! {
    static INFLATER: RefCell<libdeflater::Decompressor> = RefCell::new(libdeflater::Decompressor::new());
}

/// One part, inflated whole into room for its declared size (or, with `--zip-inflate`, streamed
/// through the zip crate's inflater, as calamine reads it).
fn part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Result<Option<Vec<u8>>> {
    if ZIP_INFLATE.get().copied().unwrap_or(false) {
        let Ok(mut file) = zip.by_name(name) else {
            return Ok(None);
        };
        let mut out = Vec::with_capacity(usize::try_from(file.size())?);
        file.read_to_end(&mut out)?;
        return Ok(Some(out));
    }
    let Ok(mut file) = zip.by_name_raw(name.as_bytes()) else {
        return Ok(None);
    };
    let size = usize::try_from(file.size())?;
    let method = file.compression();
    let mut raw = Vec::with_capacity(usize::try_from(file.compressed_size())?);
    file.read_to_end(&mut raw)?;
    if method == zip::CompressionMethod::Stored {
        return Ok(Some(raw));
    }
    let mut out = vec![0; size];
    let n = INFLATER.with(|d| d.borrow_mut().deflate_decompress(&raw, &mut out))?;
    out.truncate(n);
    Ok(Some(out))
}

fn attr<'a>(e: &'a BytesStart<'_>, key: &[u8]) -> Option<std::borrow::Cow<'a, [u8]>> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .map(|a| a.value)
}

fn read_xlsx(bytes: &[u8], tally: &mut Tally) -> Result<()> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))?;
    let rels = part(&mut zip, "xl/_rels/workbook.xml.rels")?.context("no relationships")?;
    let mut targets = HashMap::new();
    let mut reader = Reader::from_reader(&rels[..]);
    loop {
        match reader.read_event()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"Relationship" => {
                if let (Some(id), Some(target)) = (attr(&e, b"Id"), attr(&e, b"Target")) {
                    let target = String::from_utf8_lossy(&target).into_owned();
                    targets.insert(id.into_owned(), target);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let workbook = part(&mut zip, "xl/workbook.xml")?.context("no workbook")?;
    let mut sheets = Vec::new();
    let mut reader = Reader::from_reader(&workbook[..]);
    loop {
        match reader.read_event()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"sheet" => {
                if let Some(target) = attr(&e, b"r:id").and_then(|id| targets.get(id.as_ref())) {
                    let path = match target.strip_prefix('/') {
                        Some(absolute) => absolute.to_string(),
                        None => format!("xl/{target}"),
                    };
                    sheets.push(path);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let dates = match part(&mut zip, "xl/styles.xml")? {
        Some(styles) => date_styles(&styles)?,
        None => Vec::new(),
    };
    let strings = match part(&mut zip, "xl/sharedStrings.xml")? {
        Some(xml) => shared_strings(&xml)?,
        None => SharedStrings::default(),
    };
    for path in sheets {
        let Some(xml) = part(&mut zip, &path)? else {
            continue;
        };
        tally.sheets += 1;
        cells(&xml, &strings, &dates, tally)?;
    }
    Ok(())
}

/// Every shared string in one `String`, with where each ends.
#[derive(Default)]
struct SharedStrings {
    text: String,
    ends: Vec<usize>,
}

impl SharedStrings {
    fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.text.get(start..end)
    }
}

/// Appends a text node or entity reference to `out`.
fn push_text(event: &Event<'_>, out: &mut String) -> Result<()> {
    match event {
        Event::Text(t) => out.push_str(&t.decode()?),
        Event::CData(t) => out.push_str(&t.decode()?),
        Event::GeneralRef(r) => {
            if let Some(c) = r.resolve_char_ref()? {
                out.push(c);
            } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&r.decode()?) {
                out.push_str(s);
            }
        }
        _ => {}
    }
    Ok(())
}

fn shared_strings(xml: &[u8]) -> Result<SharedStrings> {
    let mut strings = SharedStrings::default();
    let mut reader = Reader::from_reader(xml);
    // Inside a <t> of an <si>, and not inside phonetic text (<rPh>).
    let (mut in_t, mut in_phonetic) = (false, false);
    loop {
        let event = reader.read_event()?;
        match &event {
            Event::Start(e) => match e.local_name().as_ref() {
                b"t" => in_t = !in_phonetic,
                b"rPh" => in_phonetic = true,
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                b"t" => in_t = false,
                b"rPh" => in_phonetic = false,
                b"si" => strings.ends.push(strings.text.len()),
                _ => {}
            },
            Event::Empty(e) if e.local_name().as_ref() == b"si" => {
                strings.ends.push(strings.text.len())
            }
            Event::Eof => break,
            _ if in_t => push_text(&event, &mut strings.text)?,
            _ => {}
        }
    }
    Ok(strings)
}

/// For each cell format (`cellXfs`), whether it shows a date.
fn date_styles(xml: &[u8]) -> Result<Vec<bool>> {
    let mut custom = HashMap::new();
    let mut dates = Vec::new();
    let mut in_xfs = false;
    let mut reader = Reader::from_reader(xml);
    loop {
        match reader.read_event()? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"numFmt" => {
                    if let (Some(id), Some(code)) = (attr(&e, b"numFmtId"), attr(&e, b"formatCode"))
                    {
                        let code = String::from_utf8_lossy(&code).to_lowercase();
                        let is_date = code.contains(['y', 'd']) || code.contains("mm");
                        custom.insert(id.into_owned(), is_date);
                    }
                }
                b"cellXfs" => in_xfs = true,
                b"xf" if in_xfs => {
                    let id = attr(&e, b"numFmtId").unwrap_or_default();
                    let builtin = std::str::from_utf8(&id)
                        .ok()
                        .and_then(|s| s.parse::<u32>().ok())
                        .is_some_and(|n| matches!(n, 14..=22 | 45..=47));
                    dates.push(builtin || custom.get(id.as_ref()).copied().unwrap_or(false));
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == b"cellXfs" => in_xfs = false,
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(dates)
}

/// `A1` → (row, column), 0-based.
fn position(r: &[u8]) -> (u32, u32) {
    let (mut col, mut row) = (0u32, 0u32);
    for &b in r {
        match b {
            b'A'..=b'Z' => col = col * 26 + u32::from(b - b'A') + 1,
            b'0'..=b'9' => row = row * 10 + u32::from(b - b'0'),
            _ => {}
        }
    }
    (row.saturating_sub(1), col.saturating_sub(1))
}

/// Touches every non-empty cell of a worksheet, as the floor does with calamine's cell reader.
fn cells(xml: &[u8], strings: &SharedStrings, dates: &[bool], tally: &mut Tally) -> Result<()> {
    let mut reader = Reader::from_reader(xml);
    let mut value = String::new();
    let (mut kind, mut style, mut at) = (Kind::Number, 0usize, (0u32, 0u32));
    let (mut in_cell, mut in_value) = (false, false);
    let (mut next_row, mut next_col) = (0u32, 0u32);
    loop {
        let event = reader.read_event()?;
        match &event {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"row" => {
                    if let Some(r) = attr(e, b"r") {
                        next_row = position(&r).0;
                    }
                    next_col = 0;
                }
                b"c" => {
                    (kind, style, at) = (Kind::Number, 0, (next_row, next_col));
                    for a in e.attributes().with_checks(false).flatten() {
                        match a.key.as_ref() {
                            b"r" => at = position(&a.value),
                            b"t" => kind = Kind::of(&a.value),
                            b"s" => {
                                style = std::str::from_utf8(&a.value)
                                    .ok()
                                    .and_then(|s| s.parse().ok())
                                    .unwrap_or(0)
                            }
                            _ => {}
                        }
                    }
                    next_col = at.1 + 1;
                    value.clear();
                    in_cell = matches!(event, Event::Start(_));
                }
                b"v" | b"t" if in_cell => in_value = matches!(event, Event::Start(_)),
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                b"v" | b"t" => in_value = false,
                b"c" if in_cell => {
                    in_cell = false;
                    touch(kind, &value, style, strings, dates, at, tally);
                }
                b"row" => next_row += 1,
                _ => {}
            },
            Event::Eof => break,
            _ if in_value => push_text(&event, &mut value)?,
            _ => {}
        }
    }
    Ok(())
}

/// A cell's `t`.
#[derive(Clone, Copy)]
enum Kind {
    Shared,
    Text,
    Bool,
    Error,
    Number,
}

impl Kind {
    fn of(t: &[u8]) -> Kind {
        match t {
            b"s" => Kind::Shared,
            b"str" | b"inlineStr" => Kind::Text,
            b"b" => Kind::Bool,
            b"e" => Kind::Error,
            _ => Kind::Number,
        }
    }
}

fn touch(
    kind: Kind,
    value: &str,
    style: usize,
    strings: &SharedStrings,
    dates: &[bool],
    (r, c): (u32, u32),
    tally: &mut Tally,
) {
    let h = match kind {
        Kind::Shared => match value.trim().parse().ok().and_then(|i| strings.get(i)) {
            Some(s) => s.len() as u64,
            None => return,
        },
        Kind::Text => value.len() as u64,
        Kind::Bool => u64::from(value == "1"),
        Kind::Error => 1,
        Kind::Number if value.is_empty() => return,
        Kind::Number => match value.trim().parse::<f64>() {
            Ok(f) if dates.get(style).copied().unwrap_or(false) => f.to_bits() ^ 1,
            Ok(f) => f.to_bits(),
            Err(_) => return,
        },
    };
    tally.cell(h, u64::from(r), u64::from(c));
}
