//! Accepted data: a typed value per schema field and the record that carries them. This module
//! owns the value representation every later stage (aggregation, rules, reports) reads; it must
//! not know how a value was spelled in the file — coercion does that.

use chrono::{Datelike, NaiveDate};
use compact_str::CompactString;
use std::fmt;
use std::sync::Arc;

/// One typed field value. Enum fields hold their canonical allowed value as `Text`.
///
/// A text of up to 24 bytes (eight Chinese characters: a form of study, a kind, an enum value,
/// most names and remarks) is kept inline, not on the heap: hundreds of thousands of records are
/// kept for the reports, and each heap text was one more allocation while reading and one more
/// cache miss each time a later stage read it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Value {
    #[default]
    Null,
    Text(CompactString),
    Int(i64),
    Bool(bool),
    Date(NaiveDate),
    /// A date typed without its year (`3月5日`), read before the report year is known. Resolving
    /// units makes it a `Date` in the report year or rejects its row: no resolved record holds
    /// one.
    MonthDay(u8, u8),
    /// The values of a multi-valued field (`multiple = true`), in the order written, each once.
    List(Box<[Value]>),
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
            Value::Text(s) => Some(s.as_str()),
            _ => None,
        }
    }

    /// The single values: a list's items, or the value itself (none for an empty one).
    pub fn items(&self) -> &[Value] {
        match self {
            Value::List(items) => items,
            Value::Null => &[],
            one => std::slice::from_ref(one),
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
            Value::MonthDay(m, d) => write!(f, "{m}月{d}日"),
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str("、")?;
                    }
                    write!(f, "{item}")?;
                }
                Ok(())
            }
            Value::Date(d) => match iso_date(*d) {
                Some(day) => f.write_str(&day),
                None => write!(f, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
            },
        }
    }
}

/// `YYYY-MM-DD` for years 0–9999 (`None` outside them), without the formatting machinery: the
/// detail CSVs write hundreds of thousands of dates.
pub(crate) fn iso_date(d: NaiveDate) -> Option<IsoDate> {
    let year = u32::try_from(d.year()).ok().filter(|y| *y <= 9999)?;
    let digit = |n: u32| b'0' + (n % 10) as u8;
    let (m, day) = (d.month(), d.day());
    Some(IsoDate([
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
        b'-',
        digit(m / 10),
        digit(m),
        b'-',
        digit(day / 10),
        digit(day),
    ]))
}

/// A date's ten ASCII bytes, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IsoDate([u8; 10]);

impl std::ops::Deref for IsoDate {
    type Target = str;

    fn deref(&self) -> &str {
        // Only ASCII digits and dashes are ever stored.
        std::str::from_utf8(&self.0).unwrap_or_default()
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
    /// Name of the unit after roster resolution (or as written, before it: empty unless the
    /// sheet has a 单位名称 column). Shared by every record of the unit: hundreds of thousands of
    /// records would otherwise each hold a copy.
    pub unit: Arc<str>,
    /// 0-based row in the source sheet.
    pub row: u32,
    /// The value of the sheet's date field when it is a date, kept beside the values as well:
    /// the year check of every record then reads the record only, not its values (scattered
    /// over the heap, a cache miss each). Fits the record's padding.
    pub date: Option<NaiveDate>,
    pub values: Vec<Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The date kept beside the values costs a record no room: it fits the padding.
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn a_record_stays_64_bytes() {
        assert_eq!(std::mem::size_of::<Record>(), 64);
    }

    /// A value is three words: a short text's bytes fit where a long one's pointer would be.
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn a_value_is_24_bytes_and_short_texts_are_inline() {
        assert_eq!(std::mem::size_of::<Value>(), 24);
        let Value::Text(form) = Value::Text("理论学习中心组".into()) else {
            unreachable!()
        };
        assert!(!form.is_heap_allocated());
        let long = Value::Text("学习《中华人民共和国保守国家秘密法》".into());
        assert_eq!(long.as_text(), Some("学习《中华人民共和国保守国家秘密法》"));
    }

    /// The hand-made `YYYY-MM-DD` is what the formatting machinery writes, for every day of the
    /// years that occur and at the edges of the four-digit years.
    #[test]
    fn iso_dates_match_formatted_dates() {
        let formatted = |d: NaiveDate| format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
        let mut d = NaiveDate::from_ymd_opt(1899, 12, 1).unwrap();
        while d.year() < 2101 {
            assert_eq!(&*iso_date(d).unwrap(), formatted(d));
            d = d.succ_opt().unwrap();
        }
        for (y, m, day) in [(0, 1, 1), (7, 2, 3), (999, 12, 31), (9999, 12, 31)] {
            let d = NaiveDate::from_ymd_opt(y, m, day).unwrap();
            assert_eq!(&*iso_date(d).unwrap(), formatted(d));
            assert_eq!(Value::Date(d).to_string(), formatted(d));
        }
        for y in [-1, 10_000] {
            let d = NaiveDate::from_ymd_opt(y, 1, 1).unwrap();
            assert!(iso_date(d).is_none());
            assert_eq!(Value::Date(d).to_string(), formatted(d));
        }
    }
}
