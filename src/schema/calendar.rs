//! The working calendar of the schema's `[calendar]` (`docs/schema.md#calendar`): holidays,
//! make-up working days and the fewest working days a week needs to be judged. It owns what a
//! working day is; it must not know about periods or rules.

use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::BTreeSet;

/// Which days are worked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    /// Days off, weekdays included (a holiday on a Monday).
    pub holidays: BTreeSet<NaiveDate>,
    /// Weekend days worked (调休 make-up days).
    pub workdays: BTreeSet<NaiveDate>,
    /// A week with fewer working days than this (inside the report year) is not judged.
    pub min_working_days: u32,
    /// The notice the dates come from.
    pub basis: String,
}

impl Calendar {
    /// A working day: Monday to Friday and not a holiday, or a make-up working day.
    pub fn is_working(&self, day: NaiveDate) -> bool {
        let weekday = !matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        (weekday && !self.holidays.contains(&day)) || self.workdays.contains(&day)
    }

    /// The working days from `first` to `last`, both included.
    pub fn working_days(&self, first: NaiveDate, last: NaiveDate) -> u32 {
        first
            .iter_days()
            .take_while(|d| *d <= last)
            .filter(|d| self.is_working(*d))
            .count() as u32
    }
}

/// A date (`2026-10-01`) or a range of dates (`2026-10-01..2026-10-07`, both ends included), as
/// `[calendar]` writes them; `None` when it is neither.
pub(super) fn days(text: &str) -> Option<Vec<NaiveDate>> {
    let date = |t: &str| NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").ok();
    let (first, last) = match text.split_once("..") {
        Some((a, b)) => (date(a)?, date(b)?),
        None => (date(text)?, date(text)?),
    };
    // A range of more than a year is a typo, not a holiday.
    if last < first || (last - first).num_days() > 366 {
        return None;
    }
    Some(first.iter_days().take_while(|d| *d <= last).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn holidays_and_make_up_days_decide_the_working_days() {
        let calendar = Calendar {
            holidays: days("2026-01-01..2026-01-03")
                .unwrap()
                .into_iter()
                .collect(),
            workdays: [d(1, 4)].into_iter().collect(),
            min_working_days: 3,
            basis: String::new(),
        };
        assert!(!calendar.is_working(d(1, 1)), "a Thursday off");
        assert!(calendar.is_working(d(1, 4)), "a Sunday worked");
        assert!(!calendar.is_working(d(1, 10)), "a Saturday");
        assert!(calendar.is_working(d(1, 5)));
        assert_eq!(calendar.working_days(d(1, 1), d(1, 4)), 1);
        assert_eq!(calendar.working_days(d(1, 5), d(1, 11)), 5);
    }

    #[test]
    fn dates_and_ranges_are_read() {
        assert_eq!(days("2026-10-01").unwrap(), [d(10, 1)]);
        assert_eq!(days("2026-10-01..2026-10-07").unwrap().len(), 7);
        assert!(days("2026-10-07..2026-10-01").is_none());
        assert!(days("10月1日").is_none());
        assert!(days("2026-01-01..2028-01-01").is_none());
    }
}
