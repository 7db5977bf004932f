//! Excel 4 macro sheets (`xl/macrosheets/…`) make calamine refuse the whole workbook. A macro
//! sheet is never a ledger, so huizong rebuilds the package in memory without it and reads the
//! rest: one unreadable sheet costs only that sheet.

use super::package::{Inflater, WORKBOOK, WORKBOOK_RELS as RELS, read_part};
use super::xml::attr;
use regex::Regex;
use std::io::{Cursor, Write};

/// The package without its macro sheets, and the names of the sheets removed; `None` when there
/// is nothing to remove or the package cannot be rebuilt.
pub(super) fn without_macro_sheets(bytes: &[u8]) -> Option<(Vec<u8>, Vec<String>)> {
    let mut archive = super::open_zip(bytes)?;
    let mut inflater = Inflater::new();
    let rels = read_part(&mut archive, bytes, &mut inflater, RELS)?;
    let workbook = read_part(&mut archive, bytes, &mut inflater, WORKBOOK)?;
    let relationship = Regex::new(r"<Relationship\b[^>]*/>").ok()?;
    let macro_ids: Vec<String> = relationship
        .find_iter(&rels)
        .map(|m| m.as_str())
        .filter(|r| {
            attr(r, "Type").is_some_and(|t| t.ends_with("Macrosheet"))
                || attr(r, "Target").is_some_and(|t| t.contains("macrosheets/"))
        })
        .filter_map(|r| attr(r, "Id").map(String::from))
        .collect();
    if macro_ids.is_empty() {
        return None;
    }
    let sheet = Regex::new(r"<sheet\b[^>]*/>").ok()?;
    let mut removed = Vec::new();
    let new_workbook = sheet
        .replace_all(&workbook, |c: &regex::Captures<'_>| {
            let element = &c[0];
            match attr(element, "r:id") {
                Some(id) if macro_ids.iter().any(|m| m == id) => {
                    removed.push(attr(element, "name").unwrap_or("").to_string());
                    String::new()
                }
                _ => element.to_string(),
            }
        })
        .into_owned();
    let new_rels = relationship
        .replace_all(&rels, |c: &regex::Captures<'_>| {
            let element = &c[0];
            if attr(element, "Id").is_some_and(|id| macro_ids.iter().any(|m| m == id)) {
                String::new()
            } else {
                element.to_string()
            }
        })
        .into_owned();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).ok()?;
        let name = entry.name().ok()?.into_owned();
        match name.as_str() {
            WORKBOOK | RELS => {
                drop(entry);
                out.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
                    .ok()?;
                let text = if name == WORKBOOK {
                    &new_workbook
                } else {
                    &new_rels
                };
                out.write_all(text.as_bytes()).ok()?;
            }
            _ if name.contains("macrosheets/") => {}
            _ => out.raw_copy_file(entry).ok()?,
        }
    }
    Some((out.finish().ok()?.into_inner(), removed))
}
