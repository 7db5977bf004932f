//! After every file is read: the report year, each workbook's unit (基本信息, else the file
//! name), multi-unit rows, duplicate submissions (latest 填报日期, then modification time, then
//! path), the report-year check on every record, and the reconciliation. It owns SPEC §4 and the
//! rule that every data row ends accepted or rejected; it must not read files.

use crate::coerce::UNDATED;
use crate::issue::{Issue, Level, action};
use crate::normalize::normalize;
use crate::outcome::{Fate, FileOutcome, SheetOutcome, Submission, Totals, Unit, UnitStatus};
use crate::record::{Record, Value};
use crate::roster::Roster;
use crate::schema::Schema;
use chrono::Datelike;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// What resolution produced.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub year: i32,
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

    fn find(&mut self, name: &str, unit_type: Option<&str>) -> Result<usize, String> {
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
fn find_in_roster(roster: &Roster, name: &str) -> Result<usize, String> {
    roster.find(name).ok_or_else(|| match roster.suggest(name) {
        Some(s) => format!("名册中无此单位：“{name}”（最接近的是“{s}”）"),
        None => format!("名册中无此单位：“{name}”"),
    })
}

/// A workbook's own unit by the roster: the name in its 基本信息, else its file and folder names.
fn roster_unit(roster: &Roster, file: &FileOutcome) -> Result<usize, String> {
    match file.info.as_ref().and_then(|i| i.name.as_deref()) {
        Some(name) => find_in_roster(roster, name),
        None => roster.find_in_path(&file.source.rel).ok_or_else(|| {
            "无法确定报送单位：基本信息中没有单位名称，文件名（及所在文件夹名）中也没有名册中的单位名"
                .to_string()
        }),
    }
}

/// Resolves units, duplicates and the report year over every file's outcome.
pub fn resolve(
    files: &mut [FileOutcome],
    schema: &Schema,
    roster: Option<&Roster>,
    cli_year: Option<i32>,
) -> Resolved {
    let year = cli_year.unwrap_or_else(|| infer_year(files));
    let mut units = Units {
        roster,
        found: Vec::new(),
        lookup: HashMap::new(),
        shared: Vec::new(),
    };
    let mut issues = Vec::new();

    // Each workbook's own unit. With a roster, that reads nothing but the roster (names, file
    // names, suggestions for unknown names): found on every core first.
    let own_unit = |f: &FileOutcome| f.fate == Fate::Read && f.own_unit;
    let mut by_roster: Vec<Option<Result<usize, String>>> = match roster {
        Some(r) => files
            .par_iter()
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
            (None, None) => Err(
                "无法确定报送单位：基本信息中没有单位名称（未提供名册，无法按文件名识别）"
                    .to_string(),
            ),
        };
        match found {
            Ok(i) => file.unit = Some(i),
            Err(message) => {
                // Only the rows of sheets without a 单位名称 column need the workbook's unit.
                let unitless: Vec<&SheetOutcome> = (file.sheets.iter())
                    .filter(|s| s.header.unit_column.is_none())
                    .collect();
                let rows: u32 = unitless.iter().map(|s| s.data_rows).sum();
                // A workbook with no such rows loses nothing: a blank template is not an error.
                let (level, message, act) = if rows == file.data_rows() && rows > 0 {
                    (
                        Level::Error,
                        format!("{message}；该文件 {rows} 行数据均未计入"),
                        action::FILE_REJECTED,
                    )
                } else if rows > 0 {
                    let names: Vec<&str> = unitless.iter().map(|s| s.sheet_name.as_str()).collect();
                    (
                        Level::Error,
                        format!(
                            "{message}；工作表 {} 没有“单位名称”列，其中 {rows} 行数据均未计入（有“单位名称”列的工作表按该列计入）",
                            names.join("、")
                        ),
                        action::SHEET_REJECTED,
                    )
                } else if file.data_rows() > 0 {
                    (
                        Level::Notice,
                        format!("{message}（各表均有“单位名称”列，数据按该列计入）"),
                        action::NONE,
                    )
                } else {
                    (
                        Level::Notice,
                        format!("{message}（该文件没有数据）"),
                        action::NONE,
                    )
                };
                let issue = Issue::new(level, &file.source.rel, message, act)
                    .field("单位名称")
                    .value(info_name.clone().unwrap_or_default())
                    .unit(info_name.as_deref());
                file.issues.push(issue);
            }
        }
    }

    supersede(files, year, &units);

    // Records: each to its unit, then the year check. A record that fails either is dropped
    // where it lies; the others stay with their sheet (not gathered into one list: a copy of
    // every record, and memory for all of them at once, for no reader that needs it).
    let mut totals = Totals::default();
    for (file_index, file) in files.iter_mut().enumerate() {
        totals.files_found += 1;
        match &file.fate {
            Fate::Read => totals.files_read += 1,
            Fate::Skipped(_) => totals.files_skipped += 1,
            Fate::Failed(_) => totals.files_failed += 1,
            Fate::Superseded(_) => {
                totals.files_superseded += 1;
                issues.append(&mut file.issues);
                continue;
            }
        }
        let file_unit = file.unit.map(|i| units.shared_name(i));
        // A file that could not be read still names its unit when its path holds a roster name
        // (as for the unit's 报送文件无法读取 status).
        let failed_unit = || match file.fate {
            Fate::Failed(_) => Some(units.name(units.in_path(&file.source.rel)?).to_string()),
            _ => None,
        };
        let fallback_unit = file_unit
            .as_deref()
            .map(str::to_string)
            .or_else(|| file.info.as_ref().and_then(|i| i.name.clone()))
            .or_else(failed_unit);
        let rel = file.source.rel.clone();
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
                let located = |level, message: String, col: Option<u32>| {
                    let mut issue = Issue::new(level, &rel, message, action::ROW_REJECTED)
                        .sheet(name)
                        .row(row);
                    if let Some(c) = col {
                        issue = issue.column(c);
                    }
                    issue
                };
                let unit = if record.unit.is_empty() {
                    match &file_unit {
                        Some(u) => Ok(u.clone()),
                        None if file.own_unit => Err(None),
                        None => Err(Some(located(
                            Level::Error,
                            "单位名称为空，无法确定该行属于哪个单位".into(),
                            header.unit_column,
                        ))),
                    }
                } else {
                    let unit_type = None;
                    units
                        .find(&record.unit, unit_type)
                        .map(|i| units.shared_name(i))
                        .map_err(|m| {
                            Some(
                                located(Level::Error, m, header.unit_column)
                                    .field("单位名称")
                                    .value(record.unit.to_string())
                                    .unit(Some(&record.unit)),
                            )
                        })
                };
                let unit = match unit {
                    Ok(u) => u,
                    Err(issue) => {
                        // Without an issue the file-level 错误 already speaks for the row.
                        sheet_issues.extend(issue);
                        totals.rows_rejected += 1;
                        return false;
                    }
                };
                if undated && let Err(field) = complete_month_days(record, spec, year) {
                    let d = record.values[field].as_date().unwrap_or_default();
                    let typed = format!("{}月{}日", d.month(), d.day());
                    sheet_issues.push(
                        located(
                            Level::Error,
                            format!("日期“{typed}”在{year}年不存在"),
                            header.columns[field],
                        )
                        .field(&spec.fields[field].name)
                        .value(typed)
                        .unit(Some(&unit)),
                    );
                    totals.rows_rejected += 1;
                    return false;
                }
                if let Some(d) = record.date
                    && d.year() != year
                {
                    let col = spec.date_field.and_then(|f| header.columns[f]);
                    let typed = (typed_dates.binary_search_by_key(&record.row, |(r, _)| *r))
                        .map_or_else(
                            |_| d.format("%Y-%m-%d").to_string(),
                            |i| typed_dates[i].1.clone(),
                        );
                    sheet_issues.push(
                        located(Level::Error, format!("日期不在{year}年度内"), col)
                            .field(&spec.fields[spec.date_field.unwrap_or(0)].name)
                            .value(typed)
                            .unit(Some(&unit)),
                    );
                    totals.rows_rejected += 1;
                    return false;
                }
                record.unit = unit;
                record.file = file_index;
                totals.rows_accepted += 1;
                true
            });
        }
        for issue in file
            .issues
            .iter_mut()
            .chain(file.sheets.iter_mut().flat_map(|s| s.issues.iter_mut()))
        {
            if issue.unit.is_none() {
                issue.unit = fallback_unit.clone();
            }
        }
        issues.append(&mut file.issues);
        for sheet in &mut file.sheets {
            issues.append(&mut sheet.issues);
        }
    }
    let statuses = statuses(files, &units);
    Resolved {
        year,
        issues,
        units: statuses,
        totals,
    }
}

/// Gives the record's month-day dates (`coerce::UNDATED`) the report year; `Err(field)` for
/// the first that has no such day in it (`2月29日`).
fn complete_month_days(
    record: &mut Record,
    spec: &crate::schema::SheetSpec,
    year: i32,
) -> Result<(), usize> {
    for (i, value) in record.values.iter_mut().enumerate() {
        if let Value::Date(d) = value
            && d.year() == UNDATED
        {
            *d = d.with_year(year).ok_or(i)?;
        }
    }
    record.date = spec.date_field.and_then(|f| record.values[f].as_date());
    Ok(())
}

/// The report year when `--year` is not given: the most common 填报年度, else the most common
/// year of the records' dates (month-day dates aside: they take it); ties go to the later year.
fn infer_year(files: &[FileOutcome]) -> i32 {
    let mut counts: BTreeMap<i32, usize> = BTreeMap::new();
    for file in files {
        if let Some(y) = file.info.as_ref().and_then(|i| i.year) {
            *counts.entry(y).or_default() += 1;
        }
    }
    if counts.is_empty() {
        for record in files.iter().flat_map(FileOutcome::records) {
            if let Some(d) = record.date.filter(|d| d.year() != UNDATED) {
                *counts.entry(d.year()).or_default() += 1;
            }
        }
    }
    counts
        .into_iter()
        .max_by_key(|&(y, n)| (n, y))
        .map_or_else(|| chrono::Local::now().year(), |(y, _)| y)
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
                    format!("已被较新报送替代: {winner_rel}"),
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
            (Fate::Read | Fate::Superseded(_), Some(u)) => submitted[u] = true,
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
