//! Tests of the demo county: the plants, determinism, the calendar and the name tables. They
//! check what the generator writes by itself; they must not call huizong's readers (that the
//! readers find every plant is tested by the root crate's integration tests).

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use super::ledgers::{Date, iso_workweeks};
use super::names::{self, UnitKind};
use super::*;

/// A fresh folder under the system temp dir, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("huizong-samples-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn options(units: usize, out: &Path) -> SamplesOptions {
    SamplesOptions {
        units,
        year: 2026,
        seed: 7,
        out: out.to_path_buf(),
    }
}

/// Every file under `dir` with its bytes, keyed by relative path.
fn contents(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.insert(
                    path.strip_prefix(dir).unwrap().to_path_buf(),
                    fs::read(&path).unwrap(),
                );
            }
        }
    }
    files
}

#[test]
fn forty_units_get_every_planted_mistake_exactly_once() {
    let scratch = Scratch::new("forty");
    let report = generate(&options(40, &scratch.0)).unwrap();
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for plant in &report.planted {
        *kinds.entry(plant.kind).or_default() += 1;
    }
    assert_eq!(
        kinds.remove("missing_sheet"),
        Some(3),
        "three units use the online form"
    );
    let expected = [
        "check_mismatch",
        "check_not_greater",
        "date_out_of_year",
        "extra_columns",
        "invalid_date",
        "invalid_optional",
        "missing",
        "required_blank",
        "skipped",
        "superseded",
        "totals_row",
        "unknown_enum",
        "unknown_enum_close",
        "unknown_unit",
    ];
    assert_eq!(kinds.keys().copied().collect::<Vec<_>>(), expected);
    assert!(kinds.values().all(|&n| n == 1), "{kinds:?}");
    for plant in report.planted.iter().filter(|p| !p.file.is_empty()) {
        assert!(
            scratch.0.join(&plant.file).is_file(),
            "{} was not written",
            plant.file
        );
    }
    assert_eq!(report.files_written, contents(&scratch.0).len());
}

#[test]
fn same_options_write_byte_identical_files() {
    let (first, second) = (Scratch::new("first"), Scratch::new("second"));
    let a = generate(&options(45, &first.0)).unwrap();
    let b = generate(&options(45, &second.0)).unwrap();
    assert_eq!(format!("{:?}", a.planted), format!("{:?}", b.planted));
    assert!(
        contents(&first.0) == contents(&second.0),
        "the two runs differ"
    );
}

#[test]
fn planted_mistakes_keep_their_rate_in_a_large_county() {
    let scratch = Scratch::new("large");
    let report = generate(&options(400, &scratch.0)).unwrap();
    let unknown = report
        .planted
        .iter()
        .filter(|p| p.kind == "unknown_enum")
        .count();
    assert_eq!(unknown, 10, "one in every block of 40");
    assert_eq!(
        report
            .planted
            .iter()
            .filter(|p| p.kind == "missing_sheet")
            .count(),
        3
    );
}

#[test]
fn roster_names_stay_unique_in_a_county_of_100000() {
    let mut rng = Rng::stream(1, 0, 0);
    let (roster, strangers) = names::build_roster(100_000, 2_500, &mut rng).unwrap();
    let mut seen = HashSet::new();
    for name in roster.iter().map(|u| &u.name).chain(&strangers) {
        assert!(seen.insert(name.as_str()), "{name} twice");
    }
    let towns = roster.iter().filter(|u| u.kind == UnitKind::Town).count();
    assert_eq!(towns, 45_000);
}

#[test]
fn forty_units_split_like_a_real_county() {
    let (roster, _) = names::build_roster(40, 0, &mut Rng::stream(1, 0, 0)).unwrap();
    let count = |kind| roster.iter().filter(|u| u.kind == kind).count();
    let counts = UnitKind::ALL.map(count);
    assert_eq!(counts, [18, 6, 10, 2, 4]);
}

#[test]
fn dates_round_trip_through_day_numbers() {
    assert_eq!(Date::new(1970, 1, 1).days(), 0);
    assert_eq!(Date::new(2026, 3, 5).excel_serial(), 46086.0);
    assert_eq!(Date::new(2026, 1, 1).weekday(), 3, "a Thursday");
    for days in -800_000..800_000 {
        assert_eq!(Date::from_days(days).days(), days);
    }
}

#[test]
fn iso_workweeks_are_weekdays_inside_the_year() {
    assert_eq!(iso_workweeks(2026).len(), 53);
    assert_eq!(iso_workweeks(2027).len(), 52);
    for year in 2000..=2100 {
        for (from, to) in iso_workweeks(year) {
            assert!(from <= to, "{year}: empty week");
            let (first, last) = (Date::from_days(from), Date::from_days(to));
            assert!(first.year == year && last.year == year && first > Date::new(year, 1, 1));
            assert!(first.weekday() < 5 && last.weekday() < 5);
        }
    }
}

#[test]
fn traditional_spellings_fold_back_to_simplified() {
    let words = [
        "学习记录",
        "研究研判",
        "督查检查",
        "问责案件",
        "序号",
        "是否意识形态专题",
        "参学人数",
        "备注",
        "会议内容",
        "类型",
        "议题",
        "发现问题数",
        "约谈人数",
        "对象类别",
        "被问责对象",
        "处理方式",
        "办理状态",
        "情节",
        "记录人",
    ];
    for word in words {
        let traditional = names::to_traditional(word);
        assert_eq!(fast2s::convert(&traditional), word, "{traditional}");
    }
    assert_eq!(names::to_traditional("学习记录"), "學習記錄");
}
