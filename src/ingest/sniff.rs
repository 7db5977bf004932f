//! Deciding what a file really is from its first bytes (and, for zips, its part names), never
//! from its extension: an `.xls` that is a zip is an xlsx, an `.xls` that is an HTML table is
//! reported as one. It must not parse cells.

use super::Archive;
use crate::outcome::Format;
use std::io::Read;

/// What the content says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Sniffed {
    Readable(Format),
    /// Not something huizong reads; the sentence says what it is and what to do.
    Unreadable(String),
}

const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Looks at `bytes` (the whole file) and says what it is. `zip` is the file's zip directory when
/// it opens as one (`super::open_zip`).
pub(crate) fn sniff(bytes: &[u8], zip: Option<&Archive<'_>>) -> Sniffed {
    if bytes.is_empty() {
        return Sniffed::Unreadable("文件为空（0 字节），请重新报送".into());
    }
    if super::starts_like_zip(bytes) {
        return match zip {
            Some(archive) => sniff_zip(archive.clone()),
            None => Sniffed::Unreadable(
                "文件已损坏或不完整（可能在下载或拷贝时中断），无法打开；请重新报送".into(),
            ),
        };
    }
    if bytes.starts_with(OLE_MAGIC) {
        // An OLE container: a real .xls, or an encrypted xlsx, or a Word .doc. The reader tells
        // encrypted packages apart; a .doc fails there with a message naming the file.
        return Sniffed::Readable(Format::Xls);
    }
    if bytes.starts_with(b"%PDF") {
        return Sniffed::Unreadable("实为 PDF 文件，不是电子表格；请报送 Excel 文件".into());
    }
    if bytes.starts_with(b"Rar!") || bytes.starts_with(b"7z\xBC\xAF") {
        return Sniffed::Unreadable("实为压缩包，请解压后报送其中的 Excel 文件".into());
    }
    sniff_text(bytes)
}

fn sniff_zip(mut archive: Archive<'_>) -> Sniffed {
    let has = |archive: &zip::ZipArchive<_>, prefix: &str| {
        archive
            .file_names()
            .any(|n| n.is_ok_and(|n| n.to_ascii_lowercase().starts_with(prefix)))
    };
    if has(&archive, "xl/workbook.bin") {
        return Sniffed::Readable(Format::Xlsb);
    }
    if has(&archive, "xl/") {
        return Sniffed::Readable(Format::Xlsx);
    }
    if let Ok(mut mimetype) = archive.by_name("mimetype") {
        let mut kind = String::new();
        let _ = mimetype.by_ref().take(200).read_to_string(&mut kind);
        if kind.contains("opendocument.spreadsheet") {
            return Sniffed::Readable(Format::Ods);
        }
        if kind.contains("opendocument.text") {
            return Sniffed::Unreadable("实为 ODT 文字文档，不是电子表格".into());
        }
    }
    if has(&archive, "word/") {
        return Sniffed::Unreadable(
            "实为 Word 文档（docx），不是电子表格；请报送 Excel 文件".into(),
        );
    }
    if has(&archive, "ppt/") {
        return Sniffed::Unreadable("实为 PowerPoint 文件，不是电子表格".into());
    }
    Sniffed::Unreadable("实为 zip 压缩包，不是电子表格；请解压后报送其中的 Excel 文件".into())
}

fn sniff_text(bytes: &[u8]) -> Sniffed {
    let head = &bytes[..bytes.len().min(4096)];
    let head_text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let trimmed = head_text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if trimmed.starts_with('<') {
        if head_text.contains("urn:schemas-microsoft-com:office:spreadsheet") {
            return Sniffed::Unreadable(
                "实为 XML 电子表格 2003 格式（常见于业务系统导出），暂不支持；请用 Excel 或 WPS 打开后另存为 .xlsx 再报送".into(),
            );
        }
        if head_text.contains("<html")
            || head_text.contains("<table")
            || head_text.contains("<!doctype")
        {
            return Sniffed::Unreadable(
                "实为网页（HTML）表格（常见于业务系统导出为 .xls），暂不支持；请用 Excel 或 WPS 打开后另存为 .xlsx 再报送".into(),
            );
        }
        return Sniffed::Unreadable("实为 XML 文件，不是电子表格；请另存为 .xlsx 再报送".into());
    }
    // Text with control bytes other than tab/CR/LF is binary of some unknown kind.
    let binary = head
        .iter()
        .filter(|&&b| b < 0x09 || (b > 0x0d && b < 0x20 && b != 0x1b))
        .count();
    let utf16 = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    if binary > head.len() / 50 && !utf16 {
        return Sniffed::Unreadable("无法识别的文件格式（不是 Excel、WPS 或 CSV 文件）".into());
    }
    Sniffed::Readable(Format::Csv)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniff(bytes: &[u8]) -> Sniffed {
        super::sniff(bytes, super::super::open_zip(bytes).as_ref())
    }

    #[test]
    fn content_decides_not_the_name() {
        assert_eq!(
            sniff(b""),
            Sniffed::Unreadable("文件为空（0 字节），请重新报送".into())
        );
        assert_eq!(
            sniff("日期,学习形式\n2026-03-05,集中学习\n".as_bytes()),
            Sniffed::Readable(Format::Csv)
        );
        assert!(
            matches!(sniff(b"<html><table><tr><td>1</td></tr></table></html>"), Sniffed::Unreadable(m) if m.contains("HTML"))
        );
        assert!(matches!(sniff(b"%PDF-1.4 ..."), Sniffed::Unreadable(m) if m.contains("PDF")));
        assert!(
            matches!(sniff(b"PK\x03\x04truncated"), Sniffed::Unreadable(m) if m.contains("损坏"))
        );
        assert!(matches!(
            sniff(&[0u8, 1, 2, 3, 4, 5, 6, 7, 0, 0, 0]),
            Sniffed::Unreadable(_)
        ));
    }
}
