//! The errors that stop the tool, each with its exit code (`docs/cli.md#exit-codes`): 2 for how
//! the tool was asked to run (a flag, an input path, the roster, the schema), 1 for anything else
//! that kept it from finishing (a report that could not be written). Problems in the data are
//! never errors: they are `Issue`s, and the run goes on. This module must not print anything.

use crate::roster::RosterError;
use crate::schema::SchemaError;
use std::path::PathBuf;

/// A fatal error.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A flag or input path the tool cannot work with.
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Schema(#[from] SchemaError),
    #[error(transparent)]
    Roster(#[from] RosterError),
    /// A file or folder of the output that could not be written.
    #[error("{what} {}：{}", path.display(), crate::io_error::in_words(source))]
    Output {
        what: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("写入报表出错：{0}")]
    Io(#[from] std::io::Error),
    #[error("生成工作簿出错：{0}")]
    Workbook(#[from] rust_xlsxwriter::XlsxError),
    #[error("汇总计算出错：{0}")]
    Aggregate(#[from] polars::error::PolarsError),
    #[error("写入明细 CSV 出错：{0}")]
    Csv(#[from] csv::Error),
    #[error("写入报表出错：{0}")]
    Format(#[from] std::fmt::Error),
    #[error("写入 JSON 出错：{0}")]
    Json(#[from] serde_json::Error),
    #[error("无法启动工作线程：{0}")]
    Threads(#[from] rayon::ThreadPoolBuildError),
    /// The demo-county generator failed (its own message).
    #[error("生成演示县出错：{0}")]
    Samples(String),
    /// A worker thread ended without its result.
    #[error("{0}")]
    Internal(&'static str),
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) | Error::Schema(_) | Error::Roster(_) => 2,
            _ => 1,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
