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
    /// The county's own name, taken off official full names.
    county: Option<&'a str>,
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

    /// The unit `name` means, and whether it was told by its official full name.
    fn find(&mut self, name: &str, unit_type: Option<&str>) -> Result<Found, UnitProblem> {
        if let Some(roster) = self.roster {
            return find_in_roster(roster, name, self.county);
        }
        let key = normalize(name);
        if let Some(&i) = self.lookup.get(&key) {
            return Ok(Found::Named(i));
        }
        self.found.push(Unit {
            name: name.to_string(),
            unit_type: unit_type.unwrap_or_default().to_string(),
            aliases: Vec::new(),
        });
        self.lookup.insert(key, self.found.len() - 1);
        Ok(Found::Named(self.found.len() - 1))
    }

    fn unit(&self, i: usize) -> &Unit {
        match self.roster {
            Some(r) => &r.units[i],
            None => &self.found[i],
        }
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

/// A unit found: by its name (or alias) as the roster or the run knows it, or by its official
/// full name (`docs/units.md#official-names`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    Named(usize),
    Official(usize),
}

impl Found {
    fn index(self) -> usize {
        match self {
            Found::Named(i) | Found::Official(i) => i,
        }
    }
}

/// A typed unit name as the roster knows it — as given, else by the one unit its official form
/// reduces to — else why not (with the closest roster name).
fn find_in_roster(roster: &Roster, name: &str, county: Option<&str>) -> Result<Found, UnitProblem> {
    if let Some(i) = roster.find(name) {
        return Ok(Found::Named(i));
    }
    if let Some(i) = roster.find_official(name, county) {
        return Ok(Found::Official(i));
    }
    Err(UnitProblem::NotInRoster {
        name: name.to_string(),
        suggestion: roster.suggest(name).map(str::to_string),
    })
}

/// A workbook's own unit by the roster: the name in its 基本信息, else its file and folder names.
fn roster_unit(
    roster: &Roster,
    file: &FileOutcome,
    county: Option<&str>,
) -> Result<Found, UnitProblem> {
    match file.info.as_ref().and_then(|i| i.name.as_deref()) {
        Some(name) => find_in_roster(roster, name, county),
        None => (roster.find_in_path(&file.source.rel))
            .map(Found::Named)
            .ok_or(UnitProblem::Unnamed),
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
        county: schema.county.as_deref(),
        found: Vec::new(),
        lookup: HashMap::new(),
        shared: Vec::new(),
    };
    let misnamed = assign_file_units(&mut files, &mut units);
    for (copy, first) in copies {
        // Named as the file that counts is: its 提示 and the manifest then say whose it is.
        files[copy].unit = files[first].unit;
    }
    supersede(&mut files, year, &units);
    let (types, untyped_warned) = settle_types(&mut files, schema, &units);
    let mut issues = Vec::new();
    let mut totals = Totals::default();
    let mut other_years = HashMap::new();
    let mut other_year_files = std::collections::HashSet::new();
    for (index, file) in files.iter_mut().enumerate() {
        count_file(file, &mut totals);
        if !matches!(file.fate, Fate::Superseded(_)) {
            let info_sheet = info_sheet_name(schema);
            if let Some(file_year) = reject_other_year(file, year, info_sheet, &mut totals) {
                other_year_files.insert(index);
                if let Some(u) = file.unit {
                    let note = format!("仅收到{file_year}年度的文件（{}）", file.source.rel);
                    other_years.entry(u).or_insert(note);
                }
            } else {
                let dates = Dates { year, as_of };
                settle_records(file, index, schema, dates, &mut units, &mut totals);
            }
            name_issue_units(file, &units);
        }
        issues.append(&mut file.issues);
        for sheet in &mut file.sheets {
            issues.append(&mut sheet.issues);
        }
    }
    let typed: HashMap<&str, &str> = (types.iter())
        .map(|(&i, t)| (units.name(i), t.as_str()))
        .collect();
    settle_missing_sheets(&mut issues, &files, schema, &typed);
    let notes = Notes {
        misnamed,
        other_years,
        other_year_files,
        types,
        untyped_warned,
    };
    let units = statuses(&files, &units, notes, &mut issues);
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
/// workbook loses; a unit told by its official full name gets a 提示 naming the roster unit. With
/// a roster, finding it reads nothing but the roster (names, file names, suggestions for unknown
/// names): done on every core first. Returns, per roster unit, the workbooks rejected for a name
/// whose closest roster name is that unit's (`已报送但单位名称与名册不符`), in path order.
fn assign_file_units(
    files: &mut [FileOutcome],
    units: &mut Units<'_>,
) -> HashMap<usize, Vec<String>> {
    let own_unit = |f: &FileOutcome| f.fate == Fate::Read && f.own_unit;
    let county = units.county;
    let mut by_roster: Vec<Option<Result<Found, UnitProblem>>> = match units.roster {
        Some(r) => (files.par_iter())
            .map(|f| own_unit(f).then(|| roster_unit(r, f, county)))
            .collect(),
        None => Vec::new(),
    };
    let mut misnamed: HashMap<usize, Vec<String>> = HashMap::new();
    for (i, file) in files.iter_mut().enumerate().filter(|(_, f)| own_unit(f)) {
        let info_name = file.info.as_ref().and_then(|i| i.name.clone());
        let unit_type = file.info.as_ref().and_then(|i| i.unit_type.clone());
        let found = match (by_roster.get_mut(i).and_then(Option::take), &info_name) {
            (Some(found), _) => found,
            (None, Some(name)) => units.find(name, unit_type.as_deref()),
            (None, None) => Err(UnitProblem::UnnamedWithoutRoster),
        };
        match found {
            Ok(found) => {
                let i = found.index();
                file.unit = Some(i);
                if let (Found::Official(_), Some(name)) = (found, &info_name) {
                    let unit = units.name(i).to_string();
                    let kind = Kind::OfficialName {
                        name: name.clone(),
                        unit: unit.clone(),
                    };
                    let issue = Issue::new(Level::Notice, &file.source.rel, kind, action::NONE)
                        .field("单位名称")
                        .value(name.clone())
                        .unit(Some(&unit));
                    file.issues.push(issue);
                }
            }
            Err(problem) => {
                let closest = match (&problem, units.roster) {
                    (UnitProblem::NotInRoster { suggestion, .. }, Some(r)) => {
                        suggestion.as_deref().and_then(|s| r.find(s))
                    }
                    _ => None,
                };
                let issue = unit_issue(file, problem)
                    .field("单位名称")
                    .value(info_name.clone().unwrap_or_default())
                    .unit(info_name.as_deref());
                // Its rows lost, or a blank template under a wrong name (a 提示: nothing to
                // lose): either way the closest unit sent it.
                let sent = issue.level == Level::Error || file.data_rows() == 0;
                if let (Some(u), true) = (closest, sent) {
                    misnamed.entry(u).or_default().push(file.source.rel.clone());
                }
                file.issues.push(issue);
            }
        }
    }
    misnamed
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
    let mut officially = std::collections::HashSet::new();
    for sheet in &mut file.sheets {
        let mut notices = Vec::new();
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
                    .map(|found| {
                        let unit_name = units.shared_name(found.index());
                        // One 提示 per full name and file, at its first row.
                        if matches!(found, Found::Official(_))
                            && officially.insert(record.unit.to_string())
                        {
                            let kind = Kind::OfficialName {
                                name: record.unit.to_string(),
                                unit: unit_name.to_string(),
                            };
                            let issue = Issue::new(Level::Notice, rel, kind, action::NONE)
                                .sheet(name)
                                .row(row)
                                .field("单位名称")
                                .value(record.unit.to_string())
                                .unit(Some(&unit_name));
                            notices.push(match header.unit_column {
                                Some(c) => issue.column(c),
                                None => issue,
                            });
                        }
                        unit_name
                    })
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
        sheet.issues.append(&mut notices);
    }
}

/// A workbook's missing sheet, said when it was read with the type its 基本信息 gave (or none),
/// said again with the type the unit is judged as (`typed`, by unit name: the roster's wins): a
/// 警告 naming the rules of that type that count the sheet, a 提示 when none does — or when its
/// unit's records of that sheet came in another file (an online form's export with a 单位名称
/// column), which is no loss.
fn settle_missing_sheets(
    issues: &mut [Issue],
    files: &[FileOutcome],
    schema: &Schema,
    typed: &HashMap<&str, &str>,
) {
    let missing = |i: &Issue| i.code == "sheet-missing";
    // Most runs have none: the walk over every record is for those that do.
    if !issues.iter().any(missing) {
        return;
    }
    let mut held: std::collections::HashSet<(&str, usize)> = std::collections::HashSet::new();
    for sheet in files.iter().flat_map(|f| &f.sheets) {
        // A unit's records follow each other: one insert per run of them.
        let mut last: Option<&Arc<str>> = None;
        for record in &sheet.records {
            if !last.is_some_and(|u| Arc::ptr_eq(u, &record.unit)) {
                held.insert((&*record.unit, sheet.spec));
                last = Some(&record.unit);
            }
        }
    }
    for issue in issues.iter_mut() {
        if !missing(issue) {
            continue;
        }
        let spec =
            (schema.sheets.iter()).position(|s| Some(s.name.as_str()) == issue.sheet.as_deref());
        let (Some(unit), Some(spec)) = (issue.unit.as_deref(), spec) else {
            continue;
        };
        let rules = match (held.contains(&(unit, spec)), typed.get(unit)) {
            (true, _) => Vec::new(),
            (false, Some(t)) => schema.rules_counting(spec, Some(t)),
            // No type to judge by: as it was said.
            (false, None) => continue,
        };
        let level = match rules.is_empty() {
            true => Level::Notice,
            false => Level::Warning,
        };
        let settled = Issue::new(
            level,
            &issue.file,
            Kind::SheetMissing { rules },
            action::SHEET_EMPTY,
        )
        .sheet(&schema.sheets[spec].name)
        .unit(Some(unit));
        *issue = settled;
    }
}

/// What statuses need beyond the files (whose issues have moved to the run's list by then): per
/// unit index, the workbooks rejected for a name the roster spells otherwise, the only workbook of
/// another year, the type a unit is judged as, and whether a workbook already said it has none;
/// and the indices of the workbooks of another year, which are no unit's submission.
struct Notes {
    misnamed: HashMap<usize, Vec<String>>,
    other_years: HashMap<usize, String>,
    other_year_files: std::collections::HashSet<usize>,
    types: HashMap<usize, String>,
    untyped_warned: std::collections::HashSet<usize>,
}

/// Each unit's type (`docs/units.md#unit-types`): the roster's, else its workbook's 基本信息 when
/// that is one of the schema's types. A 警告 where a workbook's type is none of the schema's,
/// where it differs from the roster's (the roster wins), and where neither gives one (the unit is
/// then not judged). Returns the type of every unit that has one, by unit index, and the units
/// warned of having none.
fn settle_types(
    files: &mut [FileOutcome],
    schema: &Schema,
    units: &Units<'_>,
) -> (HashMap<usize, String>, std::collections::HashSet<usize>) {
    let known = |t: &str| schema.unit_types.iter().any(|u| u == t);
    let mut types = HashMap::new();
    let mut warned = std::collections::HashSet::new();
    for file in files.iter_mut().filter(|f| f.fate == Fate::Read) {
        let Some(u) = file.unit else { continue };
        let listed = units.unit(u).unit_type.as_str();
        let typed = file.info.as_ref().and_then(|i| i.unit_type.clone());
        // At the 基本信息's 单位类型 when the workbook has one; else the file's (a workbook named
        // by its file name).
        let has_info = file.info.is_some();
        let warn = |kind: Kind, typed: &str| {
            let issue = Issue::new(Level::Warning, &file.source.rel, kind, action::ACCEPTED);
            match has_info {
                true => (issue.sheet(info_sheet_name(schema)))
                    .field("单位类型")
                    .value(typed.to_string()),
                false => issue,
            }
        };
        let mut raised = Vec::new();
        if let Some(t) = &typed
            && !known(t)
        {
            let kind = Kind::UnitTypeUnknown {
                typed: t.clone(),
                known: schema.unit_types.clone(),
            };
            raised.push(warn(kind, t));
        } else if let Some(t) = &typed
            && units.roster.is_some()
            && !listed.is_empty()
            && t != listed
        {
            let kind = Kind::UnitTypeConflict {
                typed: t.clone(),
                roster: listed.to_string(),
            };
            raised.push(warn(kind, t));
        }
        let judged_as = match (units.roster.is_some() && !listed.is_empty(), &typed) {
            (true, _) => Some(listed.to_string()),
            (false, Some(t)) if known(t) => Some(t.clone()),
            _ => None,
        };
        match judged_as.filter(|t| known(t)) {
            Some(t) => {
                types.insert(u, t);
            }
            None if !types.contains_key(&u) && warned.insert(u) => {
                raised.push(warn(Kind::UnitTypeMissing, typed.as_deref().unwrap_or("")));
            }
            None => {}
        }
        file.issues.extend(raised);
    }
    // Units only named by rows of multi-unit sheets have the roster's type, when it is one.
    let all = units.roster.map_or(units.found.len(), |r| r.units.len());
    for u in 0..all {
        let listed = &units.unit(u).unit_type;
        if !types.contains_key(&u) && known(listed) {
            types.insert(u, listed.clone());
        }
    }
    (types, warned)
}

/// The name of the schema's info sheet, where a workbook's 单位类型 is.
fn info_sheet_name(schema: &Schema) -> &str {
    schema.info.as_ref().map_or("基本信息", |i| i.name.as_str())
}

/// Rejects every row of a workbook of another year than the report year — its 填报年度 says so,
/// or, without one, every dated row is of one other year — with one 错误 for the file
/// (`wrong-year`) instead of one per row, and counts its rows as rejected. A workbook whose
/// 填报年度 is another year is rejected even with no rows: it is no submission for the report
/// year. Returns the workbook's year when it was rejected.
fn reject_other_year(
    file: &mut FileOutcome,
    year: i32,
    info_sheet: &str,
    totals: &mut Totals,
) -> Option<i32> {
    let (file_year, by_info) = match file.info.as_ref().and_then(|i| i.year) {
        Some(y) if y != year => (y, true),
        _ => match dated_year(file) {
            Some(y) if y != year => (y, false),
            _ => return None,
        },
    };
    let mut ranges = Vec::new();
    let mut rows = 0;
    for sheet in &mut file.sheets {
        totals.rows_read += u64::from(sheet.data_rows);
        totals.rows_rejected += u64::from(sheet.data_rows);
        rows += sheet.data_rows;
        // The rows already refused for their own cells are among those not counted.
        let refused = (sheet.issues.iter())
            .filter(|i| i.action == action::ROW_REJECTED)
            .filter_map(|i| i.row);
        let mut numbers = (sheet.records.iter().map(|r| r.row + 1)).chain(refused);
        if let Some(first) = numbers.next() {
            let (low, high) = numbers.fold((first, first), |(l, h), n| (l.min(n), h.max(n)));
            ranges.push((sheet.sheet_name.clone(), low, high));
        }
        sheet.records.clear();
        // The rows' own issues stand (their cells are wrong whatever the year); the file's
        // one 错误 says why none of them counts.
    }
    let kind = Kind::WrongYear {
        file_year,
        by_info,
        year,
        rows,
        ranges,
    };
    let issue = Issue::new(Level::Error, &file.source.rel, kind, action::FILE_REJECTED);
    file.issues.push(match by_info {
        true => (issue.sheet(info_sheet))
            .field("填报年度")
            .value(file_year.to_string()),
        false => issue,
    });
    Some(file_year)
}

/// The one year every dated record of a workbook without 填报年度 falls in, when they all fall in
/// one (a workbook of last year sent again); `None` when it has no dated record or several years.
fn dated_year(file: &FileOutcome) -> Option<i32> {
    let mut years = file.records().filter_map(|r| r.date.map(|d| d.year()));
    let first = years.next()?;
    years.all(|y| y == first).then_some(first)
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

/// Marks all but the newest workbook of each unit and year as superseded — among the workbooks
/// that hold a ledger sheet in common (`overlapping`); the 提示 names the unit as the roster does,
/// not as the workbook spelled it.
fn supersede(files: &mut [FileOutcome], year: i32, units: &Units<'_>) {
    let mut groups: BTreeMap<(usize, i32), Vec<usize>> = BTreeMap::new();
    for (i, file) in files.iter().enumerate() {
        if let (Fate::Read, Some(unit)) = (&file.fate, file.unit) {
            let file_year = file.info.as_ref().and_then(|i| i.year).unwrap_or(year);
            groups.entry((unit, file_year)).or_default().push(i);
        }
    }
    let clusters: Vec<Vec<usize>> = (groups.values())
        .filter(|m| m.len() > 1)
        .flat_map(|members| overlapping(files, members))
        .filter(|c| c.len() > 1)
        .collect();
    for members in &clusters {
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

/// `members` (files of one unit and year) in clusters of files that hold a ledger sheet in
/// common, each in path order: only these are submissions of the same thing. A unit that sends
/// its ledger as one CSV per sheet (`龙爪镇_学习记录.csv`, `龙爪镇_研究研判.csv`) has sent each
/// once.
fn overlapping(files: &[FileOutcome], members: &[usize]) -> Vec<Vec<usize>> {
    let sheets = |i: usize| -> Vec<usize> { files[i].sheets.iter().map(|s| s.spec).collect() };
    let mut clusters: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
    for &i in members {
        let mine = sheets(i);
        // Every cluster sharing a sheet with this file joins it.
        let (joined, apart): (Vec<_>, Vec<_>) =
            (clusters.into_iter()).partition(|(_, held)| held.iter().any(|s| mine.contains(s)));
        let mut cluster = (vec![i], mine);
        for (files, held) in joined {
            cluster.0.extend(files);
            cluster.1.extend(held);
        }
        cluster.0.sort_unstable();
        clusters = apart;
        clusters.push(cluster);
    }
    clusters.into_iter().map(|(files, _)| files).collect()
}

/// Every unit's submission status: submitted (or not judged, when its type cannot be told),
/// unreadable, or missing — with the truth about a missing unit whose workbook was rejected for
/// its name or its year. A unit not judged for want of a type gets a 警告 here when none of its
/// workbooks said so (a unit named only by rows of multi-unit sheets).
fn statuses(
    files: &[FileOutcome],
    units: &Units<'_>,
    notes: Notes,
    issues: &mut Vec<Issue>,
) -> Vec<UnitStatus> {
    let all: Vec<Unit> = match units.roster {
        Some(r) => r.units.clone(),
        None => units.found.clone(),
    };
    let mut submitted = vec![false; all.len()];
    let mut unreadable = vec![false; all.len()];
    for (index, file) in files.iter().enumerate() {
        let other_year = notes.other_year_files.contains(&index);
        match (&file.fate, file.unit) {
            (Fate::Read | Fate::Superseded(_) | Fate::Duplicate(_), Some(u)) if !other_year => {
                submitted[u] = true;
            }
            (Fate::Failed(_), _) => {
                if let Some(u) = units.in_path(&file.source.rel) {
                    unreadable[u] = true;
                }
            }
            // Read, but no sheet of the template in it (a workbook of something else, text
            // under a spreadsheet's name): what its name says the unit sent cannot be used.
            (Fate::Read, None) if file.sheets.is_empty() && file.info.is_none() => {
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
    let mut untyped_warnings = Vec::new();
    let statuses = all
        .into_iter()
        .enumerate()
        .map(|(i, mut unit)| {
            let typed = notes.types.get(&i);
            unit.unit_type = typed.cloned().unwrap_or_default();
            // A unit of no type is told so once: one that sent something, or a roster's that
            // sent nothing, unless a workbook of it already said so.
            let untyped = typed.is_none() && (submitted[i] || units.roster.is_some());
            if untyped && !notes.untyped_warned.contains(&i) {
                let issue = Issue::new(Level::Warning, "", Kind::UnitTypeMissing, action::NONE)
                    .unit(Some(&unit.name));
                untyped_warnings.push(issue);
            }
            let status = match (submitted[i], typed, unreadable[i]) {
                (true, Some(_), _) => Submission::Submitted,
                (true, None, _) => Submission::Untyped,
                (false, _, true) => Submission::Unreadable,
                (false, _, false) => Submission::Missing,
            };
            let misnamed = match status {
                Submission::Missing | Submission::Unreadable => {
                    notes.misnamed.get(&i).cloned().unwrap_or_default()
                }
                _ => Vec::new(),
            };
            let note = match status {
                Submission::Missing if !misnamed.is_empty() => Some(format!(
                    "已报送但单位名称与名册不符（文件 {}）",
                    misnamed.join("、")
                )),
                Submission::Missing => notes.other_years.get(&i).cloned(),
                _ => None,
            };
            UnitStatus {
                unit,
                status,
                in_roster: units.roster.is_some(),
                note,
                misnamed,
            }
        })
        .collect();
    issues.append(&mut untyped_warnings);
    statuses
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record of a unit holds the same name, not a copy.
    #[test]
    fn records_of_a_unit_share_its_name() {
        let mut units = Units {
            roster: None,
            county: None,
            found: Vec::new(),
            lookup: HashMap::new(),
            shared: Vec::new(),
        };
        let a = units.find("甲镇", None).unwrap().index();
        let b = units.find("乙镇", None).unwrap().index();
        let (first, second) = (units.shared_name(b), units.shared_name(b));
        assert!(Arc::ptr_eq(&first, &second));
        assert_eq!(&*units.shared_name(a), "甲镇");
        assert_eq!(&*first, "乙镇");
    }
}
