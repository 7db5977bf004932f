//! The year-end outputs: the model every output is built from (`build`), and writing them —
//! `汇总_<year>.xlsx`, `汇总_<year>.json`, `明细/<sheet>.csv` (and `.parquet` with the `parquet`
//! feature), `校验问题.jsonl`, `反馈/<单位名称>.xlsx`, `催报名单.txt` — as one set (`set`): into a
//! staging folder, then swapped in, so an interrupted run leaves the previous set intact.

pub(crate) mod docx;
pub(crate) mod feedback;
pub(crate) mod overview;
pub(crate) mod set;
pub(crate) mod table;
pub(crate) mod xlsx;

use crate::aggregate::{self, Frames};
use crate::error::{Error, Result};
use crate::evaluate::{Scorecard, case_sheet};
use crate::issue::Issue;
use crate::outcome::Checked;
use crate::record::{Record, Value};
use crate::schema::{Schema, SubjectList};
use chrono::Datelike;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Counts of the accountability sheet by a field.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Breakdown {
    pub field: String,
    pub counts: Vec<(String, u32)>,
}

/// Everything the outputs show.
pub(crate) struct ReportModel<'a> {
    pub schema: &'a Schema,
    pub checked: &'a Checked,
    pub card: &'a Scorecard,
    /// Per schema sheet, county-wide accepted records per month.
    pub monthly: Vec<(String, [u32; 12])>,
    /// The accountability sheet's index and its breakdowns.
    pub cases: Option<(usize, Vec<Breakdown>)>,
    /// The schema's subject lists (`[[subject_list]]`), each entry a matching record.
    pub subject_lists: Vec<SubjectTable<'a>>,
    /// Per flag, each unit's records that set it (for the unit's feedback to name them).
    pub flag_records: Vec<BTreeMap<&'a str, Vec<&'a Record>>>,
    /// 总览 and the 通报's numbers and paragraph.
    pub overview: overview::Overview,
    /// Last year's ranking (`--compare`), when given.
    pub last_year: Option<crate::last_year::LastYear>,
    /// Each unit's line in the ranking (`card.units`), by name: feedback looks units up one at
    /// a time.
    pub scores: std::collections::HashMap<&'a str, &'a crate::evaluate::UnitScore>,
    /// When the report was generated (the only thing that differs between two runs).
    pub generated_at: String,
    /// Issues of writing the reports themselves (a feedback workbook that could not be written),
    /// shown after the others in 校验问题 and `校验问题.jsonl`.
    pub writing_issues: Vec<Issue>,
}

impl ReportModel<'_> {
    /// `数据截至2026年7月5日`: the date the year is judged as of, as every title line shows it.
    pub(crate) fn as_of_text(&self) -> String {
        let d = self.card.as_of;
        format!("数据截至{}年{}月{}日", d.year(), d.month(), d.day())
    }

    /// A title with the date the data stops at.
    pub(crate) fn dated(&self, title: String) -> String {
        format!("{title}（{}）", self.as_of_text())
    }

    /// Every issue of the run: those of reading and checking, then those of writing.
    pub(crate) fn issues(&self) -> impl Iterator<Item = &Issue> {
        self.checked.issues.iter().chain(&self.writing_issues)
    }
}

/// A subject list as shown: its columns and one entry per matching record, by unit and then in
/// the order of the records.
pub(crate) struct SubjectTable<'a> {
    pub list: &'a SubjectList,
    /// The who field, 单位, the list's columns, 认定.
    pub headers: Vec<&'a str>,
    pub entries: Vec<Subject<'a>>,
}

/// One subject: who, the unit whose record names them, the list's columns and the outcome.
pub(crate) struct Subject<'a> {
    pub who: &'a Value,
    pub unit: &'a str,
    pub values: Vec<&'a Value>,
    pub outcome: &'a str,
}

/// The column of a subject list that holds each entry's outcome.
pub(crate) const OUTCOME_HEADER: &str = "认定";

fn subject_tables<'a>(schema: &'a Schema, checked: &'a Checked) -> Vec<SubjectTable<'a>> {
    let fields_of = |list: &SubjectList| &schema.sheets[list.sheet].fields;
    (schema.subject_lists.iter())
        .map(|list| {
            let fields = fields_of(list);
            let mut headers = vec![fields[list.who].name.as_str(), "单位"];
            headers.extend(list.columns.iter().map(|&c| fields[c].name.as_str()));
            headers.push(OUTCOME_HEADER);
            let mut entries: Vec<Subject<'a>> = (checked.records_of(list.sheet))
                .filter(|r| list.conditions.iter().all(|c| c.holds(&r.values)))
                .map(|r| Subject {
                    who: &r.values[list.who],
                    unit: &r.unit,
                    values: list.columns.iter().map(|&c| &r.values[c]).collect(),
                    outcome: list.outcome_of(&r.values),
                })
                .collect();
            entries.sort_by(|a, b| a.unit.cmp(b.unit));
            SubjectTable {
                list,
                headers,
                entries,
            }
        })
        .collect()
}

/// Per flag, each unit's records that match it.
fn flag_records<'a>(
    schema: &'a Schema,
    checked: &'a Checked,
) -> Vec<BTreeMap<&'a str, Vec<&'a Record>>> {
    (schema.flags.iter())
        .map(|flag| {
            let mut by_unit: BTreeMap<&str, Vec<&Record>> = BTreeMap::new();
            for r in checked.records_of(flag.sheet) {
                if flag.conditions.iter().all(|c| c.holds(&r.values)) {
                    by_unit.entry(&*r.unit).or_default().push(r);
                }
            }
            by_unit
        })
        .collect()
}

/// The fields the accountability statistics break cases down by, when the schema has them.
pub(crate) const CASE_BREAKDOWN: &[&str] = &["问责情形", "处理方式", "情节"];

/// Builds the model from the checked input, the scorecard and the frames.
pub(crate) fn build<'a>(
    schema: &'a Schema,
    checked: &'a Checked,
    card: &'a Scorecard,
    frames: &Frames,
    last_year: Option<crate::last_year::LastYear>,
) -> Result<ReportModel<'a>> {
    let monthly = schema
        .sheets
        .iter()
        .zip(&frames.sheets)
        .map(|(spec, df)| Ok((spec.name.clone(), aggregate::count_by_month(df)?)))
        .collect::<Result<Vec<_>>>()?;
    let cases = match case_sheet(schema) {
        Some(i) => {
            let spec = &schema.sheets[i];
            let mut breakdowns = Vec::new();
            for field in spec
                .fields
                .iter()
                .filter(|f| CASE_BREAKDOWN.contains(&f.name.as_str()))
            {
                breakdowns.push(Breakdown {
                    field: field.name.clone(),
                    counts: aggregate::count_by_value(
                        &frames.sheets[i],
                        &field.name,
                        field.multiple,
                    )?,
                });
            }
            Some((i, breakdowns))
        }
        None => None,
    };
    let mut model = ReportModel {
        schema,
        checked,
        card,
        monthly,
        cases,
        subject_lists: subject_tables(schema, checked),
        flag_records: flag_records(schema, checked),
        scores: (card.units.iter()).map(|u| (u.name.as_str(), u)).collect(),
        overview: overview::Overview::default(),
        last_year,
        generated_at: chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string(),
        writing_issues: Vec::new(),
    };
    model.overview = overview::Overview::of(&model);
    Ok(model)
}

/// Red for a period that ended short, amber for one behind schedule.
fn lateness_mark(status: crate::evaluate::Lateness) -> table::Mark {
    match status {
        crate::evaluate::Lateness::Missed => table::Mark::Red,
        crate::evaluate::Lateness::Behind => table::Mark::Amber,
    }
}

/// One 未达标明细 row: with the unit's name and type on the county's sheet, without them in the
/// unit's own feedback.
pub(crate) fn shortfall_row(
    s: &crate::evaluate::Shortfall,
    with_unit: bool,
) -> Vec<(table::Out, table::Mark)> {
    use table::{Mark, Out};
    let mut row = Vec::with_capacity(9);
    if with_unit {
        row.push((Out::from(s.unit.as_str()), Mark::Plain));
        row.push((Out::from(s.unit_type.as_str()), Mark::Plain));
    }
    row.extend([
        (Out::from(s.rule.as_str()), Mark::Plain),
        (Out::from(s.period.as_str()), Mark::Plain),
        (Out::from(s.status.label()), lateness_mark(s.status)),
        (Out::from(s.required), Mark::Plain),
        (Out::from(s.actual), Mark::Plain),
        (Out::from(s.gap), lateness_mark(s.status)),
        (Out::from(s.basis.as_str()), Mark::Plain),
    ]);
    row
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut tmp = temp_beside(path)?;
    tmp.write_all(bytes)?;
    finish(tmp, path)
}

/// A report written to its temporary file and being flushed to disk and renamed into place on a
/// thread of its own, so that the next report is built meanwhile.
#[must_use = "a pending report is in place only once waited for"]
pub(crate) struct Pending(std::thread::JoinHandle<Result<()>>);

impl Pending {
    pub(crate) fn wait(self) -> Result<()> {
        self.0
            .join()
            .map_err(|_| Error::Internal("写入报表的线程意外中止"))?
    }
}

/// Like `write_atomic`, with the content streamed by `fill`; the flush to disk and the rename
/// happen in the background (see `Pending`).
pub(crate) fn write_atomic_streamed(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<Pending> {
    let tmp = temp_beside(path)?;
    let mut writer = std::io::BufWriter::with_capacity(1 << 20, tmp);
    fill(&mut writer)?;
    let tmp = writer.into_inner().map_err(|e| Error::Io(e.into_error()))?;
    let path = path.to_path_buf();
    Ok(Pending(std::thread::spawn(move || finish(tmp, &path))))
}

fn temp_beside(path: &Path) -> Result<tempfile::NamedTempFile> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let failed = |what, source| Error::Output {
        what,
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(|e| failed("无法创建输出文件夹", e))?;
    tempfile::Builder::new()
        .prefix(".huizong-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| failed("无法写入临时文件到", e))
}

/// Flushes a written temporary file to disk and renames it into place.
fn finish(tmp: tempfile::NamedTempFile, path: &Path) -> Result<()> {
    tmp.as_file().sync_all()?;
    // Reports are for sharing: the temp file's owner-only mode is not kept.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.persist(path).map_err(|e| Error::Output {
        what: "无法写入",
        path: path.to_path_buf(),
        source: e.error,
    })?;
    Ok(())
}

/// The paths a run wrote.
#[derive(Debug, Clone, Default)]
pub(crate) struct Written {
    /// The summary workbook, the JSON, the detail files and the reminder list.
    pub reports: Vec<PathBuf>,
    /// One workbook per unit, in `反馈/`.
    pub feedback: Vec<PathBuf>,
}

/// Writes the whole report set into `out` (`docs/outputs.md#the-report-set`): everything into a
/// staging folder first, then swapped in for the previous set. The feedback workbooks go first,
/// so that one that could not be written is an issue of 校验问题, not the end of the run.
pub(crate) fn write_all(
    model: &mut ReportModel<'_>,
    frames: &Frames,
    out: &Path,
    feedback: bool,
) -> Result<Written> {
    let staging = set::Staging::begin(out)?;
    let dir = staging.dir();
    let mut written = Written::default();
    if feedback {
        let (roll, workbooks, failed) = feedback::write_all(model, &dir.join("反馈"))?;
        written.reports.push(roll);
        written.feedback = workbooks;
        model.writing_issues = failed;
    }
    let model = &*model;
    let year = model.card.year;
    // The workbook (the dearest) and the other files are independent: built on both cores, each
    // flushed to disk in the background while the next is built.
    let (summary, details) = rayon::join(
        || -> Result<Vec<(PathBuf, Pending)>> {
            let summary = dir.join(format!("汇总_{year}.xlsx"));
            let bytes = xlsx::summary(model)?;
            let summary_done = write_atomic_streamed(&summary, |w| Ok(w.write_all(&bytes)?))?;
            Ok(vec![(summary, summary_done)])
        },
        || -> Result<Vec<(PathBuf, Pending)>> {
            let json = dir.join(format!("汇总_{year}.json"));
            let json_done = write_atomic_streamed(&json, |w| json_into(model, w))?;
            let lines = dir.join(ISSUES_JSONL);
            let lines_done = write_atomic_streamed(&lines, |w| issues_jsonl(model, w))?;
            let docx = dir.join(format!("通报_{year}.docx"));
            let bytes = docx::tongbao(model, &model.overview)?;
            let docx_done = write_atomic_streamed(&docx, |w| Ok(w.write_all(&bytes)?))?;
            let mut written = vec![(json, json_done), (lines, lines_done), (docx, docx_done)];
            for (i, spec) in model.schema.sheets.iter().enumerate() {
                let path = dir.join("明细").join(format!("{}.csv", spec.name));
                let done = write_atomic_streamed(&path, |w| detail_csv(model, i, w))?;
                written.push((path, done));
                #[cfg(feature = "parquet")]
                {
                    let path = dir.join("明细").join(format!("{}.parquet", spec.name));
                    let bytes = parquet_bytes(&frames.sheets[i], spec)?;
                    let done = write_atomic_streamed(&path, |w| Ok(w.write_all(&bytes)?))?;
                    written.push((path, done));
                }
            }
            let _ = frames;
            Ok(written)
        },
    );
    // The marker that tells a later run this folder holds reports, not submissions.
    write_atomic(
        &dir.join(crate::ingest::REPORT_MARKER),
        "huizong 报表文件夹：其中的文件由 huizong 生成，不作为报送材料读取。\r\n".as_bytes(),
    )?;
    let mut paths = Vec::new();
    for (path, pending) in summary?.into_iter().chain(details?) {
        pending.wait()?;
        paths.push(path);
    }
    paths.append(&mut written.reports);
    written.reports = paths.iter().map(|p| staging.final_path(p)).collect();
    written.feedback = (written.feedback.iter())
        .map(|p| staging.final_path(p))
        .collect();
    staging.commit()?;
    Ok(written)
}

/// `汇总_<year>.json`, streamed: no tree of the whole report is built (at 100,000 units it would
/// hold every file and unit twice over). Keys come out sorted, as `serde_json::Value` sorts them:
/// the top level and each file by field order here, the ranking, shortfalls and totals one element
/// at a time through `Value`.
fn json_into(model: &ReportModel<'_>, out: &mut dyn Write) -> Result<()> {
    #[derive(serde::Serialize)]
    struct Report<'a> {
        /// The date the year is judged as of, `2026-07-05`.
        as_of: String,
        files: Vec<File<'a>>,
        flags: &'a [String],
        ranking: EachAsValue<'a, crate::evaluate::UnitScore>,
        rules: &'a [String],
        schema: Id<'a>,
        /// The layout of this file (`last_year::JSON_VERSION`).
        schema_version: u32,
        shortfalls: EachAsValue<'a, crate::evaluate::Shortfall>,
        subject_lists: BTreeMap<&'a str, Vec<serde_json::Value>>,
        tallies: serde_json::Value,
        totals: serde_json::Value,
        year: i32,
    }
    #[derive(serde::Serialize)]
    struct Id<'a> {
        name: &'a str,
        version: &'a str,
    }
    #[derive(serde::Serialize)]
    struct File<'a> {
        fate: String,
        file: &'a str,
        rows: u32,
        sha256: Option<&'a str>,
        size: u64,
        unit: Option<&'a str>,
    }
    let checked = model.checked;
    let report = Report {
        as_of: model.card.as_of.format("%Y-%m-%d").to_string(),
        files: checked
            .files
            .iter()
            .map(|f| File {
                fate: f.fate.label(),
                file: &f.source.rel,
                rows: f.data_rows(),
                sha256: f.sha256.as_deref(),
                size: f.source.size,
                unit: f
                    .unit
                    .and_then(|i| checked.units.get(i))
                    .map(|u| u.unit.name.as_str()),
            })
            .collect(),
        flags: &model.card.flag_names,
        ranking: EachAsValue(&model.card.units),
        rules: &model.card.rule_names,
        schema: Id {
            name: &model.schema.name,
            version: &model.schema.version,
        },
        schema_version: crate::last_year::JSON_VERSION,
        shortfalls: EachAsValue(&model.card.shortfalls),
        subject_lists: (model.subject_lists.iter())
            .map(|t| (t.list.name.as_str(), subject_json(t)))
            .collect(),
        tallies: serde_json::to_value(&model.card.tallies)?,
        totals: serde_json::to_value(&checked.totals)?,
        year: model.card.year,
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// A subject list's entries as JSON objects keyed by its headers; a multi-valued field is an
/// array, a date `YYYY-MM-DD`.
fn subject_json(table: &SubjectTable<'_>) -> Vec<serde_json::Value> {
    (table.entries.iter())
        .map(|e| {
            let mut values = vec![json_value(e.who), e.unit.into()];
            values.extend(e.values.iter().map(|v| json_value(v)));
            values.push(e.outcome.into());
            let object = (table.headers.iter().map(|h| h.to_string()))
                .zip(values)
                .collect();
            serde_json::Value::Object(object)
        })
        .collect()
}

fn json_value(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Int(i) => (*i).into(),
        Value::Bool(b) => (*b).into(),
        Value::List(items) => items.iter().map(json_value).collect(),
        other => other.to_string().into(),
    }
}

/// A list serialised one element at a time through `serde_json::Value`, so that each element's
/// keys come out sorted without the whole list becoming a tree.
struct EachAsValue<'a, T>(&'a [T]);

impl<T: serde::Serialize> serde::Serialize for EachAsValue<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for item in self.0 {
            seq.serialize_element(&serde_json::to_value(item).map_err(S::Error::custom)?)?;
        }
        seq.end()
    }
}

/// Every issue of the run, one JSON object per line as `check --json` prints them: 校验问题
/// shows at most 100,000; this file holds them all.
pub(crate) const ISSUES_JSONL: &str = "校验问题.jsonl";

fn issues_jsonl(model: &ReportModel<'_>, out: &mut dyn Write) -> Result<()> {
    for issue in model.issues() {
        serde_json::to_writer(&mut *out, issue)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// A text field as a spreadsheet program can open it without running it: one that starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return would be taken for a formula (OWASP's CSV
/// injection rule), so it gets a leading `'`, which Excel and WPS show as text.
fn inert(field: &str) -> std::borrow::Cow<'_, str> {
    match field.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{field}").into(),
        _ => field.into(),
    }
}

/// One sheet's accepted records as CSV, UTF-8 with BOM so Excel opens it as such.
fn detail_csv(model: &ReportModel<'_>, sheet: usize, out: &mut dyn Write) -> Result<()> {
    use std::fmt::Write as _;
    let spec = &model.schema.sheets[sheet];
    out.write_all("\u{feff}".as_bytes())?;
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(
        ["单位名称", "文件", "行"]
            .into_iter()
            .chain(spec.fields.iter().map(|f| f.name.as_str())),
    )?;
    // Hundreds of thousands of rows: fields go straight to the writer, numbers and dates
    // without the formatting machinery.
    let mut number = itoa::Buffer::new();
    let mut text = String::new();
    for record in model.checked.records_of(sheet) {
        let file = model
            .checked
            .files
            .get(record.file)
            .map_or("", |f| f.source.rel.as_str());
        writer.write_field(inert(&record.unit).as_bytes())?;
        writer.write_field(inert(file).as_bytes())?;
        writer.write_field(number.format(record.row + 1))?;
        for value in &record.values {
            match value {
                Value::Null => writer.write_field("")?,
                Value::Text(s) => writer.write_field(inert(s).as_bytes())?,
                Value::Int(i) => writer.write_field(number.format(*i))?,
                Value::Date(d) if let Some(day) = crate::record::iso_date(*d) => {
                    writer.write_field(&*day)?;
                }
                other => {
                    text.clear();
                    write!(text, "{other}")?;
                    writer.write_field(&text)?;
                }
            }
        }
        writer.write_record(None::<&[u8]>)?;
    }
    writer.flush()?;
    Ok(())
}

#[cfg(feature = "parquet")]
fn parquet_bytes(
    df: &polars::prelude::DataFrame,
    spec: &crate::schema::SheetSpec,
) -> Result<Vec<u8>> {
    use polars::prelude::*;
    let mut keep: Vec<&str> = vec![aggregate::UNIT, aggregate::FILE, aggregate::ROW];
    keep.extend(spec.fields.iter().map(|f| f.name.as_str()));
    let mut df = df.select(keep)?;
    df.rename(aggregate::UNIT, "单位名称".into())?;
    df.rename(aggregate::FILE, "文件".into())?;
    df.rename(aggregate::ROW, "行".into())?;
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes).finish(&mut df)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::EachAsValue;

    /// Each element's keys come out sorted, as the whole list turned into a `Value` gives them.
    #[test]
    fn each_element_is_written_as_its_value() {
        #[derive(serde::Serialize)]
        struct Unit {
            zhuanti: u32,
            name: &'static str,
            rate: f64,
            flags: Vec<Option<&'static str>>,
        }
        let units = vec![
            Unit {
                zhuanti: 2,
                name: "龙爪镇",
                rate: 0.75,
                flags: vec![Some("是"), None],
            },
            Unit {
                zhuanti: 0,
                name: "城关街道",
                rate: 1.0,
                flags: vec![],
            },
        ];
        assert_eq!(
            serde_json::to_string_pretty(&EachAsValue(&units)).unwrap(),
            serde_json::to_string_pretty(&serde_json::to_value(&units).unwrap()).unwrap()
        );
        assert!(
            serde_json::to_string(&EachAsValue(&units))
                .unwrap()
                .starts_with(r#"[{"flags""#)
        );
    }
}
