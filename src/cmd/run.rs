//! `huizong run`: check, then total, judge, rank and write the reports. The summary workbook is
//! not built yet (issue 3): for now `run` checks and says so.

use super::check::load_and_check;
use super::summary;
use crate::cli::RunArgs;

pub fn run(args: &RunArgs) -> anyhow::Result<i32> {
    let (_, checked) = load_and_check(&args.input, args.jobs, args.quiet)?;
    if !args.quiet {
        for line in summary(&checked) {
            eprintln!("{line}");
        }
        eprintln!("汇总报表尚未实现：目前 run 只完成读取和校验；请用 huizong check 查看问题明细。");
    }
    Ok(0)
}
