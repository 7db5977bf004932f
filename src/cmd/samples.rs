//! `huizong samples`: a deterministic demo county (see the `huizong_samples` crate). This file
//! checks the flags and prints the summary; it must not generate anything itself.

use crate::cli::SamplesArgs;
use crate::error::{Error, Result};
use huizong_samples::{SamplesOptions, generate};

pub(crate) fn run(args: &SamplesArgs) -> Result<i32> {
    if args.units == 0 {
        return Err(Error::Usage("--units 至少为 1".into()));
    }
    if !(2000..=2100).contains(&args.year) {
        return Err(Error::Usage("--year 须在 2000 到 2100 之间".into()));
    }
    let report = generate(&SamplesOptions {
        units: args.units,
        year: args.year,
        seed: args.seed,
        out: args.out.clone(),
    })
    .map_err(|e| Error::Samples(format!("{e:#}")))?;
    println!(
        "已生成演示县：{} 个单位，{} 个文件，预置问题 {} 处 → {}",
        report.units,
        report.files_written,
        report.planted.len(),
        args.out.display()
    );
    Ok(0)
}
