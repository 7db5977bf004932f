//! The default schema as the responsibility documents have it, on the seed county
//! (`tests/fixtures/seeds/`, made by `tests/fixtures/make_seed_fixtures.py`): each rule judges only
//! the unit types its document binds, 自查报告 is judged on the day it was reported, 处理方式 may
//! hold several measures each suiting the 情节, an old template's labels are read as the new ones,
//! 评优资格 is cancelled for the unit's own leaders only (and pending while a case is open), the
//! disqualified subjects are listed, and 整改 is totalled; mid-year, a rule not yet due still
//! shows each unit's count. Every run is judged as of 2026-12-31 but that one (2026-06-30).

use crate::workdir::{Workdir, default_schema as schema};
use calamine::{Data, Reader, Xlsx, open_workbook};
use serde_json::Value;

/// Where the seed workbooks put a ledger sheet's n-th record: its header is on row 1.
fn row_of(record: u32) -> u32 {
    record + 1
}

/// The input flags every seed run shares: the repository's schema, the year, the date judged
/// (`as_of`) and the roster.
fn with_inputs<'a>(
    command: &'a str,
    schema: &'a str,
    as_of: &'a str,
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
        as_of,
        "--roster",
        "in/名册.csv",
    ];
    args.extend_from_slice(extra);
    args
}

/// Runs `run` on the seed county into `out/` (with `extra` flags) and returns 汇总_2026.json.
fn run_seeds(wd: &Workdir, extra: &[&str]) -> Value {
    run_seeds_as_of(wd, "2026-12-31", extra)
}

/// Runs `run` on the seed county as of `as_of` into `out/` (with `extra` flags) and returns
/// 汇总_2026.json.
fn run_seeds_as_of(wd: &Workdir, as_of: &str, extra: &[&str]) -> Value {
    wd.copy_fixture("seeds", "in");
    let schema = schema();
    let mut flags = vec!["--out", "out", "--quiet"];
    flags.extend_from_slice(extra);
    let run = wd.run(&with_inputs("run", &schema, as_of, &flags));
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let text = std::fs::read_to_string(wd.path("out/汇总_2026.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Runs `check --json` on the seed county and returns its issues.
fn check_seeds(wd: &Workdir) -> Vec<Value> {
    wd.copy_fixture("seeds", "in");
    let schema = schema();
    let run = wd.run(&with_inputs("check", &schema, "2026-12-31", &["--json"]));
    assert!(
        [0, 1].contains(&run.code()),
        "{}{}",
        run.stdout(),
        run.stderr()
    );
    run.json_lines()
}

/// The unit's row of `ranking`.
fn ranked<'a>(report: &'a Value, unit: &str) -> &'a Value {
    report["ranking"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == unit)
        .unwrap_or_else(|| panic!("{unit} not ranked: {report:#}"))
}

/// The index of `name` in the top-level list `key` (`rules` or `flags`).
fn index_in(report: &Value, key: &str, name: &str) -> usize {
    report[key]
        .as_array()
        .unwrap()
        .iter()
        .position(|n| n == name)
        .unwrap_or_else(|| panic!("no {name} in {key}: {}", report[key]))
}

/// The unit's 排名 cell for a rule column: `null` where the rule does not apply to it.
fn count<'a>(report: &'a Value, unit: &str, rule: &str) -> &'a Value {
    &ranked(report, unit)["counts"][index_in(report, "rules", rule)]
}

/// The unit's value of a flag.
fn flag<'a>(report: &'a Value, unit: &str, name: &str) -> &'a Value {
    &ranked(report, unit)["flags"][index_in(report, "flags", name)]
}

/// The unit's rows of 未达标明细.
fn shortfalls<'a>(report: &'a Value, unit: &str) -> Vec<&'a Value> {
    report["shortfalls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["unit"] == unit)
        .collect()
}

/// The issues of one row of a seed workbook's sheet.
fn issues_at<'a>(issues: &'a [Value], file: &str, sheet: &str, row: u32) -> Vec<&'a Value> {
    issues
        .iter()
        .filter(|i| i["file"] == file && i["sheet"] == sheet && i["row"] == row)
        .collect()
}

/// A sheet of a workbook as rows of cell texts.
fn sheet_rows(path: &std::path::Path, sheet: &str) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let names = wb.sheet_names();
    let range = wb
        .worksheet_range(sheet)
        .unwrap_or_else(|e| panic!("no sheet {sheet} in {}: {e} ({names:?})", path.display()));
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// The accepted records of one 明细 CSV, with its header.
fn detail(wd: &Workdir, sheet: &str) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let mut reader = csv::Reader::from_path(wd.path(&format!("out/明细/{sheet}.csv"))).unwrap();
    let headers = reader.headers().unwrap().clone();
    let records = reader.records().map(|r| r.unwrap()).collect();
    (headers, records)
}

fn column(headers: &csv::StringRecord, name: &str) -> usize {
    headers
        .iter()
        .position(|h| h.trim_start_matches('\u{feff}') == name)
        .unwrap_or_else(|| panic!("no column {name}: {headers:?}"))
}

/// A 部门 is judged on weekly 集中学习 and on 专题研究 (004) only: 督查, 专题汇报, 分析研判 and
/// 意识形态专题学习 bind townships, the park and schools, so 县教育局, which has none of them, is
/// not short of them, and its 排名 cells for them are empty.
#[test]
fn a_department_is_not_judged_on_rules_its_document_does_not_set() {
    let wd = Workdir::new();
    let report = run_seeds(&wd, &[]);
    let unit = "县教育局";
    let not_applicable = [
        "督查",
        "专题汇报",
        "分析研判",
        "意识形态专题学习",
        "自查报告",
    ];
    for s in shortfalls(&report, unit) {
        assert!(
            !not_applicable.contains(&s["rule"].as_str().unwrap()),
            "a 部门 is not judged on {}: {s}",
            s["rule"]
        );
    }
    for rule in not_applicable {
        assert!(
            count(&report, unit, rule).is_null(),
            "{rule} does not apply to a 部门: {}",
            ranked(&report, unit)
        );
    }
    assert_eq!(count(&report, unit, "专题研究"), 2);
    assert_eq!(count(&report, unit, "集中学习"), 3);
}

/// A 学校 is judged on 意识形态专题学习 and 自查报告 (000) only: 县第一中学, with no 集中学习 and
/// no 研究研判 at all, is not short of 集中学习, 专题研究, 分析研判 or 专题汇报, and meets
/// 意识形态专题学习 with its two 中心组学习.
#[test]
fn a_school_is_not_judged_on_the_township_quotas() {
    let wd = Workdir::new();
    let report = run_seeds(&wd, &[]);
    let unit = "县第一中学";
    let not_applicable = ["集中学习", "专题研究", "分析研判", "专题汇报", "督查"];
    for s in shortfalls(&report, unit) {
        let rule = s["rule"].as_str().unwrap();
        assert!(
            !not_applicable.contains(&rule),
            "a 学校 is not judged on {rule}: {s}"
        );
        assert_ne!(rule, "意识形态专题学习", "two 中心组学习 meet it: {s}");
    }
    for rule in not_applicable {
        assert!(
            count(&report, unit, rule).is_null(),
            "{rule} does not apply to a 学校: {}",
            ranked(&report, unit)
        );
    }
    assert_eq!(count(&report, unit, "意识形态专题学习"), 2);
}

/// A school's 自查报告 is due by 6月10日 and 12月10日 by the day it was reported (上报日期), not
/// the day of the self-inspection: 县实验小学 inspected on 5月20日 but reported on 6月20日, so
/// 截至6月10日 is 未达标 with none; both reports are in by 12月10日, so that period is met.
#[test]
fn a_self_inspection_report_is_judged_by_the_day_it_was_reported() {
    let wd = Workdir::new();
    let report = run_seeds(&wd, &[]);
    let unit = "县实验小学";
    let reports: Vec<&Value> = shortfalls(&report, unit)
        .into_iter()
        .filter(|s| s["rule"] == "自查报告")
        .collect();
    let june = reports
        .iter()
        .find(|s| s["period"] == "截至6月10日")
        .unwrap_or_else(|| panic!("截至6月10日 is short: {reports:#?}"));
    assert_eq!(june["status"], "未达标", "{june}");
    assert_eq!(june["actual"], 0, "{june}");
    assert_eq!(june["required"], 1, "{june}");
    assert!(
        !reports.iter().any(|s| s["period"] == "截至12月10日"),
        "both reports were in by 12月10日: {reports:#?}"
    );
}

/// The park's 分析研判 is two a year (002), not one each half: 县工业园区's two, in March and
/// May, meet it.
#[test]
fn the_park_needs_two_risk_analyses_a_year_not_one_each_half() {
    let wd = Workdir::new();
    let report = run_seeds(&wd, &[]);
    let unit = "县工业园区";
    let analyses: Vec<&Value> = shortfalls(&report, unit)
        .into_iter()
        .filter(|s| s["rule"] == "分析研判")
        .collect();
    assert!(analyses.is_empty(), "{analyses:#?}");
    assert_eq!(count(&report, unit, "分析研判"), 2);
}

/// 意识形态专题学习 counts studies of the 理论学习中心组 or collective studies marked 意识形态专题,
/// not online self-study: 石桥镇's two 网络自学 so marked leave it at 0 of 2 for 全年, while its
/// twelve unmarked 集中学习 meet 集中学习.
#[test]
fn online_self_study_is_not_ideology_topic_study() {
    let wd = Workdir::new();
    let report = run_seeds(&wd, &[]);
    let unit = "石桥镇";
    let short = shortfalls(&report, unit);
    let topic = short
        .iter()
        .find(|s| s["rule"] == "意识形态专题学习" && s["period"] == "全年")
        .unwrap_or_else(|| panic!("意识形态专题学习 is short: {short:#?}"));
    assert_eq!(topic["status"], "未达标", "{topic}");
    assert_eq!(topic["actual"], 0, "{topic}");
    assert_eq!(topic["required"], 2, "{topic}");
    assert_eq!(count(&report, unit, "意识形态专题学习"), 0);
    assert!(!short.iter().any(|s| s["rule"] == "集中学习"), "{short:#?}");
}

/// The old template's 对象类别 领导班子 is still read: a village branch's leaders
/// (马峰村党支部班子) are taken for 下属单位领导班子, and a 提示 `subject-inferred` at that row
/// says so.
#[test]
fn an_old_leadership_category_is_inferred_from_the_subject() {
    let wd = Workdir::new();
    let issues = check_seeds(&wd);
    let at = issues_at(&issues, "三江镇.xlsx", "问责案件", row_of(1));
    let inferred = at
        .iter()
        .find(|i| i["code"] == "subject-inferred")
        .unwrap_or_else(|| panic!("no subject-inferred at 问责案件 row 2: {at:#?}"));
    assert_eq!(inferred["level"], "提示", "{inferred}");
    assert_eq!(inferred["field"], "对象类别", "{inferred}");
    assert_eq!(inferred["unit"], "三江镇", "{inferred}");
    assert!(
        inferred["message"]
            .as_str()
            .unwrap()
            .contains("下属单位领导班子"),
        "{inferred}"
    );
    assert!(
        !at.iter().any(|i| i["level"] == "错误"),
        "the legacy value is accepted: {at:#?}"
    );
}

/// An old 对象类别 is a subordinate body's when 被问责对象 still names another body once the
/// unit's own names are taken out — an official name's shorter forms too. Under 官渡镇 (its
/// 基本信息 says 官渡镇人民政府), 官渡镇卫生院院长 is 下属单位领导干部 (an institution) and 龙爪镇党委
/// 下属单位领导班子 (another town), while 官渡镇党委班子 stays 本单位领导班子; under 县民政局,
/// 县民政局办公室主任 is 下属单位领导干部 (its office). Each cell's 提示 `subject-inferred` says which
/// value was taken, and 明细/问责案件.csv records it.
#[test]
fn an_old_category_is_subordinate_when_the_subject_names_an_office_an_institution_or_a_town() {
    let cases = [
        ("官渡镇", 1, "官渡镇卫生院院长", "下属单位领导干部"),
        ("官渡镇", 2, "龙爪镇党委", "下属单位领导班子"),
        ("官渡镇", 3, "官渡镇党委班子", "本单位领导班子"),
        ("县民政局", 1, "县民政局办公室主任", "下属单位领导干部"),
    ];
    let wd = Workdir::new();
    let issues = check_seeds(&wd);
    for (unit, record, subject, taken) in cases {
        let file = format!("{unit}.xlsx");
        let at = issues_at(&issues, &file, "问责案件", row_of(record));
        let inferred = at
            .iter()
            .find(|i| i["code"] == "subject-inferred")
            .unwrap_or_else(|| panic!("no subject-inferred for {subject}: {at:#?}"));
        assert_eq!(inferred["level"], "提示", "{inferred}");
        assert_eq!(inferred["unit"], unit, "{inferred}");
        let message = inferred["message"].as_str().unwrap();
        assert!(message.contains(subject), "{message}");
        assert!(
            message.contains(&format!("认定为“{taken}”")),
            "{subject}: {message}"
        );
        assert!(!at.iter().any(|i| i["level"] == "错误"), "{at:#?}");
    }

    let wd = Workdir::new();
    run_seeds(&wd, &[]);
    let (headers, records) = detail(&wd, "问责案件");
    let (who, category) = (column(&headers, "被问责对象"), column(&headers, "对象类别"));
    for (_, _, subject, taken) in cases {
        let record = (records.iter())
            .find(|r| &r[who] == subject)
            .unwrap_or_else(|| panic!("{subject} not accepted"));
        assert_eq!(&record[category], taken, "{subject}");
    }
}

/// 评优资格 is cancelled for the unit only when its own leaders were held accountable (004):
/// 三江镇's village-branch case does not cancel it, and its own deputy secretary's case, still
/// 办理中, leaves it 待定.
#[test]
fn an_open_case_of_the_units_own_leader_leaves_award_eligibility_pending() {
    let wd = Workdir::new();
    let report = run_seeds(&wd, &[]);
    assert_eq!(flag(&report, "三江镇", "评优资格"), "待定");
}

/// A closed case of the unit's own 领导班子 cancels 评优资格 (红旗镇); a party member's case does
/// not (东岭镇).
#[test]
fn award_eligibility_is_cancelled_by_a_closed_case_of_the_units_own_leaders() {
    let wd = Workdir::new();
    let report = run_seeds(&wd, &[]);
    assert_eq!(flag(&report, "红旗镇", "评优资格"), "取消");
    assert_eq!(flag(&report, "东岭镇", "评优资格"), "正常");
}

/// Every leadership or leader held accountable, the unit's own or a subordinate body's, is listed
/// in 取消评优评先资格 with its finding: closed cases 取消当年评优评先资格, open ones
/// 待办结后认定 — in the JSON's `subject_lists` and on a summary sheet of that name. A party
/// member is not listed.
#[test]
fn the_leaders_held_accountable_are_listed_with_their_finding() {
    let wd = Workdir::new();
    let report = run_seeds(&wd, &[]);
    let list = report["subject_lists"]["取消评优评先资格"]
        .as_array()
        .unwrap_or_else(|| panic!("no subject list: {}", report["subject_lists"]));
    let subject = |who: &str| {
        list.iter()
            .find(|s| s["被问责对象"] == who)
            .unwrap_or_else(|| panic!("{who} not listed: {list:#?}"))
    };
    let branch = subject("马峰村党支部班子");
    assert_eq!(branch["认定"], "取消当年评优评先资格", "{branch}");
    assert_eq!(branch["对象类别"], "下属单位领导班子", "{branch}");
    let deputy = subject("三江镇党委副书记王某");
    assert_eq!(deputy["认定"], "待办结后认定", "{deputy}");
    assert_eq!(deputy["对象类别"], "本单位领导干部", "{deputy}");
    let own = subject("红旗镇党委领导班子");
    assert_eq!(own["认定"], "取消当年评优评先资格", "{own}");
    assert!(
        !list.iter().any(|s| s["被问责对象"] == "东岭镇党员干部李某"),
        "a 党员干部 is not listed: {list:#?}"
    );

    let rows = sheet_rows(&wd.path("out/汇总_2026.xlsx"), "取消评优评先资格");
    let row = |who: &str| {
        rows.iter()
            .find(|r| r.iter().any(|c| c == who))
            .unwrap_or_else(|| panic!("{who} not on the sheet: {rows:#?}"))
    };
    let branch = row("马峰村党支部班子");
    assert!(branch.iter().any(|c| c == "下属单位领导班子"), "{branch:?}");
    assert!(
        branch.iter().any(|c| c == "取消当年评优评先资格"),
        "{branch:?}"
    );
    let deputy = row("三江镇党委副书记王某");
    assert!(deputy.iter().any(|c| c == "待办结后认定"), "{deputy:?}");
}

/// 三江镇's feedback tells it that its 评优资格 is 待定 while its case is open.
#[test]
fn the_feedback_says_award_eligibility_is_pending() {
    let wd = Workdir::new();
    run_seeds(&wd, &["--feedback"]);
    let rows = sheet_rows(&wd.path("out/反馈/三江镇.xlsx"), "反馈说明");
    assert!(
        rows.iter()
            .flatten()
            .any(|c| c.contains("评优资格") && c.contains("待定")),
        "{rows:#?}"
    );
}

/// 处理方式 may hold several measures (003: 可以单独使用，也可同时使用), separated by 、 or ，; the
/// row passes the 情节 check only when every measure suits the 情节, and 提醒, 组织处理 and
/// 纪律处分 (004, not graded) suit any 情节. 龙门镇: 较重 + 纪律处分, 特别严重 + 组织处理,
/// 较重 + 通报批评、调离岗位 and 较轻 + 批评教育，提醒 pass; 较重 + 通报批评、开除党籍 is a 警告.
#[test]
fn several_measures_are_accepted_and_each_must_suit_the_severity() {
    let wd = Workdir::new();
    let issues = check_seeds(&wd);
    let (file, sheet) = ("龙门镇.xlsx", "问责案件");
    for record in 1..=4 {
        let at = issues_at(&issues, file, sheet, row_of(record));
        assert!(
            !at.iter()
                .any(|i| i["level"] == "错误" || i["level"] == "警告"),
            "问责案件 row {} is accepted with no 错误 or 警告: {at:#?}",
            row_of(record)
        );
    }
    let at = issues_at(&issues, file, sheet, row_of(5));
    let mismatch = at
        .iter()
        .find(|i| i["code"] == "check-failed")
        .unwrap_or_else(|| panic!("开除党籍 does not suit 较重: {at:#?}"));
    assert_eq!(mismatch["level"], "警告", "{mismatch}");
    assert!(
        !at.iter().any(|i| i["code"] == "not-in-list"),
        "both measures are allowed values: {at:#?}"
    );
}

/// A measure that is none of the allowed ones is refused by itself: 龙门镇's 书面检查、罚款 gets a
/// `not-in-list` at its 处理方式 cell that quotes “罚款”, not the whole cell.
#[test]
fn an_unknown_measure_among_several_is_named_alone() {
    let wd = Workdir::new();
    let issues = check_seeds(&wd);
    let at = issues_at(&issues, "龙门镇.xlsx", "问责案件", row_of(6));
    let refused = at
        .iter()
        .find(|i| i["code"] == "not-in-list")
        .unwrap_or_else(|| panic!("罚款 is not a measure: {at:#?}"));
    assert_eq!(refused["field"], "处理方式", "{refused}");
    assert_eq!(refused["column"], "G", "{refused}");
    let message = refused["message"].as_str().unwrap();
    assert!(message.contains("“罚款”"), "{message}");
    assert!(!message.contains("“书面检查、罚款”"), "{message}");
}

/// A 问责情形 written with the old template's short label is accepted and recorded as the new
/// label; several measures are recorded as written, joined by 、 — as 明细/问责案件.csv shows.
#[test]
fn an_old_case_label_is_recorded_as_the_new_one_and_measures_as_written() {
    let wd = Workdir::new();
    run_seeds(&wd, &[]);
    let (headers, records) = detail(&wd, "问责案件");
    let (unit, row) = (column(&headers, "单位名称"), column(&headers, "行"));
    let record = |n: u32| {
        records
            .iter()
            .find(|r| &r[unit] == "龙门镇" && r[row] == row_of(n).to_string())
            .unwrap_or_else(|| panic!("龙门镇 问责案件 row {} not accepted", row_of(n)))
    };
    let situation = column(&headers, "问责情形");
    assert_eq!(
        &record(7)[situation],
        "会议、报告会、研讨会、讲座、论坛、课堂教学出现否定党的领导等言论"
    );
    let measures = column(&headers, "处理方式");
    assert_eq!(&record(3)[measures], "通报批评、调离岗位");
}

/// 整改 sums 发现问题数 and 已整改数 of every 督查检查 record, per unit and for the county, with
/// 整改率 = 已整改数 ÷ 发现问题数 (null when nothing was found): 红旗镇 5/4 + 3/3 = 8/7 (0.875),
/// 东岭镇 0/0, and the county 8/7 + 0/0 + 县实验小学 4/2 = 12/9 (0.75).
#[test]
fn rectification_is_totalled_per_unit_and_for_the_county() {
    let wd = Workdir::new();
    let report = run_seeds(&wd, &[]);
    let rate = |v: &Value| v.as_f64().unwrap_or_else(|| panic!("not a rate: {v}"));

    let hongqi = &ranked(&report, "红旗镇")["tallies"];
    assert_eq!(hongqi["发现问题数"], 8, "{hongqi}");
    assert_eq!(hongqi["已整改数"], 7, "{hongqi}");
    assert!((rate(&hongqi["整改率"]) - 0.875).abs() < 1e-9, "{hongqi}");

    let dongling = &ranked(&report, "东岭镇")["tallies"];
    assert_eq!(dongling["发现问题数"], 0, "{dongling}");
    assert_eq!(dongling["已整改数"], 0, "{dongling}");
    assert!(dongling["整改率"].is_null(), "{dongling}");

    let county = &report["tallies"];
    assert_eq!(county["发现问题数"], 4 + 8, "{county}");
    assert_eq!(county["已整改数"], 2 + 7, "{county}");
    assert!((rate(&county["整改率"]) - 0.75).abs() < 1e-9, "{county}");
    for key in ["发现问题数", "已整改数"] {
        let by_unit: u64 = (report["ranking"].as_array().unwrap().iter())
            .map(|r| r["tallies"][key].as_u64().unwrap_or(0))
            .sum();
        assert_eq!(
            county[key], by_unit,
            "{key}: the county is the sum of its units"
        );
    }
}

/// Mid-year, a rule with no period judged yet still shows what the unit has done: as of 6月30日
/// the park's 分析研判 (2 a year, 002) asks for none yet (2 × 181 ⁄ 365 rounds down to 0), and
/// 县工业园区's two, in March and May, are its count in the JSON and in 排名 — not an empty cell —
/// neither 未达标 nor 进度滞后.
#[test]
fn mid_year_a_rule_not_yet_due_still_shows_the_units_count() {
    let wd = Workdir::new();
    let report = run_seeds_as_of(&wd, "2026-06-30", &[]);
    let unit = "县工业园区";
    let rule = "分析研判";
    assert_eq!(count(&report, unit, rule), 2, "{}", ranked(&report, unit));
    let at = index_in(&report, "rules", rule);
    let entry = ranked(&report, unit);
    assert_eq!(entry["missed"][at], false, "{entry:#}");
    assert_eq!(entry["behind"][at], false, "{entry:#}");
    assert!(
        !shortfalls(&report, unit).iter().any(|s| s["rule"] == rule),
        "{:#?}",
        shortfalls(&report, unit)
    );

    let rows = sheet_rows(&wd.path("out/汇总_2026.xlsx"), "排名");
    let header = (rows.iter())
        .find(|r| r.iter().any(|c| c == "单位名称"))
        .unwrap_or_else(|| panic!("no header: {rows:#?}"));
    let name = header.iter().position(|c| c == "单位名称").unwrap();
    let column = (header.iter().position(|c| c.starts_with(rule)))
        .unwrap_or_else(|| panic!("no {rule} column: {header:?}"));
    let row = (rows.iter())
        .find(|r| r.get(name).is_some_and(|c| c == unit))
        .unwrap_or_else(|| panic!("{unit} not in 排名: {rows:#?}"));
    assert_eq!(row[column], "2", "{header:?}\n{row:?}");
}
