//! `通报_<year>.docx` of `run` on the fixture county: a Word package with its parts, every part
//! well-formed XML, the 通报's title, four parts, as-of date and the units that fell short named
//! under 三、存在问题, the ranking as a table (with last year's ranks under `--compare`), and the
//! same bytes from two runs.

use crate::workdir::Workdir;
use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::Value;
use std::io::Read;

const DOCX: &str = "通报_2026.docx";

/// The parts every package of the 通报 has.
const PARTS: [&str; 6] = [
    "[Content_Types].xml",
    "_rels/.rels",
    "word/document.xml",
    "word/_rels/document.xml.rels",
    "word/styles.xml",
    "docProps/core.xml",
];

fn run_county(wd: &Workdir, out: &str, extra: &[&str]) {
    let mut args = vec![
        "run",
        "county",
        "--out",
        out,
        "--year",
        "2026",
        "--as-of",
        "2026-12-31",
        "--quiet",
    ];
    args.extend(extra);
    let run = wd.run(&args);
    assert_eq!(run.code(), 0, "{}", run.stderr());
}

/// Each part of the package by name.
pub(crate) fn parts(bytes: &[u8]) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip package");
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let name = entry.name().unwrap().to_string();
            let mut text = String::new();
            entry.read_to_string(&mut text).unwrap();
            (name, text)
        })
        .collect()
}

pub(crate) fn part<'p>(parts: &'p [(String, String)], name: &str) -> &'p str {
    let found = parts.iter().find(|(n, _)| n == name);
    &found
        .unwrap_or_else(|| panic!("no {name} in the package"))
        .1
}

/// The text of each paragraph (`w:p`) of `word/document.xml`, entities resolved; fails on XML
/// that is not well-formed.
fn paragraphs(xml: &str) -> Vec<String> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) if e.name().as_ref() == b"w:p" => current = Some(String::new()),
            Event::End(e) if e.name().as_ref() == b"w:p" => out.extend(current.take()),
            Event::Empty(e) if e.name().as_ref() == b"w:br" => {
                current.iter_mut().for_each(|p| p.push('\n'));
            }
            Event::Text(t) => {
                let text = t.decode().unwrap();
                current.iter_mut().for_each(|p| p.push_str(&text));
            }
            Event::GeneralRef(r) => {
                let name = r.decode().unwrap();
                let c = quick_xml::escape::resolve_predefined_entity(&name)
                    .unwrap_or_else(|| panic!("unknown entity &{name};"));
                current.iter_mut().for_each(|p| p.push_str(c));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// Every event of a part, so that one not well-formed fails.
fn well_formed(name: &str, xml: &str) {
    let mut reader = Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("{name} is not well-formed XML: {e}"),
        }
    }
}

/// The paragraphs from the one that is `from` up to the one that is `to`.
fn section<'p>(paragraphs: &'p [String], from: &str, to: &str) -> &'p [String] {
    let start = paragraphs.iter().position(|p| p == from);
    let start = start.unwrap_or_else(|| panic!("no heading {from}: {paragraphs:#?}"));
    let end = paragraphs.iter().position(|p| p == to);
    let end = end.unwrap_or_else(|| panic!("no heading {to}: {paragraphs:#?}"));
    assert!(start < end, "{from} after {to}");
    &paragraphs[start + 1..end]
}

#[test]
fn tongbao_has_the_parts_of_a_tongbao_and_names_who_fell_short() {
    let wd = Workdir::new();
    wd.copy_fixture("county", "county");
    run_county(&wd, "out", &[]);
    let bytes = std::fs::read(wd.path(&format!("out/{DOCX}"))).unwrap();
    let parts = parts(&bytes);
    for name in PARTS {
        part(&parts, name);
    }
    assert_eq!(
        parts[0].0, "[Content_Types].xml",
        "the content types come first"
    );
    for (name, text) in &parts {
        well_formed(name, text);
    }
    assert!(part(&parts, "[Content_Types].xml").contains("wordprocessingml.document.main+xml"));
    assert!(part(&parts, "_rels/.rels").contains(r#"Target="word/document.xml""#));

    let xml = part(&parts, "word/document.xml");
    assert!(xml.contains("<w:tbl>"), "no table");
    assert!(
        xml.contains("<w:tblHeader/>"),
        "the table's header row does not repeat"
    );
    assert!(
        xml.contains(r#"<w:pgSz w:w="11906" w:h="16838"/>"#),
        "not A4 portrait"
    );
    let paragraphs = paragraphs(xml);
    let text = paragraphs.join("\n");
    assert!(
        text.contains("关于2026年度意识形态工作责任制落实情况的通报"),
        "{text}"
    );
    for heading in [
        "一、总体情况",
        "二、好的做法",
        "三、存在问题",
        "四、下步要求",
        "附件",
    ] {
        assert!(
            paragraphs.iter().any(|p| p == heading),
            "no {heading}: {text}"
        );
    }
    assert!(text.contains("2026年12月31日"), "{text}");
    assert!(
        text.contains("附件：2026年度意识形态工作责任制落实情况排名"),
        "{text}"
    );
    for header in ["总排名", "单位名称", "完成率", "未达标\n项数"] {
        assert!(paragraphs.iter().any(|p| p == header), "no column {header}");
    }
    assert!(
        !text.contains("上年"),
        "last year's ranks without --compare: {text}"
    );

    // Each submitted unit with a rule 未达标 (in the summary JSON) is named under 三、存在问题,
    // on a line with a rule it missed.
    let json: Value =
        serde_json::from_slice(&std::fs::read(wd.path("out/汇总_2026.json")).unwrap()).unwrap();
    let problems = section(&paragraphs, "三、存在问题", "四、下步要求");
    let short: Vec<&Value> = (json["ranking"].as_array().unwrap().iter())
        .filter(|u| u["missed_count"].as_u64().unwrap() > 0 && u["status"] == "已报送")
        .collect();
    assert!(
        !short.is_empty(),
        "the fixture county has units that fell short"
    );
    for unit in short {
        let name = unit["name"].as_str().unwrap();
        let line = problems.iter().find(|p| p.contains(&format!("{name}：")));
        let line = line.unwrap_or_else(|| panic!("{name} not listed: {problems:#?}"));
        let missed = (json["shortfalls"].as_array().unwrap().iter())
            .find(|s| s["unit"] == name && s["status"] == "未达标")
            .unwrap();
        let rule = missed["rule"].as_str().unwrap();
        assert!(line.contains(rule), "{line} does not name {rule}");
    }
    // And each unit that sent nothing.
    let missing = (json["ranking"].as_array().unwrap().iter())
        .filter(|u| u["status"] == "未报送")
        .map(|u| u["name"].as_str().unwrap());
    for name in missing {
        assert!(
            problems.iter().any(|p| p.contains(name)),
            "{name}: {problems:#?}"
        );
    }
    // The 总体情况 paragraph is 总览's, and the ranking lists every unit.
    let overall = section(&paragraphs, "一、总体情况", "二、好的做法");
    assert!(overall[0].starts_with("截至2026年12月31日"), "{overall:?}");
    for unit in json["ranking"].as_array().unwrap() {
        let name = unit["name"].as_str().unwrap();
        assert!(
            paragraphs.iter().any(|p| p == name),
            "{name} not in the ranking"
        );
    }
}

#[test]
fn tongbao_is_the_same_bytes_from_two_runs() {
    let wd = Workdir::new();
    wd.copy_fixture("county", "county");
    run_county(&wd, "out", &[]);
    run_county(&wd, "again", &[]);
    let first = std::fs::read(wd.path(&format!("out/{DOCX}"))).unwrap();
    let second = std::fs::read(wd.path(&format!("again/{DOCX}"))).unwrap();
    assert!(first == second, "two runs gave different documents");
}

#[test]
fn tongbao_ranking_compares_with_last_year() {
    let wd = Workdir::new();
    wd.copy_fixture("county", "county");
    run_county(&wd, "out", &[]);
    std::fs::copy(wd.path("out/汇总_2026.json"), wd.path("last.json")).unwrap();
    run_county(&wd, "again", &["--compare", "last.json"]);
    let bytes = std::fs::read(wd.path(&format!("again/{DOCX}"))).unwrap();
    let paragraphs = paragraphs(part(&parts(&bytes), "word/document.xml"));
    for header in ["上年\n排名", "变化"] {
        assert!(paragraphs.iter().any(|p| p == header), "no column {header}");
    }
    // The same ranking as last year's: no rank moved.
    assert!(paragraphs.iter().any(|p| p == "—"), "{paragraphs:#?}");
    assert!(
        !paragraphs
            .iter()
            .any(|p| p.starts_with('↑') || p.starts_with('↓'))
    );
}
