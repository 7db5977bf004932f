//! The county's list of units (名册): name, type and aliases, from a CSV or a workbook. It owns
//! looking a typed name up (after normalisation, through aliases) and the closest-name
//! suggestion. It must not know about submissions.

use crate::ingest;
use crate::ingest::limits::MAX_CELL_CHARS;
use crate::normalize::{Folded, NameMap, closest_to, normalize, trim_cell};
use crate::outcome::Unit;
use crate::sheet::Cell;
use aho_corasick::AhoCorasick;
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

#[derive(Debug, Clone, Default)]
pub(crate) struct Roster {
    pub units: Vec<Unit>,
    /// Normalised name or alias → unit index.
    lookup: NameMap<usize>,
    /// What finds names inside file names and suggests close ones: built on first use, as a run
    /// whose workbooks all name their unit exactly never needs it (for a 10,000-unit roster it
    /// took longer to build than the roster took to read).
    search: OnceLock<Search>,
}

#[derive(Debug, Clone, Default)]
struct Search {
    /// Each unit's name prepared for suggestions.
    folded: Vec<Folded>,
    /// Every normalised name or alias of two characters or more, to find them inside file and
    /// folder names in one pass (`keys[i]` is pattern `i`: its length in characters, the key and
    /// the unit).
    in_names: Option<AhoCorasick>,
    keys: Vec<(usize, String, usize)>,
    /// Each character → the units whose folded name holds it, in unit order: suggestions score
    /// only the units that share enough characters with the unknown name.
    by_char: CharMap<Vec<usize>>,
    /// Units whose folded name is one character (too short for `in_names`).
    single: Vec<usize>,
}

impl Search {
    fn new(units: &[Unit], lookup: &NameMap<usize>) -> Self {
        let folded: Vec<Folded> = units.iter().map(|u| Folded::new(&u.name)).collect();
        let keys: Vec<(usize, String, usize)> = lookup
            .iter()
            .map(|(key, &i)| (key.chars().count(), key.clone(), i))
            .filter(|(chars, ..)| *chars >= 2)
            .collect();
        let in_names = AhoCorasick::new(keys.iter().map(|(_, key, _)| key)).ok();
        let mut by_char = CharMap::<Vec<usize>>::default();
        let mut single = Vec::new();
        for (i, f) in folded.iter().enumerate() {
            let mut chars = f.chars().to_vec();
            chars.dedup();
            for c in chars {
                by_char.entry(c).or_default().push(i);
            }
            if f.chars().len() == 1 {
                single.push(i);
            }
        }
        Search {
            folded,
            in_names,
            keys,
            by_char,
            single,
        }
    }
}

type CharMap<V> = std::collections::HashMap<char, V, foldhash::fast::RandomState>;

/// A roster that could not be used, with the reason.
#[derive(Debug, thiserror::Error)]
#[error("名册 {path}：{message}")]
pub struct RosterError {
    pub path: String,
    pub message: String,
}

impl Roster {
    pub(crate) fn new(units: Vec<Unit>) -> Self {
        let mut lookup = NameMap::default();
        for (i, unit) in units.iter().enumerate() {
            lookup.entry(normalize(&unit.name)).or_insert(i);
        }
        // Aliases never shadow a real name.
        for (i, unit) in units.iter().enumerate() {
            for alias in &unit.aliases {
                lookup.entry(normalize(alias)).or_insert(i);
            }
        }
        Roster {
            units,
            lookup,
            search: OnceLock::new(),
        }
    }

    /// Builds what finding names inside file names and suggesting close ones takes, if not yet
    /// built: a run calls it beside the reading of the files, which will likely need it once.
    pub(crate) fn prepare(&self) {
        self.search();
    }

    fn search(&self) -> &Search {
        self.search
            .get_or_init(|| Search::new(&self.units, &self.lookup))
    }

    /// Loads a roster from a `.csv`, `.xlsx` or `.xls` with columns 单位名称, 单位类型, 别名. A
    /// roster that would make units silently wrong is refused, naming its row
    /// (`docs/units.md#the-roster`): a type not among `unit_types`, an alias that is another
    /// unit's name or belongs to two units, a blank name on a filled row, a formula saved without
    /// its value. A blank type is allowed: the unit's 基本信息 gives it.
    pub(crate) fn load(
        path: &Path,
        unit_types: &[String],
    ) -> Result<(Self, Vec<String>), RosterError> {
        let fail = |message: String| RosterError {
            path: path.display().to_string(),
            message,
        };
        let bytes = std::fs::read(path)
            .map_err(|e| fail(format!("无法读取：{}", crate::io_error::in_words(&e))))?;
        let workbook = ingest::parse(bytes, "名册", ingest::limits::DEFAULT_MAX_CELLS)
            .map_err(|e| fail(e.message))?;
        let sheet = workbook
            .sheets
            .first()
            .ok_or_else(|| fail("没有工作表".into()))?;
        let mut header = None;
        for row in sheet.rows.iter().take(15) {
            let find = |name: &str| {
                row.cells
                    .iter()
                    .find(|(_, c)| normalize(&c.display()) == normalize(name))
                    .map(|(col, _)| *col)
            };
            if let Some(name_col) = find("单位名称") {
                header = Some((row.index, name_col, find("单位类型"), find("别名")));
                break;
            }
        }
        let (header_row, name_col, type_col, alias_col) =
            header.ok_or_else(|| fail("前 15 行中没有“单位名称”列".into()))?;
        let columns = [Some(name_col), type_col, alias_col];
        let mut units = Vec::new();
        let mut lines = Vec::new();
        let mut warnings = Vec::new();
        let mut seen = HashMap::new();
        for row in sheet.rows.iter().filter(|r| r.index > header_row) {
            let line = row.index + 1;
            let refuse = |why: String| fail(format!("名册第 {line} 行{why}"));
            if columns
                .iter()
                .flatten()
                .any(|&c| matches!(row.get(c), Some(Cell::Uncached)))
            {
                return Err(refuse(
                    "有公式没有保存计算结果（请在 Excel 或 WPS 中打开并保存后再用）".into(),
                ));
            }
            let text = |col: Option<u32>| {
                col.and_then(|c| row.get(c))
                    .map(|c| c.display())
                    .unwrap_or_default()
            };
            let name = text(Some(name_col));
            let unit_type = text(type_col);
            let alias_text = text(alias_col);
            if name.is_empty() {
                if !unit_type.is_empty() || !alias_text.is_empty() {
                    return Err(refuse("的单位名称为空，但单位类型或别名已填写".into()));
                }
                continue;
            }
            if let Some(chars) = [&name, &unit_type].into_iter().find_map(|t| too_long(t)) {
                warnings.push(format!(
                    "名册第 {line} 行的内容有 {chars} 个字符，超过 Excel 单元格上限 {MAX_CELL_CHARS}，已忽略该行"
                ));
                continue;
            }
            // Spelt as the schema spells it once normalised (`鄉鎮`, ` 乡镇 ` are 乡镇).
            let typed = normalize(&unit_type);
            let unit_type = match unit_types.iter().find(|t| normalize(t) == typed) {
                Some(t) => t.clone(),
                None if unit_type.is_empty() => unit_type,
                None => {
                    return Err(refuse(format!(
                        "的单位类型“{unit_type}”不是方案中的单位类型（{}）",
                        unit_types.join("、")
                    )));
                }
            };
            if let Some(first) = seen.insert(normalize(&name), line) {
                warnings.push(format!(
                    "名册第 {line} 行的“{name}”与第 {first} 行重复，已忽略"
                ));
                continue;
            }
            let aliases = alias_text
                .split(['、', ',', '，', ';', '；'])
                .map(|a| trim_cell(a).to_string())
                .filter(|a| !a.is_empty())
                .collect();
            units.push(Unit {
                name,
                unit_type,
                aliases,
            });
            lines.push(line);
        }
        if units.is_empty() {
            return Err(fail("没有任何单位".into()));
        }
        check_aliases(&units, &lines).map_err(fail)?;
        Ok((Roster::new(units), warnings))
    }

    /// The unit a typed name (or alias) means.
    pub(crate) fn find(&self, name: &str) -> Option<usize> {
        self.lookup.get(&normalize(name)).copied()
    }

    /// The one unit an official full name means once its standard parts are taken off
    /// (`official_forms`): `中共江口县委宣传部` → 县委宣传部, `官渡镇人民政府` → 官渡镇. `None` when no
    /// form, or forms of two units, are in the roster: never a guess between two.
    pub(crate) fn find_official(&self, name: &str, county: Option<&str>) -> Option<usize> {
        let mut found: Option<usize> = None;
        for form in official_forms(&normalize(name), county.map(normalize).as_deref()) {
            if let Some(&i) = self.lookup.get(&form) {
                match found {
                    Some(j) if j != i => return None,
                    _ => found = Some(i),
                }
            }
        }
        found
    }

    /// The roster name closest to a name that matched nothing (as `normalize::closest` would
    /// find it among all the roster's names, without scoring every one of them).
    pub(crate) fn suggest(&self, name: &str) -> Option<&str> {
        let value = Folded::new(name);
        let candidates = self
            .could_suggest(&value)
            .into_iter()
            .map(|i| (self.units[i].name.as_str(), &self.search().folded[i]));
        closest_to(&value, candidates)
    }

    /// Every unit that could be close enough to `value` to be suggested, in unit order (so that
    /// ties go to the same unit as when all are scored), and possibly a few more:
    /// - names contained in it: found by `in_names` (one character: `single`);
    /// - names containing it, or sharing at least `min_shared` of its characters. Of a set of its
    ///   characters whose repeats add up to `covered`, a name holding none shares at most
    ///   `len - covered`, and one holding a single one at most `len - covered + heaviest` (the
    ///   most repeated of the set). So when the set's `covered - heaviest` exceeds
    ///   `len - min_shared`, only names holding two of its characters need scoring; else (a value
    ///   of one distinct character, say) those holding one, of a set whose `covered` does. Sets
    ///   are taken from the characters held by the fewest units. With a roster of 100,000 names
    ///   built from a few thousand characters, one character is held by hundreds or thousands of
    ///   names, two by a handful.
    fn could_suggest(&self, value: &Folded) -> Vec<usize> {
        let search = self.search();
        let chars = value.chars();
        if chars.is_empty() {
            return Vec::new();
        }
        let mut distinct: Vec<(char, usize)> = Vec::new();
        for &c in chars {
            match distinct.last_mut() {
                Some((last, n)) if *last == c => *n += 1,
                _ => distinct.push((c, 1)),
            }
        }
        let held_by = |c: &char| search.by_char.get(c).map_or(0, Vec::len);
        distinct.sort_by_key(|(c, _)| held_by(c));
        let needed = chars.len() - value.min_shared() + 1;
        let holders = |set: &[(char, usize)]| -> Vec<usize> {
            set.iter()
                .flat_map(|(c, _)| search.by_char.get(c).into_iter().flatten())
                .copied()
                .collect()
        };
        let (mut covered, mut heaviest) = (0, 0);
        let pair_set = distinct.iter().position(|&(_, n)| {
            covered += n;
            heaviest = heaviest.max(n);
            covered - heaviest >= needed
        });
        let mut units = match pair_set {
            Some(last) => {
                // Each character's holders are in unit order: a stable sort merges the runs.
                let mut all = holders(&distinct[..=last]);
                all.sort();
                all.chunk_by(|a, b| a == b)
                    .filter(|run| run.len() >= 2)
                    .map(|run| run[0])
                    .collect()
            }
            None => {
                let mut covered = 0;
                let one_set = distinct
                    .iter()
                    .position(|&(_, n)| {
                        covered += n;
                        covered >= needed
                    })
                    .unwrap_or(distinct.len() - 1);
                holders(&distinct[..=one_set])
            }
        };
        if let Some(in_names) = &search.in_names {
            let found = in_names.find_overlapping_iter(value.text());
            units.extend(found.map(|m| search.keys[m.pattern().as_usize()].2));
        }
        units.extend(&search.single);
        units.sort_unstable();
        units.dedup();
        units
    }

    /// The unit whose name or alias the file name contains; the longest such name wins.
    pub(crate) fn find_in_file_name(&self, file_name: &str) -> Option<usize> {
        let folded = normalize(file_name);
        let search = self.search();
        search
            .in_names
            .as_ref()?
            .find_overlapping_iter(&folded)
            .map(|m| &search.keys[m.pattern().as_usize()])
            .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.cmp(&a.1)))
            .map(|&(.., i)| i)
    }
}

impl Roster {
    /// The unit a file speaks for by its name: the file name first, then the folders it sits in,
    /// innermost first (`龙爪镇/台账.xlsx` — offices often file each unit's papers in its own folder).
    pub(crate) fn find_in_path(&self, rel: &str) -> Option<usize> {
        rel.rsplit('/')
            .find_map(|part| self.find_in_file_name(part))
    }
}

/// What an official name may carry before the unit's own: the Party's prefix.
const PARTY_PREFIX: &str = "中共";
/// What may follow a unit's own name in its official name.
const BODY_SUFFIXES: &[&str] = &[
    "人民政府",
    "党工委",
    "党委",
    "办事处",
    "委员会",
    "党支部",
    "党总支",
];
/// The last character of a place name before the county's own bodies (`江口县委宣传部`).
const PLACE_ENDS: &[char] = &['县', '区', '市', '旗'];
/// Most characters of a place name taken off the front.
const MAX_PLACE_CHARS: usize = 6;

/// The shorter forms of a normalised official name, each once, the name itself excluded: without
/// a leading 中共; without a leading place name — the county's own (`county`, normalised), else
/// any of up to six characters ending in 县/区/市/旗 — keeping that last character (`县教育局`) or
/// not (`官渡镇`); without a trailing 人民政府/党委/党工委/办事处/委员会/党支部/党总支; and every
/// combination of these.
pub(crate) fn official_forms(name: &str, county: Option<&str>) -> Vec<String> {
    let mut forms: Vec<String> = vec![name.to_string()];
    let add = |forms: &mut Vec<String>, form: &str| {
        if form.chars().count() >= 2 && !forms.iter().any(|f| f == form) {
            forms.push(form.to_string());
        }
    };
    if let Some(rest) = name.strip_prefix(PARTY_PREFIX) {
        add(&mut forms, rest);
    }
    for i in 0..forms.len() {
        let form = forms[i].clone();
        for rest in without_place(&form, county) {
            add(&mut forms, rest);
        }
    }
    for i in 0..forms.len() {
        let form = forms[i].clone();
        for suffix in BODY_SUFFIXES {
            if let Some(rest) = form.strip_suffix(suffix) {
                add(&mut forms, rest);
            }
        }
    }
    forms.remove(0);
    forms
}

/// `name` without a leading place name: keeping its last character (县委宣传部) and not (官渡镇).
fn without_place<'n>(name: &'n str, county: Option<&str>) -> Vec<&'n str> {
    let mut out = Vec::new();
    match county {
        Some(county) => {
            if let Some(rest) = name.strip_prefix(county) {
                out.push(rest);
                let end = county.chars().last().map_or(0, char::len_utf8);
                out.push(&name[county.len() - end..]);
            }
        }
        None => {
            for (count, (at, c)) in name.char_indices().enumerate().skip(1) {
                if count > MAX_PLACE_CHARS {
                    break;
                }
                if PLACE_ENDS.contains(&c) {
                    out.push(&name[at..]);
                    out.push(&name[at + c.len_utf8()..]);
                }
            }
        }
    }
    out
}

/// An alias must name one unit only: not another unit's name, not another unit's alias.
/// `lines[i]` is unit `i`'s roster line.
fn check_aliases(units: &[Unit], lines: &[u32]) -> Result<(), String> {
    let names: HashMap<String, usize> = (units.iter().enumerate())
        .map(|(i, u)| (normalize(&u.name), i))
        .collect();
    let mut aliases: HashMap<String, usize> = HashMap::new();
    for (i, unit) in units.iter().enumerate() {
        for alias in &unit.aliases {
            let key = normalize(alias);
            match names.get(&key) {
                Some(&other) if other != i => {
                    return Err(format!(
                        "名册第 {} 行的别名“{alias}”是第 {} 行单位“{}”的名称",
                        lines[i], lines[other], units[other].name
                    ));
                }
                _ => {}
            }
            if let Some(&other) = aliases.get(&key)
                && other != i
            {
                return Err(format!(
                    "名册第 {} 行的别名“{alias}”也是第 {} 行单位“{}”的别名：一个别名只能对应一个单位",
                    lines[i], lines[other], units[other].name
                ));
            }
            aliases.insert(key, i);
        }
    }
    Ok(())
}

fn too_long(text: &str) -> Option<usize> {
    let chars = (text.len() > MAX_CELL_CHARS).then(|| text.chars().count())?;
    (chars > MAX_CELL_CHARS).then_some(chars)
}

/// Is this file a roster by its name (`名册.*`, `roster.*`)?
pub(crate) fn is_roster_name(path: &Path) -> bool {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    // Every input's name is asked: the normalisation only for names short enough to be one
    // (`名册`, `roster`, spaced or full-width).
    matches!(ext.as_str(), "csv" | "xlsx" | "xls")
        && stem.len() <= 32
        && matches!(normalize(stem).as_str(), "名册" | "roster")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roster() -> Roster {
        Roster::new(vec![
            Unit {
                name: "龙爪镇".into(),
                unit_type: "乡镇".into(),
                aliases: vec![],
            },
            Unit {
                name: "城关街道".into(),
                unit_type: "街道".into(),
                aliases: vec!["城关办".into()],
            },
            Unit {
                name: "县交通运输局".into(),
                unit_type: "部门".into(),
                aliases: vec!["交通局".into()],
            },
            Unit {
                name: "县交通运输局路政大队".into(),
                unit_type: "部门".into(),
                aliases: vec![],
            },
        ])
    }

    /// A roster row whose name or type is longer than a cell holds is left out with a warning:
    /// no report could show it.
    #[test]
    fn a_roster_name_longer_than_a_cell_holds_is_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("名册.csv");
        let long = "镇".repeat(40_000);
        let text = format!("单位名称,单位类型\n龙爪镇,乡镇\n{long},乡镇\n青石镇,{long}\n");
        std::fs::write(&path, text).unwrap();
        let (roster, warnings) = Roster::load(&path, &["乡镇".to_string()]).unwrap();
        assert_eq!(roster.units.len(), 1);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].starts_with("名册第 3 行的内容有 40000 个字符"));
    }

    /// A roster type spelt in traditional characters or with spaces is the schema's type.
    #[test]
    fn a_roster_type_is_read_as_the_schema_spells_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("名册.csv");
        std::fs::write(&path, "单位名称,单位类型\n龙爪镇,鄉鎮\n青石镇, 乡 镇\n").unwrap();
        let types = ["乡镇".to_string(), "部门".to_string()];
        let (roster, _) = Roster::load(&path, &types).unwrap();
        let read: Vec<&str> = roster.units.iter().map(|u| u.unit_type.as_str()).collect();
        assert_eq!(read, ["乡镇", "乡镇"]);
    }

    #[test]
    fn names_aliases_and_traditional_spellings_find_the_unit() {
        let r = roster();
        assert_eq!(r.find("龍爪鎮"), Some(0));
        assert_eq!(r.find(" 城关办 "), Some(1));
        assert_eq!(r.find("东风镇"), None);
        assert_eq!(r.suggest("龙爪乡"), Some("龙爪镇"));
    }

    /// Scoring only the units the index picks gives the suggestion scoring every name gives:
    /// short names, repeated characters, names sharing a spelling, aliases, traditional forms.
    #[test]
    fn the_index_suggests_what_scoring_every_name_suggests() {
        use rand::rngs::SmallRng;
        use rand::{Rng, SeedableRng};
        let pool: Vec<char> = "龙爪城关东西南北镇鎮乡街道局委办中心学校园区"
            .chars()
            .collect();
        let mut rng = SmallRng::seed_from_u64(7);
        let word = |rng: &mut SmallRng| crate::normalize::random_name(rng, &pool);
        let units: Vec<Unit> = (0..600)
            .map(|_| Unit {
                name: word(&mut rng),
                unit_type: "部门".into(),
                aliases: (0..rng.random_range(0..2))
                    .map(|_| word(&mut rng))
                    .collect(),
            })
            .collect();
        let names: Vec<String> = units.iter().map(|u| u.name.clone()).collect();
        let roster = Roster::new(units);
        let mut suggested = 0;
        for _ in 0..600 {
            let value = word(&mut rng);
            let every = crate::normalize::closest(&value, names.iter().map(String::as_str));
            assert_eq!(roster.suggest(&value), every, "{value}");
            suggested += usize::from(every.is_some());
        }
        assert!(
            suggested > 100,
            "the test must exercise suggestions: {suggested}"
        );
    }

    /// An official full name finds the one roster unit its short forms name, and nothing when
    /// they name none or two.
    #[test]
    fn official_names_find_exactly_one_unit() {
        let unit = |name: &str, alias: &str| Unit {
            name: name.into(),
            unit_type: "乡镇".into(),
            aliases: (!alias.is_empty())
                .then(|| alias.to_string())
                .into_iter()
                .collect(),
        };
        let roster = Roster::new(vec![
            unit("县委宣传部", ""),
            unit("县教育局", ""),
            unit("官渡镇", ""),
            unit("金塘镇", "金塘"),
            unit("东区街道", ""),
            unit("区街道", ""),
        ]);
        let found = |name: &str, county| {
            roster
                .find_official(name, county)
                .map(|i| roster.units[i].name.as_str())
        };
        assert_eq!(found("中共江口县委宣传部", None), Some("县委宣传部"));
        assert_eq!(found("江口县教育局", None), Some("县教育局"));
        assert_eq!(found("江口县教育局", Some("江口县")), Some("县教育局"));
        assert_eq!(found("官渡镇人民政府", None), Some("官渡镇"));
        assert_eq!(found("官渡镇党委", None), Some("官渡镇"));
        assert_eq!(
            found("江口县官渡镇人民政府", Some("江口县")),
            Some("官渡镇")
        );
        assert_eq!(
            found("金塘党委", None),
            Some("金塘镇"),
            "an alias is a roster name"
        );
        assert_eq!(found("江口县官渡镇政府办", None), None);
        // 江口县东区街道 reduces to both 东区街道 and 区街道 (江口县东 + 区…): no guess.
        assert_eq!(found("江口县东区街道", None), None);
        assert_eq!(found("江口县东区街道", Some("江口县")), Some("东区街道"));
    }

    #[test]
    fn the_longest_name_in_a_file_name_wins() {
        let r = roster();
        assert_eq!(
            r.find_in_file_name("县交通运输局路政大队2026台账.xlsx"),
            Some(3)
        );
        assert_eq!(r.find_in_file_name("交通局台账"), Some(2));
        assert_eq!(r.find_in_file_name("台账"), None);
        assert_eq!(r.find_in_path("乡镇/龙爪镇/台账.xlsx"), Some(0));
        assert_eq!(
            r.find_in_path("城关办/交通局台账.xlsx"),
            Some(2),
            "the file name comes first"
        );
    }
}
