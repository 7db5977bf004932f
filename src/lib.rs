//! huizong (汇总): reads every unit's ledger workbook, validates each row against a declarative
//! schema, totals and ranks them, and writes the year-end summary. The library is a chain of
//! typed stages, declared below in the order a run takes them (ARCHITECTURE.md has the map; the
//! behaviour is documented in docs/). Only `ingest` (reading) and `report` (writing) touch the
//! file system.
//!
//! ```text
//!  cli ─► settings ─► ingest::discover ─► Vec<Source>
//!                       │  (on every core, one file each)
//!                       ▼
//!            examine: ingest::parse ─► locate ─► info ─► validate ─► FileOutcome
//!                       │  (once every file is read)
//!                       ▼
//!            resolve (roster, duplicates, year) ─► pipeline::check ─► Checked
//!                       ▼
//!            aggregate (polars) ─► Frames ─► evaluate ─► Scorecard
//!                       ▼
//!            report::build ─► ReportModel ─► report::write_all ─► .xlsx .json .csv
//! ```
//!
//! Shared by every stage: `outcome` (the values passed between stages), `issue` (what was found
//! and its code), `error` (what stops the tool), `io_error` (why a file could not be read or
//! written, in words), `normalize`, `sheet`, `record`, `schema`.

// What every stage shares.
mod error;
mod io_error;
mod issue;
mod normalize;
mod outcome;
mod record;
mod schema;
mod sheet;
// The stages, in pipeline order.
mod aggregate;
mod cli;
mod coerce;
mod evaluate;
mod examine;
mod info;
mod ingest;
mod last_year;
mod locate;
mod periods;
mod pipeline;
mod report;
mod resolve;
mod roster;
mod settings;
mod validate;
// The other commands, and the commands themselves.
mod cmd;
mod stages;
mod template;

// The binary's entry points.
pub use cli::Cli;
pub use cmd::dispatch;
pub use error::{Error, Result};
pub use ingest::install_panic_hook;

// The stages, for the integration tests that drive them one by one.
pub use coerce::coerce;
pub use examine::examine;
pub use issue::{Issue, Level};
pub use locate::find_header;
pub use outcome::{Checked, Fate, FileOutcome, Source};
pub use pipeline::check;
pub use schema::{Schema, load as load_schema, parse as parse_schema};
pub use settings::Settings;
pub use sheet::{Cell, RawSheet};
pub use validate::{Context, validate_sheet};
