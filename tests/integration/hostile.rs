//! Hostile and broken files get an honest reason each, and the run goes on: empty, truncated,
//! renamed HTML/PDF/Word, encrypted, zip bombs and lying counts.

use crate::workdir::Workdir;
use serde_json::Value;
use std::io::{Cursor, Write};

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

fn ole_with(stream: &str) -> Vec<u8> {
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    file.create_stream(stream)
        .unwrap()
        .write_all(&[0u8; 4096])
        .unwrap();
    file.flush().unwrap();
    file.into_inner().into_inner()
}

#[test]
fn every_broken_file_says_what_it_is_and_the_run_goes_on() {
    let wd = Workdir::new();
    wd.copy_fixture("county/龙爪镇2026年台账.xlsx", "in/龙爪镇2026年台账.xlsx");
    let good = std::fs::read(wd.path("in/龙爪镇2026年台账.xlsx")).unwrap();
    wd.write("in/空.xlsx", b"");
    wd.write("in/断.xlsx", &good[..good.len() / 2]);
    wd.write(
        "in/网页.xls",
        "<html><table><tr><td>日期</td></tr></table></html>",
    );
    wd.write("in/报告.xlsx", b"%PDF-1.4\n");
    wd.write(
        "in/文档.xlsx",
        zip_with(&[("word/document.xml", b"<w:document/>")]),
    );
    wd.write("in/加密.xlsx", ole_with("EncryptedPackage"));
    wd.write("in/公文.xls", ole_with("WordDocument"));
    wd.write(
        "in/炸弹.xlsx",
        zip_with(&[
            ("xl/workbook.xml", b"<workbook/>"),
            ("xl/worksheets/sheet1.xml", &vec![b' '; 32 << 20]),
        ]),
    );
    let sst = br#"<sst count="3000000000" uniqueCount="3000000000"><si><t>a</t></si></sst>"#;
    wd.write(
        "in/谎报.xlsx",
        zip_with(&[
            ("xl/workbook.xml", b"<workbook/>"),
            ("xl/sharedStrings.xml", sst),
        ]),
    );
    wd.write("in/~$龙爪镇2026年台账.xlsx", b"\x05owner");
    let run = wd.run(&["check", "in", "--json", "--year", "2026"]);
    assert_eq!(run.code(), 1);
    assert!(!run.stderr().contains("panicked"));
    let issues: Vec<Value> = run.json_lines();
    let said = |file: &str, words: &str| {
        issues
            .iter()
            .any(|i| i["file"] == file && i["message"].as_str().unwrap().contains(words))
    };
    for (file, words) in [
        ("空.xlsx", "文件为空"),
        ("断.xlsx", "损坏或不完整"),
        ("网页.xls", "网页（HTML）"),
        ("报告.xlsx", "PDF"),
        ("文档.xlsx", "Word 文档"),
        ("加密.xlsx", "密码"),
        ("公文.xls", "Word 文档（.doc）"),
        ("炸弹.xlsx", "压缩炸弹"),
        ("谎报.xlsx", "3000000000"),
        ("~$龙爪镇2026年台账.xlsx", "锁定文件"),
    ] {
        assert!(
            said(file, words),
            "{file}: expected “{words}” in {issues:#?}"
        );
    }
    assert!(
        run.stderr().contains("数据行：读取 25 = 采用 25 + 剔除 0"),
        "the good file is still read: {}",
        run.stderr()
    );
}

/// The fixture workbook with an Excel 4 macro sheet added, as some office macros leave them.
fn with_macro_sheet(xlsx: &[u8]) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut text).unwrap();
        let text = match name.as_str() {
            "xl/workbook.xml" => String::from_utf8(text).unwrap().replace("</sheets>", r#"<sheet name="宏1" sheetId="99" r:id="rId99"/></sheets>"#).into_bytes(),
            "xl/_rels/workbook.xml.rels" => String::from_utf8(text)
                .unwrap()
                .replace("</Relationships>", r#"<Relationship Id="rId99" Type="http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet" Target="macrosheets/sheet1.xml"/></Relationships>"#)
                .into_bytes(),
            _ => text,
        };
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&text).unwrap();
    }
    out.start_file(
        "xl/macrosheets/sheet1.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    out.write_all(
        br#"<xm:macrosheet xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"/>"#,
    )
    .unwrap();
    out.finish().unwrap().into_inner()
}

#[test]
fn a_macro_sheet_costs_only_that_sheet() {
    let wd = Workdir::new();
    let good =
        std::fs::read(crate::workdir::fixtures().join("county/龙爪镇2026年台账.xlsx")).unwrap();
    wd.write("in/龙爪镇2026年台账.xlsm", with_macro_sheet(&good));
    let run = wd.run(&["check", "in", "--json", "--year", "2026"]);
    let out = run.stdout();
    assert!(
        out.contains(r#""sheet":"宏1""#) && out.contains("Excel 4 宏表"),
        "{out}"
    );
    assert!(
        run.stderr().contains("数据行：读取 25 = 采用 25 + 剔除 0"),
        "{}",
        run.stderr()
    );
    assert_eq!(run.code(), 0, "{out}");
}
