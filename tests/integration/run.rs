//! `huizong run` on the fixture county: the summary workbook read back with calamine has the
//! seven sheets in order with exactly the named headers, its key cells agree with totals
//! computed independently from the same files (expected.json), two runs give the same cells,
//! and the text of every sheet is snapshotted.

use crate::workdir::{Workdir, fixtures};
use calamine::{Data, Reader, Xlsx, open_workbook};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// The summary's sheets for the default schema: the eight of every schema, with its subject
/// list after 问责统计.
const SHEETS: [&str; 9] = [
    "总览",
    "排名",
    "未达标明细",
    "未报送单位",
    "分月统计",
    "问责统计",
    "取消评优评先资格",
    "校验问题",
    "说明",
];

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Data::Float(f) => format!("{f:.4}"),
        other => other.to_string(),
    }
}

/// Every sheet as rows of tab-separated cells; the generation time is blanked.
pub(crate) fn workbook_text(path: &Path) -> BTreeMap<String, Vec<String>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let mut out = BTreeMap::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        let rows = range
            .rows()
            .map(|r| {
                r.iter()
                    .map(cell_text)
                    .collect::<Vec<_>>()
                    .join("\t")
                    .trim_end()
                    .to_string()
            })
            .map(|line| {
                if let Some(i) = line.find("生成时间") {
                    format!("{}生成时间：<time>", &line[..i])
                } else {
                    line
                }
            })
            .collect();
        out.insert(name, rows);
    }
    out
}

fn run_county(wd: &Workdir, out: &str) -> String {
    wd.copy_fixture("county", "county");
    let run = wd.run(&["run", "county", "--out", out, "--feedback"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    run.stderr()
}

fn headers(text: &BTreeMap<String, Vec<String>>, sheet: &str) -> Vec<String> {
    text[sheet][2].split('\t').map(String::from).collect()
}

#[test]
fn summary_workbook_has_its_sheets_and_their_headers() {
    let wd = Workdir::new();
    let stderr = run_county(&wd, "out");
    assert!(
        stderr.contains("数据行：读取 164 = 采用 149 + 剔除 15"),
        "{stderr}"
    );
    assert!(stderr.contains("汇总_2026.xlsx"), "{stderr}");
    let path = wd.path("out/汇总_2026.xlsx");
    let wb: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(wb.sheet_names(), SHEETS);
    let text = workbook_text(&path);
    let mut ranking = vec![
        "总排名",
        "类别排名",
        "单位名称",
        "单位类型",
        "报送状态",
        "完成率",
        "集中学习（≥12次/年；部门≥1次/周）",
        "意识形态专题学习（≥2次/年）",
        "专题研究（≥1次/半年；部门、园区≥2次/年）",
        "分析研判（≥1次/半年；园区≥2次/年）",
        "专题汇报（≥1次/半年）",
        "督查（≥1次/半年；园区≥1次/年）",
        "自查报告（6月10日、12月10日前各≥1次）",
        "未达标项数",
        "进度滞后项数",
        "问责案件数",
        "评优资格",
        "整改率",
    ];
    assert_eq!(headers(&text, "排名"), ranking);
    ranking.clear();
    assert_eq!(
        headers(&text, "未达标明细"),
        [
            "单位名称",
            "单位类型",
            "指标",
            "周期",
            "状态",
            "要求",
            "实际",
            "差额",
            "依据"
        ]
    );
    assert_eq!(
        headers(&text, "未报送单位"),
        ["单位名称", "单位类型", "原因"]
    );
    assert_eq!(
        headers(&text, "取消评优评先资格"),
        [
            "序号",
            "被问责对象",
            "单位",
            "对象类别",
            "问责情形",
            "处理方式",
            "问责日期",
            "认定"
        ]
    );
    assert_eq!(
        headers(&text, "校验问题"),
        [
            "级别",
            "单位",
            "文件",
            "工作表",
            "行",
            "列",
            "字段",
            "原值",
            "问题",
            "处理",
            "代码"
        ]
    );
}

#[test]
fn ranking_and_details_agree_with_independent_totals() {
    let wd = Workdir::new();
    run_county(&wd, "out");
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures().join("expected.json")).unwrap())
            .unwrap();
    // Accepted rows per unit and sheet, from the detail CSVs.
    let mut counted: BTreeMap<(String, String), u64> = BTreeMap::new();
    for sheet in ["学习记录", "研究研判", "督查检查", "问责案件"] {
        let bytes = std::fs::read(wd.path(&format!("out/明细/{sheet}.csv"))).unwrap();
        assert!(bytes.starts_with("\u{feff}单位名称,文件,行".as_bytes()));
        let text = String::from_utf8(bytes).unwrap();
        for line in text.lines().skip(1) {
            let unit = line.split(',').next().unwrap().to_string();
            *counted.entry((unit, sheet.to_string())).or_default() += 1;
        }
    }
    // Every accepted row is in a detail file, once: the reconciliation's 采用 count.
    assert_eq!(counted.values().sum::<u64>(), 149);
    for (unit, sheets) in expected["accepted_by_unit_sheet"].as_object().unwrap() {
        for (sheet, n) in sheets.as_object().unwrap() {
            let got = counted
                .get(&(unit.clone(), sheet.clone()))
                .copied()
                .unwrap_or(0);
            assert_eq!(got, n.as_u64().unwrap(), "{unit} {sheet}");
        }
    }
    let text = workbook_text(&wd.path("out/汇总_2026.xlsx"));
    // 排名's columns: 总排名, 类别排名, 单位名称, 单位类型, 报送状态, 完成率, the seven rules,
    // 未达标项数, 进度滞后项数, 评优资格, 整改率; the notes under the table are not units.
    let ranking: Vec<Vec<&str>> = text["排名"][3..]
        .iter()
        .map(|r| r.split('\t').collect::<Vec<_>>())
        .filter(|r| r.len() > 5)
        .collect();
    let row = |name: &str| {
        ranking
            .iter()
            .find(|r| r[2] == name)
            .unwrap_or_else(|| panic!("{name} not ranked"))
    };
    // 龙爪镇 meets every quota; its 集中学习 column counts its accepted 中心组学习/集中学习 rows.
    let clean = row("龙爪镇");
    assert_eq!((clean[0], clean[4], clean[5]), ("1", "已报送", "1"));
    let mut reader = csv::Reader::from_path(wd.path("out/明细/学习记录.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let form = headers.iter().position(|h| h == "学习形式").unwrap();
    let central = reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[0] == "龙爪镇" && matches!(&r[form], "中心组学习" | "集中学习"))
        .count();
    assert_eq!(clean[6], central.to_string());
    assert_eq!(clean[13], "0");
    for unit in expected["units_missing"].as_array().unwrap() {
        let r = row(unit.as_str().unwrap());
        assert_eq!((r[4], r[5]), ("未报送", "0"), "{r:?}");
        assert!(
            text["未报送单位"]
                .iter()
                .any(|l| l.starts_with(unit.as_str().unwrap()))
        );
    }
    // 红岩镇 (乡镇) did not submit: every 乡镇 rule counts as missed.
    assert_eq!(row("红岩镇")[13], "6");
    // Ranks are competition ranks over 完成率, descending: in 总排名 order, and within each
    // group (the rows come by group) in 类别排名 order.
    let mut by_rank: Vec<(u32, f64)> = (ranking.iter())
        .map(|r| (r[0].parse().unwrap(), r[5].parse().unwrap()))
        .collect();
    by_rank.sort_by_key(|(rank, _)| *rank);
    assert!(by_rank.windows(2).all(|w| w[0].1 >= w[1].1));
    for group in ranking.chunk_by(|a, b| {
        (a[3] == "乡镇" || a[3] == "街道") == (b[3] == "乡镇" || b[3] == "街道")
            && (a[3] == b[3] || a[3] == "乡镇" || a[3] == "街道")
    }) {
        let ranks: Vec<u32> = group.iter().map(|r| r[1].parse().unwrap()).collect();
        assert_eq!(ranks.first(), Some(&1), "{group:?}");
        assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{group:?}");
    }
    let issues = &text["校验问题"];
    assert!(issues.iter().any(|l| l.contains("日期不在2026年度内")));
    assert!(
        text["说明"]
            .iter()
            .any(|l| l.contains("读取 164 = 采用 149 + 剔除 15"))
    );
    assert!(
        text["说明"]
            .iter()
            .any(|l| l.starts_with("县交通运输局_坏文件.xlsx") && l.contains("无法读取"))
    );
}

#[test]
fn same_input_gives_the_same_cells() {
    let wd = Workdir::new();
    run_county(&wd, "a");
    let wd2 = Workdir::new();
    run_county(&wd2, "a");
    assert_eq!(
        workbook_text(&wd.path("a/汇总_2026.xlsx")),
        workbook_text(&wd2.path("a/汇总_2026.xlsx"))
    );
    let json = |w: &Workdir| std::fs::read(w.path("a/汇总_2026.json")).unwrap();
    assert_eq!(json(&wd), json(&wd2));
    // Streamed, the JSON still reads as a sorted-key document: exactly what pretty-printing it
    // as a `serde_json::Value` gives.
    let text = String::from_utf8(json(&wd)).unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_string_pretty(&value).unwrap() + "\n", text);
}

#[test]
fn summary_text_snapshot() {
    let wd = Workdir::new();
    run_county(&wd, "out");
    let text = workbook_text(&wd.path("out/汇总_2026.xlsx"));
    let mut flat = String::new();
    for sheet in SHEETS {
        flat.push_str(&format!("== {sheet}\n"));
        for line in &text[sheet] {
            // SHA-256 and sizes depend on the fixture bytes only; keep them.
            flat.push_str(line);
            flat.push('\n');
        }
    }
    insta::assert_snapshot!(flat);
}

#[test]
fn feedback_workbooks_go_to_units_with_problems() {
    let wd = Workdir::new();
    run_county(&wd, "out");
    let dir = wd.path("out/反馈");
    assert!(dir.join("城关街道.xlsx").exists());
    assert!(
        !dir.join("龙爪镇.xlsx").exists(),
        "a clean unit needs no feedback"
    );
    let text = workbook_text(&dir.join("城关街道.xlsx"));
    assert!(
        text["报送问题"]
            .iter()
            .any(|l| l.contains("B14") && l.contains("日期不在2026年度内"))
    );
}

#[test]
fn feedback_carries_a_reminder_text_and_fix_suggestions_and_the_county_list() {
    let wd = Workdir::new();
    run_county(&wd, "out");
    let text = workbook_text(&wd.path("out/反馈/县教育局.xlsx"));
    assert!(
        text["反馈说明"]
            .iter()
            .any(|l| l.starts_with("县教育局：贵单位报送的2026年度") && l.contains("错误 2 处"))
    );
    assert_eq!(
        text["报送问题"][2].split('\t').next_back(),
        Some("修改建议")
    );
    assert!(
        text["报送问题"]
            .iter()
            .any(|l| l.contains("C9") && l.ends_with("改为“中心组学习”（从下拉列表选择）")),
        "{:?}",
        text["报送问题"]
    );
    let roll = std::fs::read_to_string(wd.path("out/催报名单.txt")).unwrap();
    assert!(roll.contains("红岩镇（乡镇）：未报送"), "{roll}");
    assert!(roll.contains("县文化和旅游局（部门）：未报送"), "{roll}");
    assert!(
        roll.contains("城关街道（街道）：报送材料有 2 处错误"),
        "{roll}"
    );
    assert!(roll.contains("东风镇：不在名册中"), "{roll}");
    assert!(!roll.contains("龙爪镇"), "{roll}");
}

#[test]
fn killing_run_while_it_writes_leaves_the_previous_reports_intact() {
    let wd = Workdir::new();
    huizong_samples::generate(&huizong_samples::SamplesOptions {
        units: 300,
        year: 2026,
        seed: 3,
        out: wd.path("county"),
    })
    .unwrap();
    let first = wd.run(&["run", "county", "--out", "out", "--feedback", "--quiet"]);
    assert_eq!(first.code(), 0);
    let summary = wd.path("out/汇总_2026.xlsx");
    for delay_ms in [5u64, 20, 40, 60, 80, 100, 130, 160, 200, 260] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_huizong"))
            .args(["run", "county", "--out", "out", "--feedback", "--quiet"])
            .current_dir(wd.dir.path())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        // Whatever moment it died at, the summary under its final name is a whole workbook.
        let wb: Xlsx<_> =
            open_workbook(&summary).unwrap_or_else(|e| panic!("after {delay_ms} ms: {e}"));
        assert_eq!(wb.sheet_names(), SHEETS, "after {delay_ms} ms");
        let json: Value =
            serde_json::from_slice(&std::fs::read(wd.path("out/汇总_2026.json")).unwrap()).unwrap();
        assert_eq!(json["year"], 2026);
    }
}
