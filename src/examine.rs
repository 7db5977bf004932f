//! One input file from bytes to checked rows: open it, tell which sheet is which, read its
//! 基本信息, and validate every ledger sheet (`docs/inputs.md`). It runs on every core, one file
//! per call, and never fails: every problem becomes an issue of the file's outcome. It must not
//! look at other files or at the roster: units and years are resolved once all files are read.

use crate::info::read_info;
use crate::ingest::{self, Candidate, Workbook};
use crate::issue::{Issue, Kind, Level, action};
use crate::locate::{HEADER_SEARCH_ROWS, Role, find_header, role_by_content, role_by_name};
use crate::normalize::{normalize, trim_cell};
use crate::outcome::{Fate, FileOutcome, Header, Source};
use crate::schema::{GUIDE_SHEET, LIST_SHEET, Schema};
use crate::settings::Settings;
use crate::sheet::Cell;
use crate::validate::{Context, validate_sheet};

/// What a workbook sheet was taken for: a schema role, with its header row when the role was
/// found by the header.
type SheetRole = Option<(Role, Option<Header>)>;

/// Reads, locates and validates one file. Never fails: every problem becomes an issue.
pub fn examine(source: &Source, settings: &Settings) -> FileOutcome {
    let (mut out, workbook) = match open(source, settings.max_cells) {
        Opened::Read(out, workbook) => (out, workbook),
        Opened::Done(outcome) => return outcome,
    };
    if let Some(what) = own_output(&workbook) {
        return FileOutcome::skipped(source, format!("{what}，不作为报送材料读取"));
    }
    let schema = &settings.schema;
    let file = source.rel.as_str();
    reader_issues(&workbook, file, &mut out.issues);
    let roles = sheet_roles(schema, &workbook);
    let year = read_info_sheet(schema, &workbook, &roles, settings.year, &mut out);
    let declared = out.info.as_ref().and_then(|i| i.name.clone());
    let ctx = Context {
        file,
        unit: declared.as_deref(),
        year: year.or_else(|| year_in_name(&source.rel)),
        report_year: settings.year,
    };
    duplicate_cell_issues(&workbook, file, &mut out.issues);
    let seen = validate_ledgers(schema, &workbook, roles, ctx, &mut out);
    out.own_unit |= out.info.is_some();
    missing_sheet_issues(schema, &seen, file, &mut out);
    out
}

/// A file opened: read, or done with (skipped by its name, or unreadable).
enum Opened {
    Read(FileOutcome, Workbook),
    Done(FileOutcome),
}

/// Loads and parses the file; a file skipped by its name or that cannot be read comes back as
/// its final outcome.
fn open(source: &Source, max_cells: usize) -> Opened {
    if let Candidate::Skip(why) = ingest::classify(&source.path) {
        return Opened::Done(FileOutcome::skipped(source, why.to_string()));
    }
    let failed = |why, sha256| FileOutcome::failed(source, why, sha256);
    let loaded = match ingest::load(source) {
        Ok(loaded) => loaded,
        Err(e) => return Opened::Done(failed(e.message, None)),
    };
    let stem = (source.path.file_stem())
        .and_then(|s| s.to_str())
        .unwrap_or("");
    let workbook = match ingest::parse(loaded.bytes, stem, max_cells) {
        Ok(workbook) => workbook,
        Err(e) => return Opened::Done(failed(e.message, Some(loaded.sha256))),
    };
    let mut out = FileOutcome::new(source, Fate::Read);
    out.sha256 = Some(loaded.sha256);
    out.format = Some(workbook.format);
    Opened::Read(out, workbook)
}

/// What the reader said about sheets it could not read or skipped, and about the file.
fn reader_issues(workbook: &Workbook, file: &str, issues: &mut Vec<Issue>) {
    for e in &workbook.errors {
        let why = e.message.clone();
        issues.push(
            Issue::new(
                Level::Error,
                file,
                Kind::SheetUnreadable { why },
                action::SHEET_REJECTED,
            )
            .sheet(&e.sheet),
        );
    }
    for skipped in &workbook.skipped {
        let why = skipped.message.clone();
        issues.push(
            Issue::new(
                Level::Notice,
                file,
                Kind::SheetSkipped { why },
                action::SHEET_SKIPPED,
            )
            .sheet(&skipped.sheet),
        );
    }
    for why in &workbook.warnings {
        let kind = Kind::FileDamaged { why: why.clone() };
        issues.push(Issue::new(Level::Warning, file, kind, action::ACCEPTED));
    }
}

/// Which sheet is which: names first, then headers for the visible sheets no name claimed.
fn sheet_roles(schema: &Schema, workbook: &Workbook) -> Vec<SheetRole> {
    (workbook.sheets.iter())
        .map(|sheet| match role_by_name(schema, &sheet.name) {
            _ if is_template_aid(&sheet.name) => None,
            Some(role) => Some((role, None)),
            None if sheet.visible => role_by_content(schema, sheet),
            None => None,
        })
        .collect()
}

/// Reads the 基本信息 sheet, when there is one, into `out.info`; returns the file's own year
/// as far as it is known (`--year`, else its 填报年度).
fn read_info_sheet(
    schema: &Schema,
    workbook: &Workbook,
    roles: &[SheetRole],
    cli_year: Option<i32>,
    out: &mut FileOutcome,
) -> Option<i32> {
    let file = out.source.rel.as_str();
    let info_sheet = roles
        .iter()
        .position(|r| matches!(r, Some((Role::Info, _))));
    let (Some(i), Some(spec)) = (info_sheet, &schema.info) else {
        return cli_year;
    };
    let sheet = &workbook.sheets[i];
    let (info, info_issues) = read_info(sheet, spec, file, cli_year);
    out.issues.extend(info_issues);
    if let Some(version) = info.schema_version.as_deref()
        && version != schema.version
    {
        let kind = Kind::SchemaVersion {
            found: version.to_string(),
            current: schema.version.clone(),
        };
        let issue = Issue::new(Level::Warning, file, kind, action::ACCEPTED).sheet(&sheet.name);
        out.issues.push(issue);
    }
    let year = cli_year.or(info.year);
    out.info = Some(info);
    year
}

/// One 警告 per sheet whose XML holds a cell twice, at the first such cell.
fn duplicate_cell_issues(workbook: &Workbook, file: &str, issues: &mut Vec<Issue>) {
    for sheet in &workbook.sheets {
        if let Some(&(r, c)) = sheet.duplicates.first() {
            let kind = Kind::DuplicateCell {
                cell: format!("{}{}", crate::issue::column_letter(c), r + 1),
                count: sheet.duplicates.len(),
            };
            issues.push(
                Issue::new(Level::Warning, file, kind, action::ACCEPTED)
                    .sheet(&sheet.name)
                    .row(r)
                    .column(c),
            );
        }
    }
}

/// Validates every ledger sheet into `out.sheets`; returns which schema sheets the workbook has
/// (a sheet that could not be read was not missing: its 错误 already speaks for it).
fn validate_ledgers(
    schema: &Schema,
    workbook: &Workbook,
    roles: Vec<SheetRole>,
    ctx: Context<'_>,
    out: &mut FileOutcome,
) -> Vec<bool> {
    let file = ctx.file;
    let mut seen = vec![false; schema.sheets.len()];
    for e in &workbook.errors {
        if let Some(Role::Ledger(i)) = role_by_name(schema, &e.sheet) {
            seen[i] = true;
        }
    }
    for (sheet, role) in workbook.sheets.iter().zip(roles) {
        match role {
            Some((Role::Ledger(i), header)) => {
                seen[i] = true;
                let spec = &schema.sheets[i];
                match header.or_else(|| find_header(sheet, spec)) {
                    Some(header) => {
                        out.own_unit |= header.unit_column.is_none();
                        out.sheets.push(validate_sheet(sheet, i, spec, header, ctx));
                    }
                    None if sheet.rows.len() > 1 => {
                        // The workbook still speaks for its unit, which did submit.
                        out.own_unit = true;
                        let kind = Kind::HeaderNotFound {
                            sheet: spec.name.clone(),
                            rows: HEADER_SEARCH_ROWS,
                        };
                        out.issues.push(
                            Issue::new(Level::Error, file, kind, action::SHEET_REJECTED)
                                .sheet(&sheet.name),
                        );
                    }
                    None => {}
                }
            }
            Some((Role::Info, _)) => {}
            // Hidden or not: a sheet with something in it is never passed over without a word.
            None if !sheet.rows.is_empty() && !is_template_aid(&sheet.name) => {
                out.issues.push(
                    Issue::new(Level::Notice, file, Kind::UnknownSheet, action::NONE)
                        .sheet(&sheet.name),
                );
            }
            None => {}
        }
    }
    seen
}

/// A workbook with no template sheet says so; a unit's workbook names each ledger it lacks.
fn missing_sheet_issues(schema: &Schema, seen: &[bool], file: &str, out: &mut FileOutcome) {
    if !seen.iter().any(|s| *s) && out.info.is_none() {
        let sheets = schema.sheets.iter().map(|s| s.name.clone()).collect();
        let kind = Kind::NoTemplateSheet { sheets };
        out.issues
            .push(Issue::new(Level::Warning, file, kind, action::NONE));
    } else if out.own_unit {
        // The quotas the missing sheet would count, for the unit's type when 基本信息 gives one.
        let unit_type = (out.info.as_ref().and_then(|i| i.unit_type.as_deref()))
            .filter(|t| schema.unit_types.iter().any(|u| u == t));
        for (index, spec) in (schema.sheets.iter().enumerate()).filter(|(i, _)| !seen[*i]) {
            let rules = schema.rules_counting(index, unit_type);
            let level = match rules.is_empty() {
                true => Level::Notice,
                false => Level::Warning,
            };
            let kind = Kind::SheetMissing { rules };
            out.issues
                .push(Issue::new(level, file, kind, action::SHEET_EMPTY).sheet(&spec.name));
        }
    }
}

/// What the tool itself writes, told by its shape — a 明细 CSV (`单位名称,文件,行,…`), a summary
/// workbook (总览, 排名, 说明), a feedback workbook (反馈说明, 报送问题) — when a copy of it lies
/// among the inputs: never read as a submission (`docs/inputs.md#reports-among-the-inputs`).
fn own_output(workbook: &Workbook) -> Option<&'static str> {
    let has = |names: &[&str]| (names.iter()).all(|n| workbook.sheets.iter().any(|s| s.name == *n));
    if has(&["总览", "排名", "说明"]) {
        return Some("huizong 生成的汇总表");
    }
    if has(&["反馈说明", "报送问题"]) {
        return Some("huizong 生成的反馈表");
    }
    let detail = (workbook.sheets.iter()).any(|s| {
        s.rows.first().is_some_and(|row| {
            let text = |c: u32| match row.get(c) {
                Some(Cell::Text(t)) => Some(trim_cell(t)),
                _ => None,
            };
            [text(0), text(1), text(2)] == [Some("单位名称"), Some("文件"), Some("行")]
        })
    });
    detail.then_some("huizong 生成的明细文件")
}

/// The template's own sheets (instructions, dropdown lists), which hold no records.
fn is_template_aid(name: &str) -> bool {
    // The template's own names are already in normal form.
    [GUIDE_SHEET, LIST_SHEET].contains(&trim_cell(name))
        || [GUIDE_SHEET, LIST_SHEET].contains(&normalize(name).as_str())
}

/// A four-digit year between 2000 and 2100 in a file name (`…2026年台账.xlsx`).
fn year_in_name(rel: &str) -> Option<i32> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let bytes = name.as_bytes();
    (0..bytes.len().saturating_sub(3)).find_map(|i| {
        let window = &bytes[i..i + 4];
        let boundary = |j: Option<&u8>| j.is_none_or(|b| !b.is_ascii_digit());
        (window.iter().all(u8::is_ascii_digit)
            && boundary(i.checked_sub(1).and_then(|j| bytes.get(j)))
            && boundary(bytes.get(i + 4)))
        .then(|| std::str::from_utf8(window).ok()?.parse::<i32>().ok())
        .flatten()
        .filter(|y| (2000..=2100).contains(y))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_is_taken_from_the_file_name() {
        assert_eq!(year_in_name("乡镇/龙爪镇2026年台账.xlsx"), Some(2026));
        assert_eq!(year_in_name("20260305导出.csv"), None);
        assert_eq!(year_in_name("台账.xlsx"), None);
    }
}
