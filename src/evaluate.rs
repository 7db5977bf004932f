//! Judging units against the schema's quotas (`docs/rules.md`): periods (year, half, quarter, month, ISO
//! week, deadlines), per-rule completion as the mean of `min(count/min, 1)` over periods, 完成率
//! as the weighted mean, flags, 未达标项数, and the competition ranking. Counts come from
//! `aggregate`; this module owns the arithmetic and must not touch polars or files.

use crate::aggregate::{self, Bucket, Frames};
use crate::error::Result;
use crate::outcome::{Submission, UnitStatus};
use crate::periods::{Due, Span, due, spans};
use crate::schema::{Period, Rule, Schema};
use chrono::NaiveDate;
use rayon::prelude::*;
use std::collections::HashMap;

/// One unit's line in the ranking.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub(crate) struct UnitScore {
    /// `None` for a unit not judged (its type cannot be told): listed after the others.
    pub rank: Option<u32>,
    /// The group of 类别排名 (`[schema] groups`) and the rank within it.
    pub group: Option<String>,
    pub group_rank: Option<u32>,
    pub name: String,
    pub unit_type: String,
    pub status: Submission,
    /// 0..=1; `None` for a unit not judged (its type cannot be told).
    pub completion: Option<f64>,
    /// Per rule-name column: the year's matching records, `None` where the rule does not apply
    /// (or the unit did not submit).
    pub counts: Vec<Option<u32>>,
    /// Per rule-name column: the rule applies and a period that has ended fell short (未达标).
    pub missed: Vec<bool>,
    pub missed_count: u32,
    /// Per rule-name column: not missed, but a running period is behind its pro-rated target
    /// (进度滞后).
    pub behind: Vec<bool>,
    pub behind_count: u32,
    /// Accepted records of the 问责案件 sheet, when the schema has one.
    pub cases: Option<u32>,
    /// Per flag: its value, `None` where it does not apply.
    pub flags: Vec<Option<String>>,
    /// The tallies' columns (`[[tally]]`): sums and ratios, empty for a unit that did not
    /// submit and a ratio over nothing.
    pub tallies: Tallied,
}

/// Named amounts, in the schema's order: a unit's or the county's tally columns.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Tallied(pub Vec<(String, Option<Amount>)>);

impl serde::Serialize for Tallied {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, amount) in &self.0 {
            map.serialize_entry(name, amount)?;
        }
        map.end()
    }
}

/// A sum or a ratio.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub(crate) enum Amount {
    Sum(i64),
    Ratio(f64),
}

impl Tallied {
    /// The columns of every tally from its sums (`None`: not submitted).
    fn of(schema: &Schema, sums: Option<Vec<Vec<i64>>>) -> Tallied {
        let mut out = Vec::new();
        for (t, tally) in schema.tallies.iter().enumerate() {
            let sums = sums.as_ref().map(|s| &s[t]);
            for (i, name) in tally.columns.iter().take(tally.sums.len()).enumerate() {
                out.push((name.clone(), sums.map(|s| Amount::Sum(s[i]))));
            }
            if let Some(ratio) = &tally.ratio {
                let value = sums.and_then(|s| {
                    let (num, den) = (s[ratio.numerator], s[ratio.denominator]);
                    (den != 0).then(|| Amount::Ratio(num as f64 / den as f64))
                });
                out.push((ratio.name.clone(), value));
            }
        }
        Tallied(out)
    }
}

/// Whether a short period has ended or is still running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub(crate) enum Lateness {
    /// Ended short.
    #[serde(rename = "未达标")]
    Missed,
    /// Running, behind its pro-rated target.
    #[serde(rename = "进度滞后")]
    Behind,
}

impl Lateness {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Lateness::Missed => "未达标",
            Lateness::Behind => "进度滞后",
        }
    }
}

/// One short period of one rule for one unit (a row of 未达标明细).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Shortfall {
    pub unit: String,
    pub unit_type: String,
    pub rule: String,
    pub period: String,
    pub status: Lateness,
    /// The records required by the date the year is judged as of.
    pub required: u32,
    pub actual: u32,
    pub gap: u32,
    pub basis: String,
}

/// The judged year.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub(crate) struct Scorecard {
    pub year: i32,
    /// The date the year is judged as of.
    #[serde(skip)]
    pub as_of: NaiveDate,
    pub rule_names: Vec<String>,
    pub flag_names: Vec<String>,
    /// The county's tally columns: every accepted record's sums.
    pub tallies: Tallied,
    pub units: Vec<UnitScore>,
    pub shortfalls: Vec<Shortfall>,
}

fn bucket(period: &Period) -> Bucket<'_> {
    match period {
        Period::Year => Bucket::Year,
        Period::Half => Bucket::Months(6),
        Period::Quarter => Bucket::Months(3),
        Period::Month => Bucket::Month,
        Period::Week => Bucket::IsoWeek,
        Period::Deadlines(cutoffs) => Bucket::Deadlines(cutoffs),
    }
}

/// A rule's counts: per unit and period index, and per unit for the whole year.
struct RuleCounts {
    /// The rule's periods, each with how it stands on the date judged.
    periods: Vec<(Span, Due)>,
    /// Some period is judged by the date: else the rule is left out of 完成率.
    judged: bool,
    /// Matching records per unit number (row) and period (column), `periods.len()` to a row.
    by_unit: Vec<u32>,
    /// Matching records per unit number for the whole year.
    by_year: Vec<u32>,
}

/// Judges every unit against every rule and ranks them.
pub(crate) fn evaluate(
    schema: &Schema,
    frames: &Frames,
    units: &[UnitStatus],
    year: i32,
    as_of: NaiveDate,
) -> Result<Scorecard> {
    let counts = count_all(schema, frames, year, as_of)?;
    let rule_names: Vec<String> = schema.rule_names().into_iter().map(String::from).collect();
    // Two rules of one name (for two unit types) share one column.
    let columns: Vec<usize> = (schema.rules.iter())
        .map(|rule| rule_names.iter().position(|n| *n == rule.name).unwrap_or(0))
        .collect();
    let mut scores = Vec::new();
    let mut shortfalls = Vec::new();
    for status in units {
        let id = frames.unit_id(&status.unit.name).map(|id| id as usize);
        let (score, short) = score_unit(schema, &counts, &columns, rule_names.len(), status, id);
        scores.push(score);
        shortfalls.extend(short);
    }
    rank(&mut scores);
    rank_in_groups(&mut scores);
    order_shortfalls(&mut shortfalls, &scores, &rule_names);
    let county = (counts.tallies.iter())
        .map(|per_field| {
            (per_field.iter())
                .map(|sums| sums.iter().fold(0i64, |a, b| a.saturating_add(*b)))
                .collect()
        })
        .collect();
    Ok(Scorecard {
        year,
        as_of,
        rule_names,
        flag_names: schema.flags.iter().map(|f| f.name.clone()).collect(),
        tallies: Tallied::of(schema, Some(county)),
        units: scores,
        shortfalls,
    })
}

/// Every count the judgement reads, per unit number.
struct Counts {
    /// Per rule, in schema order.
    rules: Vec<RuleCounts>,
    /// Per flag, the matching records of each unit and those of them still pending.
    flags: Vec<(Vec<u32>, Vec<u32>)>,
    /// Per tally and summed field, each unit's sum.
    tallies: Vec<Vec<Vec<i64>>>,
    /// The accountability cases of each unit, when the schema has a case sheet.
    cases: Option<Vec<u32>>,
}

/// Counts every rule (independent group-bys: on every core), every flag and the cases.
fn count_all(schema: &Schema, frames: &Frames, year: i32, as_of: NaiveDate) -> Result<Counts> {
    let rules = (schema.rules.par_iter())
        .map(|rule| count_rule(rule, schema, frames, year, as_of))
        .collect::<Result<Vec<_>>>()?;
    let units = frames.unit_count();
    let mut flags = Vec::new();
    for flag in &schema.flags {
        let (df, spec) = (&frames.sheets[flag.sheet], &schema.sheets[flag.sheet]);
        let all = aggregate::count_per_unit(
            &aggregate::select(df, spec, &flag.conditions, None)?,
            units,
        )?;
        let pending = match &flag.pending {
            Some(p) => {
                let both = [flag.conditions.as_slice(), p.conditions.as_slice()].concat();
                aggregate::count_per_unit(&aggregate::select(df, spec, &both, None)?, units)?
            }
            None => vec![0; units],
        };
        flags.push((all, pending));
    }
    let mut tallies = Vec::new();
    for tally in &schema.tallies {
        let (df, spec) = (&frames.sheets[tally.sheet], &schema.sheets[tally.sheet]);
        let sums = (tally.sums.iter())
            .map(|&f| aggregate::sum_per_unit(df, &spec.fields[f].name, units))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        tallies.push(sums);
    }
    let cases = match case_sheet(schema) {
        Some(i) => Some(aggregate::count_per_unit(
            &frames.sheets[i],
            frames.unit_count(),
        )?),
        None => None,
    };
    Ok(Counts {
        rules,
        flags,
        tallies,
        cases,
    })
}

/// One unit's score and short periods. `id` is the unit's number in the frames (none when it
/// has no accepted record); `columns` each rule's 排名 column.
fn score_unit(
    schema: &Schema,
    counts: &Counts,
    columns: &[usize],
    rule_columns: usize,
    status: &UnitStatus,
    id: Option<usize>,
) -> (UnitScore, Vec<Shortfall>) {
    let unit = &status.unit;
    let count_of = |counts: &[u32]| id.and_then(|id| counts.get(id)).copied().unwrap_or(0);
    let submitted = status.status == Submission::Submitted;
    // A unit of no known type sent its ledger: it is not judged on quotas, but its cases and its
    // tallies are its own.
    let sent = submitted || status.status == Submission::Untyped;
    let mut score = UnitScore {
        rank: None,
        group: schema
            .group_of(&unit.unit_type)
            .map(|g| schema.groups[g].name.clone()),
        group_rank: None,
        name: unit.name.clone(),
        unit_type: unit.unit_type.clone(),
        status: status.status,
        completion: None,
        counts: vec![None; rule_columns],
        missed: vec![false; rule_columns],
        missed_count: 0,
        behind: vec![false; rule_columns],
        behind_count: 0,
        cases: counts.cases.as_deref().map(count_of),
        flags: Vec::new(),
        tallies: Tallied::default(),
    };
    let mut shortfalls = Vec::new();
    let (mut weighted, mut weights) = (0.0, 0.0);
    // A unit whose type cannot be told is not judged, even on a rule of every type.
    let judged = !unit.unit_type.is_empty() && status.status != Submission::Untyped;
    for ((rule, counted), &column) in schema.rules.iter().zip(&counts.rules).zip(columns) {
        if !judged || !rule.applies_to(&unit.unit_type) {
            continue;
        }
        if !counted.judged {
            // Nothing due yet (a mid-year run): not judged, but what was done is shown.
            if submitted {
                score.counts[column] = Some(count_of(&counted.by_year));
            }
            continue;
        }
        weights += rule.weight;
        if !submitted {
            // Missed, with no count: the cell stays empty (in red) and the JSON's `missed`
            // agrees with `missed_count`.
            score.missed[column] = true;
            score.missed_count += 1;
            continue;
        }
        let (completion, short) = judge(counted, id);
        score.counts[column] = Some(count_of(&counted.by_year));
        weighted += rule.weight * completion;
        if short.iter().any(|s| s.status == Lateness::Missed) {
            score.missed[column] = true;
            score.missed_count += 1;
        } else if !short.is_empty() {
            score.behind[column] = true;
            score.behind_count += 1;
        }
        shortfalls.extend(short.into_iter().map(|s| Shortfall {
            unit: unit.name.clone(),
            unit_type: unit.unit_type.clone(),
            rule: rule.name.clone(),
            period: s.label,
            status: s.status,
            required: s.required,
            actual: s.actual,
            gap: s.required - s.actual,
            basis: rule.basis.clone(),
        }));
    }
    // A unit with nothing due yet is on track.
    score.completion = match (status.status, weights > 0.0) {
        (Submission::Untyped, _) => None,
        // Sent nothing, and neither the roster nor a workbook gives its type: which quotas it
        // missed cannot be told.
        (_, _) if !submitted && unit.unit_type.is_empty() => None,
        (_, _) if !submitted => Some(0.0),
        (_, true) => Some(weighted / weights),
        (_, false) => Some(1.0),
    };
    score.flags = (schema.flags.iter().zip(&counts.flags))
        .map(|(flag, (hits, pending))| {
            let applies = (flag.unit_types.as_ref()).is_none_or(|t| t.contains(&unit.unit_type));
            let (hits, pending) = (count_of(hits), count_of(pending));
            (applies && sent).then(|| match (&flag.pending, hits > pending) {
                // One decided record sets the flag; only pending ones leave it undecided.
                (_, true) => flag.set.clone(),
                (Some(p), false) if pending > 0 => p.value.clone(),
                _ => flag.otherwise.clone(),
            })
        })
        .collect();
    let sums = (counts.tallies.iter())
        .map(|per_field| {
            (per_field.iter())
                .map(|sums| id.and_then(|id| sums.get(id)).copied().unwrap_or(0))
                .collect()
        })
        .collect();
    score.tallies = Tallied::of(schema, sent.then_some(sums));
    (score, shortfalls)
}

/// Shortfalls follow the ranking, then schema rule order, then period order (already).
fn order_shortfalls(shortfalls: &mut [Shortfall], scores: &[UnitScore], rule_names: &[String]) {
    let order: HashMap<&str, usize> = (scores.iter().enumerate())
        .map(|(i, s)| (s.name.as_str(), i))
        .collect();
    let rule_order: HashMap<&str, usize> = (rule_names.iter().enumerate())
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    shortfalls.sort_by_key(|s| {
        (
            order.get(s.unit.as_str()).copied(),
            rule_order.get(s.rule.as_str()).copied(),
        )
    });
}

/// One rule's counts per unit and period, and per unit for the year.
fn count_rule(
    rule: &Rule,
    schema: &Schema,
    frames: &Frames,
    year: i32,
    as_of: NaiveDate,
) -> Result<RuleCounts> {
    let spec = &schema.sheets[rule.sheet];
    let dated_by = rule.date_field.map(|f| (f, year, as_of));
    let selected = aggregate::select(&frames.sheets[rule.sheet], spec, &rule.conditions, dated_by)?;
    let calendar = schema.calendar.as_ref();
    let periods: Vec<(Span, Due)> = (spans(&rule.period, year).into_iter())
        .map(|span| {
            let due = due(&span, rule.min, as_of, calendar);
            (span, due)
        })
        .collect();
    let units = frames.unit_count();
    let by_unit = aggregate::count_by_unit(&selected, bucket(&rule.period), units, periods.len())?;
    Ok(RuleCounts {
        judged: periods.iter().any(|(_, due)| due.required().is_some()),
        periods,
        by_unit,
        by_year: aggregate::count_per_unit(&selected, units)?,
    })
}

/// The schema sheet holding accountability cases (named 问责案件, or with 问责 in its name).
pub(crate) fn case_sheet(schema: &Schema) -> Option<usize> {
    schema
        .sheets
        .iter()
        .position(|s| s.name == "问责案件")
        .or_else(|| schema.sheets.iter().position(|s| s.name.contains("问责")))
}

/// One short period.
struct Short {
    label: String,
    status: Lateness,
    required: u32,
    actual: u32,
}

/// A rule's completion for one unit — the mean over its judged periods of `min(count ÷ required,
/// 1)` — and its short periods: 未达标 where ended, 进度滞后 where running. The caller skips
/// rules with no judged period.
fn judge(counted: &RuleCounts, unit: Option<usize>) -> (f64, Vec<Short>) {
    let width = counted.periods.len();
    let counts = unit.and_then(|u| counted.by_unit.get(u * width..(u + 1) * width));
    let (mut sum, mut judged) = (0.0, 0);
    let mut short = Vec::new();
    for (i, (span, due)) in counted.periods.iter().enumerate() {
        let (required, status) = match *due {
            Due::Ended { required } => (required, Lateness::Missed),
            Due::Running { required } => (required, Lateness::Behind),
            Due::NotJudged(_) => continue,
        };
        let actual = counts.map_or(0, |c| c[i]);
        sum += (f64::from(actual) / f64::from(required)).min(1.0);
        judged += 1;
        if actual < required {
            short.push(Short {
                label: span.label.clone(),
                status,
                required,
                actual,
            });
        }
    }
    (sum / f64::from(judged.max(1)), short)
}

/// What ranks compare: completion rounded to 1e-9, so that sums of equal fractions compare equal;
/// none (a unit not judged) sorts below every completion.
fn rank_key(score: &UnitScore) -> Option<i64> {
    score.completion.map(|c| (c * 1e9).round() as i64)
}

/// 类别排名: the competition rank among the units of one group, in the order `rank` left them.
fn rank_in_groups(scores: &mut [UnitScore]) {
    let key = rank_key;
    // Per group: how many ranked so far, and the last key and rank given.
    let mut seen: HashMap<String, (u32, Option<i64>, u32)> = HashMap::new();
    for score in scores.iter_mut() {
        let (Some(group), Some(k)) = (score.group.clone(), key(score)) else {
            continue;
        };
        let (count, last_key, last_rank) = seen.entry(group).or_insert((0, None, 0));
        *count += 1;
        let rank = match *last_key == Some(k) {
            true => *last_rank,
            false => *count,
        };
        (*last_key, *last_rank) = (Some(k), rank);
        score.group_rank = Some(rank);
    }
}

/// Competition ranking by 完成率 descending (1, 2, 2, 4); ties in 单位名称 code-point order.
/// Units not judged (no 完成率) follow, unranked, by name.
pub(crate) fn rank(scores: &mut [UnitScore]) {
    let key = rank_key;
    scores.sort_by(|a, b| key(b).cmp(&key(a)).then_with(|| a.name.cmp(&b.name)));
    for i in 0..scores.len() {
        scores[i].rank = match key(&scores[i]) {
            None => None,
            Some(k) if i > 0 && key(&scores[i - 1]) == Some(k) => scores[i - 1].rank,
            Some(_) => Some(i as u32 + 1),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::Unit;
    use crate::periods::iso_weeks_in;
    use crate::record::{Record, Value};
    use chrono::Datelike;

    fn schema(extra: &str) -> Schema {
        let text = format!("{}\n{extra}", include_str!("../schemas/ideology_work.toml"));
        crate::schema::parse(&text, "s").unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn study(unit: &str, d: NaiveDate, form: &str, special: bool) -> Record {
        Record {
            sheet: 0,
            file: 0,
            unit: unit.into(),
            row: 1,
            date: Some(d),
            values: vec![
                Value::Null,
                Value::Date(d),
                Value::Text(form.into()),
                Value::Null,
                Value::Bool(special),
                Value::Null,
                Value::Null,
            ],
        }
    }

    fn meeting(unit: &str, d: NaiveDate, kind: &str) -> Record {
        Record {
            sheet: 1,
            file: 0,
            unit: unit.into(),
            row: 1,
            date: Some(d),
            values: vec![
                Value::Null,
                Value::Date(d),
                Value::Text(kind.into()),
                Value::Null,
                Value::Null,
                Value::Null,
            ],
        }
    }

    fn unit(name: &str, unit_type: &str, status: Submission) -> UnitStatus {
        UnitStatus {
            unit: Unit {
                name: name.into(),
                unit_type: unit_type.into(),
                aliases: vec![],
            },
            status,
            in_roster: true,
            note: None,
            misnamed: Vec::new(),
        }
    }

    /// The 2026 scorecard of `records` as of `as_of`.
    fn score_at(
        schema: &Schema,
        records: &[Record],
        units: &[UnitStatus],
        as_of: NaiveDate,
    ) -> Scorecard {
        let frames = aggregate::frames(
            schema,
            records,
            &["f.xlsx".into()],
            2026,
            &aggregate::counted_fields(schema, &[]),
        )
        .unwrap();
        evaluate(schema, &frames, units, 2026, as_of).unwrap()
    }

    /// The whole year's scorecard.
    fn score(schema: &Schema, records: &[Record], units: &[UnitStatus]) -> Scorecard {
        score_at(schema, records, units, date(2026, 12, 31))
    }

    fn score_as_of(schema: &Schema, records: &[Record], as_of: NaiveDate) -> Scorecard {
        let units = [unit("镇", "乡镇", Submission::Submitted)];
        score_at(schema, records, &units, as_of)
    }

    fn column(card: &Scorecard, name: &str) -> usize {
        card.rule_names.iter().position(|n| n == name).unwrap()
    }

    #[test]
    fn iso_weeks_edges_follow_the_iso_year() {
        assert_eq!(iso_weeks_in(2026), 53);
        assert_eq!(iso_weeks_in(2025), 52);
        assert_eq!(date(2026, 1, 1).iso_week().week(), 1);
        assert_eq!(date(2025, 12, 29).iso_week().year(), 2026);
        assert_eq!(spans(&Period::Week, 2026).len(), 53);
    }

    #[test]
    fn weekly_rule_counts_only_weeks_of_the_report_iso_year() {
        let s = schema("");
        // 2025-12-29 belongs to ISO week 1 of 2026 but is dated 2025: a record in 2026-W01 is
        // 2026-01-01; 2027-01-01 is in ISO week 53 of 2026.
        let mut records = vec![study("局", date(2026, 1, 1), "集中学习", false)];
        records.push(study("局", date(2026, 12, 31), "集中学习", false));
        // Every week from week 2 to week 52 gets one.
        let mut d = date(2026, 1, 5);
        while d.iso_week().week() <= 52 && d.year() == 2026 {
            records.push(study("局", d, "中心组学习", false));
            d += chrono::Duration::days(7);
        }
        let card = score(&s, &records, &[unit("局", "部门", Submission::Submitted)]);
        let shortfalls: Vec<&str> = card
            .shortfalls
            .iter()
            .filter(|f| f.rule == "集中学习")
            .map(|f| f.period.as_str())
            .collect();
        assert!(shortfalls.is_empty(), "{shortfalls:?}");
        // Drop week 1's record: that week is a holiday week (one working day), not judged. Drop
        // the last week's: it falls short.
        let unit = [unit("局", "部门", Submission::Submitted)];
        let card = score(&s, &records[1..], &unit);
        assert!(card.shortfalls.iter().all(|f| f.rule != "集中学习"));
        let card = score(&s, &[&records[..1], &records[2..]].concat(), &unit);
        let weekly: Vec<&Shortfall> = card
            .shortfalls
            .iter()
            .filter(|f| f.rule == "集中学习")
            .collect();
        assert_eq!(weekly.len(), 1);
        assert_eq!(
            (weekly[0].period.as_str(), weekly[0].actual, weekly[0].gap),
            ("第53周（12月28日—12月31日）", 0, 1)
        );
    }

    /// Judged on 5 July: the yearly 集中学习 (12) requires 6 by then, so five studies are 进度滞后,
    /// not 未达标; the first half's 专题研究 has ended short (未达标); the second half is not yet
    /// due; and a record dated after the date does not exist here (resolution rejects it).
    #[test]
    fn a_mid_year_date_judges_ended_periods_and_pro_rates_running_ones() {
        let s = schema("");
        let records: Vec<Record> = (1..=5)
            .map(|m| study("镇", date(2026, m, 10), "集中学习", m <= 2))
            .collect();
        let card = score_as_of(&s, &records, date(2026, 7, 5));
        let short = |rule: &str| -> Vec<(&str, Lateness, u32, u32)> {
            (card.shortfalls.iter())
                .filter(|f| f.rule == rule)
                .map(|f| (f.period.as_str(), f.status, f.required, f.actual))
                .collect()
        };
        assert_eq!(short("集中学习"), [("全年", Lateness::Behind, 6, 5)]);
        assert_eq!(short("专题研究"), [("上半年", Lateness::Missed, 1, 0)]);
        assert!(
            short("意识形态专题学习").is_empty(),
            "2 of 2 × 186 ÷ 365 = 1"
        );
        let u = &card.units[0];
        let col = column(&card, "集中学习");
        assert!(u.behind[col] && !u.missed[col]);
        assert!(u.missed[column(&card, "专题研究")]);
        // 集中学习 5 ÷ 6 and 意识形态专题学习 1; 专题研究, 分析研判, 专题汇报 and 督查 each 0 for
        // their first half (their second halves are not due).
        let expected = (5.0 / 6.0 + 1.0) / 6.0;
        let completion = u.completion.unwrap();
        assert!((completion - expected).abs() < 1e-9, "{completion}");
        assert_eq!((u.missed_count, u.behind_count), (4, 1));
    }

    /// On 1 January nothing is due: every rule is left out and the unit is on track.
    #[test]
    fn with_nothing_due_a_unit_is_on_track() {
        let s = schema("");
        let card = score_as_of(&s, &[], date(2026, 1, 1));
        assert_eq!(card.units[0].completion, Some(1.0));
        assert!(card.shortfalls.is_empty());
    }

    #[test]
    fn a_record_on_29_december_2025_counts_for_no_2026_week() {
        let s = schema("");
        let records = vec![study("局", date(2025, 12, 29), "集中学习", false)];
        let frames = aggregate::frames(&s, &records, &[], 2026, &[]).unwrap();
        let weeks = iso_weeks_in(2026) as usize;
        let counts =
            aggregate::count_by_unit(&frames.sheets[0], Bucket::IsoWeek, 1, weeks).unwrap();
        assert_eq!(counts, vec![0; weeks]);
        let counts = aggregate::count_by_unit(&frames.sheets[0], Bucket::Year, 1, 1).unwrap();
        assert_eq!(counts, vec![1], "the record itself is there");
    }

    proptest::proptest! {
        /// The dense per-unit, per-period counts equal a naive count of the records themselves,
        /// for every kind of period, with dates on both sides of the report year.
        #[test]
        fn dense_counts_equal_a_naive_count_of_the_records(
            rows in proptest::collection::vec((0usize..4, 0i64..430), 0..200),
        ) {
            let s = schema("");
            let names = ["甲镇", "乙镇", "丙局", "丁校"];
            let start = date(2025, 12, 1);
            let records: Vec<Record> = rows
                .iter()
                .map(|&(u, day)| study(names[u], start + chrono::Days::new(day as u64), "集中学习", false))
                .collect();
            let frames = aggregate::frames(&s, &records, &["f.xlsx".into()], 2026, &[]).unwrap();
            let units = frames.unit_count();
            let cutoffs = [(6, 30), (12, 31)];
            let buckets: [(Bucket<'_>, usize); 6] = [
                (Bucket::Year, 1),
                (Bucket::Month, 12),
                (Bucket::Months(6), 2),
                (Bucket::Months(3), 4),
                (Bucket::IsoWeek, iso_weeks_in(2026) as usize),
                (Bucket::Deadlines(&cutoffs), 2),
            ];
            for (bucket, periods) in buckets {
                let dense = aggregate::count_by_unit(&frames.sheets[0], bucket, units, periods).unwrap();
                let mut naive = vec![0u32; units * periods];
                for r in &records {
                    let d = r.values[1].as_date().unwrap();
                    let period = match bucket {
                        Bucket::Year => Some(0),
                        Bucket::Month => Some(d.month0() as usize),
                        Bucket::Months(n) => Some(d.month0() as usize / n as usize),
                        Bucket::IsoWeek => (d.year() == 2026 && d.iso_week().year() == 2026)
                            .then(|| d.iso_week().week0() as usize),
                        Bucket::Deadlines(c) => c.iter().position(|&c| (d.month(), d.day()) <= c),
                    };
                    let id = frames.unit_id(&r.unit).unwrap() as usize;
                    if let Some(p) = period.filter(|&p| p < periods) {
                        naive[id * periods + p] += 1;
                    }
                }
                proptest::prop_assert_eq!(dense, naive, "{:?}", bucket);
            }
        }
    }

    #[test]
    fn halves_and_completion_are_means_of_capped_ratios() {
        let s = schema("");
        let records = vec![
            meeting("镇", date(2026, 3, 1), "分析研判"),
            meeting("镇", date(2026, 4, 1), "分析研判"),
            meeting("镇", date(2026, 5, 1), "专题研究"),
        ];
        let card = score(&s, &records, &[unit("镇", "乡镇", Submission::Submitted)]);
        let u = &card.units[0];
        assert_eq!(u.counts[column(&card, "分析研判")], Some(2));
        // 分析研判: H1 capped at 1, H2 0 → 0.5; 专题研究 0.5; 专题汇报 0; 集中学习 0; 意识形态专题 0; 督查 0.
        let expected = (0.5 + 0.5) / 6.0;
        let completion = u.completion.unwrap();
        assert!((completion - expected).abs() < 1e-12, "{completion}");
        let periods: Vec<(&str, &str)> = card
            .shortfalls
            .iter()
            .map(|f| (f.rule.as_str(), f.period.as_str()))
            .collect();
        assert!(periods.contains(&("分析研判", "下半年")));
        assert!(!periods.contains(&("分析研判", "上半年")));
        assert_eq!(u.missed_count, 6);
    }

    #[test]
    fn deadlines_split_the_year_at_the_cutoffs() {
        let s = schema("");
        let check = |d: NaiveDate| Record {
            sheet: 2,
            file: 0,
            unit: "校".into(),
            row: 1,
            date: Some(d),
            values: vec![
                Value::Null,
                Value::Date(d),
                Value::Text("全面自查".into()),
                Value::Null,
                Value::Int(0),
                Value::Int(0),
                Value::Int(0),
                Value::Null,
            ],
        };
        let card = score(
            &s,
            &[check(date(2026, 6, 10)), check(date(2026, 12, 11))],
            &[unit("校", "学校", Submission::Submitted)],
        );
        let periods: Vec<&str> = card
            .shortfalls
            .iter()
            .filter(|f| f.rule == "自查报告")
            .map(|f| f.period.as_str())
            .collect();
        assert_eq!(periods, vec!["截至12月10日"]);
        let card = score(
            &s,
            &[check(date(2026, 6, 11)), check(date(2026, 12, 10))],
            &[unit("校", "学校", Submission::Submitted)],
        );
        let periods: Vec<&str> = card
            .shortfalls
            .iter()
            .filter(|f| f.rule == "自查报告")
            .map(|f| f.period.as_str())
            .collect();
        assert_eq!(periods, vec!["截至6月10日"]);
    }

    #[test]
    fn weights_flags_ties_and_non_submitters() {
        let s = crate::schema::parse(
            r#"
[schema]
name = "t"
version = "1"
unit_types = ["乡镇"]
[[sheet]]
name = "学习记录"
date_field = "日期"
fields = [
  { name = "日期", type = "date", required = true },
  { name = "形式", type = "string", enum = ["集中学习", "自学"] },
]
[[rule]]
name = "集中"
sheet = "学习记录"
where = { "形式" = ["集中学习"] }
min = 2
weight = 3
[[rule]]
name = "全部"
sheet = "学习记录"
min = 1
[[flag]]
name = "自学标记"
sheet = "学习记录"
where = { "形式" = ["自学"] }
set = "有"
otherwise = "无"
"#,
            "t",
        )
        .unwrap();
        let rec = |u: &str, form: &str| Record {
            sheet: 0,
            file: 0,
            unit: u.into(),
            row: 1,
            date: Some(date(2026, 5, 5)),
            values: vec![Value::Date(date(2026, 5, 5)), Value::Text(form.into())],
        };
        let records = vec![
            rec("乙镇", "集中学习"),
            rec("甲镇", "集中学习"),
            rec("丙镇", "自学"),
            rec("丁镇", "集中学习"),
            rec("丁镇", "集中学习"),
        ];
        let units = vec![
            unit("甲镇", "乡镇", Submission::Submitted),
            unit("乙镇", "乡镇", Submission::Submitted),
            unit("丙镇", "乡镇", Submission::Submitted),
            unit("丁镇", "乡镇", Submission::Submitted),
            unit("戊镇", "乡镇", Submission::Missing),
        ];
        let card = score(&s, &records, &units);
        let ranked: Vec<(u32, &str, f64)> = card
            .units
            .iter()
            .map(|u| (u.rank.unwrap(), u.name.as_str(), u.completion.unwrap()))
            .collect();
        // 丁: 1.0; 甲/乙: (3×0.5 + 1)/4 = 0.625 tied, code-point order 乙(U+4E59) < 甲(U+7532);
        // 丙: (0 + 1)/4 = 0.25; 戊 did not submit: 0.
        assert_eq!(
            ranked,
            vec![
                (1, "丁镇", 1.0),
                (2, "乙镇", 0.625),
                (2, "甲镇", 0.625),
                (4, "丙镇", 0.25),
                (5, "戊镇", 0.0)
            ]
        );
        let flags: Vec<Option<&str>> = card.units.iter().map(|u| u.flags[0].as_deref()).collect();
        assert_eq!(
            flags,
            vec![Some("无"), Some("无"), Some("无"), Some("有"), None]
        );
        let missing = &card.units[4];
        assert_eq!(
            (
                missing.counts.clone(),
                missing.missed.clone(),
                missing.missed_count
            ),
            (vec![None, None], vec![true, true], 2)
        );
        assert!(card.shortfalls.iter().all(|f| f.unit != "戊镇"));
    }

    /// Each unit of the scorecard in its order: (rank, name, 完成率).
    fn ranked(card: &Scorecard) -> Vec<(Option<u32>, &str, Option<f64>)> {
        (card.units.iter())
            .map(|u| (u.rank, u.name.as_str(), u.completion))
            .collect()
    }

    /// A unit whose type cannot be told is listed after every ranked unit, unranked and
    /// unjudged, even below one that sent nothing.
    #[test]
    fn a_unit_of_no_type_is_listed_last_and_not_judged() {
        let s = schema("");
        let d = date(2026, 5, 5);
        let records = vec![
            study("甲镇", d, "集中学习", false),
            study("乙镇", d, "集中学习", false),
        ];
        let units = vec![
            unit("甲镇", "", Submission::Untyped),
            unit("乙镇", "乡镇", Submission::Submitted),
            unit("丙镇", "乡镇", Submission::Missing),
        ];
        let card = score(&s, &records, &units);
        let listed = ranked(&card);
        assert_eq!(listed[2], (None, "甲镇", None));
        assert_eq!(listed[1].0, Some(2));
        let untyped = &card.units[2];
        assert!(untyped.counts.iter().all(Option::is_none));
        assert_eq!(untyped.missed_count, 0);
        assert!(card.shortfalls.iter().all(|f| f.unit != "甲镇"));
    }

    /// A unit of no type that sent nothing cannot be scored either: it is not ranked at 0 beside
    /// the units whose quotas are known.
    #[test]
    fn a_unit_of_no_type_that_sent_nothing_is_not_ranked() {
        let s = schema("");
        let records = vec![study("乙镇", date(2026, 5, 5), "集中学习", false)];
        let units = vec![
            unit("甲镇", "", Submission::Missing),
            unit("乙镇", "乡镇", Submission::Submitted),
            unit("丙镇", "乡镇", Submission::Missing),
        ];
        let card = score(&s, &records, &units);
        let listed = ranked(&card);
        assert_eq!(listed[2], (None, "甲镇", None));
        assert_eq!(listed[1], (Some(2), "丙镇", Some(0.0)));
    }

    /// A unit of no type that sent its ledger keeps what is its own: its cases set its flags.
    #[test]
    fn a_unit_of_no_type_keeps_its_flags() {
        let s = schema("");
        let d = date(2026, 5, 5);
        let records = vec![study("甲镇", d, "集中学习", false)];
        let units = vec![unit("甲镇", "", Submission::Untyped)];
        let card = score(&s, &records, &units);
        assert!(card.units[0].flags.iter().all(Option::is_some), "{card:?}");
    }
}
