//! The content of a unit's four ledgers for the demo county: dates, the sheets' fields, records that
//! meet the schema's quotas (or miss the ones a unit is dealt), and the planted bad rows.
//! It decides what a ledger says, never how it is spelled or laid out (that is `xlsx`).

use super::names::{self, RosterUnit, UnitKind};
use super::{ERROR, Plant, Quota, Rng, WARNING};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Date {
    pub(crate) year: i32,
    pub(crate) month: u32,
    pub(crate) day: u32,
}

impl Date {
    pub(crate) fn new(year: i32, month: u32, day: u32) -> Date {
        Date { year, month, day }
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    pub(crate) fn days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
    }

    pub(crate) fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date::new(
            year as i32,
            month as u32,
            (doy - (153 * mp + 2) / 5 + 1) as u32,
        )
    }

    /// 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
    pub(crate) fn weekday(self) -> i64 {
        (self.days() + 3).rem_euclid(7)
    }

    pub(crate) fn excel_serial(self) -> f64 {
        (self.days() + 25_569) as f64
    }
}

pub(crate) fn day(year: i32, month: u32, day: u32) -> i64 {
    Date::new(year, month, day).days()
}

/// A working day between two day numbers (inclusive): meetings are held on weekdays.
fn workday(rng: &mut Rng, from: i64, to: i64) -> Date {
    let mut day = rng.range(from, to);
    for _ in 0..8 {
        if Date::from_days(day).weekday() < 5 {
            break;
        }
        day = rng.range(from, to);
    }
    Date::from_days(day)
}

/// First and last working span of each half year.
fn halves(year: i32) -> [(i64, i64); 2] {
    [
        (day(year, 1, 5), day(year, 6, 30)),
        (day(year, 7, 1), day(year, 12, 28)),
    ]
}

/// Monday..Friday of each ISO week of ISO year `year`, clipped to 2 Jan..31 Dec so every date
/// is inside the report year and none is New Year's Day (weeks 1 and 53 straddle New Year).
pub(crate) fn iso_workweeks(year: i32) -> Vec<(i64, i64)> {
    let week_one = |y: i32| day(y, 1, 4) - Date::new(y, 1, 4).weekday();
    let (start, weeks) = (week_one(year), (week_one(year + 1) - week_one(year)) / 7);
    let (first, last) = (day(year, 1, 2), day(year, 12, 31));
    (0..weeks)
        .map(|w| start + 7 * w)
        .map(|monday| (monday.max(first), (monday + 4).min(last)))
        .collect()
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Mark {
    pub(crate) level: &'static str,
    pub(crate) kind: &'static str,
}

/// A cell before the unit's habits decide how it is spelled. `Text` is always written as is,
/// which is how planted bad values (`读书会`, `2026-02-30`) get in.
#[derive(Clone, Debug)]
pub(crate) enum Value {
    Empty,
    Text(String),
    Int(i64),
    Bool(bool),
    Date(Date),
}

#[derive(Clone, Debug)]
pub(crate) struct Record {
    /// Day number the ledger is sorted by.
    pub(crate) key: i64,
    /// One value per schema field after 序号 (which is numbered when written).
    pub(crate) values: Vec<Value>,
    pub(crate) mark: Option<Mark>,
}

impl Record {
    fn new(date: Date, values: Vec<Value>) -> Record {
        let values = std::iter::once(Value::Date(date)).chain(values).collect();
        Record {
            key: date.days(),
            values,
            mark: None,
        }
    }

    fn marked(self, level: &'static str, kind: &'static str) -> Record {
        Record {
            mark: Some(Mark { level, kind }),
            ..self
        }
    }
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

fn maybe(rng: &mut Rng, percent: u64, items: &[&str]) -> Value {
    if rng.chance(percent) {
        Value::Text(rng.pick(items).to_string())
    } else {
        Value::Empty
    }
}

#[derive(Debug)]
pub(crate) struct Field {
    pub(crate) name: &'static str,
    pub(crate) alias: Option<&'static str>,
    pub(crate) required: bool,
    pub(crate) width: f64,
}

const fn field(
    name: &'static str,
    alias: Option<&'static str>,
    required: bool,
    width: f64,
) -> Field {
    Field {
        name,
        alias,
        required,
        width,
    }
}

#[derive(Debug)]
pub(crate) struct SheetSpec {
    pub(crate) name: &'static str,
    /// A schema alias some units use as the sheet name.
    pub(crate) alias: &'static str,
    /// Title row after `<单位名称><year>年意识形态工作`.
    pub(crate) title: &'static str,
    pub(crate) fields: &'static [Field],
}

const SEQ: Field = field("序号", None, false, 6.0);
const REMARK: Field = field("备注", None, false, 18.0);
pub(crate) static STUDY: SheetSpec = SheetSpec {
    name: "学习记录",
    alias: "学习台账",
    title: "学习台账",
    fields: &[
        SEQ,
        field("日期", Some("学习日期"), true, 12.0),
        field("学习形式", None, true, 12.0),
        field("学习主题", Some("学习内容"), false, 48.0),
        field("是否意识形态专题", Some("意识形态专题"), false, 10.0),
        field("参学人数", Some("参加人数"), false, 9.0),
        REMARK,
    ],
};
static RESEARCH: SheetSpec = SheetSpec {
    name: "研究研判",
    alias: "会议记录",
    title: "研究研判台账",
    fields: &[
        SEQ,
        field("日期", Some("会议日期"), true, 12.0),
        field("类型", None, true, 10.0),
        field("议题", Some("会议内容"), false, 44.0),
        field("主持人", None, false, 10.0),
        REMARK,
    ],
};
static INSPECTION: SheetSpec = SheetSpec {
    name: "督查检查",
    alias: "检查记录",
    title: "督查检查台账",
    fields: &[
        SEQ,
        field("日期", Some("督查日期"), true, 12.0),
        field("形式", None, true, 10.0),
        field("对象", Some("督查对象"), false, 22.0),
        field("发现问题数", None, false, 8.0),
        field("已整改数", None, false, 8.0),
        field("约谈人数", None, false, 8.0),
        field("上报日期", Some("报告上报日期"), false, 12.0),
        REMARK,
    ],
};
static CASES: SheetSpec = SheetSpec {
    name: "问责案件",
    alias: "责任追究",
    title: "问责案件台账",
    fields: &[
        SEQ,
        field("问责日期", None, true, 12.0),
        field("被问责对象", None, true, 24.0),
        field("对象类别", None, true, 14.0),
        field("问责情形", None, true, 36.0),
        field("情节", None, true, 8.0),
        field("处理方式", None, true, 16.0),
        field("办理状态", None, false, 8.0),
        REMARK,
    ],
};
/// Where 参学人数 sits in a study record's values (values start at 日期).
pub(crate) const PEOPLE: usize = 4;
/// Where 发现问题数, 上报日期 and 备注 sit in an inspection record's values.
const FOUND: usize = 3;
const REPORTED: usize = 6;
const INSPECTION_NOTE: usize = 7;

#[derive(Clone, Debug)]
pub(crate) struct Ledger {
    pub(crate) spec: &'static SheetSpec,
    /// Sorted by date, as ledgers are kept.
    pub(crate) records: Vec<Record>,
    pub(crate) extra_column: bool,
    pub(crate) totals: bool,
    /// The first two rows share a day and their 日期 cells are merged.
    pub(crate) merged_dates: bool,
}

impl Ledger {
    fn new(spec: &'static SheetSpec, mut records: Vec<Record>) -> Ledger {
        records.sort_by_key(|r| r.key);
        Ledger {
            spec,
            records,
            extra_column: false,
            totals: false,
            merged_dates: false,
        }
    }

    fn insert(&mut self, record: Record) {
        let at = self.records.partition_point(|r| r.key <= record.key);
        self.records.insert(at, record);
    }
}

/// The 问责案件 a unit keeps. Most units keep none; `legacy` and `paired` make the first case
/// use the older template's 对象类别 and two 处理方式, so that every block of 40 units shows
/// both whatever the random draws (the later cases may show them too, less often).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct CaseDeal {
    pub(crate) held: bool,
    pub(crate) legacy: bool,
    pub(crate) paired: bool,
}

/// The four ledgers of one unit: enough records for every quota of its kind except those in
/// `short`.
pub(crate) fn build(
    rng: &mut Rng,
    unit: &RosterUnit,
    year: i32,
    short: &[Quota],
    cases: CaseDeal,
) -> Vec<Ledger> {
    let kind = unit.kind;
    vec![
        Ledger::new(&STUDY, study_records(rng, kind, year, short)),
        Ledger::new(&RESEARCH, research_records(rng, kind, year, short)),
        Ledger::new(&INSPECTION, inspection_records(rng, kind, year, short)),
        Ledger::new(&CASES, case_records(rng, unit, year, cases)),
    ]
}

fn study(
    rng: &mut Rng,
    kind: UnitKind,
    date: Date,
    form: &str,
    theme: &str,
    ideology: bool,
) -> Record {
    let people = match (form, kind) {
        ("中心组学习", _) => rng.range(7, 15),
        ("网络自学", _) if rng.chance(50) => 0,
        (_, UnitKind::Town) => rng.range(25, 60),
        (_, UnitKind::School) => rng.range(30, 90),
        (_, UnitKind::Park) => rng.range(10, 30),
        _ => rng.range(15, 45),
    };
    let people = if people == 0 {
        Value::Empty
    } else {
        Value::Int(people)
    };
    let note = maybe(rng, 20, &names::STUDY_NOTES);
    Record::new(
        date,
        vec![text(form), text(theme), Value::Bool(ideology), people, note],
    )
}

/// Days of the 集中学习 sessions: every ISO week for 部门, at least one a month for the rest.
fn group_study_days(rng: &mut Rng, kind: UnitKind, year: i32, short: bool) -> Vec<Date> {
    if kind == UnitKind::Department {
        let mut weeks = iso_workweeks(year);
        // The weeks a short bureau skips lie in March to mid-September: a week that a long
        // holiday (New Year, Spring Festival, National Day) leaves with under three working
        // days is not judged, and skipping only such weeks would leave the bureau not short.
        let (from, to) = (day(year, 3, 1), day(year, 9, 15));
        for _ in 0..if short { rng.range(2, 5) } else { 0 } {
            let judged: Vec<usize> = (0..weeks.len())
                .filter(|&w| (from..=to).contains(&weeks[w].0))
                .collect();
            weeks.remove(judged[rng.below(judged.len())]);
        }
        return weeks
            .into_iter()
            .map(|(from, to)| workday(rng, from, to))
            .collect();
    }
    let count = match (kind, short) {
        // 集中学习 is no school's quota (000 sets none), so schools hold fewer sessions.
        (UnitKind::School, _) => rng.range(6, 11),
        (_, true) => rng.range(8, 11),
        _ => rng.range(12, 15),
    };
    let mut months: Vec<u32> = (1..=12).collect();
    rng.shuffle(&mut months);
    let mut days = Vec::new();
    for i in 0..count as usize {
        let month = months
            .get(i)
            .copied()
            .unwrap_or_else(|| rng.range(1, 12) as u32);
        days.push(workday(rng, day(year, month, 2), day(year, month, 28)));
    }
    days
}

fn study_records(rng: &mut Rng, kind: UnitKind, year: i32, short: &[Quota]) -> Vec<Record> {
    let days = group_study_days(rng, kind, year, short.contains(&Quota::GroupStudy));
    let ideology = if short.contains(&Quota::IdeologyStudy) {
        rng.range(0, 1)
    } else {
        rng.range(2, 3)
    };
    let mut order: Vec<usize> = (0..days.len()).collect();
    rng.shuffle(&mut order);
    let mut records = Vec::new();
    for (i, date) in days.into_iter().enumerate() {
        let form = *rng.pick(&names::GROUP_FORMS);
        let on_ideology = order[..ideology as usize].contains(&i);
        let themes = if on_ideology {
            &names::IDEOLOGY_THEMES[..]
        } else {
            &names::THEMES[..]
        };
        let theme = *rng.pick(themes);
        records.push(study(rng, kind, date, form, theme, on_ideology));
    }
    let others = if kind == UnitKind::Department {
        rng.range(3, 6)
    } else {
        rng.range(5, 10)
    };
    for _ in 0..others {
        let date = workday(rng, day(year, 1, 5), day(year, 12, 28));
        let (form, theme) = (*rng.pick(&names::OTHER_FORMS), *rng.pick(&names::THEMES));
        records.push(study(rng, kind, date, form, theme, false));
    }
    // An 意识形态 theme studied some other way (网络自学, a lecture) is marked 是 yet counts for
    // no quota: only 中心组学习 and 集中学习 do. A unit short of the quota always has one, so
    // that counting every marked row would wrongly see it meet the quota.
    if short.contains(&Quota::IdeologyStudy) || rng.chance(35) {
        let date = workday(rng, day(year, 1, 5), day(year, 12, 28));
        let form = *rng.pick(&names::OTHER_FORMS);
        let theme = *rng.pick(&names::IDEOLOGY_THEMES);
        records.push(study(rng, kind, date, form, theme, true));
    }
    records
}

/// How often the schema asks a unit kind for one 研究研判 type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Need {
    /// At least one in each half year (003 for 乡镇 and 街道; 专题汇报 of 园区 by 002).
    PerHalf,
    /// At least two in the year, whenever (004 for 部门, 002 for 园区).
    TwiceAYear,
    /// No rule counts it for this kind; units keep some anyway.
    Unjudged,
}

/// The need for each type of `names::AGENDA` (专题研究, 分析研判, 专题汇报), by the schema's rules.
fn agenda_needs(kind: UnitKind) -> [Need; 3] {
    match kind {
        UnitKind::Town | UnitKind::Street => [Need::PerHalf; 3],
        UnitKind::Park => [Need::TwiceAYear, Need::TwiceAYear, Need::PerHalf],
        UnitKind::Department => [Need::TwiceAYear, Need::Unjudged, Need::Unjudged],
        UnitKind::School => [Need::Unjudged; 3],
    }
}

fn research_records(rng: &mut Rng, kind: UnitKind, year: i32, short: &[Quota]) -> Vec<Record> {
    let hosts = [names::person(rng), names::person(rng)];
    let skipped_half = rng.below(2);
    let needs = agenda_needs(kind);
    let mut records = Vec::new();
    for (half, (from, to)) in halves(year).into_iter().enumerate() {
        for (agenda, (label, topics)) in names::AGENDA.iter().enumerate() {
            let short = short.contains(&Quota::Agenda(agenda));
            // A unit short of a type skips it for a half: a half-yearly quota then misses that
            // half, a yearly one of two keeps a single record (no second one in the other half).
            let count = match needs[agenda] {
                _ if short && half == skipped_half => 0,
                Need::TwiceAYear if short => 1,
                Need::Unjudged => usize::from(rng.chance(50)),
                _ if agenda == 0 && rng.chance(25) => 2,
                _ => 1,
            };
            // Reports go up at the end of each half; studies and analyses any time in it.
            let from = if agenda == 2 { to - 15 } else { from };
            let first = rng.below(topics[half].len());
            for k in 0..count {
                let topic = topics[half][(first + k) % topics[half].len()];
                let host = if rng.chance(85) { &hosts[0] } else { &hosts[1] };
                let note = maybe(rng, 15, &["形成会议纪要", "班子成员参加", "传达上级通报"]);
                let values = vec![
                    text(label),
                    Value::Text(topic.replace("{y}", &year.to_string())),
                    text(host),
                    note,
                ];
                records.push(Record::new(workday(rng, from, to), values));
            }
        }
    }
    records
}

/// An inspection record with 上报日期 empty; a 全面自查 gets it from `inspection_records`.
fn inspection(rng: &mut Rng, kind: UnitKind, date: Date, form: &str) -> Record {
    let target = rng
        .pick(names::inspection_targets(kind))
        .replace("{p}", &names::hamlet(rng));
    let found = rng.range(0, 5);
    let fixed = if found > 0 && rng.chance(20) {
        found - 1
    } else {
        found
    };
    let talks = if rng.chance(20) { rng.range(1, 2) } else { 0 };
    let note = match (found, fixed) {
        (0, _) => Value::Empty,
        (f, x) if f == x => maybe(rng, 50, &["已全部整改到位"]),
        _ => text("整改中"),
    };
    let counts = [found, fixed, talks].map(Value::Int);
    Record::new(
        date,
        [text(form), Value::Text(target)]
            .into_iter()
            .chain(counts)
            .chain([Value::Empty, note])
            .collect(),
    )
}

/// When a 全面自查's report went up (上报日期), which schools are judged by.
#[derive(Clone, Copy, Debug)]
enum Report {
    /// Not a self-check: 上报日期 stays empty.
    None,
    /// A few days after the check and no later than the day given; left empty now and then,
    /// when the check's own 日期 (no later either) stands in for it.
    By(i64),
    /// Some days after the deadline given, though the check itself was held before it: the
    /// report misses the deadline, and only its 上报日期 shows it.
    Late(i64),
}

fn inspection_records(rng: &mut Rng, kind: UnitKind, year: i32, short: &[Quota]) -> Vec<Record> {
    let short = short.contains(&Quota::Inspection);
    let [h1, h2] = halves(year);
    let year_end = day(year, 12, 31);
    // A year-end self-check some units add to their inspections (not in a half a unit skips).
    let self_check = (
        (day(year, 11, 20), day(year, 12, 15)),
        "全面自查",
        Report::By(year_end),
    );
    let mut plan: Vec<((i64, i64), &str, Report)> = Vec::new();
    match kind {
        UnitKind::Town | UnitKind::Street => {
            // 督查 counts any 形式, each half.
            let skipped = if short { rng.below(2) } else { 2 };
            for (_, span) in [h1, h2]
                .into_iter()
                .enumerate()
                .filter(|(half, _)| *half != skipped)
            {
                for _ in 0..rng.range(1, 2) {
                    plan.push((span, *rng.pick(&names::INSPECTION_FORMS), Report::None));
                }
            }
            if skipped != 1 && rng.chance(40) {
                plan.push(self_check);
            }
        }
        UnitKind::Park => {
            // 督查 counts any 形式, once a year: a short park holds none at all.
            if !short {
                for _ in 0..rng.range(1, 3) {
                    let form = *rng.pick(&names::INSPECTION_FORMS);
                    plan.push(((h1.0, h2.1), form, Report::None));
                }
                if rng.chance(40) {
                    plan.push(self_check);
                }
            }
        }
        UnitKind::Department => {
            // No rule counts a department's inspections (004 sets none); most hold some.
            for _ in 0..rng.range(0, 2) {
                let form = *rng.pick(&names::INSPECTION_FORMS);
                plan.push(((h1.0, h2.1), form, Report::None));
            }
            if rng.chance(40) {
                plan.push(self_check);
            }
        }
        UnitKind::School => {
            // Self-check reports are due by 06-10 and 12-10 and judged by 上报日期; a short
            // school holds one check in time but reports it late.
            let late = if short { rng.below(2) } else { 2 };
            for (half, (month, start)) in [(6, (5, 20)), (12, (11, 20))].into_iter().enumerate() {
                let deadline = day(year, month, 10);
                plan.push(match half == late {
                    true => (
                        (deadline - 8, deadline - 1),
                        "全面自查",
                        Report::Late(deadline),
                    ),
                    false => (
                        (day(year, start.0, start.1), deadline - 2),
                        "全面自查",
                        Report::By(deadline),
                    ),
                });
            }
            if rng.chance(50) {
                plan.push(((h1.0, h2.1), "专题督查", Report::None));
            }
        }
    }
    let mut records = Vec::new();
    for ((from, to), form, report) in plan {
        let date = workday(rng, from, to);
        let mut record = inspection(rng, kind, date, form);
        let held = date.days();
        record.values[REPORTED] = match report {
            Report::None => Value::Empty,
            Report::By(_) if rng.chance(20) => Value::Empty,
            Report::By(last) => {
                let to = (held + 6).min(last);
                Value::Date(workday(rng, (held + 1).min(to), to))
            }
            Report::Late(deadline) => Value::Date(workday(rng, deadline + 2, deadline + 8)),
        };
        records.push(record);
    }
    records
}

/// 对象类别 as drawn for a case, before a legacy spelling may replace it: subordinate bodies'
/// leaders are the most common subjects in county ledgers, the unit's own 班子 the rarest.
const CATEGORY_DRAW: [&str; 10] = [
    names::OWN_BODY,
    names::OWN_CADRE,
    names::OWN_CADRE,
    names::SUB_BODY,
    names::SUB_BODY,
    names::SUB_CADRE,
    names::SUB_CADRE,
    names::SUB_CADRE,
    names::MEMBER,
    names::MEMBER,
];

/// A subordinate body of `unit`: a village or community of a township, a section, station or
/// school of a bureau (prefixed with the unit's name where the body has no place name).
fn subordinate_body(rng: &mut Rng, unit: &RosterUnit) -> String {
    let body = *rng.pick(names::subordinates(unit.kind, &unit.name));
    match unit.kind {
        _ if body.contains("{p}") => body.replace("{p}", &names::hamlet(rng)),
        UnitKind::Town | UnitKind::Street => body.to_string(),
        _ => format!("{}{body}", unit.name),
    }
}

/// 被问责对象 for a case of `category`, anonymised as county ledgers are (`王某`).
fn subject(rng: &mut Rng, unit: &RosterUnit, category: &str) -> String {
    let (kind, name) = (unit.kind, unit.name.as_str());
    match category {
        names::OWN_BODY => format!("{}班子", names::own_body(kind, name)),
        names::OWN_CADRE => {
            let post = *rng.pick(names::own_posts(kind, name));
            format!("{name}{post}{}某", names::surname(rng))
        }
        names::SUB_BODY => format!("{}班子", subordinate_body(rng, unit)),
        names::SUB_CADRE => {
            let body = subordinate_body(rng, unit);
            let head = names::head_of(&body);
            format!("{body}{head}{}某", names::surname(rng))
        }
        _ => {
            let post = *rng.pick(names::member_posts(kind));
            let who = match post.contains("{p}") {
                true => post.replace("{p}", &names::hamlet(rng)),
                false => format!("{name}{post}"),
            };
            format!("{who}{}某", names::surname(rng))
        }
    }
}

/// Whether the schema's legacy inference reads `who` as the unit's own (or a subordinate's) as
/// `own` says, whichever of the unit's names (roster name or an alias) it takes out of the
/// subject.
fn legacy_reads(unit: &RosterUnit, who: &str, own: bool) -> bool {
    std::iter::once(&unit.name)
        .chain(&unit.aliases)
        .all(|name| names::reads_as_subordinate(who, name) != own)
}

/// 被问责对象 and 对象类别. With `legacy`, a leadership case in the older template's spelling
/// (`领导班子`, `领导干部`) whose subject tells own from subordinate; should no draw fit, the
/// current spelling.
fn subject_and_category(rng: &mut Rng, unit: &RosterUnit, legacy: bool) -> (String, &'static str) {
    let has_subordinates = !names::subordinates(unit.kind, &unit.name).is_empty();
    if legacy {
        for _ in 0..8 {
            let (old, own, sub) = *rng.pick(&names::LEGACY_CATEGORIES);
            let is_own = !has_subordinates || rng.chance(40);
            let category = if is_own { own } else { sub };
            let who = subject(rng, unit, category);
            if legacy_reads(unit, &who, is_own) {
                return (who, old);
            }
        }
    }
    let category = match *rng.pick(&CATEGORY_DRAW) {
        names::SUB_BODY if !has_subordinates => names::OWN_BODY,
        names::SUB_CADRE if !has_subordinates => names::OWN_CADRE,
        category => category,
    };
    (subject(rng, unit, category), category)
}

/// 处理方式 for a case of `PENALTIES[tier]`: one of the ladder's, now and then one allowed with
/// any 情节, or with `paired` two in one cell (`通报批评、调离岗位`); always what the schema's
/// checks allow for the 情节.
fn penalty(rng: &mut Rng, tier: usize, paired: bool) -> String {
    let ladder = names::PENALTIES[tier].1;
    // 提醒 suits only a light case; 组织处理 and 纪律处分 go with any.
    let any = if tier == 0 {
        &names::ANY_PENALTY[..]
    } else {
        &names::ANY_PENALTY[1..]
    };
    if !paired {
        return match rng.chance(15) {
            true => rng.pick(any).to_string(),
            false => rng.pick(ladder).to_string(),
        };
    }
    let first = rng.below(ladder.len());
    let second = match tier > 0 && rng.chance(40) {
        true => *rng.pick(&names::ANY_PENALTY[1..]),
        false => ladder[(first + 1 + rng.below(ladder.len() - 1)) % ladder.len()],
    };
    let separator = *rng.pick(&names::PENALTY_SEPARATORS);
    format!("{}{separator}{second}", ladder[first])
}

fn case(
    rng: &mut Rng,
    unit: &RosterUnit,
    year: i32,
    severity: &str,
    penalty: String,
    legacy: bool,
) -> Record {
    let (who, category) = subject_and_category(rng, unit, legacy);
    let status = if rng.chance(80) {
        "已办结"
    } else {
        "办理中"
    };
    let date = workday(rng, day(year, 2, 1), day(year, 12, 20));
    // The current labels; now and then the older template's, which the schema still accepts.
    let (label, old) = *rng.pick(&names::CASE_SITUATIONS);
    let situation = match old {
        Some(old) if rng.chance(6) => old,
        _ => label,
    };
    let values = [
        who.as_str(),
        category,
        situation,
        severity,
        &penalty,
        status,
    ]
    .map(text);
    Record::new(date, values.into_iter().chain([Value::Empty]).collect())
}

fn case_records(rng: &mut Rng, unit: &RosterUnit, year: i32, deal: CaseDeal) -> Vec<Record> {
    if !deal.held {
        return Vec::new();
    }
    (0..rng.range(1, 3))
        .map(|i| {
            // Mostly light cases, as in real ledgers; 处理方式 always fits 情节.
            let tier = [0, 0, 0, 1, 1, 2][rng.below(6)];
            let paired = (deal.paired && i == 0) || rng.chance(12);
            let legacy = (deal.legacy && i == 0) || rng.chance(8);
            let penalty = penalty(rng, tier, paired);
            case(rng, unit, year, names::PENALTIES[tier].0, penalty, legacy)
        })
        .collect()
}

/// Puts a row-level mistake into the ledgers. A row the mistake rejects is added rather than
/// an existing row spoiled, so a planted error never costs the unit a quota.
pub(crate) fn plant(
    plant: Plant,
    ledgers: &mut [Ledger],
    rng: &mut Rng,
    unit: &RosterUnit,
    year: i32,
) {
    let kind = unit.kind;
    let mut extra_study = |form: &str| {
        let date = workday(rng, day(year, 2, 1), day(year, 11, 30));
        let theme = *rng.pick(&names::THEMES);
        study(rng, kind, date, form, theme, false)
    };
    let (sheet, record) = match plant {
        Plant::UnknownForm => (0, extra_study("读书会").marked(ERROR, "unknown_enum")),
        Plant::CloseForm => (
            0,
            extra_study("中心组学习会").marked(ERROR, "unknown_enum_close"),
        ),
        Plant::ImpossibleDate => {
            let mut record = extra_study("集中学习");
            record.values[0] = Value::Text(format!("{year}-02-30"));
            record.key = day(year, 2, 28);
            (0, record.marked(ERROR, "invalid_date"))
        }
        Plant::BlankDate => {
            let mut record = extra_study("主题党日");
            record.values[0] = Value::Empty;
            (0, record.marked(ERROR, "required_blank"))
        }
        Plant::DateBeforeYear => {
            // A meeting late last year about this year's plan, entered in this year's ledger.
            let topic = Value::Text(format!("研究部署{year}年意识形态工作"));
            let values = vec![
                text("专题研究"),
                topic,
                Value::Text(names::person(rng)),
                Value::Empty,
            ];
            (
                1,
                Record::new(Date::new(year - 1, 12, 28), values).marked(ERROR, "date_out_of_year"),
            )
        }
        Plant::FixedOverFound => {
            // Accepted with a 警告, so it spoils an existing row (keeping the 督查 count) when
            // there is one.
            let date = workday(rng, day(year, 3, 1), day(year, 11, 30));
            let mut record = match ledgers[2].records.is_empty() {
                true => inspection(rng, kind, date, "专题督查"),
                false => ledgers[2]
                    .records
                    .remove(rng.below(ledgers[2].records.len())),
            };
            record.values[FOUND..FOUND + 2].clone_from_slice(&[Value::Int(2), Value::Int(3)]);
            record.values[INSPECTION_NOTE] = Value::Empty;
            (2, record.marked(WARNING, "check_not_greater"))
        }
        Plant::PenaltyMismatch => {
            // 开除党籍 is on the ladder's top rung (特别严重), far from a light case's.
            let case = case(rng, unit, year, "较轻", "开除党籍".to_string(), false);
            (3, case.marked(WARNING, "check_mismatch"))
        }
        Plant::FuzzyPeople => {
            // Spoils an optional field only: the row is still accepted, with a 警告.
            let target = rng.below(ledgers[0].records.len());
            let record = &mut ledgers[0].records[target];
            record.values[PEOPLE] = text("约30人");
            record.mark = Some(Mark {
                level: WARNING,
                kind: "invalid_optional",
            });
            return;
        }
        Plant::TotalsRow => {
            ledgers[if rng.chance(50) { 0 } else { 2 }].totals = true;
            return;
        }
        Plant::ExtraColumn => {
            ledgers[rng.below(3)].extra_column = true;
            return;
        }
        _ => return,
    };
    ledgers[sheet].insert(record);
}

/// Adds a second session on the day of the first one, so the two rows can share a merged 日期.
pub(crate) fn add_same_day_session(ledger: &mut Ledger, rng: &mut Rng, kind: UnitKind) {
    let Some(Value::Date(date)) = ledger.records.first().map(|r| r.values[0].clone()) else {
        return;
    };
    ledger.records.insert(
        1,
        study(rng, kind, date, "网络自学", "“学习强国”平台专题学习", false),
    );
    ledger.merged_dates = true;
}
