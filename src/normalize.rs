//! Text normalisation shared by every comparison of names a person typed: sheet names, header
//! cells, enum values, unit names. It owns the one definition of "the same name" (SPEC §2), so a
//! header, a roster entry and a schema alias are folded the same way. It must not allocate more
//! than one `String` per call: it runs once per header cell and once per enum cell.

use unicode_normalization::UnicodeNormalization;

/// Folds `s` to the form names are compared in: NFKC (full-width → half-width), traditional →
/// simplified, whitespace and line breaks removed anywhere, required-markers `*` / `＊` removed,
/// ASCII letters lower-cased.
pub fn normalize(s: &str) -> String {
    if s.len() > MEMO_MAX_LEN {
        return fold(s);
    }
    // The same headers, titles and values recur in every file: remember what each folded to.
    MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        if let Some(folded) = memo.get(s) {
            return folded.clone();
        }
        if memo.len() >= MEMO_ENTRIES {
            memo.clear();
        }
        let folded = fold(s);
        memo.insert(s.to_string(), folded.clone());
        folded
    })
}

/// Longest text remembered, and how many texts, per thread.
const MEMO_MAX_LEN: usize = 96;
const MEMO_ENTRIES: usize = 50_000;

thread_local! {
    static MEMO: std::cell::RefCell<std::collections::HashMap<String, String>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

fn fold(s: &str) -> String {
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

/// Looks `s` up in a map keyed by normalised text: as typed first (the common case, no work),
/// then normalised. Cells are looked up millions of times, most already in normal form.
pub fn lookup<'a, T>(map: &'a std::collections::HashMap<String, T>, s: &str) -> Option<&'a T> {
    map.get(trim_cell(s)).or_else(|| map.get(&normalize(s)))
}

/// Trims surrounding whitespace (including full-width spaces) from a cell's text.
pub fn trim_cell(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '\u{200b}')
}

/// The closest of `candidates` to `value` when it is close enough to be worth suggesting: one
/// contains the other, or they differ in at most a third of their characters.
pub fn closest<'a>(value: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let value = normalize(value);
    closest_folded(&value, candidates.into_iter().map(|c| (c, normalize(c))))
}

/// `closest` over candidates already paired with their normalised form (a roster of thousands
/// of names is normalised once, not once per unknown name).
pub fn closest_folded<'a, N: AsRef<str>>(
    value: &str,
    candidates: impl IntoIterator<Item = (&'a str, N)>,
) -> Option<&'a str> {
    if value.is_empty() {
        return None;
    }
    let len = value.chars().count();
    let mut best: Option<(f64, &str)> = None;
    for (candidate, norm) in candidates {
        let norm = norm.as_ref();
        let other = norm.chars().count();
        // Names whose lengths differ by more than half cannot score 0.6 unless one contains
        // the other: skip the edit distance for them.
        let contains = norm.contains(value) || value.contains(norm);
        if !contains && len.abs_diff(other) * 2 > len.max(other) {
            continue;
        }
        let score = if contains {
            let (a, b) = (norm.chars().count(), value.chars().count());
            0.5 + 0.5 * (a.min(b) as f64 / a.max(b) as f64)
        } else {
            strsim::normalized_levenshtein(value, norm)
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
