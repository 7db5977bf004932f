//! Turning one cell into one typed value for one schema field, accepting every spelling of
//! `docs/inputs.md#values`: date cells, serial numbers and a dozen ways of typing a date; `35人`,
//! `１２`, `12.0`; `√/×`, `是/否`; enum values after normalisation and aliases. It decides why a
//! cell is refused (a `Refusal`, worded in `issue::kind`). It must not decide whether a refusal
//! rejects the row (that is `validate`), and it uses no regex: it runs on every cell.

use crate::ingest::limits::MAX_CELL_CHARS;
use crate::issue::{Refusal, excerpt};
use crate::normalize::{closest, nfkc, normalize, trim_cell};
use crate::record::Value;
use crate::schema::{Field, FieldKind, VALUE_SEPARATORS};
use crate::sheet::{Cell, format_number};
use chrono::NaiveDate;

/// What a date typed without its year (`3月5日`) becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MonthDays {
    /// A date in this year.
    InYear(i32),
    /// A `Value::MonthDay`, for resolution to complete with the report year once every file is
    /// read (no `--year`).
    Later,
    /// Refused: there is no year to complete it with.
    Refused,
}

impl From<Option<i32>> for MonthDays {
    fn from(year: Option<i32>) -> Self {
        year.map_or(MonthDays::Refused, MonthDays::InYear)
    }
}

/// A date as read: whole, or a month and day waiting for the report year.
enum Day {
    Date(NaiveDate),
    MonthDay(u8, u8),
}

/// Coerces `cell` for `field`. `Ok(Value::Null)` means the cell was empty. `year` says how dates
/// typed without one (`3月5日`) are completed.
pub fn coerce(cell: &Cell, field: &Field, year: impl Into<MonthDays>) -> Result<Value, Refusal> {
    match cell {
        Cell::Uncached => {
            return Err(Refusal::Uncached);
        }
        Cell::Error(e) => return Err(Refusal::CellError(e.to_string())),
        Cell::Number(n) if !n.is_finite() => return Err(Refusal::InvalidNumber(*n)),
        _ if cell.is_blank() => return Ok(Value::Null),
        _ => {}
    }
    fits_a_cell(cell)?;
    match (field.multiple, cell) {
        (true, Cell::Text(text)) => several(text, field, year.into()),
        (true, _) => Ok(Value::List(Box::new([one(cell, field, year.into())?]))),
        (false, _) => one(cell, field, year.into()),
    }
}

/// One value of `field` from a cell known not to be blank.
fn one(cell: &Cell, field: &Field, year: MonthDays) -> Result<Value, Refusal> {
    let value = match field.kind {
        FieldKind::String => text(cell, field)?,
        FieldKind::Integer => Value::Int(integer(cell)?),
        FieldKind::Boolean => Value::Bool(boolean(cell)?),
        FieldKind::Date => match day(cell, year)? {
            Day::Date(d) => Value::Date(d),
            Day::MonthDay(m, d) => Value::MonthDay(m, d),
        },
    };
    bounds(&value, field)?;
    Ok(value)
}

/// The values of a multi-valued cell, split at `VALUE_SEPARATORS`, each checked on its own (the
/// first refused one is the cell's refusal, naming it) and kept once, in the order written.
fn several(text: &str, field: &Field, year: MonthDays) -> Result<Value, Refusal> {
    let mut values: Vec<Value> = Vec::new();
    for part in text.split(VALUE_SEPARATORS).map(trim_cell) {
        if part.is_empty() {
            continue;
        }
        let value = one(&Cell::Text(part.to_string()), field, year)?;
        if !values.contains(&value) {
            values.push(value);
        }
    }
    Ok(match values.is_empty() {
        true => Value::Null,
        false => Value::List(values.into()),
    })
}

/// Refuses a text longer than an Excel cell holds (`MAX_CELL_CHARS`, trimmed), so that no record
/// carries a value no workbook could show. Bytes are compared first: a text of no more bytes than
/// that has no more characters, and only a longer one is counted.
pub(crate) fn fits_a_cell(cell: &Cell) -> Result<(), Refusal> {
    let Cell::Text(s) = cell else { return Ok(()) };
    if s.len() <= MAX_CELL_CHARS {
        return Ok(());
    }
    match trim_cell(s).chars().count() {
        chars if chars > MAX_CELL_CHARS => Err(Refusal::TooLong { chars }),
        _ => Ok(()),
    }
}

fn text(cell: &Cell, field: &Field) -> Result<Value, Refusal> {
    // Borrowed where it can be: enum cells are only looked up.
    let shown = match cell {
        Cell::Bool(true) => "是".into(),
        Cell::Bool(false) => "否".into(),
        other => other.shown(),
    };
    if let Some(allowed) = &field.allowed {
        return match crate::normalize::lookup(&field.enum_lookup, &shown) {
            Some(&i) => Ok(Value::Text(allowed[i].as_str().into())),
            None => Err(enum_refusal(&shown, field, allowed)),
        };
    }
    if let Some(pattern) = &field.pattern
        && !pattern.is_match(&shown)
    {
        return Err(Refusal::Pattern(excerpt(&shown).into_owned()));
    }
    Ok(Value::Text(shown.into()))
}

fn enum_refusal(shown: &str, field: &Field, allowed: &[String]) -> Refusal {
    let spellings = allowed
        .iter()
        .map(String::as_str)
        .chain(field.enum_aliases.iter().map(|(alias, _)| alias.as_str()));
    let suggestion = closest(shown, spellings).map(|s| {
        // An alias suggests the value it stands for.
        field
            .enum_aliases
            .iter()
            .find(|(alias, _)| alias == s)
            .map_or(s, |(_, target)| target.as_str())
    });
    Refusal::NotInList {
        shown: excerpt(shown).into_owned(),
        field: field.name.clone(),
        suggestion: suggestion.map(str::to_string),
        allowed: allowed.to_vec(),
    }
}

fn bounds(value: &Value, field: &Field) -> Result<(), Refusal> {
    let Value::Int(n) = value else { return Ok(()) };
    if let Some(lo) = field.minimum
        && *n < lo
    {
        return Err(Refusal::BelowMinimum {
            value: *n,
            minimum: lo,
        });
    }
    if let Some(hi) = field.maximum
        && *n > hi
    {
        return Err(Refusal::AboveMaximum {
            value: *n,
            maximum: hi,
        });
    }
    Ok(())
}

/// Unit words people type after a count.
const COUNT_SUFFIXES: &[&str] = &[
    "年度", "年", "人次", "人", "次", "个", "名", "项", "场", "件", "起", "位", "户", "条", "篇",
];

/// Parses an integer from a cell: whole numbers, `12.0`, `１２`, `35人`, `1,200`.
pub(crate) fn integer(cell: &Cell) -> Result<i64, Refusal> {
    match cell {
        Cell::Number(n) => whole(*n).ok_or_else(|| Refusal::Fraction(format_number(*n))),
        Cell::Text(s) => {
            let trimmed = trim_cell(s);
            // Plain digits need no folding.
            if let Ok(n) = trimmed.parse::<i64>() {
                return Ok(n);
            }
            let folded: String = nfkc(trimmed).chars().filter(|c| *c != ',').collect();
            let mut digits = folded.as_str();
            for suffix in COUNT_SUFFIXES {
                if let Some(stripped) = digits.strip_suffix(suffix) {
                    digits = stripped.trim_end();
                    break;
                }
            }
            digits
                .parse::<i64>()
                .ok()
                .or_else(|| digits.parse::<f64>().ok().and_then(whole))
                .ok_or_else(|| Refusal::NotIntegerText(excerpt(trim_cell(s)).into_owned()))
        }
        other => Err(Refusal::NotInteger(other.display())),
    }
}

fn whole(n: f64) -> Option<i64> {
    (n.is_finite() && n.fract() == 0.0 && n.abs() < 9.0e15).then_some(n as i64)
}

/// Parses 是/否 in its many spellings.
pub(crate) fn boolean(cell: &Cell) -> Result<bool, Refusal> {
    match cell {
        Cell::Bool(b) => Ok(*b),
        Cell::Number(n) if *n == 1.0 => Ok(true),
        Cell::Number(n) if *n == 0.0 => Ok(false),
        Cell::Text(s) => match boolean_word(trim_cell(s)).or_else(|| boolean_word(&normalize(s))) {
            Some(b) => Ok(b),
            None => Err(Refusal::NotBoolean(excerpt(trim_cell(s)).into_owned())),
        },
        other => Err(Refusal::NotBoolean(other.display())),
    }
}

/// The boolean a (normalised) word stands for.
fn boolean_word(word: &str) -> Option<bool> {
    match word {
        "是" | "√" | "✓" | "✔" | "☑" | "y" | "yes" | "1" | "true" | "对" | "有" => {
            Some(true)
        }
        "否" | "×" | "x" | "✗" | "✘" | "☐" | "n" | "no" | "0" | "false" | "无" => {
            Some(false)
        }
        _ => None,
    }
}

/// Parses a date from a date cell, an Excel serial number, or text typed any of the ways
/// `docs/inputs.md#dates` lists. `year` completes month-day spellings.
#[cfg(test)]
fn date(cell: &Cell, year: Option<i32>) -> Result<NaiveDate, Refusal> {
    match day(cell, year.into())? {
        Day::Date(d) => Ok(d),
        Day::MonthDay(..) => Err(Refusal::NotDate(cell.display())),
    }
}

fn day(cell: &Cell, year: MonthDays) -> Result<Day, Refusal> {
    let refuse = || Refusal::NotDate(excerpt(&cell.display()).into_owned());
    match cell {
        Cell::Date(y, m, d) => NaiveDate::from_ymd_opt(*y, *m, *d)
            .map(Day::Date)
            .ok_or_else(refuse),
        Cell::Number(n) => number_date(*n, year).ok_or_else(refuse),
        Cell::Text(s) => text_date(s, year)?.ok_or_else(refuse),
        _ => Err(refuse()),
    }
}

fn number_date(n: f64, year: MonthDays) -> Option<Day> {
    if !n.is_finite() || n < 1.0 {
        return None;
    }
    if (19_000_101.0..=21_001_231.0).contains(&n) && n.fract() == 0.0 {
        return yyyymmdd(n as u32).map(Day::Date);
    }
    if n < 13.0 {
        // `3.5` typed into a General cell: month and day.
        return text_date(&format_number(n), year).ok().flatten();
    }
    serial(n).map(Day::Date)
}

/// An Excel 1900-system serial number (with Excel's phantom 29 Feb 1900 skipped).
pub(crate) fn serial(n: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&n) {
        return None;
    }
    let days = n.floor() as i64;
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let days = if days < 61 { days + 1 } else { days };
    base.checked_add_signed(chrono::Duration::days(days))
}

fn yyyymmdd(n: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt((n / 10_000) as i32, (n / 100) % 100, n % 100)
}

/// `Ok(None)` = not a date; `Err` = a month-day date with no year to put it in.
fn text_date(s: &str, year: MonthDays) -> Result<Option<Day>, Refusal> {
    let folded = nfkc(trim_cell(s));
    // A time after the date (`2026-03-05 14:30`, `2026-03-05T14:30:00`) is dropped.
    let day_part = folded
        .split([' ', 'T'])
        .next()
        .unwrap_or("")
        .trim_end_matches(['日', '号']);
    let mut numbers: Vec<&str> = Vec::new();
    let mut separators: Vec<char> = Vec::new();
    let mut start = None;
    for (i, c) in day_part.char_indices() {
        if c.is_ascii_digit() {
            start.get_or_insert(i);
        } else {
            if let Some(st) = start.take() {
                numbers.push(&day_part[st..i]);
            }
            separators.push(c);
        }
    }
    if let Some(st) = start {
        numbers.push(&day_part[st..]);
    }
    let sep_ok = |seps: &[char]| {
        matches!(
            seps,
            ['-', '-'] | ['/', '/'] | ['.', '.'] | ['年', '月'] | ['-'] | ['/'] | ['.'] | ['月']
        )
    };
    let parse = |t: &str| t.parse::<u32>().ok();
    let found = match (numbers.as_slice(), separators.is_empty()) {
        ([one], true) if one.len() == 8 => parse(one).and_then(yyyymmdd).map(Day::Date),
        ([one], true) if one.len() == 5 => (parse(one))
            .and_then(|n| serial(f64::from(n)))
            .map(Day::Date),
        ([y, m, d], false) if y.len() == 4 && sep_ok(&separators) => NaiveDate::from_ymd_opt(
            y.parse().ok().unwrap_or(0),
            parse(m).unwrap_or(0),
            parse(d).unwrap_or(0),
        )
        .map(Day::Date),
        ([m, d], false) if m.len() <= 2 && d.len() <= 2 && sep_ok(&separators) => {
            let (m, d) = (parse(m).unwrap_or(0), parse(d).unwrap_or(0));
            match year {
                MonthDays::InYear(year) => NaiveDate::from_ymd_opt(year, m, d).map(Day::Date),
                // A day some year has (2月29日 waits for the report year to tell).
                MonthDays::Later => {
                    NaiveDate::from_ymd_opt(2000, m, d).map(|_| Day::MonthDay(m as u8, d as u8))
                }
                MonthDays::Refused => {
                    return Err(Refusal::NoYear(excerpt(trim_cell(s)).into_owned()));
                }
            }
        }
        _ => None,
    };
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::parse;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn t(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }

    #[test]
    fn uncached_formulas_nan_and_infinity_are_refused_not_blanked() {
        let schema = parse(include_str!("../schemas/ideology_work.toml"), "s").unwrap();
        let people = &schema.sheets[0].fields[5];
        let theme = &schema.sheets[0].fields[3];
        assert!(
            coerce(&Cell::Uncached, people, None)
                .unwrap_err()
                .to_string()
                .contains("没有保存计算结果")
        );
        assert!(
            coerce(&Cell::Number(f64::NAN), theme, None)
                .unwrap_err()
                .to_string()
                .contains("数值无效")
        );
        assert!(
            coerce(&Cell::Number(f64::INFINITY), people, None)
                .unwrap_err()
                .to_string()
                .contains("数值无效")
        );
        assert!(
            Cell::Uncached.is_blank(),
            "a row of uncached formulas alone is not data"
        );
    }

    /// A text longer than a cell holds is refused whatever its field, before it is parsed; one
    /// of exactly the limit, or longer only by the spaces around it, is taken.
    #[test]
    fn a_text_longer_than_a_cell_holds_is_refused() {
        let schema = parse(include_str!("../schemas/ideology_work.toml"), "s").unwrap();
        let fields = &schema.sheets[0].fields;
        let (form, theme, people) = (&fields[2], &fields[3], &fields[5]);
        let long = |c: &str, n: usize| t(&c.repeat(n));
        for (cell, field) in [
            (long("9", 40_000), people),
            (long("集中学习", 10_000), form),
        ] {
            let refusal = coerce(&cell, field, None).unwrap_err();
            assert_eq!(refusal, Refusal::TooLong { chars: 40_000 });
            assert_eq!(refusal.code(), "cell-too-long");
        }
        let most = "学".repeat(MAX_CELL_CHARS);
        let value = coerce(&t(&format!("  {most}\n")), theme, None).unwrap();
        assert_eq!(value, Value::Text(most.as_str().into()));
        assert!(coerce(&long("学", MAX_CELL_CHARS + 1), theme, None).is_err());
        // A refused value is shown cut.
        let Err(Refusal::NotIntegerText(shown)) = coerce(&long("约", 1_000), people, None) else {
            panic!("not refused as a text")
        };
        assert_eq!(shown.chars().count(), crate::issue::SHOWN_CHARS + 1);
    }

    #[test]
    fn every_date_spelling_is_read() {
        let want = d(2026, 3, 5);
        for s in [
            "2026-03-05",
            "2026/3/5",
            "2026.3.5",
            "2026年3月5日",
            "20260305",
            "3月5日",
            "3-5",
            "3.5",
            "2026-03-05 14:30",
            "２０２６年３月５日",
            "2026年03月05号",
            "46086",
        ] {
            assert_eq!(date(&t(s), Some(2026)), Ok(want), "{s}");
        }
        assert_eq!(date(&Cell::Date(2026, 3, 5), None), Ok(want));
        assert_eq!(date(&Cell::Number(46086.0), None), Ok(want));
        assert_eq!(date(&Cell::Number(20260305.0), None), Ok(want));
        assert_eq!(date(&Cell::Number(3.5), Some(2026)), Ok(want));
    }

    #[test]
    fn impossible_and_yearless_dates_are_refused() {
        assert!(
            date(&t("2026-13-40"), Some(2026))
                .unwrap_err()
                .to_string()
                .contains("不是有效日期")
        );
        assert!(date(&t("2026-02-30"), Some(2026)).is_err());
        assert!(date(&t("上周五"), Some(2026)).is_err());
        assert!(
            date(&t("3月5日"), None)
                .unwrap_err()
                .to_string()
                .contains("没有年份")
        );
        assert!(date(&t("2026-3/5"), Some(2026)).is_err());
    }

    #[test]
    fn excel_serials_skip_the_phantom_leap_day() {
        assert_eq!(serial(1.0), Some(d(1900, 1, 1)));
        assert_eq!(serial(61.0), Some(d(1900, 3, 1)));
        assert_eq!(serial(45658.0), Some(d(2025, 1, 1)));
    }

    #[test]
    fn integers_accept_suffixes_and_full_width() {
        assert_eq!(integer(&t("35人")), Ok(35));
        assert_eq!(integer(&t("１２")), Ok(12));
        assert_eq!(integer(&t("12.0")), Ok(12));
        assert_eq!(integer(&t("12次")), Ok(12));
        assert_eq!(integer(&t("3个")), Ok(3));
        assert_eq!(integer(&t("1,200")), Ok(1200));
        assert_eq!(integer(&Cell::Number(7.0)), Ok(7));
        assert!(integer(&t("约30人")).is_err());
        assert!(integer(&Cell::Number(2.5)).is_err());
    }

    #[test]
    fn booleans_accept_marks_and_words() {
        for s in ["是", "√", "✓", "Y", "yes", "1", "TRUE"] {
            assert_eq!(boolean(&t(s)), Ok(true), "{s}");
        }
        for s in ["否", "×", "✗", "N", "no", "0", "false"] {
            assert_eq!(boolean(&t(s)), Ok(false), "{s}");
        }
        assert_eq!(boolean(&Cell::Bool(true)), Ok(true));
        assert!(boolean(&t("也许")).is_err());
    }

    #[test]
    fn enums_fold_and_suggest() {
        let schema = parse(include_str!("../schemas/ideology_work.toml"), "s").unwrap();
        let form = &schema.sheets[0].fields[2];
        assert_eq!(
            coerce(&t("中心组"), form, None),
            Ok(Value::Text("中心组学习".into()))
        );
        assert_eq!(
            coerce(&t(" 集中 学习 "), form, None),
            Ok(Value::Text("集中学习".into()))
        );
        assert_eq!(
            coerce(&t("主題黨日"), form, None),
            Ok(Value::Text("主题党日".into()))
        );
        let err = coerce(&t("中心组学习会"), form, None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("是否应为“中心组学习”"), "{err}");
        let err = coerce(&t("读书会"), form, None).unwrap_err().to_string();
        assert!(!err.contains("是否应为"), "{err}");
        let people = &schema.sheets[0].fields[5];
        assert!(
            coerce(&t("0人"), people, None)
                .unwrap_err()
                .to_string()
                .contains("最小值")
        );
        assert_eq!(coerce(&Cell::Empty, people, None), Ok(Value::Null));
        let phone = &schema.info.as_ref().unwrap().fields[4];
        assert_eq!(
            coerce(&Cell::Number(13800138000.0), phone, None),
            Ok(Value::Text("13800138000".into()))
        );
        assert!(coerce(&t("不详"), phone, None).is_err());
        assert!(
            coerce(&Cell::Error("#N/A".into()), people, None)
                .unwrap_err()
                .to_string()
                .contains("#N/A")
        );
    }
}
