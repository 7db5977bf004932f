//! The command line (clap derive): raw flags as the user typed them; `settings` turns them into
//! what the stages are handed. `///` comments here are the `--help` text. It must not run anything.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// 汇总：读取各单位意识形态工作台账，逐行校验、汇总、考核排名，生成年度汇总表。
#[derive(Debug, Parser)]
#[command(name = "huizong", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 读取、校验、汇总并生成年度汇总表（汇总_<年度>.xlsx 等）
    Run(RunArgs),
    /// 只读取和校验，逐条列出问题（不生成报表）
    Check(CheckArgs),
    /// 按方案生成下发给各单位填报的空白模板
    Template(TemplateArgs),
    /// 生成一个演示用的县（名册和各单位台账）
    Samples(SamplesArgs),
}

/// Inputs shared by `run` and `check`.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// 输入文件或文件夹（递归查找），默认 samples/
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// 方案文件，默认 schemas/ideology_work.toml
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,
    /// 名册（.csv 或 .xlsx，列：单位名称、单位类型、别名）；默认取输入文件夹中的 名册.* 或 roster.*
    #[arg(long, value_name = "FILE")]
    pub roster: Option<PathBuf>,
    /// 考核年度；默认取各单位填报年度中最多的一个
    #[arg(long, value_name = "Y", value_parser = clap::value_parser!(i32).range(2000..=2100))]
    pub year: Option<i32>,
    /// 统计截止日（如 2026-07-05）：按这一天评判全年，未到期的周期不考核，进行中的周期按已过天数折算；
    /// 默认为年度最后一天（已过时）或今天
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<chrono::NaiveDate>,
    /// 每张工作表（或 CSV）最多读取的非空单元格数，超出则该表报错不读
    #[arg(long, value_name = "N", default_value_t = crate::ingest::limits::DEFAULT_MAX_CELLS)]
    pub max_cells: usize,
}

/// A date as `2026-07-05`.
fn parse_date(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("“{text}”不是日期，请写成 2026-07-05"))
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// 每条问题输出一行 JSON（键：level, unit, file, sheet, row, column, field, value, message, action）
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// 报表输出文件夹，默认 reports/
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub out: PathBuf,
    /// 为每个有问题或未达标的单位生成 反馈/<单位名称>.xlsx
    #[arg(long)]
    pub feedback: bool,
    /// 并行读取的线程数，默认为全部核心
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// 不显示进度和小结
    #[arg(long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// 方案文件，默认 schemas/ideology_work.toml
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,
    /// 单位类型（决定 填报说明 中列出的考核指标）
    #[arg(long, value_name = "T")]
    pub unit_type: Option<String>,
    /// 单位名称，预填在 基本信息 中
    #[arg(long, value_name = "NAME")]
    pub unit: Option<String>,
    /// 年度，预填在 基本信息 中
    #[arg(long, value_name = "Y", value_parser = clap::value_parser!(i32).range(2000..=2100))]
    pub year: Option<i32>,
    /// 输出的 .xlsx 文件
    #[arg(long, value_name = "FILE.xlsx")]
    pub out: PathBuf,
    /// 在各表中填入几行合格的示例数据（用作填写示例）
    #[arg(long)]
    pub example: bool,
}

#[derive(Debug, Args)]
pub struct SamplesArgs {
    /// 单位数
    #[arg(long, value_name = "N", default_value_t = 40)]
    pub units: usize,
    /// 年度
    #[arg(long, value_name = "Y", default_value_t = 2026)]
    pub year: i32,
    /// 随机种子（相同种子生成相同文件）
    #[arg(long, value_name = "S", default_value_t = 2026)]
    pub seed: u64,
    /// 输出文件夹
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}
