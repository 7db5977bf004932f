//! `汇总_<year>.xlsx`: the seven sheets of `docs/outputs.md` in order — 排名, 未达标明细, 未报送单位,
//! 分月统计, 问责统计, 校验问题, 说明 — each titled, frozen, filtered, fitted and set up for A4
//! landscape, with red shortfalls, a data bar on 完成率 and two charts. The only file (with the
//! other report writers) that names rust_xlsxwriter; it must not compute anything it shows.

use super::table::{Formats, Mark, Out, Table, print_setup, print_unscaled};
use super::{ISSUES_JSONL, ReportModel, SubjectTable};
use crate::evaluate::{Amount, Lateness};
use crate::issue::Level;
use crate::outcome::{Fate, Submission};
use crate::schema::Period;
use rayon::prelude::*;
use rust_xlsxwriter::{
    Chart, ChartDataLabel, ChartFont, ChartFormat, ChartPoint, ChartSolidFill, ChartType,
    ConditionalFormatDataBar, Workbook, Worksheet, XlsxError,
};

/// Most units charted under 排名, each bar labelled: beyond that a chart is no longer read.
const CHART_UNITS: usize = 100;

/// Builds one sheet of the summary.
type Sheet = fn(&mut Worksheet, &Formats, &ReportModel<'_>) -> Result<(), XlsxError>;

/// Builds the summary workbook.
pub(crate) fn summary(model: &ReportModel<'_>) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    // Level 1 deflates several times faster than the default 6, for a slightly larger file.
    wb.set_zip_compression_level(1);
    let f = Formats::new();
    // The sheets are independent until saved: build them on every core, then add them in order.
    // Each with whether it is small (a row per unit at most): a small sheet is kept in memory
    // until saved, so that its title can be fitted to its table (`Table::fit_title`); the others
    // are written out row by row.
    let sheets: [(Sheet, bool); 8] = [
        (overview, true),
        (ranking, false),
        (shortfalls, false),
        (missing, true),
        (monthly, true),
        (cases, false),
        (issues, false),
        (notes, false),
    ];
    let blank = (sheets.iter())
        .map(|(_, small)| match small {
            true => Ok(Worksheet::new()),
            false => wb.new_worksheet_with_constant_memory(),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let sheets = sheets
        .par_iter()
        .zip(blank)
        .map(|((build, _), mut sheet)| build(&mut sheet, &f, model).map(|()| sheet))
        .collect::<Result<Vec<_>, _>>()?;
    // The subject lists follow 问责统计, before 校验问题 and 说明.
    let mut sheets = sheets.into_iter();
    for sheet in sheets.by_ref().take(6) {
        wb.push_worksheet(sheet);
    }
    for table in &model.subject_lists {
        let mut sheet = wb.new_worksheet_with_constant_memory()?;
        subject_list(&mut sheet, &f, model, table)?;
        wb.push_worksheet(sheet);
    }
    for sheet in sheets {
        wb.push_worksheet(sheet);
    }
    wb.save_to_buffer()
}

fn subtitle(model: &ReportModel<'_>) -> String {
    format!(
        "{}（方案版本 {}）　生成时间：{}",
        model.schema.name, model.schema.version, model.generated_at
    )
}

/// 总览: the year on one A4 page — who submitted, who is on quota, who is short or behind (by
/// unit type), accountability, rectification, last year when compared — and the paragraph for a 通报.
fn overview(sheet: &mut Worksheet, f: &Formats, model: &ReportModel<'_>) -> Result<(), XlsxError> {
    let o = &model.overview;
    let ws = sheet.set_name("总览")?;
    let title = model.dated(format!("{}年度{}总览", model.card.year, model.schema.name));
    let mut t = Table::new(ws, f, &title, &subtitle(model), &["项目", "数量", "单位"])?;
    t.fit_title();
    // Portrait A4 at full size: labels and names wrap within these.
    t.cap(&[(0, 26), (1, 8), (2, 40)]);
    let names = |list: &[String]| list.join("、");
    let by_type = super::overview::groups_text;
    let count =
        |groups: &[(String, Vec<String>)]| groups.iter().map(|(_, n)| n.len()).sum::<usize>();
    let red_if = |n: usize| if n > 0 { Mark::Red } else { Mark::Plain };
    let amber_if = |n: usize| if n > 0 { Mark::Amber } else { Mark::Plain };
    let mut rows: Vec<(String, Out, String, Mark)> = vec![
        (
            "应报送单位".into(),
            Out::Int(o.expected as i64),
            String::new(),
            Mark::Plain,
        ),
        (
            "已报送".into(),
            Out::Int(o.submitted as i64),
            String::new(),
            Mark::Plain,
        ),
        (
            "未报送".into(),
            Out::Int(o.missing.len() as i64),
            names(&o.missing),
            red_if(o.missing.len()),
        ),
        (
            "报送文件无法读取".into(),
            Out::Int(o.unreadable.len() as i64),
            names(&o.unreadable),
            red_if(o.unreadable.len()),
        ),
        (
            "各项指标均已达标".into(),
            Out::Int(o.on_quota as i64),
            String::new(),
            Mark::Plain,
        ),
        (
            "有未达标指标".into(),
            Out::Int(count(&o.missed) as i64),
            by_type(&o.missed),
            red_if(count(&o.missed)),
        ),
        (
            "进度滞后".into(),
            Out::Int(count(&o.behind) as i64),
            by_type(&o.behind),
            amber_if(count(&o.behind)),
        ),
    ];
    if !o.untyped.is_empty() {
        rows.push((
            "单位类型不明，未考核".into(),
            Out::Int(o.untyped.len() as i64),
            names(&o.untyped),
            Mark::Amber,
        ));
    }
    if let Some(cases) = o.cases {
        rows.push((
            "问责案件".into(),
            Out::Int(i64::from(cases)),
            String::new(),
            Mark::Plain,
        ));
    }
    for (name, n, pending) in &o.subjects {
        let note = match pending {
            0 => String::new(),
            p => format!("其中待办结后认定 {p}"),
        };
        rows.push((name.clone(), Out::Int(*n as i64), note, Mark::Plain));
    }
    for (name, amount) in &o.tallies {
        rows.push((
            name.clone(),
            self::amount(*amount),
            String::new(),
            Mark::Plain,
        ));
    }
    if let Some(last) = &model.last_year {
        let (up, down) = rank_moves(last, model.card);
        let year = last.year.map_or("上年".to_string(), |y| format!("{y}年"));
        let new: Vec<String> = (model.card.units.iter())
            .filter(|u| !last.units.contains_key(&u.name))
            .map(|u| u.name.clone())
            .collect();
        let gone = gone_units(last, model.card);
        // The county's mean 完成率 of the units ranked, last year and this.
        let mean = |rates: &mut dyn Iterator<Item = f64>| {
            let (sum, n) = rates.fold((0.0, 0), |(s, n), r| (s + r, n + 1));
            (n > 0).then(|| sum / f64::from(n))
        };
        let last_mean = mean(&mut last.units.values().filter_map(|(c, _)| *c));
        let this_mean = mean(&mut model.card.units.iter().filter_map(|u| u.completion));
        rows.push((
            "上年平均完成率".into(),
            last_mean.map_or(Out::Empty, Out::Pct),
            this_mean.map_or(String::new(), |m| {
                format!("本年平均完成率 {:.1}%", m * 100.0)
            }),
            Mark::Plain,
        ));
        rows.push((
            "比上年排名上升".into(),
            Out::Int(up.len() as i64),
            names(&up),
            Mark::Plain,
        ));
        rows.push((
            "比上年排名下降".into(),
            Out::Int(down.len() as i64),
            names(&down),
            Mark::Plain,
        ));
        let new_label = format!("{year}未列入的单位");
        let gone_label = format!("{year}有、本年未列入的单位");
        rows.push((
            new_label,
            Out::Int(new.len() as i64),
            names(&new),
            Mark::Plain,
        ));
        rows.push((
            gone_label,
            Out::Int(gone.len() as i64),
            names(&gone),
            Mark::Plain,
        ));
    }
    for (label, value, who, mark) in rows {
        t.row(vec![
            (Out::from(label), Mark::Plain),
            (value, Mark::Plain),
            (Out::from(who), mark),
        ])?;
    }
    t.row(vec![
        (Out::from("通报用语（可直接使用）"), Mark::Plain),
        (Out::Empty, Mark::Plain),
        (Out::from(o.paragraph.as_str()), Mark::Plain),
    ])?;
    t.finish(false)?;
    let ws = &mut *sheet;
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 1);
    ws.set_print_center_horizontally(true);
    ws.set_footer("&C第 &P 页，共 &N 页");
    Ok(())
}

/// Units whose rank rose and fell since last year, in this year's ranking order, each with its
/// ranks: `三江镇（第5名→第3名）`.
fn rank_moves(
    last: &crate::last_year::LastYear,
    card: &crate::evaluate::Scorecard,
) -> (Vec<String>, Vec<String>) {
    let (mut up, mut down) = (Vec::new(), Vec::new());
    for u in &card.units {
        if let (Some(Some(before)), Some(now)) = (last.units.get(&u.name).map(|l| l.1), u.rank) {
            let named = format!("{}（第{before}名→第{now}名）", u.name);
            if now < before {
                up.push(named);
            } else if now > before {
                down.push(named);
            }
        }
    }
    (up, down)
}

fn ranking(sheet: &mut Worksheet, f: &Formats, model: &ReportModel<'_>) -> Result<(), XlsxError> {
    let card = model.card;
    let last = model.last_year.as_ref();
    // Each column with the widest it gets: headers and long names wrap, so that the table
    // prints on A4 landscape at no less than 9 points (with last year's columns, a little less).
    // A column of two-character values or small counts (乡镇, 取消, 12) is 5 wide.
    let (rule_width, short) = (6, 5);
    let mut columns: Vec<(String, usize)> = vec![
        ("总排名".into(), short),
        ("类别排名".into(), short),
        ("单位名称".into(), if last.is_some() { 12 } else { 14 }),
        ("单位类型".into(), short),
        ("报送状态".into(), 6),
        ("完成率".into(), 7),
    ];
    if last.is_some() {
        columns.extend([("上年完成率".into(), 7), ("上年排名（变化）".into(), 7)]);
    }
    let completion_column = 5;
    columns.extend((card.rule_names.iter()).map(|r| (rule_header(model.schema, r), rule_width)));
    columns.extend([("未达标项数".into(), short), ("进度滞后项数".into(), short)]);
    let cases = model.cases.is_some();
    if cases {
        columns.push(("问责案件数".into(), short));
    }
    columns.extend(card.flag_names.iter().map(|n| (n.clone(), short)));
    // Of the tallies, 排名 shows the ratios (整改率); the sums are in 总览 and the JSON. With last
    // year's two columns, the ratios make room too (they stay in 总览 and the JSON).
    let ratios: Vec<&str> = (model.schema.tallies.iter())
        .filter_map(|t| t.ratio.as_ref())
        .map(|r| r.name.as_str())
        .filter(|_| last.is_none())
        .collect();
    columns.extend(ratios.iter().map(|r| (r.to_string(), 7)));
    let headers: Vec<&str> = columns.iter().map(|(h, _)| h.as_str()).collect();
    let ws = sheet.set_name("排名")?;
    let title = model.dated(format!("{}年度{}排名", card.year, model.schema.name));
    let mut t = Table::new(ws, f, &title, &subtitle(model), &headers)?;
    t.narrow_headers(rule_width)?;
    let caps: Vec<(usize, usize)> = columns.iter().map(|(_, w)| *w).enumerate().collect();
    t.cap(&caps);
    for u in in_groups(model) {
        let status = if u.status == Submission::Submitted {
            Mark::Plain
        } else {
            Mark::Red
        };
        let mut row = vec![
            (Out::from(u.rank), Mark::Plain),
            (Out::from(u.group_rank), Mark::Plain),
            (Out::from(u.name.as_str()), Mark::Plain),
            (Out::from(u.unit_type.as_str()), Mark::Plain),
            (Out::from(u.status.label()), status),
            (u.completion.map_or(Out::Empty, Out::Pct), Mark::Plain),
        ];
        if let Some(last) = last {
            row.extend(compared(last.units.get(&u.name).copied(), u));
        }
        for ((count, missed), behind) in u.counts.iter().zip(&u.missed).zip(&u.behind) {
            let mark = match (missed, behind) {
                (true, _) => Mark::Red,
                (_, true) => Mark::Amber,
                _ => Mark::Plain,
            };
            row.push((Out::from(*count), mark));
        }
        let marked = |n: u32, mark| (Out::from(n), if n > 0 { mark } else { Mark::Plain });
        row.push(marked(u.missed_count, Mark::Red));
        row.push(marked(u.behind_count, Mark::Amber));
        if cases {
            row.push((Out::from(u.cases), Mark::Plain));
        }
        for (flag, value) in model.schema.flags.iter().zip(&u.flags) {
            // A flag set (评优资格 取消) is red; one pending (待定) amber.
            let mark = match value {
                Some(v) if *v == flag.set => Mark::Red,
                Some(v) if flag.pending.as_ref().is_some_and(|p| p.value == *v) => Mark::Amber,
                _ => Mark::Plain,
            };
            row.push((Out::from(value.clone()), mark));
        }
        row.extend(
            (u.tallies.0.iter())
                .filter(|(name, _)| ratios.contains(&name.as_str()))
                .map(|(_, v)| (amount(*v), Mark::Plain)),
        );
        t.row(row)?;
    }
    let (header, last_row) = (t.header_row, t.last_row());
    let gone = last.map(|l| gone_units(l, card)).unwrap_or_default();
    let notes = ranking_notes(model, &gone);
    let widths = t.final_widths();
    t.finish(true)?;
    let ws = &mut *sheet;
    ws.set_freeze_panes(header + 1, 3)?;
    // Each note spans the table and wraps there: text running on past the table's last column
    // would widen what is printed, and shrink it.
    let mut below = last_row + 2;
    let span = headers.len() as u16 - 1;
    let room: usize = widths.iter().sum();
    for note in &notes {
        ws.merge_range(below, 0, below, span, note, &f.note)?;
        let lines = crate::report::table::text_width(note)
            .div_ceil(room.max(1))
            .max(1);
        ws.set_row_height(below, 14.0 * lines as f64 + 2.0)?;
        below += 1;
    }
    if last_row > header {
        let c = completion_column as u16;
        ws.add_conditional_format(header + 1, c, last_row, c, &ConditionalFormatDataBar::new())?;
        if card.units.len() <= CHART_UNITS {
            // No wider than the table (a column of width w is 7w + 5 pixels in Excel, fewer in
            // LibreOffice: four fifths of it stays inside the table in both): wider, it would
            // widen what is printed and shrink the table's text.
            let table_px: usize = widths.iter().map(|w| 7 * w + 5).sum();
            let width = (table_px * 8 / 10) as u32;
            // A chart per printed page, each starting a page: one chart split across two pages
            // cannot be read.
            let units = in_groups(model);
            let pages = units.len().div_ceil(CHART_PAGE_UNITS);
            let mut breaks = Vec::new();
            let mut at = below + 1;
            for (page, chunk) in units.chunks(CHART_PAGE_UNITS).enumerate() {
                let first = header + 1 + (page * CHART_PAGE_UNITS) as u32;
                let part = (pages > 1).then_some((page + 1, pages));
                let chart = completion_chart(chunk, first, part, width);
                breaks.push(at);
                ws.insert_chart(at, 0, &chart)?;
                at += chart_rows(chunk.len());
            }
            ws.set_page_breaks(&breaks)?;
        }
    }
    Ok(())
}

/// The units in 排名's order: by group of 类别排名 (schema order), then 类别排名, then name; units
/// not judged last.
fn in_groups<'m>(model: &'m ReportModel<'_>) -> Vec<&'m crate::evaluate::UnitScore> {
    let schema = model.schema;
    let mut units: Vec<&crate::evaluate::UnitScore> = model.card.units.iter().collect();
    units.sort_by_key(|u| {
        let group = u
            .group
            .as_deref()
            .and_then(|g| schema.groups.iter().position(|x| x.name == g));
        (
            u.completion.is_none(),
            group.unwrap_or(usize::MAX),
            u.group_rank.unwrap_or(u32::MAX),
            u.rank.unwrap_or(u32::MAX),
        )
    });
    units
}

/// A rule column's header with its quotas: `集中学习（≥12次/年）`, or, where unit types differ,
/// each with its types: `集中学习（乡镇、街道、园区≥12次/年；部门≥1次/周）`.
fn rule_header(schema: &crate::schema::Schema, name: &str) -> String {
    let rules: Vec<&crate::schema::Rule> = schema.rules.iter().filter(|r| r.name == name).collect();
    let mut quotas: Vec<(String, Vec<String>)> = Vec::new();
    for rule in &rules {
        let quota = quota_text(&rule.period, rule.min);
        let types = rule.unit_types.clone().unwrap_or_default();
        match quotas.iter_mut().find(|(q, _)| *q == quota) {
            Some((_, t)) => t.extend(types),
            None => quotas.push((quota, types)),
        }
    }
    // The quota most types share goes bare, the others with their types: `（≥12次/年；部门≥1次/周）`.
    quotas.sort_by_key(|(_, types)| std::cmp::Reverse(types.len()));
    let text = (quotas.iter().enumerate())
        .map(|(i, (q, types))| match i {
            0 => q.clone(),
            _ => format!("{}{q}", types.join("、")),
        })
        .collect::<Vec<_>>()
        .join("；");
    format!("{name}（{text}）")
}

/// A quota in a header: `≥12次/年`, `≥1次/半年`, `≥1次/周`, `6月10日、12月10日前各≥1次`.
fn quota_text(period: &Period, min: u32) -> String {
    match period {
        Period::Year => format!("≥{min}次/年"),
        Period::Half => format!("≥{min}次/半年"),
        Period::Quarter => format!("≥{min}次/季度"),
        Period::Month => format!("≥{min}次/月"),
        Period::Week => format!("≥{min}次/周"),
        Period::Deadlines(d) => {
            let cut: Vec<String> = d.iter().map(|(m, day)| format!("{m}月{day}日")).collect();
            format!("{}前各≥{min}次", cut.join("、"))
        }
    }
}

/// 上年完成率, and 上年排名 with the change of rank (`5（↑3）`, `5（↓2）`, `5（—）`), or `新增` for
/// a unit last year's summary does not have.
fn compared(
    last: Option<(Option<f64>, Option<u32>)>,
    u: &crate::evaluate::UnitScore,
) -> [(Out, Mark); 2] {
    let Some((completion, rank)) = last else {
        return [(Out::Empty, Mark::Plain), (Out::from("新增"), Mark::Amber)];
    };
    // A fall is red.
    let rank = match (rank, crate::last_year::rank_change(rank, u.rank)) {
        (Some(before), change) if change.is_empty() => (Out::from(before), Mark::Plain),
        (Some(before), change) if change.starts_with('↓') => {
            (Out::from(format!("{before}（{change}）")), Mark::Red)
        }
        (Some(before), change) => (Out::from(format!("{before}（{change}）")), Mark::Plain),
        (None, _) => (Out::Empty, Mark::Plain),
    };
    [(completion.map_or(Out::Empty, Out::Pct), Mark::Plain), rank]
}

/// Units ranked last year that are not in this year's ranking.
pub(crate) fn gone_units(
    last: &crate::last_year::LastYear,
    card: &crate::evaluate::Scorecard,
) -> Vec<String> {
    let now: std::collections::HashSet<&str> = card.units.iter().map(|u| u.name.as_str()).collect();
    let mut gone: Vec<String> = (last.units.keys())
        .filter(|n| !now.contains(n.as_str()))
        .cloned()
        .collect();
    gone.sort();
    gone
}

/// The notes under 排名: the groups of 类别排名, what its counting columns count, and last year's
/// units no longer listed.
fn ranking_notes(model: &ReportModel<'_>, gone: &[String]) -> Vec<String> {
    let groups: Vec<String> = (model.schema.groups.iter())
        .map(|g| match g.unit_types.as_slice() {
            [only] if *only == g.name => g.name.clone(),
            types => format!("{}（{}）", g.name, types.join("、")),
        })
        .collect();
    let mut notes = vec![
        format!(
            "注：1. 总排名为全县各单位按完成率排名；类别排名为同类单位内的排名，类别为{}，本表按类别排列；完成率相同的名次并列。",
            groups.join("、")
        ),
        "2. 未达标项数：已到期周期未达标的指标个数（一项指标可有多个周期未达标，未达标明细每个周期一行）；进度滞后项数：其余指标中进行中周期未达到按日折算进度的个数。".to_string(),
        "3. 指标列为截至统计截止日的记录数，列名括号内为考核要求；红色为未达标，黄色为进度滞后。".to_string(),
    ];
    if !gone.is_empty() {
        notes.push(format!(
            "4. 上年有、本年名册中没有的单位：{}。",
            gone.join("、")
        ));
    }
    notes
}

/// Units in one chart of 完成率: as many as print on one A4 landscape page below 排名's repeated
/// header, each labelled.
const CHART_PAGE_UNITS: usize = 15;

/// A chart's height for `units` bars, in pixels, and the default rows (20 pixels) it spans with
/// one to spare.
fn chart_height(units: usize) -> u32 {
    100 + 20 * units as u32
}

fn chart_rows(units: usize) -> u32 {
    chart_height(units).div_ceil(20) + 1
}

/// 完成率 of `units` (排名's rows from `first`, in its order): every unit labelled with its value,
/// units with a rule 未达标 in red; `part` (this one, of how many) when the units take several.
fn completion_chart(
    units: &[&crate::evaluate::UnitScore],
    first: u32,
    part: Option<(usize, usize)>,
    width: u32,
) -> Chart {
    let last = first + units.len() as u32 - 1;
    let points: Vec<ChartPoint> = (units.iter())
        .map(|u| {
            let color = if u.missed_count > 0 {
                0xC0504D
            } else {
                0x4F81BD
            };
            let mut format = ChartFormat::new();
            format.set_solid_fill(ChartSolidFill::new().set_color(color));
            ChartPoint::new().set_format(&mut format)
        })
        .collect();
    let mut chart = Chart::new(ChartType::Bar);
    chart
        .add_series()
        .set_categories(("排名", first, 2, last, 2))
        .set_values(("排名", first, 5, last, 5))
        .set_name("完成率")
        .set_points(&points)
        .set_data_label(
            ChartDataLabel::new()
                .show_value()
                .set_num_format("0%")
                .set_font(ChartFont::new().set_size(8)),
        );
    let title = match part {
        Some((n, of)) => format!("各单位完成率（红色为有未达标指标的单位）（{n}/{of}）"),
        None => "各单位完成率（红色为有未达标指标的单位）".to_string(),
    };
    chart.title().set_name(&title);
    chart
        .x_axis()
        .set_num_format("0%")
        .set_max(1.0)
        .set_min(0.0);
    // Names at 8 points, so that every bar's fits beside it.
    chart
        .y_axis()
        .set_reverse()
        .set_label_interval(1)
        .set_font(ChartFont::new().set_size(8));
    chart.legend().set_hidden();
    chart
        .set_width(width.min(900))
        .set_height(chart_height(units.len()));
    chart
}

/// A tally's sum as a number, its ratio as a percentage.
fn amount(v: Option<Amount>) -> Out {
    match v {
        Some(Amount::Sum(n)) => Out::Int(n),
        Some(Amount::Ratio(r)) => Out::Pct(r),
        None => Out::Empty,
    }
}

fn shortfalls(
    sheet: &mut Worksheet,
    f: &Formats,
    model: &ReportModel<'_>,
) -> Result<(), XlsxError> {
    let ws = sheet.set_name("未达标明细")?;
    let headers = [
        "单位名称",
        "单位类型",
        "指标",
        "周期",
        "状态",
        "要求",
        "实际",
        "差额",
        "依据",
    ];
    let title = model.dated(format!("{}年度未达标明细", model.card.year));
    let behind = (model.card.shortfalls.iter())
        .filter(|s| s.status == Lateness::Behind)
        .count();
    let note = format!(
        "共 {} 个周期未达标、{behind} 个周期进度滞后（每个周期一行；要求为截至统计截止日应完成的次数）",
        model.card.shortfalls.len() - behind
    );
    let mut t = Table::new(ws, f, &title, &note, &headers)?;
    // 单位名称, 单位类型, 指标, 周期, 状态, 要求, 实际, 差额, 依据: the week's dates and the basis wrap.
    t.cap(&[(0, 14), (2, 12), (3, 16), (8, 32)]);
    for s in &model.card.shortfalls {
        t.row(super::shortfall_row(s, true))?;
    }
    t.finish(true)
}

fn missing(sheet: &mut Worksheet, f: &Formats, model: &ReportModel<'_>) -> Result<(), XlsxError> {
    let ws = sheet.set_name("未报送单位")?;
    let headers = ["单位名称", "单位类型", "原因"];
    let title = model.dated(format!("{}年度未报送单位", model.card.year));
    let units: Vec<_> = model
        .checked
        .units
        .iter()
        .filter(|u| matches!(u.status, Submission::Missing | Submission::Unreadable))
        .collect();
    let note = if model.checked.roster.is_none() {
        "未提供名册，无法确定未报送单位".to_string()
    } else {
        format!("共 {} 个单位", units.len())
    };
    let mut t = Table::new(ws, f, &title, &note, &headers)?;
    t.fit_title();
    for u in units {
        let reason = match (u.status, &u.note) {
            (Submission::Unreadable, _) => "报送文件无法读取".to_string(),
            (_, Some(note)) => note.clone(),
            _ => "未收到报送文件".to_string(),
        };
        t.row(vec![
            (Out::from(u.unit.name.as_str()), Mark::Plain),
            (Out::from(u.unit.unit_type.as_str()), Mark::Plain),
            (Out::from(reason), Mark::Red),
        ])?;
    }
    t.finish(true)
}

fn monthly(sheet: &mut Worksheet, f: &Formats, model: &ReportModel<'_>) -> Result<(), XlsxError> {
    let ws = sheet.set_name("分月统计")?;
    let mut headers = vec!["月份"];
    headers.extend(model.monthly.iter().map(|(name, _)| name.as_str()));
    headers.push("合计");
    let title = model.dated(format!(
        "{}年度各月工作开展情况（全县采用记录数）",
        model.card.year
    ));
    let mut t = Table::new(ws, f, &title, "按记录日期所在月份统计", &headers)?;
    t.fit_title();
    for m in 0..12 {
        let mut row = vec![Out::from(format!("{}月", m + 1))];
        row.extend(model.monthly.iter().map(|(_, counts)| Out::from(counts[m])));
        row.push(Out::from(
            model.monthly.iter().map(|(_, c)| c[m]).sum::<u32>(),
        ));
        t.plain(row)?;
    }
    let mut total = vec![Out::from("全年")];
    total.extend(
        model
            .monthly
            .iter()
            .map(|(_, c)| Out::from(c.iter().sum::<u32>())),
    );
    total.push(Out::from(
        model
            .monthly
            .iter()
            .flat_map(|(_, c)| c.iter())
            .sum::<u32>(),
    ));
    t.row(total.into_iter().map(|o| (o, Mark::Plain)).collect())?;
    let (header, last) = (t.header_row, t.last_row());
    let table_px: usize = t.final_widths().iter().map(|w| 7 * w + 5).sum();
    t.finish(true)?;
    let ws = &mut *sheet;
    let mut chart = Chart::new(ChartType::Column);
    for (i, (name, _)) in model.monthly.iter().enumerate() {
        chart
            .add_series()
            .set_name(name.as_str())
            .set_categories(("分月统计", header + 1, 0, header + 12, 0))
            .set_values((
                "分月统计",
                header + 1,
                i as u16 + 1,
                header + 12,
                i as u16 + 1,
            ));
    }
    chart.title().set_name("各月工作开展情况");
    // Below the table and no wider: beside it, it would shrink the printed table.
    chart.set_width(table_px.max(420) as u32).set_height(320);
    ws.insert_chart(last + 2, 0, &chart)?;
    Ok(())
}

fn cases(sheet: &mut Worksheet, f: &Formats, model: &ReportModel<'_>) -> Result<(), XlsxError> {
    let ws = sheet.set_name("问责统计")?;
    let title = model.dated(format!("{}年度问责情况统计", model.card.year));
    let Some((case_sheet, breakdowns)) = &model.cases else {
        let t = Table::new(ws, f, &title, "方案中没有问责案件表", &["项目", "件数"])?;
        return t.finish(true);
    };
    let spec = &model.schema.sheets[*case_sheet];
    let records: Vec<_> = model.checked.records_of(*case_sheet).collect();
    // The breakdowns come first, side by side under the title, each two columns wide; the case
    // list below them is the sheet's main table (filtered, its header repeated on printed pages).
    let note = format!("共 {} 件；各类统计在前，案件清单在后", records.len());
    ws.merge_range(0, 0, 0, 7, &title, &f.title)?;
    ws.set_row_height(0, 30)?;
    ws.write_string_with_format(1, 0, &note, &f.subtitle)?;
    let mut widths: Vec<usize> = Vec::new();
    let mut below = 3;
    for b in breakdowns {
        let label = format!("按{}统计", b.field);
        let mut block = Table::at(&mut *ws, f, below, &label, "", &[b.field.as_str(), "件数"])?;
        for (value, n) in &b.counts {
            block.plain(vec![Out::from(value.as_str()), Out::from(*n)])?;
        }
        block.plain(vec![
            Out::from("合计"),
            Out::from(b.counts.iter().map(|(_, n)| n).sum::<u32>()),
        ])?;
        below = block.last_row() + 3;
        for (c, w) in block.widths().into_iter().enumerate() {
            match widths.get_mut(c) {
                Some(mine) => *mine = (*mine).max(w),
                None => widths.push(w),
            }
        }
    }
    let mut headers = vec!["单位名称"];
    headers.extend(
        spec.fields
            .iter()
            .filter(|f| f.name != "序号")
            .map(|f| f.name.as_str()),
    );
    let mut t = Table::at(&mut *ws, f, below, "案件清单", "", &headers)?;
    t.keep_widths(&widths);
    // Many columns: long texts (a subject, a 问责情形) wrap rather than shrink the printed page.
    t.cap(&(0..headers.len()).map(|c| (c, 18)).collect::<Vec<_>>());
    let mut sorted = records.clone();
    sorted.sort_by(|a, b| {
        (&a.unit, a.values.get(spec.date_field.unwrap_or(0)))
            .cmp(&(&b.unit, b.values.get(spec.date_field.unwrap_or(0))))
    });
    for r in sorted {
        let mut row = vec![Out::from(&*r.unit)];
        row.extend(
            spec.fields
                .iter()
                .zip(&r.values)
                .filter(|(f, _)| f.name != "序号")
                .map(|(_, v)| Out::from(v.to_string())),
        );
        t.plain(row)?;
    }
    let (header, last) = (t.header_row, t.last_row());
    t.finish(false)?;
    // Filtered and repeated on printed pages, not frozen: the breakdowns above it would stay on
    // screen.
    sheet.autofilter(header, 0, last, headers.len() as u16 - 1)?;
    print_setup(sheet, header)?;
    Ok(())
}

/// A subject list (`取消评优评先资格`): one row per subject, outcomes pending in amber.
fn subject_list(
    sheet: &mut Worksheet,
    f: &Formats,
    model: &ReportModel<'_>,
    table: &SubjectTable<'_>,
) -> Result<(), XlsxError> {
    let list = table.list;
    let ws = sheet.set_name(&list.name)?;
    let title = model.dated(format!("{}年度{}名单", model.card.year, list.name));
    let pending = table
        .entries
        .iter()
        .filter(|e| e.outcome != list.outcome)
        .count();
    let mut note = format!("共 {} 人（个）", table.entries.len());
    if let Some(p) = &list.pending {
        note.push_str(&format!("，其中“{}” {pending} 人（个）", p.value));
    }
    note.push_str(&format!("；依据：{}", list.basis));
    let mut headers = vec!["序号"];
    headers.extend(&table.headers);
    let mut t = Table::new(ws, f, &title, &note, &headers)?;
    t.cap(&(1..headers.len()).map(|c| (c, 20)).collect::<Vec<_>>());
    for (i, e) in table.entries.iter().enumerate() {
        let mut row = vec![
            (Out::Int(i as i64 + 1), Mark::Plain),
            (Out::from(e.who.to_string()), Mark::Plain),
            (Out::from(e.unit), Mark::Plain),
        ];
        row.extend(
            e.values
                .iter()
                .map(|v| (Out::from(v.to_string()), Mark::Plain)),
        );
        let mark = match e.outcome == list.outcome {
            true => Mark::Red,
            false => Mark::Amber,
        };
        row.push((Out::from(e.outcome), mark));
        t.row(row)?;
    }
    t.finish(true)
}

/// Rows of 校验问题 at most: a sheet holds 1,048,576 rows, and no clerk reads more than this
/// many; every issue is in `校验问题.jsonl`.
const ISSUE_ROWS: usize = 100_000;

fn issues(sheet: &mut Worksheet, f: &Formats, model: &ReportModel<'_>) -> Result<(), XlsxError> {
    let ws = sheet.set_name("校验问题")?;
    let headers = [
        "级别",
        "单位",
        "文件",
        "工作表",
        "行",
        "列",
        "字段",
        "原值",
        "问题",
        "处理",
        "代码",
    ];
    let count = |l| model.issues().filter(|i| i.level == l).count();
    let note = format!(
        "错误 {} 条（该行/表/文件未计入），警告 {} 条（已采用），提示 {} 条",
        count(Level::Error),
        count(Level::Warning),
        count(Level::Notice)
    );
    let title = model.dated(format!("{}年度报送材料校验问题", model.card.year));
    let mut t = Table::new(ws, f, &title, &note, &headers)?;
    // 级别, 单位, 文件, 工作表, 行, 列, 字段, 原值, 问题, 处理, 代码: paths, values and messages wrap.
    t.cap(&[
        (1, 12),
        (2, 18),
        (3, 10),
        (6, 10),
        (7, 14),
        (8, 28),
        (9, 10),
        (10, 14),
    ]);
    let total = model.issues().count();
    for i in model.issues().take(ISSUE_ROWS) {
        let mark = match i.level {
            Level::Error => Mark::Red,
            Level::Warning => Mark::Amber,
            Level::Notice => Mark::Plain,
        };
        t.row(vec![
            (Out::from(i.level.label()), mark),
            (Out::from(i.unit.clone()), Mark::Plain),
            (Out::from(i.file.as_str()), Mark::Plain),
            (Out::from(i.sheet.clone()), Mark::Plain),
            (Out::from(i.row), Mark::Plain),
            (Out::from(i.column.clone()), Mark::Plain),
            (Out::from(i.field.clone()), Mark::Plain),
            (Out::from(i.value.clone()), Mark::Plain),
            (Out::from(i.message.as_str()), Mark::Plain),
            (Out::from(i.action), Mark::Plain),
            (Out::from(i.code), Mark::Plain),
        ])?;
    }
    if total > ISSUE_ROWS {
        let rest = format!(
            "其余 {} 条见 {ISSUES_JSONL}（每行一条，内容同本表）",
            total - ISSUE_ROWS
        );
        t.row(vec![
            (Out::from("……"), Mark::Plain),
            (Out::from(rest), Mark::Amber),
        ])?;
    }
    t.finish(true)
}

fn period_text(period: &Period) -> String {
    match period {
        Period::Year => "每年".into(),
        Period::Half => "每半年".into(),
        Period::Quarter => "每季度".into(),
        Period::Month => "每月".into(),
        Period::Week => "每周".into(),
        Period::Deadlines(d) => {
            let cut: Vec<String> = d.iter().map(|(m, day)| format!("{m}月{day}日前")).collect();
            cut.join("、")
        }
    }
}

fn notes(sheet: &mut Worksheet, f: &Formats, model: &ReportModel<'_>) -> Result<(), XlsxError> {
    sheet.set_name("说明")?;
    let (top, widths) = notes_run(sheet, f, model)?;
    let (top, widths) = notes_rules(sheet, f, model, top, &widths)?;
    notes_manifest(sheet, f, model, top, &widths)?;
    print_unscaled(sheet, 2)?;
    Ok(())
}

/// The 说明 sheet's first table: the schema, the year, the roster and the reconciliation.
/// Returns the row below it and its column widths, which the tables below keep.
fn notes_run(
    ws: &mut Worksheet,
    f: &Formats,
    model: &ReportModel<'_>,
) -> Result<(u32, Vec<usize>), XlsxError> {
    let c = model.checked;
    let t = &c.totals;
    let title = model.dated(format!("{}年度汇总说明", model.card.year));
    let note = "本表说明汇总依据、输入文件及对账结果，供核查";
    let mut table = Table::new(ws, f, &title, note, &["项目", "内容"])?;
    let roster = (c.roster.as_ref()).map_or("未提供".into(), |p| p.display().to_string());
    let rows: Vec<(&str, String)> = vec![
        ("方案名称", model.schema.name.clone()),
        ("方案版本", model.schema.version.clone()),
        ("考核年度", model.card.year.to_string()),
        ("统计截止日", model.as_of_text()),
        ("名册", roster),
        (
            "输入文件",
            format!(
                "找到 {} 个 = 读取 {} + 跳过 {} + 无法读取 {} + 被替代 {}",
                t.files_found, t.files_read, t.files_skipped, t.files_failed, t.files_superseded
            ),
        ),
        (
            "数据行",
            format!(
                "读取 {} = 采用 {} + 剔除 {}",
                t.rows_read, t.rows_accepted, t.rows_rejected
            ),
        ),
        ("工具版本", format!("huizong {}", env!("CARGO_PKG_VERSION"))),
        ("生成时间", model.generated_at.clone()),
    ];
    for (k, v) in rows {
        table.row(vec![
            (Out::from(k), Mark::Plain),
            (Out::from(v), Mark::Plain),
        ])?;
    }
    let below = (table.last_row() + 3, table.widths());
    let header = table.header_row;
    // Not `finish(true)`: that fits the sheet to the page width, and the manifest's hashes
    // below would shrink the whole sheet's text (printing is set up by `notes`).
    table.finish(false)?;
    ws.set_freeze_panes(header + 1, 0)?;
    Ok(below)
}

/// The rules and flags with their basis.
fn notes_rules(
    ws: &mut Worksheet,
    f: &Formats,
    model: &ReportModel<'_>,
    top: u32,
    widths: &[usize],
) -> Result<(u32, Vec<usize>), XlsxError> {
    let headers = ["指标", "适用单位类型", "要求", "依据", "截至统计截止日"];
    let title = format!("考核指标及依据（{}）", model.as_of_text());
    let mut rules = Table::at(ws, f, top, &title, "", &headers)?;
    rules.keep_widths(widths);
    let types = |t: &Option<Vec<String>>| t.as_ref().map_or("全部".to_string(), |t| t.join("、"));
    let (year, as_of) = (model.card.year, model.card.as_of);
    for rule in &model.schema.rules {
        let calendar = model.schema.calendar.as_ref();
        rules.plain(vec![
            Out::from(rule.name.as_str()),
            Out::from(types(&rule.unit_types)),
            Out::from(format!(
                "{}不少于 {} 次",
                period_text(&rule.period),
                rule.min
            )),
            Out::from(rule.basis.as_str()),
            Out::from(crate::periods::summary(
                &rule.period,
                rule.min,
                year,
                as_of,
                calendar,
            )),
        ])?;
    }
    let schema = model.schema;
    for flag in &schema.flags {
        let sheet = &schema.sheets[flag.sheet];
        let mut said = format!(
            "{}有{}记录的单位为“{}”",
            sheet.name,
            conditions_text(sheet, &flag.conditions),
            flag.set
        );
        if let Some(p) = &flag.pending {
            let when = conditions_text(sheet, &p.conditions);
            said.push_str(&format!("（相应记录均为{when}的为“{}”）", p.value));
        }
        said.push_str(&format!("，否则为“{}”", flag.otherwise));
        rules.plain(vec![
            Out::from(flag.name.as_str()),
            Out::from(types(&flag.unit_types)),
            Out::from(said),
            Out::from(flag.basis.as_str()),
        ])?;
    }
    for list in &schema.subject_lists {
        let sheet = &schema.sheets[list.sheet];
        let mut said = format!(
            "{}中{}的每个{}列入名单，认定为“{}”",
            sheet.name,
            conditions_text(sheet, &list.conditions),
            sheet.fields[list.who].name,
            list.outcome
        );
        if let Some(p) = &list.pending {
            let when = conditions_text(sheet, &p.conditions);
            said.push_str(&format!("（{when}的为“{}”）", p.value));
        }
        rules.plain(vec![
            Out::from(format!("{}名单", list.name)),
            Out::from("全部"),
            Out::from(said),
            Out::from(list.basis.as_str()),
        ])?;
    }
    for tally in &schema.tallies {
        let sheet = &schema.sheets[tally.sheet];
        let sums: Vec<&str> = tally
            .sums
            .iter()
            .map(|&f| sheet.fields[f].name.as_str())
            .collect();
        let mut said = format!("按单位和全县合计{}的{}", sheet.name, sums.join("、"));
        if let Some(r) = &tally.ratio {
            said.push_str(&format!(
                "；{} = {} ÷ {}（{}为0时空白）",
                r.name, sums[r.numerator], sums[r.denominator], sums[r.denominator]
            ));
        }
        rules.plain(vec![
            Out::from(tally.name.as_str()),
            Out::from("全部"),
            Out::from(said),
            Out::from(tally.basis.as_str()),
        ])?;
    }
    let mut top = rules.last_row() + 3;
    let widths = rules.widths();
    rules.finish(false)?;
    for sheet in &schema.sheets {
        for field in sheet
            .fields
            .iter()
            .filter(|f| !f.enum_descriptions.is_empty())
        {
            let heading = format!("{}“{}”各项取值及文件原文", sheet.name, field.name);
            let mut t = Table::at(ws, f, top, &heading, "", &["取值", "文件原文"])?;
            t.keep_widths(&widths);
            for (value, text) in &field.enum_descriptions {
                t.plain(vec![Out::from(value.as_str()), Out::from(text.as_str())])?;
            }
            top = t.last_row() + 3;
            t.finish(false)?;
        }
    }
    Ok((top, widths))
}

/// `条件` of a flag or list as a clerk reads it: `对象类别为本单位领导班子或本单位领导干部`.
fn conditions_text(
    sheet: &crate::schema::SheetSpec,
    conditions: &[crate::schema::Condition],
) -> String {
    let parts: Vec<String> = conditions.iter().map(|c| c.describe(sheet)).collect();
    parts.join("且")
}

/// The manifest: every input file with its size, SHA-256 and what became of it.
fn notes_manifest(
    ws: &mut Worksheet,
    f: &Formats,
    model: &ReportModel<'_>,
    top: u32,
    widths: &[usize],
) -> Result<(), XlsxError> {
    let c = model.checked;
    // What a reader checks first; the audit columns (format, size, hash) last.
    let headers = [
        "文件",
        "处理结果",
        "单位",
        "数据行",
        "格式",
        "大小（字节）",
        "SHA-256",
    ];
    let mut manifest = Table::at(ws, f, top, "输入文件清单", "", &headers)?;
    manifest.keep_widths(widths);
    for file in &c.files {
        let unit = (file.unit.and_then(|i| c.units.get(i)))
            .map(|u| u.unit.name.clone())
            .or_else(|| file.info.as_ref().and_then(|i| i.name.clone()));
        let mark = match file.fate {
            Fate::Read => Mark::Plain,
            Fate::Failed(_) => Mark::Red,
            _ => Mark::Amber,
        };
        manifest.row(vec![
            (Out::from(file.source.rel.as_str()), Mark::Plain),
            (Out::from(file.fate.label()), mark),
            (Out::from(unit), Mark::Plain),
            (Out::from(file.data_rows()), Mark::Plain),
            (Out::from(file.format.map(|f| f.label())), Mark::Plain),
            (Out::Int(file.source.size as i64), Mark::Plain),
            (Out::from(file.sha256.clone()), Mark::Plain),
        ])?;
    }
    manifest.finish(false)
}
