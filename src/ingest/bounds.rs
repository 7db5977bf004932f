//! Checks on a zip container (xlsx, xlsm, xlsb, ods) before any reader inflates it: how many
//! parts, how large they say they are, how much they would inflate, and whether the shared-strings
//! table's declared count fits its size. calamine trusts these numbers (it reserves `uniqueCount`
//! strings up front and reads a part in full), so a 1 MB file that inflates to 1 GiB must be
//! refused here, with a reason the clerk can pass on.

use super::{Archive, ReadError};
use std::io::{Cursor, Read};

/// Most parts in a workbook package.
pub(super) const MAX_ENTRIES: usize = 10_000;
/// Most bytes all parts may inflate to.
pub(super) const MAX_INFLATED: u64 = 512 * 1024 * 1024;
/// Largest inflate ratio accepted for a part bigger than `RATIO_FLOOR`.
pub(super) const MAX_RATIO: u64 = 100;
const RATIO_FLOOR: u64 = 8 * 1024 * 1024;

fn refuse(message: String) -> ReadError {
    ReadError::new(format!(
        "{message}；为安全起见未读取该文件，请用 Excel 或 WPS 打开后另存再报送"
    ))
}

/// Refuses a package whose declared sizes could exhaust memory. (A zip whose directory does not
/// parse is reported by the reader with its own message.)
pub(super) fn check_zip(mut archive: Archive<'_>) -> Result<(), ReadError> {
    if archive.len() > MAX_ENTRIES {
        return Err(refuse(format!(
            "压缩包内有 {} 个部件，超过上限 {MAX_ENTRIES}",
            archive.len()
        )));
    }
    let mut total: u64 = 0;
    let mut ods_content = None;
    for i in 0..archive.len() {
        let Ok(entry) = archive.by_index_raw(i) else {
            continue;
        };
        let (size, packed) = (entry.size(), entry.compressed_size().max(1));
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        total = total.saturating_add(size);
        if size > RATIO_FLOOR && size / packed > MAX_RATIO {
            return Err(refuse(format!(
                "部件 {} 声明解压后 {} MB，是压缩大小的 {} 倍（疑似“压缩炸弹”）",
                name,
                size / (1024 * 1024),
                size / packed
            )));
        }
        if name == "content.xml" {
            ods_content = Some(i);
        }
    }
    if total > MAX_INFLATED {
        return Err(refuse(format!(
            "解压后共 {} MB，超过上限 {} MB",
            total / (1024 * 1024),
            MAX_INFLATED / (1024 * 1024)
        )));
    }
    if let Some(i) = ods_content {
        let mut xml = Vec::new();
        if let Ok(entry) = archive.by_index(i) {
            let _ = entry.take(MAX_INFLATED).read_to_end(&mut xml);
        }
        let cells = ods_filled_cells(&xml);
        if cells > MAX_XLS_GRID {
            return Err(refuse(format!(
                "表格用“重复”属性展开后约有 {} 万个非空单元格（上限 {} 万），疑似异常文件",
                cells / 10_000,
                MAX_XLS_GRID / 10_000
            )));
        }
    }
    Ok(())
}

/// Refuses a shared-strings table whose declared count cannot fit in its declared `size`;
/// `head` is the start of the part (its first 2 KB are read). Called on xlsx packages before
/// calamine, which reserves room for every declared string, opens them.
pub(super) fn check_shared_strings(head: &[u8], size: u64) -> Result<(), ReadError> {
    if let Some(count) = declared_count(&head[..head.len().min(2048)]) {
        // Each shared string takes at least `<si><t/></si>`: 13 bytes.
        if count > size / 13 + 16 {
            return Err(refuse(format!(
                "共享字符串表声明有 {count} 个字符串，但其大小只有 {size} 字节，文件内容自相矛盾"
            )));
        }
    }
    Ok(())
}

/// Non-empty cells an ODS `content.xml` expands to once `number-rows-repeated` and
/// `number-columns-repeated` are applied. Empty repeated cells (the usual padding to the end of a
/// sheet, self-closing elements) are not counted: readers do not materialise them.
fn ods_filled_cells(xml: &[u8]) -> u64 {
    let text = String::from_utf8_lossy(xml);
    let repeat = |tag: &str, attr: &str| -> u64 {
        tag.find(attr)
            .and_then(|at| {
                let rest = &tag[at + attr.len()..];
                rest.split('"').nth(1)?.parse().ok()
            })
            .unwrap_or(1)
    };
    let (mut total, mut rows, mut width) = (0u64, 1u64, 0u64);
    for piece in text.split('<').skip(1) {
        let tag = &piece[..piece.find('>').unwrap_or(piece.len())];
        if tag.starts_with("table:table-row ") || tag == "table:table-row" {
            total = total.saturating_add(rows.saturating_mul(width));
            rows = repeat(tag, "table:number-rows-repeated=");
            width = 0;
        } else if (tag.starts_with("table:table-cell")
            || tag.starts_with("table:covered-table-cell"))
            && !tag.ends_with('/')
        {
            width = width.saturating_add(repeat(tag, "table:number-columns-repeated="));
        }
    }
    total.saturating_add(rows.saturating_mul(width))
}

/// `uniqueCount` (else `count`) of a `<sst>` start tag. Only the tag is decoded as text: the
/// strings after it are not looked at (decoding them cost more than the check).
fn declared_count(head: &[u8]) -> Option<u64> {
    let start = memchr::memmem::find(head, b"<sst")?;
    let end = start + memchr::memchr(b'>', &head[start..])?;
    let tag = String::from_utf8_lossy(&head[start..end]);
    ["uniqueCount=\"", "count=\""].iter().find_map(|attr| {
        let at = tag.find(attr)? + attr.len();
        let digits: String = tag[at..].chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    })
}

/// Most cells (occupied or not) a legacy `.xls` may span across its sheets: calamine turns each
/// sheet into a dense grid from its first to its last cell when it opens the file.
pub(super) const MAX_XLS_GRID: u64 = 4_000_000;

/// The cells calamine would reserve for a DIMENSIONS record, computed as calamine does
/// (including its wrap-around when the last row is before the first).
fn declared_cells(r: &[u8]) -> u64 {
    let u16_at = |i: usize| u32::from(u16::from_le_bytes([r[i], r[i + 1]]));
    let u32_at = |i: usize| u32::from_le_bytes([r[i], r[i + 1], r[i + 2], r[i + 3]]);
    let (rf, rl, mut cf, cl) = match r.len() {
        10 => (u16_at(0), u16_at(2), u16_at(4), u16_at(6)),
        14 | 16 => (u32_at(0), u32_at(4), u16_at(8), u16_at(10)),
        _ => return 0,
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    if rl < 1 || cl < 1 {
        return 1;
    }
    let rows = u64::from((rl - 1).wrapping_sub(rf).wrapping_add(1));
    let cols = u64::from((cl - 1).wrapping_sub(cf).wrapping_add(1));
    rows.saturating_mul(cols)
}

fn password() -> ReadError {
    ReadError::new("文件设置了打开密码（已加密），无法读取；请取消密码后重新报送")
}

/// Checks an OLE container before calamine opens it as `.xls`: an encrypted workbook (an OOXML
/// `EncryptedPackage`, or a BIFF `FILEPASS` — XOR or RC4) says so, a Word `.doc` says what it is,
/// and a workbook whose cells span a grid too large to build is refused. Reads only the record
/// headers and the row/column of each cell record of the BIFF stream.
pub(super) fn check_xls(bytes: &[u8]) -> Result<(), ReadError> {
    // calamine's own OLE parser trusts sector chains and sizes (a damaged one can ask for 4 GiB);
    // the cfb crate validates them, so a container it cannot open is not handed on.
    let Ok(mut file) = cfb::CompoundFile::open(Cursor::new(bytes)) else {
        return Err(ReadError::new(
            "文件已损坏（Office 复合文档结构无效），无法打开；请用 Excel 或 WPS 打开确认后重新报送",
        ));
    };
    if file.is_stream("/EncryptedPackage") || file.is_stream("/EncryptionInfo") {
        return Err(password());
    }
    let name = ["/Workbook", "/Book", "/WORKBOOK", "/BOOK"]
        .into_iter()
        .find(|n| file.is_stream(n));
    let Some(name) = name else {
        if file.is_stream("/WordDocument") {
            return Err(ReadError::new(
                "实为 Word 文档（.doc），不是电子表格；请报送 Excel 文件",
            ));
        }
        if file.is_stream("/PowerPoint Document") {
            return Err(ReadError::new("实为 PowerPoint 文件，不是电子表格"));
        }
        return Err(ReadError::new(
            "不是 Excel 文件（Office 复合文档中没有工作簿）；请用 Excel 或 WPS 另存为 .xlsx 再报送",
        ));
    };
    let mut stream = Vec::new();
    let Ok(mut s) = file.open_stream(name) else {
        return Ok(());
    };
    if s.read_to_end(&mut stream).is_err() {
        return Ok(());
    }
    let mut total: u64 = 0;
    let mut declared: u64 = 0;
    let mut bounds: Option<(u32, u32, u32, u32)> = None;
    let close = |bounds: &mut Option<(u32, u32, u32, u32)>, total: &mut u64| {
        if let Some((r0, r1, c0, c1)) = bounds.take() {
            *total += u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1);
        }
    };
    let mut at = 0;
    while at + 4 <= stream.len() {
        let kind = u16::from_le_bytes([stream[at], stream[at + 1]]);
        let len = usize::from(u16::from_le_bytes([stream[at + 2], stream[at + 3]]));
        let data = &stream[(at + 4).min(stream.len())..(at + 4 + len).min(stream.len())];
        at += 4 + len;
        let u16_at = |i: usize| {
            data.get(i..i + 2)
                .map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])))
        };
        let cell = match kind {
            // FILEPASS: the rest is encrypted (XOR or RC4), which calamine would misreport.
            0x002F => return Err(password()),
            // BOF / EOF delimit each sheet's substream.
            0x0809 | 0x000A => {
                close(&mut bounds, &mut total);
                None
            }
            // NUMBER, RK, LABELSST, LABEL, BLANK, BOOLERR, FORMULA, RSTRING.
            0x0203 | 0x027E | 0x00FD | 0x0204 | 0x0201 | 0x0205 | 0x0006 | 0x00D6 => {
                Some((u16_at(0), u16_at(2), u16_at(2)))
            }
            // DIMENSIONS: calamine reserves rows × columns cells from it before reading any, so a
            // lying one (or one whose last row is before its first) must not reach it.
            0x0200 => {
                declared = declared.saturating_add(declared_cells(data));
                None
            }
            // MULRK, MULBLANK: first column after the row, last column in the final two bytes.
            0x00BD | 0x00BE => Some((
                u16_at(0),
                u16_at(2),
                data.len().checked_sub(2).and_then(u16_at),
            )),
            _ => None,
        };
        if let Some((Some(r), Some(c0), Some(c1))) = cell {
            let b = bounds.get_or_insert((r, r, c0, c1));
            *b = (b.0.min(r), b.1.max(r), b.2.min(c0), b.3.max(c1.max(c0)));
        }
    }
    close(&mut bounds, &mut total);
    if declared > MAX_XLS_GRID {
        return Err(refuse(format!(
            "工作表声明的范围异常（约 {} 万个单元格），疑似损坏或异常文件",
            declared / 10_000
        )));
    }
    if total > MAX_XLS_GRID {
        return Err(refuse(format!(
            "工作表的单元格分布范围过大（约 {} 万个单元格的网格，上限 {} 万），疑似异常文件",
            total / 10_000,
            MAX_XLS_GRID / 10_000
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_with(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        for (name, data) in parts {
            zip.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap();
        out.into_inner()
    }

    #[test]
    fn a_part_that_inflates_a_thousandfold_is_refused() {
        let zeros = vec![0u8; 64 * 1024 * 1024];
        let bomb = zip_with(&[
            ("xl/workbook.xml", b"<workbook/>"),
            ("xl/worksheets/sheet1.xml", &zeros),
        ]);
        assert!(bomb.len() < 1024 * 1024);
        let err = check_zip(crate::ingest::open_zip(&bomb).unwrap()).unwrap_err();
        assert!(err.message.contains("压缩炸弹"), "{}", err.message);
    }

    #[test]
    fn repeated_ods_cells_are_counted_but_padding_is_not() {
        let padding = br#"<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#;
        assert_eq!(ods_filled_cells(padding), 0);
        let filled = br#"<table:table-row table:number-rows-repeated="100000"><table:table-cell table:number-columns-repeated="100" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row><table:table-row><table:table-cell><text:p>y</text:p></table:table-cell></table:table-row>"#;
        assert_eq!(ods_filled_cells(filled), 10_000_001);
    }

    #[test]
    fn a_lying_unique_count_is_refused() {
        let sst = br#"<?xml version="1.0"?><sst xmlns="x" count="4000000000" uniqueCount="4000000000"><si><t>a</t></si></sst>"#;
        let err = check_shared_strings(sst, sst.len() as u64).unwrap_err();
        assert!(err.message.contains("4000000000"), "{}", err.message);
        let honest = br#"<sst count="1" uniqueCount="1"><si><t>a</t></si></sst>"#;
        assert!(check_shared_strings(honest, honest.len() as u64).is_ok());
    }
}
