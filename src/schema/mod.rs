//! The schema a county writes to describe its template and quotas (`docs/schema.md`), in the resolved form
//! the rest of the tool uses: names looked up once, field references turned into indices, enum
//! lookups prepared. Loading and checking the TOML lives in `load`; this module must not read
//! files.

mod calendar;
mod keys;
mod load;
mod names;

pub(crate) use calendar::Calendar;
pub(crate) use load::SchemaError;
pub use load::{load, parse};

/// Name of the instructions sheet `huizong template` adds to every workbook; readers skip it.
pub(crate) const GUIDE_SHEET: &str = "填报说明";
/// Name of the hidden sheet of long dropdown lists in a template; readers skip it.
pub(crate) const LIST_SHEET: &str = "选项";

use crate::normalize::{NameMap, normalize};
use crate::record::Value;
use regex::Regex;

/// A loaded, checked schema.
#[derive(Debug, Clone)]
pub struct Schema {
    pub name: String,
    pub version: String,
    pub unit_types: Vec<String>,
    pub info: Option<InfoSheet>,
    pub sheets: Vec<SheetSpec>,
    pub rules: Vec<Rule>,
    pub flags: Vec<Flag>,
    /// The working calendar (`[calendar]`): without one, every week is judged.
    pub calendar: Option<Calendar>,
    /// Every normalised sheet name and alias → the info sheet (`None`) or a ledger sheet, built
    /// once at load: sheet names are matched for every sheet of every file.
    pub sheet_keys: Vec<(String, Option<usize>)>,
}

impl Schema {
    fn sheet_keys(info: Option<&InfoSheet>, sheets: &[SheetSpec]) -> Vec<(String, Option<usize>)> {
        let mut keys = Vec::new();
        if let Some(info) = info {
            keys.push((normalize(&info.name), None));
            keys.extend(info.aliases.iter().map(|a| (normalize(a), None)));
        }
        for (i, sheet) in sheets.iter().enumerate() {
            keys.push((normalize(&sheet.name), Some(i)));
            keys.extend(sheet.aliases.iter().map(|a| (normalize(a), Some(i))));
        }
        keys
    }
}

/// The key/value sheet that names the unit and its year.
#[derive(Debug, Clone)]
pub struct InfoSheet {
    pub name: String,
    pub aliases: Vec<String>,
    pub fields: Vec<Field>,
    /// Normalised label spellings (names and aliases) → field index, built once at load.
    pub label_lookup: NameMap<usize>,
}

impl InfoSheet {
    pub fn new(name: String, aliases: Vec<String>, fields: Vec<Field>) -> Self {
        let label_lookup = header_lookup(&fields);
        InfoSheet {
            name,
            aliases,
            fields,
            label_lookup,
        }
    }
}

/// One ledger sheet.
#[derive(Debug, Clone)]
pub struct SheetSpec {
    pub name: String,
    pub aliases: Vec<String>,
    /// Index of the field that dates the record.
    pub date_field: Option<usize>,
    pub fields: Vec<Field>,
    pub checks: Vec<Check>,
    /// Normalised header spellings (names and aliases) → field index, built once at load.
    pub header_lookup: NameMap<usize>,
}

impl SheetSpec {
    pub fn new(
        name: String,
        aliases: Vec<String>,
        date_field: Option<usize>,
        fields: Vec<Field>,
        checks: Vec<Check>,
    ) -> Self {
        let header_lookup = header_lookup(&fields);
        SheetSpec {
            name,
            aliases,
            date_field,
            fields,
            checks,
            header_lookup,
        }
    }
}

/// Normalised spellings (names and aliases) of `fields` → field index; of two fields spelt alike
/// the first wins.
fn header_lookup(fields: &[Field]) -> NameMap<usize> {
    let mut lookup = NameMap::default();
    for (i, field) in fields.iter().enumerate() {
        for key in field.header_keys() {
            lookup.entry(key).or_insert(i);
        }
    }
    lookup
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    String,
    Integer,
    Boolean,
    Date,
}

impl FieldKind {
    pub fn label(self) -> &'static str {
        match self {
            FieldKind::String => "文本",
            FieldKind::Integer => "整数",
            FieldKind::Boolean => "是/否",
            FieldKind::Date => "日期",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub kind: FieldKind,
    pub required: bool,
    pub aliases: Vec<String>,
    /// Allowed values, canonical spelling.
    pub allowed: Option<Vec<String>>,
    /// Normalised spelling (of a value or an alias) → index into `allowed`.
    pub enum_lookup: NameMap<usize>,
    /// The schema's `enum_aliases`, as written, for suggestions and documentation.
    pub enum_aliases: Vec<(String, String)>,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    pub pattern: Option<Regex>,
    pub default: Value,
    pub description: Option<String>,
}

impl Field {
    /// Every normalised spelling a header cell may use for this field.
    pub fn header_keys(&self) -> impl Iterator<Item = String> + '_ {
        std::iter::once(&self.name)
            .chain(self.aliases.iter())
            .map(|s| normalize(s))
    }
}

/// A row-level check (`checks` in the schema).
#[derive(Debug, Clone)]
pub enum Check {
    /// The first field may not exceed the second.
    NotGreater {
        lesser: usize,
        greater: usize,
        level: crate::issue::Level,
        message: String,
    },
    /// When every `when` condition holds, every `require` condition must hold.
    WhenRequire {
        when: Vec<Condition>,
        require: Vec<Condition>,
        level: crate::issue::Level,
        message: String,
    },
}

/// `field ∈ values`.
#[derive(Debug, Clone)]
pub struct Condition {
    pub field: usize,
    pub values: Vec<Value>,
}

impl Condition {
    pub fn holds(&self, values: &[Value]) -> bool {
        self.values.contains(&values[self.field])
    }
}

/// How a rule's year is cut into periods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Period {
    Year,
    Half,
    Quarter,
    Month,
    Week,
    /// Cut-off (month, day) pairs, ascending: each period runs from the day after the previous
    /// cut-off (or 1 Jan) to the cut-off inclusive.
    Deadlines(Vec<(u32, u32)>),
}

/// A quota.
#[derive(Debug, Clone)]
pub struct Rule {
    pub name: String,
    pub sheet: usize,
    pub conditions: Vec<Condition>,
    pub min: u32,
    pub period: Period,
    /// `None` = every unit type.
    pub unit_types: Option<Vec<String>>,
    pub weight: f64,
    pub basis: String,
}

impl Rule {
    pub fn applies_to(&self, unit_type: &str) -> bool {
        self.unit_types
            .as_ref()
            .is_none_or(|types| types.iter().any(|t| t == unit_type))
    }
}

/// A marker set on units with at least one matching record.
#[derive(Debug, Clone)]
pub struct Flag {
    pub name: String,
    pub sheet: usize,
    pub conditions: Vec<Condition>,
    pub set: String,
    pub otherwise: String,
    pub unit_types: Option<Vec<String>>,
    pub basis: String,
}

impl Schema {
    /// Rule names in schema order, each once (rules of one name for different unit types share a
    /// column in the ranking).
    pub fn rule_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for rule in &self.rules {
            if !names.contains(&rule.name.as_str()) {
                names.push(&rule.name);
            }
        }
        names
    }
}
