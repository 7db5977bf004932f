//! Text normalisation shared by every comparison of names a person typed: sheet names, header
//! cells, enum values, unit names. It owns the one definition of "the same name" (`docs/inputs.md#normalisation`), so a
//! header, a roster entry and a schema alias are folded the same way. It must not allocate more
//! than one `String` per call: it runs once per header cell and once per enum cell.

use std::borrow::Cow;
use unicode_normalization::UnicodeNormalization;

/// Folds `s` to the form names are compared in: NFKC (full-width → half-width), traditional →
/// simplified, whitespace and line breaks removed anywhere, required-markers `*` / `＊` removed,
/// ASCII letters lower-cased.
pub(crate) fn normalize(s: &str) -> String {
    with_normalized(s, str::to_string)
}

/// Calls `f` with `s` normalised, without allocating when `s` was normalised before on this
/// thread (lookups of cells that name nothing run on every row). `f` must not normalise.
pub(crate) fn with_normalized<R>(s: &str, f: impl FnOnce(&str) -> R) -> R {
    if s.len() > MEMO_MAX_LEN {
        return f(&fold(s));
    }
    // The same headers, titles and values recur in every file: remember what each folded to.
    MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        if let Some(folded) = memo.get(s) {
            return f(folded);
        }
        if memo.len() >= MEMO_ENTRIES {
            memo.clear();
        }
        let folded = fold(s);
        let result = f(&folded);
        memo.insert(s.to_string(), folded);
        result
    })
}

/// A map keyed by names: hashed with foldhash, several times faster than the standard SipHash
/// on the short texts of cells, still seeded per process.
pub(crate) type NameMap<T> = std::collections::HashMap<String, T, foldhash::fast::RandomState>;

/// Longest text remembered, and how many texts, per thread.
const MEMO_MAX_LEN: usize = 96;
const MEMO_ENTRIES: usize = 50_000;

thread_local! {
    static MEMO: std::cell::RefCell<NameMap<String>> = std::cell::RefCell::new(NameMap::default());
}

fn fold(s: &str) -> String {
    let mut folded = String::with_capacity(s.len());
    let kept = |c: &char| !is_blank(*c) && *c != '*';
    folded.extend(nfkc(s).chars().filter(kept).map(|c| c.to_ascii_lowercase()));
    if folded.is_ascii() {
        folded
    } else {
        fast2s::convert(&folded)
    }
}

/// `s` in NFKC, borrowed when NFKC leaves it as it is: a text of nothing but ASCII and the
/// common CJK ideographs (most names, titles and typed dates) skips NFKC's decomposing and
/// recomposing, the dearer half of folding.
pub(crate) fn nfkc(s: &str) -> Cow<'_, str> {
    if s.chars().all(nfkc_keeps) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfkc().collect())
    }
}

/// Is `c` a character NFKC never changes nor joins to a neighbour: ASCII, or a CJK Unified
/// Ideograph of the basic block (none has a decomposition or takes part in a composition).
fn nfkc_keeps(c: char) -> bool {
    c.is_ascii() || ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// Looks `s` up in a map keyed by normalised text: as typed first (the common case, no work),
/// then normalised. Cells are looked up millions of times, most already in normal form.
pub(crate) fn lookup<'a, T>(map: &'a NameMap<T>, s: &str) -> Option<&'a T> {
    map.get(trim_cell(s))
        .or_else(|| with_normalized(s, |folded| map.get(folded)))
}

/// Trims surrounding whitespace (including full-width spaces) from a cell's text.
pub(crate) fn trim_cell(s: &str) -> &str {
    // Most cells have nothing to trim: their first and last bytes cannot belong to a blank, or
    // else their first and last characters are not blanks (a quarter of Chinese characters end
    // in a byte some blank ends in too).
    let (Some(&first), Some(&last)) = (s.as_bytes().first(), s.as_bytes().last()) else {
        return s;
    };
    let starts_blank = may_start_blank(first) && s.chars().next().is_some_and(is_blank);
    let ends_blank = may_end_blank(last) && s.chars().next_back().is_some_and(is_blank);
    if starts_blank || ends_blank {
        s.trim_matches(is_blank)
    } else {
        s
    }
}

/// Could a blank's UTF-8 begin with this byte? (ASCII blanks, and the lead bytes of U+0085,
/// U+00A0, U+1680, U+2000–U+205F, U+3000 and U+FEFF.)
fn may_start_blank(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | b' ' | 0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF)
}

/// Could a blank's UTF-8 end with this byte?
fn may_end_blank(b: u8) -> bool {
    matches!(
        b,
        b'\t'..=b'\r' | b' ' | 0x80..=0x8B | 0x9F | 0xA0 | 0xA8 | 0xA9 | 0xAF | 0xBF
    )
}

/// Unicode `White_Space` (what `char::is_whitespace` tests), the byte-order mark and the
/// zero-width space, spelled out: every text cell is trimmed, and Chinese characters would
/// otherwise each cost a Unicode table lookup.
fn is_blank(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | ' '
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200b}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
            | '\u{feff}'
    )
}

/// The closest of `candidates` to `value` when it is close enough to be worth suggesting: one
/// contains the other, or their edit distance is at most two fifths of the longer.
pub(crate) fn closest<'a>(
    value: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let folded: Vec<(&str, Folded)> = candidates
        .into_iter()
        .map(|c| (c, Folded::new(c)))
        .collect();
    closest_to(&Folded::new(value), folded.iter().map(|(c, f)| (*c, f)))
}

/// A name prepared once for `closest_to`: normalised, with its characters sorted.
#[derive(Debug, Clone, Default)]
pub(crate) struct Folded {
    text: String,
    sorted: Vec<char>,
}

impl Folded {
    pub(crate) fn new(name: &str) -> Self {
        let text = normalize(name);
        let mut sorted: Vec<char> = text.chars().collect();
        sorted.sort_unstable();
        Folded { text, sorted }
    }

    /// The normalised text.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// The normalised text's characters, sorted.
    pub(crate) fn chars(&self) -> &[char] {
        &self.sorted
    }

    /// Fewest characters (counting repeats) a candidate must share with this value to score
    /// 0.6 without containing it or being contained in it: the edit distance is at least the
    /// longer length less the characters shared, and must stay within two fifths of it.
    pub(crate) fn min_shared(&self) -> usize {
        (3 * self.sorted.len()).div_ceil(5)
    }
}

/// How many characters two sorted lists share, counting repeats.
fn shared(a: &[char], b: &[char]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// `closest` over candidates prepared once (a roster of thousands of names is compared with
/// every unknown name, so nothing per candidate may allocate). Of equally close candidates the
/// first wins.
pub(crate) fn closest_to<'a, 'f>(
    value: &Folded,
    candidates: impl IntoIterator<Item = (&'a str, &'f Folded)>,
) -> Option<&'a str> {
    let len = value.sorted.len();
    if len == 0 {
        return None;
    }
    let mut best: Option<(f64, &str)> = None;
    for (candidate, theirs) in candidates {
        let other = theirs.sorted.len();
        let (shorter, longer) = (len.min(other), len.max(other));
        let common = shared(&value.sorted, &theirs.sorted);
        // One can contain the other only if they share every character of the shorter.
        let contains = common == shorter
            && (theirs.text.contains(&value.text) || value.text.contains(&theirs.text));
        let score = if contains {
            0.5 + 0.5 * (shorter as f64 / longer as f64)
        } else if (longer - common) * 5 > longer * 2 {
            // The edit distance is at least the longer length less the characters the two
            // share: too few shared and the score cannot reach 0.6.
            continue;
        } else {
            strsim::normalized_levenshtein(&value.text, &theirs.text)
        };
        if score >= 0.6 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// A random name of one to eight characters from `pool`, for the tests that check fast matching
/// against scoring every candidate.
#[cfg(test)]
pub(crate) fn random_name(rng: &mut rand::rngs::SmallRng, pool: &[char]) -> String {
    use rand::Rng;
    let len = rng.random_range(1..9);
    (0..len)
        .map(|_| pool[rng.random_range(0..pool.len())])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The characters folding takes as they are: NFKC leaves each alone and composes none with
    /// a neighbour, so a text of them folds as it would through NFKC.
    #[test]
    fn characters_nfkc_keeps_are_kept_alone_and_beside_others() {
        let kept: Vec<char> = (0..=0x10_FFFF)
            .filter_map(char::from_u32)
            .filter(|c| nfkc_keeps(*c))
            .collect();
        assert_eq!(kept.len(), 128 + 0x9fff - 0x4e00 + 1);
        for c in &kept {
            let alone: String = std::iter::once(*c).nfkc().collect();
            assert_eq!(alone, c.to_string(), "U+{:04X}", u32::from(*c));
        }
        let text: String = kept.iter().collect();
        assert_eq!(text.nfkc().collect::<String>(), text);
        let through_nfkc = |s: &str| -> String {
            let kept = s.nfkc().filter(|c| !is_blank(*c) && *c != '*');
            fast2s::convert(&kept.map(|c| c.to_ascii_lowercase()).collect::<String>())
        };
        for s in [
            "學習記錄",
            " 单位 名称* ",
            "Sheet1",
            "龙爪镇2026年学习台账",
            "参学人数",
            "",
        ] {
            assert_eq!(fold(s), through_nfkc(s), "{s}");
        }
        // Outside the set NFKC still applies: full-width forms, compatibility ideographs.
        assert_eq!(fold("ＡＢ１２　学习"), "ab12学习");
        assert_eq!(fold("\u{f900}"), through_nfkc("\u{f900}"));
        assert!(matches!(nfkc("2026年3月5日 14:30"), Cow::Borrowed(_)));
        for s in ["２０２６年３月５日", "\u{f900}", "e\u{301}", "㍿"] {
            assert_eq!(nfkc(s), s.nfkc().collect::<String>(), "{s}");
        }
    }

    /// The spelled-out set is exactly `char::is_whitespace` plus the two invisible marks.
    #[test]
    fn blanks_are_unicode_whitespace_and_invisible_marks() {
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            assert_eq!(
                is_blank(c),
                c.is_whitespace() || c == '\u{feff}' || c == '\u{200b}',
                "U+{:04X}",
                u32::from(c)
            );
        }
        assert_eq!(trim_cell("\u{3000} 龙爪镇\u{200b}\u{feff}\n"), "龙爪镇");
    }

    /// The byte test before trimming lets no blank through: every blank's first and last bytes
    /// are flagged, and random texts trim as the plain `trim_matches` trims them.
    #[test]
    fn trimming_skips_only_texts_without_blank_ends() {
        for c in (0..=0x10_FFFF)
            .filter_map(char::from_u32)
            .filter(|c| is_blank(*c))
        {
            let mut utf8 = [0; 4];
            let bytes = c.encode_utf8(&mut utf8).as_bytes();
            assert!(may_start_blank(bytes[0]), "U+{:04X}", u32::from(c));
            assert!(
                may_end_blank(bytes[bytes.len() - 1]),
                "U+{:04X}",
                u32::from(c)
            );
        }
        use rand::SeedableRng;
        let pool = [
            '龙', '一', '镇', 'a', ' ', '\u{3000}', '\u{a0}', '\u{feff}', '\u{2029}', '\u{205f}',
            '\u{1680}', '\u{85}', '\t', '\u{200b}', 'Ā', '€',
        ];
        let mut rng = rand::rngs::SmallRng::seed_from_u64(3);
        for _ in 0..20_000 {
            let t = random_name(&mut rng, &pool);
            assert_eq!(trim_cell(&t), t.trim_matches(is_blank), "{t:?}");
        }
        assert_eq!(trim_cell(""), "");
    }

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

    /// The shared-character bound only skips candidates that could not have won: the same
    /// suggestions as scoring every candidate in full.
    #[test]
    fn skipping_by_shared_characters_changes_no_suggestion() {
        use rand::SeedableRng;
        use rand::rngs::SmallRng;
        let brute = |value: &str, names: &[String]| -> Option<String> {
            let value = normalize(value);
            let mut best: Option<(f64, &String)> = None;
            for name in names {
                let norm = normalize(name);
                let (a, b) = (norm.chars().count(), value.chars().count());
                let score = if norm.contains(&value) || value.contains(&norm) {
                    0.5 + 0.5 * (a.min(b) as f64 / a.max(b) as f64)
                } else {
                    strsim::normalized_levenshtein(&value, &norm)
                };
                if score >= 0.6 && best.is_none_or(|(s, _)| score > s) {
                    best = Some((score, name));
                }
            }
            best.map(|(_, n)| n.clone())
        };
        let pool: Vec<char> = "龙爪城关东西南北镇乡街道局委办中心学校园区"
            .chars()
            .collect();
        let mut rng = SmallRng::seed_from_u64(5);
        let word = |rng: &mut SmallRng| crate::normalize::random_name(rng, &pool);
        let names: Vec<String> = (0..400).map(|_| word(&mut rng)).collect();
        let folded: Vec<Folded> = names.iter().map(|n| Folded::new(n)).collect();
        for _ in 0..400 {
            let value = word(&mut rng);
            let fast = closest_to(
                &Folded::new(&value),
                names.iter().map(String::as_str).zip(&folded),
            );
            assert_eq!(fast.map(str::to_string), brute(&value, &names), "{value}");
        }
    }
}
