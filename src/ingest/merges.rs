//! Merged regions of xlsx worksheets, read straight from each sheet's XML. calamine's cell
//! reader does not report them and its own merge reader parses every sheet a second time; the
//! `<mergeCells>` element is plain enough to find with a byte search once the part is inflated
//! (which `package::unpack` does, once per sheet).

use super::xml::{attr, tags};
use crate::sheet::Merge;
use std::borrow::Cow;

/// The `<mergeCell ref="A1:D1"/>` regions of one sheet's XML.
pub(super) fn scan(xml: &[u8]) -> Vec<Merge> {
    let Some(start) = memchr::memmem::rfind(xml, b"<mergeCells") else {
        return Vec::new();
    };
    let tail = &xml[start..];
    // Checking UTF-8 costs less than decoding with replacements, which a sound part needs none of.
    let tail = std::str::from_utf8(tail).map_or_else(|_| String::from_utf8_lossy(tail), Cow::from);
    tags(&tail, "mergeCell")
        .filter_map(|t| parse_ref(attr(t, "ref")?))
        .collect()
}

/// Could the sheet's XML hold a formula (`<f …>`, `<f/>`, or a prefixed `<x:f>`)? Errs towards
/// yes: only a sheet it clears is read without looking for formulas without a cached value.
pub(super) fn may_hold_formulas(xml: &[u8]) -> bool {
    [&b"<f"[..], b":f"].iter().any(|needle| {
        memchr::memmem::find_iter(xml, needle).any(|at| {
            matches!(
                xml.get(at + 2),
                Some(b' ' | b'>' | b'/' | b'\t' | b'\r' | b'\n')
            )
        })
    })
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

    #[test]
    fn formulas_are_suspected_wherever_an_f_element_may_be() {
        for xml in [
            &br#"<c r="A1"><f>SUM(B1:B3)</f><v>6</v></c>"#[..],
            br#"<c r="A2"><f t="shared" si="0"/></c>"#,
            br#"<c r="A3"><f/></c>"#,
            br#"<x:c r="A4"><x:f>1+1</x:f></x:c>"#,
            b"<c><f\n>1</f></c>",
        ] {
            assert!(may_hold_formulas(xml), "{}", String::from_utf8_lossy(xml));
        }
        for xml in [
            &br#"<c r="A1" t="s"><v>3</v></c><headerFooter><firstFooter>x</firstFooter>"#[..],
            br#"<c r="A1" t="inlineStr"><is><t>f(x)</t></is></c>"#,
            b"",
        ] {
            assert!(!may_hold_formulas(xml), "{}", String::from_utf8_lossy(xml));
        }
    }
}
