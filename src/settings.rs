//! Flags become settings here, once (`docs/cli.md`): the schema is loaded, the input paths and
//! the roster are checked, and every value a stage needs (`--year`, `--max-cells`, `--jobs`, …) is
//! carried in one struct handed down. Nothing below reads a flag or a global. It must not read
//! any input file but the schema.

use crate::cli::{CheckArgs, InputArgs, RunArgs, TemplateArgs};
use crate::error::{Error, Result};
use crate::schema::{self, Schema};
use crate::template::TemplateOptions;
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
    /// Most non-empty cells read from one sheet (at least 1).
    pub max_cells: usize,
    /// Worker threads for every parallel stage; 0 is one per core.
    pub jobs: usize,
    /// No progress bar and no closing summary.
    pub quiet: bool,
    /// The run makes a 未报送 list, so a run without a roster is told (with a 警告) that it cannot.
    pub expects_roster: bool,
    /// Folders inside the inputs that are not searched, without a word: the run's own `--out`
    /// (canonical).
    pub leave_out: Vec<PathBuf>,
}

/// `huizong run`.
#[derive(Debug, Clone)]
pub(crate) struct RunSettings {
    pub read: Settings,
    pub out: PathBuf,
    pub feedback: bool,
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
        Ok(Settings {
            roster: input.roster.clone(),
            year: input.year,
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
        Ok(RunSettings {
            read,
            out: args.out.clone(),
            feedback: args.feedback,
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

/// Loads `--schema`, else the default file, else the built-in copy of it.
pub(crate) fn load_schema(path: Option<&Path>) -> Result<Schema> {
    Ok(match path {
        Some(path) => schema::load(path)?,
        None if Path::new(DEFAULT_SCHEMA).exists() => schema::load(Path::new(DEFAULT_SCHEMA))?,
        None => schema::parse(BUILTIN_SCHEMA, "（内置）ideology_work.toml")?,
    })
}
