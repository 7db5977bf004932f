//! The run from paths to checked records: discover, then read + locate + validate each file in
//! parallel (rayon, one level only), then resolve units and years sequentially. It owns the
//! per-file outcome and the reconciliation totals; it must not format output.

use crate::error::Result;
use crate::info::read_info;
use crate::ingest::readahead::ReadAhead;
use crate::ingest::{self, Candidate};
use crate::issue::{Issue, Level, action};
use crate::locate::{Role, find_header, role_by_content, role_by_name};
use crate::outcome::{Checked, Fate, FileOutcome, Source};
use crate::resolve;
use crate::roster::{Roster, is_roster_name};
use crate::settings::Settings;
use crate::stages::Stages;
use crate::validate::{Context, validate_sheet};
use rayon::prelude::*;

/// Progress of a run, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// How many files were found.
    Found(usize),
    /// One more file was read.
    Read,
}

/// Reads and checks every input file, reporting progress as it goes.
/// Parallel stages run on the thread pool the caller installed (`Settings::install`).
pub fn check(settings: &Settings, progress: &(dyn Fn(Progress) + Sync)) -> Result<Checked> {
    let schema = &settings.schema;
    let stage = Stages::new("  ");
    let ingest::Found {
        mut sources,
        errors: walk_errors,
        hidden_folders,
    } = ingest::discover(&settings.inputs);
    stage.done("discover");
    let roster_path = settings.roster.clone().or_else(|| {
        sources
            .iter()
            .find(|s| is_roster_name(&s.path))
            .map(|s| s.path.clone())
    });
    let mut issues = Vec::new();
    let roster = match &roster_path {
        Some(path) => {
            let (roster, warnings) = Roster::load(path)?;
            for w in warnings {
                issues.push(Issue::new(
                    Level::Warning,
                    &path.display().to_string(),
                    w,
                    action::NONE,
                ));
            }
            Some(roster)
        }
        None => None,
    };
    if let Some(path) = &roster_path {
        // Only a file of the roster's size can be the roster: the others are spared a canonical
        // path, which costs a system call per folder level of every file.
        let size = std::fs::metadata(path).ok().map(|m| m.len());
        sources.retain(|s| !(size.is_none_or(|n| n == s.size) && same_file(&s.path, path)));
    }
    // Another file named as a roster (a 名册.csv among the inputs while `--roster` names one
    // elsewhere) is no submission: skipped with a 提示, not read as a ledger.
    let mut other_rosters: Vec<FileOutcome> = match &roster_path {
        Some(path) => {
            let (named, rest): (Vec<Source>, Vec<Source>) =
                sources.into_iter().partition(|s| is_roster_name(&s.path));
            sources = rest;
            let why = format!("另一份名册（本次使用的名册是 {}）", path.display());
            (named.iter())
                .map(|source| FileOutcome::skipped(source, why.clone()))
                .collect()
        }
        None => Vec::new(),
    };
    for (place, message) in walk_errors {
        issues.push(Issue::new(
            Level::Error,
            &place,
            message,
            action::FILE_SKIPPED,
        ));
    }
    for folder in hidden_folders {
        issues.push(Issue::new(
            Level::Notice,
            &folder,
            "隐藏文件夹，其中的文件均未读取；如有报送文件，请移出该文件夹",
            action::FOLDER_SKIPPED,
        ));
    }
    if settings.expects_roster && roster.is_none() {
        // Not an error (the run ranks whoever submitted), but never a silent one. Only `run`
        // says it: `check` makes no 未报送 list, and a filled template checks clean alone.
        issues.push(Issue::new(
            Level::Warning,
            "",
            "未提供名册：单位以报送的为准，单位类型取自各单位基本信息，无法列出未报送单位；请用 --roster 指定名册，或在输入文件夹中放入 名册.csv / 名册.xlsx",
            action::NONE,
        ));
    }
    stage.done("roster");
    progress(Progress::Found(sources.len()));
    // Files are taken in the order found (not split among the workers), so that the thread
    // reading ahead asks the disk for the ones they take next.
    let ahead = ReadAhead::default();
    let (mut files, ()): (Vec<FileOutcome>, ()) = std::thread::scope(|s| {
        s.spawn(|| ahead.run(&sources));
        let _finish = ahead.finishing();
        rayon::join(
            || {
                sources
                    .iter()
                    .par_bridge()
                    .map(|source| {
                        ahead.take(source);
                        let outcome = examine(source, settings);
                        progress(Progress::Read);
                        outcome
                    })
                    .collect()
            },
            // Not on the way to the first file: the roster's name search is built meanwhile.
            || roster.as_ref().map_or((), Roster::prepare),
        )
    });
    files.append(&mut other_rosters);
    files.sort_by(|a, b| a.source.rel.cmp(&b.source.rel));
    stage.done("read");
    let resolved = resolve::resolve(&mut files, schema, roster.as_ref(), settings.year);
    stage.done("resolve");
    issues.extend(resolved.issues);
    issues.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let totals = resolved.totals;
    Ok(Checked {
        year: resolved.year,
        files,
        issues,
        units: resolved.units,
        roster: roster_path,
        totals,
    })
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// Reads, locates and validates one file. Never fails: every problem becomes an issue.
pub fn examine(source: &Source, settings: &Settings) -> FileOutcome {
    let (schema, cli_year) = (&settings.schema, settings.year);
    let file = source.rel.as_str();
    if let Candidate::Skip(why) = ingest::classify(&source.path) {
        return FileOutcome::skipped(source, why.to_string());
    }
    let failed = |message: String, sha256: Option<String>| {
        let mut out = FileOutcome::new(source, Fate::Failed(message.clone()));
        out.sha256 = sha256;
        out.issues.push(Issue::new(
            Level::Error,
            file,
            message,
            action::FILE_SKIPPED,
        ));
        out
    };
    let loaded = match ingest::load(source) {
        Ok(loaded) => loaded,
        Err(e) => return failed(e.message, None),
    };
    let stem = source
        .path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("");
    let workbook = match ingest::parse(&loaded.bytes, stem, settings.max_cells) {
        Ok(workbook) => workbook,
        Err(e) => return failed(e.message, Some(loaded.sha256)),
    };
    drop(loaded.bytes);
    let mut out = FileOutcome::new(source, Fate::Read);
    out.sha256 = Some(loaded.sha256);
    out.format = Some(workbook.format);
    for e in &workbook.errors {
        out.issues.push(
            Issue::new(
                Level::Error,
                file,
                e.message.clone(),
                action::SHEET_REJECTED,
            )
            .sheet(&e.sheet),
        );
    }
    for skipped in &workbook.skipped {
        out.issues.push(
            Issue::new(
                Level::Notice,
                file,
                skipped.message.clone(),
                action::SHEET_SKIPPED,
            )
            .sheet(&skipped.sheet),
        );
    }
    for w in &workbook.warnings {
        out.issues.push(Issue::new(
            Level::Warning,
            file,
            w.clone(),
            action::ACCEPTED,
        ));
    }

    // Which sheet is which: names first, then headers for the sheets no name claimed.
    let roles: Vec<Option<(Role, Option<crate::outcome::Header>)>> = workbook
        .sheets
        .iter()
        .map(|sheet| match role_by_name(schema, &sheet.name) {
            _ if is_template_aid(&sheet.name) => None,
            Some(role) => Some((role, None)),
            None if sheet.visible => role_by_content(schema, sheet),
            None => None,
        })
        .collect();

    let info_sheet = roles
        .iter()
        .position(|r| matches!(r, Some((Role::Info, _))));
    let mut year = cli_year;
    if let (Some(i), Some(spec)) = (info_sheet, &schema.info) {
        let (info, info_issues) = read_info(&workbook.sheets[i], spec, file, cli_year);
        out.issues.extend(info_issues);
        if let Some(version) = info.schema_version.as_deref()
            && version != schema.version
        {
            out.issues.push(
                Issue::new(
                    Level::Warning,
                    file,
                    format!(
                        "该文件用方案版本 {version} 的模板填写，当前方案版本为 {}；请核对表头和选项是否与新模板一致",
                        schema.version
                    ),
                    action::ACCEPTED,
                )
                .sheet(&workbook.sheets[i].name),
            );
        }
        year = year.or(info.year);
        out.info = Some(info);
    }
    let year = year.or_else(|| year_in_name(&source.rel));
    let ctx = Context {
        file,
        year,
        report_year: cli_year,
    };

    for sheet in &workbook.sheets {
        if let Some(&(r, c)) = sheet.duplicates.first() {
            let more = match sheet.duplicates.len() {
                1 => String::new(),
                n => format!("等 {n} 个单元格"),
            };
            let cell = format!("{}{}", crate::issue::column_letter(c), r + 1);
            out.issues.push(
                Issue::new(
                    Level::Warning,
                    file,
                    format!("文件中 {cell} {more}出现了两次（文件结构异常），已采用第一次的值；请用 Excel 或 WPS 打开核对后另存"),
                    action::ACCEPTED,
                )
                .sheet(&sheet.name)
                .row(r)
                .column(c),
            );
        }
    }
    let mut seen = vec![false; schema.sheets.len()];
    // A sheet that could not be read was not missing: its 错误 already speaks for it.
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
                        out.issues.push(
                        Issue::new(
                            Level::Error,
                            file,
                            format!(
                                "前 {} 行中未找到“{}”的表头行（至少一半列名须与模板相同），该表未读取；请按模板表头填写",
                                crate::locate::HEADER_SEARCH_ROWS,
                                spec.name
                            ),
                            action::SHEET_REJECTED,
                        )
                        .sheet(&sheet.name),
                        )
                    }
                    None => {}
                }
            }
            Some((Role::Info, _)) => {}
            None if !sheet.rows.is_empty() && sheet.visible && !is_template_aid(&sheet.name) => {
                out.issues.push(
                    Issue::new(
                        Level::Notice,
                        file,
                        "不是模板中的工作表，已忽略".to_string(),
                        action::NONE,
                    )
                    .sheet(&sheet.name),
                )
            }
            None => {}
        }
    }
    out.own_unit |= out.info.is_some();
    if !seen.iter().any(|s| *s) && out.info.is_none() {
        let names: Vec<&str> = schema.sheets.iter().map(|s| s.name.as_str()).collect();
        out.issues.push(Issue::new(
            Level::Warning,
            file,
            format!("未找到任何模板工作表（{}），该文件无数据", names.join("、")),
            action::NONE,
        ));
    } else if out.own_unit {
        for (spec, _) in schema.sheets.iter().zip(&seen).filter(|(_, s)| !**s) {
            out.issues.push(
                Issue::new(
                    Level::Notice,
                    file,
                    "未找到工作表，按无记录处理".to_string(),
                    action::SHEET_EMPTY,
                )
                .sheet(&spec.name),
            );
        }
    }
    out
}

/// The template's own sheets (instructions, dropdown lists), which hold no records.
fn is_template_aid(name: &str) -> bool {
    // The template's own names are already in normal form.
    [crate::schema::GUIDE_SHEET, crate::schema::LIST_SHEET]
        .contains(&crate::normalize::trim_cell(name))
        || [crate::schema::GUIDE_SHEET, crate::schema::LIST_SHEET]
            .contains(&crate::normalize::normalize(name).as_str())
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
