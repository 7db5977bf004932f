//! `huizong run`: check, then total (polars), judge and rank, and write the reports into
//! `--out`. Exit 0 when the reports were written, whatever the data's issues.

use super::check::load_and_check;
use super::summary;
use crate::aggregate;
use crate::cli::RunArgs;
use crate::evaluate::evaluate;
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
    let (schema, checked) = load_and_check(&args.input, args.jobs, args.quiet)?;
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
