//! Reading and checking a schema file. Loading never stops at the first problem: the file is
//! walked for unknown keys, then deserialised, then every cross-reference is checked, and every
//! problem comes back with its line (like ripgrep's config parsing). This module owns the TOML
//! shapes (`Raw*`); the resolved types live in `schema`.

use super::keys::struct_fields;
use super::names;
use super::*;
use crate::issue::Level;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Every problem found in a schema file.
#[derive(Debug)]
pub struct SchemaError {
    pub path: String,
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "方案文件 {} 有 {} 处问题：",
            self.path,
            self.problems.len()
        )?;
        for p in &self.problems {
            match p.line {
                Some(line) => writeln!(f, "  {}:{}: {}", self.path, line, p.message)?,
                None => writeln!(f, "  {}: {}", self.path, p.message)?,
            }
        }
        Ok(())
    }
}

impl std::error::Error for SchemaError {}

// The `Raw*` structs do not use `deny_unknown_fields`: `walk_keys` reports every unknown key with
// its line first (serde would stop at the first), and then deserialising goes on so that the
// cross-reference problems are reported in the same run.
#[derive(Deserialize)]
struct RawSchema {
    schema: RawMeta,
    info: Option<RawInfo>,
    #[serde(default)]
    sheet: Vec<RawSheet>,
    #[serde(default)]
    rule: Vec<RawRule>,
    #[serde(default)]
    flag: Vec<RawFlag>,
    #[serde(default)]
    subject_list: Vec<RawSubjectList>,
    #[serde(default)]
    tally: Vec<RawTally>,
    calendar: Option<Spanned<RawCalendar>>,
}

#[derive(Deserialize)]
struct RawCalendar {
    #[serde(default)]
    holidays: Vec<Spanned<String>>,
    #[serde(default)]
    workdays: Vec<Spanned<String>>,
    min_working_days: u32,
    #[serde(default)]
    basis: String,
}

#[derive(Deserialize)]
struct RawMeta {
    name: String,
    version: String,
    unit_types: Spanned<Vec<String>>,
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
    /// The county's own name (`江口县`), taken off official full names.
    county: Option<String>,
    /// The groups 类别排名 ranks within.
    #[serde(default)]
    groups: Vec<Spanned<RawGroup>>,
}

#[derive(Deserialize)]
struct RawGroup {
    name: String,
    unit_types: Vec<String>,
}

#[derive(Deserialize)]
struct RawInfo {
    sheet: Spanned<String>,
    #[serde(default)]
    aliases: Vec<String>,
    fields: Vec<Spanned<RawField>>,
}

#[derive(Deserialize)]
struct RawSheet {
    name: Spanned<String>,
    #[serde(default)]
    aliases: Vec<String>,
    date_field: Option<Spanned<String>>,
    fields: Vec<Spanned<RawField>>,
    #[serde(default)]
    checks: Vec<Spanned<RawCheck>>,
}

#[derive(Deserialize)]
struct RawField {
    name: Spanned<String>,
    #[serde(rename = "type")]
    kind: Spanned<String>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(rename = "enum")]
    allowed: Option<Vec<String>>,
    #[serde(default)]
    enum_aliases: BTreeMap<String, String>,
    minimum: Option<i64>,
    maximum: Option<i64>,
    pattern: Option<String>,
    default: Option<toml::Value>,
    description: Option<String>,
    #[serde(default)]
    multiple: bool,
    #[serde(default)]
    enum_descriptions: BTreeMap<String, String>,
    legacy: Option<Spanned<RawLegacy>>,
}

#[derive(Deserialize)]
struct RawLegacy {
    by: String,
    #[serde(default)]
    subordinate: Vec<String>,
    values: BTreeMap<String, Vec<String>>,
}

type RawConditions = BTreeMap<Spanned<String>, Vec<toml::Value>>;

#[derive(Deserialize)]
struct RawCheck {
    not_greater: Option<Vec<String>>,
    when: Option<RawConditions>,
    require: Option<RawConditions>,
    level: Option<String>,
    message: String,
}

#[derive(Deserialize)]
struct RawRule {
    name: Spanned<String>,
    sheet: Spanned<String>,
    #[serde(rename = "where", default)]
    conditions: RawConditions,
    min: Spanned<i64>,
    per: Option<Spanned<String>>,
    deadlines: Option<Spanned<Vec<String>>>,
    unit_types: Option<Spanned<Vec<String>>>,
    weight: Option<Spanned<f64>>,
    date_field: Option<Spanned<String>>,
    #[serde(default)]
    basis: String,
}

#[derive(Deserialize)]
struct RawFlag {
    name: Spanned<String>,
    sheet: Spanned<String>,
    #[serde(rename = "where", default)]
    conditions: RawConditions,
    set: String,
    pending: Option<RawFlagPending>,
    otherwise: String,
    unit_types: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    basis: String,
}

#[derive(Deserialize)]
struct RawFlagPending {
    #[serde(rename = "where")]
    conditions: RawConditions,
    set: String,
}

#[derive(Deserialize)]
struct RawSubjectList {
    name: Spanned<String>,
    sheet: Spanned<String>,
    who: Spanned<String>,
    #[serde(rename = "where", default)]
    conditions: RawConditions,
    #[serde(default)]
    columns: Vec<Spanned<String>>,
    outcome: String,
    pending: Option<RawListPending>,
    #[serde(default)]
    basis: String,
}

#[derive(Deserialize)]
struct RawListPending {
    #[serde(rename = "where")]
    conditions: RawConditions,
    outcome: String,
}

#[derive(Deserialize)]
struct RawTally {
    name: Spanned<String>,
    sheet: Spanned<String>,
    sum: Vec<Spanned<String>>,
    ratio: Option<Spanned<RawRatio>>,
    #[serde(default)]
    basis: String,
}

#[derive(Deserialize)]
struct RawRatio {
    name: String,
    numerator: String,
    denominator: String,
}

/// Reads and checks the schema at `path`.
pub fn load(path: &Path) -> Result<Schema, SchemaError> {
    let label = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| SchemaError {
        path: label.clone(),
        problems: vec![Problem {
            line: None,
            message: format!("无法读取方案文件：{}", crate::io_error::in_words(&e)),
        }],
    })?;
    parse(&text, &label)
}

/// Checks a schema given as text; `label` names it in messages.
pub fn parse(text: &str, label: &str) -> Result<Schema, SchemaError> {
    let fail = |problems| SchemaError {
        path: label.to_string(),
        problems,
    };
    let lines = LineIndex::new(text);
    let doc = DeTable::parse(text).map_err(|e| {
        fail(vec![Problem {
            line: e.span().map(|s| lines.line(s.start)),
            message: format!("TOML 语法错误：{}", e.message().trim()),
        }])
    })?;
    let mut problems = Vec::new();
    walk_keys(doc.get_ref(), "", &lines, &mut problems);
    let raw: RawSchema = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            problems.push(Problem {
                line: e.span().map(|s| lines.line(s.start)),
                message: serde_message(e.message()),
            });
            problems.sort_by_key(|p| p.line);
            return Err(fail(problems));
        }
    };
    let mut compiler = Compiler {
        lines: &lines,
        problems,
    };
    let schema = compiler.schema(raw);
    if compiler.problems.is_empty() {
        Ok(schema)
    } else {
        compiler.problems.sort_by_key(|p| p.line);
        Err(fail(compiler.problems))
    }
}

/// serde's message in the user's language where it is one of the common ones.
fn serde_message(message: &str) -> String {
    let message = message.trim();
    if let Some(key) = message.strip_prefix("missing field ") {
        return format!("缺少必需的键 {key}");
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        return format!("取值类型不对：{rest}");
    }
    format!("格式错误：{message}")
}

struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }
}

/// The struct whose keys a table at `path` may hold; `None` for free-form tables (`where`, …).
fn shape(path: &str) -> Option<&'static [&'static str]> {
    Some(match path {
        "" => struct_fields::<RawSchema>(),
        "schema" => struct_fields::<RawMeta>(),
        "schema.groups" => struct_fields::<RawGroup>(),
        "info" => struct_fields::<RawInfo>(),
        "sheet" => struct_fields::<RawSheet>(),
        "info.fields" | "sheet.fields" => struct_fields::<RawField>(),
        "info.fields.legacy" | "sheet.fields.legacy" => struct_fields::<RawLegacy>(),
        "sheet.checks" => struct_fields::<RawCheck>(),
        "rule" => struct_fields::<RawRule>(),
        "flag" => struct_fields::<RawFlag>(),
        "flag.pending" => struct_fields::<RawFlagPending>(),
        "subject_list" => struct_fields::<RawSubjectList>(),
        "subject_list.pending" => struct_fields::<RawListPending>(),
        "tally" => struct_fields::<RawTally>(),
        "tally.ratio" => struct_fields::<RawRatio>(),
        "calendar" => struct_fields::<RawCalendar>(),
        _ => return None,
    })
}

fn walk_keys(table: &DeTable<'_>, path: &str, lines: &LineIndex, problems: &mut Vec<Problem>) {
    let Some(allowed) = shape(path) else { return };
    for (key, value) in table {
        let name: &str = key.get_ref();
        if !allowed.contains(&name) {
            let hint = crate::normalize::closest(name, allowed.iter().copied())
                .map(|s| format!("，是否应为 `{s}`"))
                .unwrap_or_default();
            let place = if path.is_empty() { "顶层" } else { path };
            problems.push(Problem {
                line: Some(lines.line(key.span().start)),
                message: format!(
                    "未知的键 `{name}`（在 {place} 中）{hint}；可用的键：{}",
                    allowed.join("、")
                ),
            });
            continue;
        }
        let child = if path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        };
        match value.get_ref() {
            DeValue::Table(t) => walk_keys(t, &child, lines, problems),
            DeValue::Array(items) => {
                for item in items.iter() {
                    if let DeValue::Table(t) = item.get_ref() {
                        walk_keys(t, &child, lines, problems);
                    }
                }
            }
            _ => {}
        }
    }
}

struct Compiler<'a> {
    lines: &'a LineIndex,
    problems: Vec<Problem>,
}

impl Compiler<'_> {
    fn problem<T>(&mut self, at: &Spanned<T>, message: String) {
        self.problems.push(Problem {
            line: Some(self.lines.line(at.span().start)),
            message,
        });
    }

    fn schema(&mut self, raw: RawSchema) -> Schema {
        let unit_types = raw.schema.unit_types.get_ref().clone();
        if unit_types.is_empty() {
            self.problem(&raw.schema.unit_types, "unit_types 不能为空".into());
        }
        self.sheet_names(raw.info.as_ref().map(|i| &i.sheet), &raw.sheet);
        let info = raw.info.map(|info| {
            let name = info.sheet.into_inner();
            let fields = self.fields(&info.fields, &name);
            if !fields.iter().any(|f| f.name == "单位名称") {
                self.problems.push(Problem {
                    line: None,
                    message: format!("[info] 表“{name}”必须有字段“单位名称”"),
                });
            }
            InfoSheet::new(name, info.aliases, fields)
        });
        let sheets: Vec<SheetSpec> = raw.sheet.into_iter().map(|s| self.sheet(s)).collect();
        // Each rule with the line of its name, for a rule defined twice.
        let (rules, lines): (Vec<Rule>, Vec<usize>) = raw
            .rule
            .into_iter()
            .filter_map(|r| {
                let line = self.lines.line(r.name.span().start);
                Some((self.rule(r, &sheets, &unit_types)?, line))
            })
            .unzip();
        self.check_rule_names(&rules, &lines);
        let flags: Vec<Flag> = raw
            .flag
            .into_iter()
            .filter_map(|f| self.flag(f, &sheets, &unit_types, &rules))
            .collect();
        let subject_lists = (raw.subject_list.into_iter())
            .filter_map(|l| self.subject_list(l, &sheets))
            .collect();
        let tallies: Vec<Tally> = (raw.tally.into_iter())
            .filter_map(|t| self.tally(t, &sheets))
            .collect();
        self.check_column_names(&rules, &flags, &tallies);
        let groups = self.groups(&raw.schema.groups, &unit_types);
        let sheet_keys = Schema::sheet_keys(info.as_ref(), &sheets);
        let calendar = raw.calendar.map(|c| self.calendar(c));
        Schema {
            name: raw.schema.name,
            version: raw.schema.version,
            county: raw.schema.county.filter(|c| !c.trim().is_empty()),
            groups,
            unit_types,
            info,
            sheets,
            rules,
            flags,
            subject_lists,
            tallies,
            calendar,
            sheet_keys,
        }
    }

    /// The groups of 类别排名: as written, each unit type in one group at most; a type in none is
    /// a group of its own, after them. Without `groups`, each type is its own group.
    fn groups(&mut self, raw: &[Spanned<RawGroup>], unit_types: &[String]) -> Vec<Group> {
        let mut groups: Vec<Group> = Vec::new();
        for spanned in raw {
            let g = spanned.get_ref();
            for t in &g.unit_types {
                if !unit_types.contains(t) {
                    let message = format!(
                        "[schema] groups 中“{}”的单位类型“{t}”不在 unit_types 中",
                        g.name
                    );
                    self.problem(spanned, message);
                } else if let Some(other) = groups.iter().find(|o| o.unit_types.contains(t)) {
                    let message = format!(
                        "[schema] groups 中单位类型“{t}”同时属于“{}”和“{}”",
                        other.name, g.name
                    );
                    self.problem(spanned, message);
                }
            }
            groups.push(Group {
                name: g.name.clone(),
                unit_types: g.unit_types.clone(),
            });
        }
        for t in unit_types {
            if !groups.iter().any(|g| g.unit_types.contains(t)) {
                groups.push(Group {
                    name: t.clone(),
                    unit_types: vec![t.clone()],
                });
            }
        }
        groups
    }

    fn calendar(&mut self, raw: Spanned<RawCalendar>) -> Calendar {
        let mut days = |list: &[Spanned<String>], what: &str| {
            let mut all = std::collections::BTreeSet::new();
            for item in list {
                match super::calendar::days(item.get_ref()) {
                    Some(found) => all.extend(found),
                    None => self.problem(
                        item,
                        format!(
                            "[calendar] {what}“{}”不是日期（2026-10-01）或日期范围（2026-10-01..2026-10-07）",
                            item.get_ref()
                        ),
                    ),
                }
            }
            all
        };
        let holidays = days(&raw.get_ref().holidays, "holidays");
        let workdays = days(&raw.get_ref().workdays, "workdays");
        let raw_ref = raw.get_ref();
        if !(1..=7).contains(&raw_ref.min_working_days) {
            self.problem(&raw, "[calendar] min_working_days 须在 1 到 7 之间".into());
        }
        Calendar {
            holidays,
            workdays,
            min_working_days: raw_ref.min_working_days,
            basis: raw_ref.basis.clone(),
        }
    }

    /// Every sheet name, the info sheet's first: one Excel and every file system take
    /// (`names::problem`), and no two that Excel or the readers would take for one sheet.
    fn sheet_names(&mut self, info: Option<&Spanned<String>>, sheets: &[RawSheet]) {
        let all: Vec<&Spanned<String>> = info
            .into_iter()
            .chain(sheets.iter().map(|s| &s.name))
            .collect();
        for (i, spanned) in all.iter().enumerate() {
            let name = spanned.get_ref();
            if let Some(problem) = names::problem(name) {
                self.problem(spanned, problem);
                continue;
            }
            let Some(first) = all[..i]
                .iter()
                .map(|s| s.get_ref())
                .find(|n| names::same(n, name))
            else {
                continue;
            };
            let message = if first == name {
                format!("工作表“{name}”重复定义")
            } else {
                format!(
                    "工作表“{name}”与“{first}”会被当作同一张表（Excel 不区分大小写，读取时也不区分繁简、全半角和空格），请换一个名称"
                )
            };
            self.problem(spanned, message);
        }
    }

    fn sheet(&mut self, raw: RawSheet) -> SheetSpec {
        let name = raw.name.get_ref().clone();
        let fields = self.fields(&raw.fields, &name);
        let date_field = raw.date_field.as_ref().and_then(|d| {
            let found = fields.iter().position(|f| f.name == *d.get_ref());
            match found {
                Some(i) if fields[i].kind == FieldKind::Date => Some(i),
                Some(_) => {
                    self.problem(d, format!("date_field“{}”不是日期类型", d.get_ref()));
                    None
                }
                None => {
                    self.problem(d, format!("date_field 引用了不存在的字段“{}”", d.get_ref()));
                    None
                }
            }
        });
        let checks = raw
            .checks
            .iter()
            .filter_map(|c| self.check(c, &fields, &name))
            .collect();
        SheetSpec::new(name, raw.aliases, date_field, fields, checks)
    }

    fn fields(&mut self, raw: &[Spanned<RawField>], sheet: &str) -> Vec<Field> {
        let mut fields: Vec<Field> = Vec::new();
        for spanned in raw {
            let f = spanned.get_ref();
            let name = f.name.get_ref().clone();
            if fields.iter().any(|g| g.name == name) {
                self.problem(&f.name, format!("工作表“{sheet}”中字段“{name}”重复"));
            }
            let kind = match f.kind.get_ref().as_str() {
                "string" => FieldKind::String,
                "integer" => FieldKind::Integer,
                "boolean" => FieldKind::Boolean,
                "date" => FieldKind::Date,
                other => {
                    self.problem(
                        &f.kind,
                        format!("字段“{name}”的类型 `{other}` 无效，应为 string、integer、boolean 或 date"),
                    );
                    FieldKind::String
                }
            };
            let mut field = Field {
                name: name.clone(),
                kind,
                required: f.required,
                aliases: f.aliases.clone(),
                allowed: f.allowed.clone(),
                enum_lookup: NameMap::default(),
                enum_aliases: f.enum_aliases.clone().into_iter().collect(),
                minimum: f.minimum,
                maximum: f.maximum,
                pattern: None,
                default: Value::Null,
                description: f.description.clone(),
                multiple: f.multiple,
                enum_descriptions: f.enum_descriptions.clone().into_iter().collect(),
                legacy: None,
            };
            if let Some(allowed) = &f.allowed {
                if kind != FieldKind::String {
                    self.problem(spanned, format!("字段“{name}”不是文本类型，不能有 enum"));
                }
                for (i, v) in allowed.iter().enumerate() {
                    field.enum_lookup.insert(normalize(v), i);
                }
                for (alias, target) in &f.enum_aliases {
                    match allowed.iter().position(|v| v == target) {
                        Some(i) => {
                            field.enum_lookup.entry(normalize(alias)).or_insert(i);
                        }
                        None => self.problem(
                            spanned,
                            format!("字段“{name}”的 enum_aliases 指向不在 enum 中的值“{target}”"),
                        ),
                    }
                }
            } else if !f.enum_aliases.is_empty() {
                self.problem(spanned, format!("字段“{name}”有 enum_aliases 但没有 enum"));
            }
            self.multi_valued(spanned, &field);
            for value in f.enum_descriptions.keys() {
                if !f.allowed.as_ref().is_some_and(|a| a.contains(value)) {
                    let message =
                        format!("字段“{name}”的 enum_descriptions 说明了不在 enum 中的值“{value}”");
                    self.problem(spanned, message);
                }
            }
            if let (Some(lo), Some(hi)) = (f.minimum, f.maximum)
                && lo > hi
            {
                self.problem(spanned, format!("字段“{name}”的 minimum 大于 maximum"));
            }
            if let Some(p) = &f.pattern {
                match Regex::new(p) {
                    Ok(re) => field.pattern = Some(re),
                    Err(e) => self.problem(spanned, format!("字段“{name}”的 pattern 无效：{e}")),
                }
            }
            if let Some(d) = &f.default {
                match literal(&field, d) {
                    Ok(v) => field.default = v,
                    Err(e) => self.problem(spanned, format!("字段“{name}”的 default {e}")),
                }
            }
            fields.push(field);
        }
        // A legacy spelling is told apart by another field, which may come later in the sheet.
        for (i, spanned) in raw.iter().enumerate() {
            if let Some(legacy) = &spanned.get_ref().legacy {
                fields[i].legacy = self.legacy(legacy, &fields, i);
            }
        }
        fields
    }

    /// A multi-valued field's values are single words: text, not dates or numbers whose cells
    /// cannot be split, and no allowed value holds a separator.
    fn multi_valued(&mut self, at: &Spanned<RawField>, field: &Field) {
        if !field.multiple {
            return;
        }
        let name = &field.name;
        if field.kind != FieldKind::String {
            self.problem(at, format!("字段“{name}”不是文本类型，不能设 multiple"));
        }
        for value in field.allowed.iter().flatten() {
            if value.contains(VALUE_SEPARATORS) {
                let message = format!(
                    "字段“{name}”可填多项，其取值“{value}”不能含分隔符（、,，;；/ 或换行）"
                );
                self.problem(at, message);
            }
        }
    }

    fn legacy(
        &mut self,
        raw: &Spanned<RawLegacy>,
        fields: &[Field],
        index: usize,
    ) -> Option<Legacy> {
        let field = &fields[index];
        let name = &field.name;
        let l = raw.get_ref();
        let Some(allowed) = &field.allowed else {
            self.problem(raw, format!("字段“{name}”有 legacy 但没有 enum"));
            return None;
        };
        let Some(by) = fields.iter().position(|f| f.name == l.by) else {
            let message = format!("字段“{name}”的 legacy 引用了不存在的字段“{}”", l.by);
            self.problem(raw, message);
            return None;
        };
        let mut legacy = Legacy {
            by,
            subordinate: l.subordinate.clone(),
            values: Vec::new(),
            lookup: NameMap::default(),
        };
        for (old, pair) in &l.values {
            let [own, subordinate] = pair.as_slice() else {
                let message = format!(
                    "字段“{name}”的 legacy 中“{old}”须对应两个取值：[本单位的取值, 下属单位的取值]"
                );
                self.problem(raw, message);
                continue;
            };
            for value in [own, subordinate] {
                if !allowed.contains(value) {
                    let message =
                        format!("字段“{name}”的 legacy 中“{old}”对应的“{value}”不在 enum 中");
                    self.problem(raw, message);
                }
            }
            if field.enum_lookup.contains_key(&normalize(old)) {
                let message = format!("字段“{name}”的 legacy 旧取值“{old}”已是 enum 的取值或别名");
                self.problem(raw, message);
            }
            legacy.lookup.insert(normalize(old), legacy.values.len());
            legacy
                .values
                .push((old.clone(), own.clone(), subordinate.clone()));
        }
        Some(legacy)
    }

    fn conditions(
        &mut self,
        raw: &RawConditions,
        fields: &[Field],
        owner: &str,
    ) -> Option<Vec<Condition>> {
        let mut out = Vec::new();
        let mut ok = true;
        for (key, values) in raw {
            let Some(index) = fields.iter().position(|f| f.name == *key.get_ref()) else {
                self.problem(key, format!("{owner}引用了不存在的字段“{}”", key.get_ref()));
                ok = false;
                continue;
            };
            let mut converted = Vec::new();
            for v in values {
                match literal(&fields[index], v) {
                    Ok(v) => converted.push(v),
                    Err(e) => {
                        self.problem(key, format!("{owner}中字段“{}”的取值 {e}", key.get_ref()));
                        ok = false;
                    }
                }
            }
            out.push(Condition {
                field: index,
                values: converted,
            });
        }
        ok.then_some(out)
    }

    fn check(&mut self, raw: &Spanned<RawCheck>, fields: &[Field], sheet: &str) -> Option<Check> {
        let c = raw.get_ref();
        let level = match c.level.as_deref() {
            None | Some("警告") => Level::Warning,
            Some("错误") => Level::Error,
            Some("提示") => Level::Notice,
            Some(other) => {
                self.problem(
                    raw,
                    format!("检查的 level“{other}”无效，应为 错误、警告 或 提示"),
                );
                return None;
            }
        };
        let message = c.message.clone();
        match (&c.not_greater, &c.when, &c.require) {
            (Some(pair), None, None) => {
                let find = |name: &String| fields.iter().position(|f| &f.name == name);
                let indices: Vec<_> = pair.iter().map(find).collect();
                match indices.as_slice() {
                    [Some(a), Some(b)]
                        if fields[*a].kind == FieldKind::Integer
                            && fields[*b].kind == FieldKind::Integer =>
                    {
                        Some(Check::NotGreater {
                            lesser: *a,
                            greater: *b,
                            level,
                            message,
                        })
                    }
                    _ => {
                        self.problem(
                            raw,
                            format!("工作表“{sheet}”的 not_greater 须列出两个已有的整数字段"),
                        );
                        None
                    }
                }
            }
            (None, Some(when), Some(require)) => {
                let owner = format!("工作表“{sheet}”的检查");
                let when = self.conditions(when, fields, &owner);
                let require = self.conditions(require, fields, &owner);
                Some(Check::WhenRequire {
                    when: when?,
                    require: require?,
                    level,
                    message,
                })
            }
            _ => {
                self.problem(
                    raw,
                    format!("工作表“{sheet}”的检查须为 not_greater，或 when 与 require 成对"),
                );
                None
            }
        }
    }

    fn unit_types(
        &mut self,
        raw: &Option<Spanned<Vec<String>>>,
        known: &[String],
        owner: &str,
    ) -> Option<Vec<String>> {
        let spanned = raw.as_ref()?;
        for t in spanned.get_ref() {
            if !known.contains(t) {
                self.problem(
                    spanned,
                    format!("{owner}的单位类型“{t}”不在 [schema] unit_types 中"),
                );
            }
        }
        Some(spanned.get_ref().clone())
    }

    fn sheet_index(
        &mut self,
        name: &Spanned<String>,
        sheets: &[SheetSpec],
        owner: &str,
    ) -> Option<usize> {
        let found = sheets.iter().position(|s| s.name == *name.get_ref());
        if found.is_none() {
            self.problem(
                name,
                format!("{owner}引用了不存在的工作表“{}”", name.get_ref()),
            );
        }
        found
    }

    fn rule(&mut self, raw: RawRule, sheets: &[SheetSpec], known: &[String]) -> Option<Rule> {
        let owner = format!("规则“{}”", raw.name.get_ref());
        let unit_types = self.unit_types(&raw.unit_types, known, &owner);
        let sheet = self.sheet_index(&raw.sheet, sheets, &owner)?;
        let conditions = self.conditions(&raw.conditions, &sheets[sheet].fields, &owner)?;
        let min = *raw.min.get_ref();
        if !(1..=100_000).contains(&min) {
            self.problem(&raw.min, format!("{owner}的 min 须为 1 到 100000 的整数"));
        }
        let period = match (&raw.per, &raw.deadlines) {
            (Some(per), None) => {
                match per.get_ref().as_str() {
                    "year" => Period::Year,
                    "half" => Period::Half,
                    "quarter" => Period::Quarter,
                    "month" => Period::Month,
                    "week" => Period::Week,
                    other => {
                        self.problem(
                        per,
                        format!("{owner}的 per `{other}` 无效，应为 year、half、quarter、month 或 week"),
                    );
                        return None;
                    }
                }
            }
            (None, Some(deadlines)) => Period::Deadlines(self.deadlines(deadlines, &owner)?),
            (None, None) => Period::Year,
            (Some(per), Some(_)) => {
                self.problem(per, format!("{owner}不能同时有 per 和 deadlines"));
                return None;
            }
        };
        let weight = raw.weight.as_ref().map_or(1.0, |w| *w.get_ref());
        if let Some(w) = &raw.weight
            && !(w.get_ref().is_finite() && *w.get_ref() > 0.0)
        {
            self.problem(w, format!("{owner}的 weight 须为正数"));
        }
        let date_field = match &raw.date_field {
            Some(d) => Some(self.date_field(d, &sheets[sheet].fields, &owner)?),
            None => None,
        };
        Some(Rule {
            name: raw.name.into_inner(),
            sheet,
            conditions,
            min: min.clamp(1, 100_000) as u32,
            period,
            unit_types,
            weight,
            basis: raw.basis,
            date_field,
        })
    }

    fn deadlines(&mut self, raw: &Spanned<Vec<String>>, owner: &str) -> Option<Vec<(u32, u32)>> {
        let mut out: Vec<(u32, u32)> = Vec::new();
        for d in raw.get_ref() {
            let parsed = d
                .split_once('-')
                .and_then(|(m, day)| Some((m.parse().ok()?, day.parse().ok()?)))
                .filter(|&(m, day)| chrono::NaiveDate::from_ymd_opt(2024, m, day).is_some());
            match parsed {
                Some(md) if out.last().is_none_or(|last| *last < md) => out.push(md),
                Some(_) => {
                    self.problem(raw, format!("{owner}的 deadlines 须按日期先后排列"));
                    return None;
                }
                None => {
                    self.problem(raw, format!("{owner}的截止日期“{d}”应写作 MM-DD，如 06-10"));
                    return None;
                }
            }
        }
        if out.is_empty() {
            self.problem(raw, format!("{owner}的 deadlines 不能为空"));
            return None;
        }
        Some(out)
    }

    /// A rule defined twice for one unit type is reported at the second definition's `name`
    /// (`lines[i]` is rule `i`'s).
    fn check_rule_names(&mut self, rules: &[Rule], lines: &[usize]) {
        for (i, a) in rules.iter().enumerate() {
            for b in &rules[..i] {
                if a.name != b.name {
                    continue;
                }
                let overlap = match (&a.unit_types, &b.unit_types) {
                    (Some(x), Some(y)) => x.iter().find(|t| y.contains(t)).cloned(),
                    (Some(x), None) | (None, Some(x)) => x.first().cloned(),
                    (None, None) => Some("所有类型".to_string()),
                };
                if let Some(t) = overlap {
                    self.problems.push(Problem {
                        line: lines.get(i).copied(),
                        message: format!("规则“{}”对单位类型“{t}”定义了两次", a.name),
                    });
                }
            }
        }
    }

    fn flag(
        &mut self,
        raw: RawFlag,
        sheets: &[SheetSpec],
        known: &[String],
        rules: &[Rule],
    ) -> Option<Flag> {
        let owner = format!("标记“{}”", raw.name.get_ref());
        if rules.iter().any(|r| r.name == *raw.name.get_ref()) {
            self.problem(&raw.name, format!("{owner}与规则同名"));
        }
        let unit_types = self.unit_types(&raw.unit_types, known, &owner);
        let sheet = self.sheet_index(&raw.sheet, sheets, &owner)?;
        let fields = &sheets[sheet].fields;
        let conditions = self.conditions(&raw.conditions, fields, &owner)?;
        let pending = match raw.pending {
            Some(p) => Some(Pending {
                conditions: self.conditions(&p.conditions, fields, &owner)?,
                value: p.set,
            }),
            None => None,
        };
        Some(Flag {
            name: raw.name.into_inner(),
            sheet,
            conditions,
            set: raw.set,
            pending,
            otherwise: raw.otherwise,
            unit_types,
            basis: raw.basis,
        })
    }

    /// The date field a rule names: a date field of the rule's sheet.
    fn date_field(&mut self, d: &Spanned<String>, fields: &[Field], owner: &str) -> Option<usize> {
        match fields.iter().position(|f| f.name == *d.get_ref()) {
            Some(i) if fields[i].kind == FieldKind::Date => Some(i),
            Some(_) => {
                self.problem(
                    d,
                    format!("{owner}的 date_field“{}”不是日期类型", d.get_ref()),
                );
                None
            }
            None => {
                let message = format!("{owner}的 date_field 引用了不存在的字段“{}”", d.get_ref());
                self.problem(d, message);
                None
            }
        }
    }

    /// A field of `fields` named in `owner`, reported when there is none.
    fn field_index(
        &mut self,
        name: &Spanned<String>,
        fields: &[Field],
        owner: &str,
    ) -> Option<usize> {
        let found = fields.iter().position(|f| f.name == *name.get_ref());
        if found.is_none() {
            self.problem(
                name,
                format!("{owner}引用了不存在的字段“{}”", name.get_ref()),
            );
        }
        found
    }

    fn subject_list(&mut self, raw: RawSubjectList, sheets: &[SheetSpec]) -> Option<SubjectList> {
        let owner = format!("名单“{}”", raw.name.get_ref());
        let sheet = self.sheet_index(&raw.sheet, sheets, &owner)?;
        let fields = &sheets[sheet].fields;
        let who = self.field_index(&raw.who, fields, &owner);
        let columns: Vec<Option<usize>> = (raw.columns.iter())
            .map(|c| self.field_index(c, fields, &owner))
            .collect();
        let conditions = self.conditions(&raw.conditions, fields, &owner);
        let pending = match raw.pending {
            Some(p) => Some(Pending {
                conditions: self.conditions(&p.conditions, fields, &owner)?,
                value: p.outcome,
            }),
            None => None,
        };
        Some(SubjectList {
            name: raw.name.into_inner(),
            sheet,
            who: who?,
            conditions: conditions?,
            columns: columns.into_iter().collect::<Option<_>>()?,
            outcome: raw.outcome,
            pending,
            basis: raw.basis,
        })
    }

    fn tally(&mut self, raw: RawTally, sheets: &[SheetSpec]) -> Option<Tally> {
        let owner = format!("合计“{}”", raw.name.get_ref());
        let sheet = self.sheet_index(&raw.sheet, sheets, &owner)?;
        let fields = &sheets[sheet].fields;
        let mut sums = Vec::new();
        for name in &raw.sum {
            let i = self.field_index(name, fields, &owner)?;
            if fields[i].kind != FieldKind::Integer {
                self.problem(
                    name,
                    format!("{owner}的字段“{}”不是整数类型", name.get_ref()),
                );
                return None;
            }
            sums.push(i);
        }
        if sums.is_empty() {
            self.problem(&raw.name, format!("{owner}的 sum 不能为空"));
            return None;
        }
        let ratio = match &raw.ratio {
            Some(r) => {
                let named = |field: &str| sums.iter().position(|&i| fields[i].name == field);
                let ratio = r.get_ref();
                match (named(&ratio.numerator), named(&ratio.denominator)) {
                    (Some(numerator), Some(denominator)) => Some(Ratio {
                        name: ratio.name.clone(),
                        numerator,
                        denominator,
                    }),
                    _ => {
                        let message = format!(
                            "{owner}的 ratio 的 numerator 与 denominator 须是 sum 中的字段"
                        );
                        self.problem(r, message);
                        return None;
                    }
                }
            }
            None => None,
        };
        let mut columns: Vec<String> = sums.iter().map(|&i| fields[i].name.clone()).collect();
        columns.extend(ratio.as_ref().map(|r| r.name.clone()));
        Some(Tally {
            name: raw.name.into_inner(),
            sheet,
            sums,
            ratio,
            columns,
            basis: raw.basis,
        })
    }

    /// Rules, flags and tallies each give 排名 columns: no tally column may take a name already
    /// taken (a flag named like a rule is reported where the flag is read).
    fn check_column_names(&mut self, rules: &[Rule], flags: &[Flag], tallies: &[Tally]) {
        let mut seen: Vec<&str> = rules.iter().map(|r| r.name.as_str()).collect();
        seen.extend(flags.iter().map(|f| f.name.as_str()));
        for column in tallies.iter().flat_map(|t| &t.columns) {
            if seen.contains(&column.as_str()) {
                self.problems.push(Problem {
                    line: None,
                    message: format!("合计的列名“{column}”与规则、标记或其他合计的列重名"),
                });
            }
            seen.push(column);
        }
    }
}

/// A value written in the schema (a `where`, `when`, `require` or `default`), typed by its field.
fn literal(field: &Field, v: &toml::Value) -> Result<Value, String> {
    match (field.kind, v) {
        (FieldKind::Boolean, toml::Value::Boolean(b)) => Ok(Value::Bool(*b)),
        (FieldKind::Integer, toml::Value::Integer(i)) => Ok(Value::Int(*i)),
        (FieldKind::String, toml::Value::String(s)) => match &field.allowed {
            None => Ok(Value::Text(s.as_str().into())),
            Some(allowed) => match field.enum_lookup.get(&normalize(s)) {
                Some(&i) => Ok(Value::Text(allowed[i].as_str().into())),
                None => Err(format!("“{s}”不在允许的取值中（{}）", allowed.join("、"))),
            },
        },
        (FieldKind::Date, toml::Value::String(s)) => {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Value::Date)
                .map_err(|_| format!("“{s}”不是 YYYY-MM-DD 日期"))
        }
        (kind, other) => Err(format!("{other} 与字段类型“{}”不符", kind.label())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULT: &str = include_str!("../../schemas/ideology_work.toml");

    fn problems(text: &str) -> Vec<String> {
        match parse(text, "t.toml") {
            Ok(_) => Vec::new(),
            Err(e) => e
                .problems
                .iter()
                .map(|p| format!("{}: {}", p.line.unwrap_or(0), p.message))
                .collect(),
        }
    }

    #[test]
    fn default_schema_loads_with_its_rules() {
        let schema = parse(DEFAULT, "default").unwrap();
        assert_eq!(schema.sheets.len(), 4);
        assert_eq!(schema.rules.len(), 22);
        assert_eq!(schema.flags.len(), 1);
        assert_eq!(schema.rules[3].period, Period::Week);
        let report = &schema.rules[21];
        assert_eq!(report.period, Period::Deadlines(vec![(6, 10), (12, 10)]));
        let inspections = &schema.sheets[2];
        assert_eq!(
            report
                .date_field
                .map(|f| inspections.fields[f].name.as_str()),
            Some("上报日期")
        );
        let cases = &schema.sheets[3];
        let field = |name: &str| cases.fields.iter().find(|f| f.name == name).unwrap();
        assert!(field("处理方式").multiple);
        assert_eq!(field("问责情形").enum_descriptions.len(), 14);
        let legacy = field("对象类别").legacy.as_ref().unwrap();
        assert_eq!(cases.fields[legacy.by].name, "被问责对象");
        assert!(legacy.spelling("领导班子").is_some());
        assert!(schema.flags[0].pending.is_some());
        assert_eq!(schema.subject_lists[0].name, "取消评优评先资格");
        assert_eq!(
            schema.tallies[0].columns,
            ["发现问题数", "已整改数", "整改率"]
        );
        let study = &schema.sheets[0];
        assert_eq!(study.date_field, Some(1));
        assert_eq!(study.fields[2].enum_lookup.get("中心组"), Some(&0));
        assert_eq!(study.fields[3].default, Value::Null);
        assert_eq!(study.fields[4].default, Value::Bool(false));
    }

    #[test]
    fn unknown_keys_and_bad_references_are_reported_together() {
        let text = DEFAULT
            .replacen(
                "basis = \"004：“坚持每周集中学习1次”（按工作周考核）\"",
                "basis = \"004\"\nbais = \"x\"",
                1,
            )
            .replacen(
                "sheet = \"督查检查\"\nmin = 1",
                "sheet = \"督察检查\"\nmin = 1",
                1,
            );
        let found = problems(&text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found
                .iter()
                .any(|p| p.contains("`bais`") && p.contains("`basis`"))
        );
        assert!(found.iter().any(|p| p.contains("不存在的工作表“督察检查”")));
    }

    /// Each rule of the default schema binds one unit type and cites only the document that binds
    /// that type (街道 by analogy with 乡镇, and saying so): a 部门 is never told it fell short of a
    /// park's or a township's quota. And no type is judged on a quota its document does not set.
    #[test]
    fn every_default_rule_cites_the_document_of_its_unit_type() {
        let schema = parse(DEFAULT, "default").unwrap();
        let seed = |unit_type: &str| match unit_type {
            "乡镇" => "003：",
            "街道" => "参照 003（乡镇）执行：",
            "部门" => "004：",
            "园区" => "002：",
            "学校" => "000：",
            other => panic!("{other}"),
        };
        let mut judged: Vec<(String, String)> = Vec::new();
        for rule in &schema.rules {
            let types = rule.unit_types.as_ref().unwrap();
            assert_eq!(types.len(), 1, "{}", rule.name);
            assert!(
                rule.basis.starts_with(seed(&types[0])),
                "{}: {}",
                rule.name,
                rule.basis
            );
            judged.push((types[0].clone(), rule.name.clone()));
        }
        let of = |t: &str| -> Vec<&str> {
            judged
                .iter()
                .filter(|(u, _)| u == t)
                .map(|(_, r)| r.as_str())
                .collect()
        };
        assert_eq!(of("部门"), ["集中学习", "专题研究"]);
        assert_eq!(of("学校"), ["意识形态专题学习", "自查报告"]);
        let township = [
            "集中学习",
            "意识形态专题学习",
            "专题研究",
            "分析研判",
            "专题汇报",
            "督查",
        ];
        assert_eq!(of("乡镇"), township);
        assert_eq!(of("街道"), township);
        assert_eq!(of("园区"), township);
    }

    /// The second edition's keys are checked like the others: a multi-valued field that is no
    /// text, a legacy rule naming a missing field, a rule's date field that is no date, a
    /// subject list's unknown who, a ratio of a field not summed.
    #[test]
    fn the_new_keys_are_checked_when_loaded() {
        let text = DEFAULT
            .replacen(
                "{ name = \"约谈人数\", type = \"integer\",",
                "{ name = \"约谈人数\", type = \"integer\", multiple = true,",
                1,
            )
            .replacen(
                "legacy = { by = \"被问责对象\"",
                "legacy = { by = \"问责对象\"",
                1,
            )
            .replacen("date_field = \"上报日期\"", "date_field = \"形式\"", 1)
            .replacen("who = \"被问责对象\"", "who = \"姓名\"", 1)
            .replacen(
                "denominator = \"发现问题数\"",
                "denominator = \"约谈人数\"",
                1,
            )
            .replacen("[[tally]]", "[[tally]]\nsums = []", 1);
        let found = problems(&text);
        let has = |s: &str| found.iter().any(|p| p.contains(s));
        assert!(
            has("字段“约谈人数”不是文本类型，不能设 multiple"),
            "{found:?}"
        );
        assert!(has("legacy 引用了不存在的字段“问责对象”"), "{found:?}");
        assert!(has("date_field“形式”不是日期类型"), "{found:?}");
        assert!(
            has("名单“取消评优评先资格”引用了不存在的字段“姓名”"),
            "{found:?}"
        );
        assert!(
            has("ratio 的 numerator 与 denominator 须是 sum 中的字段"),
            "{found:?}"
        );
        assert!(has("`sums`") && has("`sum`"), "{found:?}");
        assert_eq!(found.len(), 6, "{found:?}");
    }

    #[test]
    fn every_unknown_key_is_reported_with_its_line() {
        let text = DEFAULT.replacen("min = 12", "minn = 12", 1).replacen(
            "date_field = \"日期\"",
            "date_feild = \"日期\"",
            1,
        );
        let found = problems(&text);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(
            found
                .iter()
                .any(|p| p.contains("`minn`") && p.contains("`min`"))
        );
        // Said at the rule's `[[rule]]` line.
        let rule_line = DEFAULT.lines().position(|l| l == "[[rule]]").unwrap() + 1;
        assert!(
            found
                .iter()
                .any(|p| *p == format!("{rule_line}: 缺少必需的键 `min`")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("28: ") && p.contains("date_feild"))
        );
    }

    #[test]
    fn unknown_sheet_field_and_value_in_rules_are_all_reported() {
        let text = DEFAULT
            .replacen(
                "sheet = \"学习记录\"\nwhere",
                "sheet = \"学习记录表\"\nwhere",
                1,
            )
            .replacen(
                "where = { \"类型\" = [\"专题研究\"] }",
                "where = { \"类别\" = [\"专题研究\"] }",
                1,
            )
            .replacen(
                "where = { \"类型\" = [\"分析研判\"] }",
                "where = { \"类型\" = [\"分析\"] }",
                1,
            );
        let found = problems(&text);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].contains("不存在的工作表“学习记录表”"));
        assert!(found[1].contains("不存在的字段“类别”"));
        assert!(found[2].contains("“分析”不在允许的取值中"));
    }

    #[test]
    fn two_rules_of_one_name_for_one_unit_type_are_an_error() {
        let text = DEFAULT.replacen(
            "per = \"week\"\nunit_types = [\"部门\"]",
            "per = \"week\"\nunit_types = [\"部门\", \"乡镇\"]",
            1,
        );
        // Reported at the 部门 rule's name, the fourth of that name.
        let second = (text.lines().enumerate())
            .filter(|(_, l)| *l == "name = \"集中学习\"")
            .nth(3)
            .map(|(i, _)| i + 1)
            .unwrap();
        let found = problems(&text);
        assert_eq!(
            found,
            vec![format!(
                "{second}: 规则“集中学习”对单位类型“乡镇”定义了两次"
            )]
        );
    }

    #[test]
    fn bad_types_periods_and_syntax_are_explained() {
        assert!(problems("[schema\nname=1")[0].contains("TOML 语法错误"));
        let text = DEFAULT
            .replacen("type = \"integer\"", "type = \"int\"", 1)
            .replacen("per = \"half\"", "per = \"semester\"", 1)
            .replacen("unit_types = [\"学校\"]", "unit_types = [\"医院\"]", 1);
        let found = problems(&text);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found.iter().any(|p| p.contains("类型 `int` 无效")));
        assert!(found.iter().any(|p| p.contains("per `semester` 无效")));
        assert!(found.iter().any(|p| p.contains("“医院”不在")));
    }

    #[test]
    fn missing_required_key_names_it() {
        let text = DEFAULT.replacen("min = 12\n", "", 1);
        let found = problems(&text);
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("min"), "{found:?}");
    }

    /// Sheet names are held to Excel's rules, the info sheet's too, each problem at its line;
    /// names Excel or the readers cannot tell apart are one name.
    #[test]
    fn sheet_names_excel_refuses_are_reported_at_their_line() {
        let text = DEFAULT
            .replacen("sheet = \"基本信息\"", "sheet = \"基本信息/2026\"", 1)
            .replace("\"学习记录\"", "\"../../../x\"")
            .replace("\"研究研判\"", "\"學習記錄\"");
        let found = problems(&text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].starts_with("14: 工作表名“基本信息/2026”含有“/”"),
            "{found:?}"
        );
        assert!(
            found[1].starts_with("26: 工作表名“../../../x”含有“/”"),
            "{found:?}"
        );
        let text = DEFAULT.replace("\"研究研判\"", "\"學習記錄\"");
        assert_eq!(
            problems(&text),
            [
                "42: 工作表“學習記錄”与“学习记录”会被当作同一张表（Excel 不区分大小写，读取时也不区分繁简、全半角和空格），请换一个名称"
            ]
        );
        let text = DEFAULT.replace("\"研究研判\"", "\"基本信息\"");
        assert_eq!(problems(&text), ["42: 工作表“基本信息”重复定义"]);
    }
}
