//! `通报_<year>.docx`: a draft 通报 in the house style of Chinese official documents, from the
//! same model as the workbook (`docs/outputs.md#tongbao`).
//!
//! The package is written by hand — a handful of fixed WordprocessingML parts around
//! `word/document.xml` — into a zip with fixed timestamps, so the same model gives the same
//! bytes. The layout follows GB/T 9704 (党政机关公文格式): A4 portrait, margins 37/35/28/26 mm,
//! the title in 方正小标宋简体 二号, the body in 仿宋_GB2312 三号 on a fixed line of 28.95 pt
//! (22 lines to a page), headings `一、` in 黑体 and `（一）` in 楷体_GB2312, page numbers
//! `— 1 —` in the footer. The numbers and names come from `Overview`; this file must not count
//! anything itself, only word and lay out what the model holds.

use super::ReportModel;
use super::overview::Overview;
use crate::evaluate::Lateness;
use crate::outcome::Submission;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;

/// Most units `三、存在问题` lists one by one with the rules they missed; the rest are `等`.
const DETAILED_UNITS: usize = 20;
/// Most names a sentence lists before `等`: the full lists are in the workbook.
const NAMED_UNITS: usize = 30;
/// Most periods named for one rule of one unit: beyond that, their number.
const NAMED_PERIODS: usize = 3;

/// The document's bytes.
pub(crate) fn tongbao(model: &ReportModel<'_>, overview: &Overview) -> std::io::Result<Vec<u8>> {
    let title = title(model.card.year, model.schema);
    let document = document(model, overview, &title);
    package(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("docProps/core.xml", &core_properties(&title)),
        ("docProps/app.xml", APP_PROPERTIES),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS),
        ("word/document.xml", &document),
        ("word/styles.xml", STYLES),
        ("word/settings.xml", SETTINGS),
        ("word/fontTable.xml", FONT_TABLE),
        ("word/footer1.xml", FOOTER),
    ])
}

fn title(year: i32, schema: &crate::schema::Schema) -> String {
    format!("关于{year}年度{}的通报", schema.name)
}

/// The parts zipped, each dated 1980-01-01 00:00 (the zip format's first day) and deflated at
/// level 1, as the workbook is: the ranking of a large county is most of the document.
fn package(parts: &[(&str, &str)]) -> std::io::Result<Vec<u8>> {
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in parts {
        zip.start_file(*name, options)?;
        zip.write_all(text.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

// ---------------------------------------------------------------------------------------------
// The document.

/// `word/document.xml`: the 通报, then on a page of its own the ranking (附件).
fn document(model: &ReportModel<'_>, overview: &Overview, title: &str) -> String {
    let year = model.card.year;
    let mut d = Doc::default();
    d.para(TITLE, title);
    d.para(MARKER, "（征求意见稿）");
    d.para(BLANK, "");
    d.para(ADDRESSEE, &addressees(model.schema));
    d.para(
        BODY,
        &format!(
            "为深入贯彻落实{}，全面掌握各单位工作开展情况，\
             推动各项任务落地见效，根据各单位报送的工作台账汇总情况，\
             现将{year}年度{}通报如下。",
            model.schema.work(),
            model.schema.name
        ),
    );

    d.para(HEADING, "一、总体情况");
    d.para(BODY, &overview.paragraph);

    d.para(HEADING, "二、好的做法");
    d.para(BODY, "（待补充：请结合各单位报送材料和督查情况填写。）");

    d.para(HEADING, "三、存在问题");
    problems(&mut d, model, overview);

    d.para(HEADING, "四、下步要求");
    for (lead, text) in requirements(year, model.schema.field_of_work()) {
        d.lead_para(&lead, &text);
    }

    let attachment = format!("{year}年度{}排名", model.schema.name);
    d.para(BLANK, "");
    d.para(BODY, &format!("附件：{attachment}"));
    d.para(BLANK, "");
    d.para(BLANK, "");
    d.para(ISSUER, "（发文单位）");
    d.para(DATE, &overview.as_of);

    d.para(ATTACHMENT_LABEL, "附件");
    d.para(ATTACHMENT_TITLE, &attachment);
    d.para(MARKER, &format!("（{}）", model.as_of_text()));
    ranking_table(&mut d, model);
    d.para(TABLE_NOTE, &ranking_note(model));

    d.finish()
}

/// 主送: the groups of 类别排名 (`各乡镇街道，各部门，各园区，各学校：`), else the unit types.
fn addressees(schema: &crate::schema::Schema) -> String {
    let names: Vec<&str> = if schema.groups.is_empty() {
        schema.unit_types.iter().map(String::as_str).collect()
    } else {
        schema.groups.iter().map(|g| g.name.as_str()).collect()
    };
    if names.is_empty() {
        return "各有关单位：".to_string();
    }
    let listed: Vec<String> = names.iter().map(|n| format!("各{n}")).collect();
    format!("{}：", listed.join("，"))
}

/// `三、存在问题`: what fell short, by kind, each only when there is some.
fn problems(d: &mut Doc, model: &ReportModel<'_>, overview: &Overview) {
    let mut n = 0;
    let mut lead = |text: &str| {
        n += 1;
        format!("（{}）{text}", ordinal(n))
    };
    let missed: usize = overview.missed.iter().map(|(_, u)| u.len()).sum();
    if missed > 0 {
        let lead = lead("部分单位考核指标未达标。");
        let text = format!(
            "{missed}个单位存在未达标指标，其中{}。具体如下：",
            groups_text(&overview.missed)
        );
        d.lead_para(&lead, &text);
        shortfall_lines(d, model, overview, missed);
    }
    let behind: usize = overview.behind.iter().map(|(_, u)| u.len()).sum();
    if behind > 0 {
        let lead = lead("部分单位工作进度滞后。");
        let text = format!(
            "{behind}个单位有指标未达到按时间进度应完成的数量，其中{}。",
            groups_text(&overview.behind)
        );
        d.lead_para(&lead, &text);
    }
    if !overview.missing.is_empty() || !overview.unreadable.is_empty() {
        let lead = lead("部分单位未按要求报送台账。");
        let mut parts = Vec::new();
        if !overview.missing.is_empty() {
            parts.push(format!(
                "截至{}，{}个单位未报送台账（{}）",
                overview.as_of,
                overview.missing.len(),
                names_text(&overview.missing)
            ));
        }
        if !overview.unreadable.is_empty() {
            parts.push(format!(
                "{}个单位报送的文件无法读取（{}）",
                overview.unreadable.len(),
                names_text(&overview.unreadable)
            ));
        }
        let text = format!("{}，完成率按零计算。", parts.join("；"));
        d.lead_para(&lead, &text);
    }
    if !overview.untyped.is_empty() {
        let lead = lead("部分单位未纳入考核。");
        let text = format!(
            "{}个单位因单位类型不明，未能考核排名（{}），请在名册中补充单位类型。",
            overview.untyped.len(),
            names_text(&overview.untyped)
        );
        d.lead_para(&lead, &text);
    }
    if n == 0 {
        d.para(
            BODY,
            "各单位均已按要求报送台账，各项考核指标均已达标，未发现突出问题。",
        );
    }
}

/// One line per unit with a rule 未达标 (at most `DETAILED_UNITS`): the rules and their periods.
fn shortfall_lines(d: &mut Doc, model: &ReportModel<'_>, overview: &Overview, missed: usize) {
    let listed: Vec<&str> = (overview.missed.iter())
        .flat_map(|(_, names)| names.iter().map(String::as_str))
        .take(DETAILED_UNITS)
        .collect();
    // Per listed unit, its missed rules in the order of 未达标明细, each with its periods.
    let mut rules: HashMap<&str, Vec<(&str, Vec<&str>)>> =
        listed.iter().map(|&u| (u, Vec::new())).collect();
    for s in &model.card.shortfalls {
        if s.status != Lateness::Missed {
            continue;
        }
        let Some(unit) = rules.get_mut(s.unit.as_str()) else {
            continue;
        };
        match unit.iter_mut().find(|(rule, _)| *rule == s.rule) {
            Some((_, periods)) => periods.push(&s.period),
            None => unit.push((&s.rule, vec![&s.period])),
        }
    }
    for (i, name) in listed.iter().enumerate() {
        let missed_rules = &rules[name];
        let text = if missed_rules.is_empty() {
            format!("{}. {name}：存在未达标指标。", i + 1)
        } else {
            let rules: Vec<String> = (missed_rules.iter())
                .map(|(rule, periods)| {
                    // `第23周（6月1日—6月7日）` as `第23周`: the dates are in 未达标明细.
                    let periods: Vec<&str> = (periods.iter())
                        .map(|p| match p.split_once('（') {
                            Some((head, _)) if !head.is_empty() => head,
                            _ => p,
                        })
                        .filter(|p| !p.is_empty())
                        .collect();
                    match periods.len() {
                        0 => (*rule).to_string(),
                        n if n <= NAMED_PERIODS => format!("{rule}（{}）", periods.join("、")),
                        n => format!("{rule}（{n}个考核期）"),
                    }
                })
                .collect();
            format!("{}. {name}：{}未达标。", i + 1, rules.join("、"))
        };
        d.para(BODY, &text);
    }
    if missed > listed.len() {
        d.para(
            BODY,
            &format!(
                "另有{}个单位存在未达标指标，详见汇总表“未达标明细”。",
                missed - listed.len()
            ),
        );
    }
}

/// `四、下步要求`: each a lead in 楷体 and its text; `field` is the schema's field of work
/// (`意识形态工作`).
fn requirements(year: i32, field: &str) -> [(String, String); 4] {
    let next = year + 1;
    [
        (
            "（一）抓好问题整改。".into(),
            "对本通报指出的未达标、进度滞后等问题，相关单位要认真对照检查，\
             逐项制定整改措施，明确责任人和完成时限，于收到通报后30日内整改到位，\
             并将整改情况书面报送。"
                .into(),
        ),
        (
            "（二）规范台账报送。".into(),
            "未报送或报送文件无法读取的单位，要按统一模板及时补报；\
             各单位要对照汇总表和反馈表核实台账，更正后重新报送，\
             确保台账数据真实、完整、规范。"
                .into(),
        ),
        (
            "（三）压实工作责任。".into(),
            format!(
                "各单位要切实履行{field}主体责任，\
                 主要负责同志要履行第一责任人职责，把{field}纳入重要议事日程；\
                 对工作不力、整改不到位、问题反复出现的单位，依规依纪严肃问责。"
            ),
        ),
        (
            "（四）做好来年工作。".into(),
            format!(
                "各单位要对照{next}年度{field}考核要求，提前谋划、统筹安排，\
                 按时报送工作台账，确保各项工作任务按期保质完成。"
            ),
        ),
    ]
}

/// The ranking of 附件: every unit of the scorecard in its order.
fn ranking_table(d: &mut Doc, model: &ReportModel<'_>) {
    let last = model.last_year.as_ref();
    // Widths in twips of the 156 mm (8,844 twips) between the margins, for 12 pt text: each
    // column as wide as its values (a header of four characters or more on two lines), 单位名称
    // the rest.
    let mut columns: Vec<(&str, u32)> = vec![
        ("总排名", 850),
        ("单位名称", 0),
        ("单位\n类型", 750),
        ("类别", 1100),
        ("类别\n排名", 700),
        ("完成率", 1050),
        ("未达标\n项数", 850),
    ];
    if last.is_some() {
        columns.extend([("上年\n排名", 700), ("变化", 650)]);
    }
    let taken: u32 = columns.iter().map(|(_, w)| w).sum();
    columns[1].1 = TEXT_WIDTH.saturating_sub(taken).max(1200);
    let widths: Vec<u32> = columns.iter().map(|(_, w)| *w).collect();
    d.table_start(&widths);
    let headers: Vec<&str> = columns.iter().map(|(h, _)| *h).collect();
    d.row(&headers, true);
    let mut cells: Vec<String> = Vec::with_capacity(columns.len());
    let mut number = itoa::Buffer::new();
    for u in &model.card.units {
        cells.clear();
        let mut count = |n: Option<u32>| n.map_or(String::new(), |n| number.format(n).to_string());
        cells.push(count(u.rank));
        cells.push(u.name.clone());
        cells.push(u.unit_type.clone());
        cells.push(u.group.clone().unwrap_or_default());
        cells.push(count(u.group_rank));
        cells.push(u.completion.map_or(String::new(), percent));
        cells.push(match u.status {
            Submission::Untyped => String::new(),
            _ => count(Some(u.missed_count)),
        });
        if let Some(last) = last {
            let (before, change) = compared(last.units.get(&u.name).copied(), u.rank);
            cells.push(before);
            cells.push(change);
        }
        let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
        d.row(&refs, false);
    }
    d.table_end();
}

/// `87.5%`.
fn percent(completion: f64) -> String {
    format!("{:.1}%", completion * 100.0)
}

/// Last year's rank and the change (`↑3`, `↓2`, `—`), or `新增` for a unit last year's summary
/// does not have.
fn compared(last: Option<(Option<f64>, Option<u32>)>, now: Option<u32>) -> (String, String) {
    let Some((_, before)) = last else {
        return (String::new(), "新增".into());
    };
    let change = crate::last_year::rank_change(before, now);
    (before.map_or(String::new(), |r| r.to_string()), change)
}

/// The note under the ranking: what its columns mean.
fn ranking_note(model: &ReportModel<'_>) -> String {
    let mut note = String::from(
        "注：总排名为全县各单位按完成率排名，类别排名为同一类别内的排名，完成率相同的名次并列；\
         未报送或报送文件无法读取的单位完成率按零计算；单位类型不明的单位未考核，不参与排名。",
    );
    if let Some(last) = &model.last_year {
        let year = last.year.map_or("上年".to_string(), |y| format!("{y}年"));
        note.push_str(&format!(
            "上年排名取自{year}汇总结果，“新增”为上年未列入排名的单位。"
        ));
    }
    note
}

/// `一`…`十`, then the digits.
fn ordinal(n: usize) -> String {
    const DIGITS: [&str; 11] = [
        "〇", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
    ];
    match n {
        0..=10 => DIGITS[n].to_string(),
        11..=19 => format!("十{}", DIGITS[n - 10]),
        _ => n.to_string(),
    }
}

/// `乡镇2个（新田乡、文昌镇），部门1个（县教育局）`, each type's names capped.
fn groups_text(groups: &[(String, Vec<String>)]) -> String {
    (groups.iter())
        .map(|(g, names)| format!("{g}{}个（{}）", names.len(), names_text(names)))
        .collect::<Vec<_>>()
        .join("，")
}

/// `甲、乙、丙`, or the first `NAMED_UNITS` and `等` (every caller gives the count).
fn names_text(names: &[String]) -> String {
    let shown = names.len().min(NAMED_UNITS);
    let mut text = names[..shown].join("、");
    if names.len() > shown {
        text.push('等');
    }
    text
}

// ---------------------------------------------------------------------------------------------
// WordprocessingML.

/// The width between the margins: A4's 210 mm less 28 mm and 26 mm, in twips.
const TEXT_WIDTH: u32 = 8844;

/// Paragraph styles of `STYLES`, by id.
const TITLE: &str = "a-title";
const MARKER: &str = "a-marker";
const ADDRESSEE: &str = "a-addressee";
const BODY: &str = "a-body";
const HEADING: &str = "a-h1";
const BLANK: &str = "a-body";
const ISSUER: &str = "a-issuer";
const DATE: &str = "a-date";
const ATTACHMENT_LABEL: &str = "a-att-label";
const ATTACHMENT_TITLE: &str = "a-att-title";
const CELL: &str = "a-cell";
const HEADER_CELL: &str = "a-cell-head";
const TABLE_NOTE: &str = "a-note";
/// The character style of a `（一）` lead.
const LEAD: &str = "a-h2";

/// `word/document.xml` being written.
struct Doc {
    xml: String,
}

impl Default for Doc {
    fn default() -> Self {
        let mut xml = String::with_capacity(1 << 16);
        xml.push_str(concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            "\r\n",
            r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" "#,
            r#"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#,
            "<w:body>"
        ));
        Doc { xml }
    }
}

impl Doc {
    /// A paragraph of one style and one run.
    fn para(&mut self, style: &str, text: &str) {
        let _ = write!(
            self.xml,
            r#"<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>"#
        );
        self.run(None, text);
        self.xml.push_str("</w:p>");
    }

    /// A body paragraph that opens with a `（一）` lead in 楷体.
    fn lead_para(&mut self, lead: &str, text: &str) {
        let _ = write!(
            self.xml,
            r#"<w:p><w:pPr><w:pStyle w:val="{BODY}"/></w:pPr>"#
        );
        self.run(Some(LEAD), lead);
        self.run(None, text);
        self.xml.push_str("</w:p>");
    }

    fn run(&mut self, style: Option<&str>, text: &str) {
        if text.is_empty() {
            return;
        }
        self.xml.push_str("<w:r>");
        if let Some(style) = style {
            let _ = write!(self.xml, r#"<w:rPr><w:rStyle w:val="{style}"/></w:rPr>"#);
        }
        self.xml.push_str(r#"<w:t xml:space="preserve">"#);
        escape_into(&mut self.xml, text);
        self.xml.push_str("</w:t></w:r>");
    }

    /// Starts a bordered table of columns `widths` (twips), centred, of fixed layout.
    fn table_start(&mut self, widths: &[u32]) {
        let total: u32 = widths.iter().sum();
        let border = |side: &str| {
            format!(r#"<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>"#)
        };
        let borders: String = ["top", "left", "bottom", "right", "insideH", "insideV"]
            .iter()
            .map(|s| border(s))
            .collect();
        let _ = write!(
            self.xml,
            concat!(
                r#"<w:tbl><w:tblPr><w:tblW w:w="{total}" w:type="dxa"/><w:jc w:val="center"/>"#,
                "<w:tblBorders>{borders}</w:tblBorders>",
                r#"<w:tblLayout w:type="fixed"/>"#,
                r#"<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>"#,
                r#"<w:tblLook w:val="0020" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>"#,
                "</w:tblPr><w:tblGrid>"
            ),
            total = total,
            borders = borders
        );
        for w in widths {
            let _ = write!(self.xml, r#"<w:gridCol w:w="{w}"/>"#);
        }
        self.xml.push_str("</w:tblGrid>");
    }

    /// A row of the table; the header row repeats at the top of every page.
    fn row(&mut self, cells: &[&str], header: bool) {
        // At least 7.5 mm high.
        self.xml
            .push_str(r#"<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="425"/>"#);
        if header {
            self.xml.push_str("<w:tblHeader/>");
        }
        self.xml.push_str("</w:trPr>");
        let style = if header { HEADER_CELL } else { CELL };
        for cell in cells {
            let _ = write!(
                self.xml,
                r#"<w:tc><w:tcPr><w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>"#
            );
            // A header's `\n` is a line break; a value's is a space (`escape_into`).
            if header {
                for (i, line) in cell.split('\n').enumerate() {
                    if i > 0 {
                        self.xml.push_str("<w:r><w:br/></w:r>");
                    }
                    self.run(None, line);
                }
            } else {
                self.run(None, cell);
            }
            self.xml.push_str("</w:p></w:tc>");
        }
        self.xml.push_str("</w:tr>");
    }

    fn table_end(&mut self) {
        self.xml.push_str("</w:tbl>");
    }

    /// Closes the body with the section: A4 portrait, the margins of GB/T 9704, the footer.
    fn finish(mut self) -> String {
        self.xml.push_str(concat!(
            "<w:sectPr>",
            r#"<w:footerReference w:type="default" r:id="rId4"/>"#,
            r#"<w:pgSz w:w="11906" w:h="16838"/>"#,
            r#"<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587" w:header="851" w:footer="1304" w:gutter="0"/>"#,
            r#"<w:cols w:space="425"/>"#,
            "</w:sectPr></w:body></w:document>"
        ));
        self.xml
    }
}

/// Appends `text` escaped for XML: `&`, `<`, `>` and quotes as entities, tabs and line breaks as
/// spaces, and the characters XML 1.0 does not allow (other controls, U+FFFE, U+FFFF) dropped.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {}
            c => out.push(c),
        }
    }
}

fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// `docProps/core.xml`: the title only (no dates: the same model gives the same bytes).
fn core_properties(title: &str) -> String {
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            "\r\n",
            r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" "#,
            r#"xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" "#,
            r#"xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            "<dc:title>{}</dc:title><dc:creator>huizong</dc:creator></cp:coreProperties>"
        ),
        escaped(title)
    )
}

const CONTENT_TYPES: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\r\n",
    r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
    r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
    r#"<Default Extension="xml" ContentType="application/xml"/>"#,
    r#"<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>"#,
    r#"<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>"#,
    r#"<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>"#,
    r#"<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>"#,
    r#"<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>"#,
    r#"<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>"#,
    r#"<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>"#,
    "</Types>"
);

const ROOT_RELS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\r\n",
    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>"#,
    r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>"#,
    r#"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>"#,
    "</Relationships>"
);

/// `rId4` is the footer `Doc::finish` refers to.
const DOCUMENT_RELS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\r\n",
    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#,
    r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>"#,
    r#"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>"#,
    r#"<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>"#,
    "</Relationships>"
);

const APP_PROPERTIES: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\r\n",
    r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" "#,
    r#"xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">"#,
    "<Application>huizong</Application></Properties>"
);

const SETTINGS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\r\n",
    r#"<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
    r#"<w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/>"#,
    r#"<w:characterSpacingControl w:val="compressPunctuation"/>"#,
    r#"<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>"#,
    r#"<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>"#,
    "</w:settings>"
);

/// The fonts of GB/T 9704, each with the font Windows has when it lacks them (`altName`).
const FONT_TABLE: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\r\n",
    r#"<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
    r#"<w:font w:name="Times New Roman"><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>"#,
    r#"<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>"#,
    r#"<w:font w:name="楷体_GB2312"><w:altName w:val="楷体"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>"#,
    r#"<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/><w:charset w:val="86"/><w:family w:val="script"/><w:pitch w:val="fixed"/></w:font>"#,
    r#"<w:font w:name="黑体"><w:altName w:val="SimHei"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>"#,
    r#"<w:font w:name="宋体"><w:altName w:val="SimSun"/><w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>"#,
    "</w:fonts>"
);

/// The page number, `— 1 —`, centred in 宋体 四号.
const FOOTER: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\r\n",
    r#"<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
    r#"<w:p><w:pPr><w:pStyle w:val="a-footer"/></w:pPr>"#,
    r#"<w:r><w:t xml:space="preserve">— </w:t></w:r>"#,
    r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r>"#,
    r#"<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>"#,
    r#"<w:r><w:fldChar w:fldCharType="separate"/></w:r>"#,
    r#"<w:r><w:t>1</w:t></w:r>"#,
    r#"<w:r><w:fldChar w:fldCharType="end"/></w:r>"#,
    r#"<w:r><w:t xml:space="preserve"> —</w:t></w:r>"#,
    "</w:p></w:ftr>"
);

/// The styles: the body (仿宋_GB2312 三号, fixed 28.95 pt lines, first line indented two
/// characters) and those built on it.
const STYLES: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\r\n",
    r#"<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
    "<w:docDefaults><w:rPrDefault><w:rPr>",
    r#"<w:rFonts w:ascii="Times New Roman" w:eastAsia="仿宋_GB2312" w:hAnsi="Times New Roman" w:cs="Times New Roman"/>"#,
    r#"<w:kern w:val="2"/><w:sz w:val="32"/><w:szCs w:val="32"/>"#,
    r#"<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>"#,
    "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>",
    r#"<w:widowControl w:val="0"/><w:spacing w:line="579" w:lineRule="exact"/><w:jc w:val="both"/>"#,
    "</w:pPr></w:pPrDefault></w:docDefaults>",
    // 正文
    r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>"#,
    r#"<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>"#,
    r#"<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:semiHidden/>"#,
    r#"<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>"#,
    r#"<w:style w:type="paragraph" w:styleId="a-body"><w:name w:val="公文正文"/><w:basedOn w:val="Normal"/><w:qFormat/>"#,
    r#"<w:pPr><w:ind w:firstLineChars="200" w:firstLine="640"/></w:pPr></w:style>"#,
    // 标题
    r#"<w:style w:type="paragraph" w:styleId="a-title"><w:name w:val="公文标题"/><w:basedOn w:val="Normal"/><w:next w:val="a-marker"/><w:qFormat/>"#,
    r#"<w:pPr><w:keepNext/><w:spacing w:line="700" w:lineRule="exact"/><w:jc w:val="center"/><w:outlineLvl w:val="0"/></w:pPr>"#,
    r#"<w:rPr><w:rFonts w:ascii="Times New Roman" w:eastAsia="方正小标宋简体" w:hAnsi="Times New Roman"/><w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style>"#,
    r#"<w:style w:type="paragraph" w:styleId="a-marker"><w:name w:val="公文标注"/><w:basedOn w:val="Normal"/><w:next w:val="a-body"/>"#,
    r#"<w:pPr><w:keepNext/><w:jc w:val="center"/></w:pPr>"#,
    r#"<w:rPr><w:rFonts w:eastAsia="楷体_GB2312"/></w:rPr></w:style>"#,
    // 主送机关
    r#"<w:style w:type="paragraph" w:styleId="a-addressee"><w:name w:val="公文主送机关"/><w:basedOn w:val="Normal"/><w:next w:val="a-body"/></w:style>"#,
    // 一级标题
    r#"<w:style w:type="paragraph" w:styleId="a-h1"><w:name w:val="公文一级标题"/><w:basedOn w:val="a-body"/><w:next w:val="a-body"/><w:qFormat/>"#,
    r#"<w:pPr><w:keepNext/><w:outlineLvl w:val="1"/></w:pPr>"#,
    r#"<w:rPr><w:rFonts w:ascii="Times New Roman" w:eastAsia="黑体" w:hAnsi="Times New Roman"/></w:rPr></w:style>"#,
    // 二级标题（段首）
    r#"<w:style w:type="character" w:styleId="a-h2"><w:name w:val="公文二级标题"/><w:basedOn w:val="DefaultParagraphFont"/><w:qFormat/>"#,
    r#"<w:rPr><w:rFonts w:ascii="Times New Roman" w:eastAsia="楷体_GB2312" w:hAnsi="Times New Roman"/></w:rPr></w:style>"#,
    // 署名、日期：日期右空四字，署名以日期为准居中
    r#"<w:style w:type="paragraph" w:styleId="a-issuer"><w:name w:val="公文署名"/><w:basedOn w:val="Normal"/><w:next w:val="a-date"/>"#,
    r#"<w:pPr><w:keepNext/><w:ind w:rightChars="450" w:right="1440"/><w:jc w:val="right"/></w:pPr></w:style>"#,
    r#"<w:style w:type="paragraph" w:styleId="a-date"><w:name w:val="公文成文日期"/><w:basedOn w:val="Normal"/>"#,
    r#"<w:pPr><w:ind w:rightChars="400" w:right="1280"/><w:jc w:val="right"/></w:pPr></w:style>"#,
    // 附件
    r#"<w:style w:type="paragraph" w:styleId="a-att-label"><w:name w:val="公文附件标识"/><w:basedOn w:val="Normal"/><w:next w:val="a-att-title"/>"#,
    r#"<w:pPr><w:keepNext/><w:pageBreakBefore/></w:pPr>"#,
    r#"<w:rPr><w:rFonts w:ascii="Times New Roman" w:eastAsia="黑体" w:hAnsi="Times New Roman"/></w:rPr></w:style>"#,
    r#"<w:style w:type="paragraph" w:styleId="a-att-title"><w:name w:val="公文附件标题"/><w:basedOn w:val="Normal"/><w:next w:val="a-marker"/>"#,
    r#"<w:pPr><w:keepNext/><w:spacing w:before="240" w:line="600" w:lineRule="exact"/><w:jc w:val="center"/></w:pPr>"#,
    r#"<w:rPr><w:rFonts w:ascii="Times New Roman" w:eastAsia="方正小标宋简体" w:hAnsi="Times New Roman"/><w:sz w:val="36"/><w:szCs w:val="36"/></w:rPr></w:style>"#,
    // 表格
    r#"<w:style w:type="paragraph" w:styleId="a-cell"><w:name w:val="公文表格"/><w:basedOn w:val="Normal"/>"#,
    r#"<w:pPr><w:spacing w:line="300" w:lineRule="exact"/><w:jc w:val="center"/></w:pPr>"#,
    r#"<w:rPr><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr></w:style>"#,
    r#"<w:style w:type="paragraph" w:styleId="a-cell-head"><w:name w:val="公文表头"/><w:basedOn w:val="a-cell"/>"#,
    r#"<w:pPr><w:keepNext/></w:pPr>"#,
    r#"<w:rPr><w:rFonts w:ascii="Times New Roman" w:eastAsia="黑体" w:hAnsi="Times New Roman"/></w:rPr></w:style>"#,
    r#"<w:style w:type="paragraph" w:styleId="a-note"><w:name w:val="公文表注"/><w:basedOn w:val="Normal"/>"#,
    r#"<w:pPr><w:spacing w:before="120" w:line="360" w:lineRule="exact"/></w:pPr>"#,
    r#"<w:rPr><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr></w:style>"#,
    // 页码
    r#"<w:style w:type="paragraph" w:styleId="a-footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/>"#,
    r#"<w:pPr><w:spacing w:line="240" w:lineRule="auto"/><w:jc w:val="center"/></w:pPr>"#,
    r#"<w:rPr><w:rFonts w:ascii="宋体" w:eastAsia="宋体" w:hAnsi="宋体"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>"#,
    "</w:styles>"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_forbidden_characters_dropped() {
        let mut out = String::new();
        escape_into(&mut out, "A&B <c> \"d\" 'e'\u{1}\u{b}\tf\u{fffe}g");
        assert_eq!(out, "A&amp;B &lt;c&gt; &quot;d&quot; &apos;e&apos; fg");
    }

    #[test]
    fn rank_changes_are_arrows() {
        let now = Some(3);
        assert_eq!(
            compared(Some((None, Some(6))), now),
            ("6".into(), "↑3".into())
        );
        assert_eq!(
            compared(Some((None, Some(1))), now),
            ("1".into(), "↓2".into())
        );
        assert_eq!(
            compared(Some((None, Some(3))), now),
            ("3".into(), "—".into())
        );
        assert_eq!(compared(None, now), (String::new(), "新增".into()));
        assert_eq!(
            compared(Some((None, Some(3))), None),
            ("3".into(), String::new())
        );
    }

    #[test]
    fn long_lists_end_in_deng() {
        let names: Vec<String> = (0..NAMED_UNITS + 5).map(|i| format!("单位{i}")).collect();
        let text = names_text(&names);
        assert!(
            text.ends_with(&format!("单位{}等", NAMED_UNITS - 1)),
            "{text}"
        );
        assert_eq!(names_text(&names[..2]), "单位0、单位1");
        assert_eq!(ordinal(4), "四");
        assert_eq!(ordinal(12), "十二");
    }
}
