//! `run --compare LAST.json`: last year's summary beside this year's — 上年完成率 and 上年排名 with
//! the change in 排名, what rose and fell in 总览, units new this year marked 新增 and units gone
//! named under the table. A file that is no summary stops the run before anything is read.

use crate::run::workbook_text;
use crate::workdir::Workdir;
use serde_json::Value;

/// Runs the county fixture into `out` with `extra` flags.
fn run(wd: &Workdir, out: &str, extra: &[&str]) {
    let mut args = vec![
        "run",
        "county",
        "--year",
        "2026",
        "--as-of",
        "2026-12-31",
        "--out",
        out,
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let run = wd.run(&args);
    assert_eq!(run.code(), 0, "{}", run.stderr());
}

#[test]
fn last_years_ranks_are_shown_beside_this_years() {
    let wd = Workdir::new();
    wd.copy_fixture("county", "county");
    run(&wd, "before", &[]);
    // Last year as it might have been: one unit ranked otherwise, one not yet on the roster, one
    // that has since gone.
    let text = std::fs::read_to_string(wd.path("before/汇总_2026.json")).unwrap();
    let mut last: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(last["schema_version"], 2);
    last["year"] = 2025.into();
    let ranking = last["ranking"].as_array_mut().unwrap();
    ranking.retain(|u| u["name"] != "青石镇");
    for u in ranking.iter_mut().filter(|u| u["name"] == "龙爪镇") {
        u["rank"] = 4.into();
        u["completion"] = 0.5.into();
    }
    ranking.push(serde_json::json!({"name": "旧城乡", "rank": 1, "completion": 1.0}));
    wd.write("汇总_2025.json", serde_json::to_string(&last).unwrap());
    run(&wd, "after", &["--compare", "汇总_2025.json"]);
    let sheets = workbook_text(&wd.path("after/汇总_2026.xlsx"));
    let rows: Vec<Vec<&str>> = (sheets["排名"].iter())
        .map(|r| r.split('\t').collect::<Vec<_>>())
        .collect();
    let header = &rows[2];
    assert_eq!(
        &header[..8],
        [
            "总排名",
            "类别排名",
            "单位名称",
            "单位类型",
            "报送状态",
            "完成率",
            "上年完成率",
            "上年排名（变化）"
        ]
    );
    let unit = |name: &str| rows.iter().find(|r| r.len() > 7 && r[2] == name).unwrap();
    // 龙爪镇 ranks 1st, 4th last year: up three.
    assert_eq!(
        (unit("龙爪镇")[6], unit("龙爪镇")[7]),
        ("0.5000", "4（↑3）")
    );
    assert_eq!(unit("青石镇")[7], "新增");
    assert!(
        sheets["排名"].iter().any(|l| l.contains("旧城乡")),
        "a unit gone is named"
    );
    let overview = sheets["总览"].join("\n");
    assert!(
        overview.contains("比上年排名上升\t1\t龙爪镇（第4名→第1名）"),
        "{overview}"
    );
    assert!(overview.contains("上年平均完成率\t"), "{overview}");
    assert!(overview.contains("本年平均完成率 "), "{overview}");
    assert!(
        overview.contains("2025年未列入的单位\t1\t青石镇"),
        "{overview}"
    );
    assert!(
        overview.contains("2025年有、本年未列入的单位\t1\t旧城乡"),
        "{overview}"
    );
}

#[test]
fn a_file_that_is_no_summary_stops_the_run() {
    let wd = Workdir::new();
    wd.copy_fixture("county", "county");
    wd.write("last.json", "{\"files\": []}");
    let run = wd.run(&["run", "county", "--out", "out", "--compare", "last.json"]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(run.stderr().contains("没有 ranking"), "{}", run.stderr());
    assert!(!wd.path("out").exists());
}
