//! `反馈/<单位名称>.xlsx`: one workbook per unit with issues or missed quotas — a 催报 text ready to
//! paste into a message, each problem with its file, sheet, cell, the value as submitted and how
//! to fix it, and each short period — plus the county's `催报名单.txt`: every unit that has not
//! submitted or must resubmit, one line each.

use super::table::{Formats, Mark, Out, Table};
use super::{ReportModel, write_atomic};
use crate::error::{Error, Result};
use crate::evaluate::Lateness;
use crate::issue::{Issue, Kind, Level, action, printable};
use crate::outcome::Submission;
use chrono::Datelike;
use rayon::prelude::*;
use rust_xlsxwriter::{Workbook, XlsxError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Writes `催报名单.txt` beside `dir` and one feedback workbook per unit that needs one into
/// `dir`; returns the list's path, the workbooks' paths, and an issue for each workbook that
/// could not be written (the others are written all the same).
pub(crate) fn write_all(
    model: &ReportModel<'_>,
    dir: &Path,
) -> Result<(PathBuf, Vec<PathBuf>, Vec<Issue>)> {
    let mut issues: BTreeMap<&str, Vec<&Issue>> = BTreeMap::new();
    for issue in model
        .checked
        .issues
        .iter()
        .filter(|i| i.level != Level::Notice)
    {
        if let Some(unit) = &issue.unit {
            issues.entry(unit.as_str()).or_default().push(issue);
        }
    }
    let mut units: Vec<&str> = issues.keys().copied().collect();
    units.extend(model.card.shortfalls.iter().map(|s| s.unit.as_str()));
    units.extend(flagged(model).map(|(unit, ..)| unit));
    units.sort_unstable();
    units.dedup();
    let roll = out_of_dir(dir).join("催报名单.txt");
    write_atomic(&roll, &windows_text(&reminder_list(model)))?;
    std::fs::create_dir_all(dir).map_err(|source| Error::Output {
        what: "无法创建输出文件夹",
        path: dir.to_path_buf(),
        source,
    })?;
    let names = file_names(&units);
    // One workbook per unit, thousands in a county: built and written on every core.
    let outcomes: Vec<std::result::Result<PathBuf, Box<Issue>>> = (units.par_iter().zip(&names))
        .map(|(unit, name)| {
            let path = dir.join(name);
            let unit_issues = issues.get(unit).map_or(&[][..], Vec::as_slice);
            let written = (workbook(model, unit, unit_issues).map_err(Error::from))
                .and_then(|bytes| write_atomic(&path, &bytes));
            written.map(|()| path).map_err(|e| {
                let kind = Kind::FeedbackUnwritable { why: e.to_string() };
                let file = format!("反馈/{name}");
                Box::new(Issue::new(Level::Warning, &file, kind, action::NONE).unit(Some(unit)))
            })
        })
        .collect();
    let (mut written, mut failed) = (Vec::new(), Vec::new());
    for outcome in outcomes {
        match outcome {
            Ok(path) => written.push(path),
            Err(issue) => failed.push(*issue),
        }
    }
    Ok((roll, written, failed))
}

/// Text as old Windows Notepad shows it: a UTF-8 byte-order mark and CRLF line ends.
fn windows_text(text: &str) -> Vec<u8> {
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend_from_slice(text.replace('\n', "\r\n").as_bytes());
    bytes
}

/// Each unit's feedback file name: safe on every file system (`safe_file_name`) and unique
/// even where a file system does not tell case apart — a second unit whose name comes out the
/// same gets `（2）`, and so on, within the same bounds (the name is cut to make room for it).
fn file_names(units: &[&str]) -> Vec<String> {
    let mut taken = std::collections::HashSet::new();
    (units.iter())
        .map(|unit| {
            let base = safe_file_name(unit);
            let mut name = format!("{base}.xlsx");
            let mut n = 1;
            while !taken.insert(name.to_lowercase()) {
                n += 1;
                let suffix = format!("（{n}）");
                let room = (
                    NAME_CHARS - suffix.chars().count(),
                    NAME_BYTES - suffix.len(),
                );
                name = format!("{}{suffix}.xlsx", cut(&base, room.0, room.1));
            }
            name
        })
        .collect()
}

/// `s`'s longest start of at most `chars` characters and `bytes` bytes.
fn cut(s: &str, chars: usize, bytes: usize) -> &str {
    let end = (s.char_indices())
        .map(|(at, c)| at + c.len_utf8())
        .take(chars)
        .take_while(|&end| end <= bytes)
        .last()
        .unwrap_or(0);
    &s[..end]
}

fn out_of_dir(dir: &Path) -> &Path {
    dir.parent().unwrap_or(dir)
}

/// Units that have not submitted or must resubmit (any 错误), one line each.
pub(crate) fn reminder_list(model: &ReportModel<'_>) -> String {
    let year = model.card.year;
    let mut lines = vec![
        format!(
            "{}（生成于 {}）",
            model.dated(format!(
                "{year}年度{}台账催报名单",
                model.schema.field_of_work()
            )),
            model.generated_at
        ),
        String::new(),
    ];
    // Each unit's 错误, by the file each is in.
    let mut errors: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for issue in model
        .checked
        .issues
        .iter()
        .filter(|i| i.level == Level::Error)
    {
        if let Some(unit) = &issue.unit {
            errors.entry(unit.as_str()).or_default().push(&issue.file);
        }
    }
    for u in &model.checked.units {
        let line = match (u.status, &u.note) {
            (Submission::Missing, Some(note)) => Some(format!(
                "{note}，未计入；请按名册名称“{}”报送{year}年度台账",
                u.unit.name
            )),
            (Submission::Missing, None) => Some("未报送，请尽快报送".to_string()),
            (Submission::Unreadable, _) => Some("报送文件无法读取，请重新报送".to_string()),
            (Submission::Untyped, _) => {
                Some("单位类型不明，未考核；请在基本信息中填写单位类型后重新报送".to_string())
            }
            (Submission::Submitted, _) => errors.get(u.unit.name.as_str()).map(|files| {
                let n = files.len();
                format!("报送材料有 {n} 处错误（相关记录未计入），请改正后重新报送")
            }),
        };
        if let Some(line) = line {
            let kind = if u.unit.unit_type.is_empty() {
                String::new()
            } else {
                format!("（{}）", u.unit.unit_type)
            };
            lines.push(format!("{}{kind}：{line}", printable(&u.unit.name)));
        }
    }
    // Names not in the roster still need telling — unless the roster unit they stand for is
    // already told (not submitted, or unreadable): each unit once.
    let known: std::collections::HashSet<&str> = (model.checked.units.iter())
        .map(|u| u.unit.name.as_str())
        .collect();
    let told: std::collections::HashSet<&str> = (model.checked.units.iter())
        .flat_map(|u| u.misnamed.iter().map(String::as_str))
        .collect();
    for (unit, files) in &errors {
        let n = files.len();
        let stands_for_told = files.iter().all(|f| told.contains(f));
        if !known.contains(unit) && !stands_for_told {
            lines.push(format!(
                "{}：不在名册中，{n} 处错误；请核对单位名称后重新报送",
                printable(unit)
            ));
        }
    }
    if lines.len() == 2 {
        lines.push("无：各单位均已按时报送且无错误。".into());
    }
    lines.push(String::new());
    lines.join("\n")
}

/// What the unit should do about an issue, by its code.
pub(crate) fn fix_suggestion(issue: &Issue) -> String {
    let field = issue.field.as_deref().unwrap_or("该项");
    let fix = match issue.code {
        // The closest allowed value, as the sentence offers it.
        "not-in-list" => match suggested_value(&issue.message) {
            Some(value) => return format!("改为“{value}”（从下拉列表选择）"),
            None => "从下拉列表中选择",
        },
        "date-out-of-year" => "核对日期；不属于本年度的记录请删除",
        "date-after-as-of" => "核对日期；统计截止日之后的记录不计入本次统计",
        "required-empty" => return format!("补填“{field}”"),
        "unknown-unit" => "单位名称须与县里名册一致",
        "not-a-date" => "按 2026-03-05 的格式填写完整日期",
        "date-without-year" => "写完整日期（含年份）",
        "not-integer" => "只填数字，不加“约”“左右”等字",
        "missing-column" => "按模板补齐缺少的列后重新报送",
        "pattern-mismatch" => return format!("按要求填写“{field}”"),
        "unit-undetermined" => "在“基本信息”中填写单位名称",
        "schema-version" => "改用今年下发的新模板填写",
        _ => match issue.level {
            Level::Error if issue.row.is_none() => "用 Excel 或 WPS 打开确认后重新报送",
            Level::Error => "改正后重新报送",
            _ => "请核实，如有误请改正",
        },
    };
    fix.to_string()
}

/// The value a `not-in-list` sentence suggests (`是否应为“中心组学习”`).
fn suggested_value(message: &str) -> Option<&str> {
    let rest = &message[message.find("是否应为“")? + "是否应为“".len()..];
    Some(&rest[..rest.find('”')?])
}

/// Every unit whose flag is not its `otherwise` value (评优资格 取消 or 待定): the unit, the flag
/// and its value.
fn flagged<'m>(
    model: &'m ReportModel<'_>,
) -> impl Iterator<Item = (&'m str, &'m crate::schema::Flag, &'m str)> {
    model.card.units.iter().flat_map(move |u| {
        (model.schema.flags.iter().zip(&u.flags)).filter_map(move |(flag, value)| {
            let value = value.as_deref()?;
            (value != flag.otherwise).then_some((u.name.as_str(), flag, value))
        })
    })
}

/// What the unit is told of each flag set on it: its value, the records that set it, and why.
fn flag_text(model: &ReportModel<'_>, unit: &str) -> String {
    let mut text = String::new();
    let Some(score) = model.scores.get(unit) else {
        return text;
    };
    for (i, (flag, value)) in model.schema.flags.iter().zip(&score.flags).enumerate() {
        let Some(value) = value.as_deref().filter(|v| *v != flag.otherwise) else {
            continue;
        };
        let spec = &model.schema.sheets[flag.sheet];
        let records = model.flag_records.get(i).and_then(|m| m.get(unit));
        let named: Vec<String> = (records.into_iter().flatten())
            .take(3)
            .map(|r| describe(spec, r))
            .collect();
        text.push_str(&format!("贵单位{}为“{value}”", flag.name));
        if !named.is_empty() {
            text.push_str(&format!("（{}）", named.join("；")));
        }
        if flag.pending.as_ref().is_some_and(|p| p.value == value) {
            text.push_str("，待案件办结后认定");
        }
        text.push_str(&format!("，依据{}。", flag.basis));
    }
    text
}

/// A record as the unit would recognise it: its required fields' values (the ones every record
/// has), without 序号, with the sheet row.
fn describe(spec: &crate::schema::SheetSpec, r: &crate::record::Record) -> String {
    let values: Vec<String> = (spec.fields.iter().zip(&r.values))
        .filter(|(f, v)| f.required && f.name != "序号" && !v.is_null())
        .map(|(_, v)| crate::issue::excerpt(&v.to_string()).into_owned())
        .collect();
    format!("{}第{}行：{}", spec.name, r.row + 1, values.join("，"))
}

/// The message a clerk pastes to the unit.
pub(crate) fn reminder_text(model: &ReportModel<'_>, unit: &str, issues: &[&Issue]) -> String {
    let year = model.card.year;
    let errors = issues.iter().filter(|i| i.level == Level::Error).count();
    let warnings = issues.iter().filter(|i| i.level == Level::Warning).count();
    let mine = || model.card.shortfalls.iter().filter(|s| s.unit == unit);
    let short: Vec<String> = (mine().filter(|s| s.status == Lateness::Missed))
        .map(|s| format!("{}（{}）", s.rule, s.period))
        .collect();
    let behind: Vec<String> = (mine().filter(|s| s.status == Lateness::Behind))
        .map(|s| {
            format!(
                "{}{}应达{}次，实际{}次",
                s.rule, s.period, s.required, s.actual
            )
        })
        .collect();
    let mut parts = Vec::new();
    if errors > 0 {
        parts.push(format!("错误 {errors} 处（相关记录未计入汇总）"));
    }
    if warnings > 0 {
        parts.push(format!("需核实 {warnings} 处"));
    }
    let field = model.schema.field_of_work();
    let mut text = format!("{unit}：贵单位报送的{year}年度{field}台账经汇总校验，");
    if parts.is_empty() {
        text.push_str("格式无误；");
    } else {
        text.push_str(&format!("发现{}；", parts.join("、")));
    }
    let listed = |items: &[String]| {
        let shown: Vec<&str> = items.iter().take(5).map(String::as_str).collect();
        let more = match items.len() {
            n if n > 5 => format!("等 {n} 项"),
            _ => String::new(),
        };
        format!("{}{more}", shown.join("、"))
    };
    // 达标 is said only of a unit judged on everything it sent and should have sent.
    let missing_sheets: Vec<&str> = (issues.iter())
        .filter(|i| i.code == "sheet-missing" && i.level == Level::Warning)
        .filter_map(|i| i.sheet.as_deref())
        .collect();
    let status = model.scores.get(unit).map(|s| s.status);
    match status {
        Some(Submission::Untyped) => text.push_str("因单位类型不明，本次未考核。"),
        Some(Submission::Submitted) => {
            if !missing_sheets.is_empty() {
                text.push_str(&format!(
                    "缺少“{}”表，相关指标按 0 次考核。",
                    missing_sheets.join("”“")
                ));
            } else if short.is_empty() && behind.is_empty() && errors > 0 {
                // Rows, a sheet or a whole file of the unit's were not counted: what was counted
                // meets the quotas, which says nothing of what the unit will resubmit.
                text.push_str(
                    "已计入汇总的记录暂无未达标指标，但有记录未计入，考核结果以改正后重新报送的台账为准。",
                );
            } else if short.is_empty() && behind.is_empty() {
                text.push_str("各项考核指标均已达标。");
            }
        }
        _ => text.push_str("报送的台账未计入汇总，本次未能考核。"),
    }
    text.push_str(&flag_text(model, unit));
    if !short.is_empty() {
        text.push_str(&format!("以下指标未达标：{}。", listed(&short)));
    }
    if !behind.is_empty() {
        let d = model.card.as_of;
        text.push_str(&format!(
            "截至{}月{}日，{}，进度滞后，请加快。",
            d.month(),
            d.day(),
            listed(&behind)
        ));
    }
    if errors > 0 {
        text.push_str("请对照附表逐项改正后重新报送（重新报送时请更新“填报日期”）。");
    } else if !short.is_empty() {
        text.push_str("请对照依据文件抓好落实。");
    }
    text
}

/// Most characters and bytes of a feedback file's name before `.xlsx`.
const NAME_CHARS: usize = 80;
const NAME_BYTES: usize = 240;

/// A unit's name as a file name that every file system takes, Windows included: characters a
/// file name cannot hold (`/ \ : * ? " < > |`), control characters and the invisible ones that
/// reorder text (bidi controls) become `_`; trailing dots and spaces go; a name Windows reserves
/// for a device (`CON`, `NUL.txt`, `lpt1`) gets a leading `_`; at most 80 characters and 240
/// bytes.
pub(crate) fn safe_file_name(name: &str) -> String {
    let safe: String = (name.chars())
        .map(|c| {
            let bad = matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
                || c.is_control()
                || crate::issue::is_invisible(c);
            if bad { '_' } else { c }
        })
        .collect();
    let safe = cut(&safe, NAME_CHARS, NAME_BYTES).trim_end_matches(['.', ' ']);
    let reserved = crate::schema::is_device(safe);
    match (safe.is_empty(), reserved) {
        (true, _) => "_".into(),
        (_, true) => format!("_{}", cut(safe, NAME_CHARS - 1, NAME_BYTES - 1)),
        _ => safe.to_string(),
    }
}

fn workbook(model: &ReportModel<'_>, unit: &str, issues: &[&Issue]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    // Level 1 deflates several times faster than the default 6, for a slightly larger file.
    wb.set_zip_compression_level(1);
    let f = Formats::new();
    let year = model.card.year;
    let ws = wb.add_worksheet().set_name("反馈说明")?;
    let title = model.dated(format!("{unit}{year}年度台账汇总反馈"));
    let mut t = Table::new(
        ws,
        &f,
        &title,
        "可直接复制下面的文字发给单位",
        &["催报文字"],
    )?;
    let text = reminder_text(model, unit, issues);
    let row = t.next_row;
    t.plain(vec![Out::from(text.as_str())])?;
    t.finish(false)?;
    let ws = wb.worksheet_from_name("反馈说明")?;
    ws.set_column_width(0, 100)?;
    ws.write_string_with_format(row, 0, &text, &f.text.clone().set_text_wrap())?;
    ws.set_row_height(row, 80)?;
    super::table::print_setup(ws, 2)?;
    let ws = wb.add_worksheet().set_name("报送问题")?;
    let title = model.dated(format!("{unit}{year}年度台账报送问题反馈"));
    let note = "“错误”所在行（或文件）未计入汇总，请改正后重新报送；“警告”已采用，请核实";
    let headers = [
        "级别",
        "文件",
        "工作表",
        "单元格",
        "字段",
        "原值",
        "问题",
        "处理",
        "修改建议",
    ];
    let mut t = Table::new(ws, &f, &title, note, &headers)?;
    t.fit_title();
    for i in issues {
        let cell = match (&i.column, i.row) {
            (Some(c), Some(r)) => Some(format!("{c}{r}")),
            (None, Some(r)) => Some(format!("第{r}行")),
            _ => None,
        };
        let mark = if i.level == Level::Error {
            Mark::Red
        } else {
            Mark::Amber
        };
        t.row(vec![
            (Out::from(i.level.label()), mark),
            (Out::from(i.file.as_str()), Mark::Plain),
            (Out::from(i.sheet.clone()), Mark::Plain),
            (Out::from(cell), Mark::Plain),
            (Out::from(i.field.clone()), Mark::Plain),
            (Out::from(i.value.clone()), Mark::Plain),
            (Out::from(i.message.as_str()), Mark::Plain),
            (Out::from(i.action), Mark::Plain),
            (Out::from(fix_suggestion(i)), Mark::Plain),
        ])?;
    }
    t.finish(true)?;
    let ws = wb.add_worksheet().set_name("未达标指标")?;
    let title = model.dated(format!("{unit}{year}年度未达标指标"));
    let headers = ["指标", "周期", "状态", "要求", "实际", "差额", "依据"];
    let mut t = Table::new(ws, &f, &title, "请对照依据文件补齐工作并如实记录", &headers)?;
    t.fit_title();
    for s in model.card.shortfalls.iter().filter(|s| s.unit == unit) {
        t.row(super::shortfall_row(s, false))?;
    }
    t.finish(true)?;
    wb.save_to_buffer()
}
