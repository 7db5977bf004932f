//! Text normalisation shared by every comparison of names a person typed: sheet names, header
//! cells, enum values, unit names. It owns the one definition of "the same name" (SPEC §2), so a
//! header, a roster entry and a schema alias are folded the same way. It must not allocate more
//! than one `String` per call: it runs once per header cell and once per enum cell.

use unicode_normalization::UnicodeNormalization;

/// Folds `s` to the form names are compared in: NFKC (full-width → half-width), traditional →
/// simplified, whitespace and line breaks removed anywhere, required-markers `*` / `＊` removed,
/// ASCII letters lower-cased.
pub fn normalize(s: &str) -> String {
    let mut folded = String::with_capacity(s.len());
    for c in s.nfkc() {
        if c.is_whitespace() || c == '*' || c == '\u{200b}' || c == '\u{feff}' {
            continue;
        }
        folded.push(c.to_ascii_lowercase());
    }
    if folded.is_ascii() {
        folded
    } else {
        fast2s::convert(&folded)
    }
}

/// Trims surrounding whitespace (including full-width spaces) from a cell's text.
pub fn trim_cell(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '\u{200b}')
}

/// The closest of `candidates` to `value` when it is close enough to be worth suggesting: one
/// contains the other, or they differ in at most a third of their characters.
pub fn closest<'a>(value: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let value = normalize(value);
    if value.is_empty() {
        return None;
    }
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        let norm = normalize(candidate);
        let score = if norm.contains(&value) || value.contains(&norm) {
            let (a, b) = (norm.chars().count(), value.chars().count());
            0.5 + 0.5 * (a.min(b) as f64 / a.max(b) as f64)
        } else {
            strsim::normalized_levenshtein(&value, &norm)
        };
        if score >= 0.6 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_full_width_and_markers_fold_away() {
        assert_eq!(normalize("學習記錄"), "学习记录");
        assert_eq!(normalize(" *学习\n形式 "), "学习形式");
        assert_eq!(normalize("＊参学人数"), "参学人数");
        assert_eq!(normalize("ＡＢＣ１２"), "abc12");
        assert_eq!(normalize("參學人數"), "参学人数");
        assert_eq!(normalize("是否意識形態專題"), "是否意识形态专题");
    }

    #[test]
    fn closest_suggests_only_near_values() {
        let allowed = ["中心组学习", "集中学习", "三会一课", "专题讲座"];
        assert_eq!(closest("中心组学习会", allowed), Some("中心组学习"));
        assert_eq!(closest("专题讲坐", allowed), Some("专题讲座"));
        assert_eq!(closest("读书会", allowed), None);
        assert_eq!(closest("", allowed), None);
    }
}
