//! Reading the key/value 基本信息 sheet: a label in one cell and its value beside it (or below
//! it, or after a colon in the same cell). It owns the well-known info fields the tool relies on
//! (单位名称, 单位类型, 填报年度, 填报日期) and must not resolve the unit against the roster.

use crate::coerce::coerce;
use crate::issue::{Issue, Kind, Level, action, excerpt};
use crate::normalize::{lookup, normalize, with_normalized};
use crate::outcome::UnitInfo;
use crate::record::Value;
use crate::schema::InfoSheet;
use crate::sheet::{Cell, RawSheet};

/// Label of the hidden cell `huizong template` stamps the schema version in.
pub(crate) const VERSION_LABEL: &str = "方案版本";

/// Reads `sheet` as the info sheet. Issues are about values that did not coerce.
pub(crate) fn read_info(
    sheet: &RawSheet,
    spec: &InfoSheet,
    file: &str,
    year_hint: Option<i32>,
) -> (UnitInfo, Vec<Issue>) {
    let mut found: Vec<Option<(u32, u32, Cell)>> = vec![None; spec.fields.len()];
    let labels = &spec.label_lookup;
    let version_key = normalize(VERSION_LABEL);
    let mut info = UnitInfo::default();
    for row in &sheet.rows {
        for (i, (col, cell)) in row.cells.iter().enumerate() {
            let text = cell.shown();
            // `单位名称：龙爪镇` in one cell, or `单位名称：` with the value beside or below it.
            let (label, inline) = match text.split_once(['：', ':']) {
                Some((l, v)) if !v.trim().is_empty() => (l, Some(v.trim().to_string())),
                Some((l, _)) => (l, None),
                None => (&*text, None),
            };
            if with_normalized(label, |l| l == version_key) {
                // Shown in a 警告 when it differs: cut like any value an issue shows.
                info.schema_version =
                    (row.cells.get(i + 1)).map(|(_, c)| excerpt(&c.display()).into_owned());
                continue;
            }
            let Some(&field) = lookup(labels, label) else {
                continue;
            };
            if found[field].is_some() {
                continue;
            }
            let is_label = |c: &Cell| {
                let text = c.shown();
                lookup(labels, text.trim_end().trim_end_matches(['：', ':'])).is_some()
            };
            let value = match inline {
                Some(v) => Some((row.index, *col, Cell::Text(v))),
                None => row.cells[i + 1..]
                    .iter()
                    .find(|(_, c)| !c.is_blank())
                    .filter(|(_, c)| !is_label(c))
                    .map(|(c, v)| (row.index, *c, v.clone()))
                    .or_else(|| {
                        let below = sheet.cell(row.index + 1, *col)?;
                        (!below.is_blank() && !is_label(below))
                            .then(|| (row.index + 1, *col, below.clone()))
                    }),
            };
            if let Some(v) = value {
                found[field] = Some(v);
            }
        }
    }
    let mut issues = Vec::new();
    // The year comes first: a 填报日期 typed as `6月1日` needs it.
    let year_field = spec.fields.iter().position(|f| f.name == "填报年度");
    let mut order: Vec<usize> = (0..spec.fields.len()).collect();
    if let Some(y) = year_field {
        order.retain(|&i| i != y);
        order.insert(0, y);
    }
    info.values = vec![Value::Null; spec.fields.len()];
    let mut year = year_hint;
    // A 单位类型 outside the list is kept as typed: resolving units says what becomes of it
    // (`unit-type-unknown`), beside the roster's type.
    let mut other_type = None;
    for i in order {
        let field = &spec.fields[i];
        let Some((r, c, cell)) = &found[i] else {
            continue;
        };
        match coerce(cell, field, year) {
            Ok(v) => {
                if Some(i) == year_field {
                    year = year.or(v.as_int().and_then(|y| i32::try_from(y).ok()));
                }
                info.values[i] = v;
            }
            Err(crate::issue::Refusal::NotInList { .. }) if field.name == "单位类型" => {
                other_type = Some(crate::normalize::trim_cell(&cell.display()).to_string());
            }
            Err(refusal) => issues.push(
                Issue::new(
                    Level::Warning,
                    file,
                    Kind::BadValue {
                        field: field.name.clone(),
                        refusal,
                    },
                    action::FIELD_EMPTIED,
                )
                .sheet(&sheet.name)
                .row(*r)
                .column(*c)
                .field(&field.name)
                .value(cell.display()),
            ),
        }
    }
    for (field, value) in spec.fields.iter().zip(&info.values) {
        match (field.name.as_str(), value) {
            ("单位名称", Value::Text(s)) => info.name = Some(s.to_string()),
            ("单位类型", Value::Text(s)) => info.unit_type = Some(s.to_string()),
            ("填报年度", Value::Int(y)) => info.year = i32::try_from(*y).ok(),
            ("填报日期", Value::Date(d)) => info.filed = Some(*d),
            _ => {}
        }
    }
    info.unit_type = info.unit_type.or(other_type);
    (info, issues)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheet;

    #[test]
    fn labels_beside_below_and_inline_are_read() {
        let schema =
            crate::schema::parse(include_str!("../schemas/ideology_work.toml"), "s").unwrap();
        let spec = schema.info.as_ref().unwrap();
        let raw = sheet!["基本信息";
            ["单位基本信息"],
            ["单位名称", "", "龙爪镇"],
            ["单位类型：乡镇"],
            ["填报年度", "2026年"],
            ["填报日期", "6月1日"],
            ["联系电话", "不详"],
        ];
        let (info, issues) = read_info(&raw, spec, "a.xlsx", None);
        assert_eq!(info.name.as_deref(), Some("龙爪镇"));
        assert_eq!(info.unit_type.as_deref(), Some("乡镇"));
        assert_eq!(info.year, Some(2026));
        assert_eq!(info.filed, chrono::NaiveDate::from_ymd_opt(2026, 6, 1));
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert_eq!(issues[0].location(), "基本信息!B6");
        let raw =
            sheet!["基本信息"; ["单位名称", "填报年度", "填报日期"], ["龙爪镇", "2026", "6月1日"]];
        let (info, issues) = read_info(&raw, spec, "a.xlsx", None);
        assert_eq!(
            (info.name.as_deref(), info.year),
            (Some("龙爪镇"), Some(2026))
        );
        assert_eq!(info.filed, chrono::NaiveDate::from_ymd_opt(2026, 6, 1));
        assert!(issues.is_empty());
        // Labels written with a colon and their value in the next cell, or below.
        let raw = sheet!["基本信息";
            ["单位名称：", "龙爪镇"],
            ["填报年度:", "填报日期："],
            ["2026", "6月1日"],
        ];
        let (info, issues) = read_info(&raw, spec, "a.xlsx", None);
        assert_eq!(
            (info.name.as_deref(), info.year),
            (Some("龙爪镇"), Some(2026))
        );
        assert_eq!(info.filed, chrono::NaiveDate::from_ymd_opt(2026, 6, 1));
        assert!(issues.is_empty(), "{issues:?}");
    }

    /// Info values go through the same cell limit as ledger cells: a value too long for a cell
    /// is emptied with a 警告, whatever its field.
    #[test]
    fn an_info_value_longer_than_a_cell_holds_is_emptied() {
        let schema =
            crate::schema::parse(include_str!("../schemas/ideology_work.toml"), "s").unwrap();
        let spec = schema.info.as_ref().unwrap();
        let long = "龙".repeat(40_000);
        let inline = format!("单位名称：{long}");
        let raw = sheet!["基本信息";
            [inline.as_str()],
            ["填报人", long.as_str()],
            ["方案版本", long.as_str()],
        ];
        let (info, issues) = read_info(&raw, spec, "a.xlsx", None);
        assert_eq!(info.name, None);
        assert!(info.values.iter().all(|v| *v == Value::Null));
        let codes: Vec<_> = issues.iter().map(|i| (i.code, i.level)).collect();
        assert_eq!(codes, [("cell-too-long", Level::Warning); 2]);
        assert!(
            issues
                .iter()
                .all(|i| i.value.as_ref().unwrap().chars().count() == 201)
        );
        assert_eq!(info.schema_version.unwrap().chars().count(), 201);
    }
}
