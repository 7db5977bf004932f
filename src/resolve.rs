//! After every file is read: copies (the same content twice counts once), the report year, each
//! workbook's unit (基本信息, else the file name), multi-unit rows, duplicate submissions (latest
//! 填报日期, then modification time, then path), the report-year check on every record, and the
//! reconciliation. It owns `docs/units.md` and the rule that every data row ends accepted or
//! rejected; it must not read files.

use crate::issue::{Issue, Kind, Level, UnitLoss, UnitProblem, action};
use crate::normalize::normalize;
use crate::outcome::{Fate, FileOutcome, SheetOutcome, Submission, Totals, Unit, UnitStatus};
use crate::periods::default_as_of;
use crate::record::{Record, Value};
use crate::roster::Roster;
use crate::schema::{Schema, SheetSpec};
use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// What resolution produced.
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    pub year: i32,
    /// The date the year is judged as of.
    pub as_of: NaiveDate,
    /// Every file, with only its accepted records left.
    pub files: Vec<FileOutcome>,
    pub issues: Vec<Issue>,
    pub units: Vec<UnitStatus>,
    pub totals: Totals,
}

/// The units known to the run: the roster's, or, without one, those that name themselves.
struct Units<'a> {
    roster: Option<&'a Roster>,
    found: Vec<Unit>,
    lookup: HashMap<String, usize>,
    /// Each unit's name as its records hold it, made on first use.
    shared: Vec<Option<Arc<str>>>,
}

impl Units<'_> {
    /// The roster unit a file's path names (its file name, else its folders), when there is a
    /// roster: how a file that could not be read is still put to its unit.
    fn in_path(&self, rel: &str) -> Option<usize> {
        self.roster?.find_in_path(rel)
    }

    fn find(&mut self, name: &str, unit_type: Option<&str>) -> Result<usize, UnitProblem> {
        if let Some(roster) = self.roster {
            return find_in_roster(roster, name);
        }
        let key = normalize(name);
        if let Some(&i) = self.lookup.get(&key) {
            return Ok(i);
        }
        self.found.push(Unit {
            name: name.to_string(),
            unit_type: unit_type.unwrap_or_default().to_string(),
            aliases: Vec::new(),
        });
        self.lookup.insert(key, self.found.len() - 1);
        Ok(self.found.len() - 1)
    }

    fn name(&self, i: usize) -> &str {
        match self.roster {
            Some(r) => &r.units[i].name,
            None => &self.found[i].name,
        }
    }

    /// The unit's name, one allocation shared by all its records.
    fn shared_name(&mut self, i: usize) -> Arc<str> {
        if let Some(Some(name)) = self.shared.get(i) {
            return name.clone();
        }
        let name: Arc<str> = self.name(i).into();
        if self.shared.len() <= i {
            self.shared.resize(i + 1, None);
        }
        self.shared[i] = Some(name.clone());
        name
    }
}

/// A typed unit name as the roster knows it, else why not (with the closest roster name).
fn find_in_roster(roster: &Roster, name: &str) -> Result<usize, UnitProblem> {
    roster.find(name).ok_or_else(|| UnitProblem::NotInRoster {
        name: name.to_string(),
        suggestion: roster.suggest(name).map(str::to_string),
    })
}

/// A workbook's own unit by the roster: the name in its 基本信息, else its file and folder names.
fn roster_unit(roster: &Roster, file: &FileOutcome) -> Result<usize, UnitProblem> {
    match file.info.as_ref().and_then(|i| i.name.as_deref()) {
        Some(name) => find_in_roster(roster, name),
        None => (roster.find_in_path(&file.source.rel)).ok_or(UnitProblem::Unnamed),
    }
}

/// Resolves units, duplicates and the report year over every file's outcome: each workbook gets
/// its unit, the older of a unit's workbooks are superseded, and each record is given its unit
/// and its report year or rejected. The files come back with only their accepted records.
pub(crate) fn resolve(
    mut files: Vec<FileOutcome>,
    schema: &Schema,
    roster: Option<&Roster>,
    asked: Asked,
) -> Resolved {
    let copies = count_once(&mut files);
    let year = (asked.year).unwrap_or_else(|| infer_year(&files, asked.today.year()));
    let as_of = (asked.as_of).unwrap_or_else(|| default_as_of(year, asked.today));
    let mut units = Units {
        roster,
        found: Vec::new(),
        lookup: HashMap::new(),
        shared: Vec::new(),
    };
    assign_file_units(&mut files, &mut units);
    for (copy, first) in copies {
        // Named as the file that counts is: its 提示 and the manifest then say whose it is.
        files[copy].unit = files[first].unit;
    }
    supersede(&mut files, year, &units);
    let mut issues = Vec::new();
    let mut totals = Totals::default();
    for (index, file) in files.iter_mut().enumerate() {
        count_file(file, &mut totals);
        if !matches!(file.fate, Fate::Superseded(_)) {
            let dates = Dates { year, as_of };
            settle_records(file, index, schema, dates, &mut units, &mut totals);
            name_issue_units(file, &units);
        }
        issues.append(&mut file.issues);
        for sheet in &mut file.sheets {
            issues.append(&mut sheet.issues);
        }
    }
    let units = statuses(&files, &units);
    Resolved {
        year,
        as_of,
        files,
        issues,
        units,
        totals,
    }
}

/// Each workbook's own unit, or a file-level issue saying why it cannot be told and what the
/// workbook loses. With a roster, finding it reads nothing but the roster (names, file names,
/// suggestions for unknown names): done on every core first.
fn assign_file_units(files: &mut [FileOutcome], units: &mut Units<'_>) {
    let own_unit = |f: &FileOutcome| f.fate == Fate::Read && f.own_unit;
    let mut by_roster: Vec<Option<Result<usize, UnitProblem>>> = match units.roster {
        Some(r) => (files.par_iter())
            .map(|f| own_unit(f).then(|| roster_unit(r, f)))
            .collect(),
        None => Vec::new(),
    };
    for (i, file) in files.iter_mut().enumerate().filter(|(_, f)| own_unit(f)) {
        let info_name = file.info.as_ref().and_then(|i| i.name.clone());
        let unit_type = file.info.as_ref().and_then(|i| i.unit_type.clone());
        let found = match (by_roster.get_mut(i).and_then(Option::take), &info_name) {
            (Some(found), _) => found,
            (None, Some(name)) => units.find(name, unit_type.as_deref()),
            (None, None) => Err(UnitProblem::UnnamedWithoutRoster),
        };
        match found {
            Ok(i) => file.unit = Some(i),
            Err(problem) => {
                let issue = unit_issue(file, problem)
                    .field("单位名称")
                    .value(info_name.clone().unwrap_or_default())
                    .unit(info_name.as_deref());
                file.issues.push(issue);
            }
        }
    }
}

/// The issue of a workbook whose unit cannot be told. Only the rows of its sheets without a
/// 单位名称 column need the workbook's unit; a workbook with no such rows loses nothing (a blank
/// template is not an error).
fn unit_issue(file: &FileOutcome, problem: UnitProblem) -> Issue {
    let unitless: Vec<&SheetOutcome> = (file.sheets.iter())
        .filter(|s| s.header.unit_column.is_none())
        .collect();
    let rows: u32 = unitless.iter().map(|s| s.data_rows).sum();
    let (level, loss, act) = if rows == file.data_rows() && rows > 0 {
        (Level::Error, UnitLoss::File { rows }, action::FILE_REJECTED)
    } else if rows > 0 {
        let sheets = unitless.iter().map(|s| s.sheet_name.clone()).collect();
        let loss = UnitLoss::Sheets { sheets, rows };
        (Level::Error, loss, action::SHEET_REJECTED)
    } else if file.data_rows() > 0 {
        (Level::Notice, UnitLoss::Nothing, action::NONE)
    } else {
        (Level::Notice, UnitLoss::NoData, action::NONE)
    };
    let kind = Kind::FileUnit { problem, loss };
    Issue::new(level, &file.source.rel, kind, act)
}

/// Counts the file in the reconciliation of files.
fn count_file(file: &FileOutcome, totals: &mut Totals) {
    totals.files_found += 1;
    match &file.fate {
        Fate::Read => totals.files_read += 1,
        Fate::Skipped(_) => totals.files_skipped += 1,
        Fate::Failed(_) => totals.files_failed += 1,
        Fate::Superseded(_) | Fate::Duplicate(_) => totals.files_superseded += 1,
    }
}

/// Gives each of the file's records its unit and report year, or rejects it with an issue; a
/// record that fails is dropped where it lies, the others stay with their sheet (not gathered
/// into one list: a copy of every record, and memory for all of them at once, for no reader
/// that needs it). Counts the file's rows.
fn settle_records(
    file: &mut FileOutcome,
    file_index: usize,
    schema: &Schema,
    dates: Dates,
    units: &mut Units<'_>,
    totals: &mut Totals,
) {
    let file_unit = file.unit.map(|i| units.shared_name(i));
    let (rel, own_unit) = (file.source.rel.as_str(), file.own_unit);
    for sheet in &mut file.sheets {
        totals.rows_read += u64::from(sheet.data_rows);
        totals.rows_rejected += u64::from(sheet.rejected_rows);
        let spec = &schema.sheets[sheet.spec];
        let undated = sheet.undated;
        let (name, header, typed_dates, sheet_issues) = (
            &sheet.sheet_name,
            &sheet.header,
            &sheet.typed_dates,
            &mut sheet.issues,
        );
        sheet.records.retain_mut(|record| {
            let row = record.row;
            let located = |kind: Kind, col: Option<u32>| {
                let issue = Issue::new(Level::Error, rel, kind, action::ROW_REJECTED)
                    .sheet(name)
                    .row(row);
                match col {
                    Some(c) => issue.column(c),
                    None => issue,
                }
            };
            let unit = if record.unit.is_empty() {
                match &file_unit {
                    Some(u) => Ok(u.clone()),
                    // The file-level 错误 already speaks for the row.
                    None if own_unit => Err(None),
                    None => Err(Some(located(Kind::UnitMissing, header.unit_column))),
                }
            } else {
                (units.find(&record.unit, None))
                    .map(|i| units.shared_name(i))
                    .map_err(|problem| {
                        let issue = located(Kind::UnknownUnit { problem }, header.unit_column)
                            .field("单位名称")
                            .value(record.unit.to_string())
                            .unit(Some(&record.unit));
                        Some(issue)
                    })
            };
            let refused = match unit {
                Ok(unit) => match check_date(record, spec, dates, undated, typed_dates) {
                    Ok(()) => {
                        record.unit = unit;
                        record.file = file_index;
                        totals.rows_accepted += 1;
                        return true;
                    }
                    Err(refused) => {
                        let DateRefusal { kind, field, typed } = *refused;
                        let col = header.columns[field];
                        Some(
                            located(kind, col)
                                .field(&spec.fields[field].name)
                                .value(typed)
                                .unit(Some(&unit)),
                        )
                    }
                },
                Err(issue) => issue,
            };
            sheet_issues.extend(refused);
            totals.rows_rejected += 1;
            false
        });
    }
}

/// The report year and the date to judge it as of, as the command line asks for them, and today.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Asked {
    /// `--year`; else the most common 填报年度 (or record year), else today's year.
    pub year: Option<i32>,
    /// `--as-of`; else the year's end once passed, else today.
    pub as_of: Option<NaiveDate>,
    pub today: NaiveDate,
}

/// The report year and the date it is judged as of.
#[derive(Debug, Clone, Copy)]
struct Dates {
    year: i32,
    as_of: NaiveDate,
}

/// Why a record's date was refused: the issue's kind, the field and the date as typed.
struct DateRefusal {
    kind: Kind,
    field: usize,
    typed: String,
}

/// Completes the record's month-day dates with the report year and checks its date is in that
/// year.
fn check_date(
    record: &mut Record,
    spec: &SheetSpec,
    Dates { year, as_of }: Dates,
    undated: bool,
    typed_dates: &[(u32, String)],
) -> Result<(), Box<DateRefusal>> {
    if undated && let Err(field) = complete_month_days(record, spec, year) {
        let typed = record.values[field].to_string();
        let kind = Kind::NoSuchDay {
            typed: typed.clone(),
            year,
        };
        return Err(Box::new(DateRefusal { kind, field, typed }));
    }
    let Some(d) = record.date else {
        return Ok(());
    };
    let kind = if d.year() != year {
        Kind::DateOutOfYear { year }
    } else if d > as_of {
        Kind::DateAfterAsOf { as_of }
    } else {
        return Ok(());
    };
    let typed = (typed_dates.binary_search_by_key(&record.row, |(r, _)| *r)).map_or_else(
        |_| d.format("%Y-%m-%d").to_string(),
        |i| typed_dates[i].1.clone(),
    );
    let field = spec.date_field.unwrap_or(0);
    Err(Box::new(DateRefusal { kind, field, typed }))
}

/// Gives the file's issues that name no unit the file's unit: the roster's name for it, else
/// its 基本信息 name, else (for a file that could not be read) the roster unit its path names, as
/// for the unit's 报送文件无法读取 status.
fn name_issue_units(file: &mut FileOutcome, units: &Units<'_>) {
    let failed_unit = || match file.fate {
        Fate::Failed(_) => Some(units.name(units.in_path(&file.source.rel)?).to_string()),
        _ => None,
    };
    let fallback = (file.unit.map(|u| units.name(u).to_string()))
        .or_else(|| file.info.as_ref().and_then(|i| i.name.clone()))
        .or_else(failed_unit);
    let issues = (file.issues.iter_mut()).chain(file.sheets.iter_mut().flat_map(|s| &mut s.issues));
    for issue in issues.filter(|i| i.unit.is_none()) {
        issue.unit = fallback.clone();
    }
}

/// Gives the record's month-day dates (`Value::MonthDay`) the report year; `Err(field)` for
/// the first that has no such day in it (`2月29日`).
fn complete_month_days(record: &mut Record, spec: &SheetSpec, year: i32) -> Result<(), usize> {
    for (i, value) in record.values.iter_mut().enumerate() {
        if let Value::MonthDay(m, d) = *value {
            let day = NaiveDate::from_ymd_opt(year, m.into(), d.into()).ok_or(i)?;
            *value = Value::Date(day);
        }
    }
    record.date = spec.date_field.and_then(|f| record.values[f].as_date());
    Ok(())
}

/// The report year when `--year` is not given: the most common 填报年度, else the most common
/// year of the records' dates (month-day dates aside: they take it); ties go to the later year.
fn infer_year(files: &[FileOutcome], this_year: i32) -> i32 {
    let mut counts: BTreeMap<i32, usize> = BTreeMap::new();
    for file in files {
        if let Some(y) = file.info.as_ref().and_then(|i| i.year) {
            *counts.entry(y).or_default() += 1;
        }
    }
    if counts.is_empty() {
        for record in files.iter().flat_map(FileOutcome::records) {
            if let Some(d) = record.date {
                *counts.entry(d.year()).or_default() += 1;
            }
        }
    }
    counts
        .into_iter()
        .max_by_key(|&(y, n)| (n, y))
        .map_or(this_year, |(y, _)| y)
}

/// Reads each content once: of the files read with the same SHA-256 (a copy `…(1).csv`, one file
/// under two names), the first by `copy_order` counts and each other is a duplicate with a 提示
/// naming it; none of its rows count. Returns the (copy, first) pairs. Done before anything else,
/// so that no copy decides the year or supersedes the file it copies.
fn count_once(files: &mut [FileOutcome]) -> Vec<(usize, usize)> {
    fn content(file: &FileOutcome) -> Option<&str> {
        match (&file.fate, file.sha256.as_deref()) {
            (Fate::Read, Some(sha)) => Some(sha),
            _ => None,
        }
    }
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, file) in files.iter().enumerate() {
        if let Some(sha) = content(file) {
            let at = first.entry(sha).or_insert(i);
            if copy_order(&file.source.rel) < copy_order(&files[*at].source.rel) {
                *at = i;
            }
        }
    }
    let copies: Vec<(usize, usize)> = (files.iter().enumerate())
        .filter_map(|(i, file)| Some((i, first[content(file)?])))
        .filter(|(i, at)| i != at)
        .collect();
    for &(copy, at) in &copies {
        let first = files[at].source.rel.clone();
        let file = &mut files[copy];
        file.fate = Fate::Duplicate(first.clone());
        file.sheets.clear();
        file.issues.clear();
        file.info = None;
        let kind = Kind::SameFile { first };
        let issue = Issue::new(
            Level::Notice,
            &file.source.rel,
            kind,
            action::FILE_SUPERSEDED,
        );
        file.issues.push(issue);
    }
    copies
}

/// The order in which a copy is told from the file it copies: the name without its extension
/// first, so that a name comes before the same name with something added (`台账.csv` before
/// `台账(1).csv` and `台账 - 副本.csv`, though `(` sorts before `.`), then the whole path.
fn copy_order(rel: &str) -> (&str, &str) {
    let stem = match rel.rsplit_once('.') {
        Some((stem, extension)) if !extension.contains('/') => stem,
        _ => rel,
    };
    (stem, rel)
}

/// Marks all but the newest workbook of each unit and year as superseded; the 提示 names the unit
/// as the roster does, not as the workbook spelled it.
fn supersede(files: &mut [FileOutcome], year: i32, units: &Units<'_>) {
    let mut groups: BTreeMap<(usize, i32), Vec<usize>> = BTreeMap::new();
    for (i, file) in files.iter().enumerate() {
        if let (Fate::Read, Some(unit)) = (&file.fate, file.unit) {
            let file_year = file.info.as_ref().and_then(|i| i.year).unwrap_or(year);
            groups.entry((unit, file_year)).or_default().push(i);
        }
    }
    for members in groups.values().filter(|m| m.len() > 1) {
        let key = |&i: &usize| {
            let f = &files[i];
            (
                f.info.as_ref().and_then(|i| i.filed),
                f.source.modified,
                f.source.rel.clone(),
            )
        };
        let Some(&winner) = members.iter().max_by_key(|i| key(i)) else {
            continue;
        };
        let winner_rel = files[winner].source.rel.clone();
        for &loser in members.iter().filter(|&&i| i != winner) {
            let file = &mut files[loser];
            file.fate = Fate::Superseded(winner_rel.clone());
            file.sheets.clear();
            file.issues.clear();
            let unit = file.unit.map(|u| units.name(u).to_string());
            file.issues.push(
                Issue::new(
                    Level::Notice,
                    &file.source.rel,
                    Kind::Superseded {
                        by: winner_rel.clone(),
                    },
                    action::FILE_SUPERSEDED,
                )
                .unit(unit.as_deref()),
            );
        }
    }
}

fn statuses(files: &[FileOutcome], units: &Units<'_>) -> Vec<UnitStatus> {
    let all: Vec<Unit> = match units.roster {
        Some(r) => r.units.clone(),
        None => units.found.clone(),
    };
    let mut submitted = vec![false; all.len()];
    let mut unreadable = vec![false; all.len()];
    for file in files {
        match (&file.fate, file.unit) {
            (Fate::Read | Fate::Superseded(_) | Fate::Duplicate(_), Some(u)) => submitted[u] = true,
            (Fate::Failed(_), _) => {
                if let Some(u) = units.in_path(&file.source.rel) {
                    unreadable[u] = true;
                }
            }
            _ => {}
        }
    }
    let by_name: HashMap<&str, usize> = all
        .iter()
        .enumerate()
        .map(|(i, u)| (u.name.as_str(), i))
        .collect();
    // A unit's records share its name and mostly follow each other: one lookup per run of them.
    let mut last: Option<&Arc<str>> = None;
    for record in files.iter().flat_map(FileOutcome::records) {
        if last.is_some_and(|unit| Arc::ptr_eq(unit, &record.unit)) {
            continue;
        }
        last = Some(&record.unit);
        if let Some(&i) = by_name.get(&*record.unit) {
            submitted[i] = true;
        }
    }
    all.into_iter()
        .enumerate()
        .map(|(i, unit)| UnitStatus {
            unit,
            status: if submitted[i] {
                Submission::Submitted
            } else if unreadable[i] {
                Submission::Unreadable
            } else {
                Submission::Missing
            },
            in_roster: units.roster.is_some(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record of a unit holds the same name, not a copy.
    #[test]
    fn records_of_a_unit_share_its_name() {
        let mut units = Units {
            roster: None,
            found: Vec::new(),
            lookup: HashMap::new(),
            shared: Vec::new(),
        };
        let a = units.find("甲镇", None).unwrap();
        let b = units.find("乙镇", None).unwrap();
        let (first, second) = (units.shared_name(b), units.shared_name(b));
        assert!(Arc::ptr_eq(&first, &second));
        assert_eq!(&*units.shared_name(a), "甲镇");
        assert_eq!(&*first, "乙镇");
    }
}
