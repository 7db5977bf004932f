//! The year-end outputs: the model every output is built from (`build`), and writing them —
//! `汇总_<year>.xlsx`, `汇总_<year>.json`, `明细/<sheet>.csv` (and `.parquet` with the `parquet`
//! feature), `反馈/<单位名称>.xlsx`. Every file is written to a temporary name in its folder and
//! renamed into place, so an interrupted run leaves the previous report intact.

pub mod feedback;
pub mod table;
pub mod xlsx;

use crate::aggregate::{self, Frames};
use crate::evaluate::{Scorecard, case_sheet};
use crate::pipeline::Checked;
use crate::schema::Schema;
use anyhow::Context as _;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Counts of the accountability sheet by a field.
#[derive(Debug, Clone, PartialEq)]
pub struct Breakdown {
    pub field: String,
    pub counts: Vec<(String, u32)>,
}

/// Everything the outputs show.
pub struct ReportModel<'a> {
    pub schema: &'a Schema,
    pub checked: &'a Checked,
    pub card: &'a Scorecard,
    /// Per schema sheet, county-wide accepted records per month.
    pub monthly: Vec<(String, [u32; 12])>,
    /// The accountability sheet's index and its breakdowns.
    pub cases: Option<(usize, Vec<Breakdown>)>,
    /// When the report was generated (the only thing that differs between two runs).
    pub generated_at: String,
}

/// The fields the accountability statistics break cases down by, when the schema has them.
const CASE_BREAKDOWN: &[&str] = &["问责情形", "处理方式", "情节"];

/// Builds the model from the checked input, the scorecard and the frames.
pub fn build<'a>(
    schema: &'a Schema,
    checked: &'a Checked,
    card: &'a Scorecard,
    frames: &Frames,
) -> anyhow::Result<ReportModel<'a>> {
    let monthly = schema
        .sheets
        .iter()
        .zip(&frames.sheets)
        .map(|(spec, df)| Ok((spec.name.clone(), aggregate::count_by_month(df)?)))
        .collect::<anyhow::Result<Vec<_>>>()?;
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
                    counts: aggregate::count_by_value(&frames.sheets[i], &field.name)?,
                });
            }
            Some((i, breakdowns))
        }
        None => None,
    };
    Ok(ReportModel {
        schema,
        checked,
        card,
        monthly,
        cases,
        generated_at: chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string(),
    })
}

/// One 未达标明细 row: with the unit's name and type on the county's sheet, without them in the
/// unit's own feedback.
pub(crate) fn shortfall_row(
    s: &crate::evaluate::Shortfall,
    with_unit: bool,
) -> Vec<(table::Out, table::Mark)> {
    use table::{Mark, Out};
    let mut row = Vec::with_capacity(8);
    if with_unit {
        row.push((Out::from(s.unit.as_str()), Mark::Plain));
        row.push((Out::from(s.unit_type.as_str()), Mark::Plain));
    }
    row.extend([
        (Out::from(s.rule.as_str()), Mark::Plain),
        (Out::from(s.period.as_str()), Mark::Plain),
        (Out::from(s.required), Mark::Plain),
        (Out::from(s.actual), Mark::Plain),
        (Out::from(s.gap), Mark::Red),
        (Out::from(s.basis.as_str()), Mark::Plain),
    ]);
    row
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .with_context(|| format!("无法创建输出文件夹 {}", dir.display()))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".huizong-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("无法在 {} 中写入临时文件", dir.display()))?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    // Reports are for sharing: the temp file's owner-only mode is not kept.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.persist(path)
        .with_context(|| format!("无法写入 {}", path.display()))?;
    Ok(())
}

/// Writes every output into `out`; returns the paths written.
pub fn write_all(
    model: &ReportModel<'_>,
    frames: &Frames,
    out: &Path,
    feedback: bool,
) -> anyhow::Result<Vec<PathBuf>> {
    let year = model.card.year;
    // The summary and the detail files are independent: write them on both cores.
    let (summary, details) = rayon::join(
        || -> anyhow::Result<Vec<PathBuf>> {
            let summary = out.join(format!("汇总_{year}.xlsx"));
            write_atomic(&summary, &xlsx::summary(model)?)?;
            let json = out.join(format!("汇总_{year}.json"));
            write_atomic(&json, &json_bytes(model)?)?;
            Ok(vec![summary, json])
        },
        || -> anyhow::Result<Vec<PathBuf>> {
            let mut written = Vec::new();
            for (i, spec) in model.schema.sheets.iter().enumerate() {
                let path = out.join("明细").join(format!("{}.csv", spec.name));
                write_atomic(&path, &detail_csv(model, i))?;
                written.push(path);
                #[cfg(feature = "parquet")]
                {
                    let path = out.join("明细").join(format!("{}.parquet", spec.name));
                    write_atomic(&path, &parquet_bytes(&frames.sheets[i], spec)?)?;
                    written.push(path);
                }
            }
            let _ = frames;
            if feedback {
                written.extend(feedback::write_all(model, &out.join("反馈"))?);
            }
            Ok(written)
        },
    );
    let mut written = summary?;
    written.extend(details?);
    Ok(written)
}

fn json_bytes(model: &ReportModel<'_>) -> anyhow::Result<Vec<u8>> {
    let value = serde_json::json!({
        "schema": { "name": model.schema.name, "version": model.schema.version },
        "year": model.card.year,
        "rules": model.card.rule_names,
        "flags": model.card.flag_names,
        "ranking": model.card.units,
        "shortfalls": model.card.shortfalls,
        "totals": model.checked.totals,
        "files": model.checked.files.iter().map(|f| serde_json::json!({
            "file": f.source.rel,
            "size": f.source.size,
            "sha256": f.sha256,
            "fate": f.fate.label(),
            "unit": f.unit.and_then(|i| model.checked.units.get(i)).map(|u| u.unit.name.clone()),
            "rows": f.data_rows(),
        })).collect::<Vec<_>>(),
    });
    let mut bytes = serde_json::to_vec_pretty(&value)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// One sheet's accepted records as CSV, UTF-8 with BOM so Excel opens it as such.
fn detail_csv(model: &ReportModel<'_>, sheet: usize) -> Vec<u8> {
    let spec = &model.schema.sheets[sheet];
    let mut out = Vec::from("\u{feff}".as_bytes());
    let mut writer = csv::Writer::from_writer(&mut out);
    let mut header = vec!["单位名称".to_string(), "文件".to_string(), "行".to_string()];
    header.extend(spec.fields.iter().map(|f| f.name.clone()));
    let _ = writer.write_record(&header);
    for record in model.checked.records.iter().filter(|r| r.sheet == sheet) {
        let file = model
            .checked
            .files
            .get(record.file)
            .map_or("", |f| f.source.rel.as_str());
        let mut row = vec![
            record.unit.clone(),
            file.to_string(),
            (record.row + 1).to_string(),
        ];
        row.extend(record.values.iter().map(|v| v.to_string()));
        let _ = writer.write_record(&row);
    }
    let _ = writer.flush();
    drop(writer);
    out
}

#[cfg(feature = "parquet")]
fn parquet_bytes(
    df: &polars::prelude::DataFrame,
    spec: &crate::schema::SheetSpec,
) -> anyhow::Result<Vec<u8>> {
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
