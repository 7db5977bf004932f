//! Reading a CSV file into one `RawSheet`: encoding detected (UTF-8 with or without BOM, UTF-16
//! with BOM, else GB18030, which covers GBK), delimiter detected (comma, tab or semicolon), quoted
//! fields with line breaks honoured. Every cell is text; coercion types it later. Bytes that are
//! not valid in the detected encoding are reported, never silently replaced.

use super::{ReadError, Workbook};
use crate::outcome::Format;
use crate::sheet::{Cell, RawSheet};

/// The encoding a CSV was read in, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Encoding {
    Utf8,
    Utf16,
    Gb18030,
}

/// Decodes `bytes` to text, and says which encoding was used and whether any byte was invalid.
pub(super) fn decode(bytes: &[u8]) -> (String, Encoding, bool) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        let (text, had_errors) = encoding_rs::UTF_8.decode_without_bom_handling(rest);
        return (text.into_owned(), Encoding::Utf8, had_errors);
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let (text, _, had_errors) = encoding_rs::UTF_16LE.decode(bytes);
        return (text.into_owned(), Encoding::Utf16, had_errors);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_string(), Encoding::Utf8, false);
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    (text.into_owned(), Encoding::Gb18030, had_errors)
}

fn delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let count = |c: char| first.matches(c).count();
    [(b'\t', count('\t')), (b';', count(';')), (b',', count(','))]
        .into_iter()
        .max_by_key(|&(d, n)| (n, d == b','))
        .map_or(b',', |(d, _)| d)
}

/// Reads a CSV held in memory as a one-sheet workbook named after `stem`.
/// Reading stops at `max_cells` non-empty cells (`--max-cells`).
pub(super) fn read(bytes: &[u8], stem: &str, max_cells: usize) -> Result<Workbook, ReadError> {
    let (text, encoding, had_errors) = decode(bytes);
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(&text))
        .from_reader(text.as_bytes());
    let mut cells = Vec::new();
    // Rows are numbered as Excel shows the file: a blank line is an empty row (the csv crate
    // skips it), and a quoted field's line breaks stay inside one row. So a record's row is the
    // number of line breaks before its first byte, less those inside the records before it.
    let bytes = text.as_bytes();
    let (mut scanned, mut lines, mut inside) = (0usize, 0u64, 0u64);
    for record in reader.records() {
        let record = record.map_err(|e| ReadError::new(format!("CSV 格式错误：{e}")))?;
        // A record's position is where the reader stood: before the blank lines it skipped.
        let mut start = record.position().map_or(0, |p| p.byte() as usize);
        while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let start = start.max(scanned).min(bytes.len());
        lines += line_breaks(&bytes[scanned..start]);
        scanned = start;
        let r = lines.saturating_sub(inside);
        inside += record
            .iter()
            .map(|f| line_breaks(f.as_bytes()))
            .sum::<u64>();
        for (c, field) in record.iter().enumerate() {
            if field.trim().is_empty() {
                continue;
            }
            if cells.len() >= max_cells {
                return Err(ReadError::new(format!(
                    "CSV 单元格超过上限 {} 个（--max-cells），已停止读取",
                    max_cells
                )));
            }
            cells.push((r as u32, c as u32, Cell::Text(field.to_string())));
        }
    }
    let mut workbook = Workbook::new(Format::Csv);
    workbook.sheets.push(RawSheet::from_cells(stem, cells));
    if had_errors {
        let name = match encoding {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16 => "UTF-16",
            Encoding::Gb18030 => "GBK/GB18030",
        };
        workbook.warnings.push(format!(
            "文件中有不符合 {name} 编码的字节，这些字符已显示为 �；请核对原文件或另存为 UTF-8 编码的 CSV"
        ));
    }
    Ok(workbook)
}

/// Line breaks in `s`: `\r\n`, `\n` and a lone `\r` each count once.
fn line_breaks(s: &[u8]) -> u64 {
    let lone_cr = |i: usize| s[i] == b'\r' && s.get(i + 1) != Some(&b'\n');
    (0..s.len())
        .filter(|&i| s[i] == b'\n' || lone_cr(i))
        .count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_utf8_and_bom_are_detected() {
        let (gbk, _, _) = encoding_rs::GBK.encode("日期,学习形式\n2026-03-05,集中学习\n");
        let (text, enc, bad) = decode(&gbk);
        assert_eq!((enc, bad), (Encoding::Gb18030, false));
        assert!(text.starts_with("日期,学习形式"));
        let (text, enc, _) = decode("\u{feff}日期".as_bytes());
        assert_eq!((text.as_str(), enc), ("日期", Encoding::Utf8));
    }

    #[test]
    fn quoted_fields_and_tabs_are_read() {
        let wb = read(
            "日期\t主题\n2026-03-05\t\"学习\n二十大\"\n".as_bytes(),
            "学习记录",
            usize::MAX,
        )
        .unwrap();
        let sheet = &wb.sheets[0];
        assert_eq!(sheet.cell(1, 1), Some(&Cell::Text("学习\n二十大".into())));
    }

    /// Rows are Excel's: blank lines count, a quoted line break does not.
    #[test]
    fn rows_are_numbered_as_excel_shows_them() {
        let text = "日期,主题\n\n2026-03-05,\"学习\r\n二十大\"\r\n\r\n2026-03-06,b\n2026-03-07,c\n";
        let wb = read(text.as_bytes(), "学习记录", usize::MAX).unwrap();
        let sheet = &wb.sheets[0];
        let dates: Vec<(u32, String)> = (0..8)
            .filter_map(|r| match sheet.cell(r, 0) {
                Some(Cell::Text(t)) => Some((r, t.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(
            dates,
            vec![
                (0, "日期".to_string()),
                (2, "2026-03-05".to_string()),
                (4, "2026-03-06".to_string()),
                (5, "2026-03-07".to_string())
            ]
        );
        assert_eq!(sheet.cell(2, 1), Some(&Cell::Text("学习\r\n二十大".into())));
        // Old Mac line ends.
        let wb = read(
            "日期\r\r2026-03-05\r2026-03-06\r".as_bytes(),
            "学习记录",
            usize::MAX,
        )
        .unwrap();
        let sheet = &wb.sheets[0];
        assert_eq!(sheet.cell(2, 0), Some(&Cell::Text("2026-03-05".into())));
        assert_eq!(sheet.cell(3, 0), Some(&Cell::Text("2026-03-06".into())));
    }

    #[test]
    fn invalid_bytes_are_reported() {
        let wb = read(b"\xB6\xFF,\xFF\xFF\n", "x", usize::MAX).unwrap();
        assert_eq!(wb.warnings.len(), 1);
    }
}
