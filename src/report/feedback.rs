//! `反馈/<单位名称>.xlsx`: one workbook per unit with issues or missed quotas, listing each
//! problem with its file, sheet and cell and what to do, and each short period, ready for the
//! county office to send back.

use super::table::{Formats, Mark, Out, Table};
use super::{ReportModel, write_atomic};
use crate::issue::{Issue, Level};
use rust_xlsxwriter::{Workbook, XlsxError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Writes one feedback workbook per unit that needs one; returns the paths.
pub fn write_all(model: &ReportModel<'_>, dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
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
    let mut written = Vec::new();
    for unit in units {
        let path = dir.join(format!("{}.xlsx", safe_file_name(unit)));
        let bytes = workbook(model, unit, issues.get(unit).map_or(&[][..], Vec::as_slice))?;
        write_atomic(&path, &bytes)?;
        written.push(path);
    }
    Ok(written)
}

/// A unit name usable as a file name on Windows and Linux.
pub fn safe_file_name(name: &str) -> String {
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
    let f = Formats::new();
    let year = model.card.year;
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
        ])?;
    }
    t.finish(true)?;
    let ws = wb.add_worksheet().set_name("未达标指标")?;
    let title = format!("{unit}{year}年度未达标指标");
    let headers = ["指标", "周期", "要求", "实际", "差额", "依据"];
    let mut t = Table::new(ws, &f, &title, "请对照依据文件补齐工作并如实记录", &headers)?;
    for s in model.card.shortfalls.iter().filter(|s| s.unit == unit) {
        t.row(vec![
            (Out::from(s.rule.as_str()), Mark::Plain),
            (Out::from(s.period.as_str()), Mark::Plain),
            (Out::from(s.required), Mark::Plain),
            (Out::from(s.actual), Mark::Plain),
            (Out::from(s.gap), Mark::Red),
            (Out::from(s.basis.as_str()), Mark::Plain),
        ])?;
    }
    t.finish(true)?;
    wb.save_to_buffer()
}
