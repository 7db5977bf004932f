//! Lays a unit's ledgers out as a workbook for `samples`, the way the unit's clerk would: title
//! rows, headers in their own spelling, dates typed or formatted, blank and pre-numbered rows,
//! a 合计 row. It owns every rust_xlsxwriter call of the generator; it must not decide what the
//! ledgers say (that is `ledgers`).

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
};

use super::ledgers::{Date, Field, Ledger, Mark, PEOPLE, STUDY, Value};
use super::names::{self, UnitKind};
use super::{DateHabit, Habits, NOTE, Rng};

/// What goes on the 基本信息 sheet.
pub(crate) struct Info<'a> {
    pub(crate) name: &'a str,
    pub(crate) kind: UnitKind,
    pub(crate) year: i32,
    pub(crate) filler: String,
    pub(crate) phone: String,
    pub(crate) filed: Date,
}

struct Formats {
    title: Format,
    header: Format,
    label: Format,
    cell: Format,
    dates: [Format; 3],
}

impl Formats {
    fn new() -> Formats {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        let date = |code: &str| {
            cell.clone()
                .set_num_format(code)
                .set_align(FormatAlign::Center)
        };
        Formats {
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center),
            header: (cell.clone().set_bold().set_text_wrap())
                .set_align(FormatAlign::Center)
                .set_background_color(0xD9D9D9),
            label: cell.clone().set_bold(),
            dates: [
                date("yyyy-mm-dd"),
                date("yyyy/m/d"),
                date("yyyy\"年\"m\"月\"d\"日\""),
            ],
            cell,
        }
    }
}

/// Spells values the way one unit does and writes them with the workbook's formats.
struct Pen<'a> {
    habits: &'a Habits,
    formats: Formats,
    year: i32,
}

impl Pen<'_> {
    fn write(
        &self,
        sheet: &mut Worksheet,
        (row, col): (u32, u16),
        value: &Value,
        people: bool,
    ) -> Result<()> {
        let (h, f) = (self.habits, &self.formats);
        match value {
            Value::Empty => sheet.write_blank(row, col, &f.cell)?,
            Value::Text(s) => sheet.write_string_with_format(row, col, s, &f.cell)?,
            Value::Int(n) if people && h.people > 0 => {
                let spelled = if h.people == 1 {
                    format!("{n}人")
                } else {
                    full_width(*n)
                };
                sheet.write_string_with_format(row, col, spelled, &f.cell)?
            }
            Value::Int(n) => sheet.write_number_with_format(row, col, *n as f64, &f.cell)?,
            Value::Bool(b) => {
                let spelled = [["是", "否"], ["√", "×"], ["是", ""]][h.bools][usize::from(!b)];
                sheet.write_string_with_format(row, col, spelled, &f.cell)?
            }
            Value::Date(d) => match h.dates {
                DateHabit::Cell(style) => {
                    sheet.write_number_with_format(row, col, d.excel_serial(), &f.dates[style])?
                }
                DateHabit::Serial => {
                    sheet.write_number_with_format(row, col, d.excel_serial(), &f.cell)?
                }
                DateHabit::Typed(style) => sheet.write_string_with_format(
                    row,
                    col,
                    spell_date(*d, style, self.year),
                    &f.cell,
                )?,
            },
        };
        Ok(())
    }
}

/// Writes one submission; returns its marked rows as (sheet name, 1-based row, mark).
pub(crate) fn write_workbook(
    path: &Path,
    info: &Info,
    ledgers: &[Ledger],
    habits: &Habits,
    rng: &mut Rng,
) -> Result<Vec<(String, u32, Mark)>> {
    let mut workbook = Workbook::new();
    // The fastest level: it takes a third off the run and the files stay small.
    workbook.set_zip_compression_level(1);
    // A fixed creation time (zip entry times are fixed already) keeps reruns byte-identical.
    let created = ExcelDateTime::from_ymd(info.year as u16 + 1, 1, 10)?.and_hms(9, 0, 0)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_author(&info.filler)
            .set_creation_datetime(&created),
    );
    let pen = Pen {
        habits,
        formats: Formats::new(),
        year: info.year,
    };
    write_info(workbook.add_worksheet(), info, &pen)?;
    let mut marks = Vec::new();
    for ledger in ledgers {
        let sheet = match (habits.trad_sheets, habits.alias_sheets) {
            (true, _) => names::to_traditional(ledger.spec.name),
            (_, true) => ledger.spec.alias.to_string(),
            _ => ledger.spec.name.to_string(),
        };
        let worksheet = workbook.add_worksheet().set_name(&sheet)?;
        for (row, mark) in write_ledger(worksheet, ledger, info.name, &pen, rng)? {
            marks.push((sheet.clone(), row + 1, mark));
        }
    }
    // One write call per file: cheaper than the zip writer's many small ones.
    let bytes = workbook.save_to_buffer()?;
    fs::write(path, bytes).with_context(|| format!("无法写入 {}", path.display()))?;
    Ok(marks)
}

fn write_info(sheet: &mut Worksheet, info: &Info, pen: &Pen) -> Result<()> {
    let f = &pen.formats;
    sheet
        .set_name("基本信息")?
        .set_column_width(0, 14)?
        .set_column_width(1, 36)?;
    let labels = [
        "单位名称",
        "单位类型",
        "填报年度",
        "填报人",
        "联系电话",
        "填报日期",
    ];
    for (row, label) in (0u32..).zip(labels) {
        sheet.write_string_with_format(row, 0, label, &f.label)?;
    }
    sheet.write_string_with_format(0, 1, info.name, &f.cell)?;
    sheet.write_string_with_format(1, 1, info.kind.label(), &f.cell)?;
    sheet.write_number_with_format(2, 1, pen.year, &f.cell)?;
    sheet.write_string_with_format(3, 1, &info.filler, &f.cell)?;
    // Text, not a number: a phone number read back as 1.38e10 is no phone number.
    sheet.write_string_with_format(4, 1, &info.phone, &f.cell)?;
    sheet.write_number_with_format(5, 1, info.filed.excel_serial(), &f.dates[0])?;
    Ok(())
}

/// A ledger column: a schema field (index into the spec's fields) or the unasked-for 记录人.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Column {
    Field(usize),
    Recorder,
}

/// Writes title, header and rows; returns the 0-based rows that carry a mark.
fn write_ledger(
    sheet: &mut Worksheet,
    ledger: &Ledger,
    unit: &str,
    pen: &Pen,
    rng: &mut Rng,
) -> Result<Vec<(u32, Mark)>> {
    let (habits, f, fields) = (pen.habits, &pen.formats, ledger.spec.fields);
    let mut columns: Vec<Column> = (0..fields.len()).map(Column::Field).collect();
    if habits.shuffled {
        rng.shuffle(&mut columns[1..]); // 序号 stays in front, as people keep it
    }
    if ledger.extra_column {
        columns.insert(rng.range(2, fields.len() as i64) as usize, Column::Recorder);
    }
    let last = (columns.len() - 1) as u16;
    let title = format!("{unit}{}年意识形态工作{}", pen.year, ledger.spec.title);
    sheet
        .merge_range(0, 0, 0, last, &title, &f.title)?
        .set_row_height(0, 30)?;
    let mut row = 1;
    if habits.subtitle {
        sheet.write_string(row, 0, format!("填报单位（盖章）：{unit}"))?;
        row += 1;
    }
    let mut marks = Vec::new();
    if ledger.extra_column {
        marks.push((
            row,
            Mark {
                level: NOTE,
                kind: "extra_columns",
            },
        ));
    }
    for (c, column) in (0u16..).zip(&columns) {
        let (label, width) = match column {
            Column::Field(i) => (header(&fields[*i], habits, rng), fields[*i].width),
            Column::Recorder => ("记录人".to_string(), 10.0),
        };
        let label = if habits.trad_headers {
            names::to_traditional(&label)
        } else {
            label
        };
        sheet
            .write_string_with_format(row, c, label, &f.header)?
            .set_column_width(c, width)?;
    }
    row += 1;

    let recorders = [names::person(rng), names::person(rng)];
    let date_column = columns
        .iter()
        .position(|c| *c == Column::Field(1))
        .unwrap_or(1) as u16;
    let is_people = |i: usize| std::ptr::eq(ledger.spec, &STUDY) && i == PEOPLE + 1;
    for (seq, record) in (1i64..).zip(&ledger.records) {
        // Blank rows where someone deleted a line; never inside the merged pair (rows 1–2).
        if habits.blank_rows && seq > 2 && rng.chance(8) {
            row += 1;
        }
        for (c, column) in (0u16..).zip(&columns) {
            match column {
                Column::Field(0) => pen.write(sheet, (row, c), &Value::Int(seq), false)?,
                Column::Field(i) => {
                    pen.write(sheet, (row, c), &record.values[i - 1], is_people(*i))?
                }
                Column::Recorder => pen.write(
                    sheet,
                    (row, c),
                    &Value::Text(rng.pick(&recorders).clone()),
                    false,
                )?,
            }
        }
        if ledger.merged_dates && seq == 2 {
            // Two sessions on one day: the clerk merged their 日期 cells.
            sheet.merge_range(row - 1, date_column, row, date_column, "", &f.cell)?;
            pen.write(sheet, (row - 1, date_column), &record.values[0], false)?;
        }
        if let Some(mark) = record.mark {
            marks.push((row, mark));
        }
        row += 1;
    }
    if habits.numbered_tail {
        // Template rows numbered in advance and never filled.
        let filled = ledger.records.len();
        for seq in filled + 1..=filled + rng.range(3, 8) as usize {
            sheet.write_number_with_format(row, 0, seq as f64, &f.cell)?;
            for c in 1..=last {
                sheet.write_blank(row, c, &f.cell)?;
            }
            row += 1;
        }
    }
    if ledger.totals {
        write_totals(sheet, row, ledger, &columns, f)?;
        marks.push((
            row,
            Mark {
                level: NOTE,
                kind: "totals_row",
            },
        ));
    }
    Ok(marks)
}

/// A 合计 row under the ledger, summing its count columns as clerks like to.
fn write_totals(
    sheet: &mut Worksheet,
    row: u32,
    ledger: &Ledger,
    columns: &[Column],
    f: &Formats,
) -> Result<()> {
    sheet.write_string_with_format(row, 0, "合计", &f.header)?;
    for (c, column) in (0u16..).zip(columns) {
        let Column::Field(i @ 1..) = *column else {
            continue;
        };
        let sum: i64 = (ledger.records.iter())
            .filter_map(|r| match r.values[i - 1] {
                Value::Int(n) => Some(n),
                _ => None,
            })
            .sum();
        if sum > 0 {
            sheet.write_number_with_format(row, c, sum as f64, &f.header)?;
        }
    }
    Ok(())
}

/// A header as the unit typed it: maybe an alias, a break inside, a `*` for required.
fn header(field: &Field, habits: &Habits, rng: &mut Rng) -> String {
    let mut label = match field.alias {
        Some(alias) if habits.alias_headers && rng.chance(60) => alias.to_string(),
        _ => field.name.to_string(),
    };
    let chars: Vec<char> = label.chars().collect();
    if habits.spaced && chars.len() >= 4 {
        let (head, tail) = chars.split_at(chars.len() / 2);
        let gap = if rng.chance(50) { "\n" } else { " " };
        label = format!(
            "{}{gap}{}",
            String::from_iter(head),
            String::from_iter(tail)
        );
    }
    if habits.starred && field.required {
        label = if rng.chance(70) {
            format!("*{label}")
        } else {
            format!("{label}＊")
        };
    }
    label
}

/// Dates as people type them. `3月5日` leaves the year to the reader, so a date from another
/// year is spelled in full: a planted out-of-year date must stay out of the year.
pub(crate) fn spell_date(d: Date, style: usize, year: i32) -> String {
    let Date {
        year: y,
        month: m,
        day,
    } = d;
    match style {
        0 => format!("{y}/{m}/{day}"),
        1 => format!("{y}.{m}.{day}"),
        2 => format!("{y}年{m}月{day}日"),
        3 => format!("{y}{m:02}{day:02}"),
        _ if y == year => format!("{m}月{day}日"),
        _ => format!("{y}年{m}月{day}日"),
    }
}

fn full_width(n: i64) -> String {
    let wide = |c: char| {
        c.to_digit(10)
            .and_then(|d| char::from_u32(0xFF10 + d))
            .unwrap_or(c)
    };
    n.to_string().chars().map(wide).collect()
}
