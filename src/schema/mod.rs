//! The schema a county writes to describe its template and quotas (`docs/schema.md`), in the resolved form
//! the rest of the tool uses: names looked up once, field references turned into indices, enum
//! lookups prepared. Loading and checking the TOML lives in `load`; this module must not read
//! files.

mod calendar;
mod keys;
mod load;
mod names;
pub(crate) use names::is_device;

pub(crate) use calendar::Calendar;
/// What separates the values of a multi-valued cell: `、 , ， ; ； /` and line breaks.
pub(crate) const VALUE_SEPARATORS: &[char] = &['、', ',', '，', ';', '；', '/', '／', '\n', '\r'];
pub(crate) use load::SchemaError;
pub use load::{load, parse};

/// Name of the instructions sheet `huizong template` adds to every workbook; readers skip it.
pub(crate) const GUIDE_SHEET: &str = "填报说明";
/// Name of the hidden sheet of long dropdown lists in a template; readers skip it.
pub(crate) const LIST_SHEET: &str = "选项";
/// What `huizong template --example` writes into each example row (in 备注, else the row's last
/// free-text field); a row holding it is rejected (`示例行未删除`).
pub(crate) const EXAMPLE_MARK: &str = "示例，提交前请删除";

use crate::normalize::{NameMap, normalize};
use crate::record::Value;
use regex::Regex;

/// A loaded, checked schema.
#[derive(Debug, Clone)]
pub struct Schema {
    pub name: String,
    pub version: String,
    /// The county's own name (`[schema] county`), taken off the front of official full names
    /// (`江口县教育局`); without it any place name ending in 县/区/市/旗 is.
    pub county: Option<String>,
    /// The groups 类别排名 ranks within (`[schema] groups`), every unit type in exactly one.
    pub groups: Vec<Group>,
    pub unit_types: Vec<String>,
    pub info: Option<InfoSheet>,
    pub sheets: Vec<SheetSpec>,
    pub rules: Vec<Rule>,
    pub flags: Vec<Flag>,
    pub subject_lists: Vec<SubjectList>,
    pub tallies: Vec<Tally>,
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

/// A group of unit types ranked together (`乡镇街道`).
#[derive(Debug, Clone)]
pub struct Group {
    pub name: String,
    pub unit_types: Vec<String>,
}

impl Schema {
    /// The work the schema judges, as its name says it without `落实情况`: `意识形态工作责任制`,
    /// `安全生产工作`. Titles and the 通报 speak of it, so that another campaign's schema gets its
    /// own words (`docs/schema.md#schema-table`).
    pub fn work(&self) -> &str {
        let name = self.name.as_str();
        (name.strip_suffix("落实情况"))
            .or_else(|| name.strip_suffix("情况"))
            .filter(|w| !w.is_empty())
            .unwrap_or(name)
    }

    /// The field of that work, without `责任制`: `意识形态工作`, `安全生产工作`.
    pub fn field_of_work(&self) -> &str {
        let work = self.work();
        (work.strip_suffix("责任制"))
            .filter(|w| !w.is_empty())
            .unwrap_or(work)
    }

    /// The names of the rules that count `sheet`'s records for `unit_type` (for any type when
    /// `None`), in schema order, each once.
    pub fn rules_counting(&self, sheet: usize, unit_type: Option<&str>) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for rule in (self.rules.iter())
            .filter(|r| r.sheet == sheet && unit_type.is_none_or(|t| r.applies_to(t)))
        {
            if !names.contains(&rule.name) {
                names.push(rule.name.clone());
            }
        }
        names
    }

    /// The index of the group a unit type belongs to.
    pub fn group_of(&self, unit_type: &str) -> Option<usize> {
        self.groups
            .iter()
            .position(|g| g.unit_types.iter().any(|t| t == unit_type))
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
    /// A cell may hold several values (`multiple = true`), kept as a `Value::List`.
    pub multiple: bool,
    /// The seed's full wording of an allowed value (`enum_descriptions`), for the template and
    /// 说明: an enum label may be short.
    pub enum_descriptions: Vec<(String, String)>,
    /// Spellings of an older template that name one of two allowed values (`legacy`).
    pub legacy: Option<Legacy>,
}

/// An older template's value that the current one splits in two — `领导班子` is now either
/// `本单位领导班子` or `下属单位领导班子` — told apart by another field of the row: the subordinate
/// value when that field's text, the unit's own names taken out, holds one of `subordinate`.
#[derive(Debug, Clone)]
pub struct Legacy {
    /// Index of the field whose text decides (`by`).
    pub by: usize,
    /// Words that name a subordinate body (村, 社区, 站, 所, 科室, …).
    pub subordinate: Vec<String>,
    /// Per old spelling, as written: (old, own value, subordinate value).
    pub values: Vec<(String, String, String)>,
    /// Normalised old spelling → index into `values`.
    pub lookup: NameMap<usize>,
}

impl Legacy {
    /// The old spelling `text` names, if any.
    pub fn spelling(&self, text: &str) -> Option<&(String, String, String)> {
        crate::normalize::lookup(&self.lookup, text).map(|&i| &self.values[i])
    }

    /// Whether `subject` (the deciding field's text) names a body other than the unit: one of the
    /// subordinate words remains once the unit's own names (`own`: its name and the shorter forms
    /// of an official name, normalised) are taken out, longest first. A word that ends one of the
    /// unit's own names is its own kind of body (镇 for 三江镇, 院 for 县人民医院): it names another
    /// only after a name of two characters or more, and not as a title — `龙爪镇党委` under 官渡镇,
    /// but not `镇党委班子`, `副镇长` or `院长`.
    pub fn is_subordinate(&self, subject: &str, own: &[String]) -> bool {
        let mut rest = normalize(subject);
        let mut own: Vec<&String> = own.iter().filter(|n| !n.is_empty()).collect();
        own.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
        for name in &own {
            rest = rest.replace(name.as_str(), "");
        }
        self.subordinate.iter().any(|w| {
            let w = normalize(w);
            let own_kind = own.iter().any(|n| n.ends_with(&w));
            rest.match_indices(&w).any(|(at, _)| {
                if !own_kind {
                    return true;
                }
                let before: Vec<char> = rest[..at].chars().collect();
                let named = before.len() >= 2
                    && !before[before.len() - 2..]
                        .iter()
                        .any(|c| TITLE_MARKS.contains(c));
                named && !rest[at + w.len()..].starts_with('长')
            })
        })
    }
}

/// Characters that, just before a body word, make it part of a title (副镇长, 兼镇长, 原乡长).
const TITLE_MARKS: [char; 5] = ['副', '兼', '任', '原', '代'];

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
    /// The record's value is one of the condition's; for a multi-valued field, any of its values
    /// is (a `where` or `when`).
    pub fn holds(&self, values: &[Value]) -> bool {
        match &values[self.field] {
            Value::List(items) => items.iter().any(|v| self.values.contains(v)),
            v => self.values.contains(v),
        }
    }

    /// Every value of the record's field is one of the condition's (a `require`); an empty field
    /// is not judged here.
    pub fn allows(&self, values: &[Value]) -> bool {
        match &values[self.field] {
            Value::List(items) => items.iter().all(|v| self.values.contains(v)),
            v => self.values.contains(v),
        }
    }

    /// The condition as a clerk reads it, with its sheet's field names: `学习形式为中心组学习或集中学习`.
    pub fn describe(&self, sheet: &SheetSpec) -> String {
        let values: Vec<String> = self.values.iter().map(Value::to_string).collect();
        format!("{}为{}", sheet.fields[self.field].name, values.join("或"))
    }

    /// The values of the record's field the condition does not allow.
    pub fn disallowed<'v>(&self, values: &'v [Value]) -> Vec<&'v Value> {
        match &values[self.field] {
            Value::List(items) => items.iter().filter(|v| !self.values.contains(v)).collect(),
            v if self.values.contains(v) => Vec::new(),
            v => vec![v],
        }
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
    /// Index of the date field that places a record in the rule's periods (`date_field`), when
    /// it is not the sheet's; a record with that field empty is placed by the sheet's date.
    pub date_field: Option<usize>,
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
    /// The value set when every matching record also matches `pending` (a case not yet
    /// closed): the value is decided later.
    pub pending: Option<Pending>,
    pub otherwise: String,
    pub unit_types: Option<Vec<String>>,
    pub basis: String,
}

/// Records whose outcome is not decided yet, and what is said of them meanwhile.
#[derive(Debug, Clone)]
pub struct Pending {
    pub conditions: Vec<Condition>,
    pub value: String,
}

/// A list of people or bodies named by records (`[[subject_list]]`): every record of `sheet`
/// matching `conditions` is one entry — its `who`, its unit, its `columns` — with `outcome`, or
/// the pending value while its record matches `pending`.
#[derive(Debug, Clone)]
pub struct SubjectList {
    pub name: String,
    pub sheet: usize,
    pub who: usize,
    pub conditions: Vec<Condition>,
    pub columns: Vec<usize>,
    pub outcome: String,
    pub pending: Option<Pending>,
    pub basis: String,
}

impl SubjectList {
    /// The outcome of one matching record.
    pub fn outcome_of(&self, values: &[Value]) -> &str {
        match &self.pending {
            Some(p) if p.conditions.iter().all(|c| c.holds(values)) => &p.value,
            _ => &self.outcome,
        }
    }
}

/// Sums of integer fields per unit and for the county (`[[tally]]`), with an optional ratio of
/// two of them.
#[derive(Debug, Clone)]
pub struct Tally {
    pub name: String,
    pub sheet: usize,
    /// Indices of the summed fields.
    pub sums: Vec<usize>,
    pub ratio: Option<Ratio>,
    /// The 排名 columns: the summed fields' names, then the ratio's.
    pub columns: Vec<String>,
    pub basis: String,
}

/// `numerator ÷ denominator` of two summed fields (indices into the tally's `sums`); empty where
/// the denominator is 0.
#[derive(Debug, Clone)]
pub struct Ratio {
    pub name: String,
    pub numerator: usize,
    pub denominator: usize,
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
