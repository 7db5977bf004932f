//! `huizong run`: check, then total (polars), judge and rank, and write the reports into
//! `--out`. Exit 0 when the reports were written, whatever the data's issues.

use super::check::check_with_progress;
use super::summary;
use crate::aggregate;
use crate::cli::RunArgs;
use crate::error::Result;
use crate::evaluate::{Lateness, Scorecard, evaluate};
use crate::outcome::{Checked, Submission};
use crate::report::{self, Written};
use crate::settings::RunSettings;
use crate::stages::Stages;

pub(crate) fn run(args: &RunArgs) -> Result<i32> {
    let settings = RunSettings::from_args(args)?;
    // `--jobs` bounds every parallel stage, not only reading.
    settings.read.install(|| run_in_pool(&settings))?
}

fn run_in_pool(settings: &RunSettings) -> Result<i32> {
    let stage = Stages::new("");
    let schema = &settings.read.schema;
    let checked = check_with_progress(&settings.read)?;
    stage.done("read + check");
    let files: Vec<String> = checked.files.iter().map(|f| f.source.rel.clone()).collect();
    let keep = aggregate::counted_fields(schema, report::CASE_BREAKDOWN);
    let frames = aggregate::frames(schema, checked.records(), &files, checked.year, &keep)?;
    stage.done("frames");
    let card = evaluate(schema, &frames, &checked.units, checked.year, checked.as_of)?;
    stage.done("evaluate");
    let last_year = settings.last_year.clone();
    let mut model = report::build(schema, &checked, &card, &frames, last_year)?;
    stage.done("report model");
    let written = report::write_all(&mut model, &frames, &settings.out, settings.feedback)?;
    for issue in &model.writing_issues {
        eprintln!("{}", super::check::human_line(issue));
    }
    stage.done("reports");
    if !settings.read.quiet {
        print_summary(settings, &checked, &card, &written);
    }
    // The run ends here and the process with it: freeing hundreds of thousands of records one by
    // one would only keep the clerk waiting.
    drop(model);
    std::mem::forget((checked, frames, card));
    Ok(0)
}

/// The closing lines on stderr: the reconciliation, the judgement, and where the reports went.
fn print_summary(settings: &RunSettings, checked: &Checked, card: &Scorecard, written: &Written) {
    for line in summary(checked) {
        eprintln!("{line}");
    }
    let submitted = |status: Submission| status == Submission::Submitted;
    let short = (card.units.iter())
        .filter(|u| u.missed_count > 0 && submitted(u.status))
        .count();
    let behind = (card.units.iter())
        .filter(|u| u.behind_count > 0 && submitted(u.status))
        .count();
    let late = (card.shortfalls.iter())
        .filter(|s| s.status == Lateness::Behind)
        .count();
    eprintln!(
        "考核（数据截至 {}）：{} 个已报送单位中 {short} 个有未达标指标，共 {} 个未达标周期；{behind} 个有进度滞后指标，共 {late} 个进度滞后周期",
        card.as_of.format("%Y-%m-%d"),
        checked.units.iter().filter(|u| submitted(u.status)).count(),
        card.shortfalls.len() - late
    );
    eprintln!("报表：");
    for path in &written.reports {
        eprintln!("  {}", path.display());
    }
    if !written.feedback.is_empty() {
        eprintln!(
            "  {}（{} 个单位的反馈表）",
            settings.out.join("反馈").display(),
            written.feedback.len()
        );
    }
}
