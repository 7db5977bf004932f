//! `反馈/<单位名称>.xlsx`: one workbook per unit with issues or missed quotas — a 催报 text ready to
//! paste into a message, each problem with its file, sheet, cell, the value as submitted and how
//! to fix it, and each short period — plus the county's `催报名单.txt`: every unit that has not
//! submitted or must resubmit, one line each.

use super::table::{Formats, Mark, Out, Table};
use super::{ReportModel, write_atomic};
use crate::error::Result;
use crate::issue::{Issue, Level};
use crate::outcome::Submission;
use rayon::prelude::*;
use rust_xlsxwriter::{Workbook, XlsxError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Writes `催报名单.txt` beside `dir` and one feedback workbook per unit that needs one into
/// `dir`; returns the list's path and the workbooks' paths.
pub(crate) fn write_all(model: &ReportModel<'_>, dir: &Path) -> Result<(PathBuf, Vec<PathBuf>)> {
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
    units.sort_unstable();
    units.dedup();
    let roll = out_of_dir(dir).join("催报名单.txt");
    write_atomic(&roll, reminder_list(model).as_bytes())?;
    // One workbook per unit, thousands in a county: built and written on every core.
    let workbooks = units
        .par_iter()
        .map(|unit| -> Result<PathBuf> {
            let path = dir.join(format!("{}.xlsx", safe_file_name(unit)));
            let bytes = workbook(model, unit, issues.get(unit).map_or(&[][..], Vec::as_slice))?;
            write_atomic(&path, &bytes)?;
            Ok(path)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((roll, workbooks))
}

fn out_of_dir(dir: &Path) -> &Path {
    dir.parent().unwrap_or(dir)
}

/// Units that have not submitted or must resubmit (any 错误), one line each.
pub(crate) fn reminder_list(model: &ReportModel<'_>) -> String {
    let year = model.card.year;
    let mut lines = vec![
        format!(
            "{year}年度意识形态工作台账催报名单（生成于 {}）",
            model.generated_at
        ),
        String::new(),
    ];
    let mut errors: BTreeMap<&str, usize> = BTreeMap::new();
    for issue in model
        .checked
        .issues
        .iter()
        .filter(|i| i.level == Level::Error)
    {
        if let Some(unit) = &issue.unit {
            *errors.entry(unit.as_str()).or_default() += 1;
        }
    }
    for u in &model.checked.units {
        let line = match u.status {
            Submission::Missing => Some("未报送，请尽快报送".to_string()),
            Submission::Unreadable => Some("报送文件无法读取，请重新报送".to_string()),
            Submission::Submitted => errors
                .get(u.unit.name.as_str())
                .map(|n| format!("报送材料有 {n} 处错误（相关记录未计入），请改正后重新报送")),
        };
        if let Some(line) = line {
            let kind = if u.unit.unit_type.is_empty() {
                String::new()
            } else {
                format!("（{}）", u.unit.unit_type)
            };
            lines.push(format!("{}{kind}：{line}", u.unit.name));
        }
    }
    // Names not in the roster still need telling.
    let known: Vec<&str> = model
        .checked
        .units
        .iter()
        .map(|u| u.unit.name.as_str())
        .collect();
    for (unit, n) in &errors {
        if !known.contains(unit) {
            lines.push(format!(
                "{unit}：不在名册中，{n} 处错误；请核对单位名称后重新报送"
            ));
        }
    }
    if lines.len() == 2 {
        lines.push("无：各单位均已按时报送且无错误。".into());
    }
    lines.push(String::new());
    lines.join("\n")
}

/// What the unit should do about an issue.
pub(crate) fn fix_suggestion(issue: &Issue) -> String {
    let m = issue.message.as_str();
    let field = issue.field.as_deref().unwrap_or("该项");
    if let Some(start) = m.find("是否应为“") {
        let rest = &m[start + "是否应为“".len()..];
        if let Some(end) = rest.find('”') {
            return format!("改为“{}”（从下拉列表选择）", &rest[..end]);
        }
    }
    let rules: [(&str, String); 11] = [
        ("日期不在", "核对日期；不属于本年度的记录请删除".into()),
        ("必填项", format!("补填“{field}”")),
        ("名册中无此单位", "单位名称须与县里名册一致".into()),
        ("不是有效日期", "按 2026-03-05 的格式填写完整日期".into()),
        ("没有年份", "写完整日期（含年份）".into()),
        ("不是整数", "只填数字，不加“约”“左右”等字".into()),
        ("可选值", "从下拉列表中选择".into()),
        ("缺少必填列", "按模板补齐缺少的列后重新报送".into()),
        ("格式不正确", format!("按要求填写“{field}”")),
        ("无法确定报送单位", "在“基本信息”中填写单位名称".into()),
        ("方案版本", "改用今年下发的新模板填写".into()),
    ];
    for (needle, fix) in rules {
        if m.contains(needle) {
            return fix;
        }
    }
    match issue.level {
        Level::Error if issue.row.is_none() => "用 Excel 或 WPS 打开确认后重新报送".into(),
        Level::Error => "改正后重新报送".into(),
        _ => "请核实，如有误请改正".into(),
    }
}

/// The message a clerk pastes to the unit.
pub(crate) fn reminder_text(model: &ReportModel<'_>, unit: &str, issues: &[&Issue]) -> String {
    let year = model.card.year;
    let errors = issues.iter().filter(|i| i.level == Level::Error).count();
    let warnings = issues.iter().filter(|i| i.level == Level::Warning).count();
    let short: Vec<String> = model
        .card
        .shortfalls
        .iter()
        .filter(|s| s.unit == unit)
        .map(|s| format!("{}（{}）", s.rule, s.period))
        .collect();
    let mut parts = Vec::new();
    if errors > 0 {
        parts.push(format!("错误 {errors} 处（相关记录未计入汇总）"));
    }
    if warnings > 0 {
        parts.push(format!("需核实 {warnings} 处"));
    }
    let mut text = format!("{unit}：贵单位报送的{year}年度意识形态工作台账经汇总校验，");
    if parts.is_empty() {
        text.push_str("格式无误；");
    } else {
        text.push_str(&format!("发现{}；", parts.join("、")));
    }
    if short.is_empty() {
        text.push_str("各项考核指标均已达标。");
    } else {
        let shown: Vec<&str> = short.iter().take(5).map(String::as_str).collect();
        let more = if short.len() > 5 {
            format!("等 {} 项", short.len())
        } else {
            String::new()
        };
        text.push_str(&format!("以下指标未达标：{}{more}。", shown.join("、")));
    }
    if errors > 0 {
        text.push_str("请对照附表逐项改正后重新报送（重新报送时请更新“填报日期”）。");
    } else if !short.is_empty() {
        text.push_str("请对照依据文件抓好落实。");
    }
    text
}

/// A unit name usable as a file name on Windows and Linux.
pub(crate) fn safe_file_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect()
}

fn workbook(model: &ReportModel<'_>, unit: &str, issues: &[&Issue]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    // Level 1 deflates several times faster than the default 6, for a slightly larger file.
    wb.set_zip_compression_level(1);
    let f = Formats::new();
    let year = model.card.year;
    let ws = wb.add_worksheet().set_name("反馈说明")?;
    let title = format!("{unit}{year}年度台账汇总反馈");
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
    let title = format!("{unit}{year}年度台账报送问题反馈");
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
    let title = format!("{unit}{year}年度未达标指标");
    let headers = ["指标", "周期", "要求", "实际", "差额", "依据"];
    let mut t = Table::new(ws, &f, &title, "请对照依据文件补齐工作并如实记录", &headers)?;
    for s in model.card.shortfalls.iter().filter(|s| s.unit == unit) {
        t.row(super::shortfall_row(s, false))?;
    }
    t.finish(true)?;
    wb.save_to_buffer()
}
