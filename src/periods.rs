//! The periods of a rule in the report year, and how each is judged as of the date a run judges
//! (`docs/rules.md#periods`, `docs/rules.md#the-date-a-run-judges`): its first and last day
//! clipped to the year, its label with its dates, and whether it has ended, is running or has
//! not begun — with the records it requires by then. It owns this arithmetic; it must not count
//! records.

use crate::schema::{Calendar, Period};
use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// One period of a rule, inside the report year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Span {
    pub first: NaiveDate,
    pub last: NaiveDate,
    /// As every output shows it: `全年`, `上半年`, `第10周（3月2日—3月8日）`, `截至6月10日`.
    pub label: String,
    /// A weekly period, which the calendar may leave unjudged.
    pub weekly: bool,
}

/// How a period stands on the date a run judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Due {
    /// Ended on or before the date: `required` is the rule's `min`.
    Ended { required: u32 },
    /// Begun, not ended: `required` is the rule's `min` pro rata of the days gone (at least 1).
    Running { required: u32 },
    /// Not judged: not begun, nothing due yet, or a holiday week.
    NotJudged(Unjudged),
}

/// Why a period is not judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unjudged {
    /// It begins after the date.
    Future,
    /// It has begun, but too little of it has gone for one record to be due.
    NothingDueYet,
    /// A week with fewer working days than the calendar's `min_working_days`.
    HolidayWeek,
}

impl Due {
    /// The records required by the date, when the period is judged.
    pub(crate) fn required(self) -> Option<u32> {
        match self {
            Due::Ended { required } | Due::Running { required } => Some(required),
            Due::NotJudged(_) => None,
        }
    }
}

/// ISO weeks in an ISO week-year: 52 or 53.
pub(crate) fn iso_weeks_in(year: i32) -> u32 {
    NaiveDate::from_ymd_opt(year, 12, 28).map_or(52, |d| d.iso_week().week())
}

/// `3月2日`.
fn day_label(d: NaiveDate) -> String {
    format!("{}月{}日", d.month(), d.day())
}

/// The periods of `period` in `year`, in order; their indexes are the period indexes the
/// counts use.
pub(crate) fn spans(period: &Period, year: i32) -> Vec<Span> {
    let day = |m: u32, d: u32| NaiveDate::from_ymd_opt(year, m, d).unwrap_or_default();
    let (jan1, dec31) = (day(1, 1), day(12, 31));
    let span = |first, last, label: String| Span {
        first,
        last,
        label,
        weekly: false,
    };
    let month_end = |m: u32| match m {
        12 => dec31,
        _ => day(m + 1, 1) - Duration::days(1),
    };
    match period {
        Period::Year => vec![span(jan1, dec31, "全年".into())],
        Period::Half => vec![
            span(jan1, day(6, 30), "上半年".into()),
            span(day(7, 1), dec31, "下半年".into()),
        ],
        Period::Quarter => (0..4)
            .map(|q| {
                span(
                    day(q * 3 + 1, 1),
                    month_end(q * 3 + 3),
                    format!("第{}季度", q + 1),
                )
            })
            .collect(),
        Period::Month => (1..=12)
            .map(|m| span(day(m, 1), month_end(m), format!("{m}月")))
            .collect(),
        Period::Week => (1..=iso_weeks_in(year))
            .filter_map(|w| {
                let monday = NaiveDate::from_isoywd_opt(year, w, Weekday::Mon)?;
                let (first, last) = (monday.max(jan1), (monday + Duration::days(6)).min(dec31));
                let label = format!("第{w}周（{}—{}）", day_label(first), day_label(last));
                Some(Span {
                    weekly: true,
                    ..span(first, last, label)
                })
            })
            .collect(),
        Period::Deadlines(cutoffs) => {
            let mut first = jan1;
            (cutoffs.iter())
                .map(|&(m, d)| {
                    let last = day(m, d);
                    let out = span(first, last, format!("截至{m}月{d}日"));
                    first = last + Duration::days(1);
                    out
                })
                .collect()
        }
    }
}

/// How `span` stands on `as_of` for a rule that needs `min` records in each period.
pub(crate) fn due(span: &Span, min: u32, as_of: NaiveDate, calendar: Option<&Calendar>) -> Due {
    if span.weekly
        && let Some(calendar) = calendar
        && calendar.working_days(span.first, span.last) < calendar.min_working_days
    {
        return Due::NotJudged(Unjudged::HolidayWeek);
    }
    if as_of < span.first {
        return Due::NotJudged(Unjudged::Future);
    }
    if as_of >= span.last {
        return Due::Ended { required: min };
    }
    let elapsed = (as_of - span.first).num_days() + 1;
    let length = (span.last - span.first).num_days() + 1;
    match i64::from(min) * elapsed / length {
        0 => Due::NotJudged(Unjudged::NothingDueYet),
        required => Due::Running {
            required: required as u32,
        },
    }
}

/// How a rule's periods stand on `as_of`, in words for 说明: which have ended (judged in full),
/// which are running (judged pro rata), which are not yet due, and which holiday weeks are not
/// judged — `已到期：上半年；进行中：全年（应达6次）；未到期：下半年`.
pub(crate) fn summary(
    period: &Period,
    min: u32,
    year: i32,
    as_of: NaiveDate,
    calendar: Option<&Calendar>,
) -> String {
    let (mut ended, mut running, mut future, mut holidays) = (vec![], vec![], vec![], vec![]);
    for span in spans(period, year) {
        match due(&span, min, as_of, calendar) {
            Due::Ended { .. } => ended.push(span.label),
            Due::Running { required } => {
                running.push(format!("{}（应达{required}次）", span.label))
            }
            Due::NotJudged(Unjudged::HolidayWeek) => holidays.push(span.label),
            Due::NotJudged(_) => future.push(span.label),
        }
    }
    // Weeks are many: counted, with the first and last named.
    let named = |labels: &[String]| match labels {
        [] => String::new(),
        [one] => one.clone(),
        [first, .., last] if labels.len() > 3 => {
            format!("{} 个（{first} 至 {last}）", labels.len())
        }
        _ => labels.join("、"),
    };
    let parts = [
        ("已到期", &ended),
        ("进行中", &running),
        ("未到期", &future),
        ("节假日周，不考核", &holidays),
    ];
    (parts.iter())
        .filter(|(_, labels)| !labels.is_empty())
        .map(|(what, labels)| format!("{what}：{}", named(labels)))
        .collect::<Vec<_>>()
        .join("；")
}

/// The date a run judges when `--as-of` is not given: the last day of the report year once it
/// has passed, else `today` (the first day of the year when the year has not begun).
pub(crate) fn default_as_of(year: i32, today: NaiveDate) -> NaiveDate {
    let (jan1, dec31) = (
        NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default(),
        NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default(),
    );
    today.clamp(jan1, dec31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// 2026's national schedule, as the default schema carries it.
    fn calendar_2026() -> Calendar {
        let range = |a: NaiveDate, b: NaiveDate| a.iter_days().take_while(move |x| *x <= b);
        let mut holidays = std::collections::BTreeSet::new();
        for (a, b) in [
            (d(2026, 1, 1), d(2026, 1, 3)),
            (d(2026, 2, 15), d(2026, 2, 23)),
            (d(2026, 4, 4), d(2026, 4, 6)),
            (d(2026, 5, 1), d(2026, 5, 5)),
            (d(2026, 6, 19), d(2026, 6, 21)),
            (d(2026, 9, 25), d(2026, 9, 27)),
            (d(2026, 10, 1), d(2026, 10, 7)),
        ] {
            holidays.extend(range(a, b));
        }
        let workdays = [(1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10)]
            .into_iter()
            .map(|(m, day)| d(2026, m, day))
            .collect();
        Calendar {
            holidays,
            workdays,
            min_working_days: 3,
            basis: String::new(),
        }
    }

    #[test]
    fn weeks_are_clipped_to_the_year_and_labelled_with_their_dates() {
        let weeks = spans(&Period::Week, 2026);
        assert_eq!(weeks.len(), 53);
        assert_eq!(
            (weeks[0].first, weeks[0].last),
            (d(2026, 1, 1), d(2026, 1, 4))
        );
        assert_eq!(weeks[0].label, "第1周（1月1日—1月4日）");
        assert_eq!(weeks[9].label, "第10周（3月2日—3月8日）");
        assert_eq!(
            (weeks[52].first, weeks[52].last),
            (d(2026, 12, 28), d(2026, 12, 31))
        );
        // 2027 has 52 ISO weeks: its first begins on 4 January, its last ends on 2 January 2028,
        // clipped to 31 December.
        let weeks = spans(&Period::Week, 2027);
        assert_eq!(weeks.len(), 52);
        assert_eq!(weeks[0].first, d(2027, 1, 4));
        assert_eq!(weeks[51].last, d(2027, 12, 31));
    }

    #[test]
    fn halves_quarters_months_and_deadlines_cover_the_year() {
        let halves = spans(&Period::Half, 2028);
        assert_eq!(halves[0].last, d(2028, 6, 30));
        let months = spans(&Period::Month, 2028);
        assert_eq!(months[1].last, d(2028, 2, 29), "a leap year");
        assert_eq!(spans(&Period::Month, 2026)[1].last, d(2026, 2, 28));
        assert_eq!(spans(&Period::Quarter, 2026)[3].first, d(2026, 10, 1));
        let deadlines = spans(&Period::Deadlines(vec![(6, 10), (12, 10)]), 2026);
        assert_eq!(
            (deadlines[0].first, deadlines[0].last),
            (d(2026, 1, 1), d(2026, 6, 10))
        );
        assert_eq!(
            (deadlines[1].first, deadlines[1].last),
            (d(2026, 6, 11), d(2026, 12, 10))
        );
        assert_eq!(deadlines[1].label, "截至12月10日");
    }

    #[test]
    fn a_period_is_ended_running_or_future_on_the_date() {
        let year = &spans(&Period::Year, 2026)[0];
        // 5 July: 186 of 365 days gone; 12 × 186 ÷ 365 = 6.1.
        assert_eq!(
            due(year, 12, d(2026, 7, 5), None),
            Due::Running { required: 6 }
        );
        assert_eq!(
            due(year, 12, d(2026, 12, 31), None),
            Due::Ended { required: 12 },
            "the last day ends it"
        );
        assert_eq!(
            due(year, 2, d(2026, 1, 1), None),
            Due::NotJudged(Unjudged::NothingDueYet),
            "on its first day nothing is due yet"
        );
        let halves = spans(&Period::Half, 2026);
        assert_eq!(
            due(&halves[0], 1, d(2026, 6, 30), None),
            Due::Ended { required: 1 }
        );
        assert_eq!(
            due(&halves[1], 1, d(2026, 6, 30), None),
            Due::NotJudged(Unjudged::Future)
        );
        assert_eq!(
            due(&halves[1], 1, d(2026, 7, 1), None),
            Due::NotJudged(Unjudged::NothingDueYet),
            "1 × 1 ÷ 184 rounds down to 0"
        );
        // A leap year's first half has 182 days: on 31 March (91 days), 2 × 91 ÷ 182 = 1.
        let halves = spans(&Period::Half, 2028);
        assert_eq!(
            due(&halves[0], 2, d(2028, 3, 31), None),
            Due::Running { required: 1 }
        );
        let deadlines = spans(&Period::Deadlines(vec![(6, 10), (12, 10)]), 2026);
        assert_eq!(
            due(&deadlines[0], 1, d(2026, 6, 10), None),
            Due::Ended { required: 1 }
        );
        assert_eq!(
            due(&deadlines[1], 1, d(2026, 12, 10), None),
            Due::Ended { required: 1 }
        );
        assert_eq!(
            due(&deadlines[1], 1, d(2026, 12, 9), None),
            Due::NotJudged(Unjudged::NothingDueYet)
        );
    }

    #[test]
    fn holiday_weeks_of_2026_are_not_judged() {
        let calendar = calendar_2026();
        let weeks = spans(&Period::Week, 2026);
        let unjudged: Vec<usize> = (weeks.iter().enumerate())
            .filter(|(_, w)| {
                due(w, 1, d(2026, 12, 31), Some(&calendar)) == Due::NotJudged(Unjudged::HolidayWeek)
            })
            .map(|(i, _)| i + 1)
            .collect();
        assert_eq!(unjudged, [1, 8]);
        // Without a calendar every week is judged, the four days of week 1 included.
        assert_eq!(
            due(&weeks[0], 1, d(2026, 12, 31), None),
            Due::Ended { required: 1 }
        );
        // A week in progress: Wednesday of week 10 (3 of 7 days), 1 × 3 ÷ 7 = 0.
        assert_eq!(
            due(&weeks[9], 1, d(2026, 3, 4), Some(&calendar)),
            Due::NotJudged(Unjudged::NothingDueYet)
        );
    }

    #[test]
    fn the_summary_names_what_is_judged_running_and_not_yet_due() {
        assert_eq!(
            summary(&Period::Half, 1, 2026, d(2026, 7, 5), None),
            "已到期：上半年；未到期：下半年"
        );
        assert_eq!(
            summary(&Period::Year, 12, 2026, d(2026, 7, 5), None),
            "进行中：全年（应达6次）"
        );
        let weeks = summary(
            &Period::Week,
            1,
            2026,
            d(2026, 12, 31),
            Some(&calendar_2026()),
        );
        assert!(weeks.starts_with("已到期：51 个（第2周"), "{weeks}");
        assert!(
            weeks.ends_with("节假日周，不考核：第1周（1月1日—1月4日）、第8周（2月16日—2月22日）"),
            "{weeks}"
        );
    }

    #[test]
    fn the_default_date_is_the_year_end_once_passed_else_today() {
        assert_eq!(default_as_of(2026, d(2027, 1, 15)), d(2026, 12, 31));
        assert_eq!(default_as_of(2026, d(2026, 7, 5)), d(2026, 7, 5));
        assert_eq!(default_as_of(2026, d(2025, 12, 1)), d(2026, 1, 1));
    }
}
