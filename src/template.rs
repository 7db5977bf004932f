//! The blank workbook a county sends its units each year, made from the schema alone (`docs/cli.md#template`):
//! a 填报说明 sheet with the unit type's quotas and their basis, a prefilled 基本信息, one sheet
//! per ledger with a styled, frozen header (required columns marked `*`), a dropdown for every
//! enum and boolean field (long lists on a hidden 选项 sheet: Excel's inline list stops at 255
//! characters), date validation within the year, whole-number validation within the schema's
//! bounds and an input prompt on every column. The schema's name and version are stamped in a
//! hidden 基本信息 row and a defined name, so `check` can warn about an old template.

use crate::info::VERSION_LABEL;
use crate::record::Value;
use crate::report::table::{Formats, Mark, Out, Table, print_setup, text_width};
use crate::schema::{
    Check, EXAMPLE_MARK, Field, FieldKind, GUIDE_SHEET, LIST_SHEET, Period, Schema, SheetSpec,
};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, ExcelDateTime, Format, Formula,
    Workbook, Worksheet, XlsxError,
};

/// Rows below the header that carry validations.
const INPUT_ROWS: u32 = 500;
/// Excel's limit on an inline validation list.
const INLINE_LIST_LIMIT: usize = 255;

/// What the template is for.
#[derive(Debug, Clone, Default)]
pub(crate) struct TemplateOptions {
    pub unit_type: Option<String>,
    pub unit: Option<String>,
    pub year: Option<i32>,
    /// Fill each ledger with a few valid example rows (a 填写示例 for training).
    pub example: bool,
}

/// Builds the template workbook.
pub(crate) fn build(schema: &Schema, opts: &TemplateOptions) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let f = Formats::new();
    let mut lists = Lists::default();
    guide(&mut wb, &f, schema, opts)?;
    if let Some(info) = &schema.info {
        info_sheet(
            &mut wb,
            &f,
            schema,
            &info.name,
            &info.fields,
            opts,
            &mut lists,
        )?;
    }
    for spec in &schema.sheets {
        ledger(&mut wb, &f, spec, opts, &mut lists)?;
    }
    let ws = wb.add_worksheet().set_name(LIST_SHEET)?;
    for (c, (name, values)) in lists.columns.iter().enumerate() {
        ws.write_string(0, c as u16, name)?;
        for (r, v) in values.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, v)?;
        }
    }
    ws.set_hidden(true);
    let stamp = format!("\"{} {}\"", schema.name, schema.version).replace('\'', "");
    wb.define_name("HUIZONG_SCHEMA", &format!("={stamp}"))?;
    if let Ok(ws) = wb.worksheet_from_index(1) {
        ws.set_active(true);
    }
    wb.save_to_buffer()
}

/// Dropdown lists too long to write inline, one column each on the hidden sheet.
#[derive(Default)]
struct Lists {
    columns: Vec<(String, Vec<String>)>,
}

impl Lists {
    /// A list validation for `values`: inline when short enough, else a range on the list sheet.
    fn validation(&mut self, name: &str, values: &[String]) -> Result<DataValidation, XlsxError> {
        // Excel caps an inline list at 255 characters, and WPS counts bytes: long lists and
        // long values go to the hidden sheet, which every reader supports.
        let inline: usize = values.iter().map(|v| v.len() + 1).sum();
        if inline <= INLINE_LIST_LIMIT / 2
            && values.len() <= 10
            && values.iter().all(|v| !v.contains(','))
        {
            return DataValidation::new().allow_list_strings(values);
        }
        let col = match self.columns.iter().position(|(n, _)| n == name) {
            Some(c) => c,
            None => {
                self.columns.push((name.to_string(), values.to_vec()));
                self.columns.len() - 1
            }
        };
        let letter = crate::issue::column_letter(col as u32);
        let range = format!("={LIST_SHEET}!${letter}$2:${letter}${}", values.len() + 1);
        Ok(DataValidation::new().allow_list_formula(Formula::new(range)))
    }
}

fn year_of(opts: &TemplateOptions) -> i32 {
    opts.year.unwrap_or_else(|| chrono::Local::now().year())
}

/// Which dates a date cell takes.
#[derive(Debug, Clone, Copy)]
enum Days {
    /// The report year's (a ledger's records).
    Year(i32),
    /// The report year's and the first three months of the next: the year-end ledger is filed
    /// in January, and its 填报日期 decides which resubmission counts.
    Filing(i32),
    /// Any from 2000 to 2100 (no year given).
    Any,
}

impl Days {
    fn of(year: Option<i32>, filing: bool) -> Days {
        match (year, filing) {
            (Some(y), false) => Days::Year(y),
            (Some(y), true) => Days::Filing(y),
            (None, _) => Days::Any,
        }
    }

    /// The first and last day taken, as (year, month, day).
    fn bounds(self) -> ((u16, u8, u8), (u16, u8, u8)) {
        match self {
            Days::Year(y) => ((y as u16, 1, 1), (y as u16, 12, 31)),
            Days::Filing(y) => ((y as u16, 1, 1), (y as u16 + 1, 3, 31)),
            Days::Any => ((2000, 1, 1), (2100, 12, 31)),
        }
    }
}

/// What goes in a column, for its input prompt (Excel allows 255 characters).
fn prompt(field: &Field, days: Days) -> String {
    let mut text = String::new();
    if field.required {
        text.push_str("必填。");
    }
    match field.kind {
        FieldKind::Date => match days {
            Days::Year(y) => text.push_str(&format!("填写{y}年内的日期，如 {y}-03-05。")),
            Days::Filing(y) => text.push_str(&format!(
                "填写{y}年1月1日至{}年3月31日之间的日期，如 {}-01-10。",
                y + 1,
                y + 1
            )),
            Days::Any => text.push_str("填写日期，如 2026-03-05。"),
        },
        FieldKind::Integer => {
            text.push_str("填写整数");
            match (field.minimum, field.maximum) {
                (Some(lo), Some(hi)) => text.push_str(&format!("（{lo}–{hi}）")),
                (Some(lo), None) => text.push_str(&format!("（不小于{lo}）")),
                (None, Some(hi)) => text.push_str(&format!("（不大于{hi}）")),
                (None, None) => {}
            }
            text.push('。');
        }
        FieldKind::Boolean => text.push_str("从下拉列表选择“是”或“否”。"),
        FieldKind::String => match &field.allowed {
            Some(_) if field.multiple => text.push_str(
                "从下拉列表选择；可填多项，各项之间用“、”分隔（如“通报批评、调离岗位”）。",
            ),
            // A long list does not fit a prompt (and a label may hold 、 itself): the dropdown
            // shows it.
            Some(allowed) if allowed.iter().map(|v| v.chars().count() + 1).sum::<usize>() > 60 => {
                text.push_str(&format!("从下拉列表选择（共{}项）。", allowed.len()))
            }
            Some(allowed) => text.push_str(&format!("从下拉列表选择：{}。", allowed.join("、"))),
            None => text.push_str("填写文字。"),
        },
    }
    if let Some(d) = &field.description {
        text.push_str(d);
    }
    if !field.enum_descriptions.is_empty() {
        text.push_str(&format!(
            "各项“{}”的文件原文见“{GUIDE_SHEET}”。",
            field.name
        ));
    }
    truncate_chars(&text, 250)
}

fn truncate_chars(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(n - 1).collect();
        out.push('…');
        out
    }
}

/// The validation for one field's column.
fn validation(field: &Field, days: Days, lists: &mut Lists) -> Result<DataValidation, XlsxError> {
    let v = match field.kind {
        FieldKind::Boolean => DataValidation::new().allow_list_strings(&["是", "否"])?,
        FieldKind::String => match &field.allowed {
            Some(allowed) => lists.validation(&field.name, allowed)?,
            None => DataValidation::new().allow_any_value(),
        },
        FieldKind::Integer => {
            let lo = field
                .minimum
                .unwrap_or(i64::from(i32::MIN))
                .clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
            let hi = field
                .maximum
                .unwrap_or(i64::from(i32::MAX))
                .clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
            DataValidation::new().allow_whole_number(DataValidationRule::Between(lo, hi))
        }
        FieldKind::Date => {
            let ((y0, m0, d0), (y1, m1, d1)) = days.bounds();
            DataValidation::new().allow_date(DataValidationRule::Between(
                ExcelDateTime::from_ymd(y0, m0, d0)?,
                ExcelDateTime::from_ymd(y1, m1, d1)?,
            ))
        }
    };
    // Several values typed into one cell are not in the list: Excel must warn, not refuse.
    let v = match field.multiple {
        true => v.set_error_style(DataValidationErrorStyle::Warning),
        false => v,
    };
    let v = v
        .set_input_title(truncate_chars(&field.name, 30))?
        .set_input_message(prompt(field, days))?
        .set_error_title("输入有误")?
        .set_error_message(truncate_chars(
            &format!("“{}”：{}", field.name, prompt(field, days)),
            250,
        ))?;
    Ok(v)
}

/// Dates as a clerk types them; no border, since it also formats the column's empty cells.
fn date_format() -> Format {
    Format::new().set_num_format("yyyy-mm-dd")
}

fn guide(
    wb: &mut Workbook,
    f: &Formats,
    schema: &Schema,
    opts: &TemplateOptions,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name(GUIDE_SHEET)?;
    let who = opts.unit.clone().unwrap_or_default();
    let year = opts.year.map(|y| format!("{y}年度")).unwrap_or_default();
    let title = format!("{who}{year}{}台账填报说明", schema.name);
    let mut t = Table::new(
        ws,
        f,
        &title,
        &format!("方案版本 {}", schema.version),
        &["序号", "说明"],
    )?;
    // The steps are sentences: each spans the width of the quota table below.
    t.ws.merge_range(t.header_row, 1, t.header_row, 4, "说明", &f.header)?;
    let sheets: Vec<&str> = schema.sheets.iter().map(|s| s.name.as_str()).collect();
    let steps = [
        format!(
            "先填写“基本信息”表：单位名称须与县里名册一致，填报年度填 {}。",
            opts.year.map_or("本年度".into(), |y| y.to_string())
        ),
        format!(
            "各项工作逐条记在对应的表中（{}），一次活动一行，不要合并单元格记多次。",
            sheets.join("、")
        ),
        "列名前带 * 的为必填项；日期请写完整日期（如 2026-03-05），有下拉箭头的列请从列表中选择。"
            .into(),
        "不要修改表名和列名，不要删除列；不需要的行留空即可，不必删除。".into(),
        "表尾不必加“合计”行；如需说明，请写在“备注”列。".into(),
        "同一年度只报送一个文件；修改后重新报送时，请更新“填报日期”，以最新填报日期的文件为准。"
            .into(),
    ];
    for (i, step) in steps.iter().enumerate() {
        let row = t.next_row;
        t.plain(vec![Out::Int(i as i64 + 1)])?;
        t.ws.merge_range(row, 1, row, 4, step, &f.text)?;
    }
    let mut top = t.last_row() + 3;
    let widths = t.widths();
    t.finish(false)?;
    let rules: Vec<_> = schema
        .rules
        .iter()
        .filter(|r| opts.unit_type.as_deref().is_none_or(|t| r.applies_to(t)))
        .collect();
    let heading = match &opts.unit_type {
        Some(t) => format!("{t}类单位的考核指标"),
        None => "考核指标（按单位类型）".to_string(),
    };
    let ws = wb.worksheet_from_name(GUIDE_SHEET)?;
    let mut q = Table::at(
        ws,
        f,
        top,
        &heading,
        "",
        &["指标", "记录在", "要求", "适用单位类型", "依据"],
    )?;
    q.keep_widths(&widths);
    for rule in rules {
        let sheet = &schema.sheets[rule.sheet];
        let mut condition: Vec<String> =
            rule.conditions.iter().map(|c| c.describe(sheet)).collect();
        if let Some(d) = rule.date_field {
            let fallback = sheet.date_field.map(|f| sheet.fields[f].name.as_str());
            condition.push(match fallback {
                Some(f) => format!("按{}计，未填的按{f}计", sheet.fields[d].name),
                None => format!("按{}计", sheet.fields[d].name),
            });
        }
        let place = if condition.is_empty() {
            sheet.name.clone()
        } else {
            format!("{}（{}）", sheet.name, condition.join("，"))
        };
        q.plain(vec![
            Out::from(rule.name.as_str()),
            Out::from(place),
            Out::from(requirement(&rule.period, rule.min)),
            Out::from(
                rule.unit_types
                    .as_ref()
                    .map_or("全部".to_string(), |t| t.join("、")),
            ),
            Out::from(rule.basis.as_str()),
        ])?;
    }
    top = q.last_row() + 1;
    let widths = q.widths();
    q.finish(false)?;
    top = enum_texts(wb, f, schema, top + 2, &widths)?;
    let ws = wb.worksheet_from_name(GUIDE_SHEET)?;
    let note = format!("注：依据中的编号指县里下发的{}文件。", schema.work());
    ws.write_string(top + 1, 0, &note)?;
    print_setup(ws, 2)?;
    Ok(())
}

/// For each field whose values have their documents' full wording (`enum_descriptions`), a
/// table of value and wording, so that a short label is chosen for what the document says.
/// Returns the row below the last table.
fn enum_texts(
    wb: &mut Workbook,
    f: &Formats,
    schema: &Schema,
    mut top: u32,
    widths: &[usize],
) -> Result<u32, XlsxError> {
    for sheet in &schema.sheets {
        for field in sheet
            .fields
            .iter()
            .filter(|f| !f.enum_descriptions.is_empty())
        {
            let ws = wb.worksheet_from_name(GUIDE_SHEET)?;
            let heading = format!("“{}”表“{}”各项取值及文件原文", sheet.name, field.name);
            let mut t = Table::at(ws, f, top, &heading, "", &["取值", "文件原文"])?;
            t.keep_widths(widths);
            for value in field.allowed.iter().flatten() {
                let text = (field.enum_descriptions.iter())
                    .find(|(v, _)| v == value)
                    .map_or("", |(_, d)| d.as_str());
                t.plain(vec![Out::from(value.as_str()), Out::from(text)])?;
            }
            top = t.last_row() + 2;
            t.finish(false)?;
        }
    }
    Ok(top)
}

/// A quota as a clerk reads it: `每半年不少于1次`.
pub(crate) fn requirement(period: &Period, min: u32) -> String {
    match period {
        Period::Year => format!("全年不少于{min}次"),
        Period::Half => format!("上、下半年各不少于{min}次"),
        Period::Quarter => format!("每季度不少于{min}次"),
        Period::Month => format!("每月不少于{min}次"),
        Period::Week => format!("每周不少于{min}次"),
        Period::Deadlines(d) => {
            let cut: Vec<String> = d.iter().map(|(m, day)| format!("{m}月{day}日前")).collect();
            format!("{}各不少于{min}次", cut.join("、"))
        }
    }
}

fn info_sheet(
    wb: &mut Workbook,
    f: &Formats,
    schema: &Schema,
    name: &str,
    fields: &[Field],
    opts: &TemplateOptions,
    lists: &mut Lists,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name(name)?;
    let title = format!("{}{}", opts.unit.clone().unwrap_or_default(), "基本信息");
    let mut t = Table::new(ws, f, &title, "请在右侧一列填写", &["项目", "内容"])?;
    let example_date = NaiveDate::from_ymd_opt(year_of(opts), 12, 1);
    let mut date_rows = Vec::new();
    for field in fields {
        let label = if field.required {
            format!("*{}", field.name)
        } else {
            field.name.clone()
        };
        let value = match field.name.as_str() {
            "单位名称" => Out::from(opts.unit.clone()),
            "单位类型" => Out::from(opts.unit_type.clone()),
            "填报年度" => opts.year.map_or(Out::Empty, |y| Out::Int(i64::from(y))),
            "填报人" if opts.example => Out::from("张三"),
            "联系电话" if opts.example => Out::from("0871-12345678"),
            _ => Out::Empty,
        };
        if field.kind == FieldKind::Date {
            date_rows.push((t.next_row, opts.example.then_some(example_date).flatten()));
        }
        t.row(vec![(Out::from(label), Mark::Plain), (value, Mark::Plain)])?;
    }
    let (header, last) = (t.header_row, t.last_row());
    t.finish(false)?;
    let ws = wb.worksheet_from_name(name)?;
    ws.set_column_width(1, 30)?;
    for (i, field) in fields.iter().enumerate() {
        let row = header + 1 + i as u32;
        let v = if field.name == "单位类型" && field.allowed.is_none() {
            DataValidation::new().allow_list_strings(&schema.unit_types)?
        } else {
            validation(field, Days::of(opts.year, true), lists)?
        };
        ws.add_data_validation(row, 1, row, 1, &v)?;
    }
    for (row, date) in date_rows {
        match date {
            Some(d) => ws.write_datetime_with_format(row, 1, excel_date(d)?, &date_format())?,
            None => ws.write_blank(row, 1, &date_format())?,
        };
    }
    // The stamp `check` reads; hidden so nobody edits it.
    let stamp = last + 2;
    ws.write_string(stamp, 0, VERSION_LABEL)?;
    ws.write_string(stamp, 1, &schema.version)?;
    ws.write_string(stamp, 2, &schema.name)?;
    ws.set_row_hidden(stamp)?;
    print_setup(ws, header)?;
    Ok(())
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

fn ledger(
    wb: &mut Workbook,
    f: &Formats,
    spec: &SheetSpec,
    opts: &TemplateOptions,
    lists: &mut Lists,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name(&spec.name)?;
    let headers: Vec<String> = spec
        .fields
        .iter()
        .map(|field| {
            if field.required {
                format!("*{}", field.name)
            } else {
                field.name.clone()
            }
        })
        .collect();
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let title = format!(
        "{}{}{}台账",
        opts.unit.clone().unwrap_or_default(),
        opts.year.map(|y| format!("{y}年")).unwrap_or_default(),
        spec.name
    );
    let mut t = Table::new(
        ws,
        f,
        &title,
        "带 * 的列为必填；一次活动填一行；有下拉箭头的列请从列表中选择",
        &header_refs,
    )?;
    let first = t.next_row;
    if opts.example {
        for (i, row) in example_rows(spec, year_of(opts)).into_iter().enumerate() {
            write_example(t.ws, first + i as u32, spec, &row)?;
        }
    }
    // Room for prompts: a column is at least as wide as its prompt title needs.
    let mut widths = t.widths();
    for (w, field) in widths.iter_mut().zip(&spec.fields) {
        let floor = match field.kind {
            FieldKind::Date => 12,
            FieldKind::String if field.allowed.is_none() => 20,
            FieldKind::String => {
                field
                    .allowed
                    .iter()
                    .flatten()
                    .map(|v| text_width(v))
                    .max()
                    .unwrap_or(8)
                    + 4
            }
            _ => 10,
        };
        *w = (*w).max(floor);
    }
    t.keep_widths(&widths);
    let header = t.header_row;
    t.finish(false)?;
    let ws = wb.worksheet_from_name(&spec.name)?;
    ws.set_freeze_panes(header + 1, 0)?;
    ws.autofilter(header, 0, header, spec.fields.len() as u16 - 1)?;
    print_setup(ws, header)?;
    let last = header + INPUT_ROWS;
    for (c, field) in spec.fields.iter().enumerate() {
        let c = c as u16;
        if field.kind == FieldKind::Date {
            ws.set_column_format(c, &date_format())?;
        }
        ws.add_data_validation(
            header + 1,
            c,
            last,
            c,
            &validation(field, Days::of(opts.year, false), lists)?,
        )?;
    }
    Ok(())
}

fn write_example(
    ws: &mut Worksheet,
    row: u32,
    spec: &SheetSpec,
    values: &[Value],
) -> Result<(), XlsxError> {
    for (c, (field, value)) in spec.fields.iter().zip(values).enumerate() {
        let c = c as u16;
        match value {
            Value::Null => {}
            Value::Text(s) => {
                ws.write_string(row, c, s.as_str())?;
            }
            Value::Int(n) => {
                ws.write_number(row, c, *n as f64)?;
            }
            Value::Bool(b) => {
                ws.write_string(row, c, if *b { "是" } else { "否" })?;
            }
            Value::Date(d) => {
                ws.write_datetime_with_format(row, c, excel_date(*d)?, &date_format())?;
            }
            Value::MonthDay(..) | Value::List(_) => {
                ws.write_string(row, c, value.to_string())?;
            }
        }
        let _ = field;
    }
    Ok(())
}

/// A value as its field holds it: a list of one for a multi-valued field.
fn one_of(field: &Field, value: Value) -> Value {
    match field.multiple {
        true => Value::List(Box::new([value])),
        false => value,
    }
}

/// A few valid rows for a sheet: every value allowed, every check satisfied, and each marked as an
/// example (`EXAMPLE_MARK` in 备注, else in the last free-text field) so that one left in is
/// rejected rather than counted.
pub(crate) fn example_rows(spec: &SheetSpec, year: i32) -> Vec<Vec<Value>> {
    let free_text = |f: &Field| f.kind == FieldKind::String && f.allowed.is_none();
    let mark = (spec.fields.iter().position(|f| f.name == "备注"))
        .or_else(|| spec.fields.iter().rposition(free_text));
    (0..3)
        .map(|i| {
            let mut row: Vec<Value> = spec
                .fields
                .iter()
                .map(|field| match field.kind {
                    FieldKind::Date => Value::Date(
                        NaiveDate::from_ymd_opt(year, 3 + 3 * i, 5 + i).unwrap_or_default(),
                    ),
                    FieldKind::Integer if field.name == "序号" => Value::Int(i64::from(i) + 1),
                    FieldKind::Integer => Value::Int(
                        field
                            .minimum
                            .unwrap_or(0)
                            .max(1)
                            .min(field.maximum.unwrap_or(i64::MAX)),
                    ),
                    FieldKind::Boolean => Value::Bool(i == 0),
                    FieldKind::String => match &field.allowed {
                        Some(allowed) => one_of(
                            field,
                            Value::Text(allowed[i as usize % allowed.len()].as_str().into()),
                        ),
                        None => Value::Text(compact_str::format_compact!("示例{}", field.name)),
                    },
                })
                .collect();
            // Make every `when … require …` check hold.
            for check in &spec.checks {
                if let Check::WhenRequire { when, require, .. } = check
                    && when.iter().all(|c| c.holds(&row))
                {
                    for r in require {
                        if !r.allows(&row)
                            && let Some(v) = r.values.first()
                        {
                            row[r.field] = one_of(&spec.fields[r.field], v.clone());
                        }
                    }
                }
            }
            if let Some(m) = mark {
                row[m] = Value::Text(EXAMPLE_MARK.into());
            }
            row
        })
        .collect()
}
