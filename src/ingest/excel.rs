//! Reading xlsx/xlsm/xlsb/xls/ods through calamine into `RawSheet`s. xlsx and xlsb are read
//! with calamine's streaming cell reader so that only the cells present cost memory; xls and ods
//! only offer ranges. This is the only file that names calamine; it must not interpret cells.

use super::{Archive, ReadError, SheetError, Workbook};
use crate::outcome::Format;
use crate::sheet::{Cell, Merge, RawSheet};
use calamine::{Data, DataRef, Dimensions, Ods, Reader, SheetType, SheetVisible, Xls, Xlsb, Xlsx};
use std::io::Cursor;

type Bytes<'a> = Cursor<&'a [u8]>;

/// Reads every worksheet of a workbook held in memory; `zip` is its zip directory, when parsed.
/// A sheet stops being read at `max_cells` non-empty cells (`--max-cells`).
pub(super) fn read(
    bytes: &[u8],
    format: Format,
    zip: Option<Archive<'_>>,
    max_cells: usize,
) -> Result<Workbook, ReadError> {
    let cursor = Cursor::new(bytes);
    match format {
        Format::Xlsx => match read_xlsx(bytes, zip, max_cells) {
            Ok(workbook) => Ok(workbook),
            Err(e) => {
                // A macro sheet makes calamine refuse the whole workbook: read it without.
                let Some((rebuilt, removed)) = super::macros::without_macro_sheets(bytes) else {
                    return Err(e);
                };
                let mut workbook =
                    read_xlsx(&rebuilt, super::open_zip(&rebuilt), max_cells).map_err(|_| e)?;
                for sheet in removed {
                    workbook.skipped.push(SheetError {
                        sheet,
                        message: "Excel 4 宏表，不是台账，已跳过".into(),
                    });
                }
                Ok(workbook)
            }
        },
        Format::Xlsb => read_xlsb(Xlsb::new(cursor).map_err(open_error)?, max_cells),
        Format::Xls => read_ranges(
            Xls::new(cursor).map_err(open_error)?,
            format,
            max_cells,
            |wb, name| wb.merge_cells_by_sheet_name(name).unwrap_or_default(),
        ),
        Format::Ods => read_ranges(
            Ods::new(cursor).map_err(open_error)?,
            format,
            max_cells,
            |_, _| Vec::new(),
        ),
        Format::Csv => unreachable!("CSV is read by ingest::csv"),
    }
}

fn open_error(e: impl Into<calamine::Error>) -> ReadError {
    let e: calamine::Error = e.into();
    let text = e.to_string();
    if text.contains("password protected") {
        return ReadError::new("文件设置了密码保护，无法读取；请取消密码后重新报送");
    }
    let lower = text.to_ascii_lowercase();
    if lower.contains("zip") || lower.contains("eof") || lower.contains("invalid") {
        return ReadError::new(format!(
            "文件已损坏或不完整，无法打开（{text}）；请用 Excel 或 WPS 打开确认后重新报送"
        ));
    }
    ReadError::new(format!("无法打开文件（{text}）"))
}

/// Worksheets worth reading, with their visibility; chart, dialog, macro and VBA sheets are not
/// ledgers.
fn worksheets(sheets: &[calamine::Sheet]) -> Vec<(String, bool)> {
    sheets
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| (s.name.clone(), s.visible == SheetVisible::Visible))
        .collect()
}

fn read_xlsx(
    bytes: &[u8],
    zip: Option<Archive<'_>>,
    max_cells: usize,
) -> Result<Workbook, ReadError> {
    // Worksheets are inflated once, for their merges; calamine reads them from the rebuilt package.
    let super::package::Unpacked {
        package,
        mut merges,
        without_formulas,
    } = super::package::unpack(bytes, zip)?;
    let source = package.as_deref().unwrap_or(bytes);
    let mut wb = Xlsx::new(Cursor::new(source)).map_err(open_error)?;
    let sheets = worksheets(wb.sheets_metadata());
    Ok(read_streamed(
        Format::Xlsx,
        sheets,
        |name| stream_xlsx(&mut wb, name, !without_formulas.contains(name), max_cells),
        |name| merges.remove(name).unwrap_or_default(),
    ))
}

fn read_xlsb(mut wb: Xlsb<Bytes<'_>>, max_cells: usize) -> Result<Workbook, ReadError> {
    let sheets = worksheets(wb.sheets_metadata());
    Ok(read_streamed(
        Format::Xlsb,
        sheets,
        |name| stream_xlsb(&mut wb, name, max_cells),
        |_| Vec::new(),
    ))
}

/// Builds a workbook from sheets read one by one with a streaming reader; a sheet that cannot be
/// read costs only itself.
fn read_streamed(
    format: Format,
    sheets: Vec<(String, bool)>,
    mut stream: impl FnMut(&str) -> Result<Vec<(u32, u32, Cell)>, String>,
    mut merges: impl FnMut(&str) -> Vec<Merge>,
) -> Workbook {
    let mut out = Workbook::new(format);
    for (name, visible) in sheets {
        match stream(&name) {
            Ok(cells) => {
                let mut sheet = RawSheet::from_cells(&name, cells);
                sheet.visible = visible;
                sheet.merges = merges(&name);
                out.sheets.push(sheet);
            }
            Err(message) => out.errors.push(SheetError {
                sheet: name,
                message,
            }),
        }
    }
    out
}

/// Streams one sheet's cells; with `formulas`, a formula without a cached value is told from an
/// empty cell (which takes calamine's slower reader: sheets known to have none skip it).
fn stream_xlsx(
    wb: &mut Xlsx<Bytes<'_>>,
    name: &str,
    formulas: bool,
    max_cells: usize,
) -> Result<Vec<(u32, u32, Cell)>, String> {
    let mut reader = wb
        .worksheet_cells_reader(name)
        .map_err(|e| damaged(&e.to_string()))?;
    // Room for the cells the sheet declares it spans, as far as that is believable.
    let d = reader.dimensions();
    let declared = (u64::from(d.end.0.saturating_sub(d.start.0)) + 1)
        * (u64::from(d.end.1.saturating_sub(d.start.1)) + 1);
    let mut cells = Vec::with_capacity(usize::try_from(declared.min(4096)).unwrap_or(0));
    if !formulas {
        while let Some(cell) = reader.next_cell().map_err(|e| damaged(&e.to_string()))? {
            let (r, c) = cell.get_position();
            push_cell(&mut cells, max_cells, r, c, from_ref(cell.get_value()))?;
        }
        return Ok(cells);
    }
    while let Some(cell) = reader
        .next_cell_with_formula_metadata()
        .map_err(|e| damaged(&e.to_string()))?
    {
        let (r, c) = cell.pos;
        let value = match (&cell.value, &cell.formula) {
            (DataRef::Empty, Some(_)) => Cell::Uncached,
            (value, _) => from_ref(value),
        };
        push_cell(&mut cells, max_cells, r, c, value)?;
    }
    Ok(cells)
}

fn stream_xlsb(
    wb: &mut Xlsb<Bytes<'_>>,
    name: &str,
    max_cells: usize,
) -> Result<Vec<(u32, u32, Cell)>, String> {
    let mut reader = wb
        .worksheet_cells_reader(name)
        .map_err(|e| format!("工作表无法读取（{e}）"))?;
    let mut cells = Vec::new();
    while let Some(cell) = reader
        .next_cell()
        .map_err(|e| format!("工作表内容损坏（{e}）"))?
    {
        let (r, c) = cell.get_position();
        push_cell(&mut cells, max_cells, r, c, from_ref(cell.get_value()))?;
    }
    Ok(cells)
}

fn read_ranges<'a, R>(
    mut wb: R,
    format: Format,
    max_cells: usize,
    merges: impl Fn(&R, &str) -> Vec<Dimensions>,
) -> Result<Workbook, ReadError>
where
    R: Reader<Bytes<'a>>,
    R::Error: std::fmt::Display,
{
    let mut out = Workbook::new(format);
    let sheets = worksheets(wb.sheets_metadata());
    for (name, visible) in sheets {
        let range = match wb.worksheet_range(&name) {
            Ok(range) => range,
            Err(e) => {
                out.errors.push(SheetError {
                    sheet: name,
                    message: format!("工作表无法读取（{e}）"),
                });
                continue;
            }
        };
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut cells = Vec::new();
        let mut failed = None;
        for (r, c, value) in range.used_cells() {
            if let Err(message) = push_cell(
                &mut cells,
                max_cells,
                r0 + r as u32,
                c0 + c as u32,
                from_data(value),
            ) {
                failed = Some(message);
                break;
            }
        }
        if let Some(message) = failed {
            out.errors.push(SheetError {
                sheet: name,
                message,
            });
            continue;
        }
        let mut sheet = RawSheet::from_cells(&name, cells);
        sheet.visible = visible;
        sheet.merges = merges(&wb, &name).iter().map(merge).collect();
        out.sheets.push(sheet);
    }
    Ok(out)
}

/// The message for a sheet whose XML broke off or lied about its size.
fn damaged(detail: &str) -> String {
    if detail.contains("larger than its declared") {
        "工作表内容比文件声明的大小更大（文件结构异常，可能被篡改或损坏），已停止读取该表".into()
    } else {
        format!("工作表无法读取，内容损坏（{detail}）")
    }
}

fn push_cell(
    cells: &mut Vec<(u32, u32, Cell)>,
    max_cells: usize,
    r: u32,
    c: u32,
    cell: Cell,
) -> Result<(), String> {
    if matches!(cell, Cell::Empty) {
        return Ok(());
    }
    if cells.len() >= max_cells {
        return Err(format!(
            "工作表单元格超过上限 {} 个（--max-cells），已停止读取该表；请删去无关内容后重新报送",
            max_cells
        ));
    }
    cells.push((r, c, cell));
    Ok(())
}

fn merge(d: &Dimensions) -> Merge {
    Merge {
        first_row: d.start.0,
        first_col: d.start.1,
        last_row: d.end.0,
        last_col: d.end.1,
    }
}

fn date_cell(dt: &calamine::ExcelDateTime) -> Cell {
    if dt.is_datetime() {
        let (y, m, d, ..) = dt.to_ymd_hms_milli();
        Cell::Date(i32::from(y), u32::from(m), u32::from(d))
    } else {
        Cell::Number(dt.as_f64())
    }
}

fn iso_cell(s: &str) -> Cell {
    let day = s.get(..10).unwrap_or(s);
    match chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d") {
        Ok(d) => {
            use chrono::Datelike;
            Cell::Date(d.year(), d.month(), d.day())
        }
        Err(_) => Cell::Text(s.to_string()),
    }
}

fn from_ref(v: &DataRef<'_>) -> Cell {
    match v {
        DataRef::Empty => Cell::Empty,
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_string()),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => date_cell(dt),
        DataRef::DateTimeIso(s) => iso_cell(s),
        DataRef::DurationIso(s) => Cell::Text(s.clone()),
        DataRef::Error(e) => Cell::Error(e.to_string()),
    }
}

fn from_data(v: &Data) -> Cell {
    match v {
        Data::Empty => Cell::Empty,
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) => Cell::Text(s.clone()),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => date_cell(dt),
        Data::DateTimeIso(s) => iso_cell(s),
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}
