//! Flags become settings here, once (`docs/cli.md`): the schema is loaded, the input paths, the
//! roster and `--out` are checked, and every value a stage needs (`--year`, `--max-cells`,
//! `--jobs`, the folders the search leaves out, …) is carried in one struct handed down. Nothing
//! below reads a flag or a global. It must not read any input file but the schema, nor create
//! anything.

use crate::cli::{CheckArgs, InputArgs, RunArgs, TemplateArgs};
use crate::error::{Error, Result};
use crate::schema::{self, Schema};
use crate::template::TemplateOptions;
use chrono::{Datelike, NaiveDate};
use std::path::{Path, PathBuf};

pub(crate) const DEFAULT_SCHEMA: &str = "schemas/ideology_work.toml";
pub(crate) const DEFAULT_INPUT: &str = "samples";

/// The built-in copy of the default schema, used when `schemas/ideology_work.toml` is not beside
/// the working directory (the binary run from elsewhere).
const BUILTIN_SCHEMA: &str = include_str!("../schemas/ideology_work.toml");

/// What reading and checking the inputs needs: the first half of `check` and `run`.
#[derive(Debug, Clone)]
pub struct Settings {
    pub schema: Schema,
    pub inputs: Vec<PathBuf>,
    /// `--roster`. Without it, a file named 名册.* or roster.* among the inputs is the roster.
    pub roster: Option<PathBuf>,
    /// `--year`; without it the report year is decided once every file is read.
    pub year: Option<i32>,
    /// `--as-of`: the date the year is judged as of. Without it, the year's last day once it has
    /// passed, else `today`.
    pub as_of: Option<NaiveDate>,
    /// Today, read once here: from `HUIZONG_TODAY` (`2026-07-05`) when set, so that tests never
    /// depend on the machine's clock, else from the clock.
    pub today: NaiveDate,
    /// Most non-empty cells read from one sheet (at least 1).
    pub max_cells: usize,
    /// Worker threads for every parallel stage; 0 is one per core.
    pub jobs: usize,
    /// No progress bar and no closing summary.
    pub quiet: bool,
    /// The run makes a 未报送 list, so a run without a roster is told (with a 警告) that it cannot.
    pub expects_roster: bool,
    /// Folders inside the inputs that are not searched (with one 提示 each, said by the run, not
    /// by the search): the run's own `--out` (canonical).
    pub leave_out: Vec<PathBuf>,
}

/// `huizong run`.
#[derive(Debug, Clone)]
pub(crate) struct RunSettings {
    pub read: Settings,
    pub out: PathBuf,
    pub feedback: bool,
    /// Last year's summary (`--compare`), read before anything else.
    pub last_year: Option<crate::last_year::LastYear>,
}

/// `huizong check`.
#[derive(Debug, Clone)]
pub(crate) struct CheckSettings {
    pub read: Settings,
    pub json: bool,
}

/// `huizong template`.
#[derive(Debug, Clone)]
pub(crate) struct TemplateSettings {
    pub schema: Schema,
    pub options: TemplateOptions,
    pub out: PathBuf,
}

impl Settings {
    /// A run over `inputs` with the defaults of every flag.
    pub fn new(schema: Schema, inputs: Vec<PathBuf>) -> Self {
        Settings {
            schema,
            inputs,
            roster: None,
            year: None,
            as_of: None,
            today: today(),
            max_cells: crate::ingest::limits::DEFAULT_MAX_CELLS,
            jobs: 0,
            quiet: false,
            expects_roster: false,
            leave_out: Vec::new(),
        }
    }

    fn from_input(input: &InputArgs) -> Result<Self> {
        let inputs = if input.inputs.is_empty() {
            vec![PathBuf::from(DEFAULT_INPUT)]
        } else {
            input.inputs.clone()
        };
        for path in &inputs {
            if !path.exists() {
                return Err(Error::Usage(format!("输入路径不存在：{}", path.display())));
            }
        }
        if let Some(roster) = &input.roster
            && !roster.is_file()
        {
            return Err(Error::Usage(format!(
                "名册文件不存在：{}",
                roster.display()
            )));
        }
        if let (Some(as_of), Some(year)) = (input.as_of, input.year)
            && as_of.year() != year
        {
            return Err(Error::Usage(format!(
                "--as-of {as_of} 不在考核年度 {year} 年内"
            )));
        }
        Ok(Settings {
            roster: input.roster.clone(),
            year: input.year,
            as_of: input.as_of,
            max_cells: input.max_cells.max(1),
            ..Settings::new(load_schema(input.schema.as_deref())?, inputs)
        })
    }

    /// Runs `work` on a thread pool of `jobs` threads: the one pool every parallel stage uses.
    pub fn install<R: Send>(&self, work: impl FnOnce() -> R + Send) -> Result<R> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(self.jobs)
            .build()?;
        Ok(pool.install(work))
    }
}

impl RunSettings {
    pub(crate) fn from_args(args: &RunArgs) -> Result<Self> {
        let mut read = Settings::from_input(&args.input)?;
        read.jobs = args.jobs.map_or(0, usize::from);
        read.quiet = args.quiet;
        read.expects_roster = true;
        read.leave_out = check_out(&args.out, &read.inputs)?;
        let last_year = (args.compare.as_deref())
            .map(crate::last_year::LastYear::load)
            .transpose()?;
        Ok(RunSettings {
            read,
            out: args.out.clone(),
            feedback: args.feedback,
            last_year,
        })
    }
}

impl CheckSettings {
    pub(crate) fn from_args(args: &CheckArgs) -> Result<Self> {
        Ok(CheckSettings {
            read: Settings::from_input(&args.input)?,
            json: args.json,
        })
    }
}

impl TemplateSettings {
    pub(crate) fn from_args(args: &TemplateArgs) -> Result<Self> {
        let schema = load_schema(args.schema.as_deref())?;
        if let Some(t) = &args.unit_type
            && !schema.unit_types.contains(t)
        {
            return Err(Error::Usage(format!(
                "单位类型“{t}”不在方案的单位类型中（{}）",
                schema.unit_types.join("、")
            )));
        }
        if args
            .out
            .extension()
            .is_none_or(|e| !e.eq_ignore_ascii_case("xlsx"))
        {
            return Err(Error::Usage("--out 须为 .xlsx 文件".into()));
        }
        Ok(TemplateSettings {
            schema,
            options: TemplateOptions {
                unit_type: args.unit_type.clone(),
                unit: args.unit.clone(),
                year: args.year,
                example: args.example,
            },
            out: args.out.clone(),
        })
    }
}

/// Today: `HUIZONG_TODAY` when it holds a date, else the clock's.
fn today() -> NaiveDate {
    std::env::var("HUIZONG_TODAY")
        .ok()
        .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// Checks `--out` before anything is read, creating nothing: it must be a folder or not exist
/// yet, the folder it goes in must be one that can be written, and it must not be an input folder
/// (the reports would mix with the submissions). Returns it when it lies inside an input folder,
/// where the search must leave it out (`docs/cli.md#run`).
fn check_out(out: &Path, inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let refuse = |why: String| Err(Error::Usage(format!("--out {}：{why}", out.display())));
    if out.exists() && !out.is_dir() {
        return refuse("已存在且不是文件夹，请另选报表文件夹".into());
    }
    let full = match resolve_path(out) {
        Ok(full) => full,
        Err(why) => return refuse(why),
    };
    // The reports are made beside `--out` and then moved into it: both must be writable.
    let beside = full.parent().unwrap_or(&full);
    for folder in [beside, &full] {
        if let Some(why) = unwritable(folder) {
            return refuse(why);
        }
    }
    let mut inside = false;
    for input in inputs.iter().filter(|p| p.is_dir()) {
        let Ok(input_full) = input.canonicalize() else {
            continue;
        };
        if input_full == full {
            return refuse(format!(
                "与输入文件夹 {} 相同，报表会与报送文件混在一起；请另选报表文件夹",
                input.display()
            ));
        }
        inside |= full.starts_with(&input_full);
    }
    Ok(if inside { vec![full] } else { Vec::new() })
}

/// `path` made absolute with every link resolved, though its last folders may not exist yet
/// (those are taken as written); why not when a folder on the way is a file.
fn resolve_path(path: &Path) -> std::result::Result<PathBuf, String> {
    let absolute = std::path::absolute(path).map_err(|e| format!("无法解析路径：{e}"))?;
    let existing = (absolute.ancestors())
        .find(|a| a.exists())
        .unwrap_or(Path::new("/"));
    if !existing.is_dir() {
        return Err(format!(
            "{} 不是文件夹，无法在其中创建报表文件夹",
            existing.display()
        ));
    }
    let mut full = existing
        .canonicalize()
        .map_err(|e| format!("无法解析路径：{e}"))?;
    let rest = absolute.strip_prefix(existing).unwrap_or(Path::new(""));
    for part in rest.components() {
        match part {
            std::path::Component::ParentDir => {
                full.pop();
            }
            std::path::Component::Normal(name) => full.push(name),
            _ => {}
        }
    }
    Ok(full)
}

/// Why the nearest existing folder at or above `folder` cannot be written in, if it cannot.
fn unwritable(folder: &Path) -> Option<String> {
    let existing = folder.ancestors().find(|a| a.exists())?;
    #[cfg(target_os = "linux")]
    let denied = {
        use rustix::fs::{Access, access};
        access(existing, Access::WRITE_OK | Access::EXEC_OK).is_err()
    };
    #[cfg(not(target_os = "linux"))]
    let denied = std::fs::metadata(existing).is_ok_and(|m| m.permissions().readonly());
    denied.then(|| format!("没有在 {} 中写入的权限", existing.display()))
}

/// Loads `--schema`, else the default file, else the built-in copy of it.
pub(crate) fn load_schema(path: Option<&Path>) -> Result<Schema> {
    Ok(match path {
        Some(path) => schema::load(path)?,
        None if Path::new(DEFAULT_SCHEMA).exists() => schema::load(Path::new(DEFAULT_SCHEMA))?,
        None => schema::parse(BUILTIN_SCHEMA, "（内置）ideology_work.toml")?,
    })
}
