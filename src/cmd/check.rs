//! `huizong check`: read and validate everything, print every issue (one line each, or one JSON
//! object per line) and the reconciliation. Exit 1 when there is any 错误.

use super::{UsageError, progress_bar, summary};
use crate::cli::{CheckArgs, InputArgs, load_schema};
use crate::issue::{Issue, Level};
use crate::pipeline::{self, Checked, Progress};
use crate::schema::Schema;
use std::io::Write;

/// Loads the schema and checks the inputs: the shared first half of `check` and `run`.
pub fn load_and_check(
    input: &InputArgs,
    jobs: Option<u16>,
    quiet: bool,
) -> anyhow::Result<(Schema, Checked)> {
    let schema = load_schema(input.schema.as_deref())?;
    let settings = input.settings(jobs);
    crate::ingest::limits::set_max_cells(input.max_cells);
    for path in &settings.inputs {
        if !path.exists() {
            return Err(UsageError(format!("输入路径不存在：{}", path.display())).into());
        }
    }
    if let Some(roster) = &settings.roster
        && !roster.is_file()
    {
        return Err(UsageError(format!("名册文件不存在：{}", roster.display())).into());
    }
    let bar = progress_bar(quiet);
    let checked = pipeline::check(&schema, &settings, &|p| match p {
        Progress::Found(n) => bar.set_length(n as u64),
        Progress::Read => bar.inc(1),
    })?;
    bar.finish_and_clear();
    Ok((schema, checked))
}

/// One issue as a line a clerk reads.
pub fn human_line(issue: &Issue) -> String {
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
    line
}

pub fn run(args: &CheckArgs) -> anyhow::Result<i32> {
    let (_, checked) = load_and_check(&args.input, None, false)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for issue in &checked.issues {
        if args.json {
            serde_json::to_writer(&mut out, issue)?;
            writeln!(out)?;
        } else {
            writeln!(out, "{}", human_line(issue))?;
        }
    }
    let lines = summary(&checked);
    if args.json {
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
