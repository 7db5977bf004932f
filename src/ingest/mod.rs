//! Turning a file on disk into `RawSheet`s: discovery, content sniffing, and the calamine and
//! CSV readers. Everything that touches spreadsheet bytes lives below this module; nothing below
//! it knows about the schema. A file that cannot be read is a `ReadError` with a message for the
//! clerk, never a panic: reader panics are caught here.

mod bounds;
mod csv;
pub(crate) mod discover;
mod excel;
mod macros;
mod merges;
mod package;
pub(crate) mod readahead;
mod records;
pub(crate) mod sniff;
mod xml;
mod zipout;

pub(crate) use discover::{Candidate, REPORT_MARKER, classify, discover};
pub(crate) use sniff::{Sniffed, sniff};

use crate::outcome::{Format, Source};
use crate::sheet::RawSheet;
use sha2::{Digest, Sha256};
use std::io::{Cursor, Read};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// A zip container held in memory, its directory parsed.
pub(crate) type Archive<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

/// Do `bytes` start like a zip (a first entry, or the end of an empty archive)?
pub(crate) fn starts_like_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// The zip directory of `bytes`, when they start like a zip and it parses. Parsed once per file:
/// sniffing, the bounds check and unpacking share it.
pub(crate) fn open_zip(bytes: &[u8]) -> Option<Archive<'_>> {
    starts_like_zip(bytes)
        .then(|| zip::ZipArchive::new(Cursor::new(bytes)).ok())
        .flatten()
}

/// Bounds that keep one hostile file from taking the run down.
pub(crate) mod limits {
    /// Largest file read, in bytes.
    pub(crate) const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

    /// Default for the most non-empty cells read from one sheet (`--max-cells`).
    pub(crate) const DEFAULT_MAX_CELLS: usize = 2_000_000;

    /// Most fields in one CSV record: Excel's 16,384 columns (A to XFD).
    pub(crate) const MAX_CSV_FIELDS: usize = 16_384;

    /// Most bytes (as UTF-8, quotes and delimiters left out) in one CSV record. The reader holds
    /// one record at a time, so this bounds its buffer; a real ledger row is a few hundred bytes.
    pub(crate) const MAX_CSV_RECORD_BYTES: usize = 4 * 1024 * 1024;

    /// Most bytes (as UTF-8) in one CSV field: room for 32,767 characters of any script and much
    /// more, so that a cell merely too long for Excel is that cell's problem (`MAX_CELL_CHARS`),
    /// not the whole file's.
    pub(crate) const MAX_CSV_FIELD_BYTES: usize = 1024 * 1024;

    /// Most characters in one cell, Excel's own limit: a longer value is refused at its cell
    /// (`cell-too-long`), so that no record holds a text no workbook could show.
    pub(crate) const MAX_CELL_CHARS: usize = 32_767;

    /// Most bytes of text (as UTF-8) in the cells of one CSV: 128 MB, thousands of times a real
    /// ledger. The cells, their records and the file's decoded text each hold a copy, so this is
    /// what keeps a run on any file huizong reads (≤ 256 MB) within 1 GiB.
    pub(crate) const MAX_CSV_TEXT_BYTES: usize = 128 * 1024 * 1024;
}

/// A file's sheets as read.
#[derive(Debug, Clone)]
pub(crate) struct Workbook {
    pub format: Format,
    pub sheets: Vec<RawSheet>,
    /// Sheets that could not be read, each costing only itself.
    pub errors: Vec<SheetError>,
    /// Problems with the file as a whole that did not stop reading it.
    pub warnings: Vec<String>,
    /// Sheets left out on purpose (macro sheets), each with the reason.
    pub skipped: Vec<SheetError>,
}

impl Workbook {
    pub(crate) fn new(format: Format) -> Self {
        Workbook {
            format,
            sheets: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            skipped: Vec::new(),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct SheetError {
    pub sheet: String,
    pub message: String,
}

/// Why a file could not be read, in words for the clerk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReadError {
    pub message: String,
}

impl ReadError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        ReadError {
            message: message.into(),
        }
    }
}

/// The bytes of a file with their SHA-256, for the manifest.
#[derive(Debug, Clone)]
pub(crate) struct Loaded {
    pub bytes: Vec<u8>,
    pub sha256: String,
}

/// Reads the file's bytes (bounded) and hashes them.
pub(crate) fn load(source: &Source) -> Result<Loaded, ReadError> {
    if source.size > limits::MAX_FILE_BYTES {
        return Err(too_big(source.size));
    }
    let bytes = read_bounded(&source.path, source.size, limits::MAX_FILE_BYTES + 1)
        .map_err(|e| ReadError::new(format!("无法读取文件：{}", crate::io_error::in_words(&e))))?;
    if bytes.len() as u64 > limits::MAX_FILE_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    let sha256 = hex(&Sha256::digest(&bytes));
    Ok(Loaded { bytes, sha256 })
}

/// Reads the file at `path` to its end, but no more than `limit` bytes. All `expected` bytes (the
/// size found while walking: no second `stat`) are asked for in one read, so that a file not in
/// the page cache is fetched from the disk in one request — `Take::read_to_end` reads 8 KB first
/// and then the rest, two requests for most ledgers. A file that grew since is read on.
fn read_bounded(path: &std::path::Path, expected: u64, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut file = std::fs::File::open(path)?;
    // One byte more than expected tells a file that grew.
    let first = usize::try_from(expected.saturating_add(1).min(limit)).unwrap_or(0);
    let mut bytes = vec![0; first];
    let mut filled = 0;
    while filled < first {
        match file.read(&mut bytes[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    bytes.truncate(filled);
    if filled == first {
        file.take(limit - filled as u64).read_to_end(&mut bytes)?;
    }
    Ok(bytes)
}

fn too_big(size: u64) -> ReadError {
    ReadError::new(format!(
        "文件大小 {} MB 超过上限 {} MB，未读取",
        size / (1024 * 1024),
        limits::MAX_FILE_BYTES / (1024 * 1024)
    ))
}

/// Lower-case hexadecimal digits of `bytes`.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

thread_local! {
    /// Set while a reader runs under `catch_unwind`: its panics become the file's 错误, so the
    /// panic hook must not print them.
    static IN_READER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs a reader, turning a panic into `Err(())` without printing it.
fn quietly<T>(read: impl FnOnce() -> T) -> Result<T, ()> {
    IN_READER.with(|flag| flag.set(true));
    let result = catch_unwind(AssertUnwindSafe(read)).map_err(|_| ());
    IN_READER.with(|flag| flag.set(false));
    result
}

/// Installs a panic hook that stays silent for panics inside a reader (they are reported as the
/// file's 错误) and prints every other panic as usual.
pub fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !IN_READER.with(|flag| flag.get()) {
            default(info);
        }
    }));
}

/// Parses a loaded file by its content. `stem` names a CSV's only sheet; a sheet stops being read
/// at `max_cells` non-empty cells. The bytes are taken, so that a CSV's can be freed once decoded.
pub(crate) fn parse(bytes: Vec<u8>, stem: &str, max_cells: usize) -> Result<Workbook, ReadError> {
    let format = {
        let zip = open_zip(&bytes);
        match sniff(&bytes, zip.as_ref()) {
            Sniffed::Readable(format) => format,
            Sniffed::Unreadable(message) => return Err(ReadError::new(message)),
        }
    };
    if format == Format::Csv {
        return quietly(|| csv::read(bytes, stem, max_cells))
            .unwrap_or_else(|()| Err(reader_failed(format)));
    }
    let bytes = &bytes[..];
    let zip = open_zip(bytes);
    let format = match sniff(bytes, zip.as_ref()) {
        Sniffed::Readable(format) => format,
        Sniffed::Unreadable(message) => return Err(ReadError::new(message)),
    };
    match (format, &zip) {
        (Format::Xlsx | Format::Xlsb | Format::Ods, Some(archive)) => {
            bounds::check_zip(archive.clone())?
        }
        (Format::Xls, _) => bounds::check_xls(bytes)?,
        _ => {}
    }
    let parsed = quietly(|| excel::read(bytes, format, zip, max_cells));
    let mut workbook = match parsed {
        Ok(result) => result?,
        Err(()) => return Err(reader_failed(format)),
    };
    for sheet in &mut workbook.sheets {
        sheet.fill_merges();
    }
    Ok(workbook)
}

/// The 错误 of a reader that panicked.
fn reader_failed(format: Format) -> ReadError {
    ReadError::new(format!(
        "读取 {} 文件时读取器内部出错，文件可能已损坏；请用 Excel 或 WPS 打开后另存再报送",
        format.label()
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_is_formatted_hex() {
        let all: Vec<u8> = (0..=255).collect();
        let formatted: String = all.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(super::hex(&all), formatted);
        assert_eq!(super::hex(&[]), "");
    }

    /// The size a file was listed with only sizes the buffer: a file that changed since is read
    /// as it is now, whole, and hashed as read.
    #[test]
    fn a_file_is_read_as_it_is_not_as_it_was_listed() {
        use sha2::Digest;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("台账.csv");
        let bytes: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        for listed in [0, 10, 10_000, 20_000] {
            let source = super::Source {
                path: path.clone(),
                rel: "台账.csv".into(),
                size: listed,
                modified: None,
            };
            let loaded = super::load(&source).unwrap();
            assert_eq!(loaded.bytes, bytes, "listed as {listed} bytes");
            assert_eq!(loaded.sha256, super::hex(&sha2::Sha256::digest(&bytes)));
        }
    }
}
