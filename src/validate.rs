//! Validating a ledger sheet's rows against its schema sheet: which rows are data (not blank,
//! not 序号-only, not totals, not a repeated header, not a footnote), coercing each field, the
//! required/optional policy of `docs/issues.md#levels` and the schema's `checks`. Every data row ends up as a
//! record or as rejected with at least one 错误. It cannot fail and must not panic on any cell.

use crate::coerce::{MonthDays, coerce, fits_a_cell};
use crate::issue::{Issue, Kind, Level, Refusal, action, excerpt};
use crate::normalize::{normalize, trim_cell};
use crate::outcome::{Header, SheetOutcome};
use crate::record::{Record, Value};
use crate::schema::{Check, EXAMPLE_MARK, SheetSpec};
use crate::sheet::{Cell, RawRow, RawSheet};
use chrono::Datelike;

/// Where the rows come from and how to complete month-day dates.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub file: &'a str,
    /// The file's own year, as far as it is known (`--year`, its 填报年度, a year in its name).
    pub year: Option<i32>,
    /// The report year when `--year` gives it. Month-day dates take the report year: without
    /// it they are kept as `Value::MonthDay` and completed when units are resolved.
    pub report_year: Option<i32>,
    /// The unit the file names itself (its 基本信息), for telling its own bodies from
    /// subordinate ones where a legacy value needs it (a row's 单位名称 comes first).
    pub unit: Option<&'a str>,
}

/// How a row below the header is treated.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RowKind {
    Blank,
    Totals,
    RepeatedHeader,
    Footnote,
    Data,
}

const TOTALS: &[&str] = &["合计", "总计", "小计"];
const FOOTNOTES: &[&str] = &[
    "注:",
    "注：",
    "说明:",
    "填表说明",
    "填表人",
    "填报人",
    "审核人",
    "制表人",
    "负责人",
    "单位负责人",
    "领导签字",
];

/// The text of a cell typed as text, trimmed.
fn text_of(cell: &Cell) -> Option<&str> {
    match cell {
        Cell::Text(s) => Some(trim_cell(s)),
        _ => None,
    }
}

/// Does this cell read 合计/总计/小计 (in either script)? Cheap test first: it runs on every row.
fn is_total(cell: &Cell) -> bool {
    text_of(cell)
        .is_some_and(|t| names_a_total(t) && TOTALS.iter().any(|k| normalize(t).starts_with(k)))
}

/// Does `t` hold 计 or 計 (UTF-8 `E8 AE A1`, `E8 A8 88`)? A byte search: `str::contains` set up
/// a searcher per cell.
fn names_a_total(t: &str) -> bool {
    let bytes = t.as_bytes();
    memchr::memchr_iter(0xE8, bytes)
        .any(|i| matches!(bytes.get(i + 1..i + 3), Some([0xAE, 0xA1] | [0xA8, 0x88])))
}

/// Do at least half the fields' names appear in the row, as in a header row? Only short texts
/// without digits can name a field (dates, counts and sentences are not looked up), and a row
/// with too few of them is answered without looking any up.
fn looks_like_header(row: &RawRow, spec: &SheetSpec) -> bool {
    let candidates = || {
        row.cells
            .iter()
            .filter_map(|(_, c)| text_of(c))
            .filter(|t| t.chars().count() <= 12 && !t.bytes().any(|b| b.is_ascii_digit()))
    };
    if candidates().count() * 2 < spec.fields.len() {
        return false;
    }
    let hits = candidates()
        .filter(|t| crate::normalize::lookup(&spec.header_lookup, t).is_some())
        .count();
    hits * 2 >= spec.fields.len()
}

fn classify(row: &RawRow, header: &Header, spec: &SheetSpec, serial_col: Option<u32>) -> RowKind {
    // Rows are short: the filled cells are walked again rather than collected.
    let filled = || row.cells.iter().filter(|(_, c)| !c.is_blank());
    let Some((first_col, first)) = filled().next() else {
        return RowKind::Blank;
    };
    if filled().nth(1).is_none()
        && Some(*first_col) == serial_col
        && crate::coerce::integer(first).is_ok()
    {
        return RowKind::Blank;
    }
    if filled().take(3).any(|(_, c)| is_total(c)) {
        return RowKind::Totals;
    }
    if looks_like_header(row, spec) {
        return RowKind::RepeatedHeader;
    }
    let mapped = filled()
        .filter(|(c, _)| header.columns.contains(&Some(*c)) && Some(*c) != serial_col)
        .count();
    if mapped <= 1
        && let Some(first) = text_of(first)
        && FOOTNOTES
            .iter()
            .any(|f| normalize(first).starts_with(&normalize(f)))
    {
        return RowKind::Footnote;
    }
    RowKind::Data
}

/// Validates every row of `sheet` below `header`.
pub fn validate_sheet(
    sheet: &RawSheet,
    spec_index: usize,
    spec: &SheetSpec,
    header: Header,
    ctx: Context<'_>,
) -> SheetOutcome {
    let mut out = SheetOutcome {
        spec: spec_index,
        sheet_name: sheet.name.clone(),
        header,
        data_rows: 0,
        rejected_rows: 0,
        records: Vec::new(),
        typed_dates: Vec::new(),
        undated: false,
        issues: Vec::new(),
    };
    let header = out.header.clone();
    let at = |level, kind: Kind, act| Issue::new(level, ctx.file, kind, act).sheet(&sheet.name);
    if !header.extras.is_empty() {
        let headers = (header.extras.iter())
            .map(|(_, t)| excerpt(t).into_owned())
            .collect();
        out.issues.push(
            at(
                Level::Notice,
                Kind::ExtraColumns { headers },
                action::COLUMN_IGNORED,
            )
            .row(header.row)
            .column(header.extras[0].0),
        );
    }
    let missing: Vec<&str> = spec
        .fields
        .iter()
        .zip(&header.columns)
        .filter(|(f, c)| f.required && c.is_none())
        .map(|(f, _)| f.name.as_str())
        .collect();
    let serial_col = spec
        .fields
        .iter()
        .position(|f| f.name == "序号")
        .and_then(|i| header.columns[i]);
    for row in sheet.rows.iter().filter(|r| r.index > header.row) {
        match classify(row, &header, spec, serial_col) {
            RowKind::Blank => {}
            RowKind::Totals => out
                .issues
                .push(at(Level::Notice, Kind::TotalsRow, action::ROW_SKIPPED).row(row.index)),
            RowKind::RepeatedHeader => out
                .issues
                .push(at(Level::Notice, Kind::RepeatedHeader, action::ROW_SKIPPED).row(row.index)),
            RowKind::Footnote => out
                .issues
                .push(at(Level::Notice, Kind::FootnoteRow, action::ROW_SKIPPED).row(row.index)),
            RowKind::Data => {
                out.data_rows += 1;
                if missing.is_empty() {
                    let accepted = out.records.len();
                    validate_row(row, spec_index, spec, &header, ctx, &sheet.name, &mut out);
                    if out.records.len() > accepted
                        && let Some((kind, column)) = cut_short(sheet, row, header.row)
                    {
                        let unit = out
                            .records
                            .last()
                            .map(|r| &*r.unit)
                            .filter(|u| !u.is_empty());
                        out.issues.push(
                            at(Level::Warning, kind, action::ACCEPTED)
                                .row(row.index)
                                .column(column)
                                .unit(unit),
                        );
                    }
                } else {
                    out.rejected_rows += 1;
                }
            }
        }
    }
    if !missing.is_empty() {
        let kind = Kind::MissingColumns {
            fields: missing.iter().map(|f| f.to_string()).collect(),
            rows: out.data_rows,
        };
        out.issues
            .push(at(Level::Error, kind, action::SHEET_REJECTED).row(header.row));
    }
    out
}

fn validate_row(
    row: &RawRow,
    spec_index: usize,
    spec: &SheetSpec,
    header: &Header,
    ctx: Context<'_>,
    sheet_name: &str,
    out: &mut SheetOutcome,
) {
    if let Some(col) = example_mark(row) {
        out.issues.push(
            Issue::new(
                Level::Error,
                ctx.file,
                Kind::ExampleRow,
                action::ROW_REJECTED,
            )
            .sheet(sheet_name)
            .row(row.index)
            .column(col)
            .value(EXAMPLE_MARK),
        );
        out.rejected_rows += 1;
        return;
    }
    let mut values = Vec::with_capacity(spec.fields.len());
    let mut rejected = false;
    let unit = match row_unit(row, header) {
        Ok(unit) => unit,
        Err((col, cell, refusal)) => {
            let kind = Kind::BadValue {
                field: "单位名称".into(),
                refusal,
            };
            out.issues.push(
                Issue::new(Level::Error, ctx.file, kind, action::ROW_REJECTED)
                    .sheet(sheet_name)
                    .row(row.index)
                    .column(col)
                    .field("单位名称")
                    .value(cell.display()),
            );
            rejected = true;
            Default::default()
        }
    };
    let unit_for_issue = (!unit.is_empty()).then_some(&*unit);
    let month_days = ctx.report_year.map_or(MonthDays::Later, MonthDays::InYear);
    for (field, col) in spec.fields.iter().zip(&header.columns) {
        let cell = col.and_then(|c| row.get(c));
        let issue = |level, kind: Kind, act| {
            let mut issue = Issue::new(level, ctx.file, kind, act)
                .sheet(sheet_name)
                .row(row.index)
                .field(&field.name)
                .value(cell.map(|c| c.display()).unwrap_or_default())
                .unit(unit_for_issue);
            if let Some(c) = col {
                issue = issue.column(*c);
            }
            issue
        };
        let legacy = (field.legacy.as_ref())
            .zip(cell)
            .and_then(|(legacy, cell)| Some((legacy, legacy.spelling(&cell.shown())?)));
        let coerced = match legacy {
            Some((legacy, (old, own, subordinate))) => {
                let subject = (header.columns[legacy.by])
                    .and_then(|c| row.get(c))
                    .map(|c| c.shown().into_owned())
                    .unwrap_or_default();
                let own_names = (unit_for_issue.or(ctx.unit))
                    .map(own_names)
                    .unwrap_or_default();
                let taken = match legacy.is_subordinate(&subject, &own_names) {
                    true => subordinate,
                    false => own,
                };
                let kind = Kind::LegacyValue {
                    field: field.name.clone(),
                    old: old.clone(),
                    by: spec.fields[legacy.by].name.clone(),
                    subject,
                    taken: taken.clone(),
                };
                out.issues
                    .push(issue(Level::Notice, kind, action::ACCEPTED));
                Some(Ok(Value::Text(taken.as_str().into())))
            }
            None => cell.map(|c| coerce(c, field, month_days)),
        };
        let value = match coerced {
            None | Some(Ok(Value::Null)) => {
                if field.required {
                    let field = field.name.clone();
                    let kind = Kind::RequiredEmpty { field };
                    out.issues
                        .push(issue(Level::Error, kind, action::ROW_REJECTED));
                    rejected = true;
                }
                field.default.clone()
            }
            Some(Ok(v)) => v,
            Some(Err(refusal)) => {
                let kind = Kind::BadValue {
                    field: field.name.clone(),
                    refusal,
                };
                if field.required {
                    out.issues
                        .push(issue(Level::Error, kind, action::ROW_REJECTED));
                    rejected = true;
                } else {
                    out.issues
                        .push(issue(Level::Warning, kind, action::FIELD_EMPTIED));
                }
                Value::Null
            }
        };
        values.push(value);
    }
    if !rejected {
        for check in &spec.checks {
            if let Some(issue) = run_check(
                check, &values, spec, header, ctx.file, sheet_name, row.index,
            ) {
                rejected |= issue.level == Level::Error;
                out.issues.push(issue.unit(unit_for_issue));
            }
        }
    }
    if rejected {
        out.rejected_rows += 1;
        return;
    }
    out.undated |= values.iter().any(|v| matches!(v, Value::MonthDay(..)));
    let date = spec.date_field.and_then(|f| values[f].as_date());
    if let Some(d) = date
        && ctx.year != Some(d.year())
        && let Some(cell) = spec
            .date_field
            .and_then(|f| header.columns[f])
            .and_then(|c| row.get(c))
        && !matches!(cell, Cell::Date(..))
    {
        out.typed_dates.push((row.index, cell.display()));
    }
    out.records.push(Record {
        sheet: spec_index,
        file: 0,
        unit,
        row: row.index,
        date,
        values,
    });
}

/// The names a unit goes by in a 被问责对象, normalised: its own and the shorter forms of an
/// official name (`官渡镇人民政府` is also `官渡镇`).
fn own_names(unit: &str) -> Vec<String> {
    let name = normalize(unit);
    let mut names = crate::roster::official_forms(&name, None);
    names.push(name);
    names
}

/// The column of the row's cell holding the template's example mark, if any: as written, or
/// retyped (`示例,提交前请删除`, `示例 提交前请删除。`) — the same words once normalised, whatever
/// the punctuation and spaces between them.
fn example_mark(row: &RawRow) -> Option<u32> {
    let words = |s: &str| -> String {
        normalize(s)
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect()
    };
    row.cells.iter().find_map(|(col, cell)| match cell {
        Cell::Text(t) if t.contains("示例") && words(t) == words(EXAMPLE_MARK) => Some(*col),
        _ => None,
    })
}

/// The row's 单位名称 on a sheet of several units (empty when it has none); refused when longer
/// than a cell holds, with its column and cell: such a name names no unit and must not become one.
fn row_unit<'r>(
    row: &'r RawRow,
    header: &Header,
) -> Result<std::sync::Arc<str>, (u32, &'r Cell, Refusal)> {
    let Some((col, cell)) = (header.unit_column).and_then(|c| Some((c, row.get(c)?))) else {
        return Ok(Default::default());
    };
    match fits_a_cell(cell) {
        Ok(()) => Ok((*cell.shown()).into()),
        Err(refusal) => Err((col, cell, refusal)),
    }
}

/// A row the file ends inside of (a CSV cut off mid-row): when it has fewer fields than its
/// header row has columns, the 警告 and the column of its first missing field.
fn cut_short(sheet: &RawSheet, row: &RawRow, header_row: u32) -> Option<(Kind, u32)> {
    let cut = sheet.unterminated.filter(|u| u.row == row.index)?;
    let header = (sheet.rows.binary_search_by_key(&header_row, |r| r.index)).ok()?;
    let columns = sheet.rows[header].cells.last()?.0 + 1;
    let kind = Kind::PartialRow {
        fields: cut.fields,
        columns,
    };
    (cut.fields < columns).then_some((kind, cut.fields))
}

fn run_check(
    check: &Check,
    values: &[Value],
    spec: &SheetSpec,
    header: &Header,
    file: &str,
    sheet: &str,
    row: u32,
) -> Option<Issue> {
    let (level, field, kind) = match check {
        Check::NotGreater {
            lesser,
            greater,
            level,
            message,
        } => {
            let (Some(a), Some(b)) = (values[*lesser].as_int(), values[*greater].as_int()) else {
                return None;
            };
            if a <= b {
                return None;
            }
            let kind = Kind::Greater {
                message: message.clone(),
                lesser: spec.fields[*lesser].name.clone(),
                lesser_value: a,
                greater: spec.fields[*greater].name.clone(),
                greater_value: b,
            };
            (*level, *lesser, kind)
        }
        Check::WhenRequire {
            when,
            require,
            level,
            message,
        } => {
            if !when.iter().all(|c| c.holds(values)) {
                return None;
            }
            let failed = require
                .iter()
                .find(|c| !c.allows(values) && !values[c.field].is_null())?;
            let kind = Kind::Requires {
                message: message.clone(),
                when: (when.iter())
                    .map(|c| {
                        (
                            spec.fields[c.field].name.clone(),
                            values[c.field].to_string(),
                        )
                    })
                    .collect(),
                field: spec.fields[failed.field].name.clone(),
                allowed: failed.values.iter().map(|v| v.to_string()).collect(),
                found: (failed.disallowed(values).into_iter())
                    .map(|v| v.to_string())
                    .collect(),
            };
            (*level, failed.field, kind)
        }
    };
    let act = if level == Level::Error {
        action::ROW_REJECTED
    } else {
        action::ACCEPTED
    };
    let mut issue = Issue::new(level, file, kind, act)
        .sheet(sheet)
        .row(row)
        .field(&spec.fields[field].name)
        .value(values[field].to_string());
    if let Some(c) = header.columns[field] {
        issue = issue.column(c);
    }
    Some(issue)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::locate::find_header;
    use crate::schema::Schema;
    use crate::sheet;

    fn schema() -> Schema {
        crate::schema::parse(include_str!("../schemas/ideology_work.toml"), "s").unwrap()
    }

    /// The byte search finds 计 and 計 exactly where `str::contains` does, among characters that
    /// share their lead byte.
    #[test]
    fn totals_are_found_by_their_bytes() {
        use rand::SeedableRng;
        let pool = ['计', '計', '訂', '要', '记', '合', '总', 'a', ' ', '小'];
        let mut rng = rand::rngs::SmallRng::seed_from_u64(7);
        for _ in 0..5_000 {
            let t = crate::normalize::random_name(&mut rng, &pool);
            assert_eq!(
                names_a_total(&t),
                t.contains('计') || t.contains('計'),
                "{t}"
            );
        }
    }

    fn run(schema: &Schema, spec: usize, raw: &RawSheet) -> SheetOutcome {
        let header = find_header(raw, &schema.sheets[spec]).unwrap();
        validate_sheet(
            raw,
            spec,
            &schema.sheets[spec],
            header,
            Context {
                file: "f.xlsx",
                year: Some(2026),
                report_year: Some(2026),
                unit: None,
            },
        )
    }

    #[test]
    fn blank_serial_only_totals_and_footnote_rows_are_not_data() {
        let s = schema();
        let raw = sheet!["学习记录";
            ["标题"],
            ["序号", "日期", "学习形式", "学习主题", "参学人数"],
            ["1", "2026-03-05", "集中学习", "二十大", "30人"],
            ["", "", "", "", ""],
            ["2", "3月9日", "中心组", "", ""],
            ["3"],
            ["合计", "", "", "", "30"],
            ["填表人：张三"],
        ];
        let out = run(&s, 0, &raw);
        assert_eq!(
            (out.data_rows, out.rejected_rows, out.records.len()),
            (2, 0, 2)
        );
        assert_eq!(
            out.records[1].values[1],
            Value::Date(chrono::NaiveDate::from_ymd_opt(2026, 3, 9).unwrap())
        );
        assert_eq!(
            out.records[0].values[4],
            Value::Bool(false),
            "boolean default applies"
        );
        let notices: Vec<_> = out.issues.iter().map(|i| (i.level, i.row)).collect();
        assert_eq!(
            notices,
            vec![(Level::Notice, Some(7)), (Level::Notice, Some(8))]
        );
    }

    #[test]
    fn required_failures_reject_and_optional_failures_warn() {
        let s = schema();
        let raw = sheet!["学习记录";
            ["日期", "学习形式", "参学人数", "是否意识形态专题"],
            ["2026-03-05", "读书会", "30", "是"],
            ["", "集中学习", "约30人", "√"],
            ["2026-04-01", "集中学习", "约30人", "也许"],
        ];
        let mut out = run(&s, 0, &raw);
        assert_eq!(
            (out.data_rows, out.rejected_rows, out.records.len()),
            (3, 2, 1)
        );
        out.issues.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let found: Vec<_> = out
            .issues
            .iter()
            .map(|i| (i.level, i.location(), i.action))
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    Level::Error,
                    "学习记录!B2".to_string(),
                    action::ROW_REJECTED
                ),
                (
                    Level::Error,
                    "学习记录!A3".to_string(),
                    action::ROW_REJECTED
                ),
                (
                    Level::Warning,
                    "学习记录!C3".to_string(),
                    action::FIELD_EMPTIED
                ),
                (
                    Level::Warning,
                    "学习记录!C4".to_string(),
                    action::FIELD_EMPTIED
                ),
                (
                    Level::Warning,
                    "学习记录!D4".to_string(),
                    action::FIELD_EMPTIED
                ),
            ]
        );
        assert_eq!(out.records[0].values[5], Value::Null);
    }

    /// The template's example rows are refused with their mark as written or as retyped: a
    /// half-width comma, spaces.
    #[test]
    fn example_rows_are_refused_however_their_mark_is_typed() {
        let s = schema();
        let raw = sheet!["学习记录";
            ["日期", "学习形式", "参学人数", "是否意识形态专题", "备注"],
            ["2026-03-05", "集中学习", "30", "是", "示例，提交前请删除"],
            ["2026-03-06", "集中学习", "30", "是", "示例,提交前请删除"],
            ["2026-03-07", "集中学习", "30", "是", " 示例， 提交前请删除 "],
            ["2026-03-08", "集中学习", "30", "是", "示例：提交前请删除！"],
            ["2026-03-09", "集中学习", "30", "是", "示例提交前请删除"],
            ["2026-03-10", "集中学习", "30", "是", "示例学习之后的备注"],
        ];
        let out = run(&s, 0, &raw);
        assert_eq!((out.data_rows, out.rejected_rows), (6, 5));
        assert!(out.issues.iter().all(|i| i.code == "example-row"));
    }

    #[test]
    fn a_missing_required_column_rejects_the_sheet_once() {
        let s = schema();
        let raw = sheet!["学习记录"; ["序号", "日期", "学习主题", "参学人数"], ["1", "2026-03-05", "x", "3"], ["2", "2026-03-06", "y", "3"]];
        let out = run(&s, 0, &raw);
        assert_eq!((out.data_rows, out.rejected_rows), (2, 2));
        assert_eq!(out.issues.len(), 1);
        assert!(out.issues[0].message.contains("缺少必填列：学习形式"));
    }

    #[test]
    fn schema_checks_warn_with_detail() {
        let s = schema();
        let raw = sheet!["督查检查"; ["日期", "形式", "对象", "发现问题数", "已整改数"], ["2026-05-01", "专题督查", "村", "3", "5"]];
        let out = run(&s, 2, &raw);
        assert_eq!(out.records.len(), 1);
        assert_eq!(out.issues[0].level, Level::Warning);
        assert!(
            out.issues[0]
                .message
                .contains("已整改数 5 大于 发现问题数 3"),
            "{:?}",
            out.issues
        );
        let raw = sheet!["问责案件";
            ["问责日期", "被问责对象", "对象类别", "问责情形", "情节", "处理方式"],
            ["2026-05-01", "张某", "党员干部", "严重问题隐瞒不报", "较轻", "开除党籍"],
            ["2026-05-02", "李某", "党员干部", "严重问题隐瞒不报", "较轻", "提醒"],
        ];
        let out = run(&s, 3, &raw);
        assert_eq!(out.records.len(), 2);
        assert_eq!(out.issues.len(), 1);
        assert!(out.issues[0].message.starts_with("处理方式与情节不相符"));
        assert_eq!(out.issues[0].location(), "问责案件!F2");
    }

    /// Several 处理方式 in one cell are kept as a list; the ladder check passes only when every
    /// one suits the 情节, and names the one that does not; an unknown one is named alone.
    #[test]
    fn several_values_are_checked_each_on_its_own() {
        let s = schema();
        let raw = sheet!["问责案件";
            ["问责日期", "被问责对象", "对象类别", "问责情形", "情节", "处理方式"],
            ["2026-05-01", "张某", "党员干部", "严重问题隐瞒不报", "较重", "通报批评、调离岗位"],
            ["2026-05-02", "李某", "党员干部", "严重问题隐瞒不报", "较重", "通报批评，开除党籍"],
            ["2026-05-03", "王某", "党员干部", "严重问题隐瞒不报", "较轻", "书面检查/罚款"],
            ["2026-05-04", "赵某", "党员干部", "严重问题隐瞒不报", "特别严重", "组织处理、纪律处分、组织处理"],
        ];
        let out = run(&s, 3, &raw);
        let methods = |r: &Record| r.values[6].to_string();
        assert_eq!(out.records.len(), 3);
        assert_eq!(methods(&out.records[0]), "通报批评、调离岗位");
        assert_eq!(methods(&out.records[1]), "通报批评、开除党籍");
        assert_eq!(
            methods(&out.records[2]),
            "组织处理、纪律处分",
            "each value once"
        );
        assert_eq!(out.issues.len(), 2, "{:?}", out.issues);
        let ladder = &out.issues[0];
        assert_eq!(
            (ladder.level, ladder.row),
            (Level::Warning, Some(3)),
            "{:?}",
            out.issues
        );
        assert!(
            ladder.message.contains("“开除党籍”不在其中"),
            "{}",
            ladder.message
        );
        let unknown = &out.issues[1];
        assert_eq!((unknown.level, unknown.row), (Level::Error, Some(4)));
        assert!(unknown.message.contains("“罚款”"), "{}", unknown.message);
        assert!(
            !unknown.message.contains("书面检查/罚款"),
            "{}",
            unknown.message
        );
    }

    /// An older template's 领导班子 is read as the unit's own team or a subordinate body's, by
    /// what the 被问责对象 names once the unit's own name is taken out, with a 提示.
    #[test]
    fn a_legacy_category_is_told_by_the_subject() {
        let s = schema();
        let raw = sheet!["问责案件";
            ["问责日期", "被问责对象", "对象类别", "问责情形", "情节", "处理方式"],
            ["2026-05-01", "马峰村党支部班子", "领导班子", "严重问题隐瞒不报", "较轻", "批评教育"],
            ["2026-05-02", "三江镇党委班子", "领导班子", "严重问题隐瞒不报", "较轻", "批评教育"],
            ["2026-05-03", "三江镇农业服务站站长", "领导干部", "严重问题隐瞒不报", "较轻", "批评教育"],
            ["2026-05-04", "王某", "领导干部", "严重问题隐瞒不报", "较轻", "批评教育"],
        ];
        let header = find_header(&raw, &s.sheets[3]).unwrap();
        let ctx = Context {
            file: "f.xlsx",
            year: Some(2026),
            report_year: Some(2026),
            unit: Some("三江镇"),
        };
        let out = validate_sheet(&raw, 3, &s.sheets[3], header, ctx);
        let taken: Vec<String> = out
            .records
            .iter()
            .map(|r| r.values[3].to_string())
            .collect();
        assert_eq!(
            taken,
            [
                "下属单位领导班子",
                "本单位领导班子",
                "下属单位领导干部",
                "本单位领导干部"
            ]
        );
        assert_eq!(out.issues.len(), 4);
        assert!(
            out.issues
                .iter()
                .all(|i| i.level == Level::Notice && i.code == "subject-inferred")
        );
        assert!(out.issues[0].message.contains("认定为“下属单位领导班子”"));
    }

    /// A word for the unit's own kind of body (镇 under a 镇) names another body only after a
    /// name, never in a title of the unit's own: 副镇长, 镇党委, 院长 are the unit's.
    #[test]
    fn a_title_of_the_units_own_kind_is_its_own() {
        let s = schema();
        let legacy = (s.sheets[3].fields.iter())
            .find_map(|f| f.legacy.as_ref())
            .unwrap();
        let town = own_names("三江镇");
        for subject in [
            "副镇长李某",
            "镇党委班子",
            "党委副书记兼副镇长",
            "三江镇党委书记",
            "镇长",
        ] {
            assert!(!legacy.is_subordinate(subject, &town), "{subject}");
        }
        for subject in [
            "龙爪镇党委",
            "马峰村党支部书记",
            "三江镇卫生院院长",
            "农业服务站站长",
        ] {
            assert!(legacy.is_subordinate(subject, &town), "{subject}");
        }
        let hospital = own_names("县人民医院");
        assert!(!legacy.is_subordinate("县人民医院院长张某", &hospital));
        assert!(!legacy.is_subordinate("院长张某", &hospital));
        let bureau = own_names("县民政局");
        assert!(legacy.is_subordinate("县民政局办公室主任", &bureau));
        assert!(!legacy.is_subordinate("局长王某", &bureau));
    }

    /// A 单位名称 too long for a cell, on a sheet of several units, rejects its row: it names no
    /// unit, and never reaches a record.
    #[test]
    fn a_unit_name_longer_than_a_cell_holds_rejects_the_row() {
        let s = schema();
        let long = "镇".repeat(40_000);
        let raw = sheet!["学习记录";
            ["单位名称", "日期", "学习形式", "学习主题", "参学人数"],
            [long.as_str(), "2026-03-05", "集中学习"],
            ["龙爪镇", "2026-03-06", "集中学习"],
        ];
        let out = run(&s, 0, &raw);
        assert_eq!((out.data_rows, out.rejected_rows), (2, 1));
        assert_eq!(&*out.records[0].unit, "龙爪镇");
        let issue = &out.issues[0];
        assert_eq!((issue.code, issue.level), ("cell-too-long", Level::Error));
        assert_eq!(issue.location(), "学习记录!A2");
        assert_eq!(issue.field.as_deref(), Some("单位名称"));
    }

    /// A row the file ends inside of is accepted with a 警告 at its first missing column, when
    /// it has fewer fields than the header; a last row with all its fields has none.
    #[test]
    fn a_row_cut_short_is_accepted_with_a_warning() {
        let s = schema();
        let mut raw = sheet!["学习记录";
            ["序号", "日期", "学习形式", "学习主题", "参学人数"],
            ["1", "2026-03-05", "集中学习", "二十大", "30"],
            ["2", "2026-03-06", "集中学习"],
        ];
        for (fields, warned) in [(3, true), (5, false)] {
            raw.unterminated = Some(crate::sheet::Unterminated { row: 2, fields });
            let out = run(&s, 0, &raw);
            assert_eq!(out.records.len(), 2);
            let cut: Vec<_> = (out.issues.iter())
                .filter(|i| i.code == "partial-row")
                .map(|i| (i.level, i.location(), i.action))
                .collect();
            let expected = vec![(Level::Warning, "学习记录!D3".to_string(), action::ACCEPTED)];
            assert_eq!(cut, if warned { expected } else { vec![] });
        }
    }
}
