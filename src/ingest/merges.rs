//! Merged regions of xlsx worksheets, read straight from each sheet's XML. calamine's own merge
//! reader parses every sheet a second time with its XML reader, which cost a fifth of a whole run;
//! the `<mergeCells>` element is plain enough to find with a byte search once the part is inflated.

use crate::sheet::Merge;
use std::collections::HashMap;
use std::io::{Cursor, Read};

/// Sheet name → the merged regions of that sheet, for every worksheet of the package.
pub fn read_all(bytes: &[u8]) -> HashMap<String, Vec<Merge>> {
    let mut out = HashMap::new();
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return out;
    };
    for (name, path) in sheet_paths(&mut archive) {
        let Ok(mut part) = archive.by_name(&path) else {
            continue;
        };
        let mut xml = Vec::new();
        if part
            .by_ref()
            .take(super::bounds::MAX_INFLATED)
            .read_to_end(&mut xml)
            .is_err()
        {
            continue;
        }
        let merges = scan(&xml);
        if !merges.is_empty() {
            out.insert(name, merges);
        }
    }
    out
}

/// A package part as text (at most 16 MB).
pub(super) fn read_part(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
) -> Option<String> {
    let mut text = String::new();
    archive
        .by_name(name)
        .ok()?
        .take(16 << 20)
        .read_to_string(&mut text)
        .ok()?;
    Some(text)
}

/// Every `<tag …/>` or `<tag …>` start tag in `xml`.
fn tags<'a>(xml: &'a str, tag: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    let open = format!("<{tag} ");
    xml.match_indices(&open)
        .filter_map(move |(at, _)| {
            let rest = &xml[at..];
            rest.find('>').map(|end| &rest[..end])
        })
        .collect::<Vec<_>>()
        .into_iter()
}

/// An attribute's value in a start tag (` name="…"`).
pub(super) fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let needle = format!(" {name}=\"");
    let at = tag.find(&needle)? + needle.len();
    Some(&tag[at..at + tag[at..].find('"')?])
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// (sheet name, part path) of every worksheet, from workbook.xml and its relationships.
fn sheet_paths(archive: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Vec<(String, String)> {
    let (Some(workbook), Some(rels)) = (
        read_part(archive, "xl/workbook.xml"),
        read_part(archive, "xl/_rels/workbook.xml.rels"),
    ) else {
        return Vec::new();
    };
    let targets: HashMap<&str, &str> = tags(&rels, "Relationship")
        .filter_map(|r| Some((attr(r, "Id")?, attr(r, "Target")?)))
        .collect();
    tags(&workbook, "sheet")
        .filter_map(|s| {
            let name = unescape(attr(s, "name")?);
            let target = targets.get(attr(s, "r:id")?)?;
            let path = match target.strip_prefix('/') {
                Some(absolute) => absolute.to_string(),
                None => format!("xl/{target}"),
            };
            Some((name, path))
        })
        .collect()
}

/// The `<mergeCell ref="A1:D1"/>` regions of one sheet's XML.
pub fn scan(xml: &[u8]) -> Vec<Merge> {
    let Some(start) = memchr::memmem::rfind(xml, b"<mergeCells") else {
        return Vec::new();
    };
    let tail = String::from_utf8_lossy(&xml[start..]);
    tags(&tail, "mergeCell")
        .filter_map(|t| parse_ref(attr(t, "ref")?))
        .collect()
}

/// `A1:D3` → a merge (0-based, inclusive).
fn parse_ref(r: &str) -> Option<Merge> {
    let (a, b) = r.split_once(':')?;
    let (r0, c0) = cell(a)?;
    let (r1, c1) = cell(b)?;
    Some(Merge {
        first_row: r0.min(r1),
        first_col: c0.min(c1),
        last_row: r0.max(r1),
        last_col: c0.max(c1),
    })
}

fn cell(s: &str) -> Option<(u32, u32)> {
    let split = s.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = s.split_at(split);
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let col = letters.bytes().try_fold(0u32, |acc, b| {
        b.is_ascii_uppercase()
            .then(|| acc * 26 + u32::from(b - b'A') + 1)
    })?;
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col.checked_sub(1)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_cells_are_found_at_the_end_of_the_sheet() {
        let xml = br#"<worksheet><sheetData><row r="1"/></sheetData><mergeCells count="2"><mergeCell ref="A1:H1"/><mergeCell ref="B5:B6"/></mergeCells></worksheet>"#;
        assert_eq!(
            scan(xml),
            vec![
                Merge {
                    first_row: 0,
                    first_col: 0,
                    last_row: 0,
                    last_col: 7
                },
                Merge {
                    first_row: 4,
                    first_col: 1,
                    last_row: 5,
                    last_col: 1
                },
            ]
        );
        assert_eq!(cell("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(scan(b"<worksheet/>"), vec![]);
    }
}
