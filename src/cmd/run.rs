//! `huizong run`: check, then total (polars), judge and rank, and write the reports into
//! `--out`. Exit 0 when the reports were written, whatever the data's issues.

use super::check::load_and_check;
use super::summary;
use crate::aggregate;
use crate::cli::RunArgs;
use crate::evaluate::evaluate;
use crate::issue::{Issue, Level, action};
use crate::report;
use crate::stages::Stages;

pub fn run(args: &RunArgs) -> anyhow::Result<i32> {
    // `--jobs` bounds every parallel stage, not only reading.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.map_or(0, usize::from))
        .build()?;
    pool.install(|| run_in_pool(args))
}

fn run_in_pool(args: &RunArgs) -> anyhow::Result<i32> {
    let stage = Stages::new("");
    let (schema, mut checked) = load_and_check(&args.input, args.jobs, args.quiet)?;
    if checked.roster.is_none() {
        // Not an error (the run ranks whoever submitted), but never a silent one. Only `run`
        // says it: `check` makes no 未报送 list, and a filled template checks clean alone.
        let warning = Issue::new(
            Level::Warning,
            "",
            "未提供名册：单位以报送的为准，单位类型取自各单位基本信息，无法列出未报送单位；请用 --roster 指定名册，或在输入文件夹中放入 名册.csv / 名册.xlsx",
            action::NONE,
        );
        let at = (checked.issues).partition_point(|i| i.sort_key() < warning.sort_key());
        checked.issues.insert(at, warning);
    }
    stage.done("read + check");
    let files: Vec<String> = checked.files.iter().map(|f| f.source.rel.clone()).collect();
    let keep = aggregate::counted_fields(&schema, report::CASE_BREAKDOWN);
    let frames = aggregate::frames(&schema, checked.records(), &files, checked.year, &keep)?;
    stage.done("frames");
    let card = evaluate(&schema, &frames, &checked.units, checked.year)?;
    stage.done("evaluate");
    let model = report::build(&schema, &checked, &card, &frames)?;
    stage.done("report model");
    let written = report::write_all(&model, &frames, &args.out, args.feedback)?;
    stage.done("reports");
    if !args.quiet {
        for line in summary(&checked) {
            eprintln!("{line}");
        }
        let short = card
            .units
            .iter()
            .filter(|u| u.missed_count > 0 && u.status == crate::resolve::Submission::Submitted)
            .count();
        eprintln!(
            "考核：{} 个已报送单位中 {short} 个有未达标指标，共 {} 个未达标周期",
            checked
                .units
                .iter()
                .filter(|u| u.status == crate::resolve::Submission::Submitted)
                .count(),
            card.shortfalls.len()
        );
        eprintln!("报表：");
        let feedback = written
            .iter()
            .filter(|p| p.components().any(|c| c.as_os_str() == "反馈"))
            .count();
        for path in written
            .iter()
            .filter(|p| !p.components().any(|c| c.as_os_str() == "反馈"))
        {
            eprintln!("  {}", path.display());
        }
        if feedback > 0 {
            eprintln!(
                "  {}（{feedback} 个单位的反馈表）",
                args.out.join("反馈").display()
            );
        }
    }
    // The run ends here and the process with it: freeing hundreds of thousands of records one by
    // one would only keep the clerk waiting.
    drop(model);
    std::mem::forget((checked, frames, card));
    Ok(0)
}
