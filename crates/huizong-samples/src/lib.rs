//! `huizong samples`: writes a deterministic demo county into a folder — the roster `名册.csv`,
//! one ledger workbook per unit filled in the messy ways people really fill them, a GBK export
//! of an online form, and a handful of planted mistakes, each listed in
//! [`SamplesReport::planted`] so tests can check that the readers find exactly those.
//!
//! Every choice is drawn from a SplitMix64 stream derived from the seed and the unit's index, so
//! the output depends neither on thread order nor on the clock. Rare traits (a traditional sheet
//! name, a planted mistake, a unit short of quota) are dealt per block of 40 units from a
//! shuffled deck: 40 units get each planted mistake exactly once, larger counties get them at
//! the same rate. This crate only writes; it must not share code with the readers, so that a
//! bug there cannot hide behind the same bug here. It is a crate of its own so that Cargo holds
//! that line: it does not depend on `huizong`, and `huizong` reaches only the items marked `pub`
//! here ([`generate`] and its options and report).
//!
//! `names` holds the text tables and the roster, `ledgers` what each ledger says, `xlsx` how it
//! is laid out; this file deals the traits, writes the files and keeps the list of plants.

mod ledgers;
mod names;
#[cfg(test)]
mod tests;
mod xlsx;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use rayon::prelude::*;

use ledgers::{CaseDeal, Date, Ledger, Value, day};
use names::{RosterUnit, UnitKind};
use xlsx::{Info, write_workbook};

#[derive(Debug, Clone)]
pub struct SamplesOptions {
    pub units: usize,
    pub year: i32,
    pub seed: u64,
    pub out: PathBuf,
}

#[derive(Debug, Clone)]
pub struct SamplesReport {
    pub files_written: usize,
    pub units: usize,
    pub planted: Vec<Planted>,
}

/// One mistake planted on purpose: what `check` is expected to report.
#[derive(serde::Serialize, Debug, Clone)]
pub struct Planted {
    /// Path relative to the output folder, `/`-separated; empty for a unit that sent nothing.
    pub file: String,
    pub sheet: Option<String>,
    /// 1-based row as Excel shows it.
    pub row: Option<u32>,
    /// "错误" | "警告" | "提示".
    pub level: &'static str,
    /// Short English tag: unknown_enum, unknown_enum_close, date_out_of_year, invalid_date,
    /// required_blank, invalid_optional, check_not_greater, check_mismatch, totals_row,
    /// extra_columns, missing_sheet, superseded, unknown_unit, skipped, missing.
    pub kind: &'static str,
}

const ERROR: &str = "错误";
const WARNING: &str = "警告";
const NOTE: &str = "提示";

/// Writes the demo county into `opts.out` (created if missing; other files are left alone).
pub fn generate(opts: &SamplesOptions) -> Result<SamplesReport> {
    if opts.units == 0 {
        bail!("--units 必须大于 0");
    }
    if !(2000..=2100).contains(&opts.year) {
        bail!("--year 须在 2000 到 2100 之间，收到 {}", opts.year);
    }
    let County {
        roster,
        plants,
        strangers,
    } = deal_county(opts.units, opts.seed)?;
    let outsiders = strangers.len();

    let out = &opts.out;
    fs::create_dir_all(out).with_context(|| format!("无法创建输出目录 {}", out.display()))?;
    for kind in UnitKind::ALL {
        if roster.iter().any(|u| u.kind == kind) || (kind == UnitKind::Town && outsiders > 0) {
            let dir = out.join(kind.label());
            fs::create_dir_all(&dir).with_context(|| format!("无法创建目录 {}", dir.display()))?;
        }
    }
    write_roster(out, &roster)?;

    let mut strangers = strangers.into_iter();
    let mut alias_holders = 0;
    let jobs: Vec<Job> = (roster.iter().zip(plants).enumerate())
        .map(|(index, (unit, plant))| {
            let stranger = match plant {
                Some(Plant::UnknownUnit) => strangers.next(),
                _ => None,
            };
            // Every other unit that has an alias writes it on its cover instead of its name.
            alias_holders += usize::from(!unit.aliases.is_empty());
            let cover_alias = !unit.aliases.is_empty() && alias_holders % 2 == 0;
            Job {
                index,
                unit,
                plant,
                stranger,
                cover_alias,
            }
        })
        .collect();
    let cx = Ctx {
        seed: opts.seed,
        year: opts.year,
        out,
    };
    // Each job draws only from its own streams, so the pool's scheduling cannot change a byte.
    let outputs = jobs
        .par_iter()
        .map(|job| write_unit(&cx, job))
        .collect::<Result<Vec<_>>>()?;

    let mut report = SamplesReport {
        files_written: 1, // 名册.csv
        units: roster.len(),
        planted: Vec::new(),
    };
    let mut export = Vec::new();
    for output in outputs {
        report.files_written += output.files;
        report.planted.extend(output.planted);
        export.extend(output.export_lines);
    }
    if !export.is_empty() {
        write_form_export(out, &export)?;
        report.files_written += 1;
    }
    Ok(report)
}

// ---------------------------------------------------------------------------------------------
// Dealing

/// A county as dealt for a run, before any unit's content is drawn.
struct County {
    roster: Vec<RosterUnit>,
    /// Each roster unit's planted mistake, if any.
    plants: Vec<Option<Plant>>,
    /// A name for every unit the roster does not know (`Plant::UnknownUnit`).
    strangers: Vec<String>,
}

fn deal_county(units: usize, seed: u64) -> Result<County> {
    let plants: Vec<Option<Plant>> = (0..units).map(|i| Plant::dealt(seed, i)).collect();
    let outsiders = plants
        .iter()
        .filter(|p| **p == Some(Plant::UnknownUnit))
        .count();
    let mut rng = Rng::stream(seed, Deck::Roster as u64, 0);
    let (roster, strangers) = names::build_roster(units, outsiders, &mut rng)?;
    Ok(County {
        roster,
        plants,
        strangers,
    })
}

/// SplitMix64: tiny, and the same on every platform and release, unlike `rand`'s generators.
#[derive(Clone, Debug)]
struct Rng(u64);

impl Rng {
    /// An independent stream for one purpose (`tag`) and one unit or block (`index`).
    fn stream(seed: u64, tag: u64, index: u64) -> Rng {
        let base = Rng(seed ^ tag.wrapping_mul(0xD1B5_4A32_D192_ED03)).next_u64();
        Rng(base ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % (hi - lo + 1).max(1) as u64) as i64
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

const BLOCK: usize = 40;

/// The streams of a run; a trait's deck is shuffled once per block of 40 units.
#[derive(Clone, Copy)]
enum Deck {
    Roster,
    Plant,
    Short,
    Cases,
    SheetNames,
    TradHeaders,
    AliasHeaders,
    Stars,
    Spaced,
    Shuffled,
    Dates,
    People,
    Bools,
    BlankRows,
    NumberedTail,
    MergedDates,
    Subtitle,
    Content,
    Stranger,
}

/// The card `unit` draws from its block's shuffled deck: a trait given to cards `0..k` lands
/// on exactly k units of every full block of 40.
fn card(seed: u64, deck: Deck, unit: usize) -> usize {
    let mut cards: [u8; BLOCK] = std::array::from_fn(|i| i as u8);
    Rng::stream(seed, deck as u64, (unit / BLOCK) as u64).shuffle(&mut cards);
    usize::from(cards[unit % BLOCK])
}

/// Mistakes planted at the same rate everywhere; one per unit at most.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Plant {
    UnknownForm,
    CloseForm,
    DateBeforeYear,
    ImpossibleDate,
    FuzzyPeople,
    BlankDate,
    FixedOverFound,
    PenaltyMismatch,
    TotalsRow,
    ExtraColumn,
    Superseded,
    UnknownUnit,
    LockFile,
    Missing,
    /// Not a mistake: the unit's 学习记录 goes to the online-form CSV (3 units, first block).
    FormExport,
}

impl Plant {
    const DEALT: [Plant; 14] = [
        Plant::UnknownForm,
        Plant::CloseForm,
        Plant::DateBeforeYear,
        Plant::ImpossibleDate,
        Plant::FuzzyPeople,
        Plant::BlankDate,
        Plant::FixedOverFound,
        Plant::PenaltyMismatch,
        Plant::TotalsRow,
        Plant::ExtraColumn,
        Plant::Superseded,
        Plant::UnknownUnit,
        Plant::LockFile,
        Plant::Missing,
    ];

    fn dealt(seed: u64, unit: usize) -> Option<Plant> {
        let c = card(seed, Deck::Plant, unit);
        match Plant::DEALT.get(c) {
            Some(plant) => Some(*plant),
            None if unit < BLOCK && c < Plant::DEALT.len() + 3 => Some(Plant::FormExport),
            None => None,
        }
    }
}

/// The schema's quotas, for choosing which ones a unit falls short of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Quota {
    /// 集中学习: 12 a year, or for a 部门 one a working week.
    GroupStudy,
    /// 意识形态专题学习: 2 a year, counted in 中心组学习 and 集中学习 only.
    IdeologyStudy,
    /// 专题研究, 分析研判, 专题汇报 (index into `names::AGENDA`).
    Agenda(usize),
    /// 督查, or for a school its 自查报告 (a 全面自查 reported by 06-10 and by 12-10).
    Inspection,
}

impl Quota {
    /// The quotas the schema's rules set for a unit kind: a unit can only fall short of those.
    fn of(kind: UnitKind) -> &'static [Quota] {
        match kind {
            UnitKind::Town | UnitKind::Street | UnitKind::Park => &[
                Quota::GroupStudy,
                Quota::IdeologyStudy,
                Quota::Agenda(0),
                Quota::Agenda(1),
                Quota::Agenda(2),
                Quota::Inspection,
            ],
            // 004 asks a bureau only for weekly 集中学习 and two 专题研究 a year.
            UnitKind::Department => &[Quota::GroupStudy, Quota::Agenda(0)],
            // 000 asks a school only for 意识形态 study and the two self-check reports.
            UnitKind::School => &[Quota::IdeologyStudy, Quota::Inspection],
        }
    }
}

/// 6 units in 40 miss one or two of their kind's quotas.
fn shortfalls(
    seed: u64,
    unit: usize,
    kind: UnitKind,
    plant: Option<Plant>,
    rng: &mut Rng,
) -> Vec<Quota> {
    if card(seed, Deck::Short, unit) >= 6 {
        return Vec::new();
    }
    // A park short of 督查 keeps no inspection at all, so the row planted with 已整改数 over
    // 发现问题数 (accepted, with a 警告) would be its one 督查 and undo the shortfall.
    let spoilt = kind == UnitKind::Park && plant == Some(Plant::FixedOverFound);
    let mut quotas: Vec<Quota> = (Quota::of(kind).iter().copied())
        .filter(|q| !(spoilt && *q == Quota::Inspection))
        .collect();
    rng.shuffle(&mut quotas);
    quotas.truncate(if rng.chance(30) { 2 } else { 1 });
    quotas
}

/// 6 units in 40 keep 问责案件. In each block the unit holding card 0 writes its first case's
/// 对象类别 in the older template's spelling, and the one holding card 1 its first 处理方式 as
/// two, so that every block shows both.
fn case_deal(seed: u64, unit: usize) -> CaseDeal {
    let c = card(seed, Deck::Cases, unit);
    CaseDeal {
        held: c < 6,
        legacy: c == 0,
        paired: c == 1,
    }
}

#[derive(Clone, Copy, Debug)]
enum DateHabit {
    /// A real date cell; the index picks yyyy-mm-dd, yyyy/m/d or yyyy年m月d日.
    Cell(usize),
    /// Text: `2026/3/5`, `2026.3.5`, `2026年3月5日`, `20260305`, `3月5日`.
    Typed(usize),
    /// A bare serial number with no date format.
    Serial,
}

impl Default for DateHabit {
    fn default() -> DateHabit {
        DateHabit::Cell(0)
    }
}

/// How one unit fills its ledgers: how it names sheets, spells headers and values, lays rows.
#[derive(Clone, Copy, Debug, Default)]
struct Habits {
    trad_sheets: bool,
    alias_sheets: bool,
    trad_headers: bool,
    alias_headers: bool,
    starred: bool,
    spaced: bool,
    shuffled: bool,
    dates: DateHabit,
    /// 0: a number, 1: `35人`, 2: full-width `３５`.
    people: usize,
    /// 0: 是/否, 1: √/×, 2: 是/blank.
    bools: usize,
    blank_rows: bool,
    numbered_tail: bool,
    merged_dates: bool,
    subtitle: bool,
}

impl Habits {
    /// Counts per block of 40 units; most units keep the template's ways.
    fn dealt(seed: u64, unit: usize) -> Habits {
        let c = |deck| card(seed, deck, unit);
        let sheet_names = c(Deck::SheetNames);
        Habits {
            trad_sheets: sheet_names < 3,
            alias_sheets: (3..5).contains(&sheet_names),
            trad_headers: c(Deck::TradHeaders) < 3,
            alias_headers: c(Deck::AliasHeaders) < 8,
            starred: c(Deck::Stars) < 6,
            spaced: c(Deck::Spaced) < 4,
            shuffled: c(Deck::Shuffled) < 4,
            dates: match c(Deck::Dates) {
                typed @ 0..=4 => DateHabit::Typed(typed),
                5 => DateHabit::Serial,
                6..=8 => DateHabit::Cell(1),
                9..=11 => DateHabit::Cell(2),
                _ => DateHabit::Cell(0),
            },
            people: [1, 1, 1, 2, 2].get(c(Deck::People)).copied().unwrap_or(0),
            bools: [1, 1, 1, 1, 1, 1, 2, 2]
                .get(c(Deck::Bools))
                .copied()
                .unwrap_or(0),
            blank_rows: c(Deck::BlankRows) < 4,
            numbered_tail: c(Deck::NumberedTail) < 6,
            merged_dates: c(Deck::MergedDates) < 2,
            subtitle: c(Deck::Subtitle) < 12,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Writing one unit

struct Ctx<'a> {
    seed: u64,
    year: i32,
    out: &'a Path,
}

struct Job<'a> {
    index: usize,
    unit: &'a RosterUnit,
    plant: Option<Plant>,
    /// For `Plant::UnknownUnit`: the name of the unit the county does not know.
    stranger: Option<String>,
    /// 基本信息 names the unit by its roster alias (`县发改局`).
    cover_alias: bool,
}

#[derive(Default)]
struct UnitOutput {
    files: usize,
    planted: Vec<Planted>,
    export_lines: Vec<String>,
}

/// A file-level plant; row-level ones come back from `write_workbook`.
fn planted(file: &str, level: &'static str, kind: &'static str) -> Planted {
    Planted {
        file: file.to_string(),
        sheet: None,
        row: None,
        level,
        kind,
    }
}

/// What one unit's ledgers say, with the stream (to go on drawing from) and the habits its
/// workbook is written with. Drawn from the unit's own streams only.
fn content(
    seed: u64,
    year: i32,
    index: usize,
    unit: &RosterUnit,
    plant: Option<Plant>,
) -> (Rng, Habits, Vec<Ledger>) {
    let mut rng = Rng::stream(seed, Deck::Content as u64, index as u64);
    let habits = Habits::dealt(seed, index);
    let short = shortfalls(seed, index, unit.kind, plant, &mut rng);
    let cases = case_deal(seed, index);
    let mut ledgers = ledgers::build(&mut rng, unit, year, &short, cases);
    if let Some(plant) = plant {
        ledgers::plant(plant, &mut ledgers, &mut rng, unit, year);
    }
    if habits.merged_dates {
        ledgers::add_same_day_session(&mut ledgers[0], &mut rng, unit.kind);
    }
    (rng, habits, ledgers)
}

fn write_unit(cx: &Ctx, job: &Job) -> Result<UnitOutput> {
    let (unit, year) = (job.unit, cx.year);
    let mut out = UnitOutput::default();
    if job.plant == Some(Plant::Missing) {
        out.planted.push(planted("", NOTE, "missing"));
        return Ok(out);
    }
    let (mut rng, habits, mut ledgers) = content(cx.seed, year, job.index, unit, job.plant);
    let name = match unit.aliases.first() {
        Some(alias) if job.cover_alias => alias.as_str(),
        _ => unit.name.as_str(),
    };
    let (filler, phone) = (names::person(&mut rng), phone(&mut rng));
    let filed = Date::new(year + 1, 1, rng.range(5, 20) as u32);
    let info = Info {
        name,
        kind: unit.kind,
        year,
        filler,
        phone,
        filed,
    };
    let dir = unit.kind.label();
    let file = format!("{dir}/{}{year}年意识形态工作台账.xlsx", unit.name);

    if job.plant == Some(Plant::FormExport) {
        out.export_lines = export_lines(&unit.name, &ledgers.remove(0));
        let sheet = Some(ledgers::STUDY.name.to_string());
        out.planted.push(Planted {
            sheet,
            ..planted(&file, NOTE, "missing_sheet")
        });
    }
    let marks = write_workbook(&cx.out.join(&file), &info, &ledgers, &habits, &mut rng)?;
    out.planted
        .extend(marks.into_iter().map(|(sheet, row, mark)| Planted {
            sheet: Some(sheet),
            row: Some(row),
            ..planted(&file, mark.level, mark.kind)
        }));
    out.files += 1;

    let extra = match job.plant {
        Some(Plant::Superseded) => {
            // The mid-year version sent in July, before the year-end one replaced it.
            let old = format!("{dir}/{}{year}年意识形态工作台账(旧).xlsx", unit.name);
            let mut first_half = ledgers;
            for ledger in &mut first_half {
                ledger.records.retain(|r| r.key <= day(year, 6, 30));
            }
            let filed = Date::new(year, 7, rng.range(3, 10) as u32);
            let info = Info { filed, ..info };
            write_workbook(&cx.out.join(&old), &info, &first_half, &habits, &mut rng)?;
            Some(planted(&old, NOTE, "superseded"))
        }
        Some(Plant::LockFile) => {
            let lock = format!("{dir}/~${}{year}年意识形态工作台账.xlsx", unit.name);
            let path = cx.out.join(&lock);
            fs::write(&path, lock_bytes())
                .with_context(|| format!("无法写入 {}", path.display()))?;
            Some(planted(&lock, NOTE, "skipped"))
        }
        Some(Plant::UnknownUnit) => Some(write_stranger(cx, job)?),
        _ => None,
    };
    if let Some(extra) = extra {
        out.planted.push(extra);
        out.files += 1;
    }
    Ok(out)
}

/// A tidy workbook from a town that is on no roster.
fn write_stranger(cx: &Ctx, job: &Job) -> Result<Planted> {
    let name = job
        .stranger
        .as_deref()
        .context("内部错误：未分配名册外单位名称")?;
    let mut rng = Rng::stream(cx.seed, Deck::Stranger as u64, job.index as u64);
    let town = RosterUnit {
        name: name.to_string(),
        kind: UnitKind::Town,
        aliases: Vec::new(),
    };
    let ledgers = ledgers::build(&mut rng, &town, cx.year, &[], CaseDeal::default());
    let (filler, phone) = (names::person(&mut rng), phone(&mut rng));
    let filed = Date::new(cx.year + 1, 1, 8);
    let info = Info {
        name,
        kind: UnitKind::Town,
        year: cx.year,
        filler,
        phone,
        filed,
    };
    let file = format!(
        "{}/{name}{}年意识形态工作台账.xlsx",
        UnitKind::Town.label(),
        cx.year
    );
    write_workbook(
        &cx.out.join(&file),
        &info,
        &ledgers,
        &Habits::default(),
        &mut rng,
    )?;
    Ok(planted(&file, ERROR, "unknown_unit"))
}

fn phone(rng: &mut Rng) -> String {
    if rng.chance(60) {
        format!(
            "0{}-{}",
            rng.range(710, 799),
            rng.range(5_000_000, 8_999_999)
        )
    } else {
        let prefix = rng.pick(&[133, 135, 138, 139, 158, 177, 180, 189]);
        format!("{prefix}{:08}", rng.range(0, 99_999_999))
    }
}

/// What Excel leaves beside an open workbook: the owner's name, padded.
fn lock_bytes() -> Vec<u8> {
    let mut bytes = vec![13u8];
    bytes.extend_from_slice(b"Administrator");
    bytes.resize(54, b' ');
    bytes.extend("Administrator".encode_utf16().flat_map(u16::to_le_bytes));
    bytes.resize(165, 0);
    bytes
}

// ---------------------------------------------------------------------------------------------
// CSV files

fn csv_line<S: AsRef<str>>(cells: &[S]) -> String {
    let quote = |cell: &S| {
        let cell = cell.as_ref();
        match cell.contains([',', '"', '\n', '\r']) {
            true => format!("\"{}\"", cell.replace('"', "\"\"")),
            false => cell.to_string(),
        }
    };
    cells.iter().map(quote).collect::<Vec<_>>().join(",") + "\r\n"
}

/// `名册.csv`, UTF-8 with a BOM so that Excel opens it right.
fn write_roster(out: &Path, roster: &[RosterUnit]) -> Result<()> {
    let mut csv = String::from("\u{FEFF}") + &csv_line(&["单位名称", "单位类型", "别名"]);
    for unit in roster {
        csv += &csv_line(&[
            unit.name.as_str(),
            unit.kind.label(),
            &unit.aliases.join("、"),
        ]);
    }
    let path = out.join("名册.csv");
    fs::write(&path, csv).with_context(|| format!("无法写入 {}", path.display()))
}

/// One unit's 学习记录 as the online form exports it: 单位名称 first, then the sheet's fields.
fn export_lines(unit: &str, study: &Ledger) -> Vec<String> {
    (1..)
        .zip(&study.records)
        .map(|(seq, record)| {
            let mut cells = vec![unit.to_string(), format!("{seq}")];
            cells.extend(record.values.iter().map(|value| match value {
                Value::Empty => String::new(),
                Value::Text(s) => s.clone(),
                Value::Int(n) => n.to_string(),
                Value::Bool(b) => (if *b { "是" } else { "否" }).to_string(),
                Value::Date(d) => format!("{}-{:02}-{:02}", d.year, d.month, d.day),
            }));
            csv_line(&cells)
        })
        .collect()
}

/// `网上填报/学习记录_网上填报导出.csv`, in GBK as the provincial form system exports it.
fn write_form_export(out: &Path, lines: &[String]) -> Result<()> {
    let fields = ledgers::STUDY.fields.iter().map(|f| f.name);
    let header: Vec<&str> = std::iter::once("单位名称").chain(fields).collect();
    let content = csv_line(&header) + &lines.concat();
    let (bytes, _, lossy) = encoding_rs::GBK.encode(&content);
    if lossy {
        bail!("内部错误：网上填报导出含 GBK 无法表示的字符");
    }
    let dir = out.join("网上填报");
    fs::create_dir_all(&dir).with_context(|| format!("无法创建目录 {}", dir.display()))?;
    let path = dir.join("学习记录_网上填报导出.csv");
    fs::write(&path, bytes).with_context(|| format!("无法写入 {}", path.display()))
}
