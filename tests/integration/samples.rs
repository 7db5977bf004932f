//! `huizong samples`: the committed `samples/` is exactly what the command makes, and `check`
//! finds every planted mistake in a generated county — and no error or warning that was not
//! planted.

use crate::workdir::{Workdir, repo};
use huizong_samples::{SamplesOptions, generate};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

#[test]
fn committed_samples_are_what_the_command_makes() {
    let wd = Workdir::new();
    let run = wd.run(&["samples", "--units", "40", "--out", "county"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let made = contents(&wd.path("county"));
    let committed = contents(&repo().join("samples"));
    assert_eq!(
        made.keys().collect::<Vec<_>>(),
        committed.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &made {
        assert!(
            committed[name] == *bytes,
            "samples/{name} differs from `huizong samples --units 40` output"
        );
    }
}

/// The code the tool gives each kind of planted mistake (`docs/issues.md#issue-codes`). The
/// generator shares no code with the tool, so the two vocabularies meet only here.
fn code_of(planted: &str) -> &'static str {
    match planted {
        "unknown_enum" | "unknown_enum_close" => "not-in-list",
        "date_out_of_year" => "date-out-of-year",
        "invalid_date" => "not-a-date",
        "required_blank" => "required-empty",
        "invalid_optional" => "not-integer",
        "check_not_greater" | "check_mismatch" => "check-failed",
        "totals_row" => "totals-row",
        "extra_columns" => "extra-columns",
        "missing_sheet" => "sheet-missing",
        "superseded" => "superseded",
        "unknown_unit" => "unknown-unit",
        "skipped" => "file-skipped",
        other => panic!("no code for planted kind {other}"),
    }
}

fn check_finds_every_plant(units: usize, seed: u64) {
    let wd = Workdir::new();
    let report = generate(&SamplesOptions {
        units,
        year: 2026,
        seed,
        out: wd.path("county"),
    })
    .unwrap();
    let run = wd.run(&["check", "county", "--json"]);
    let issues: Vec<Value> = run.json_lines();
    let planted: Vec<&huizong_samples::Planted> = report
        .planted
        .iter()
        .filter(|p| p.kind != "missing")
        .collect();
    for p in &planted {
        let found = issues.iter().any(|r| {
            r["code"] == code_of(p.kind)
                && r["file"] == p.file.as_str()
                && r["level"] == p.level
                && (p.row.is_none() || r["row"] == p.row.unwrap())
                && (p.row.is_none()
                    || p.sheet.is_none()
                    || r["sheet"] == p.sheet.as_deref().unwrap())
        });
        assert!(found, "planted {p:?} not reported");
    }
    for r in issues.iter().filter(|r| r["level"] != "提示") {
        let planted_here = planted.iter().any(|p| {
            r["code"] == code_of(p.kind)
                && r["file"] == p.file.as_str()
                && r["level"] == p.level
                && (p.row.is_none() || r["row"] == p.row.unwrap())
        });
        assert!(planted_here, "unplanted issue {r}");
    }
    let missing = report
        .planted
        .iter()
        .filter(|p| p.kind == "missing")
        .count();
    assert!(
        run.stderr().contains(&format!("未报送 {missing}")),
        "{}",
        run.stderr()
    );
}

#[test]
fn check_finds_exactly_the_planted_mistakes_in_40_units() {
    check_finds_every_plant(40, 2026);
}

#[test]
fn check_finds_exactly_the_planted_mistakes_in_200_units_of_another_seed() {
    check_finds_every_plant(200, 7);
}
