//! Who sent each file (`tests/fixtures/senders/`, made by
//! `tests/fixtures/make_sender_fixtures.py`; one folder per finding): a roster that would put
//! units silently wrong stops the run naming its row; a unit's type comes from the roster, else
//! its 基本信息, and a unit of no known type is not judged; an official full name is recognised
//! as the one roster unit it names, never a guess; a unit whose file named it wrongly is not
//! reported as having sent nothing, every such file is named and no unit is chased twice; a unit
//! of no known type keeps its 评优资格 and 整改; feedback never says every quota is met when it is
//! not, nor to a unit with an 错误 of its own; the template's example rows and a workbook of
//! another year (an empty one too) are refused; the template takes a 填报日期 in January of the
//! next year; a roster kept as offices keep it is read. Every run is of 2026, judged as of
//! 2026-12-31.

use crate::workdir::{Workdir, default_schema as schema};
use calamine::{Data, Reader, Xlsx, open_workbook};
use serde_json::Value;
use std::io::Read;

/// `command in` with the repository's schema, the year, the date judged, the roster (when
/// given) and `extra`.
fn with_inputs<'a>(
    command: &'a str,
    schema: &'a str,
    roster: Option<&'a str>,
    extra: &[&'a str],
) -> Vec<&'a str> {
    let mut args = vec![
        command,
        "in",
        "--schema",
        schema,
        "--year",
        "2026",
        "--as-of",
        "2026-12-31",
    ];
    if let Some(roster) = roster {
        args.extend(["--roster", roster]);
    }
    args.extend_from_slice(extra);
    args
}

/// Runs `check --json` on `in/` and returns its issues.
fn check(wd: &Workdir, roster: Option<&str>) -> Vec<Value> {
    let schema = schema();
    let run = wd.run(&with_inputs("check", &schema, roster, &["--json"]));
    assert!(
        [0, 1].contains(&run.code()),
        "{}{}",
        run.stdout(),
        run.stderr()
    );
    run.json_lines()
}

/// Runs `run` on `in/` into `out/` (with `extra` flags) and returns 汇总_2026.json.
fn run(wd: &Workdir, roster: Option<&str>, extra: &[&str]) -> Value {
    let schema = schema();
    let mut flags = vec!["--out", "out", "--quiet"];
    flags.extend_from_slice(extra);
    let run = wd.run(&with_inputs("run", &schema, roster, &flags));
    assert!([0, 1].contains(&run.code()), "{}", run.stderr());
    let text = std::fs::read_to_string(wd.path("out/汇总_2026.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Copies the fixture folder `senders/<folder>` to `in/`.
fn inputs(wd: &Workdir, folder: &str) {
    wd.copy_fixture(&format!("senders/{folder}"), "in");
}

/// The issues about one file (its path relative to `in/`).
fn issues_of<'a>(issues: &'a [Value], file: &str) -> Vec<&'a Value> {
    issues.iter().filter(|i| i["file"] == file).collect()
}

/// The first issue of the file with `code`.
fn issue_with<'a>(issues: &'a [Value], file: &str, code: &str) -> &'a Value {
    let of = issues_of(issues, file);
    of.iter()
        .find(|i| i["code"] == code)
        .copied()
        .unwrap_or_else(|| panic!("no {code} for {file}: {of:#?}"))
}

/// The file's 错误.
fn errors_of<'a>(issues: &'a [Value], file: &str) -> Vec<&'a Value> {
    (issues_of(issues, file).into_iter())
        .filter(|i| i["level"] == "错误")
        .collect()
}

/// The unit's entry of `ranking`.
fn ranked<'a>(report: &'a Value, unit: &str) -> &'a Value {
    report["ranking"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == unit)
        .unwrap_or_else(|| panic!("{unit} not ranked: {:#}", report["ranking"]))
}

/// The unit's 排名 cell for a rule column.
fn count<'a>(report: &'a Value, unit: &str, rule: &str) -> &'a Value {
    let rules = report["rules"].as_array().unwrap();
    let column = (rules.iter().position(|r| r == rule))
        .unwrap_or_else(|| panic!("no rule {rule}: {rules:?}"));
    &ranked(report, unit)["counts"][column]
}

/// The unit sent a file that was recognised as its own, and its rows count: 已报送 with some
/// 集中学习 counted (every fixture workbook has three).
fn counted(report: &Value, unit: &str) {
    let entry = ranked(report, unit);
    assert_eq!(entry["status"], "已报送", "{entry:#}");
    let studies = count(report, unit, "集中学习");
    assert!(
        studies.as_u64().is_some_and(|n| n > 0),
        "{unit}'s rows count: {entry:#}"
    );
}

/// The entry of a unit not judged for want of a type: no completion, no rank, the status says
/// why.
fn not_judged(report: &Value, unit: &str) {
    let entry = ranked(report, unit);
    assert!(entry["completion"].is_null(), "{entry:#}");
    assert!(entry["rank"].is_null(), "{entry:#}");
    assert_eq!(entry["status"], "单位类型不明，未考核", "{entry:#}");
}

/// Every ranking entry without a completion comes after every entry with one.
fn unjudged_come_last(report: &Value) {
    let ranking = report["ranking"].as_array().unwrap();
    let first_null = ranking.iter().position(|r| r["completion"].is_null());
    if let Some(at) = first_null {
        assert!(
            ranking[at..].iter().all(|r| r["completion"].is_null()),
            "units not judged come last: {ranking:#?}"
        );
    }
}

/// A sheet of a workbook as (Excel row number, cell texts), blank rows left out.
fn rows_at(path: &std::path::Path, sheet: &str) -> Vec<(u32, Vec<String>)> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let names = wb.sheet_names();
    let range = wb
        .worksheet_range(sheet)
        .unwrap_or_else(|e| panic!("no sheet {sheet} in {}: {e} ({names:?})", path.display()));
    let first = range.start().map_or(0, |(row, _)| row);
    range
        .rows()
        .enumerate()
        .map(|(i, r)| {
            let cells = r
                .iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect();
            (first + i as u32 + 1, cells)
        })
        .filter(|(_, cells): &(u32, Vec<String>)| cells.iter().any(|c| !c.is_empty()))
        .collect()
}

/// Every text of a feedback workbook's 反馈说明 sheet, one after another.
fn feedback_text(path: &std::path::Path) -> String {
    (rows_at(path, "反馈说明").into_iter())
        .flat_map(|(_, cells)| cells)
        .collect::<Vec<_>>()
        .join("\n")
}

const ALL_MET: &str = "各项考核指标均已达标";

/// The unit's value of a flag (评优资格) in `ranking`.
fn flag<'a>(report: &'a Value, unit: &str, name: &str) -> &'a Value {
    let flags = report["flags"].as_array().unwrap();
    let at = (flags.iter().position(|f| f == name))
        .unwrap_or_else(|| panic!("no flag {name}: {flags:?}"));
    &ranked(report, unit)["flags"][at]
}

/// The 原因 of `unit` in 汇总_2026.xlsx's 未报送单位 (written by `run`).
fn reason_not_submitted(wd: &Workdir, unit: &str) -> String {
    let rows = rows_at(&wd.path("out/汇总_2026.xlsx"), "未报送单位");
    let header = (rows.iter())
        .find(|(_, cells)| cells.iter().any(|c| c == "原因"))
        .unwrap_or_else(|| panic!("no header: {rows:#?}"));
    let reason_col = header.1.iter().position(|c| c == "原因").unwrap();
    let (_, cells) = (rows.iter())
        .find(|(r, cells)| *r > header.0 && cells.first().is_some_and(|c| c == unit))
        .unwrap_or_else(|| panic!("{unit} not listed: {rows:#?}"));
    cells.get(reason_col).cloned().unwrap_or_default()
}

/// 催报名单.txt (written by `run --feedback`), without its byte-order mark.
fn reminder_list(wd: &Workdir) -> String {
    let bytes = std::fs::read(wd.path("out/催报名单.txt")).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    text.trim_start_matches('\u{feff}').to_string()
}

// ---------------------------------------------------------------------------------------------
// The roster
// ---------------------------------------------------------------------------------------------

/// `check` and `run` with `roster` both stop with exit code 2, and stderr names roster row `row`
/// (the header is row 1) and holds each of `also`.
fn roster_refused(wd: &Workdir, roster: &str, row: u32, also: &[&str]) {
    let schema = schema();
    for command in ["check", "run"] {
        let extra: &[&str] = match command {
            "run" => &["--out", "out", "--quiet"],
            _ => &[],
        };
        let run = wd.run(&with_inputs(command, &schema, Some(roster), extra));
        let stderr = run.stderr();
        assert_eq!(run.code(), 2, "{command}: {}{stderr}", run.stdout());
        let line = format!("名册第 {row} 行");
        assert!(stderr.contains(&line), "{command}: no “{line}”: {stderr}");
        for text in also {
            assert!(stderr.contains(text), "{command}: no “{text}”: {stderr}");
        }
    }
}

/// A roster CSV of (单位名称, 单位类型, 别名) rows under its header.
fn roster_csv(rows: &[[&str; 3]]) -> String {
    let mut text = String::from("单位名称,单位类型,别名\n");
    for row in rows {
        text.push_str(&row.join(","));
        text.push('\n');
    }
    text
}

/// A roster 单位类型 that is none of the schema's unit types would leave the unit judged on no
/// rule: the run stops, naming the row and the type as written (`镇`, `县直部门`).
#[test]
fn a_roster_type_that_is_no_schema_type_stops_the_run() {
    let wd = Workdir::new();
    inputs(&wd, "basic");
    let town = roster_csv(&[["金塘镇", "乡镇", ""], ["官渡镇", "镇", ""]]);
    wd.write("镇名册.csv", town);
    roster_refused(&wd, "镇名册.csv", 3, &["“镇”"]);

    let department = roster_csv(&[
        ["金塘镇", "乡镇", ""],
        ["官渡镇", "乡镇", ""],
        ["县教育局", "县直部门", ""],
    ]);
    wd.write("部门名册.csv", department);
    roster_refused(&wd, "部门名册.csv", 4, &["“县直部门”"]);
}

/// An alias that is another unit's name (狮山乡's alias 金塘镇) would send 金塘镇's files to one
/// of two units: the run stops, naming the alias's row.
#[test]
fn a_roster_alias_that_is_another_units_name_stops_the_run() {
    let wd = Workdir::new();
    inputs(&wd, "basic");
    let roster = roster_csv(&[
        ["金塘镇", "乡镇", ""],
        ["狮山乡", "乡镇", "金塘镇"],
        ["官渡镇", "乡镇", ""],
    ]);
    wd.write("名册.csv", roster);
    roster_refused(&wd, "名册.csv", 3, &[]);
}

/// One alias for two units (金塘 for both 狮山乡 and 金塘镇) is a guess between two: the run
/// stops, naming the row where the alias comes the second time.
#[test]
fn an_alias_of_two_units_stops_the_run() {
    let wd = Workdir::new();
    inputs(&wd, "basic");
    let roster = roster_csv(&[
        ["狮山乡", "乡镇", "金塘"],
        ["金塘镇", "乡镇", "金塘"],
        ["官渡镇", "乡镇", ""],
    ]);
    wd.write("名册.csv", roster);
    roster_refused(&wd, "名册.csv", 3, &[]);
}

/// A row whose 单位名称 is blank while its type and alias are filled is a unit left out by
/// mistake: the run stops, naming the row.
#[test]
fn a_roster_row_with_a_blank_name_stops_the_run() {
    let wd = Workdir::new();
    inputs(&wd, "basic");
    let roster = roster_csv(&[
        ["金塘镇", "乡镇", ""],
        ["", "乡镇", "白沙"],
        ["官渡镇", "乡镇", ""],
    ]);
    wd.write("名册.csv", roster);
    roster_refused(&wd, "名册.csv", 3, &[]);
}

/// A roster workbook whose 单位名称 is a formula saved without its value (openpyxl writes none)
/// names no unit anyone can tell: the run stops, naming the row.
#[test]
fn a_roster_name_that_is_a_formula_without_its_value_stops_the_run() {
    let wd = Workdir::new();
    inputs(&wd, "basic");
    wd.copy_fixture("senders/rosters/公式名册.xlsx", "名册.xlsx");
    roster_refused(&wd, "名册.xlsx", 3, &[]);
}

/// A roster as offices keep it — a merged title row, a blank row, a 序号 column, the official
/// full names in 单位名称 and the short ones in 别名, one 单位类型 cell merged over two rows — is
/// read whole: files named by the short names (县委宣传部, 官渡镇), by the full names
/// (江口县教育局, 白沙镇人民政府) and by a town's party committee (金塘镇党委, which reduces to the
/// alias 金塘镇) are all recognised, and the merged 部门 applies to both its rows.
#[test]
fn a_roster_kept_as_offices_keep_it_is_read() {
    let wd = Workdir::new();
    inputs(&wd, "messy");
    let roster = Some("in/名册.xlsx");
    let issues = check(&wd, roster);
    for file in [
        "县委宣传部.xlsx",
        "江口县教育局.xlsx",
        "官渡镇.xlsx",
        "白沙镇人民政府.xlsx",
        "金塘镇党委.xlsx",
    ] {
        let unknown: Vec<&Value> = (issues_of(&issues, file).into_iter())
            .filter(|i| i["code"] == "unknown-unit" || i["code"] == "unit-undetermined")
            .collect();
        assert!(unknown.is_empty(), "{file} is recognised: {unknown:#?}");
    }
    let report = run(&wd, roster, &[]);
    for unit in [
        "中共江口县委宣传部",
        "江口县教育局",
        "官渡镇人民政府",
        "白沙镇人民政府",
        "金塘镇人民政府",
    ] {
        counted(&report, unit);
    }
    for unit in ["中共江口县委宣传部", "江口县教育局"] {
        assert_eq!(ranked(&report, unit)["unit_type"], "部门", "{unit}");
    }
    assert_eq!(ranked(&report, "金塘镇人民政府")["unit_type"], "乡镇");
}

// ---------------------------------------------------------------------------------------------
// Unit types
// ---------------------------------------------------------------------------------------------

/// A 基本信息 单位类型 that is no schema type (金塘镇 writes `镇`) is a 警告 `unit-type-unknown`,
/// not an error: the roster's 乡镇 is used and the unit is judged.
#[test]
fn a_submitted_type_that_is_no_schema_type_is_a_warning() {
    let wd = Workdir::new();
    inputs(&wd, "types");
    let roster = Some("in/名册.csv");
    let issues = check(&wd, roster);
    let file = "金塘镇.xlsx";
    let unknown = issue_with(&issues, file, "unit-type-unknown");
    assert_eq!(unknown["level"], "警告", "{unknown}");
    let errors = errors_of(&issues, file);
    assert!(errors.is_empty(), "{errors:#?}");
    let report = run(&wd, roster, &[]);
    let entry = ranked(&report, "金塘镇");
    assert_eq!(entry["unit_type"], "乡镇", "{entry:#}");
    assert!(entry["completion"].is_number(), "{entry:#}");
}

/// A 基本信息 单位类型 other than the roster's (白沙镇 writes 街道, the roster says 乡镇) is a 警告
/// `unit-type-conflict`; the roster wins: 白沙镇 is judged as a 乡镇.
#[test]
fn a_submitted_type_that_differs_from_the_roster_is_a_warning_and_the_roster_wins() {
    let wd = Workdir::new();
    inputs(&wd, "types");
    let roster = Some("in/名册.csv");
    let issues = check(&wd, roster);
    let file = "白沙镇.xlsx";
    let conflict = issue_with(&issues, file, "unit-type-conflict");
    assert_eq!(conflict["level"], "警告", "{conflict}");
    let errors = errors_of(&issues, file);
    assert!(errors.is_empty(), "{errors:#?}");
    let report = run(&wd, roster, &[]);
    let entry = ranked(&report, "白沙镇");
    assert_eq!(entry["unit_type"], "乡镇", "{entry:#}");
    assert_eq!(entry["status"], "已报送", "{entry:#}");
    assert!(entry["completion"].is_number(), "{entry:#}");
}

/// A roster row with a blank 单位类型 takes the type from the unit's 基本信息: 青石镇 writes 乡镇
/// and is judged and ranked as one, with no `unit-type-missing`.
#[test]
fn a_blank_roster_type_is_taken_from_the_submission() {
    let wd = Workdir::new();
    inputs(&wd, "types");
    let roster = Some("in/名册.csv");
    let issues = check(&wd, roster);
    let missing: Vec<&Value> = (issues_of(&issues, "青石镇.xlsx").into_iter())
        .filter(|i| i["code"] == "unit-type-missing")
        .collect();
    assert!(missing.is_empty(), "{missing:#?}");
    let report = run(&wd, roster, &[]);
    let entry = ranked(&report, "青石镇");
    assert_eq!(entry["unit_type"], "乡镇", "{entry:#}");
    assert_eq!(entry["status"], "已报送", "{entry:#}");
    assert!(entry["completion"].is_number(), "{entry:#}");
    assert!(entry["rank"].is_number(), "{entry:#}");
    assert!(
        count(&report, "青石镇", "集中学习").is_number(),
        "{entry:#}"
    );
}

/// A unit whose type neither the roster (blank) nor its 基本信息 (blank: 狮山乡; `乡`, no schema
/// type: 龙潭乡) gives is a 警告 `unit-type-missing` and is not judged: no completion, no rank,
/// status 单位类型不明，未考核, after every unit with a completion — not 100 % for meeting no rule.
#[test]
fn a_unit_of_no_known_type_is_not_judged() {
    let wd = Workdir::new();
    inputs(&wd, "types");
    let roster = Some("in/名册.csv");
    let issues = check(&wd, roster);
    for file in ["狮山乡.xlsx", "龙潭乡.xlsx"] {
        let missing = issue_with(&issues, file, "unit-type-missing");
        assert_eq!(missing["level"], "警告", "{missing}");
    }
    // Said once per unit, on its workbook: not again without a file.
    let said = (issues.iter()).filter(|i| i["code"] == "unit-type-missing");
    assert_eq!(said.count(), 2, "{issues:#?}");
    let report = run(&wd, roster, &[]);
    not_judged(&report, "狮山乡");
    not_judged(&report, "龙潭乡");
    unjudged_come_last(&report);
    assert!(ranked(&report, "金塘镇")["completion"].is_number());
}

/// Without a roster the type is the 基本信息's alone: 狮山乡, whose 单位类型 is blank, gets
/// `unit-type-missing` and is not judged, instead of 100 %; 金塘镇 (乡镇) is judged.
#[test]
fn without_a_roster_a_unit_of_no_known_type_is_not_judged() {
    let wd = Workdir::new();
    inputs(&wd, "types_no_roster");
    let issues = check(&wd, None);
    let missing = issue_with(&issues, "狮山乡.xlsx", "unit-type-missing");
    assert_eq!(missing["level"], "警告", "{missing}");
    let report = run(&wd, None, &[]);
    not_judged(&report, "狮山乡");
    unjudged_come_last(&report);
    let town = ranked(&report, "金塘镇");
    assert_eq!(town["unit_type"], "乡镇", "{town:#}");
    assert!(town["completion"].is_number(), "{town:#}");
}

/// A unit of no known type is not judged on quotas, but what it sent is still its own: 狮山乡
/// (blank in the roster and in its 基本信息) reports a closed case of its own leader
/// (本单位领导干部, 已办结), so its 评优资格 is 取消 in the JSON ranking and its feedback says so;
/// its 督查检查's 4 problems found and 3 rectified are its 整改 — not left empty as for a unit
/// that sent nothing.
#[test]
fn a_unit_of_no_known_type_keeps_its_award_eligibility_and_rectification() {
    let wd = Workdir::new();
    inputs(&wd, "untyped_case");
    let report = run(&wd, Some("in/名册.csv"), &["--feedback"]);
    not_judged(&report, "狮山乡");
    let entry = ranked(&report, "狮山乡");
    assert_eq!(entry["cases"], 1, "{entry:#}");
    assert_eq!(flag(&report, "狮山乡", "评优资格"), "取消", "{entry:#}");
    let tallies = &entry["tallies"];
    assert_eq!(tallies["发现问题数"], 4, "{entry:#}");
    assert_eq!(tallies["已整改数"], 3, "{entry:#}");
    let text = feedback_text(&wd.path("out/反馈/狮山乡.xlsx"));
    assert!(text.contains("因单位类型不明，本次未考核"), "{text}");
    assert!(text.contains("评优资格为“取消”"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

/// A file named by the unit's official full name and recognised as `unit`: no 错误, a 提示
/// `official-name` saying 按名册认定为“<unit>”, and its rows count.
fn recognised(issues: &[Value], report: &Value, file: &str, unit: &str) {
    let errors = errors_of(issues, file);
    assert!(errors.is_empty(), "{file}: {errors:#?}");
    let notice = issue_with(issues, file, "official-name");
    assert_eq!(notice["level"], "提示", "{notice}");
    let message = notice["message"].as_str().unwrap();
    let said = format!("按名册认定为“{unit}”");
    assert!(message.contains(&said), "{file}: {message}");
    counted(report, unit);
}

/// Official full names — 中共江口县委宣传部, 江口县教育局, 官渡镇人民政府 — are the roster's
/// 县委宣传部, 县教育局, 官渡镇, each with a 提示 saying so; a name that reduces to no unit
/// (江口县官渡镇政府办, an office of the town's government, not the town) is still refused with
/// `unknown-unit`: never a guess.
#[test]
fn an_official_full_name_is_recognised_as_its_roster_unit() {
    let wd = Workdir::new();
    inputs(&wd, "official");
    let roster = Some("in/名册.csv");
    let issues = check(&wd, roster);
    let report = run(&wd, roster, &[]);
    recognised(&issues, &report, "中共江口县委宣传部.xlsx", "县委宣传部");
    recognised(&issues, &report, "江口县教育局.xlsx", "县教育局");
    recognised(&issues, &report, "官渡镇人民政府.xlsx", "官渡镇");
    let office = issue_with(&issues, "政府办.xlsx", "unknown-unit");
    assert_eq!(office["level"], "错误", "{office}");
}

/// A town's party committee (官渡镇党委) is the town (官渡镇), with a 提示 saying so.
#[test]
fn a_towns_party_committee_is_recognised_as_the_town() {
    let wd = Workdir::new();
    inputs(&wd, "official_party");
    let roster = Some("in/名册.csv");
    let issues = check(&wd, roster);
    let report = run(&wd, roster, &[]);
    recognised(&issues, &report, "官渡镇党委.xlsx", "官渡镇");
}

/// What matched before still matches beside the official names: 白沙镇党委 is 白沙镇, the
/// traditional 青石鎮 is 青石镇, and the roster's alias 金塘 is 金塘镇.
#[test]
fn a_party_committee_a_traditional_spelling_and_an_alias_still_match() {
    let wd = Workdir::new();
    inputs(&wd, "official");
    let roster = Some("in/名册.csv");
    let issues = check(&wd, roster);
    let report = run(&wd, roster, &[]);
    for (file, unit) in [
        ("白沙镇党委.xlsx", "白沙镇"),
        ("青石鎮.xlsx", "青石镇"),
        ("金塘.xlsx", "金塘镇"),
    ] {
        let errors = errors_of(&issues, file);
        assert!(errors.is_empty(), "{file}: {errors:#?}");
        counted(&report, unit);
    }
}

/// A unit whose file named it wrongly (官渡乡 for the roster's 官渡镇) did send: 未报送单位 says
/// so with the file, not 未收到报送文件 — which a unit that sent nothing (白沙镇) still gets — and
/// 催报名单 chases 官渡 once, not as both a missing unit and an unknown one.
#[test]
fn a_unit_whose_file_named_it_wrongly_is_not_listed_as_sending_nothing() {
    let wd = Workdir::new();
    inputs(&wd, "mismatch");
    run(&wd, Some("in/名册.csv"), &["--feedback"]);
    let rows = rows_at(&wd.path("out/汇总_2026.xlsx"), "未报送单位");
    let header = (rows.iter())
        .find(|(_, cells)| cells.iter().any(|c| c == "原因"))
        .unwrap_or_else(|| panic!("no header: {rows:#?}"));
    let reason_col = header.1.iter().position(|c| c == "原因").unwrap();
    let reason = |unit: &str| {
        let (_, cells) = (rows.iter())
            .find(|(r, cells)| *r > header.0 && cells.first().is_some_and(|c| c == unit))
            .unwrap_or_else(|| panic!("{unit} not listed: {rows:#?}"));
        cells.get(reason_col).cloned().unwrap_or_default()
    };
    let guandu = reason("官渡镇");
    assert!(guandu.starts_with("已报送但单位名称与名册不符"), "{guandu}");
    assert!(guandu.contains("报送/官渡乡.xlsx"), "{guandu}");
    assert_eq!(reason("白沙镇"), "未收到报送文件");
    assert!(
        !rows
            .iter()
            .any(|(_, cells)| cells.first().is_some_and(|c| c == "金塘镇")),
        "金塘镇 sent its file: {rows:#?}"
    );

    let bytes = std::fs::read(wd.path("out/催报名单.txt")).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = text.lines().filter(|l| l.contains("官渡")).collect();
    assert_eq!(lines.len(), 1, "{text}");
}

/// Each workbook rejected for its name is checked to name the unit `closest` to it
/// (`最接近的是“…”`), as the tests below assume.
fn closest_is(issues: &[Value], file: &str, closest: &str) {
    let unknown = issue_with(issues, file, "unknown-unit");
    assert_eq!(unknown["level"], "错误", "{unknown}");
    let message = unknown["message"].as_str().unwrap();
    let said = format!("最接近的是“{closest}”");
    assert!(message.contains(&said), "{file}: {message}");
}

/// Two workbooks naming one roster unit wrongly, each its own way (官渡真, 官度镇: closest 官渡镇
/// for both), are both told: 官渡镇's 原因 in 未报送单位 names the two files, `、` between them,
/// and 催报名单 chases 官渡镇 once — on its own line, with no `不在名册中` line for either name.
#[test]
fn every_misnamed_workbook_is_named_and_its_unit_is_chased_once() {
    let wd = Workdir::new();
    inputs(&wd, "misnamed");
    let roster = Some("in/名册.csv");
    let issues = check(&wd, roster);
    closest_is(&issues, "官渡真.xlsx", "官渡镇");
    closest_is(&issues, "官度镇.xlsx", "官渡镇");
    let report = run(&wd, roster, &["--feedback"]);
    assert_eq!(ranked(&report, "官渡镇")["status"], "未报送");
    assert_eq!(
        reason_not_submitted(&wd, "官渡镇"),
        "已报送但单位名称与名册不符（文件 官度镇.xlsx、官渡真.xlsx）"
    );
    let text = reminder_list(&wd);
    let chased: Vec<&str> = (text.lines())
        .filter(|l| {
            ["官渡镇", "官渡真", "官度镇"]
                .iter()
                .any(|n| l.starts_with(n))
        })
        .collect();
    assert_eq!(chased.len(), 1, "{text}");
    assert!(chased[0].starts_with("官渡镇（乡镇）："), "{text}");
    for file in ["官度镇.xlsx", "官渡真.xlsx"] {
        assert!(chased[0].contains(file), "{file}: {text}");
    }
}

/// A unit whose own file could not be read (龙潭乡.xlsx is no workbook) is chased as 报送文件无法读取;
/// a workbook naming it wrongly (龙谭乡, closest 龙潭乡) is that unit's, and 催报名单 does not chase
/// it again as a name not in the roster.
#[test]
fn a_misnamed_workbook_of_a_unit_whose_own_file_is_unreadable_is_not_chased_again() {
    let wd = Workdir::new();
    inputs(&wd, "misnamed");
    let roster = Some("in/名册.csv");
    let issues = check(&wd, roster);
    let unreadable = issue_with(&issues, "龙潭乡.xlsx", "file-unreadable");
    assert_eq!(unreadable["level"], "错误", "{unreadable}");
    closest_is(&issues, "龙谭乡.xlsx", "龙潭乡");
    let report = run(&wd, roster, &["--feedback"]);
    assert_eq!(ranked(&report, "龙潭乡")["status"], "报送文件无法读取");
    let text = reminder_list(&wd);
    let chased: Vec<&str> = (text.lines())
        .filter(|l| l.starts_with("龙潭乡") || l.starts_with("龙谭乡"))
        .collect();
    assert_eq!(chased.len(), 1, "{text}");
    assert!(chased[0].starts_with("龙潭乡（乡镇）："), "{text}");
    assert!(chased[0].contains("报送文件无法读取"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Feedback
// ---------------------------------------------------------------------------------------------

/// A workbook without the 学习记录 sheet is a 警告 `sheet-missing` (its quotas are judged on
/// nothing), and the unit's feedback does not say every quota is met.
#[test]
fn a_missing_ledger_sheet_is_a_warning_and_the_feedback_does_not_say_all_is_met() {
    let wd = Workdir::new();
    inputs(&wd, "feedback");
    let roster = Some("in/名册.csv");
    let issues = check(&wd, roster);
    let missing: Vec<&Value> = (issues_of(&issues, "金塘镇.xlsx").into_iter())
        .filter(|i| i["code"] == "sheet-missing")
        .collect();
    assert!(!missing.is_empty(), "{issues:#?}");
    for issue in &missing {
        assert_eq!(issue["level"], "警告", "{issue}");
    }
    run(&wd, roster, &["--feedback"]);
    let path = wd.path("out/反馈/金塘镇.xlsx");
    assert!(path.is_file(), "no feedback for 金塘镇");
    let text = feedback_text(&path);
    assert!(!text.contains(ALL_MET), "{text}");
}

/// A file from a unit not in the roster (石门乡: every row rejected) was judged on nothing: if it
/// gets feedback, that feedback does not say every quota is met.
#[test]
fn the_feedback_of_a_unit_not_in_the_roster_does_not_say_all_is_met() {
    let wd = Workdir::new();
    inputs(&wd, "feedback");
    run(&wd, Some("in/名册.csv"), &["--feedback"]);
    let dir = wd.path("out/反馈");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "xlsx") {
            continue;
        }
        let text = feedback_text(&path);
        let about = path.file_stem().is_some_and(|s| s == "石门乡") || text.contains("石门乡");
        assert!(
            !(about && text.contains(ALL_MET)),
            "{}: {text}",
            path.display()
        );
    }
}

/// A unit with an 错误 of its own is not told that every quota is met, even when other files'
/// rows meet them all: 金塘镇's own workbook is of 2025 (`wrong-year`, not counted), while the
/// county's exports (a 单位名称 column) give it every record a 乡镇 needs. Its feedback says that
/// what was counted meets the quotas but some records were not, and that the corrected ledger
/// decides.
#[test]
fn the_feedback_does_not_say_all_is_met_when_the_unit_has_an_error_of_its_own() {
    let wd = Workdir::new();
    inputs(&wd, "feedback_errors");
    let roster = Some("in/名册.csv");
    let issues = check(&wd, roster);
    one_wrong_year(&issues, "金塘镇.xlsx");
    let report = run(&wd, roster, &["--feedback"]);
    let entry = ranked(&report, "金塘镇");
    assert_eq!(entry["status"], "已报送", "{entry:#}");
    assert_eq!(
        entry["missed_count"], 0,
        "the exports meet every quota: {entry:#}"
    );
    assert_eq!(entry["behind_count"], 0, "{entry:#}");
    let text = feedback_text(&wd.path("out/反馈/金塘镇.xlsx"));
    assert!(!text.contains(ALL_MET), "{text}");
    assert!(
        text.contains(
            "已计入汇总的记录暂无未达标指标，但有记录未计入，考核结果以改正后重新报送的台账为准"
        ),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------------
// Rows that do not count
// ---------------------------------------------------------------------------------------------

/// The rows `template --example` writes are examples, not work done: `check` gives each a 错误
/// `example-row` (示例行未删除), and `run` counts none of them.
#[test]
fn the_templates_example_rows_are_refused() {
    let wd = Workdir::new();
    let schema = schema();
    wd.example(Some(schema.as_str()), "部门", "县教育局");
    wd.write("名册.csv", roster_csv(&[["县教育局", "部门", ""]]));
    let roster = Some("名册.csv");

    // The example rows: below each ledger's header row (the one starting 序号).
    let template = wd.path("in/县教育局.xlsx");
    let mut examples = Vec::new();
    for sheet in ["学习记录", "研究研判", "督查检查", "问责案件"] {
        let rows = rows_at(&template, sheet);
        let header = (rows.iter())
            .find(|(_, cells)| {
                cells
                    .first()
                    .is_some_and(|c| c.trim_start_matches('*') == "序号")
            })
            .map(|(r, _)| *r)
            .unwrap_or_else(|| panic!("no header in {sheet}: {rows:#?}"));
        examples.extend(
            (rows.iter())
                .filter(|(r, _)| *r > header)
                .map(|(r, _)| (sheet, *r)),
        );
    }
    assert!(!examples.is_empty(), "the template has example rows");

    let issues = check(&wd, roster);
    for (sheet, row) in &examples {
        let at: Vec<&Value> = (issues.iter())
            .filter(|i| i["file"] == "县教育局.xlsx" && i["sheet"] == *sheet && i["row"] == *row)
            .collect();
        let refused = (at.iter())
            .find(|i| i["code"] == "example-row")
            .unwrap_or_else(|| panic!("{sheet} row {row} is an example row: {at:#?}"));
        assert_eq!(refused["level"], "错误", "{refused}");
        let message = refused["message"].as_str().unwrap();
        assert!(message.contains("示例行未删除"), "{message}");
    }

    let report = run(&wd, roster, &[]);
    let rejected = report["totals"]["rows_rejected"].as_u64().unwrap();
    assert!(
        rejected >= examples.len() as u64,
        "{rejected} rows rejected of {} example rows: {}",
        examples.len(),
        report["totals"]
    );
    let entry = ranked(&report, "县教育局");
    for c in entry["counts"].as_array().unwrap() {
        assert!(c.is_null() || *c == 0, "no example row counts: {entry:#}");
    }
}

/// The issues of a workbook of another year: exactly one 错误, `wrong-year`, naming both years,
/// and no `date-out-of-year` for any of its rows.
fn one_wrong_year(issues: &[Value], file: &str) {
    let errors = errors_of(issues, file);
    assert_eq!(
        errors.len(),
        1,
        "{file}: one 错误 for the file: {errors:#?}"
    );
    let wrong = errors[0];
    assert_eq!(wrong["code"], "wrong-year", "{wrong}");
    let message = wrong["message"].as_str().unwrap();
    assert!(
        message.contains("2025") && message.contains("2026"),
        "{message}"
    );
    let per_row: Vec<&Value> = (issues_of(issues, file).into_iter())
        .filter(|i| i["code"] == "date-out-of-year")
        .collect();
    assert!(per_row.is_empty(), "{per_row:#?}");
}

/// A workbook filed for 2025 (填报年度 2025, 20 rows dated in 2025) in a 2026 run is one 错误
/// `wrong-year` for the file, not 20 `date-out-of-year`; its 20 rows are rejected.
#[test]
fn a_workbook_filed_for_another_year_is_one_error_not_one_per_row() {
    let wd = Workdir::new();
    inputs(&wd, "wrong_year");
    let roster = Some("in/名册.csv");
    let issues = check(&wd, roster);
    one_wrong_year(&issues, "金塘镇.xlsx");
    let report = run(&wd, roster, &[]);
    let rejected = report["totals"]["rows_rejected"].as_u64().unwrap();
    assert!(rejected >= 20, "{}", report["totals"]);
}

/// A workbook with no 填报年度 whose every dated row is in 2025 is also one 错误 `wrong-year`,
/// with no 错误 per row; its 8 rows are rejected beside 金塘镇's 20.
#[test]
fn a_workbook_whose_rows_are_all_of_another_year_is_one_error() {
    let wd = Workdir::new();
    inputs(&wd, "wrong_year");
    let roster = Some("in/名册.csv");
    let issues = check(&wd, roster);
    one_wrong_year(&issues, "白沙镇.xlsx");
    let report = run(&wd, roster, &[]);
    let rejected = report["totals"]["rows_rejected"].as_u64().unwrap();
    assert!(rejected >= 20 + 8, "{}", report["totals"]);
}

/// A unit whose only workbook is of another year sent nothing for this one: it is 未报送, and
/// 未报送单位 says what it did send; the unit with this year's workbook (青石镇) is 已报送.
#[test]
fn a_unit_with_only_last_years_workbook_has_not_submitted() {
    let wd = Workdir::new();
    inputs(&wd, "wrong_year");
    let report = run(&wd, Some("in/名册.csv"), &[]);
    assert_eq!(ranked(&report, "金塘镇")["status"], "未报送");
    assert_eq!(ranked(&report, "青石镇")["status"], "已报送");
    let rows = rows_at(&wd.path("out/汇总_2026.xlsx"), "未报送单位");
    let jintang = (rows.iter())
        .find(|(_, cells)| cells.first().is_some_and(|c| c == "金塘镇"))
        .unwrap_or_else(|| panic!("金塘镇 not listed: {rows:#?}"));
    let reason = jintang.1.last().unwrap();
    assert!(reason.starts_with("仅收到2025年度的文件"), "{reason}");
    assert!(reason.contains("金塘镇.xlsx"), "{reason}");
}

/// A workbook whose 填报年度 is 2025 is no 2026 submission even with no row at all: one 错误
/// `wrong-year` for the file, and its unit, which sent nothing else, is 未报送 with the reason
/// `仅收到2025年度的文件（金塘镇.xlsx）` — not 已报送 on an empty ledger of another year.
#[test]
fn an_empty_workbook_filed_for_another_year_is_refused_and_its_unit_has_not_submitted() {
    let wd = Workdir::new();
    inputs(&wd, "wrong_year_empty");
    let roster = Some("in/名册.csv");
    let issues = check(&wd, roster);
    one_wrong_year(&issues, "金塘镇.xlsx");
    let report = run(&wd, roster, &[]);
    assert_eq!(ranked(&report, "金塘镇")["status"], "未报送");
    assert_eq!(ranked(&report, "青石镇")["status"], "已报送");
    assert_eq!(
        reason_not_submitted(&wd, "金塘镇"),
        "仅收到2025年度的文件（金塘镇.xlsx）"
    );
}

/// The `wrong-year` 错误 says which rows were not counted, the rows refused for their own cells
/// among them: 金塘镇 (填报年度 2025) has three rows dated in 2025 on rows 2–4 of 学习记录 and a
/// fourth on row 5 with no 日期 (its own `required-empty`), so the range reaches row 5.
#[test]
fn the_wrong_year_range_covers_the_rows_refused_on_their_own() {
    let wd = Workdir::new();
    inputs(&wd, "wrong_year_refused");
    let issues = check(&wd, Some("in/名册.csv"));
    let file = "金塘镇.xlsx";
    let empty = issue_with(&issues, file, "required-empty");
    assert_eq!(empty["row"], 5, "{empty}");
    let wrong = issue_with(&issues, file, "wrong-year");
    assert_eq!(wrong["level"], "错误", "{wrong}");
    let message = wrong["message"].as_str().unwrap();
    assert!(
        message.contains("4 行均未计入（学习记录第2—5行）"),
        "{message}"
    );
}

// ---------------------------------------------------------------------------------------------
// The template
// ---------------------------------------------------------------------------------------------

/// Days since Excel's day 0 (1899-12-30).
fn excel_serial(y: i32, m: u32, d: u32) -> f64 {
    let day = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let zero = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
    (day - zero).num_days() as f64
}

/// One zip entry of an xlsx as text.
fn part(path: &std::path::Path, name: &str) -> String {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut entry = zip
        .by_name(name)
        .unwrap_or_else(|e| panic!("no {name} in {}: {e}", path.display()));
    let mut text = String::new();
    entry.read_to_string(&mut text).unwrap();
    text
}

/// The value of attribute `name` in one XML tag.
fn attr(tag: &str, name: &str) -> Option<String> {
    let pattern = format!(r#"(?:^|\s){}="([^"]*)""#, regex::escape(name));
    let re = regex::Regex::new(&pattern).unwrap();
    re.captures(tag).map(|c| c[1].to_string())
}

/// The XML of the worksheet named `sheet`.
fn worksheet_xml(path: &std::path::Path, sheet: &str) -> String {
    let workbook = part(path, "xl/workbook.xml");
    let tags = regex::Regex::new(r"<sheet\s[^>]*>").unwrap();
    let id = (tags.find_iter(&workbook))
        .map(|m| m.as_str())
        .find(|t| attr(t, "name").as_deref() == Some(sheet))
        .and_then(|t| attr(t, "r:id"))
        .unwrap_or_else(|| panic!("no sheet {sheet}: {workbook}"));
    let rels = part(path, "xl/_rels/workbook.xml.rels");
    let tags = regex::Regex::new(r"<Relationship\s[^>]*>").unwrap();
    let target = (tags.find_iter(&rels))
        .map(|m| m.as_str())
        .find(|t| attr(t, "Id").as_deref() == Some(id.as_str()))
        .and_then(|t| attr(t, "Target"))
        .unwrap_or_else(|| panic!("no target for {id}: {rels}"));
    let name = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("xl/{target}"),
    };
    part(path, &name)
}

/// `A1`-style cell → (column number from 1, row).
fn cell_ref(r: &str) -> (u32, u32) {
    let split = r.find(|c: char| c.is_ascii_digit()).unwrap();
    let (letters, digits) = r.split_at(split);
    let col = (letters.bytes()).fold(0, |acc, b| acc * 26 + u32::from(b - b'A') + 1);
    (col, digits.parse().unwrap())
}

/// Does the `sqref` (space-separated cells and ranges) cover `(col, row)`?
fn covers(sqref: &str, (col, row): (u32, u32)) -> bool {
    sqref.split_whitespace().any(|range| {
        let (a, b) = range.split_once(':').unwrap_or((range, range));
        let ((c0, r0), (c1, r1)) = (cell_ref(a), cell_ref(b));
        (c0.min(c1)..=c0.max(c1)).contains(&col) && (r0.min(r1)..=r0.max(r1)).contains(&row)
    })
}

/// A validation formula as a date serial: a number, or `DATE(y,m,d)`.
fn serial_of(formula: &str) -> f64 {
    let formula = formula.trim().trim_start_matches('=');
    if let Ok(n) = formula.parse() {
        return n;
    }
    let re = regex::Regex::new(r"^DATE\((\d+),(\d+),(\d+)\)$").unwrap();
    let c = (re.captures(formula)).unwrap_or_else(|| panic!("not a date: {formula}"));
    excel_serial(
        c[1].parse().unwrap(),
        c[2].parse().unwrap(),
        c[3].parse().unwrap(),
    )
}

/// A 2026 template's 基本信息 takes a 填报日期 in January 2027: a unit files its 2026 ledger
/// after the year ends. Whatever date validation its cell has admits 2027-01-31 (and still a
/// December 2026 day).
#[test]
fn the_templates_filing_date_may_be_in_january_of_the_next_year() {
    let wd = Workdir::new();
    let schema = schema();
    let made = wd.run(&[
        "template",
        "--schema",
        &schema,
        "--unit-type",
        "乡镇",
        "--year",
        "2026",
        "--out",
        "t.xlsx",
    ]);
    assert_eq!(made.code(), 0, "{}", made.stderr());
    let path = wd.path("t.xlsx");
    let rows = rows_at(&path, "基本信息");
    let row = (rows.iter())
        .find(|(_, cells)| {
            cells
                .first()
                .is_some_and(|c| c.trim_start_matches('*') == "填报日期")
        })
        .map(|(r, _)| *r)
        .unwrap_or_else(|| panic!("no 填报日期 in 基本信息: {rows:#?}"));
    let cell = (2, row);

    let xml = worksheet_xml(&path, "基本信息");
    let validations =
        regex::Regex::new(r"(?s)<dataValidation\s([^>]*?)(?:/>|>(.*?)</dataValidation>)").unwrap();
    let formula = |body: &str, n: u32| {
        let re = regex::Regex::new(&format!(r"(?s)<formula{n}>(.*?)</formula{n}>")).unwrap();
        re.captures(body).map(|c| serial_of(&c[1]))
    };
    let (january, december) = (excel_serial(2027, 1, 31), excel_serial(2026, 12, 20));
    for v in validations.captures_iter(&xml) {
        let tag = &v[1];
        if !attr(tag, "sqref").is_some_and(|s| covers(&s, cell)) {
            continue;
        }
        let kind = attr(tag, "type").unwrap_or_default();
        if kind.is_empty() || kind == "none" {
            continue;
        }
        assert_eq!(kind, "date", "填报日期 B{row}: {}", &v[0]);
        let body = v.get(2).map_or("", |m| m.as_str());
        let (lo, hi) = (formula(body, 1), formula(body, 2));
        let admits = |x: f64| {
            let (lo, hi) = (lo.unwrap(), hi.unwrap_or(f64::NAN));
            match attr(tag, "operator").as_deref().unwrap_or("between") {
                "between" => lo <= x && x <= hi,
                "notBetween" => !(lo <= x && x <= hi),
                "equal" => x == lo,
                "notEqual" => x != lo,
                "greaterThan" => x > lo,
                "lessThan" => x < lo,
                "greaterThanOrEqual" => x >= lo,
                "lessThanOrEqual" => x <= lo,
                other => panic!("operator {other}"),
            }
        };
        assert!(
            admits(january),
            "填报日期 B{row} refuses 2027-01-31: {}",
            &v[0]
        );
        assert!(
            admits(december),
            "填报日期 B{row} refuses 2026-12-20: {}",
            &v[0]
        );
    }
}

/// A missing ledger sheet is judged by the type the unit is judged as, the roster's when its
/// 基本信息 gives none: a 警告 naming only that type's rules that count the sheet, a 提示 when
/// none does.
#[test]
fn a_missing_sheet_is_judged_by_the_rosters_type() {
    let wd = Workdir::new();
    inputs(&wd, "missing_by_type");
    let issues = check(&wd, Some("in/名册.csv"));
    let town = issue_with(&issues, "金塘镇.xlsx", "sheet-missing");
    assert_eq!(town["level"], "警告", "{town}");
    let message = town["message"].as_str().unwrap();
    assert!(message.contains("督查"), "{message}");
    assert!(!message.contains("自查报告"), "a school's rule: {message}");
    let bureau = issue_with(&issues, "县教育局.xlsx", "sheet-missing");
    assert_eq!(
        bureau["level"], "提示",
        "no 部门 rule counts 督查检查: {bureau}"
    );
}

/// A roster unit of no type whose only workbook is of another year is told once that its type is
/// unknown: by its workbook, not again for having sent nothing of this year.
#[test]
fn a_unit_of_no_type_with_only_last_years_workbook_is_told_once() {
    let wd = Workdir::new();
    inputs(&wd, "untyped_other_year");
    let issues = check(&wd, Some("in/名册.csv"));
    let told: Vec<&Value> = (issues.iter())
        .filter(|i| i["code"] == "unit-type-missing" && i["unit"] == "狮山乡")
        .collect();
    assert_eq!(told.len(), 1, "{told:#?}");
}
