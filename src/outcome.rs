//! The values that pass from one stage to the next: what discovery found (`Source`), what reading
//! one file produced (`FileOutcome` with its `SheetOutcome`s and `UnitInfo`), what resolution made
//! of the units (`UnitStatus`), and the reconciliation (`Totals`). Every stage imports its input
//! and output types from here, so no stage needs to import another to name what it is handed.
//! This module holds data and small accessors only; it must not import any stage.

use crate::issue::{Issue, Kind, Level, action};
use crate::record::{Record, Value};
use chrono::NaiveDate;
use std::path::PathBuf;
use std::time::SystemTime;

/// An input file found on disk.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    /// Path relative to the input folder, `/`-separated: how files are named in every report.
    pub rel: String,
    pub size: u64,
    pub modified: Option<SystemTime>,
}

/// A format huizong reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
    Csv,
}

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xlsb => "xlsb",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Csv => "csv",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub name: String,
    pub unit_type: String,
    pub aliases: Vec<String>,
}

/// What a workbook says about itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UnitInfo {
    pub name: Option<String>,
    pub unit_type: Option<String>,
    pub year: Option<i32>,
    pub filed: Option<NaiveDate>,
    /// The schema version stamped by `huizong template`, when present.
    pub schema_version: Option<String>,
    /// Every info field's value, in schema order.
    pub values: Vec<Value>,
}

/// The header row of a ledger sheet and what each column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// 0-based row index of the header.
    pub row: u32,
    /// For each schema field, the column holding it.
    pub columns: Vec<Option<u32>>,
    /// The `单位名称` column of a multi-unit sheet.
    pub unit_column: Option<u32>,
    /// Header cells that name no field: (column, text).
    pub extras: Vec<(u32, String)>,
}

/// What validating one sheet produced.
#[derive(Debug, Clone)]
pub struct SheetOutcome {
    /// Index of the schema sheet.
    pub spec: usize,
    pub sheet_name: String,
    pub header: Header,
    pub data_rows: u32,
    pub rejected_rows: u32,
    /// Accepted rows; `unit` holds the row's 单位名称 on a multi-unit sheet, else "". Resolution
    /// then drops the rows whose unit or date it refuses and gives the others their unit.
    pub records: Vec<Record>,
    /// The date as typed (row, text) for the accepted rows whose date was not a date cell and
    /// whose year is not the file's: the rows the year check may refuse, whose issue then shows
    /// the value as the clerk typed it (`2025/12/28`), not as it was read. In row order.
    pub typed_dates: Vec<(u32, String)>,
    /// Some accepted value is a month-day date waiting for the report year (`Value::MonthDay`).
    pub undated: bool,
    pub issues: Vec<Issue>,
}

/// What became of an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    Read,
    Skipped(String),
    Failed(String),
    Superseded(String),
    /// A second way to a file already found, or the same content under another name: the
    /// first's name. Counted with the superseded files.
    Duplicate(String),
}

impl Fate {
    pub fn label(&self) -> String {
        match self {
            Fate::Read => "已读取".into(),
            Fate::Skipped(why) => format!("已跳过：{why}"),
            Fate::Failed(why) => format!("无法读取：{why}"),
            Fate::Superseded(by) => format!("已被较新报送替代：{by}"),
            Fate::Duplicate(first) => format!("与已读取文件重复：{first}"),
        }
    }
}

/// Everything one file produced.
#[derive(Debug, Clone)]
pub struct FileOutcome {
    pub source: Source,
    pub sha256: Option<String>,
    pub format: Option<Format>,
    pub fate: Fate,
    pub info: Option<UnitInfo>,
    /// The workbook speaks for one unit (it has an info sheet or a ledger without 单位名称).
    pub own_unit: bool,
    pub sheets: Vec<SheetOutcome>,
    /// File- and sheet-level issues (row issues live in `sheets`).
    pub issues: Vec<Issue>,
    /// The unit after roster resolution.
    pub unit: Option<usize>,
}

impl FileOutcome {
    pub fn new(source: &Source, fate: Fate) -> Self {
        FileOutcome {
            source: source.clone(),
            sha256: None,
            format: None,
            fate,
            info: None,
            own_unit: false,
            sheets: Vec::new(),
            issues: Vec::new(),
            unit: None,
        }
    }

    /// A file not read, with the 提示 that says why (`已跳过：…`).
    pub fn skipped(source: &Source, why: String) -> Self {
        let mut out = FileOutcome::new(source, Fate::Skipped(why.clone()));
        out.issues.push(Issue::new(
            Level::Notice,
            &source.rel,
            Kind::FileSkipped { why },
            action::FILE_SKIPPED,
        ));
        out
    }

    /// A file that could not be read, with the 错误 that says why.
    pub fn failed(source: &Source, why: String, sha256: Option<String>) -> Self {
        let mut out = FileOutcome::new(source, Fate::Failed(why.clone()));
        out.sha256 = sha256;
        out.issues.push(Issue::new(
            Level::Error,
            &source.rel,
            Kind::FileUnreadable { why },
            action::FILE_SKIPPED,
        ));
        out
    }

    pub fn data_rows(&self) -> u32 {
        self.sheets.iter().map(|s| s.data_rows).sum()
    }

    /// The file's records: after resolution, those accepted, in sheet and row order.
    pub fn records(&self) -> impl Iterator<Item = &Record> {
        self.sheets.iter().flat_map(|s| &s.records)
    }
}

/// Reconciliation counts, printed every run.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Totals {
    pub files_found: usize,
    pub files_read: usize,
    pub files_skipped: usize,
    pub files_failed: usize,
    /// Superseded by a newer submission, or a copy of a file counted (`Fate::Duplicate`).
    pub files_superseded: usize,
    pub rows_read: u64,
    pub rows_accepted: u64,
    pub rows_rejected: u64,
}

/// The checked input: accepted records, every issue, the units and the totals.
#[derive(Debug, Clone)]
pub struct Checked {
    pub year: i32,
    /// The date the year is judged as of; no accepted record is dated after it.
    pub as_of: NaiveDate,
    /// Every file, its accepted records with it (see `records`).
    pub files: Vec<FileOutcome>,
    pub issues: Vec<Issue>,
    pub units: Vec<UnitStatus>,
    pub roster: Option<PathBuf>,
    pub totals: Totals,
}

impl Checked {
    /// Every accepted record, file by file in file order, each file's in sheet and row order.
    pub fn records(&self) -> impl Iterator<Item = &Record> {
        self.files.iter().flat_map(FileOutcome::records)
    }

    /// The accepted records of schema sheet `sheet`, in the order of `records`.
    pub fn records_of(&self, sheet: usize) -> impl Iterator<Item = &Record> {
        (self.files.iter().flat_map(|f| &f.sheets))
            .filter(move |s| s.spec == sheet)
            .flat_map(|s| &s.records)
    }
}

/// Whether and how a unit submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Submission {
    #[serde(rename = "已报送")]
    Submitted,
    #[serde(rename = "未报送")]
    Missing,
    #[serde(rename = "报送文件无法读取")]
    Unreadable,
    /// Submitted, but its type cannot be told: listed, not judged.
    #[serde(rename = "单位类型不明，未考核")]
    Untyped,
}

impl Submission {
    pub fn label(self) -> &'static str {
        match self {
            Submission::Submitted => "已报送",
            Submission::Missing => "未报送",
            Submission::Unreadable => "报送文件无法读取",
            Submission::Untyped => "单位类型不明，未考核",
        }
    }
}

/// A unit with its submission status.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitStatus {
    pub unit: Unit,
    pub status: Submission,
    /// Whether the unit comes from a roster (without one, units are those that submitted).
    pub in_roster: bool,
    /// Why a unit counted as not submitted did not count, when a file of it was rejected: its
    /// name was not the roster's, or its year was not the report year (the 原因 of 未报送单位).
    pub note: Option<String>,
    /// For a unit with no file counted (not submitted, or unreadable): the workbooks rejected for
    /// a name the roster spells otherwise, whose closest roster name is this unit's, in path
    /// order.
    pub misnamed: Vec<String>,
}
