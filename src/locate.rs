//! Finding the data in a workbook: which sheet is which schema sheet (by normalised name, alias,
//! containment, then by its header row), and where each sheet's header row and columns are. It
//! owns `docs/inputs.md#header-row`: the first of the first 15 rows matching at least half the
//! fields. It must not read data rows.

use crate::normalize::normalize;
use crate::outcome::Header;
use crate::schema::{Schema, SheetSpec};
use crate::sheet::RawSheet;

/// Rows searched for a header.
pub(crate) const HEADER_SEARCH_ROWS: u32 = 15;

/// What a workbook sheet was recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Info,
    Ledger(usize),
}

/// The normalised spellings of a sheet name the schema accepts → the role they name.
fn name_keys(schema: &Schema) -> impl Iterator<Item = (&str, Role)> {
    schema
        .sheet_keys
        .iter()
        .map(|(k, role)| (k.as_str(), role.map_or(Role::Info, Role::Ledger)))
}

/// Recognises a sheet by its name: an exact normalised match first, else the longest accepted
/// name it contains (`2026年学习记录表`, a CSV named `问卷导出_学习记录`).
pub(crate) fn role_by_name(schema: &Schema, sheet_name: &str) -> Option<Role> {
    let name = normalize(sheet_name);
    if let Some((_, role)) = name_keys(schema).find(|(k, _)| *k == name) {
        return Some(role);
    }
    name_keys(schema)
        .filter(|(k, _)| !k.is_empty() && name.contains(k))
        .max_by_key(|(k, _)| k.chars().count())
        .map(|(_, role)| role)
}

/// Recognises a sheet by content: the schema sheet whose header it carries (the best share of
/// fields matched), else the info sheet when its first column holds most of the info labels.
pub(crate) fn role_by_content(schema: &Schema, sheet: &RawSheet) -> Option<(Role, Option<Header>)> {
    let mut best: Option<(usize, f64, Header)> = None;
    for (i, spec) in schema.sheets.iter().enumerate() {
        if let Some(header) = find_header(sheet, spec) {
            let matched = header.columns.iter().filter(|c| c.is_some()).count();
            let share = matched as f64 / spec.fields.len() as f64;
            if best.as_ref().is_none_or(|(_, s, _)| share > *s) {
                best = Some((i, share, header));
            }
        }
    }
    if let Some((i, _, header)) = best {
        return Some((Role::Ledger(i), Some(header)));
    }
    let info = schema.info.as_ref()?;
    let labels: Vec<String> = info.fields.iter().map(|f| normalize(&f.name)).collect();
    let found = sheet
        .rows
        .iter()
        .take(40)
        .filter(|row| {
            row.cells
                .iter()
                .take(2)
                .any(|(_, c)| labels.contains(&normalize(&c.display())))
        })
        .count();
    (found * 2 >= labels.len() && found > 0).then_some((Role::Info, None))
}

/// Finds the header row of `sheet` for `spec`: the first of the first 15 rows in which at least
/// half the schema's fields are named.
pub fn find_header(sheet: &RawSheet, spec: &SheetSpec) -> Option<Header> {
    let unit_key = normalize("单位名称");
    for row in sheet
        .rows
        .iter()
        .take_while(|r| r.index < HEADER_SEARCH_ROWS)
    {
        let mut columns = vec![None; spec.fields.len()];
        let mut unit_column = None;
        let mut extras = Vec::new();
        // A merged title repeats its text in every cell it spans: a text is looked up once.
        let mut previous: Option<(std::borrow::Cow<'_, str>, Heading)> = None;
        for (col, cell) in &row.cells {
            let text = cell.shown();
            if text.is_empty() {
                continue;
            }
            let heading = match &previous {
                Some((seen, heading)) if *seen == text => *heading,
                _ => heading(spec, &text, &unit_key),
            };
            match heading {
                Heading::Field(field) if columns[field].is_none() => columns[field] = Some(*col),
                Heading::Field(_) => {} // a repeated column (often a merged header cell): the first wins
                Heading::Unit if unit_column.is_none() => unit_column = Some(*col),
                Heading::Unit | Heading::Other => extras.push((*col, text.to_string())),
            }
            previous = Some((text, heading));
        }
        let matched = columns.iter().filter(|c| c.is_some()).count();
        if matched * 2 >= spec.fields.len() && matched > 0 {
            return Some(Header {
                row: row.index,
                columns,
                unit_column,
                extras,
            });
        }
    }
    None
}

/// What a header cell names.
#[derive(Debug, Clone, Copy)]
enum Heading {
    Field(usize),
    /// `单位名称` on a sheet whose schema has no such field: the sheet holds several units.
    Unit,
    Other,
}

/// `normalize::lookup` of a header cell among the fields, with the test for 单位名称 (`unit_key`,
/// normalised) folded into its normalised step, so that a text naming no field is normalised once.
fn heading(spec: &SheetSpec, text: &str, unit_key: &str) -> Heading {
    let lookup = &spec.header_lookup;
    if let Some(&field) = lookup.get(crate::normalize::trim_cell(text)) {
        return Heading::Field(field);
    }
    crate::normalize::with_normalized(text, |folded| match lookup.get(folded) {
        Some(&field) => Heading::Field(field),
        None if folded == unit_key => Heading::Unit,
        None => Heading::Other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheet;

    fn schema() -> Schema {
        crate::schema::parse(include_str!("../schemas/ideology_work.toml"), "s").unwrap()
    }

    #[test]
    fn header_row_is_found_below_merged_title() {
        let s = schema();
        let raw = sheet!["学习记录";
            ["龙爪镇2026年意识形态工作学习台账"],
            [""],
            ["序号", "*日期", "学习 形式", "学习内容", "參學人數", "记录人"],
            ["1", "2026-03-05", "集中学习", "二十大", "30", "张三"],
        ];
        let header = find_header(&raw, &s.sheets[0]).unwrap();
        assert_eq!(header.row, 2);
        assert_eq!(header.columns[1], Some(1));
        assert_eq!(header.columns[3], Some(3));
        assert_eq!(header.columns[5], Some(4));
        assert_eq!(header.columns[6], None);
        assert_eq!(header.extras, vec![(5, "记录人".to_string())]);
    }

    /// A text repeated along a row (a merged cell's copies) is looked up once and counts as
    /// the first cell holding it; a second 单位名称 column is an extra, as any repeat that names
    /// nothing is.
    #[test]
    fn repeated_header_texts_keep_the_first_column() {
        let s = schema();
        let raw = sheet!["学习记录";
            ["台账", "台账", "台账"],
            ["单位名称", "日期", "日期", "學習形式", "学习主题", "单位名称", "备 注", "备注", "记录人", "记录人"],
        ];
        let header = find_header(&raw, &s.sheets[0]).unwrap();
        assert_eq!(header.row, 1);
        assert_eq!(header.unit_column, Some(0));
        let column = |name: &str| {
            let field = s.sheets[0].fields.iter().position(|f| f.name == name);
            header.columns[field.unwrap()]
        };
        assert_eq!(column("日期"), Some(1));
        assert_eq!(column("学习形式"), Some(3));
        assert_eq!(column("学习主题"), Some(4));
        assert_eq!(column("备注"), Some(6));
        assert_eq!(column("参学人数"), None);
        assert_eq!(
            header.extras,
            vec![
                (5, "单位名称".to_string()),
                (8, "记录人".to_string()),
                (9, "记录人".to_string())
            ]
        );
    }

    #[test]
    fn a_row_naming_too_few_fields_is_not_a_header() {
        let s = schema();
        let raw = sheet!["x"; ["日期", "说明"], ["2026-03-05", "x"]];
        assert_eq!(find_header(&raw, &s.sheets[0]), None);
    }

    #[test]
    fn sheets_are_recognised_by_name_alias_and_containment() {
        let s = schema();
        assert_eq!(role_by_name(&s, "學習記錄"), Some(Role::Ledger(0)));
        assert_eq!(role_by_name(&s, " 理论学习 "), Some(Role::Ledger(0)));
        assert_eq!(
            role_by_name(&s, "2026年督查检查情况"),
            Some(Role::Ledger(2))
        );
        assert_eq!(role_by_name(&s, "问卷导出_学习记录"), Some(Role::Ledger(0)));
        assert_eq!(role_by_name(&s, "封面"), Some(Role::Info));
        assert_eq!(role_by_name(&s, "Sheet1"), None);
    }

    #[test]
    fn an_unnamed_sheet_is_recognised_by_its_header() {
        let s = schema();
        let raw = sheet!["Sheet1"; ["序号", "问责日期", "被问责对象", "对象类别", "问责情形", "情节", "处理方式"]];
        assert_eq!(
            role_by_content(&s, &raw).map(|r| r.0),
            Some(Role::Ledger(3))
        );
        let info =
            sheet!["Sheet2"; ["单位名称", "龙爪镇"], ["单位类型", "乡镇"], ["填报年度", "2026"]];
        assert_eq!(role_by_content(&s, &info).map(|r| r.0), Some(Role::Info));
    }
}
