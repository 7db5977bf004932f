//! The command line (clap derive): raw flags as the user typed them; `settings` turns them into
//! what the stages are handed. `///` comments here are the `--help` text. It must not run anything.
//!
//! Everything a clerk reads is Chinese: the help pages (headings 用法, 命令, 参数, 选项 from the
//! templates below; our own `-h/--help` and `-V/--version` in place of clap's English ones; no
//! `[default: …]`, each default said in its flag's text), the subcommands' Chinese names (`汇总`,
//! `校验`, `模板`, `示例`, aliases that run the same command), the value parsers' messages, and the
//! usage errors, which [`Cli::parse_or_exit`] writes itself from clap's error context. `huizong help
//! [命令]` is read as `huizong [命令] --help`.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{ArgAction, Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use std::ffi::OsString;
use std::path::PathBuf;

/// A subcommand's help page: usage, the INPUT argument, the flags.
const HELP_WITH_INPUT: &str =
    "{about-with-newline}\n用法：{usage}\n\n参数：\n{positionals}\n\n选项：\n{options}{after-help}";
/// A subcommand's help page without positional arguments.
const HELP_FLAGS_ONLY: &str =
    "{about-with-newline}\n用法：{usage}\n\n选项：\n{options}{after-help}";

/// `-h, --help` in Chinese (clap's own reads `Print help`).
fn help_flag() -> clap::Arg {
    clap::Arg::new("help")
        .short('h')
        .long("help")
        .action(ArgAction::Help)
        .help("显示帮助")
}

/// `-V, --version` in Chinese (clap's own reads `Print version`).
fn version_flag() -> clap::Arg {
    clap::Arg::new("version")
        .short('V')
        .long("version")
        .action(ArgAction::Version)
        .help("显示版本")
}

/// 汇总：读取各单位意识形态工作台账，逐行校验、汇总、考核排名，生成年度汇总表。
#[derive(Debug, Parser)]
#[command(
    name = "huizong",
    version,
    override_usage = "huizong [选项] <命令>",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    arg(help_flag()),
    arg(version_flag())
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 读取、校验、汇总并生成年度汇总表（汇总_<年度>.xlsx 等）
    #[command(
        visible_alias = "汇总",
        override_usage = "huizong run [选项] [INPUT]...\n      huizong 汇总 [选项] [INPUT]...",
        help_template = HELP_WITH_INPUT,
        after_help = "例如：\n  huizong 汇总 2026报送 --year 2026 --out 2026汇总 --feedback\n  huizong 汇总 2026报送 --as-of 2026-07-05 --out 年中检查\n  huizong 汇总 2026报送 --out 2026汇总 --compare 2025汇总/汇总_2025.json",
        disable_help_flag = true,
        arg(help_flag())
    )]
    Run(RunArgs),
    /// 只读取和校验，逐条列出问题（不生成报表）
    #[command(
        visible_alias = "校验",
        override_usage = "huizong check [选项] [INPUT]...\n      huizong 校验 [选项] [INPUT]...",
        help_template = HELP_WITH_INPUT,
        after_help = "例如：\n  huizong 校验 2026报送 --year 2026\n  huizong 校验 2026报送 --year 2026 --json > 问题.jsonl",
        disable_help_flag = true,
        arg(help_flag())
    )]
    Check(CheckArgs),
    /// 按方案生成下发给各单位填报的空白模板
    #[command(
        visible_alias = "模板",
        override_usage = "huizong template --out <FILE.xlsx> [选项]\n      huizong 模板 --out <FILE.xlsx> [选项]",
        help_template = HELP_FLAGS_ONLY,
        after_help = "例如：\n  huizong 模板 --unit-type 乡镇 --year 2026 --out 乡镇模板.xlsx\n  huizong 模板 --unit-type 部门 --unit 县教育局 --year 2026 --out 县教育局.xlsx",
        disable_help_flag = true,
        arg(help_flag())
    )]
    Template(TemplateArgs),
    /// 生成一个演示用的县（名册和各单位台账）
    #[command(
        visible_alias = "示例",
        override_usage = "huizong samples --out <DIR> [选项]\n      huizong 示例 --out <DIR> [选项]",
        help_template = HELP_FLAGS_ONLY,
        after_help = "例如：\n  huizong 示例 --units 40 --out 2026报送",
        disable_help_flag = true,
        arg(help_flag())
    )]
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
    #[arg(long, value_name = "Y", value_parser = parse_year)]
    pub year: Option<i32>,
    /// 统计截止日（如 2026-07-05）：按这一天评判全年，未到期的周期不考核，进行中的周期按已过天数折算；默认为年度最后一天（已过时）或今天
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<chrono::NaiveDate>,
    /// 每张工作表（或 CSV）最多读取的非空单元格数，超出则该表报错不读；默认 2000000
    #[arg(
        long,
        value_name = "N",
        value_parser = whole::<usize>,
        default_value_t = crate::ingest::limits::DEFAULT_MAX_CELLS,
        hide_default_value = true
    )]
    pub max_cells: usize,
}

/// A date as `2026-07-05`.
fn parse_date(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("“{text}”不是日期，请写成 2026-07-05"))
}

/// A report year, 2000 to 2100.
fn parse_year(text: &str) -> Result<i32, String> {
    match text.parse::<i32>() {
        Ok(year) if (2000..=2100).contains(&year) => Ok(year),
        _ => Err(format!("“{text}”不是 2000 到 2100 之间的年份")),
    }
}

/// A number of threads, at least 1.
fn parse_jobs(text: &str) -> Result<u16, String> {
    match text.parse::<u16>() {
        Ok(jobs) if jobs >= 1 => Ok(jobs),
        _ => Err(format!("“{text}”不是 1 到 65535 之间的整数")),
    }
}

/// A whole number of the flag's type, said in Chinese when it is not one (clap's own parsers
/// answer in English).
fn whole<T: std::str::FromStr>(text: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("“{text}”不是整数，或超出了可用的范围"))
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// 每条问题输出一行 JSON（键：level, code, unit, file, sheet, row, column, field, value, message, action）
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// 报表输出文件夹，默认 reports/
    #[arg(
        long,
        value_name = "DIR",
        default_value = "reports",
        hide_default_value = true
    )]
    pub out: PathBuf,
    /// 为每个有问题或未达标的单位生成 反馈/<单位名称>.xlsx
    #[arg(long)]
    pub feedback: bool,
    /// 并行读取的线程数，默认为全部核心
    #[arg(long, value_name = "N", value_parser = parse_jobs)]
    pub jobs: Option<u16>,
    /// 不显示进度和小结
    #[arg(long)]
    pub quiet: bool,
    /// 上年的 汇总_<年度>.json：排名和总览中列出上年完成率、上年排名及变化
    #[arg(long, value_name = "LAST.json")]
    pub compare: Option<PathBuf>,
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
    #[arg(long, value_name = "Y", value_parser = parse_year)]
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
    /// 单位数，默认 40
    #[arg(long, value_name = "N", value_parser = whole::<usize>, default_value_t = 40, hide_default_value = true)]
    pub units: usize,
    /// 年度，默认 2026
    #[arg(long, value_name = "Y", value_parser = whole::<i32>, default_value_t = 2026, hide_default_value = true)]
    pub year: i32,
    /// 随机种子（相同种子生成相同文件），默认 2026
    #[arg(long, value_name = "S", value_parser = whole::<u64>, default_value_t = 2026, hide_default_value = true)]
    pub seed: u64,
    /// 输出文件夹
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

impl Cli {
    /// The process's command line, parsed in Chinese: `huizong help [命令]` is `huizong [命令]
    /// --help`; help and version are printed on stdout (exit 0); a usage error is printed on stderr
    /// as `huizong: <message>` with the usage, and exits 2 (`docs/cli.md#exit-codes`).
    pub fn parse_or_exit() -> Self {
        let args = help_subcommand(std::env::args_os().collect());
        let cmd = command();
        let parsed = cmd
            .clone()
            .try_get_matches_from(&args)
            .and_then(|matches| Cli::from_arg_matches(&matches));
        match parsed {
            Ok(cli) => cli,
            Err(error) => match error.kind() {
                ErrorKind::DisplayHelp
                | ErrorKind::DisplayVersion
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => error.exit(),
                _ => {
                    eprintln!("{}", usage_error(&error, &cmd, &args));
                    std::process::exit(2)
                }
            },
        }
    }
}

/// The command with its Chinese help page: the command list is written here rather than by
/// clap, which would add an English `[alias: …]` to each line.
pub(crate) fn command() -> clap::Command {
    let cmd = Cli::command();
    let mut rows: Vec<(String, String)> = cmd
        .get_subcommands()
        .map(|sub| {
            let names: Vec<&str> = std::iter::once(sub.get_name())
                .chain(sub.get_visible_aliases())
                .collect();
            let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
            (names.join(", "), about)
        })
        .collect();
    rows.push((
        "help".to_string(),
        "显示帮助（huizong help <命令> 即 huizong <命令> --help）".to_string(),
    ));
    let widest = rows.iter().map(|(name, _)| width(name)).max().unwrap_or(0);
    let list: Vec<String> = rows
        .iter()
        .map(|(name, about)| {
            let pad = " ".repeat(widest - width(name));
            format!("  {name}{pad}  {about}")
        })
        .collect();
    let template = format!(
        "{{about-with-newline}}\n用法：{{usage}}\n\n命令：\n{}\n\n选项：\n{{options}}\n\n{}",
        list.join("\n"),
        "例如：\n  huizong 模板 --unit-type 乡镇 --year 2026 --out 乡镇模板.xlsx\n  \
         huizong 校验 2026报送 --year 2026\n  \
         huizong 汇总 2026报送 --year 2026 --out 2026汇总 --feedback",
    );
    cmd.help_template(template)
}

/// The columns `text` takes in a terminal: two for Chinese characters and full-width forms.
fn width(text: &str) -> usize {
    text.chars()
        .map(|c| if c >= '\u{2E80}' { 2 } else { 1 })
        .sum()
}

/// `huizong help` → `huizong --help`, `huizong help run` → `huizong run --help` (clap's own
/// `help` subcommand describes itself in English, so it is turned off).
fn help_subcommand(mut args: Vec<OsString>) -> Vec<OsString> {
    if args.get(1).is_none_or(|arg| arg != "help") {
        return args;
    }
    let topic = args
        .get(2)
        .filter(|arg| {
            arg.to_str()
                .is_none_or(|a| !a.starts_with('-') && a != "help")
        })
        .cloned();
    args.truncate(1);
    args.extend(topic);
    args.push("--help".into());
    args
}

/// A usage error in Chinese, from the context clap gathered: what is wrong, the usage, and where
/// to find the help.
fn usage_error(error: &clap::Error, cmd: &clap::Command, args: &[OsString]) -> String {
    let text = |kind| match error.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join("、")),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        _ => None,
    };
    let arg = text(ContextKind::InvalidArg).unwrap_or_default();
    let value = text(ContextKind::InvalidValue).unwrap_or_default();
    let mut message = match error.kind() {
        ErrorKind::UnknownArgument => format!("不认识的选项或参数“{arg}”"),
        ErrorKind::InvalidSubcommand => {
            let typed = text(ContextKind::InvalidSubcommand).unwrap_or_default();
            match error.get(ContextKind::SuggestedSubcommand) {
                Some(ContextValue::Strings(near)) if !near.is_empty() => format!(
                    "没有“{typed}”这个命令，是否应为“{}”？可用的命令：{}",
                    near.join("”或“"),
                    commands(cmd)
                ),
                _ => format!("没有“{typed}”这个命令；可用的命令：{}", commands(cmd)),
            }
        }
        ErrorKind::MissingSubcommand => format!("缺少命令；可用的命令：{}", commands(cmd)),
        ErrorKind::MissingRequiredArgument => format!("缺少必填的选项：{arg}"),
        ErrorKind::InvalidValue if value.is_empty() => format!("{arg} 后面缺少取值"),
        ErrorKind::InvalidValue => match text(ContextKind::ValidValue) {
            Some(valid) => format!("{arg} 的取值“{value}”无效，可用的取值：{valid}"),
            None => format!("{arg} 的取值“{value}”无效"),
        },
        ErrorKind::ValueValidation => match std::error::Error::source(error) {
            Some(why) => format!("{arg} 的取值无效：{why}"),
            None => format!("{arg} 的取值“{value}”无效"),
        },
        ErrorKind::ArgumentConflict => match text(ContextKind::PriorArg) {
            Some(prior) if prior != arg => format!("{arg} 不能与 {prior} 同时使用"),
            _ => format!("{arg} 只能写一次"),
        },
        ErrorKind::TooManyValues => format!("{arg} 多出了取值“{value}”"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("{arg} 的取值个数不对")
        }
        ErrorKind::NoEquals => format!("{arg} 的取值须用 = 连写（如 {arg}=值）"),
        ErrorKind::InvalidUtf8 => "命令行中有无法识别的字符（不是 UTF-8 编码）".to_string(),
        _ => {
            let english = error.to_string();
            let first = english.lines().next().unwrap_or_default();
            format!("命令行有误：{}", first.trim_start_matches("error: "))
        }
    };
    if let Some(suggestion) =
        text(ContextKind::SuggestedArg).or_else(|| text(ContextKind::SuggestedValue))
    {
        message.push_str(&format!("，是否应为“{suggestion}”？"));
    }
    if let Some(ContextValue::StyledStrs(tips)) = error.get(ContextKind::Suggested) {
        for tip in tips
            .iter()
            .filter_map(|tip| tip_in_chinese(&tip.to_string()))
        {
            message.push_str(&format!("\n  提示：{tip}"));
        }
    }
    let mut out = format!("huizong: {message}");
    if let Some(usage) = text(ContextKind::Usage) {
        let usage = usage.trim_start_matches("Usage:").trim_start();
        out.push_str(&format!("\n\n用法：{usage}"));
    }
    out.push_str(&format!("\n\n查看帮助：{} --help", help_target(cmd, args)));
    out
}

/// `run（汇总）、check（校验）…` for an error about the command.
fn commands(cmd: &clap::Command) -> String {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|sub| {
            let aliases: Vec<&str> = sub.get_visible_aliases().collect();
            if aliases.is_empty() {
                sub.get_name().to_string()
            } else {
                format!("{}（{}）", sub.get_name(), aliases.join("、"))
            }
        })
        .collect();
    names.join("、")
}

/// clap's tips, which are English, in Chinese; a tip this does not know is left out.
fn tip_in_chinese(tip: &str) -> Option<String> {
    let quoted: Vec<&str> = tip.split('\'').skip(1).step_by(2).collect();
    if tip.starts_with("to pass ") {
        let (value, instead) = (quoted.first()?, quoted.get(1)?);
        Some(format!(
            "若“{value}”是要读取的文件或文件夹，请写成 {instead}"
        ))
    } else if tip.starts_with("subcommand ") {
        Some(format!(
            "“{}”是命令名，去掉它前面的 -- 即可",
            quoted.first()?
        ))
    } else if tip.ends_with("' exists") {
        Some(format!("{} 有这个选项", quoted.first()?))
    } else {
        None
    }
}

/// `huizong` or `huizong <命令>` as the user typed the command (`汇总` or `run`).
fn help_target(cmd: &clap::Command, args: &[OsString]) -> String {
    let typed = args
        .iter()
        .skip(1)
        .filter_map(|arg| arg.to_str())
        .find(|arg| !arg.starts_with('-'));
    let known = typed.filter(|typed| {
        cmd.get_subcommands().any(|sub| {
            sub.get_name() == *typed || sub.get_all_aliases().any(|alias| alias == *typed)
        })
    });
    match known {
        Some(sub) => format!("huizong {sub}"),
        None => "huizong".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_is_well_formed() {
        command().debug_assert();
    }

    /// Defaults are hidden from clap (it writes `[default: …]`), so each flag's text says its own.
    #[test]
    fn every_default_is_said_in_its_flags_text() {
        let cmd = command();
        for sub in cmd.get_subcommands() {
            for arg in sub.get_arguments() {
                for default in arg.get_default_values() {
                    let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
                    let default = default.to_string_lossy();
                    assert!(
                        help.contains(&format!("默认 {default}")),
                        "{} --{}: {help}",
                        sub.get_name(),
                        arg.get_id()
                    );
                }
            }
        }
    }

    #[test]
    fn help_as_a_subcommand_is_the_help_flag() {
        let args = |list: &[&str]| -> Vec<OsString> { list.iter().map(OsString::from).collect() };
        assert_eq!(
            help_subcommand(args(&["huizong", "help"])),
            args(&["huizong", "--help"])
        );
        assert_eq!(
            help_subcommand(args(&["huizong", "help", "汇总"])),
            args(&["huizong", "汇总", "--help"])
        );
        assert_eq!(
            help_subcommand(args(&["huizong", "run", "help"])),
            args(&["huizong", "run", "help"])
        );
    }

    #[test]
    fn chinese_is_two_columns_wide() {
        assert_eq!(width("run, 汇总"), 9);
    }
}
