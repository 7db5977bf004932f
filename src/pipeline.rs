//! The first half of a run, from paths to checked records: discover the files, take the roster
//! out of them, examine every file in parallel (rayon, one level only), then resolve units and
//! years. It orchestrates and owns no rule of its own; it must not format output.

use crate::error::{Error, Result};
use crate::examine::examine;
use crate::ingest::discover::{Unread, Unsearched};
use crate::ingest::{self, readahead::ReadAhead};
use crate::issue::{Issue, Kind, Level, action};
use crate::outcome::{Checked, Fate, FileOutcome, Source};
use crate::resolve;
use crate::roster::{Roster, is_roster_name};
use crate::settings::Settings;
use crate::stages::Stages;
use chrono::Datelike;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Progress of a run, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// How many files were found.
    Found(usize),
    /// One more file was read.
    Read,
}

/// Reads and checks every input file, reporting progress as it goes. Parallel stages run on the
/// thread pool the caller installed (`Settings::install`).
pub fn check(settings: &Settings, progress: &(dyn Fn(Progress) + Sync)) -> Result<Checked> {
    let stage = Stages::new("  ");
    let found = ingest::discover(&settings.inputs, &settings.leave_out);
    stage.done("discover");
    let mut issues: Vec<Issue> = (found.unsearched.iter())
        .map(|(folder, why)| unsearched(folder, why))
        .collect();
    // The run's own `--out` inside an input folder is said once, whether or not it exists yet:
    // so that the first run and the next give the same issues.
    for out in &settings.leave_out {
        // Named as the search names folders: by its path under the input.
        let shown = (settings.inputs.iter())
            .find_map(|input| {
                let rel = out.strip_prefix(input.canonicalize().ok()?).ok()?;
                Some(rel.display().to_string())
            })
            .unwrap_or_else(|| out.display().to_string());
        issues.push(unsearched(&shown, &Unsearched::Reports));
    }
    let settled = (found.unread.into_iter()).map(|(source, why)| unread(&source, why));
    let inputs = take_roster(settings, found.sources)?;
    issues.extend(inputs.issues);
    stage.done("roster");
    progress(Progress::Found(inputs.sources.len()));
    let mut files = read_all(settings, &inputs.sources, inputs.roster.as_ref(), progress);
    files.extend(inputs.other_rosters);
    files.extend(settled);
    files.sort_by(|a, b| a.source.rel.cmp(&b.source.rel));
    stage.done("read");
    let resolved = resolve::resolve(
        files,
        &settings.schema,
        inputs.roster.as_ref(),
        resolve::Asked {
            year: settings.year,
            as_of: settings.as_of,
            today: settings.today,
        },
    );
    stage.done("resolve");
    if resolved.as_of.year() != resolved.year {
        return Err(Error::Usage(format!(
            "--as-of {} 不在考核年度 {} 年内",
            resolved.as_of, resolved.year
        )));
    }
    issues.extend(resolved.issues);
    issues.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok(Checked {
        year: resolved.year,
        as_of: resolved.as_of,
        files: resolved.files,
        issues,
        units: resolved.units,
        roster: inputs.roster_path,
        totals: resolved.totals,
    })
}

/// The input files once the roster is taken out of them.
struct Inputs {
    /// The files to read.
    sources: Vec<Source>,
    roster: Option<Roster>,
    roster_path: Option<PathBuf>,
    /// Other files named as a roster, skipped.
    other_rosters: Vec<FileOutcome>,
    issues: Vec<Issue>,
}

/// Loads the roster (`--roster`, else the first 名册.* or roster.* among the inputs) and takes it,
/// and any other file named as a roster, out of the files to read.
fn take_roster(settings: &Settings, mut sources: Vec<Source>) -> Result<Inputs> {
    let roster_path = settings.roster.clone().or_else(|| {
        (sources.iter())
            .find(|s| is_roster_name(&s.path))
            .map(|s| s.path.clone())
    });
    let mut issues = Vec::new();
    let Some(path) = roster_path else {
        if settings.expects_roster {
            // Not an error (the run ranks whoever submitted), but never a silent one. Only `run`
            // says it: `check` makes no 未报送 list, and a filled template checks clean alone.
            issues.push(Issue::new(Level::Warning, "", Kind::NoRoster, action::NONE));
        }
        return Ok(Inputs {
            sources,
            roster: None,
            roster_path: None,
            other_rosters: Vec::new(),
            issues,
        });
    };
    let (roster, warnings) = Roster::load(&path, &settings.schema.unit_types)?;
    let shown = path.display().to_string();
    for why in warnings {
        let kind = Kind::Roster { why };
        issues.push(Issue::new(Level::Warning, &shown, kind, action::NONE));
    }
    // Only a file of the roster's size can be the roster: the others are spared a canonical
    // path, which costs a system call per folder level of every file.
    let size = std::fs::metadata(&path).ok().map(|m| m.len());
    sources.retain(|s| !(size.is_none_or(|n| n == s.size) && same_file(&s.path, &path)));
    // Another file named as a roster (a 名册.csv among the inputs while `--roster` names one
    // elsewhere) is no submission: skipped with a 提示, not read as a ledger.
    let (named, sources): (Vec<Source>, Vec<Source>) =
        sources.into_iter().partition(|s| is_roster_name(&s.path));
    let why = format!("另一份名册（本次使用的名册是 {shown}）");
    let other_rosters = (named.iter())
        .map(|source| FileOutcome::skipped(source, why.clone()))
        .collect();
    Ok(Inputs {
        sources,
        roster: Some(roster),
        roster_path: Some(path),
        other_rosters,
        issues,
    })
}

/// The 提示 (or 错误) of a folder not searched.
fn unsearched(folder: &str, why: &Unsearched) -> Issue {
    let (level, kind) = match why {
        Unsearched::Hidden => (Level::Notice, Kind::HiddenFolder),
        Unsearched::Reports => (Level::Notice, Kind::ReportFolder),
        Unsearched::Unlistable(why) => (Level::Error, Kind::PathUnreadable { why: why.clone() }),
        Unsearched::Link { target, looped } => {
            let (target, looped) = (target.clone(), *looped);
            (Level::Notice, Kind::LinkSkipped { target, looped })
        }
        Unsearched::SameAs(first) => (
            Level::Notice,
            Kind::SameFile {
                first: first.clone(),
            },
        ),
    };
    Issue::new(level, folder, kind, action::FOLDER_SKIPPED)
}

/// The outcome of a file found that will not be read: it counts among the files found.
fn unread(source: &Source, why: Unread) -> FileOutcome {
    let (fate, level, kind, act) = match why {
        Unread::Unreadable(why) => (
            Fate::Failed(why.clone()),
            Level::Error,
            Kind::PathUnreadable { why },
            action::FILE_SKIPPED,
        ),
        Unread::LinkOutside(target) => {
            let kind = Kind::LinkSkipped {
                target,
                looped: false,
            };
            let fate = Fate::Skipped(kind.to_string());
            (fate, Level::Notice, kind, action::FILE_SKIPPED)
        }
        Unread::InReports => {
            let fate = Fate::Skipped(Kind::ReportFolder.to_string());
            (
                fate,
                Level::Notice,
                Kind::ReportFolder,
                action::FILE_SKIPPED,
            )
        }
        Unread::SameAs(first) => (
            Fate::Duplicate(first.clone()),
            Level::Notice,
            Kind::SameFile { first },
            action::FILE_SUPERSEDED,
        ),
    };
    let mut out = FileOutcome::new(source, fate);
    (out.issues).push(Issue::new(level, &source.rel, kind, act));
    out
}

/// Examines every file on every core, in the order found (not split among the workers), so that
/// the thread reading ahead asks the disk for the ones they take next.
fn read_all(
    settings: &Settings,
    sources: &[Source],
    roster: Option<&Roster>,
    progress: &(dyn Fn(Progress) + Sync),
) -> Vec<FileOutcome> {
    let ahead = ReadAhead::default();
    let (files, ()) = std::thread::scope(|s| {
        s.spawn(|| ahead.run(sources));
        let _finish = ahead.finishing();
        rayon::join(
            || {
                (sources.iter().par_bridge())
                    .map(|source| {
                        ahead.take(source);
                        let outcome = examine(source, settings);
                        progress(Progress::Read);
                        outcome
                    })
                    .collect()
            },
            // Not on the way to the first file: the roster's name search is built meanwhile.
            || roster.map_or((), Roster::prepare),
        )
    });
    files
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}
