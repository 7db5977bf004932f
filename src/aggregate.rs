//! Accepted records as polars DataFrames, one per schema sheet, built once from column vectors;
//! and the counts every later stage needs — per unit × period for a selection of records, per
//! month for the county — computed with polars group-bys. This is the only file that names
//! polars; it must not know what a quota is.

use crate::record::{Record, Value};
use crate::schema::{Condition, FieldKind, Schema, SheetSpec};
use chrono::{Datelike, NaiveDate};
use polars::prelude::*;
use rayon::prelude::*;
use std::collections::HashMap;

/// Internal column names; field names are used as they are for the fields.
pub(crate) const UNIT: &str = "_单位";
pub(crate) const FILE: &str = "_文件";
pub(crate) const ROW: &str = "_行";
/// The unit as a number (its order of first record), for group-bys that need no strings.
const UNIT_ID: &str = "_单位号";
const MONTH: &str = "_月";
const DAY: &str = "_日";
const WEEK: &str = "_周";
/// What joins the values of a multi-valued field in its column (as `Value`'s display does).
const LIST_JOINER: char = '、';

/// The accepted records of every schema sheet.
#[derive(Debug, Clone)]
pub(crate) struct Frames {
    pub sheets: Vec<DataFrame>,
    /// Every unit with a record → its `_单位号`, numbered in order of first record.
    unit_ids: HashMap<String, u32>,
}

impl Frames {
    /// How many units have a record (their numbers are `0..unit_count()`).
    pub(crate) fn unit_count(&self) -> usize {
        self.unit_ids.len()
    }

    /// A unit's number in the frames' unit columns; `None` when it has no record.
    pub(crate) fn unit_id(&self, unit: &str) -> Option<u32> {
        self.unit_ids.get(unit).copied()
    }
}

/// Which field columns the frames carry, per schema sheet and field: with the `parquet` feature
/// every field (each is written out); else only the fields the counts read — those in a rule's or
/// a flag's conditions, and `breakdowns` (fields the reports count by value). The others (topics,
/// remarks) would only be copied into columns nobody reads.
pub(crate) fn counted_fields(schema: &Schema, breakdowns: &[&str]) -> Vec<Vec<bool>> {
    let mut keep: Vec<Vec<bool>> = schema
        .sheets
        .iter()
        .map(|spec| {
            spec.fields
                .iter()
                .map(|f| cfg!(feature = "parquet") || breakdowns.contains(&f.name.as_str()))
                .collect()
        })
        .collect();
    let mut read = |sheet: usize, field: usize| {
        if let Some(slot) = keep.get_mut(sheet).and_then(|k| k.get_mut(field)) {
            *slot = true;
        }
    };
    for rule in &schema.rules {
        rule.conditions
            .iter()
            .for_each(|c| read(rule.sheet, c.field));
        rule.date_field
            .into_iter()
            .for_each(|f| read(rule.sheet, f));
    }
    for flag in &schema.flags {
        let pending = flag.pending.iter().flat_map(|p| &p.conditions);
        flag.conditions
            .iter()
            .chain(pending)
            .for_each(|c| read(flag.sheet, c.field));
    }
    for tally in &schema.tallies {
        tally.sums.iter().for_each(|&f| read(tally.sheet, f));
    }
    keep
}

/// Builds one DataFrame per schema sheet, with the field columns `keep` marks (see
/// `counted_fields`). `files` names each record's file; `year` is the report year, for the
/// ISO-week column (weeks of a neighbouring ISO year are null).
pub(crate) fn frames<'a>(
    schema: &Schema,
    records: impl IntoIterator<Item = &'a Record>,
    files: &[String],
    year: i32,
    keep: &[Vec<bool>],
) -> PolarsResult<Frames> {
    let mut by_sheet: Vec<Vec<&Record>> = vec![Vec::new(); schema.sheets.len()];
    let mut unit_ids: HashMap<String, u32> = HashMap::new();
    let mut ids: Vec<Vec<u32>> = vec![Vec::new(); schema.sheets.len()];
    // A file's records follow each other: the last unit's number is usually the one wanted.
    let mut last: Option<(&str, u32)> = None;
    for r in records {
        let id = match last {
            Some((unit, id)) if unit == &*r.unit => id,
            _ => match unit_ids.get(&*r.unit) {
                Some(&id) => id,
                None => {
                    let id = unit_ids.len() as u32;
                    unit_ids.insert(r.unit.to_string(), id);
                    id
                }
            },
        };
        last = Some((&r.unit, id));
        by_sheet[r.sheet].push(r);
        ids[r.sheet].push(id);
    }
    let sheets = schema
        .sheets
        .par_iter()
        .zip(by_sheet)
        .zip(ids)
        .enumerate()
        .map(|(i, ((spec, recs), ids))| {
            let keep = keep.get(i).map_or(&[][..], Vec::as_slice);
            frame(spec, &recs, ids, files, year, keep)
        })
        .collect::<PolarsResult<_>>()?;
    Ok(Frames { sheets, unit_ids })
}

fn frame(
    spec: &SheetSpec,
    records: &[&Record],
    unit_ids: Vec<u32>,
    files: &[String],
    year: i32,
    keep: &[bool],
) -> PolarsResult<DataFrame> {
    let height = records.len();
    let mut columns: Vec<Column> = vec![
        Column::new(UNIT_ID.into(), unit_ids),
        Column::new(
            ROW.into(),
            records.iter().map(|r| r.row + 1).collect::<Vec<u32>>(),
        ),
    ];
    // Unit and file names as text are only written out (as Parquet); the counts use the unit's
    // number.
    if cfg!(feature = "parquet") {
        columns.push(Column::new(
            UNIT.into(),
            records.iter().map(|r| &*r.unit).collect::<Vec<_>>(),
        ));
        columns.push(Column::new(
            FILE.into(),
            records
                .iter()
                .map(|r| files.get(r.file).map_or("", String::as_str))
                .collect::<Vec<_>>(),
        ));
    }
    // Columns are independent: built on every core.
    let fields = spec
        .fields
        .par_iter()
        .enumerate()
        .filter(|(i, _)| keep.get(*i).copied().unwrap_or(false))
        .map(|(i, field)| -> PolarsResult<Column> {
            let name: PlSmallStr = field.name.as_str().into();
            let values = records.iter().map(|r| &r.values[i]);
            let column = match field.kind {
                FieldKind::String if field.multiple => Column::new(
                    name,
                    values
                        .map(|v| (!v.is_null()).then(|| v.to_string()))
                        .collect::<Vec<_>>(),
                ),
                FieldKind::String => {
                    Column::new(name, values.map(|v| v.as_text()).collect::<Vec<_>>())
                }
                FieldKind::Integer => {
                    Column::new(name, values.map(Value::as_int).collect::<Vec<_>>())
                }
                FieldKind::Boolean => Column::new(
                    name,
                    values
                        .map(|v| match v {
                            Value::Bool(b) => Some(*b),
                            _ => None,
                        })
                        .collect::<Vec<_>>(),
                ),
                FieldKind::Date => Column::new(
                    name,
                    values
                        .map(|v| v.as_date().map(|d| d.to_epoch_days()))
                        .collect::<Vec<_>>(),
                )
                .cast(&DataType::Date)?,
            };
            Ok(column)
        })
        .collect::<PolarsResult<Vec<_>>>()?;
    columns.extend(fields);
    let dates: Vec<Option<NaiveDate>> = records.iter().map(|r| r.date).collect();
    columns.push(Column::new(
        MONTH.into(),
        dates
            .iter()
            .map(|d| d.map(|d| d.month() as i32))
            .collect::<Vec<_>>(),
    ));
    columns.push(Column::new(
        DAY.into(),
        dates
            .iter()
            .map(|d| d.map(|d| d.day() as i32))
            .collect::<Vec<_>>(),
    ));
    columns.push(Column::new(
        WEEK.into(),
        dates
            .iter()
            .map(|d| d.and_then(|d| iso_week_in(d, year)))
            .collect::<Vec<_>>(),
    ));
    DataFrame::new(height, columns)
}

/// The rows of `df` whose fields match every condition, with only the columns the counts use
/// (unit number, month, day, week): copying the text columns would cost more than the
/// counting itself. A field of several values (its column holds them joined by `、`) matches when
/// any of them does.
///
/// With `dated_by` (a rule's own date field, and the year and the date judged), the month, day
/// and week are that field's where it is filled (rows whose date there falls outside the year or
/// after the date judged are left out) and the record's date where it is empty.
pub(crate) fn select(
    df: &DataFrame,
    spec: &SheetSpec,
    conditions: &[Condition],
    dated_by: Option<(usize, i32, NaiveDate)>,
) -> PolarsResult<DataFrame> {
    let mut mask = BooleanChunked::full("mask".into(), true, df.height());
    for condition in conditions {
        let field = &spec.fields[condition.field];
        let column = df.column(&field.name)?;
        let is_one_of = |v: &str| condition.values.iter().any(|c| c.as_text() == Some(v));
        let matched: BooleanChunked = match field.kind {
            FieldKind::String if field.multiple => (column.str()?.iter())
                .map(|v| Some(v.is_some_and(|v| v.split(LIST_JOINER).any(is_one_of))))
                .collect(),
            FieldKind::String => column
                .str()?
                .iter()
                .map(|v| Some(v.is_some_and(is_one_of)))
                .collect(),
            FieldKind::Boolean => column
                .bool()?
                .iter()
                .map(|v| Some(v.is_some_and(|v| condition.values.contains(&Value::Bool(v)))))
                .collect(),
            FieldKind::Integer => column
                .i64()?
                .iter()
                .map(|v| Some(v.is_some_and(|v| condition.values.contains(&Value::Int(v)))))
                .collect(),
            FieldKind::Date => column
                .cast(&DataType::Int32)?
                .i32()?
                .iter()
                .map(|v| {
                    Some(v.is_some_and(|v| {
                        condition
                            .values
                            .iter()
                            .any(|c| c.as_date().map(|d| d.to_epoch_days()) == Some(v))
                    }))
                })
                .collect(),
        };
        mask = &mask & &matched;
    }
    let Some((field, year, as_of)) = dated_by else {
        return df.select([UNIT_ID, MONTH, DAY, WEEK])?.filter(&mask);
    };
    // The rule's own date where given, the record's where not.
    let own = df
        .column(&spec.fields[field].name)?
        .cast(&DataType::Int32)?;
    let (months, days, weeks) = (
        df.column(MONTH)?.i32()?,
        df.column(DAY)?.i32()?,
        df.column(WEEK)?.i32()?,
    );
    let len = df.height();
    let (mut m, mut d, mut w, mut keep) = (
        Vec::with_capacity(len),
        Vec::with_capacity(len),
        Vec::with_capacity(len),
        Vec::with_capacity(len),
    );
    for (i, own) in own.i32()?.iter().enumerate() {
        match own.and_then(NaiveDate::from_epoch_days) {
            Some(date) => {
                let counted = date.year() == year && date <= as_of;
                keep.push(counted);
                m.push(Some(date.month() as i32));
                d.push(Some(date.day() as i32));
                w.push(iso_week_in(date, year));
            }
            None => {
                keep.push(true);
                m.push(months.get(i));
                d.push(days.get(i));
                w.push(weeks.get(i));
            }
        }
    }
    let keep: BooleanChunked = keep.into_iter().map(Some).collect();
    let dated = DataFrame::new(
        len,
        vec![
            df.column(UNIT_ID)?.clone(),
            Column::new(MONTH.into(), m),
            Column::new(DAY.into(), d),
            Column::new(WEEK.into(), w),
        ],
    )?;
    dated.filter(&(&mask & &keep))
}

/// The ISO week of `d` when it belongs to the ISO week-year `year`.
fn iso_week_in(d: NaiveDate, year: i32) -> Option<i32> {
    Some(d)
        .filter(|d| d.year() == year)
        .map(|d| d.iso_week())
        .filter(|w| w.year() == year)
        .map(|w| w.week() as i32)
}

/// How a record's date maps to a period index (`None`: in no period).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Bucket<'a> {
    Year,
    Month,
    /// Months per period: 6 for halves, 3 for quarters.
    Months(i32),
    IsoWeek,
    /// Cut-offs (month, day), ascending.
    Deadlines(&'a [(u32, u32)]),
}

/// Counts the rows of `df` per unit and period into a dense table: `table[unit * periods +
/// period]` for unit numbers below `units` and period indexes below `periods`. Rows with no
/// period are not counted; with `Bucket::Year`, every row counts (period 0).
///
/// Unit numbers and periods are small dense integers, so one pass over the columns counts them;
/// a hash group-by would only add tables to build and, run for every rule at once, memory.
pub(crate) fn count_by_unit(
    df: &DataFrame,
    bucket: Bucket<'_>,
    units: usize,
    periods: usize,
) -> PolarsResult<Vec<u32>> {
    let mut table = vec![0u32; units * periods];
    let ids = df.column(UNIT_ID)?.u32()?;
    let months = df.column(MONTH)?.i32()?;
    let days = df.column(DAY)?.i32()?;
    let weeks = df.column(WEEK)?.i32()?;
    let rows = ids
        .iter()
        .zip(months.iter())
        .zip(days.iter())
        .zip(weeks.iter());
    for (((id, month), day), week) in rows {
        let period = match bucket {
            Bucket::Year => Some(0),
            Bucket::Month => month.map(|m| m - 1),
            Bucket::Months(n) => month.map(|m| (m - 1) / n),
            Bucket::IsoWeek => week.map(|w| w - 1),
            Bucket::Deadlines(cutoffs) => month.zip(day).and_then(|(m, d)| {
                let md = (m as u32, d as u32);
                cutoffs.iter().position(|c| md <= *c).map(|p| p as i32)
            }),
        };
        if let (Some(id), Some(period)) = (id, period)
            && let Ok(period) = usize::try_from(period)
            && period < periods
            && (id as usize) < units
        {
            table[id as usize * periods + period] += 1;
        }
    }
    Ok(table)
}

/// County-wide record counts per month (index 0 = January) for one sheet.
pub(crate) fn count_by_month(df: &DataFrame) -> PolarsResult<[u32; 12]> {
    let counted = df
        .select([MONTH, ROW])?
        .group_by([MONTH])?
        .select([ROW])
        .count()?;
    let mut out = [0u32; 12];
    let months = counted.column(MONTH)?.i32()?;
    let counts = counted
        .column(&format!("{ROW}_count"))?
        .cast(&DataType::UInt32)?;
    for (m, n) in months.iter().zip(counts.u32()?.iter()) {
        if let (Some(m), Some(n)) = (m, n)
            && (1..=12).contains(&m)
        {
            out[(m - 1) as usize] = n;
        }
    }
    Ok(out)
}

/// Record counts per value of one text field, largest first, ties by value. A record of a field
/// of several values counts once for each.
pub(crate) fn count_by_value(
    df: &DataFrame,
    field: &str,
    multiple: bool,
) -> PolarsResult<Vec<(String, u32)>> {
    if multiple {
        let mut counts: HashMap<&str, u32> = HashMap::new();
        for value in df.column(field)?.str()?.iter().flatten() {
            for item in value.split(LIST_JOINER) {
                *counts.entry(item).or_default() += 1;
            }
        }
        let mut out: Vec<(String, u32)> = (counts.into_iter())
            .map(|(v, n)| (v.to_string(), n))
            .collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        return Ok(out);
    }
    let counted = df
        .select([field, ROW])?
        .group_by([field])?
        .select([ROW])
        .count()?;
    let values = counted.column(field)?.str()?;
    let counts = counted
        .column(&format!("{ROW}_count"))?
        .cast(&DataType::UInt32)?;
    let mut out: Vec<(String, u32)> = values
        .iter()
        .zip(counts.u32()?.iter())
        .filter_map(|(v, n)| Some((v?.to_string(), n?)))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(out)
}

/// The sum of an integer field per unit number (all rows of the frame), for `units` unit
/// numbers; empty values add nothing.
pub(crate) fn sum_per_unit(df: &DataFrame, field: &str, units: usize) -> PolarsResult<Vec<i64>> {
    let mut sums = vec![0i64; units];
    let ids = df.column(UNIT_ID)?.u32()?;
    for (id, value) in ids.iter().zip(df.column(field)?.i64()?.iter()) {
        if let (Some(id), Some(value)) = (id, value)
            && let Some(sum) = sums.get_mut(id as usize)
        {
            *sum = sum.saturating_add(value);
        }
    }
    Ok(sums)
}

/// Record count per unit number (all rows of the frame), for `units` unit numbers.
pub(crate) fn count_per_unit(df: &DataFrame, units: usize) -> PolarsResult<Vec<u32>> {
    count_by_unit(df, Bucket::Year, units, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Without Parquet output the frames carry only the fields rules, flags and breakdowns read;
    /// with it, every field.
    #[test]
    fn frames_carry_the_fields_the_counts_read() {
        let text = include_str!("../schemas/ideology_work.toml");
        let schema = crate::schema::parse(text, "s").unwrap();
        let keep = counted_fields(&schema, &["学习主题"]);
        let kept = |sheet: &str, field: &str| {
            let s = schema.sheets.iter().position(|s| s.name == sheet).unwrap();
            let f = schema.sheets[s]
                .fields
                .iter()
                .position(|f| f.name == field)
                .unwrap();
            keep[s][f]
        };
        assert!(kept("学习记录", "学习形式"), "a rule's condition");
        assert!(kept("学习记录", "是否意识形态专题"), "a rule's condition");
        assert!(kept("学习记录", "学习主题"), "a breakdown");
        assert_eq!(kept("学习记录", "备注"), cfg!(feature = "parquet"));
        assert_eq!(kept("研究研判", "备注"), cfg!(feature = "parquet"));
    }
}
