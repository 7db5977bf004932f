//! The second example schema (安全生产) drives `template`, `check` and `run` without code
//! changes: a filled template checks clean for every unit type and `run` ranks on its rules.

use crate::workdir::{Workdir, repo};
use calamine::{Reader, Xlsx, open_workbook};

#[test]
fn the_safety_schema_drives_template_check_and_run() {
    let wd = Workdir::new();
    let schema = repo().join("schemas/safety_production.toml");
    let schema = schema.to_str().unwrap();
    wd.write(
        "名册.csv",
        "单位名称,单位类型,别名\n青山镇,乡镇,\n宏达化工,企业,宏达公司\n远山镇,乡镇,\n",
    );
    for (t, name) in [("乡镇", "青山镇"), ("企业", "宏达化工")] {
        wd.filled(Some(schema), t, name);
    }
    let run = wd.run(&[
        "check",
        "in",
        "--schema",
        schema,
        "--roster",
        "名册.csv",
        "--json",
    ]);
    assert_eq!(run.code(), 0, "{}{}", run.stdout(), run.stderr());
    assert!(!run.stdout().contains("警告"), "{}", run.stdout());
    assert!(
        run.stderr().contains("数据行：读取 12 = 采用 12 + 剔除 0"),
        "{}",
        run.stderr()
    );
    let run = wd.run(&[
        "run",
        "in",
        "--schema",
        schema,
        "--roster",
        "名册.csv",
        "--out",
        "out",
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let mut wb: Xlsx<_> = open_workbook(wd.path("out/汇总_2026.xlsx")).unwrap();
    let ranking = wb.worksheet_range("排名").unwrap();
    let header: Vec<String> = ranking
        .rows()
        .nth(2)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        header,
        [
            "总排名",
            "类别排名",
            "单位名称",
            "单位类型",
            "报送状态",
            "完成率",
            "日常检查（≥1次/月）",
            "专项检查（≥1次/季度）",
            "安全培训（≥1次/半年）",
            "未达标项数",
            "进度滞后项数",
            "挂牌督办"
        ]
    );
    let rows: Vec<Vec<String>> = ranking
        .rows()
        .skip(3)
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let missing = rows
        .iter()
        .find(|r| r.len() > 2 && r[2] == "远山镇")
        .unwrap();
    assert_eq!((missing[4].as_str(), missing[9].as_str()), ("未报送", "3"));
    assert!(wd.path("out/明细/安全检查.csv").exists());
}

/// Another campaign's reports speak of it, not of ideology work: titles, the 通报, the reminder
/// list, the feedback and the template's notes take their words from the schema's name.
#[test]
fn the_safety_schemas_reports_speak_of_safety() {
    let wd = Workdir::new();
    let schema = repo().join("schemas/safety_production.toml");
    let schema = schema.to_str().unwrap();
    wd.write("名册.csv", "单位名称,单位类型\n青山镇,乡镇\n远山镇,乡镇\n");
    wd.filled(Some(schema), "乡镇", "青山镇");
    let run = wd.run(&[
        "run",
        "in",
        "--schema",
        schema,
        "--roster",
        "名册.csv",
        "--out",
        "out",
        "--feedback",
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let summary = crate::run::workbook_text(&wd.path("out/汇总_2026.xlsx"));
    assert_eq!(
        summary["排名"][0],
        "2026年度安全生产工作落实情况排名（数据截至2026年12月31日）"
    );
    let docx = std::fs::read(wd.path("out/通报_2026.docx")).unwrap();
    let document = crate::tongbao::parts(&docx);
    let document = crate::tongbao::part(&document, "word/document.xml");
    assert!(document.contains("关于2026年度安全生产工作落实情况的通报"));
    let reminders = std::fs::read_to_string(wd.path("out/催报名单.txt")).unwrap();
    assert!(
        reminders.contains("2026年度安全生产工作台账催报名单"),
        "{reminders}"
    );
    let template = wd.path("t.xlsx");
    let made = wd.run(&[
        "template",
        "--schema",
        schema,
        "--unit-type",
        "乡镇",
        "--out",
        "t.xlsx",
    ]);
    assert_eq!(made.code(), 0, "{}", made.stderr());
    let guide = crate::run::workbook_text(&template);
    let texts = [
        summary
            .values()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join("\n"),
        document.to_string(),
        reminders,
        guide
            .values()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join("\n"),
    ];
    for text in texts {
        assert!(!text.contains("意识形态"), "{text}");
    }
}
