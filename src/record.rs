//! Accepted data: a typed value per schema field and the record that carries them. This module
//! owns the value representation every later stage (aggregation, rules, reports) reads; it must
//! not know how a value was spelled in the file — coercion does that.

use chrono::{Datelike, NaiveDate};
use std::fmt;

/// One typed field value. Enum fields hold their canonical allowed value as `Text`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Value {
    #[default]
    Null,
    Text(String),
    Int(i64),
    Bool(bool),
    Date(NaiveDate),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn as_date(&self) -> Option<NaiveDate> {
        match self {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => Ok(()),
            Value::Text(s) => f.write_str(s),
            Value::Int(i) => write!(f, "{i}"),
            Value::Bool(true) => f.write_str("是"),
            Value::Bool(false) => f.write_str("否"),
            Value::Date(d) => write!(f, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
        }
    }
}

/// One accepted ledger row: which schema sheet, where it came from, and a value per schema field
/// (in schema field order).
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Index of the schema sheet.
    pub sheet: usize,
    /// Index of the source file in the run's file list (set when units are resolved).
    pub file: usize,
    /// Name of the unit after roster resolution (or as written, before it).
    pub unit: String,
    /// 0-based row in the source sheet.
    pub row: u32,
    pub values: Vec<Value>,
}
