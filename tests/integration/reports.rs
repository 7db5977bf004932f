//! What `run` writes, whatever a submission holds: long values cut where issues show them, a
//! capped 校验问题 beside a complete `校验问题.jsonl`, feedback files whose names every file system
//! takes, 明细 fields that a spreadsheet cannot run, and the report set replaced whole.

use crate::workdir::Workdir;
use calamine::{Reader, Xlsx, open_workbook};
use serde_json::Value;
use std::path::Path;

fn issues(stdout: &str) -> Vec<Value> {
    crate::workdir::json_lines(stdout)
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A submitted value is shown cut to 200 characters, and a sheet of 10,000 extra columns names
/// 20 of them: today's summary is written (it stopped with `String exceeds Excel's limit`).
#[test]
fn long_values_and_wide_sheets_do_not_stop_the_summary() {
    let wd = Workdir::new();
    let extra: Vec<String> = (1..=10_000).map(|i| format!("附加{i}")).collect();
    let long = format!("约{}人", "三".repeat(300));
    wd.write(
        "in/学习记录.csv",
        format!(
            "单位名称,序号,日期,学习形式,学习主题,参学人数,{}\n甲镇,1,2026-03-05,集中学习,a,{long}\n",
            extra.join(",")
        ),
    );
    let run = wd.run(&["run", "in", "--year", "2026", "--out", "out", "--feedback"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(wd.path("out/汇总_2026.xlsx").is_file());
    let found = issues(
        &wd.run(&["check", "in", "--year", "2026", "--json"])
            .stdout(),
    );
    let wide = found.iter().find(|i| i["code"] == "extra-columns").unwrap();
    let message = wide["message"].as_str().unwrap();
    assert!(message.ends_with("等 10000 列"), "{message}");
    assert!(message.chars().count() < 1_000, "{}", message.len());
    let cut = found.iter().find(|i| i["code"] == "not-integer").unwrap();
    let value = cut["value"].as_str().unwrap();
    assert_eq!(value.chars().count(), 201, "{value}");
    assert!(value.ends_with('…'));
    assert!(cut["message"].as_str().unwrap().chars().count() < 300);
}

/// 校验问题 stops at 100,000 rows with a row that points to `校验问题.jsonl`, which holds every
/// issue (a sheet cannot hold more than 1,048,576 rows: past that the summary was not written).
#[test]
fn the_issues_sheet_is_capped_and_the_jsonl_keeps_every_issue() {
    let wd = Workdir::new();
    let mut csv = String::from("单位名称,序号,日期,学习形式,参学人数,是否意识形态专题\n");
    for _ in 0..50_001 {
        csv.push_str("甲镇,1,2026-03-05,集中学习,约30人,也许\n");
    }
    wd.write("in/学习记录.csv", csv);
    let run = wd.run(&["run", "in", "--year", "2026", "--out", "out", "--quiet"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let lines = std::fs::read_to_string(wd.path("out/校验问题.jsonl")).unwrap();
    let all = issues(&lines);
    assert!(all.len() > 100_002, "{}", all.len());
    assert!(all.iter().all(|i| i["code"].is_string()));
    let mut wb: Xlsx<_> = open_workbook(wd.path("out/汇总_2026.xlsx")).unwrap();
    let sheet = wb.worksheet_range("校验问题").unwrap();
    let last = sheet.rows().next_back().unwrap();
    let text: Vec<String> = last.iter().map(|c| c.to_string()).collect();
    let rest = all.len() - 100_000;
    assert!(
        text.iter()
            .any(|t| t.contains(&format!("其余 {rest} 条见 校验问题.jsonl"))),
        "{text:?}"
    );
    // Title, subtitle, header, 100,000 issues and the closing row.
    assert!(sheet.height() <= 100_004, "{}", sheet.height());
}

/// Unit names that no file system or terminal should take as they are: too long, holding a
/// slash or a backslash, a Windows device name, a line break, a right-to-left override. Every
/// unit still gets its own feedback workbook (a name over 255 bytes stopped the run), and the
/// reminder list keeps one line per unit (a line break in a name forged a line).
#[test]
fn feedback_files_have_safe_unique_names() {
    let wd = Workdir::new();
    let names = [
        "镇".repeat(100),
        // Cut to the same 80 characters: the second's `（2）` must fit within the bounds too.
        "镇".repeat(101),
        "a/b".to_string(),
        "a\\b".to_string(),
        "CON".to_string(),
        "COM²".to_string(),
        // A device name gets `_` in front, within the same bounds.
        format!("NUL.{}", "镇".repeat(100)),
        "甲\n乙伪造的一行".to_string(),
        "丙\u{202E}xslx.exe".to_string(),
    ];
    let mut csv = String::from("单位名称,序号,日期,学习形式,学习主题\n");
    for name in &names {
        csv.push_str(&format!("\"{name}\",1,2026-03-05,读书会,a\n"));
    }
    wd.write("in/学习记录.csv", csv);
    let run = wd.run(&["run", "in", "--year", "2026", "--out", "out", "--feedback"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let written = file_names(&wd.path("out/反馈"));
    assert_eq!(written.len(), names.len(), "{written:?}");
    for name in &written {
        let stem = name.strip_suffix(".xlsx").unwrap();
        assert!(stem.chars().count() <= 80 && stem.len() <= 240, "{name}");
        assert!(
            !name.chars().any(|c| c.is_control() || c == '\u{202E}'),
            "{name:?}"
        );
        assert!(!stem.contains(['/', '\\']), "{name}");
    }
    assert!(written.contains(&"_CON.xlsx".to_string()), "{written:?}");
    assert!(written.contains(&"_COM².xlsx".to_string()), "{written:?}");
    assert!(
        written.iter().any(|n| n.ends_with("（2）.xlsx")),
        "{written:?}"
    );
    let list = std::fs::read(wd.path("out/催报名单.txt")).unwrap();
    assert!(list.starts_with("\u{feff}".as_bytes()), "a byte-order mark");
    let list = String::from_utf8(list).unwrap();
    assert!(list.contains("\r\n") && !list.replace("\r\n", "").contains('\n'));
    assert!(
        !list.lines().any(|l| l.starts_with("乙伪造的一行")),
        "{list}"
    );
    assert!(!run.stderr().contains('\u{1b}'));
}

/// Fields a spreadsheet would run as formulas are written to 明细 with a leading `'`.
#[test]
fn formula_fields_are_inert_in_the_detail_csv() {
    let wd = Workdir::new();
    wd.write(
        "in/学习记录.csv",
        concat!(
            "单位名称,序号,日期,学习形式,学习主题\n",
            "甲镇,1,2026-03-05,集中学习,\"=HYPERLINK(\"\"http://x\"\")\"\n",
            "甲镇,2,2026-03-06,集中学习,@SUM(A1)\n",
            "甲镇,3,2026-03-07,集中学习,+1+cmd\n",
            "甲镇,4,2026-03-08,集中学习,\t=1+1\n",
            "=cmd,5,2026-03-09,集中学习,学习\n",
        ),
    );
    let run = wd.run(&["run", "in", "--year", "2026", "--out", "out", "--quiet"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let detail = std::fs::read_to_string(wd.path("out/明细/学习记录.csv")).unwrap();
    for field in ["'=HYPERLINK(", "'@SUM(A1)", "'+1+cmd", "'=1+1", "'=cmd,"] {
        assert!(detail.contains(field), "{field} in {detail}");
    }
    for line in detail.lines().skip(1) {
        for field in line.split(',') {
            let field = field.trim_start_matches('"');
            assert!(!field.starts_with(['=', '+', '@', '\t']), "{line}");
        }
    }
}

/// A run replaces the whole report set: the feedback of a run before (with `--feedback`) is gone
/// after a run without it, and so are a killed run's temporary files and staging folder and the
/// run's own lock file; a file of the clerk's own in `--out` stays.
#[test]
fn a_run_replaces_its_whole_set_and_nothing_else() {
    let wd = Workdir::new();
    wd.write(
        "in/学习记录.csv",
        "单位名称,序号,日期,学习形式,学习主题\n甲镇,1,2026-03-05,读书会,a\n",
    );
    let args = ["run", "in", "--year", "2026", "--out", "out", "--quiet"];
    let run = wd.run(&[&args[..], &["--feedback"]].concat());
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(wd.path("out/反馈/甲镇.xlsx").is_file());
    wd.write("out/领导批示.docx", "mine");
    wd.write("out/反馈/旧单位.xlsx", "stale");
    wd.write("out/.huizong-killed.tmp", "half");
    wd.write(".out.huizong-staging-1/汇总_2026.xlsx", "half");
    let run = wd.run(&args);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_eq!(
        file_names(&wd.path("out")),
        [
            ".huizong-报表",
            "明细",
            "校验问题.jsonl",
            "汇总_2026.json",
            "汇总_2026.xlsx",
            "通报_2026.docx",
            "领导批示.docx",
        ]
    );
    assert!(!wd.path(".out.huizong-staging-1").exists());
}

/// Runs into a folder that held no report set leave the clerk's files there alone, even those
/// named like the tool's, the first run and the next: only what a run writes is replaced.
#[test]
fn runs_into_a_clerks_folder_touch_none_of_its_files() {
    let wd = Workdir::new();
    wd.write(
        "in/学习记录.csv",
        "单位名称,序号,日期,学习形式,学习主题\n甲镇,1,2026-03-05,读书会,a\n",
    );
    wd.write("out/汇总_全县.xlsx", "mine");
    wd.write("out/汇总_2019.xlsx", "mine");
    wd.write("out/通报_2019.docx", "mine");
    wd.write("out/反馈/给领导.docx", "mine");
    for _ in 0..2 {
        let run = wd.run(&["run", "in", "--year", "2026", "--out", "out", "--quiet"]);
        assert_eq!(run.code(), 0, "{}", run.stderr());
    }
    for kept in [
        "汇总_全县.xlsx",
        "汇总_2019.xlsx",
        "通报_2019.docx",
        "反馈/给领导.docx",
    ] {
        let path = wd.path(&format!("out/{kept}"));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine", "{kept}");
    }
    assert!(wd.path("out/汇总_2026.xlsx").is_file());
}
