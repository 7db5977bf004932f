//! One file per subcommand; the folder listing is the command list. Each turns its flags into
//! settings (`crate::settings`), runs the stages, and returns the process exit code; errors that
//! stop the tool come back as `Err` with their own exit code (`docs/cli.md#exit-codes`).

pub(crate) mod check;
pub(crate) mod run;
pub(crate) mod samples;
pub(crate) mod template;

use crate::cli::{Cli, Command};
use crate::error::Result;
use crate::outcome::{Checked, Totals};
use std::io::IsTerminal;

/// Runs the chosen subcommand.
pub fn dispatch(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Run(args) => run::run(&args),
        Command::Template(args) => template::run(&args),
        Command::Samples(args) => samples::run(&args),
    }
}

/// A progress bar on stderr while reading, only when stderr is a terminal.
pub(crate) fn progress_bar(quiet: bool) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("读取 {bar:40} {pos}/{len} 个文件 {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// The closing summary: files, the row reconciliation, units, issue counts.
pub(crate) fn summary(checked: &Checked) -> Vec<String> {
    let Totals {
        files_found,
        files_read,
        files_skipped,
        files_failed,
        files_superseded,
        rows_read,
        rows_accepted,
        rows_rejected,
    } = checked.totals;
    let mut lines = vec![
        format!(
            "年度：{}（统计截止日 {}）",
            checked.year,
            checked.as_of.format("%Y-%m-%d")
        ),
        format!(
            "文件：找到 {files_found} = 读取 {files_read} + 跳过 {files_skipped} + 无法读取 {files_failed} + 被替代 {files_superseded}"
        ),
        format!("数据行：读取 {rows_read} = 采用 {rows_accepted} + 剔除 {rows_rejected}"),
    ];
    if rows_read != rows_accepted + rows_rejected {
        lines.push("！对账不平：读取行数不等于采用与剔除之和，请报告此问题".into());
    }
    let count =
        |s: crate::outcome::Submission| checked.units.iter().filter(|u| u.status == s).count();
    use crate::outcome::Submission::*;
    // Only said when there is one: a unit whose type cannot be told is not judged.
    let untyped = match count(Untyped) {
        0 => String::new(),
        n => format!("（其中单位类型不明、未考核 {n}）"),
    };
    match &checked.roster {
        Some(path) => lines.push(format!(
            "单位：名册 {} 个（{}），已报送 {}{untyped}，未报送 {}，报送文件无法读取 {}",
            checked.units.len(),
            path.display(),
            count(Submitted) + count(Untyped),
            count(Missing),
            count(Unreadable)
        )),
        None => lines.push(format!(
            "单位：已报送 {}{untyped}（未提供名册，无法列出未报送单位）",
            checked.units.len()
        )),
    }
    let level = |l| checked.issues.iter().filter(|i| i.level == l).count();
    use crate::issue::Level;
    lines.push(format!(
        "问题：错误 {}，警告 {}，提示 {}",
        level(Level::Error),
        level(Level::Warning),
        level(Level::Notice)
    ));
    lines
}
