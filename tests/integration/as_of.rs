//! `run --as-of`: the year judged as it stands on a date. Mid-year, periods that have not begun
//! are not judged, ended ones that fell short are 未达标, running ones behind their pro-rated
//! target are 进度滞后, and records dated after the date are rejected.

use crate::workdir::Workdir;
use serde_json::Value;

fn summary_json(wd: &Workdir) -> Value {
    let text = std::fs::read_to_string(wd.path("out/汇总_2026.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn a_mid_year_run_judges_only_what_is_due() {
    let wd = Workdir::new();
    wd.copy_fixture("county", "county");
    let run = wd.run(&[
        "run",
        "county",
        "--year",
        "2026",
        "--as-of",
        "2026-07-05",
        "--out",
        "out",
        "--quiet",
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let report = summary_json(&wd);
    assert_eq!(report["as_of"], "2026-07-05");
    let shortfalls = report["shortfalls"].as_array().unwrap();
    assert!(!shortfalls.is_empty());
    for s in shortfalls {
        let period = s["period"].as_str().unwrap();
        assert!(
            !["下半年", "截至12月10日"].contains(&period),
            "a period that had not begun: {s}"
        );
        if let Some(week) = period.strip_prefix('第').and_then(|w| w.split('周').next()) {
            assert!(week.parse::<u32>().unwrap() <= 27, "{s}");
        }
        let expected = match period {
            "全年" => "进度滞后",
            "上半年" | "截至6月10日" => "未达标",
            _ => continue,
        };
        assert_eq!(s["status"], expected, "{s}");
        assert!(s["required"].as_u64().unwrap() <= 12, "{s}");
    }
    assert!(shortfalls.iter().any(|s| s["status"] == "进度滞后"));
    assert!(shortfalls.iter().any(|s| s["status"] == "未达标"));
    let check = wd.run(&[
        "check",
        "county",
        "--year",
        "2026",
        "--as-of",
        "2026-07-05",
        "--json",
    ]);
    let after: Vec<Value> = (check.stdout().lines())
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|i| i["code"] == "date-after-as-of")
        .collect();
    assert!(!after.is_empty());
    assert!(
        after[0]["message"]
            .as_str()
            .unwrap()
            .contains("日期晚于统计截止日（2026-07-05）")
    );
}

/// The same input gives the same judgement whatever day it runs, once `--as-of` is given; and
/// without it, the date is the year's end once the year is over.
#[test]
fn the_date_is_given_or_the_year_end_once_passed() {
    let wd = Workdir::new();
    wd.copy_fixture("county", "county");
    let run = wd.run(&["run", "county", "--year", "2026", "--out", "out", "--quiet"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_eq!(summary_json(&wd)["as_of"], "2026-12-31");
    let run = wd.run(&[
        "run",
        "county",
        "--year",
        "2026",
        "--as-of",
        "2025-12-31",
        "--out",
        "out",
    ]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(
        run.stderr().contains("不在考核年度 2026 年内"),
        "{}",
        run.stderr()
    );
}
