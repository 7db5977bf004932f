//! The floor: the least work any tool must do to read a folder of submissions.
//!
//! Opens every spreadsheet file under a folder (recursively) with calamine, in parallel, and
//! touches every cell: validating nothing, converting nothing, writing nothing. `huizong run` on
//! the same folder is measured against this (see `bench/run.sh` and `bench/RESULTS.md`).
//!
//! ```sh
//! cargo run --release --example floor -- DIR [--jobs N]
//! ```
//!
//! xlsx/xlsm and xlsb are read with calamine's streaming cell reader (as huizong reads them);
//! xls and ods through `worksheet_range`, the only API calamine has for them; CSV is decoded
//! (UTF-8, UTF-16 with BOM, else GBK) and split. The format is decided by the file's first bytes,
//! the name only telling ods and xlsb from xlsx. Lock files (`~$…`, `.~lock…`), hidden files and
//! files without a spreadsheet extension are skipped, as huizong skips them.
//!
//! Prints one line, `floor: files=… skipped=… failed=… sheets=… cells=… bytes=… jobs=… elapsed=…s`,
//! which the benchmark script parses. `cells` counts the non-empty cells.

#[expect(
    dead_code,
    reason = "the floor takes no flag of its own: `Args::flags` is raw_floor's"
)]
mod common;

use anyhow::Result;
use calamine::{Data, DataRef, Ods, Reader, Xls, Xlsb, Xlsx};
use common::{Tally, extension};
use std::io::Cursor;
use std::path::Path;

const EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xls", "ods", "csv", "xlsb", "et"];

fn main() -> Result<()> {
    let args = common::parse_args("floor", &[])?;
    common::run("floor", &args, EXTENSIONS, read_file)
}

/// Reads one file and touches every cell; a file that cannot be read counts as failed.
fn read_file(path: &Path) -> Tally {
    let mut tally = Tally::file();
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(_) => {
            tally.failed = 1;
            return tally;
        }
    };
    tally.bytes = bytes.len() as u64;
    let ext = extension(path);
    let result = if bytes.starts_with(b"PK\x03\x04") {
        match ext.as_str() {
            "ods" => Ods::new(Cursor::new(&bytes[..]))
                .map_err(anyhow::Error::from)
                .and_then(|wb| ranges(wb, &mut tally)),
            "xlsb" => read_xlsb(&bytes, &mut tally),
            _ => read_xlsx(&bytes, &mut tally),
        }
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Xls::new(Cursor::new(&bytes[..]))
            .map_err(anyhow::Error::from)
            .and_then(|wb| ranges(wb, &mut tally))
    } else if ext == "csv" {
        read_csv(&bytes, &mut tally);
        Ok(())
    } else {
        Err(anyhow::anyhow!("not a spreadsheet"))
    };
    if result.is_err() {
        tally.failed = 1;
    }
    tally
}

fn worksheet_names(sheets: &[calamine::Sheet]) -> Vec<String> {
    sheets
        .iter()
        .filter(|s| s.typ == calamine::SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect()
}

fn read_xlsx(bytes: &[u8], tally: &mut Tally) -> Result<()> {
    let mut wb = Xlsx::new(Cursor::new(bytes))?;
    for name in worksheet_names(wb.sheets_metadata()) {
        tally.sheets += 1;
        let mut reader = wb.worksheet_cells_reader(&name)?;
        while let Some(cell) = reader.next_cell()? {
            let (r, c) = cell.get_position();
            touch_ref(cell.get_value(), r, c, tally);
        }
    }
    Ok(())
}

fn read_xlsb(bytes: &[u8], tally: &mut Tally) -> Result<()> {
    let mut wb = Xlsb::new(Cursor::new(bytes))?;
    for name in worksheet_names(wb.sheets_metadata()) {
        tally.sheets += 1;
        let mut reader = wb.worksheet_cells_reader(&name)?;
        while let Some(cell) = reader.next_cell()? {
            let (r, c) = cell.get_position();
            touch_ref(cell.get_value(), r, c, tally);
        }
    }
    Ok(())
}

/// xls and ods: calamine offers only whole ranges.
fn ranges<RS, R>(mut wb: R, tally: &mut Tally) -> Result<()>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::error::Error + Send + Sync + 'static,
{
    for name in worksheet_names(wb.sheets_metadata()) {
        tally.sheets += 1;
        let range = wb.worksheet_range(&name)?;
        for (r, c, value) in range.used_cells() {
            touch(value, r as u32, c as u32, tally);
        }
    }
    Ok(())
}

fn touch_ref(value: &DataRef<'_>, r: u32, c: u32, tally: &mut Tally) {
    let h = match value {
        DataRef::Empty => return,
        DataRef::String(s) => s.len() as u64,
        DataRef::SharedString(s) => s.len() as u64,
        DataRef::Float(f) => f.to_bits(),
        DataRef::Int(i) => *i as u64,
        DataRef::Bool(b) => u64::from(*b),
        DataRef::DateTime(d) => d.as_f64().to_bits(),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.len() as u64,
        DataRef::Error(_) => 1,
    };
    tally.cell(h, u64::from(r), u64::from(c));
}

fn touch(value: &Data, r: u32, c: u32, tally: &mut Tally) {
    let h = match value {
        Data::Empty => return,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.len() as u64,
        Data::Float(f) => f.to_bits(),
        Data::Int(i) => *i as u64,
        Data::Bool(b) => u64::from(*b),
        Data::DateTime(d) => d.as_f64().to_bits(),
        Data::Error(_) => 1,
    };
    tally.cell(h, u64::from(r), u64::from(c));
}

/// Decodes (UTF-8 with or without BOM, UTF-16 with BOM, else GBK) and splits on the delimiter;
/// quoting is ignored, as a floor may.
fn read_csv(bytes: &[u8], tally: &mut Tally) {
    tally.sheets += 1;
    let text = match encoding_rs::Encoding::for_bom(bytes) {
        Some((encoding, bom)) => encoding.decode_without_bom_handling(&bytes[bom..]).0,
        None => match std::str::from_utf8(bytes) {
            Ok(s) => s.into(),
            Err(_) => encoding_rs::GB18030.decode_without_bom_handling(bytes).0,
        },
    };
    let first = text.lines().next().unwrap_or("");
    let delimiter = [',', '\t', ';']
        .into_iter()
        .max_by_key(|d| first.matches(*d).count())
        .unwrap_or(',');
    for (r, line) in text.lines().enumerate() {
        for (c, field) in line.split(delimiter).enumerate() {
            if !field.is_empty() {
                tally.cell(field.len() as u64, r as u64, c as u64);
            }
        }
    }
}
