//! `huizong check` on a county of messy submissions made by other software (openpyxl, xlwt, a
//! GBK CSV, a truncated and a renamed file): every planted problem is reported at the right file,
//! row and level, nothing else is an error or warning, and the rows reconcile.

use crate::workdir::{Workdir, fixtures, repo};
use serde_json::Value;

fn expected() -> Value {
    let text = std::fs::read_to_string(fixtures().join("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn reported(stdout: &str) -> Vec<Value> {
    crate::workdir::json_lines(stdout)
}

/// The code the tool gives each kind of planted problem (`docs/issues.md#issue-codes`).
fn code_of(planted: &str) -> &'static str {
    match planted {
        "unknown_unit" | "unknown_unit_row" => "unknown-unit",
        "missing_sheet" => "sheet-missing",
        "lock_file" | "not_spreadsheet" => "file-skipped",
        "required_blank" => "required-empty",
        "totals_row" => "totals-row",
        "not_greater" | "when_require" => "check-failed",
        "truncated" => "file-unreadable",
        "superseded" => "superseded",
        "unknown_enum" => "not-in-list",
        s if s.starts_with("suggest:") => "not-in-list",
        "optional_int_warning" => "not-integer",
        "bad_date" => "not-a-date",
        "out_of_year" => "date-out-of-year",
        "extra_columns" => "extra-columns",
        other => panic!("no code for planted kind {other}"),
    }
}

/// Does reported issue `r` match planted issue `e`? By code first: the words may change.
fn matches(e: &Value, r: &Value) -> bool {
    if r["code"] != code_of(e["kind"].as_str().unwrap_or("")) {
        return false;
    }
    let same = |key: &str| e[key].is_null() || e[key] == r[key];
    let message = r["message"].as_str().unwrap_or("");
    let contains = e["message_contains"]
        .as_str()
        .is_none_or(|m| message.contains(m));
    let sheet = e["schema_sheet"].as_str().is_none_or(|s| r["sheet"] == s);
    let suggestion = match e.get("suggestion") {
        None => true,
        Some(Value::Null) => !message.contains("是否应为"),
        Some(s) => message.contains(&format!("是否应为“{}”", s.as_str().unwrap())),
    };
    let field = e
        .get("field")
        .is_none_or(|f| f.is_null() || *f == r["field"]);
    e["file"] == r["file"]
        && e["level"] == r["level"]
        && same("row")
        && (e["sheet"].is_null() || e["sheet"] == r["sheet"])
        && contains
        && sheet
        && suggestion
        && field
}

#[test]
fn every_planted_problem_is_reported_and_nothing_else_is_an_error() {
    let wd = Workdir::new();
    wd.copy_fixture("county", "county");
    let run = wd.run(&[
        "check",
        "county",
        "--json",
        "--schema",
        repo().join("schemas/ideology_work.toml").to_str().unwrap(),
    ]);
    assert_eq!(run.code(), 1, "errors were planted: {}", run.stderr());
    let issues = reported(&run.stdout());
    let expected = expected();
    for e in expected["issues"].as_array().unwrap() {
        assert!(
            issues.iter().any(|r| matches(e, r)),
            "planted issue not reported: {e}\nreported: {issues:#?}"
        );
    }
    let allowed: Vec<&Value> = expected["issues"]
        .as_array()
        .unwrap()
        .iter()
        .chain(expected["may_issues"].as_array().unwrap())
        .collect();
    for r in issues.iter().filter(|r| r["level"] != "提示") {
        assert!(
            allowed.iter().any(|e| matches(e, r)),
            "unplanted {}: {r}",
            r["level"]
        );
    }
    let summary = run.stderr();
    let line = format!(
        "数据行：读取 {} = 采用 {} + 剔除 {}",
        expected["data_rows"], expected["accepted"], expected["rejected"]
    );
    assert!(summary.contains(&line), "{summary}");
    assert!(
        summary.contains("文件：找到 15 = 读取 11 + 跳过 2 + 无法读取 1 + 被替代 1"),
        "{summary}"
    );
    assert!(summary.contains("未报送 2"), "{summary}");
}

#[test]
fn json_lines_carry_every_key() {
    let wd = Workdir::new();
    wd.copy_fixture("county", "county");
    let run = wd.run(&["check", "county", "--json"]);
    let keys = [
        "level", "code", "unit", "file", "sheet", "row", "column", "field", "value", "message",
        "action",
    ];
    let stdout = run.stdout();
    assert!(stdout.lines().count() > 10);
    for line in stdout.lines() {
        let issue: Value = serde_json::from_str(line).unwrap();
        assert_eq!(issue.as_object().unwrap().len(), keys.len(), "{line}");
        let positions: Vec<usize> = keys
            .iter()
            .map(|k| {
                line.find(&format!("\"{k}\":"))
                    .unwrap_or_else(|| panic!("{k} missing: {line}"))
            })
            .collect();
        assert!(
            positions.windows(2).all(|w| w[0] < w[1]),
            "keys out of order: {line}"
        );
    }
}

#[test]
fn human_output_names_file_cell_and_action() {
    let wd = Workdir::new();
    wd.copy_fixture("county", "county");
    let run = wd.run(&["check", "county"]);
    let out = run.stdout();
    assert!(
        out.contains("错误  城关街道2026年意识形态台账.xlsx  学习记录!B14  日期不在2026年度内（原值：2025-12-28） → 已剔除该行"),
        "{out}"
    );
    assert!(
        out.contains("数据行：读取 164 = 采用 149 + 剔除 15"),
        "{out}"
    );
}

/// Without a roster `run` goes on, but a 警告 says that no 未报送 list can be made (`check`,
/// which makes no such list, stays quiet: a filled template checks clean on its own); a file
/// left in a hidden folder is not read, and a 提示 names the folder: nothing is skipped silently.
#[test]
fn no_roster_is_a_warning_and_a_hidden_folder_is_named() {
    let wd = Workdir::new();
    wd.copy_fixture("county/龙爪镇2026年台账.xlsx", "in/龙爪镇2026年台账.xlsx");
    wd.copy_fixture("county/龙爪镇2026年台账.xlsx", "in/乡镇/.备份/龙爪镇.xlsx");
    let run = wd.run(&["check", "in", "--json"]);
    assert_eq!(run.code(), 0, "{}", run.stdout());
    let issues = reported(&run.stdout());
    assert!(issues.iter().all(|i| i["level"] != "警告"), "{issues:?}");
    let hidden: Vec<&Value> = issues
        .iter()
        .filter(|i| i["file"] == "乡镇/.备份")
        .collect();
    assert_eq!(hidden.len(), 1, "{issues:?}");
    assert_eq!(hidden[0]["level"], "提示");
    assert_eq!(hidden[0]["action"], "已跳过文件夹");
    assert!(run.stderr().contains("文件：找到 1 ="), "{}", run.stderr());

    let run = wd.run(&["run", "in", "--out", "out"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(
        run.stderr().contains("错误 0，警告 1，"),
        "{}",
        run.stderr()
    );
    let summary = std::fs::read(wd.path("out/汇总_2026.xlsx")).unwrap();
    let mut book: calamine::Xlsx<_> = calamine::Reader::new(std::io::Cursor::new(summary)).unwrap();
    let issues = calamine::Reader::worksheet_range(&mut book, "校验问题").unwrap();
    let warned = (issues.rows()).any(|r| r.iter().any(|c| c.to_string().contains("未提供名册")));
    assert!(warned, "no 警告 in 校验问题");

    wd.copy_fixture("county/名册.csv", "in/名册.csv");
    let run = wd.run(&["run", "in", "--out", "out"]);
    assert!(
        run.stderr().contains("错误 0，警告 0，"),
        "{}",
        run.stderr()
    );
}

/// With `--roster` naming a roster elsewhere, a 名册.csv among the inputs is no submission: one
/// 提示 names it, and it is not read as a ledger (no 警告 about its columns).
#[test]
fn another_roster_among_the_inputs_is_skipped() {
    let wd = Workdir::new();
    wd.copy_fixture("county/名册.csv", "名册.csv");
    wd.copy_fixture("county/名册.csv", "in/名册.csv");
    wd.copy_fixture("county/龙爪镇2026年台账.xlsx", "in/龙爪镇2026年台账.xlsx");
    let run = wd.run(&["check", "in", "--roster", "名册.csv", "--json"]);
    assert_eq!(run.code(), 0, "{}", run.stdout());
    let issues = reported(&run.stdout());
    let about: Vec<&Value> = issues.iter().filter(|i| i["file"] == "名册.csv").collect();
    assert_eq!(about.len(), 1, "{issues:?}");
    assert_eq!(about[0]["level"], "提示");
    assert!(
        (about[0]["message"].as_str().unwrap()).contains("另一份名册"),
        "{about:?}"
    );
    assert!(
        run.stderr().contains("文件：找到 2 = 读取 1 + 跳过 1"),
        "{}",
        run.stderr()
    );
}

/// An issue names the row Excel shows (a CSV's blank lines are rows) and the value as typed: a
/// text date refused for its year keeps its spelling.
#[test]
fn rows_are_excels_and_a_refused_date_is_shown_as_typed() {
    let wd = Workdir::new();
    wd.copy_fixture("county/名册.csv", "in/名册.csv");
    wd.write(
        "in/龙爪镇学习记录.csv",
        "序号,日期,学习形式,学习主题\n\n1,2026-03-05,集中学习,a\n\n\n2,2025/12/28,集中学习,b\n3,2026年13月1日,集中学习,c\n",
    );
    let run = wd.run(&["check", "in", "--year", "2026", "--json"]);
    let issues = reported(&run.stdout());
    let errors: Vec<(u64, &str, &str)> = issues
        .iter()
        .filter(|i| i["level"] == "错误")
        .map(|i| {
            let message = i["message"].as_str().unwrap();
            (
                i["row"].as_u64().unwrap(),
                i["value"].as_str().unwrap(),
                message,
            )
        })
        .collect();
    assert_eq!(errors.len(), 2, "{issues:?}");
    assert_eq!((errors[0].0, errors[0].1), (6, "2025/12/28"), "{errors:?}");
    assert!(errors[0].2.contains("日期不在2026年度内"), "{errors:?}");
    assert_eq!(
        (errors[1].0, errors[1].1),
        (7, "2026年13月1日"),
        "{errors:?}"
    );
}

/// A date typed without a year (`3月5日`) takes the report year — here, with no `--year`, the
/// 填报年度 of the other workbook, though the CSV itself names no year — and `2月29日` is
/// refused when that year has no such day.
#[test]
fn month_day_dates_take_the_report_year() {
    let wd = Workdir::new();
    wd.copy_fixture("county/名册.csv", "in/名册.csv");
    wd.copy_fixture("county/龙爪镇2026年台账.xlsx", "in/龙爪镇2026年台账.xlsx");
    wd.write(
        "in/青石镇学习记录.csv",
        "序号,日期,学习形式,学习主题\n1,3月5日,集中学习,a\n2,2月29日,集中学习,b\n",
    );
    let run = wd.run(&["check", "in", "--json"]);
    let issues = reported(&run.stdout());
    let qingshi: Vec<&Value> = (issues.iter())
        .filter(|i| i["file"] == "青石镇学习记录.csv" && i["level"] == "错误")
        .collect();
    assert_eq!(qingshi.len(), 1, "{issues:?}");
    assert_eq!(qingshi[0]["row"], 3);
    assert_eq!(qingshi[0]["value"], "2月29日");
    assert!(
        (qingshi[0]["message"].as_str().unwrap()).contains("在2026年不存在"),
        "{qingshi:?}"
    );
    let run = wd.run(&["run", "in", "--out", "out", "--quiet"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let detail = std::fs::read_to_string(wd.path("out/明细/学习记录.csv")).unwrap();
    assert!(
        detail.contains("青石镇,青石镇学习记录.csv,2,1,2026-03-05,集中学习,a"),
        "{detail}"
    );
}

/// Every issue names its unit as the roster does: an unreadable file by the roster name in its
/// path, a superseded workbook by its unit's roster name, not as its 基本信息 spelled it.
#[test]
fn unreadable_and_superseded_files_name_their_roster_unit() {
    let wd = Workdir::new();
    wd.copy_fixture("county/名册.csv", "in/名册.csv");
    wd.copy_fixture(
        "county/县交通运输局_坏文件.xlsx",
        "in/县交通运输局_坏文件.xlsx",
    );
    wd.copy_fixture("county/青石鎮2026年台賬.xlsx", "in/a/青石鎮2026年台賬.xlsx");
    let again = wd.copy_fixture("county/青石鎮2026年台賬.xlsx", "in/b/青石鎮2026年台賬.xlsx");
    // Saved again rather than copied: a bit of its zip's first timestamp differs, so it is a
    // resubmission that one of them supersedes, not a copy of the same content.
    let mut bytes = std::fs::read(&again).unwrap();
    bytes[10] ^= 1;
    std::fs::write(&again, bytes).unwrap();
    let run = wd.run(&["check", "in", "--json"]);
    let issues = reported(&run.stdout());
    let unit_of = |file: &str, action: &str| -> Vec<Value> {
        (issues.iter())
            .filter(|i| i["file"] == file && i["action"] == action)
            .filter(|i| action != "未计入" || i["code"] == "superseded")
            .map(|i| i["unit"].clone())
            .collect()
    };
    assert_eq!(
        unit_of("县交通运输局_坏文件.xlsx", "已跳过文件"),
        vec![Value::from("县交通运输局")],
        "{issues:?}"
    );
    // One of the two is superseded, whichever wins.
    let superseded: Vec<Value> = ["a/青石鎮2026年台賬.xlsx", "b/青石鎮2026年台賬.xlsx"]
        .iter()
        .flat_map(|f| unit_of(f, "未计入"))
        .collect();
    assert_eq!(superseded, vec![Value::from("青石镇")], "{issues:?}");
}

#[test]
fn a_clean_county_exits_zero() {
    let wd = Workdir::new();
    wd.copy_fixture("county/龙爪镇2026年台账.xlsx", "in/龙爪镇2026年台账.xlsx");
    wd.copy_fixture("county/名册.csv", "in/名册.csv");
    let run = wd.run(&["check", "in", "--json"]);
    let levels: Vec<String> = reported(&run.stdout())
        .iter()
        .map(|r| r["level"].to_string())
        .collect();
    assert!(
        !levels
            .iter()
            .any(|l| l.contains("错误") || l.contains("警告")),
        "{levels:?}"
    );
    assert_eq!(run.code(), 0, "{}", run.stdout());
}

#[test]
fn a_broken_schema_exits_two_with_every_problem_and_its_line() {
    let wd = Workdir::new();
    let schema = std::fs::read_to_string(repo().join("schemas/ideology_work.toml"))
        .unwrap()
        .replacen("min = 12", "minimum_count = 12", 1)
        .replacen("per = \"week\"", "per = \"fortnight\"", 1);
    wd.write("bad.toml", &schema);
    wd.copy_fixture("county/名册.csv", "in/名册.csv");
    let run = wd.run(&["check", "in", "--schema", "bad.toml"]);
    assert_eq!(run.code(), 2);
    let err = run.stderr();
    let line = schema
        .lines()
        .position(|l| l == "minimum_count = 12")
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!("bad.toml:{line}: 未知的键 `minimum_count`")),
        "{err}"
    );
    let fixed = schema.replacen("minimum_count = 12", "min = 12", 1);
    wd.write("bad.toml", &fixed);
    let err = wd.run(&["check", "in", "--schema", "bad.toml"]).stderr();
    assert!(err.contains("per `fortnight` 无效"), "{err}");
}

#[test]
fn a_missing_input_is_a_usage_error() {
    let wd = Workdir::new();
    let run = wd.run(&["check", "nowhere"]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("输入路径不存在"));
}

#[test]
fn every_schema_in_schemas_loads() {
    for entry in std::fs::read_dir(repo().join("schemas")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            huizong::load_schema(&path).unwrap_or_else(|e| panic!("{e}"));
        }
    }
}

#[test]
fn cells_at_a1_and_xfd1048576_cost_two_cells_not_a_dense_grid() {
    let wd = Workdir::new();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("学习记录").unwrap();
    for (c, h) in ["日期", "学习形式", "学习主题", "参学人数"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "2026-03-05").unwrap();
    ws.write_string(1, 1, "集中学习").unwrap();
    ws.write_string(1_048_575, 16_383, "远处的单元格").unwrap();
    let path = wd.path("in/龙爪镇.xlsx");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    wb.save(&path).unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 20_000);
    wd.write("名册.csv", "单位名称,单位类型\n龙爪镇,乡镇\n");
    let run = wd.run(&["check", "in", "--roster", "名册.csv", "--year", "2026"]);
    // The far cell is a data row with no date: one 错误, and the run finishes.
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert!(
        run.stdout().contains("学习记录!A1048576  必填项“日期”为空"),
        "{}",
        run.stdout()
    );
    assert!(
        run.stdout().contains("数据行：读取 2 = 采用 1 + 剔除 1"),
        "{}",
        run.stdout()
    );
}

/// A workbook whose unit cannot be told loses only the rows that need it: those of sheets
/// without a 单位名称 column. The 错误 counts those rows, names their sheets, and says the other
/// sheets' rows were counted by their column.
#[test]
fn a_workbook_without_a_unit_loses_only_the_rows_that_need_one() {
    let wd = Workdir::new();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let rows: [(&str, &[&[&str]]); 2] = [
        (
            "学习记录",
            &[
                &["单位名称", "序号", "日期", "学习形式", "学习主题"],
                &["龙爪镇", "1", "2026-03-02", "集中学习", "a"],
                &["青石镇", "2", "2026-03-03", "集中学习", "b"],
            ],
        ),
        (
            "研究研判",
            &[&["日期", "类型", "议题"], &["2026-03-03", "专题研究", "x"]],
        ),
    ];
    for (name, table) in rows {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        for (r, row) in table.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *text).unwrap();
            }
        }
    }
    let path = wd.path("in/网上填报导出.xlsx");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    wb.save(&path).unwrap();
    wd.copy_fixture("county/名册.csv", "in/名册.csv");
    let run = wd.run(&["check", "in", "--year", "2026", "--json"]);
    let issues = reported(&run.stdout());
    let errors: Vec<&Value> = issues.iter().filter(|i| i["level"] == "错误").collect();
    assert_eq!(errors.len(), 1, "{issues:?}");
    let message = errors[0]["message"].as_str().unwrap();
    assert!(message.starts_with("无法确定报送单位"), "{message}");
    assert!(
        message.contains("工作表 研究研判 没有“单位名称”列，其中 1 行数据均未计入"),
        "{message}"
    );
    assert_eq!(errors[0]["action"], "已剔除该表");
    assert!(
        run.stderr().contains("数据行：读取 3 = 采用 2 + 剔除 1"),
        "{}",
        run.stderr()
    );
}

/// A roster that cannot be read is a usage error (exit 2) naming the roster and why, whether it
/// is given or found among the inputs, and no report of a half run is printed.
#[test]
fn a_roster_without_a_unit_column_is_a_usage_error() {
    let wd = Workdir::new();
    wd.copy_fixture("county/龙爪镇2026年台账.xlsx", "in/龙爪镇2026年台账.xlsx");
    wd.write("in/名册.csv", "单位,类型\n龙爪镇,乡镇\n");
    for args in [
        &["check", "in"][..],
        &["check", "in", "--roster", "in/名册.csv"],
    ] {
        let run = wd.run(args);
        assert_eq!(run.code(), 2, "{args:?}: {}", run.stderr());
        assert!(run.stderr().contains("名册.csv"), "{}", run.stderr());
        assert!(
            run.stderr().contains("前 15 行中没有“单位名称”列"),
            "{}",
            run.stderr()
        );
        assert!(
            run.stdout().is_empty(),
            "no report of a half run: {}",
            run.stdout()
        );
    }
}

#[test]
fn the_cell_cap_is_configurable_and_named_in_the_message() {
    let wd = Workdir::new();
    wd.copy_fixture("county/龙爪镇2026年台账.xlsx", "in/龙爪镇2026年台账.xlsx");
    let run = wd.run(&["check", "in", "--max-cells", "50"]);
    let out = run.stdout();
    assert!(
        out.contains("学习记录  工作表单元格超过上限 50 个（--max-cells）"),
        "{out}"
    );
    assert!(!out.contains("学习记录  未找到工作表"), "{out}");
    assert_eq!(run.code(), 1);
}

/// A hidden sheet with rows that no schema name claims is named with a 提示, as a visible one is:
/// rows a unit hid are never passed over without a word.
#[test]
fn a_hidden_sheet_of_no_known_name_is_named() {
    let wd = Workdir::new();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("学习记录").unwrap();
    for (c, h) in ["日期", "学习形式", "学习主题"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "2026-03-05").unwrap();
    ws.write_string(1, 1, "集中学习").unwrap();
    let hidden = wb.add_worksheet();
    hidden.set_name("hiddenone").unwrap();
    hidden.write_string(0, 0, "日期").unwrap();
    hidden.write_string(1, 0, "2026-04-01").unwrap();
    hidden.set_hidden(true);
    let path = wd.path("in/龙爪镇.xlsx");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    wb.save(&path).unwrap();
    wd.write("名册.csv", "单位名称,单位类型\n龙爪镇,乡镇\n");
    let run = wd.run(&[
        "check",
        "in",
        "--roster",
        "名册.csv",
        "--year",
        "2026",
        "--json",
    ]);
    let named: Vec<Value> = (run.json_lines().into_iter())
        .filter(|i| i["code"] == "unknown-sheet")
        .collect();
    assert_eq!(named.len(), 1, "{}", run.stdout());
    assert_eq!(named[0]["sheet"], "hiddenone");
}
