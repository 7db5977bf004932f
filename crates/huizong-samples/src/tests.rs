//! Tests of the demo county: the plants, determinism, the calendar and the name tables. They
//! check what the generator writes by itself; they must not call huizong's readers (that the
//! readers find every plant is tested by the root crate's integration tests).

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use super::ledgers::{Date, Ledger, Record, iso_workweeks};
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
        "上报日期",
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

/// Every unit of a county as `generate` deals it, with its ledgers before they are laid out
/// (a unit dealt `Missing` writes nothing and is left out).
fn county(units: usize, seed: u64) -> Vec<(usize, RosterUnit, Option<Plant>, Vec<Ledger>)> {
    let dealt = deal_county(units, seed).unwrap();
    (dealt.roster.into_iter().zip(dealt.plants).enumerate())
        .filter(|(_, (_, plant))| *plant != Some(Plant::Missing))
        .map(|(index, (unit, plant))| {
            let (_, _, ledgers) = content(seed, 2026, index, &unit, plant);
            (index, unit, plant, ledgers)
        })
        .collect()
}

/// The records of a ledger the readers accept as dated in 2026, with their values.
fn accepted(ledger: &Ledger) -> impl Iterator<Item = (Date, &[Value])> {
    ledger.records.iter().filter_map(|r| match r.values[0] {
        Value::Date(d) if d.year == 2026 => Some((d, r.values.as_slice())),
        _ => None,
    })
}

fn is(value: &Value, words: &[&str]) -> bool {
    matches!(value, Value::Text(t) if words.contains(&t.as_str()))
}

/// Whether the ledgers meet one quota, counted as the default schema's rules count it. The
/// rules are restated here rather than taken from the generator, so that a generator drifting
/// from the schema fails this test.
fn meets(kind: UnitKind, ledgers: &[Ledger], quota: Quota) -> bool {
    const GROUP: [&str; 2] = ["中心组学习", "集中学习"];
    let split = Date::new(2026, 6, 30);
    let each_half =
        |dates: &[Date]| dates.iter().any(|d| *d <= split) && dates.iter().any(|d| *d > split);
    match (quota, kind) {
        (Quota::GroupStudy, UnitKind::Department) => {
            let days: Vec<i64> = accepted(&ledgers[0])
                .filter(|(_, v)| is(&v[1], &GROUP))
                .map(|(d, _)| d.days())
                .collect();
            // 2026's 第1周 and 第8周 keep under three working days (the schema's calendar) and
            // are not judged.
            (iso_workweeks(2026).into_iter().enumerate())
                .filter(|(week, _)| ![0, 7].contains(week))
                .all(|(_, (monday, _))| days.iter().any(|d| (monday..monday + 7).contains(d)))
        }
        (Quota::GroupStudy, _) => {
            let count = accepted(&ledgers[0]).filter(|(_, v)| is(&v[1], &GROUP));
            count.count() >= 12
        }
        (Quota::IdeologyStudy, _) => {
            let count = accepted(&ledgers[0])
                .filter(|(_, v)| is(&v[1], &GROUP) && matches!(v[3], Value::Bool(true)));
            count.count() >= 2
        }
        (Quota::Agenda(agenda), _) => {
            let label = ["专题研究", "分析研判", "专题汇报"][agenda];
            let dates: Vec<Date> = accepted(&ledgers[1])
                .filter(|(_, v)| is(&v[1], &[label]))
                .map(|(d, _)| d)
                .collect();
            match (kind, agenda) {
                (UnitKind::Department, 0) | (UnitKind::Park, 0 | 1) => dates.len() >= 2,
                _ => each_half(&dates),
            }
        }
        (Quota::Inspection, UnitKind::School) => {
            // 自查报告: a 全面自查 placed by 上报日期 (by 日期 when that is empty) in each of
            // 1 Jan–10 Jun and 11 Jun–10 Dec.
            let placed: Vec<Date> = accepted(&ledgers[2])
                .filter(|(_, v)| is(&v[1], &["全面自查"]))
                .map(|(d, v)| match v[6] {
                    Value::Date(reported) => reported,
                    _ => d,
                })
                .collect();
            let (june, december) = (Date::new(2026, 6, 10), Date::new(2026, 12, 10));
            placed.iter().any(|d| *d <= june) && placed.iter().any(|d| *d > june && *d <= december)
        }
        (Quota::Inspection, UnitKind::Park) => accepted(&ledgers[2]).count() >= 1,
        (Quota::Inspection, _) => {
            let dates: Vec<Date> = accepted(&ledgers[2]).map(|(d, _)| d).collect();
            each_half(&dates)
        }
    }
}

#[test]
fn units_fall_short_of_exactly_the_quotas_they_are_dealt() {
    let seed = 7;
    let mut short_units = 0;
    for (index, unit, plant, ledgers) in county(200, seed) {
        let mut rng = Rng::stream(seed, Deck::Content as u64, index as u64);
        let short = shortfalls(seed, index, unit.kind, plant, &mut rng);
        short_units += usize::from(!short.is_empty());
        for &quota in Quota::of(unit.kind) {
            assert_eq!(
                meets(unit.kind, &ledgers, quota),
                !short.contains(&quota),
                "{}（{}）{quota:?}, short of {short:?}",
                unit.name,
                unit.kind.label()
            );
        }
    }
    // 6 in every block of 40, less any that also never submitted.
    assert!((25..=30).contains(&short_units), "{short_units}");
}

#[test]
fn ideology_rows_outside_group_study_exist_but_count_for_nothing() {
    let marked_elsewhere = county(40, 7)
        .iter()
        .flat_map(|(_, _, _, ledgers)| accepted(&ledgers[0]))
        .filter(|(_, v)| matches!(v[3], Value::Bool(true)))
        .filter(|(_, v)| !is(&v[1], &["中心组学习", "集中学习"]))
        .count();
    assert!(marked_elsewhere >= 5, "{marked_elsewhere}");
}

#[test]
fn cases_use_the_new_categories_and_some_old_ones() {
    const CATEGORIES: [&str; 5] = [
        "本单位领导班子",
        "本单位领导干部",
        "下属单位领导班子",
        "下属单位领导干部",
        "党员干部",
    ];
    // 情节 → the 处理方式 the schema's checks allow with it (提醒, 组织处理, 纪律处分 go with any).
    let allowed = |severity: &str| -> Vec<&str> {
        let ladder: &[&str] = match severity {
            "较轻" => &["批评教育", "书面检查", "诫勉谈话"],
            "较重" => &[
                "通报批评",
                "责令公开检讨",
                "公开道歉",
                "停职检查",
                "调离岗位",
            ],
            "特别严重" => &["引咎辞职", "责令辞职", "开除党籍", "降职", "辞退"],
            other => panic!("情节 {other}"),
        };
        [ladder, &["提醒", "组织处理", "纪律处分"]].concat()
    };
    let text = |v: &Value| match v {
        Value::Text(t) => t.clone(),
        other => panic!("{other:?}"),
    };
    let county = county(40, 7);
    let cases: Vec<(&RosterUnit, &Record)> = (county.iter())
        .flat_map(|(_, unit, _, ledgers)| ledgers[3].records.iter().map(move |r| (unit, r)))
        .collect();
    let (mut legacy, mut paired, mut pending) = (0, 0, 0);
    for (unit, case) in &cases {
        let [_, who, category, situation, severity, penalty, status, _] = &case.values[..] else {
            panic!("{case:?}");
        };
        let (who, category, situation) = (text(who), text(category), text(situation));
        if ["领导班子", "领导干部"].contains(&category.as_str()) {
            legacy += 1;
            // Told own from subordinate by the subject, with the unit's name taken out.
            let rest = who.replace(&unit.name, "");
            assert!(!rest.is_empty(), "{who}");
        } else {
            assert!(CATEGORIES.contains(&category.as_str()), "{category}");
        }
        assert!(
            names::CASE_SITUATIONS
                .iter()
                .any(|(label, old)| situation == *label || Some(situation.as_str()) == *old),
            "{situation}"
        );
        let penalty = text(penalty);
        let methods: Vec<&str> = penalty.split(['、', '，', '/']).collect();
        paired += usize::from(methods.len() > 1);
        let mismatch = case.mark.is_some_and(|m| m.kind == "check_mismatch");
        let fits = (methods.iter()).all(|m| allowed(&text(severity)).contains(m));
        assert_eq!(fits, !mismatch, "{severity:?} {methods:?}");
        pending += usize::from(text(status) == "办理中");
    }
    assert!(legacy >= 1, "no case in the older template's 对象类别");
    assert!(
        legacy * 3 <= cases.len(),
        "{legacy} legacy of {}",
        cases.len()
    );
    assert!(paired >= 1, "no case with two 处理方式");
    assert!(pending >= 1, "no case still 办理中");
}

#[test]
fn self_checks_carry_their_report_date_on_most_rows() {
    let (mut filled, mut blank) = (0, 0);
    for (_, unit, _, ledgers) in county(40, 7) {
        for (held, values) in accepted(&ledgers[2]) {
            let self_check = is(&values[1], &["全面自查"]);
            match values[6] {
                Value::Date(reported) => {
                    assert!(self_check, "{}: 上报日期 on a {:?}", unit.name, values[1]);
                    assert!(reported > held && reported.year == 2026, "{}", unit.name);
                    filled += 1;
                }
                _ => blank += usize::from(self_check),
            }
            // 已整改数 ≤ 发现问题数 but on the planted row.
            if let (Value::Int(found), Value::Int(fixed)) = (&values[3], &values[4]) {
                assert!(
                    fixed <= found || (*found, *fixed) == (2, 3),
                    "{}",
                    unit.name
                );
            }
        }
    }
    assert!(filled >= 10 && blank >= 1, "{filled} filled, {blank} blank");
    assert!(filled > 2 * blank, "{filled} filled, {blank} blank");
}
