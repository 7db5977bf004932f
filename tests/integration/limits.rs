//! No submission and no schema name can stop the report, count twice, or write outside it: schema
//! sheet names are held to Excel's rules at load; a CSV record over a cap makes its file
//! unreadable, named in its 错误, and keeps the count true; a cell longer than Excel holds is a
//! bad value of its field; a CSV cut off mid-row is accepted with a 警告.

use crate::workdir::{Workdir, files_under, repo};
use serde_json::Value;

/// `name` as a TOML basic string.
fn toml_string(name: &str) -> String {
    let mut out = String::from("\"");
    for c in name.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out + "\""
}

/// The default schema with its sheet 学习记录 (line 19) renamed `name` everywhere.
fn schema_naming(wd: &Workdir, name: &str) -> String {
    let text = std::fs::read_to_string(repo().join("schemas/ideology_work.toml")).unwrap();
    let text = text.replace("\"学习记录\"", &toml_string(name));
    wd.write("方案.toml", text);
    "方案.toml".to_string()
}

/// A sheet name that is a path (relative, or absolute) is refused at load, at its line, before
/// anything is written: `run` once wrote `明细/../../../x.csv` outside `--out`.
#[test]
fn a_sheet_name_that_is_a_path_is_a_schema_error_and_nothing_is_written() {
    let wd = Workdir::new();
    wd.copy_fixture("county/问卷导出_学习记录.csv", "in/问卷导出_学习记录.csv");
    let absolute = wd.path("绝对/x").display().to_string();
    for name in ["../../../x", "..\\..\\x", absolute.as_str()] {
        let schema = schema_naming(&wd, name);
        let run = wd.run(&[
            "run", "in", "--schema", &schema, "--out", "a/b/c", "--year", "2026",
        ]);
        assert_eq!(run.code(), 2, "{name}: {}", run.stderr());
        let stderr = run.stderr();
        assert!(stderr.contains("方案.toml:26: 工作表名"), "{stderr}");
        assert!(stderr.contains("Excel 的工作表名不能含有"), "{stderr}");
        let written = files_under(wd.dir.path());
        assert_eq!(written.len(), 2, "{name}: {written:?}");
    }
}

/// `template` says in Chinese, at the schema's line, which rule a sheet name breaks, instead of
/// failing later with the workbook writer's English.
#[test]
fn template_refuses_every_name_excel_refuses_in_chinese() {
    let wd = Workdir::new();
    for (name, words) in [
        (
            "学习记录（2026年度全县各乡镇街道部门理论学习中心组学习情况）",
            "最多 31 个字符",
        ),
        ("学习:记录", "含有“:”"),
        ("学习[记录]", "含有“[”"),
        ("学习?", "含有“?”"),
        ("'学习记录", "单引号"),
        ("填报说明", "模板自带的工作表“填报说明”"),
        ("选项", "模板自带的工作表“选项”"),
        ("基本信息", "重复定义"),
        ("研究研判", "重复定义"),
        ("", "不能为空"),
    ] {
        let schema = schema_naming(&wd, name);
        let run = wd.run(&["template", "--schema", &schema, "--out", "模板.xlsx"]);
        let stderr = run.stderr();
        assert_eq!(run.code(), 2, "{name}: {stderr}");
        assert!(stderr.contains(words), "{name}: {stderr}");
        assert!(stderr.contains("方案.toml:"), "{name}: {stderr}");
        assert!(
            !stderr.contains("Worksheet") && !stderr.contains("Excel's"),
            "{stderr}"
        );
        assert!(!wd.path("模板.xlsx").exists());
    }
    // Excel does not tell names apart by case: an info sheet and a ledger sheet so named.
    let text = std::fs::read_to_string(repo().join("schemas/ideology_work.toml")).unwrap();
    let text = (text.replace("\"基本信息\"", "\"Sheet\"")).replace("\"学习记录\"", "\"SHEET\"");
    wd.write("方案.toml", text);
    let run = wd.run(&["template", "--schema", "方案.toml", "--out", "模板.xlsx"]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(
        run.stderr()
            .contains("方案.toml:26: 工作表“SHEET”与“Sheet”"),
        "{}",
        run.stderr()
    );
}

const HEADER: &str = "单位名称,日期,学习形式,学习主题,参学人数";

fn issues(stdout: &str) -> Vec<Value> {
    crate::workdir::json_lines(stdout)
}

/// Writes `in/<name>.csv` holding the header and `rows`, each ended by a line break.
fn csv(wd: &Workdir, name: &str, rows: &[String]) {
    let mut text = format!("{HEADER}\n");
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    wd.write(&format!("in/{name}.csv"), text);
}

/// A CSV record over a cap (fields, bytes in a field, bytes in a record) makes its file
/// unreadable with a 错误 naming the cap and its number; the file counts as failed, none of its
/// rows is counted, and the other files are read.
#[test]
fn a_csv_record_over_a_cap_makes_its_file_unreadable_and_keeps_the_count() {
    let wd = Workdir::new();
    csv(
        &wd,
        "学习记录",
        &["龙爪镇,2026-03-05,集中学习,二十大,30".into()],
    );
    let wide = format!("龙爪镇,2026-03-06,集中学习,二十大,30{}", ",".repeat(19_995));
    csv(&wd, "学习记录_宽", &[wide]);
    let field = format!(
        "龙爪镇,2026-03-06,集中学习,\"{}\",30",
        "学,\n习".repeat(200_000)
    );
    csv(&wd, "学习记录_长", &[field]);
    let record = vec!["龙".repeat(300_000); 5].join(",");
    csv(
        &wd,
        "学习记录_大",
        &["龙爪镇,2026-03-06,集中学习,二十大,30".into(), record],
    );
    let run = wd.run(&["check", "in", "--json", "--year", "2026"]);
    let stderr = run.stderr();
    assert!(
        stderr.contains("文件：找到 4 = 读取 1 + 跳过 0 + 无法读取 3 + 被替代 0"),
        "{stderr}"
    );
    assert!(
        stderr.contains("数据行：读取 1 = 采用 1 + 剔除 0"),
        "{stderr}"
    );
    let issues = issues(&run.stdout());
    for (file, words) in [
        (
            "学习记录_宽.csv",
            "第 2 行有 20000 个字段，超过每行字段数上限 16384",
        ),
        (
            "学习记录_长.csv",
            "第 2 行 D 列的内容有 1600000 字节，超过每个字段的上限 1048576 字节",
        ),
        (
            "学习记录_大.csv",
            "第 3 行的内容有 4500000 字节，超过每行的上限 4194304 字节",
        ),
    ] {
        let found = issues.iter().find(|i| i["file"] == file).unwrap();
        assert_eq!(found["code"], "file-unreadable");
        assert_eq!(found["level"], "错误");
        assert!(
            found["message"].as_str().unwrap().contains(words),
            "{found}"
        );
    }
}

/// A cell longer than Excel holds is a bad value of its field: an optional one is emptied with a
/// 警告, a required one (and a 单位名称 naming the row's unit) rejects its row; the run writes
/// its reports, with the value shown cut.
#[test]
fn a_cell_longer_than_excel_holds_is_refused_and_the_reports_are_written() {
    let wd = Workdir::new();
    let long = |c: &str| c.repeat(40_000);
    csv(
        &wd,
        "学习记录",
        &[
            format!("龙爪镇,2026-03-05,集中学习,二十大,{}", long("9")),
            format!("龙爪镇,2026-03-06,{},二十大,30", long("学")),
            format!("{},2026-03-07,集中学习,二十大,30", long("镇")),
        ],
    );
    let check = wd.run(&["check", "in", "--json", "--year", "2026"]);
    assert!(
        check.stderr().contains("数据行：读取 3 = 采用 1 + 剔除 2"),
        "{}",
        check.stderr()
    );
    let found: Vec<(String, String, String, String)> = (issues(&check.stdout()).iter())
        .filter(|i| i["code"] == "cell-too-long")
        .map(|i| {
            assert_eq!(i["value"].as_str().unwrap().chars().count(), 201);
            let text = |k: &str| i[k].as_str().unwrap_or_default().to_string();
            (
                text("level"),
                format!("{}{}", text("column"), i["row"]),
                text("field"),
                text("action"),
            )
        })
        .collect();
    let row = |l: &str, at: &str, f: &str, a: &str| (l.into(), at.into(), f.into(), a.into());
    assert_eq!(
        found,
        [
            row("警告", "E2", "参学人数", "已采用，该字段置空"),
            row("错误", "C3", "学习形式", "已剔除该行"),
            row("错误", "A4", "单位名称", "已剔除该行"),
        ]
    );
    let run = wd.run(&["run", "in", "--year", "2026", "--out", "out"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(wd.path("out/汇总_2026.xlsx").exists());
    let details = std::fs::read_to_string(wd.path("out/明细/学习记录.csv")).unwrap();
    assert!(details.len() < 1_000, "{details}");
}

/// A CSV whose last row the file ends inside of (no line break after it, fewer fields than the
/// header) is accepted with a 警告; a last row with all its fields and no line break is not.
#[test]
fn a_csv_cut_off_mid_row_is_accepted_with_a_warning() {
    let wd = Workdir::new();
    let first = "龙爪镇,2026-03-05,集中学习,二十大,30";
    for (tail, warned) in [
        ("龙爪镇,2026-03-06,集中学习", true),
        ("龙爪镇,2026-03-06,集中学习,,", false),
    ] {
        wd.write("in/学习记录.csv", format!("{HEADER}\n{first}\n{tail}"));
        let run = wd.run(&["check", "in", "--json", "--year", "2026"]);
        assert!(
            run.stderr().contains("数据行：读取 2 = 采用 2 + 剔除 0"),
            "{}",
            run.stderr()
        );
        let cut: Vec<Value> = (issues(&run.stdout()).into_iter())
            .filter(|i| i["code"] == "partial-row")
            .collect();
        if warned {
            assert_eq!(cut.len(), 1, "{cut:?}");
            assert_eq!(
                (cut[0]["level"].as_str(), cut[0]["row"].as_u64()),
                (Some("警告"), Some(3))
            );
            assert_eq!(
                (cut[0]["column"].as_str(), cut[0]["unit"].as_str()),
                (Some("D"), Some("龙爪镇"))
            );
            assert!(
                cut[0]["message"]
                    .as_str()
                    .unwrap()
                    .contains("该行只有 3 列，表头有 5 列")
            );
        } else {
            assert!(cut.is_empty(), "{cut:?}");
        }
    }
}
