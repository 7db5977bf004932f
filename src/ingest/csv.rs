//! Reading a CSV file into one `RawSheet`: encoding detected (UTF-8 with or without BOM, UTF-16
//! with BOM, else GB18030, which covers GBK), delimiter detected (comma, tab or semicolon), quoted
//! fields with line breaks honoured. Every cell is text; coercion types it later. Bytes that are
//! not valid in the detected encoding are reported, never silently replaced. Records come from
//! `records`, within the caps of `limits`; a record over a cap makes the file unreadable
//! (`docs/inputs.md#limits`).

use super::records::{Record, Records};
use super::{ReadError, Workbook, limits};
use crate::outcome::Format;
use crate::sheet::{Cell, RawSheet, Unterminated};
use std::borrow::Cow;

/// The encoding a CSV was read in, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Encoding {
    Utf8,
    Utf16,
    Gb18030,
}

/// Decodes `bytes` to text, and says which encoding was used and whether any byte was invalid.
/// Valid UTF-8 is borrowed, not copied: a large CSV is held once.
pub(super) fn decode(bytes: &[u8]) -> (Cow<'_, str>, Encoding, bool) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        let (text, had_errors) = encoding_rs::UTF_8.decode_without_bom_handling(rest);
        return (text, Encoding::Utf8, had_errors);
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let (text, _, had_errors) = encoding_rs::UTF_16LE.decode(bytes);
        return (text, Encoding::Utf16, had_errors);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (Cow::Borrowed(text), Encoding::Utf8, false);
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    (text, Encoding::Gb18030, had_errors)
}

/// The delimiter the first line that has any uses most (a title line above the header has none):
/// tab, semicolon or comma, comma on a tie.
fn delimiter(text: &str) -> u8 {
    let first = (text.lines().take(20))
        .find(|l| l.contains(['\t', ';', ',']))
        .unwrap_or("");
    let count = |c: char| first.matches(c).count();
    [(b'\t', count('\t')), (b';', count(';')), (b',', count(','))]
        .into_iter()
        .max_by_key(|&(d, n)| (n, d == b','))
        .map_or(b',', |(d, _)| d)
}

/// Reads a CSV held in memory as a one-sheet workbook named after `stem`.
/// Reading stops at `max_cells` non-empty cells (`--max-cells`), and at a record over a cap.
pub(super) fn read(bytes: Vec<u8>, stem: &str, max_cells: usize) -> Result<Workbook, ReadError> {
    let (decoded, encoding, had_errors) = match decode(&bytes) {
        (Cow::Owned(text), encoding, bad) => (Some(text), encoding, bad),
        (Cow::Borrowed(_), encoding, bad) => (None, encoding, bad),
    };
    let decoding = Decoding {
        encoding,
        had_errors,
    };
    match decoded {
        // Text decoded anew (GBK, UTF-16): the file's bytes are freed before its cells are made,
        // so that a large CSV is held twice at most, not three times.
        Some(text) => {
            drop(bytes);
            read_text(&text, decoding, stem, max_cells, limits::MAX_CSV_TEXT_BYTES)
        }
        None => read_text(
            &decode(&bytes).0,
            decoding,
            stem,
            max_cells,
            limits::MAX_CSV_TEXT_BYTES,
        ),
    }
}

/// How a CSV's text was decoded.
#[derive(Debug, Clone, Copy)]
struct Decoding {
    encoding: Encoding,
    had_errors: bool,
}

/// Reads a CSV's decoded text.
fn read_text(
    text: &str,
    Decoding {
        encoding,
        had_errors,
    }: Decoding,
    stem: &str,
    max_cells: usize,
    max_text: usize,
) -> Result<Workbook, ReadError> {
    let mut text_bytes = 0;
    let mut records = Records::new(text.as_bytes(), delimiter(text));
    let mut rows = Rows::default();
    let mut cells = Vec::new();
    let mut last = None;
    while let Some((start, record)) = records.next() {
        let r = rows.at(text.as_bytes(), start);
        let record = record.map_err(|over| ReadError::new(over.message(r)))?;
        rows.pass(&record);
        for (c, field) in record.fields().enumerate() {
            let field = String::from_utf8_lossy(field);
            if field.trim().is_empty() {
                continue;
            }
            if cells.len() >= max_cells {
                return Err(ReadError::new(format!(
                    "CSV 单元格超过上限 {} 个（--max-cells），已停止读取",
                    max_cells
                )));
            }
            text_bytes += field.len();
            if text_bytes > max_text {
                return Err(ReadError::new(format!(
                    "CSV 各单元格文字合计超过上限 {} MB，已停止读取；台账不会有这么多内容，请核对文件或拆分后重新报送",
                    max_text / (1024 * 1024)
                )));
            }
            cells.push((r, c as u32, Cell::Text(field.into_owned())));
        }
        last = Some((r, u32::try_from(record.len()).unwrap_or(u32::MAX)));
    }
    let mut workbook = Workbook::new(Format::Csv);
    let mut sheet = RawSheet::from_cells(stem, cells);
    // A file that ends without a line break may have been cut off inside its last record.
    if !text.ends_with(['\r', '\n']) {
        sheet.unterminated = last.map(|(row, fields)| Unterminated { row, fields });
    }
    workbook.sheets.push(sheet);
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

/// Rows numbered as Excel shows the file: a blank line is an empty row (the CSV parser skips
/// it), and a quoted field's line breaks stay inside one row. So a record's row is the number of
/// line breaks before its first byte, less those inside the records before it.
#[derive(Default)]
struct Rows {
    /// Where the last record started, and the line breaks before it.
    scanned: usize,
    lines: u64,
    /// Line breaks inside the fields of the records so far.
    inside: u64,
}

impl Rows {
    /// The 0-based row of the record the parser started reading at `start`.
    fn at(&mut self, text: &[u8], mut start: usize) -> u32 {
        // The parser stood before the blank lines it skipped.
        while matches!(text.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let start = start.max(self.scanned).min(text.len());
        self.lines += line_breaks(&text[self.scanned..start]);
        self.scanned = start;
        u32::try_from(self.lines.saturating_sub(self.inside)).unwrap_or(u32::MAX)
    }

    /// Counts the line breaks inside `record`'s fields.
    fn pass(&mut self, record: &Record<'_>) {
        self.inside += record.fields().map(line_breaks).sum::<u64>();
    }
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

    /// The cells' text is capped as a whole, and the cap is named: what keeps a large CSV within
    /// the run's memory.
    #[test]
    fn the_cells_text_is_capped_as_a_whole() {
        let text =
            "日期,学习主题\n2026-03-05,一二三四五六七八九十\n2026-03-06,一二三四五六七八九十\n";
        let decoding = Decoding {
            encoding: Encoding::Utf8,
            had_errors: false,
        };
        assert!(read_text(text, decoding, "x", usize::MAX, 100).is_ok());
        let e = read_text(text, decoding, "x", usize::MAX, 60).unwrap_err();
        assert!(e.message.contains("文字合计超过上限"), "{}", e.message);
    }

    #[test]
    fn gbk_utf8_and_bom_are_detected() {
        let (gbk, _, _) = encoding_rs::GBK.encode("日期,学习形式\n2026-03-05,集中学习\n");
        let (text, enc, bad) = decode(&gbk);
        assert_eq!((enc, bad), (Encoding::Gb18030, false));
        assert!(text.starts_with("日期,学习形式"));
        let (text, enc, _) = decode("\u{feff}日期".as_bytes());
        assert_eq!((&*text, enc), ("日期", Encoding::Utf8));
    }

    /// A title line above the header has no delimiter: the header's decides.
    #[test]
    fn the_delimiter_is_the_headers_below_a_title_line() {
        assert_eq!(
            delimiter("2026年学习记录\n日期\t学习形式\n2026-03-05\t集中学习\n"),
            b'\t'
        );
        assert_eq!(delimiter("\n日期;学习形式\n"), b';');
        assert_eq!(delimiter("日期,学习形式\n"), b',');
        assert_eq!(delimiter("只有一列\n"), b',');
    }

    #[test]
    fn quoted_fields_and_tabs_are_read() {
        let wb = read(
            "日期\t主题\n2026-03-05\t\"学习\n二十大\"\n"
                .as_bytes()
                .to_vec(),
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
        let wb = read(text.as_bytes().to_vec(), "学习记录", usize::MAX).unwrap();
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
            "日期\r\r2026-03-05\r2026-03-06\r".as_bytes().to_vec(),
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
        let wb = read(b"\xB6\xFF,\xFF\xFF\n".to_vec(), "x", usize::MAX).unwrap();
        assert_eq!(wb.warnings.len(), 1);
    }

    fn unreadable(text: &[u8]) -> String {
        read(text.to_vec(), "学习记录", usize::MAX)
            .unwrap_err()
            .message
    }

    /// Each cap is named in the file's 错误 with its number and what it counts, and with the
    /// record's own size: the record is counted to its end, not kept.
    #[test]
    fn a_record_over_a_cap_makes_the_file_unreadable_and_names_the_cap() {
        use crate::ingest::limits::MAX_CSV_FIELDS;
        let fields = format!("日期,主题\n\n2026-03-05,{}\n", ",".repeat(19_999));
        let message = unreadable(fields.as_bytes());
        assert!(message.contains("第 3 行有 20001 个字段"), "{message}");
        assert!(message.contains("上限 16384"), "{message}");
        let field = format!("日期,主题\n2026-03-05,\"{}\"\n", "a,\n".repeat(400_000));
        let message = unreadable(field.as_bytes());
        assert!(
            message.contains("第 2 行 B 列的内容有 1200000 字节"),
            "{message}"
        );
        assert!(message.contains("上限 1048576 字节"), "{message}");
        let wide = format!("{}\n", vec!["a".repeat(900_000); 5].join(","));
        let message = unreadable(wide.as_bytes());
        assert!(
            message.contains("第 1 行的内容有 4500000 字节"),
            "{message}"
        );
        assert!(message.contains("上限 4194304 字节"), "{message}");
        // Within the caps, a record of the caps' size is read.
        let most = format!("{}\n", vec!["1"; MAX_CSV_FIELDS].join(","));
        let wb = read(most.as_bytes().to_vec(), "x", usize::MAX).unwrap();
        assert_eq!(wb.sheets[0].rows[0].cells.len(), MAX_CSV_FIELDS);
    }

    /// The last record is marked when no line break follows it, with its fields counted.
    #[test]
    fn a_last_record_without_a_line_break_is_marked() {
        let sheet = |text: &str| {
            read(text.as_bytes().to_vec(), "x", usize::MAX)
                .unwrap()
                .sheets
                .remove(0)
        };
        let cut = sheet("a,b,c\n1,2,3\n\n4,5");
        assert_eq!(cut.unterminated, Some(Unterminated { row: 3, fields: 2 }));
        assert_eq!(
            sheet("a,b,c\n4,,").unterminated,
            Some(Unterminated { row: 1, fields: 3 })
        );
        assert_eq!(sheet("a,b,c\n4,5\r\n").unterminated, None);
        assert_eq!(sheet("a,b,c\r4,5\r").unterminated, None);
        assert_eq!(sheet("").unterminated, None);
    }
}
