//! huizong (汇总): reads every unit's ledger workbook, validates each row against a declarative
//! schema, totals and ranks them, and writes the year-end summary. The library is a chain of
//! typed stages (see `pipeline`); only `ingest` and `report` touch the file system.

pub mod aggregate;
pub mod cli;
pub mod cmd;
pub mod coerce;
pub mod error;
pub mod evaluate;
pub mod examine;
pub mod info;
pub mod ingest;
pub mod issue;
pub mod locate;
pub mod normalize;
pub mod outcome;
pub mod pipeline;
pub mod record;
pub mod report;
pub mod resolve;
pub mod roster;
pub mod schema;
pub mod settings;
pub mod sheet;
pub mod stages;
pub mod template;
pub mod validate;
