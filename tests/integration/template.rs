//! `huizong template`: a template filled with valid rows passes `check` with no 错误 and no 警告
//! for every unit type; a blank one gives no 错误; dropdowns, validations and the version stamp
//! are in the file; `check` warns about a submission made from another schema version.

use crate::workdir::{Workdir, repo};
use std::io::Read;

const TYPES: [(&str, &str); 5] = [
    ("乡镇", "龙爪镇"),
    ("街道", "城关街道"),
    ("部门", "县教育局"),
    ("园区", "县工业园区"),
    ("学校", "县第一中学"),
];

fn roster(wd: &Workdir) {
    let mut text = String::from("\u{feff}单位名称,单位类型,别名\n");
    for (t, name) in TYPES {
        text.push_str(&format!("{name},{t},\n"));
    }
    wd.write("名册.csv", text);
}

fn levels(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["level"] != "提示")
        .map(|v| v.to_string())
        .collect()
}

#[test]
fn a_filled_template_checks_clean_for_every_unit_type() {
    let wd = Workdir::new();
    roster(&wd);
    for (t, name) in TYPES {
        wd.filled(None, t, name);
    }
    let run = wd.run(&["check", "in", "--roster", "名册.csv", "--json"]);
    assert_eq!(levels(&run.stdout()), Vec::<String>::new());
    assert_eq!(run.code(), 0);
    assert!(
        run.stderr().contains("数据行：读取 60 = 采用 60 + 剔除 0"),
        "{}",
        run.stderr()
    );
    assert!(
        run.stderr().contains("已报送 5，未报送 0"),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_blank_template_gives_no_error() {
    let wd = Workdir::new();
    let run = wd.run(&["template", "--out", "in/空白.xlsx"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let run = wd.run(&["check", "in", "--json"]);
    assert_eq!(run.code(), 0, "{}", run.stdout());
    assert!(!run.stdout().contains("错误"), "{}", run.stdout());
    let run = wd.run(&[
        "template",
        "--unit-type",
        "学校",
        "--unit",
        "县第一中学",
        "--year",
        "2026",
        "--out",
        "in2/县第一中学.xlsx",
    ]);
    assert_eq!(run.code(), 0);
    roster(&wd);
    let run = wd.run(&["check", "in2", "--roster", "名册.csv", "--json"]);
    assert_eq!(levels(&run.stdout()), Vec::<String>::new());
}

fn part(path: &std::path::Path, name: &str) -> String {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn dropdowns_validations_prompts_and_stamp_are_in_the_file() {
    let wd = Workdir::new();
    let run = wd.run(&[
        "template",
        "--unit-type",
        "乡镇",
        "--year",
        "2026",
        "--out",
        "t.xlsx",
    ]);
    assert_eq!(run.code(), 0);
    let path = wd.path("t.xlsx");
    let workbook = part(&path, "xl/workbook.xml");
    // Sheet order: 填报说明, 基本信息, then the ledgers, then the hidden list sheet.
    let names: Vec<&str> = workbook
        .match_indices("<sheet name=\"")
        .map(|(i, _)| &workbook[i + 13..])
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert_eq!(
        names,
        [
            "填报说明",
            "基本信息",
            "学习记录",
            "研究研判",
            "督查检查",
            "问责案件",
            "选项"
        ]
    );
    assert!(workbook.contains("state=\"hidden\""));
    assert!(workbook.contains("HUIZONG_SCHEMA"));
    let study = part(&path, "xl/worksheets/sheet3.xml");
    assert!(study.contains("type=\"list\""), "enum dropdown");
    assert!(
        study.contains("<formula1>\"中心组学习,集中学习"),
        "inline list"
    );
    assert!(
        study.contains("<formula1>\"是,否\"</formula1>"),
        "boolean dropdown"
    );
    assert!(
        study.contains("type=\"date\"")
            && study.contains("<formula1>46023</formula1>")
            && study.contains("<formula2>46387</formula2>"),
        "dates within 2026"
    );
    assert!(
        study.contains("type=\"whole\"")
            && study.contains("<formula1>1</formula1><formula2>10000</formula2>"),
        "参学人数 bounds"
    );
    assert!(study.contains("promptTitle=\"学习形式\"") && study.contains("showInputMessage=\"1\""));
    assert!(study.contains("<pane ySplit=\"3\""), "frozen header");
    let cases = part(&path, "xl/worksheets/sheet6.xml");
    assert!(
        cases.contains("<formula1>选项!$A$2:$A$15</formula1>"),
        "问责情形 on the hidden sheet"
    );
    assert!(
        cases.contains("<formula1>选项!$B$2:$B$17</formula1>"),
        "处理方式 on the hidden sheet"
    );
}

#[test]
fn check_warns_about_another_schema_version() {
    let wd = Workdir::new();
    let old = std::fs::read_to_string(repo().join("schemas/ideology_work.toml"))
        .unwrap()
        .replace("version = \"2026.1\"", "version = \"2025.2\"");
    wd.write("old.toml", old);
    roster(&wd);
    wd.filled(Some("old.toml"), "乡镇", "龙爪镇");
    let run = wd.run(&["check", "in", "--roster", "名册.csv", "--json"]);
    let found = levels(&run.stdout());
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("警告")
            && found[0].contains("方案版本 2025.2")
            && found[0].contains("2026.1"),
        "{found:?}"
    );
}

#[test]
fn an_unknown_unit_type_is_a_usage_error() {
    let wd = Workdir::new();
    let run = wd.run(&["template", "--unit-type", "医院", "--out", "t.xlsx"]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("医院"));
}
