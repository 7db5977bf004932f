//! Problems found in the data. An `Issue` is a finding about a file, sheet, row or cell that the
//! run reports and goes on from; only problems that stop the tool are `Err`. This module owns the
//! three levels, the issue record with its location, and the fixed phrases for what was done
//! (处理); `kind` owns each issue's code and sentence. It must not decide what is a problem: the
//! stages that find them do.

mod kind;

#[cfg(test)]
pub(crate) use kind::SHOWN_CHARS;
pub(crate) use kind::{Kind, Refusal, UnitLoss, UnitProblem, excerpt};
use serde::Serialize;
use std::borrow::Cow;

/// How serious an issue is (`docs/issues.md#levels`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Level {
    /// The row, sheet or file is rejected.
    #[serde(rename = "错误")]
    Error,
    /// Accepted, with a problem.
    #[serde(rename = "警告")]
    Warning,
    /// Nothing rejected: skipped file, ignored column, totals row, superseded file.
    #[serde(rename = "提示")]
    Notice,
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::Error => "错误",
            Level::Warning => "警告",
            Level::Notice => "提示",
        }
    }
}

/// What was done about an issue (处理).
pub(crate) mod action {
    pub(crate) const ROW_REJECTED: &str = "已剔除该行";
    pub(crate) const FIELD_EMPTIED: &str = "已采用，该字段置空";
    pub(crate) const ACCEPTED: &str = "已采用";
    pub(crate) const FILE_SKIPPED: &str = "已跳过文件";
    pub(crate) const FOLDER_SKIPPED: &str = "已跳过文件夹";
    pub(crate) const FILE_REJECTED: &str = "已剔除该文件";
    pub(crate) const SHEET_REJECTED: &str = "已剔除该表";
    pub(crate) const SHEET_EMPTY: &str = "按无记录处理";
    pub(crate) const COLUMN_IGNORED: &str = "已忽略该列";
    pub(crate) const ROW_SKIPPED: &str = "已跳过该行";
    pub(crate) const SHEET_SKIPPED: &str = "已跳过该表";
    pub(crate) const FILE_SUPERSEDED: &str = "未计入";
    pub(crate) const NONE: &str = "无";
}

/// One finding, located as precisely as it can be. Row numbers are 1-based as Excel shows them;
/// columns are letters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    pub level: Level,
    /// The kind's stable code (`docs/issues.md#issue-codes`).
    pub code: &'static str,
    pub unit: Option<String>,
    pub file: String,
    pub sheet: Option<String>,
    pub row: Option<u32>,
    pub column: Option<String>,
    pub field: Option<String>,
    pub value: Option<String>,
    pub message: String,
    pub action: &'static str,
}

impl Issue {
    /// An issue of `kind` about `file`; its sentence is the kind's.
    pub fn new(level: Level, file: &str, kind: Kind, action: &'static str) -> Self {
        Issue {
            level,
            code: kind.code(),
            unit: None,
            file: file.to_string(),
            sheet: None,
            row: None,
            column: None,
            field: None,
            value: None,
            message: kind.to_string(),
            action,
        }
    }

    pub fn sheet(mut self, sheet: &str) -> Self {
        self.sheet = Some(sheet.to_string());
        self
    }

    /// Places the issue at a 0-based row index.
    pub fn row(mut self, row: u32) -> Self {
        self.row = Some(row + 1);
        self
    }

    /// Places the issue at a 0-based column index.
    pub fn column(mut self, col: u32) -> Self {
        self.column = Some(column_letter(col));
        self
    }

    pub fn field(mut self, field: &str) -> Self {
        self.field = Some(field.to_string());
        self
    }

    /// The value as submitted, cut to its first 200 characters (`kind::excerpt`).
    pub fn value(mut self, value: impl Into<String>) -> Self {
        let value = value.into();
        if !value.is_empty() {
            self.value = Some(match excerpt(&value) {
                Cow::Borrowed(_) => value,
                Cow::Owned(cut) => cut,
            });
        }
        self
    }

    pub fn unit(mut self, unit: Option<&str>) -> Self {
        self.unit = unit.map(str::to_string);
        self
    }

    /// `sheet!cell` as a clerk would type it into Excel's name box, or whatever part is known.
    pub fn location(&self) -> String {
        let cell = match (&self.column, self.row) {
            (Some(c), Some(r)) => format!("{c}{r}"),
            (None, Some(r)) => format!("第{r}行"),
            (Some(c), None) => format!("{c}列"),
            (None, None) => String::new(),
        };
        match (&self.sheet, cell.is_empty()) {
            (Some(s), false) => format!("{s}!{cell}"),
            (Some(s), true) => s.clone(),
            (None, _) => cell,
        }
    }

    /// The ordering key that makes output deterministic: file, sheet, row, column, then text.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            &self.file,
            &self.sheet,
            self.row,
            self.column.as_ref().map(|c| (c.len(), c.clone())),
            self.level,
            &self.message,
        )
    }
}

/// Characters that change how the text around them shows without showing themselves: the
/// bidirectional controls (a right-to-left override turns `gpj.exe` into `exe.jpg`) and the
/// zero-width ones.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{061C}' | '\u{FEFF}')
}

/// Text as it may be printed to a terminal or a plain-text list: control characters (a line
/// break that would forge a line, an escape sequence that would drive the terminal) and
/// invisible ones each become `�`.
pub(crate) fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() || is_invisible(c)) {
        return Cow::Borrowed(text);
    }
    let shown = text.chars().map(|c| {
        if c.is_control() || is_invisible(c) {
            '\u{FFFD}'
        } else {
            c
        }
    });
    Cow::Owned(shown.collect())
}

/// Excel's column letters for a 0-based column index: 0 → A, 25 → Z, 26 → AA.
pub(crate) fn column_letter(col: u32) -> String {
    let mut n = col as u64 + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_follow_excel() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(16383), "XFD");
    }

    #[test]
    fn a_long_value_is_shown_cut() {
        let long = "长".repeat(40_000);
        let issue = Issue::new(Level::Error, "a.csv", Kind::TotalsRow, action::ROW_REJECTED)
            .value(long.as_str());
        let shown = issue.value.unwrap();
        assert_eq!(shown.chars().count(), SHOWN_CHARS + 1);
        assert!(shown.starts_with("长长") && shown.ends_with('…'));
        assert_eq!(excerpt(&"a".repeat(SHOWN_CHARS)), "a".repeat(SHOWN_CHARS));
        assert_eq!(excerpt(&"长".repeat(SHOWN_CHARS)), "长".repeat(SHOWN_CHARS));
    }

    #[test]
    fn location_reads_like_a_cell_reference() {
        let issue = Issue::new(
            Level::Error,
            "a.xlsx",
            Kind::TotalsRow,
            action::ROW_REJECTED,
        )
        .sheet("学习记录")
        .row(4)
        .column(1);
        assert_eq!(issue.location(), "学习记录!B5");
        assert_eq!(Level::Warning.label(), "警告");
    }
}
