//! What each issue is: a kind with a stable code (`docs/issues.md#issue-codes`) and the values its
//! sentence needs. Every sentence an issue shows a clerk is written here, in `Display`, and
//! nowhere else; the stages that find problems only choose the kind and fill in its values. The
//! codes are part of the output (`check --json`, 校验问题): a code, once given, keeps its meaning.

use std::borrow::Cow;
use std::fmt;

/// Characters of a submitted value an issue shows (in 原值 or inside 问题).
pub(crate) const SHOWN_CHARS: usize = 200;
/// Extra columns named one by one in an issue; the rest are counted.
const NAMED_COLUMNS: usize = 20;

/// A submitted value as an issue shows it: its first 200 characters, then `…`. A cell can hold
/// 32,767 characters, and a sheet thousands of columns: shown whole they would make one issue
/// longer than any workbook cell can hold.
pub(crate) fn excerpt(value: &str) -> Cow<'_, str> {
    // Checked by bytes first: nearly every value is far shorter.
    if value.len() <= SHOWN_CHARS || value.chars().nth(SHOWN_CHARS).is_none() {
        return Cow::Borrowed(value);
    }
    let mut cut: String = value.chars().take(SHOWN_CHARS).collect();
    cut.push('…');
    Cow::Owned(cut)
}

/// Why one cell could not be taken as its field's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// A formula saved without its computed value.
    Uncached,
    /// An error value such as `#N/A`.
    CellError(String),
    /// A number cell that is not finite.
    InvalidNumber(f64),
    /// A value outside the field's `enum`, with the closest allowed value when one is close and
    /// the allowed values when there are few.
    NotInList {
        shown: String,
        field: String,
        suggestion: Option<String>,
        allowed: Vec<String>,
    },
    /// A text that fails the field's `pattern`.
    Pattern(String),
    BelowMinimum {
        value: i64,
        minimum: i64,
    },
    AboveMaximum {
        value: i64,
        maximum: i64,
    },
    /// A number cell with a fraction.
    Fraction(String),
    /// A text that is no whole number, even after units (`35人`) are taken off.
    NotIntegerText(String),
    /// Neither number nor text (a date or a boolean cell) where an integer belongs.
    NotInteger(String),
    NotBoolean(String),
    NotDate(String),
    /// A month-day date (`3月5日`) with no report year to complete it.
    NoYear(String),
    /// A cell longer than Excel allows (32,767 characters), which no workbook could show.
    TooLong {
        chars: usize,
    },
}

/// Allowed values are listed in a refusal only when there are this many or fewer.
const LISTED_VALUES: usize = 8;

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Uncached => "formula-without-value",
            Refusal::CellError(_) => "cell-error",
            Refusal::InvalidNumber(_) => "invalid-number",
            Refusal::NotInList { .. } => "not-in-list",
            Refusal::Pattern(_) => "pattern-mismatch",
            Refusal::BelowMinimum { .. } => "below-minimum",
            Refusal::AboveMaximum { .. } => "above-maximum",
            Refusal::Fraction(_) | Refusal::NotIntegerText(_) | Refusal::NotInteger(_) => {
                "not-integer"
            }
            Refusal::NotBoolean(_) => "not-boolean",
            Refusal::NotDate(_) => "not-a-date",
            Refusal::NoYear(_) => "date-without-year",
            Refusal::TooLong { .. } => "cell-too-long",
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Uncached => f.write_str(
                "单元格是公式，但文件中没有保存计算结果；请在 Excel 或 WPS 中打开并保存后重新报送",
            ),
            Refusal::CellError(e) => write!(f, "单元格为错误值 {e}（公式出错），请填写实际内容"),
            Refusal::InvalidNumber(n) => write!(f, "数值无效（{n}），请填写实际内容"),
            Refusal::NotInList {
                shown,
                field,
                suggestion,
                allowed,
            } => {
                write!(f, "“{}”不是{field}的可选值", excerpt(shown))?;
                if let Some(s) = suggestion {
                    write!(f, "，是否应为“{s}”")?;
                }
                if allowed.len() <= LISTED_VALUES {
                    write!(f, "；可填：{}", allowed.join("、"))?;
                }
                Ok(())
            }
            Refusal::Pattern(value) => write!(f, "“{}”格式不正确", excerpt(value)),
            Refusal::BelowMinimum { value, minimum } => {
                write!(f, "{value} 小于允许的最小值 {minimum}")
            }
            Refusal::AboveMaximum { value, maximum } => {
                write!(f, "{value} 大于允许的最大值 {maximum}")
            }
            Refusal::Fraction(n) => write!(f, "{n} 不是整数"),
            Refusal::NotIntegerText(s) => write!(f, "“{}”不是整数，请只填数字", excerpt(s)),
            Refusal::NotInteger(s) => write!(f, "“{}”不是整数", excerpt(s)),
            Refusal::NotBoolean(s) => {
                write!(f, "“{}”无法识别为是/否，请填“是”或“否”", excerpt(s))
            }
            Refusal::NotDate(s) => {
                write!(
                    f,
                    "“{}”不是有效日期，请按 2026-03-05 的格式填写",
                    excerpt(s)
                )
            }
            Refusal::NoYear(s) => {
                write!(
                    f,
                    "“{}”没有年份，且无法确定填报年度；请写完整日期",
                    excerpt(s)
                )
            }
            Refusal::TooLong { chars } => write!(
                f,
                "内容过长（{chars} 个字符，超过 Excel 单元格上限 32767），请核对后重新填写"
            ),
        }
    }
}

/// Why a workbook's own unit could not be told.
#[derive(Debug, Clone, PartialEq)]
pub enum UnitProblem {
    /// Its name matches no roster unit.
    NotInRoster {
        name: String,
        suggestion: Option<String>,
    },
    /// No 单位名称 in 基本信息, and no roster name in its path.
    Unnamed,
    /// No 单位名称 in 基本信息, and no roster to look its path up in.
    UnnamedWithoutRoster,
}

impl fmt::Display for UnitProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnitProblem::NotInRoster { name, suggestion } => {
                write!(f, "名册中无此单位：“{}”", excerpt(name))?;
                match suggestion {
                    Some(s) => write!(f, "（最接近的是“{s}”）"),
                    None => Ok(()),
                }
            }
            UnitProblem::Unnamed => f.write_str(
                "无法确定报送单位：基本信息中没有单位名称，文件名（及所在文件夹名）中也没有名册中的单位名",
            ),
            UnitProblem::UnnamedWithoutRoster => f.write_str(
                "无法确定报送单位：基本信息中没有单位名称（未提供名册，无法按文件名识别）",
            ),
        }
    }
}

/// What a workbook whose unit cannot be told loses.
#[derive(Debug, Clone, PartialEq)]
pub enum UnitLoss {
    /// Every row: no sheet names its rows' units.
    File { rows: u32 },
    /// The rows of the sheets without a 单位名称 column.
    Sheets { sheets: Vec<String>, rows: u32 },
    /// Nothing: every sheet names its rows' units.
    Nothing,
    /// Nothing: the workbook holds no data.
    NoData,
}

/// One kind of issue, with the values its sentence names.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    // Files and folders.
    /// A file not read (a lock file, a hidden file, not a spreadsheet, another roster).
    FileSkipped {
        why: String,
    },
    /// A file that could not be opened; `why` is the reader's sentence.
    FileUnreadable {
        why: String,
    },
    /// A folder that could not be listed.
    PathUnreadable {
        why: String,
    },
    HiddenFolder,
    /// A problem in a roster row that does not stop the run.
    Roster {
        why: String,
    },
    NoRoster,
    /// A file read with a problem (bytes outside its encoding).
    FileDamaged {
        why: String,
    },
    /// A workbook made from another version of the schema's template.
    SchemaVersion {
        found: String,
        current: String,
    },
    /// A cell present twice in the file's XML.
    DuplicateCell {
        cell: String,
        count: usize,
    },
    /// No template sheet at all.
    NoTemplateSheet {
        sheets: Vec<String>,
    },
    /// A superseded workbook, with the path of the one that counts.
    Superseded {
        by: String,
    },
    /// The same file reached twice (two paths, a link, a copy with the same content), with the
    /// path of the one read.
    SameFile {
        first: String,
    },
    /// A folder holding an earlier report set of huizong's, not searched.
    ReportFolder,
    /// A link that points outside the input folders (or back into a folder already searched).
    LinkSkipped {
        target: String,
        looped: bool,
    },
    /// A unit's feedback workbook that could not be written.
    FeedbackUnwritable {
        why: String,
    },

    // Sheets.
    SheetUnreadable {
        why: String,
    },
    SheetSkipped {
        why: String,
    },
    /// A ledger sheet the workbook lacks; `rules` the quotas that count its records (a 警告 then).
    SheetMissing {
        rules: Vec<String>,
    },
    UnknownSheet,
    HeaderNotFound {
        sheet: String,
        rows: u32,
    },
    MissingColumns {
        fields: Vec<String>,
        rows: u32,
    },
    ExtraColumns {
        headers: Vec<String>,
    },

    // Rows.
    TotalsRow,
    RepeatedHeader,
    FootnoteRow,
    /// A CSV's last row the file ends inside of, with fewer fields than its header's columns.
    PartialRow {
        fields: u32,
        columns: u32,
    },

    // Values.
    RequiredEmpty {
        field: String,
    },
    /// A cell refused for its field.
    BadValue {
        field: String,
        refusal: Refusal,
    },
    /// A schema check `not_greater` that failed.
    Greater {
        message: String,
        lesser: String,
        lesser_value: i64,
        greater: String,
        greater_value: i64,
    },
    /// A schema check `when … require …` that failed.
    Requires {
        message: String,
        when: Vec<(String, String)>,
        field: String,
        allowed: Vec<String>,
        /// The field's values that are not allowed (several, in a multi-valued field).
        found: Vec<String>,
    },
    /// A workbook's 单位类型 that is not one of the schema's unit types.
    UnitTypeUnknown {
        typed: String,
        known: Vec<String>,
    },
    /// A workbook's 单位类型 that differs from the roster's (the roster's is used).
    UnitTypeConflict {
        typed: String,
        roster: String,
    },
    /// A unit whose type neither the roster nor its 基本信息 gives: not judged.
    UnitTypeMissing,
    /// A workbook that names its unit by its official full name (`江口县教育局`), recognised as
    /// the one roster unit it reduces to.
    OfficialName {
        name: String,
        unit: String,
    },
    /// A row `template --example` wrote, left in.
    ExampleRow,
    /// A workbook of another year than the report year: one issue for all its rows.
    WrongYear {
        /// The year its 填报年度 gives, else the year of its dated rows.
        file_year: i32,
        by_info: bool,
        year: i32,
        rows: u32,
        /// Per sheet, its name and first and last row.
        ranges: Vec<(String, u32, u32)>,
    },
    /// An older template's value (`领导班子`) read as one of the two values it now splits into,
    /// decided by another field of the row.
    LegacyValue {
        field: String,
        old: String,
        by: String,
        subject: String,
        taken: String,
    },

    // Units and years.
    /// A workbook whose unit cannot be told, and what it loses.
    FileUnit {
        problem: UnitProblem,
        loss: UnitLoss,
    },
    /// A row whose 单位名称 matches no roster unit.
    UnknownUnit {
        problem: UnitProblem,
    },
    /// A row of a multi-unit sheet with an empty 单位名称.
    UnitMissing,
    /// A month-day date whose day the report year lacks (`2月29日`).
    NoSuchDay {
        typed: String,
        year: i32,
    },
    DateOutOfYear {
        year: i32,
    },
    /// A record dated after the date the year is judged as of.
    DateAfterAsOf {
        as_of: chrono::NaiveDate,
    },
}

impl Kind {
    /// The stable code of the kind (`docs/issues.md#issue-codes`).
    pub fn code(&self) -> &'static str {
        match self {
            Kind::FileSkipped { .. } => "file-skipped",
            Kind::FileUnreadable { .. } => "file-unreadable",
            Kind::PathUnreadable { .. } => "path-unreadable",
            Kind::HiddenFolder => "hidden-folder",
            Kind::Roster { .. } => "roster-row",
            Kind::NoRoster => "no-roster",
            Kind::FileDamaged { .. } => "bad-encoding",
            Kind::SchemaVersion { .. } => "schema-version",
            Kind::DuplicateCell { .. } => "duplicate-cell",
            Kind::NoTemplateSheet { .. } => "no-template-sheet",
            Kind::Superseded { .. } => "superseded",
            Kind::SameFile { .. } => "duplicate-file",
            Kind::ReportFolder => "report-folder",
            Kind::LinkSkipped { looped: false, .. } => "link-outside",
            Kind::LinkSkipped { looped: true, .. } => "link-loop",
            Kind::FeedbackUnwritable { .. } => "feedback-unwritable",
            Kind::SheetUnreadable { .. } => "sheet-unreadable",
            Kind::SheetSkipped { .. } => "sheet-skipped",
            Kind::SheetMissing { .. } => "sheet-missing",
            Kind::UnknownSheet => "unknown-sheet",
            Kind::HeaderNotFound { .. } => "header-not-found",
            Kind::MissingColumns { .. } => "missing-column",
            Kind::ExtraColumns { .. } => "extra-columns",
            Kind::TotalsRow => "totals-row",
            Kind::RepeatedHeader => "repeated-header",
            Kind::FootnoteRow => "footnote-row",
            Kind::PartialRow { .. } => "partial-row",
            Kind::RequiredEmpty { .. } => "required-empty",
            Kind::BadValue { refusal, .. } => refusal.code(),
            Kind::Greater { .. } | Kind::Requires { .. } => "check-failed",
            Kind::LegacyValue { .. } => "subject-inferred",
            Kind::UnitTypeUnknown { .. } => "unit-type-unknown",
            Kind::UnitTypeConflict { .. } => "unit-type-conflict",
            Kind::UnitTypeMissing => "unit-type-missing",
            Kind::OfficialName { .. } => "official-name",
            Kind::ExampleRow => "example-row",
            Kind::WrongYear { .. } => "wrong-year",
            Kind::FileUnit {
                problem: UnitProblem::NotInRoster { .. },
                ..
            }
            | Kind::UnknownUnit { .. } => "unknown-unit",
            Kind::FileUnit { .. } => "unit-undetermined",
            Kind::UnitMissing => "unit-missing",
            Kind::NoSuchDay { .. } => "no-such-day",
            Kind::DateOutOfYear { .. } => "date-out-of-year",
            Kind::DateAfterAsOf { .. } => "date-after-as-of",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Kind::FileSkipped { why } => write!(f, "已跳过：{why}"),
            Kind::FileUnreadable { why }
            | Kind::PathUnreadable { why }
            | Kind::Roster { why }
            | Kind::FileDamaged { why }
            | Kind::SheetUnreadable { why }
            | Kind::SheetSkipped { why } => f.write_str(why),
            Kind::HiddenFolder => {
                f.write_str("隐藏文件夹，其中的文件均未读取；如有报送文件，请移出该文件夹")
            }
            Kind::NoRoster => f.write_str(
                "未提供名册：单位以报送的为准，单位类型取自各单位基本信息，无法列出未报送单位；请用 --roster 指定名册，或在输入文件夹中放入 名册.csv / 名册.xlsx",
            ),
            Kind::SchemaVersion { found, current } => write!(
                f,
                "该文件用方案版本 {found} 的模板填写，当前方案版本为 {current}；请核对表头和选项是否与新模板一致"
            ),
            Kind::DuplicateCell { cell, count } => {
                let more = match count {
                    1 => String::new(),
                    n => format!("等 {n} 个单元格"),
                };
                write!(
                    f,
                    "文件中 {cell} {more}出现了两次（文件结构异常），已采用第一次的值；请用 Excel 或 WPS 打开核对后另存"
                )
            }
            Kind::NoTemplateSheet { sheets } => write!(
                f,
                "未找到任何模板工作表（{}），该文件无数据",
                sheets.join("、")
            ),
            Kind::Superseded { by } => write!(f, "已被较新报送替代: {by}"),
            Kind::SameFile { first } => {
                write!(f, "与 {first} 是同一文件（或内容完全相同），只计入一次")
            }
            Kind::ReportFolder => f.write_str(
                "huizong 生成的报表文件夹，其中的文件不作为报送材料读取",
            ),
            Kind::LinkSkipped {
                target,
                looped: false,
            } => write!(f, "链接指向输入文件夹以外（{target}），未读取"),
            Kind::LinkSkipped {
                target,
                looped: true,
            } => write!(f, "链接指向已查找过的文件夹（{target}），未重复读取"),
            Kind::FeedbackUnwritable { why } => write!(f, "该单位的反馈表无法写入：{why}"),
            Kind::SheetMissing { rules } if rules.is_empty() => {
                f.write_str("未找到工作表，按无记录处理")
            }
            Kind::SheetMissing { rules } => write!(
                f,
                "未找到工作表，按无记录处理：{}等指标将按 0 次考核，请补报该表",
                rules.join("、")
            ),
            Kind::UnknownSheet => f.write_str("不是模板中的工作表，已忽略"),
            Kind::HeaderNotFound { sheet, rows } => write!(
                f,
                "前 {rows} 行中未找到“{sheet}”的表头行（至少一半列名须与模板相同），该表未读取；请按模板表头填写"
            ),
            Kind::MissingColumns { fields, rows } => write!(
                f,
                "缺少必填列：{}；该表 {rows} 行数据均未计入，请按模板补齐列后重新报送",
                fields.join("、")
            ),
            Kind::ExtraColumns { headers } => {
                let named: Vec<Cow<'_, str>> = (headers.iter().take(NAMED_COLUMNS))
                    .map(|h| excerpt(h))
                    .collect();
                write!(f, "以下列不在模板中，已忽略：{}", named.join("、"))?;
                match headers.len() {
                    n if n > NAMED_COLUMNS => write!(f, " 等 {n} 列"),
                    _ => Ok(()),
                }
            }
            Kind::TotalsRow => f.write_str("合计行，不作为数据"),
            Kind::RepeatedHeader => f.write_str("重复的表头行，不作为数据"),
            Kind::FootnoteRow => f.write_str("表尾说明或签字行，不作为数据"),
            Kind::PartialRow { fields, columns } => write!(
                f,
                "文件在此行中途结束：该行只有 {fields} 列，表头有 {columns} 列，文件可能未完整保存或传送；已按现有内容采用，请核对该行是否完整"
            ),
            Kind::RequiredEmpty { field } => write!(f, "必填项“{field}”为空"),
            Kind::BadValue { field, refusal } => write!(f, "{field}：{refusal}"),
            Kind::Greater {
                message,
                lesser,
                lesser_value,
                greater,
                greater_value,
            } => write!(
                f,
                "{message}（{lesser} {lesser_value} 大于 {greater} {greater_value}）"
            ),
            Kind::Requires {
                message,
                when,
                field,
                allowed,
                found,
            } => {
                let when: Vec<String> = (when.iter())
                    .map(|(name, value)| format!("{name}为“{}”", excerpt(value)))
                    .collect();
                let found: Vec<String> = found.iter().map(|v| format!("“{}”", excerpt(v))).collect();
                write!(
                    f,
                    "{message}（{}时{field}应为{}；{}不在其中）",
                    when.join("、"),
                    allowed.join("、"),
                    found.join("、")
                )
            }
            Kind::UnitTypeUnknown { typed, known } => write!(
                f,
                "单位类型“{}”不是方案中的单位类型（{}）",
                excerpt(typed),
                known.join("、")
            ),
            Kind::UnitTypeConflict { typed, roster } => write!(
                f,
                "基本信息的单位类型“{}”与名册的“{roster}”不一致，按名册“{roster}”考核",
                excerpt(typed)
            ),
            Kind::UnitTypeMissing => f.write_str(
                "单位类型不明（名册和基本信息都没有可用的单位类型），未考核；请在基本信息或名册中填写单位类型",
            ),
            Kind::OfficialName { name, unit } => write!(
                f,
                "单位名称“{}”为全称，按名册认定为“{unit}”",
                excerpt(name)
            ),
            Kind::ExampleRow => f.write_str("示例行未删除：模板自带的示例行不计入汇总，请删除后重新报送"),
            Kind::WrongYear {
                file_year,
                by_info,
                year,
                rows,
                ranges,
            } => {
                let what = match by_info {
                    true => format!("该文件填报年度为{file_year}年"),
                    false => format!("该文件的记录日期均在{file_year}年"),
                };
                let ranges: Vec<String> = (ranges.iter())
                    .map(|(sheet, first, last)| match first == last {
                        true => format!("{sheet}第{first}行"),
                        false => format!("{sheet}第{first}—{last}行"),
                    })
                    .collect();
                match (rows, ranges.is_empty()) {
                    (0, _) => write!(f, "{what}，与汇总年度{year}年不符，未计入"),
                    (_, true) => write!(f, "{what}，与汇总年度{year}年不符，{rows} 行均未计入"),
                    (_, false) => write!(
                        f,
                        "{what}，与汇总年度{year}年不符，{rows} 行均未计入（{}）",
                        ranges.join("、")
                    ),
                }?;
                write!(f, "；如报错了年度的文件，请报送{year}年度的台账")
            }
            Kind::LegacyValue {
                field,
                old,
                by,
                subject,
                taken,
            } => write!(
                f,
                "{field}“{old}”是旧模板的取值，已按{by}“{}”认定为“{taken}”；如有误，请直接填写正确的{field}",
                excerpt(subject)
            ),
            Kind::FileUnit { problem, loss } => match loss {
                UnitLoss::File { rows } => write!(f, "{problem}；该文件 {rows} 行数据均未计入"),
                UnitLoss::Sheets { sheets, rows } => write!(
                    f,
                    "{problem}；工作表 {} 没有“单位名称”列，其中 {rows} 行数据均未计入（有“单位名称”列的工作表按该列计入）",
                    sheets.join("、")
                ),
                UnitLoss::Nothing => {
                    write!(f, "{problem}（各表均有“单位名称”列，数据按该列计入）")
                }
                UnitLoss::NoData => write!(f, "{problem}（该文件没有数据）"),
            },
            Kind::UnknownUnit { problem } => write!(f, "{problem}"),
            Kind::UnitMissing => f.write_str("单位名称为空，无法确定该行属于哪个单位"),
            Kind::NoSuchDay { typed, year } => write!(f, "日期“{typed}”在{year}年不存在"),
            Kind::DateOutOfYear { year } => write!(f, "日期不在{year}年度内"),
            Kind::DateAfterAsOf { as_of } => write!(f, "日期晚于统计截止日（{as_of}）"),
        }
    }
}

/// Every code and what it means: the table of `docs/issues.md#issue-codes`, which a test keeps in
/// step with `Kind::code`.
#[cfg(test)]
const CODES: &[(&str, &str)] = &[
    (
        "file-skipped",
        "a file not read: lock file, hidden file, not a spreadsheet, another roster",
    ),
    (
        "file-unreadable",
        "a file that could not be opened (corrupt, encrypted, too large, not a spreadsheet)",
    ),
    (
        "path-unreadable",
        "a file or folder that could not be listed",
    ),
    ("hidden-folder", "a hidden folder, not searched"),
    (
        "roster-row",
        "a roster row with a problem that does not stop the run",
    ),
    ("no-roster", "a run without a roster: no 未报送 list"),
    ("bad-encoding", "a CSV with bytes outside its encoding"),
    (
        "schema-version",
        "a workbook made from another version of the template",
    ),
    ("duplicate-cell", "a cell written twice in the file"),
    (
        "no-template-sheet",
        "a workbook with no sheet of the template",
    ),
    (
        "superseded",
        "a workbook replaced by a newer one from the same unit",
    ),
    (
        "duplicate-file",
        "the same file reached twice (two paths, a link, a copy): read once",
    ),
    (
        "report-folder",
        "a folder of huizong's own reports among the inputs, not read",
    ),
    (
        "link-outside",
        "a link to outside the input folders, not followed",
    ),
    (
        "link-loop",
        "a link back to a folder already searched, not followed",
    ),
    (
        "feedback-unwritable",
        "a unit's feedback workbook that could not be written",
    ),
    ("sheet-unreadable", "a sheet that could not be read"),
    (
        "sheet-skipped",
        "a sheet that is not a ledger (an Excel 4 macro sheet)",
    ),
    (
        "sheet-missing",
        "a ledger sheet missing from a unit's workbook",
    ),
    ("unknown-sheet", "a sheet the template does not have"),
    (
        "header-not-found",
        "a ledger sheet without a recognisable header row",
    ),
    (
        "missing-column",
        "a ledger sheet without a required column: all its rows rejected",
    ),
    (
        "extra-columns",
        "columns the template does not have, ignored",
    ),
    ("totals-row", "a totals row, not data"),
    ("repeated-header", "a repeated header row, not data"),
    ("footnote-row", "a note or signature row below the data"),
    (
        "partial-row",
        "a CSV's last row cut short: the file ends inside it, with fewer fields than the header",
    ),
    ("required-empty", "a required field left empty"),
    ("formula-without-value", "a formula saved without its value"),
    ("cell-error", "an error value such as #N/A"),
    ("invalid-number", "a number that is not finite"),
    (
        "not-in-list",
        "a value not among the field's allowed values",
    ),
    (
        "pattern-mismatch",
        "a text that does not have the field's form",
    ),
    ("below-minimum", "a number below the field's minimum"),
    ("above-maximum", "a number above the field's maximum"),
    ("not-integer", "a value that is not a whole number"),
    ("not-boolean", "a value that is not 是 or 否"),
    ("not-a-date", "a value that is not a date"),
    (
        "date-without-year",
        "a month-day date with no report year to complete it",
    ),
    (
        "cell-too-long",
        "a cell longer than Excel's 32,767 characters",
    ),
    (
        "check-failed",
        "a row that fails one of the schema's checks",
    ),
    (
        "unit-type-unknown",
        "a workbook's 单位类型 that is not one of the schema's unit types",
    ),
    (
        "unit-type-conflict",
        "a workbook's 单位类型 that differs from the roster's",
    ),
    (
        "unit-type-missing",
        "a unit whose type neither the roster nor its 基本信息 gives: not judged",
    ),
    (
        "official-name",
        "a unit named by its official full name, recognised as one roster unit",
    ),
    (
        "example-row",
        "a row the template's --example wrote, left in",
    ),
    (
        "wrong-year",
        "a workbook of another year than the report year: one issue for all its rows",
    ),
    (
        "subject-inferred",
        "an older template's value read as one of the values it now splits into",
    ),
    ("unknown-unit", "a unit name that matches no roster unit"),
    ("unit-undetermined", "a workbook whose unit cannot be told"),
    (
        "unit-missing",
        "a row of a multi-unit sheet without 单位名称",
    ),
    (
        "no-such-day",
        "a month-day date the report year does not have (2月29日)",
    ),
    ("date-out-of-year", "a record dated outside the report year"),
    (
        "date-after-as-of",
        "a record dated after the date the year is judged as of (--as-of)",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// One of each kind (and of each refusal), so that a kind added without a code in `CODES`
    /// fails here.
    fn one_of_each() -> Vec<Kind> {
        let text = || String::from("x");
        let refusals = [
            Refusal::Uncached,
            Refusal::CellError(text()),
            Refusal::InvalidNumber(f64::NAN),
            Refusal::NotInList {
                shown: text(),
                field: text(),
                suggestion: None,
                allowed: Vec::new(),
            },
            Refusal::Pattern(text()),
            Refusal::BelowMinimum {
                value: 0,
                minimum: 1,
            },
            Refusal::AboveMaximum {
                value: 2,
                maximum: 1,
            },
            Refusal::Fraction(text()),
            Refusal::NotIntegerText(text()),
            Refusal::NotInteger(text()),
            Refusal::NotBoolean(text()),
            Refusal::NotDate(text()),
            Refusal::NoYear(text()),
            Refusal::TooLong { chars: 40_000 },
        ];
        let problem = UnitProblem::NotInRoster {
            name: text(),
            suggestion: None,
        };
        let mut kinds = vec![
            Kind::FileSkipped { why: text() },
            Kind::FileUnreadable { why: text() },
            Kind::PathUnreadable { why: text() },
            Kind::HiddenFolder,
            Kind::Roster { why: text() },
            Kind::NoRoster,
            Kind::FileDamaged { why: text() },
            Kind::SchemaVersion {
                found: text(),
                current: text(),
            },
            Kind::DuplicateCell {
                cell: text(),
                count: 1,
            },
            Kind::NoTemplateSheet { sheets: vec![] },
            Kind::Superseded { by: text() },
            Kind::SameFile { first: text() },
            Kind::ReportFolder,
            Kind::LinkSkipped {
                target: text(),
                looped: false,
            },
            Kind::LinkSkipped {
                target: text(),
                looped: true,
            },
            Kind::FeedbackUnwritable { why: text() },
            Kind::SheetUnreadable { why: text() },
            Kind::SheetSkipped { why: text() },
            Kind::SheetMissing { rules: vec![] },
            Kind::UnknownSheet,
            Kind::HeaderNotFound {
                sheet: text(),
                rows: 15,
            },
            Kind::MissingColumns {
                fields: vec![],
                rows: 0,
            },
            Kind::ExtraColumns { headers: vec![] },
            Kind::TotalsRow,
            Kind::RepeatedHeader,
            Kind::FootnoteRow,
            Kind::PartialRow {
                fields: 3,
                columns: 7,
            },
            Kind::RequiredEmpty { field: text() },
            Kind::Greater {
                message: text(),
                lesser: text(),
                lesser_value: 2,
                greater: text(),
                greater_value: 1,
            },
            Kind::FileUnit {
                problem: problem.clone(),
                loss: UnitLoss::NoData,
            },
            Kind::FileUnit {
                problem: UnitProblem::Unnamed,
                loss: UnitLoss::File { rows: 1 },
            },
            Kind::UnknownUnit { problem },
            Kind::UnitMissing,
            Kind::UnitTypeUnknown {
                typed: text(),
                known: vec![],
            },
            Kind::UnitTypeConflict {
                typed: text(),
                roster: text(),
            },
            Kind::UnitTypeMissing,
            Kind::OfficialName {
                name: text(),
                unit: text(),
            },
            Kind::ExampleRow,
            Kind::WrongYear {
                file_year: 2025,
                by_info: true,
                year: 2026,
                rows: 1,
                ranges: vec![],
            },
            Kind::LegacyValue {
                field: text(),
                old: text(),
                by: text(),
                subject: text(),
                taken: text(),
            },
            Kind::NoSuchDay {
                typed: text(),
                year: 2026,
            },
            Kind::DateOutOfYear { year: 2026 },
            Kind::DateAfterAsOf {
                as_of: chrono::NaiveDate::from_ymd_opt(2026, 7, 5).unwrap(),
            },
        ];
        kinds.extend(refusals.into_iter().map(|refusal| Kind::BadValue {
            field: text(),
            refusal,
        }));
        kinds
    }

    #[test]
    fn every_kind_has_a_listed_code_and_every_listed_code_a_kind() {
        let listed: Vec<&str> = CODES.iter().map(|(code, _)| *code).collect();
        let used: std::collections::BTreeSet<&str> = one_of_each().iter().map(Kind::code).collect();
        for code in &used {
            assert!(listed.contains(code), "{code} is not in CODES");
        }
        for code in &listed {
            assert!(used.contains(code), "{code} is listed but no kind has it");
        }
        let mut unique = listed.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), listed.len(), "a code is listed twice");
    }

    /// The docs' table of codes is the list here, in the same order.
    #[test]
    fn the_docs_list_every_code() {
        let docs = include_str!("../../docs/issues.md");
        let documented: Vec<&str> = (docs.lines())
            .filter_map(|l| l.strip_prefix("| `")?.split('`').next())
            .collect();
        let listed: Vec<&str> = CODES.iter().map(|(code, _)| *code).collect();
        assert_eq!(documented, listed);
    }

    /// Sentences read as they did before issues had kinds.
    #[test]
    fn sentences_are_rendered_from_the_values() {
        let refusal = Refusal::NotInList {
            shown: "中心组学习会".into(),
            field: "学习形式".into(),
            suggestion: Some("中心组学习".into()),
            allowed: vec!["中心组学习".into(), "集中学习".into()],
        };
        let kind = Kind::BadValue {
            field: "学习形式".into(),
            refusal,
        };
        assert_eq!(kind.code(), "not-in-list");
        assert_eq!(
            kind.to_string(),
            "学习形式：“中心组学习会”不是学习形式的可选值，是否应为“中心组学习”；可填：中心组学习、集中学习"
        );
        let kind = Kind::FileUnit {
            problem: UnitProblem::NotInRoster {
                name: "东风镇".into(),
                suggestion: None,
            },
            loss: UnitLoss::File { rows: 9 },
        };
        assert_eq!(kind.code(), "unknown-unit");
        assert_eq!(
            kind.to_string(),
            "名册中无此单位：“东风镇”；该文件 9 行数据均未计入"
        );
    }
}
