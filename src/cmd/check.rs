//! `huizong check`: read and validate everything, print every issue (one line each, or one JSON
//! object per line) and the reconciliation. Exit 1 when there is any 错误.

use super::{progress_bar, summary};
use crate::cli::CheckArgs;
use crate::error::Result;
use crate::issue::{Issue, Level};
use crate::outcome::Checked;
use crate::pipeline::{self, Progress};
use crate::settings::{CheckSettings, Settings};
use std::io::Write;

/// Checks the inputs with a progress bar: the shared first half of `check` and `run`. Runs on
/// the caller's thread pool.
pub(crate) fn check_with_progress(settings: &Settings) -> Result<Checked> {
    let bar = progress_bar(settings.quiet);
    let checked = pipeline::check(settings, &|p| match p {
        Progress::Found(n) => bar.set_length(n as u64),
        Progress::Read => bar.inc(1),
    })?;
    bar.finish_and_clear();
    Ok(checked)
}

/// One issue as a line a clerk reads.
pub(crate) fn human_line(issue: &Issue) -> String {
    let mut line = format!("{}  {}", issue.level.label(), issue.file);
    let location = issue.location();
    if !location.is_empty() {
        line.push_str("  ");
        line.push_str(&location);
    }
    line.push_str("  ");
    line.push_str(&issue.message);
    if let Some(value) = &issue.value
        && !issue.message.contains(value.as_str())
    {
        line.push_str(&format!("（原值：{value}）"));
    }
    line.push_str(" → ");
    line.push_str(issue.action);
    crate::issue::printable(&line).into_owned()
}

pub(crate) fn run(args: &CheckArgs) -> Result<i32> {
    let settings = CheckSettings::from_args(args)?;
    let checked = settings
        .read
        .install(|| check_with_progress(&settings.read))??;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for issue in &checked.issues {
        if settings.json {
            serde_json::to_writer(&mut out, issue)?;
            writeln!(out)?;
        } else {
            writeln!(out, "{}", human_line(issue))?;
        }
    }
    let lines = summary(&checked);
    if settings.json {
        out.flush()?;
        for line in lines {
            eprintln!("{line}");
        }
    } else {
        writeln!(out)?;
        for line in lines {
            writeln!(out, "{line}")?;
        }
    }
    out.flush()?;
    let errors = checked.issues.iter().any(|i| i.level == Level::Error);
    Ok(i32::from(errors))
}
