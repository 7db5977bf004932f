//! Writing a titled table the way a clerk prints it: a merged title row, a subtitle, a bold
//! header row that is frozen, filtered and repeated on every printed page, widths fitted to
//! Chinese text (a CJK character is two columns wide), A4 landscape fitted to the page width.
//! Shared by the summary, feedback and template workbooks; it must not know what the tables mean.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Worksheet, XlsxError};

/// A cell to write.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Out {
    Empty,
    Text(String),
    Int(i64),
    /// A fraction shown as a percentage.
    Pct(f64),
}

impl From<&str> for Out {
    fn from(s: &str) -> Self {
        Out::Text(s.to_string())
    }
}

impl From<String> for Out {
    fn from(s: String) -> Self {
        Out::Text(s)
    }
}

impl From<u32> for Out {
    fn from(n: u32) -> Self {
        Out::Int(i64::from(n))
    }
}

impl<T: Into<Out>> From<Option<T>> for Out {
    fn from(v: Option<T>) -> Self {
        v.map_or(Out::Empty, Into::into)
    }
}

/// Most characters an Excel cell holds.
const CELL_CHARS: usize = 32_767;

/// `s` as a cell can hold it: cut to Excel's 32,767 characters (with `…`) when longer. Values
/// are bounded when read and shown values cut to 200 characters, so this only guards the
/// report: one text too long would stop the whole workbook from being written.
fn within_cell(s: &str) -> std::borrow::Cow<'_, str> {
    if s.len() <= CELL_CHARS || s.chars().nth(CELL_CHARS).is_none() {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut cut: String = s.chars().take(CELL_CHARS - 1).collect();
    cut.push('…');
    std::borrow::Cow::Owned(cut)
}

/// How a cell is emphasised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mark {
    Plain,
    /// A shortfall or an error: red fill.
    Red,
    /// A warning: yellow fill.
    Amber,
}

/// The formats every table uses.
pub(crate) struct Formats {
    pub title: Format,
    /// The title broken over lines, for a table narrower than its title.
    pub title_wrap: Format,
    pub subtitle: Format,
    /// A note under a table, wrapped across its width.
    pub note: Format,
    pub header: Format,
    pub text: Format,
    pub number: Format,
    pub pct: Format,
    pub red_text: Format,
    pub red_number: Format,
    pub amber_text: Format,
    pub amber_number: Format,
}

const FONT: &str = "宋体";

/// The titles' size, and the tables' (in points).
const TITLE_PT: f64 = 16.0;
const BODY_PT: f64 = 10.5;

impl Formats {
    pub(crate) fn new() -> Self {
        let base = Format::new()
            .set_font_name(FONT)
            .set_font_size(10.5)
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        let red = Color::RGB(0xFFC7CE);
        let amber = Color::RGB(0xFFEB9C);
        let title = Format::new()
            .set_font_name("黑体")
            .set_font_size(TITLE_PT)
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter);
        Formats {
            title_wrap: title.clone().set_text_wrap(),
            title,
            subtitle: Format::new()
                .set_font_name(FONT)
                .set_font_size(10)
                .set_font_color(Color::RGB(0x595959)),
            note: Format::new()
                .set_font_name(FONT)
                .set_font_size(10)
                .set_font_color(Color::RGB(0x595959))
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            header: base
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xD9E1F2))
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap(),
            // Text wider than a column (a basis quoting its document) wraps, so that a printed
            // page shows all of it.
            text: base.clone().set_text_wrap(),
            number: base.clone().set_align(FormatAlign::Center),
            pct: base
                .clone()
                .set_num_format("0.0%")
                .set_align(FormatAlign::Center),
            red_text: base
                .clone()
                .set_text_wrap()
                .set_background_color(red)
                .set_font_color(Color::RGB(0x9C0006)),
            red_number: base
                .clone()
                .set_background_color(red)
                .set_font_color(Color::RGB(0x9C0006))
                .set_align(FormatAlign::Center),
            amber_text: base
                .clone()
                .set_text_wrap()
                .set_background_color(amber)
                .set_font_color(Color::RGB(0x9C5700)),
            amber_number: base
                .clone()
                .set_background_color(amber)
                .set_font_color(Color::RGB(0x9C5700))
                .set_align(FormatAlign::Center),
        }
    }
}

impl Default for Formats {
    fn default() -> Self {
        Formats::new()
    }
}

/// Display width of text in Excel column units: CJK and full-width characters count two.
pub(crate) fn text_width(s: &str) -> usize {
    s.lines()
        .map(|line| {
            line.chars()
                .map(|c| if c.is_ascii() { 1 } else { 2 })
                .sum::<usize>()
        })
        .max()
        .unwrap_or(0)
}

/// Widest a fitted column gets; longer text wraps (and its row grows), so that printed tables
/// keep a readable size.
const MAX_WIDTH: usize = 40;

/// Narrowest a fitted column gets (three Chinese characters), and narrowest a cap may make one
/// (two: `乡镇`, `取消`, a count).
const MIN_WIDTH: usize = 6;
const NARROWEST: usize = 5;

/// A column's width for text `width` wide under `cap`.
fn fitted(width: usize, cap: usize) -> usize {
    width.clamp(MIN_WIDTH.min(cap), cap)
}

/// Points a line of 10.5-point text takes, and the most lines a row grows to.
const LINE_HEIGHT: f64 = 14.0;
const MAX_LINES: usize = 30;

/// Lines `s` takes in a column `width` wide. A column w wide is 7w + 5 pixels, the 5 its margins,
/// and a Chinese character of 10.5-point text 14: w/2 of them fit on a line (`已报送` in 6).
fn wrapped_lines(s: &str, width: usize) -> usize {
    let room = (width - width % 2).max(2);
    s.lines()
        .map(|line| text_width(line).div_ceil(room).max(1))
        .sum()
}

/// A table being written on one worksheet: title at row 0, subtitle at row 1, header at
/// `header_row`, data below.
pub(crate) struct Table<'a> {
    pub ws: &'a mut Worksheet,
    f: &'a Formats,
    pub header_row: u32,
    pub next_row: u32,
    columns: u16,
    widths: Vec<usize>,
    /// Per column, the widest it may get (`cap`): wider text wraps within it.
    caps: Vec<usize>,
    /// The title's row and text, and whether `finish` may break it over lines.
    title: (u32, String),
    fit_title: bool,
}

impl<'a> Table<'a> {
    /// Starts a table with a title, a subtitle and a header row.
    pub(crate) fn new(
        ws: &'a mut Worksheet,
        f: &'a Formats,
        title: &str,
        subtitle: &str,
        headers: &[&str],
    ) -> Result<Self, XlsxError> {
        Self::at(ws, f, 0, title, subtitle, headers)
    }

    /// Starts a table whose title is at `top` (for a second table further down a sheet).
    pub(crate) fn at(
        ws: &'a mut Worksheet,
        f: &'a Formats,
        top: u32,
        title: &str,
        subtitle: &str,
        headers: &[&str],
    ) -> Result<Self, XlsxError> {
        let columns = headers.len().max(1) as u16;
        let title = &*within_cell(title);
        if columns > 1 {
            ws.merge_range(top, 0, top, columns - 1, title, &f.title)?;
        } else {
            ws.write_string_with_format(top, 0, title, &f.title)?;
        }
        ws.set_row_height(top, 30)?;
        ws.write_string_with_format(top + 1, 0, subtitle, &f.subtitle)?;
        let header_row = top + 2;
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(header_row, c as u16, *h, &f.header)?;
        }
        ws.set_row_height(header_row, 24)?;
        Ok(Table {
            ws,
            f,
            header_row,
            next_row: header_row + 1,
            columns,
            widths: headers.iter().map(|h| text_width(h) + 2).collect(),
            caps: vec![MAX_WIDTH; headers.len()],
            title: (top, title.to_string()),
            fit_title: false,
        })
    }

    /// Lets `finish` break the title over lines when the fitted table is narrower than it: a
    /// title wider than its merged cell is cut off on both sides of the printed page. Only for a
    /// sheet not in constant-memory mode, where the title row can still be rewritten once the
    /// widths are known.
    pub(crate) fn fit_title(&mut self) {
        self.fit_title = true;
    }

    /// Caps columns' widths (`(column, width)`, from 5): text wider than its column wraps
    /// there, and its row grows.
    pub(crate) fn cap(&mut self, caps: &[(usize, usize)]) {
        for &(c, w) in caps {
            if let Some(cap) = self.caps.get_mut(c) {
                *cap = w.clamp(NARROWEST, MAX_WIDTH);
            }
        }
    }

    /// Lets headers wider than `max` wrap instead of widening their column, and grows the header
    /// row to the lines the widest takes.
    pub(crate) fn narrow_headers(&mut self, max: usize) -> Result<(), XlsxError> {
        let mut lines = 1;
        for w in self.widths.iter_mut() {
            if *w > max {
                lines = lines.max((*w - 2).div_ceil(max - 2) + 1);
                *w = max;
            }
        }
        if lines > 1 {
            self.ws
                .set_row_height(self.header_row, 6.0 + LINE_HEIGHT * lines as f64)?;
        }
        Ok(())
    }

    /// Writes one data row.
    ///
    /// `rust_xlsxwriter` hashes the whole `Format` on every formatted write — half of what the
    /// summary workbook cost. So the values go in unformatted, then each run of neighbouring cells
    /// that share a format gets it in one call. A row of blanks only has no value to make it the
    /// row a constant-memory sheet is writing: its blanks are written formatted, one by one.
    pub(crate) fn row(&mut self, cells: Vec<(Out, Mark)>) -> Result<(), XlsxError> {
        let r = self.next_row;
        self.next_row += 1;
        if cells.iter().all(|(out, _)| matches!(out, Out::Empty)) {
            for (c, (_, mark)) in cells.into_iter().enumerate() {
                let format = self.format(&Out::Empty, mark);
                self.ws.write_blank(r, c as u16, format)?;
            }
            return Ok(());
        }
        let formats: Vec<&Format> = cells.iter().map(|(o, m)| self.format(o, *m)).collect();
        let mut lines = 1;
        for (c, (out, _)) in cells.into_iter().enumerate() {
            lines = lines.max(self.value(r, c as u16, out)?);
        }
        // A row grows for text that wraps: neither Excel nor LibreOffice grows it on opening.
        if lines > 1 {
            self.ws
                .set_row_height(r, LINE_HEIGHT * lines.min(MAX_LINES) as f64)?;
        }
        let mut first = 0;
        for run in formats.chunk_by(|a, b| std::ptr::eq(*a, *b)) {
            let last = first + run.len() as u16 - 1;
            self.ws.set_range_format(r, first, r, last, run[0])?;
            first = last + 1;
        }
        Ok(())
    }

    /// Writes one data row of plain cells.
    pub(crate) fn plain(&mut self, cells: Vec<Out>) -> Result<(), XlsxError> {
        self.row(cells.into_iter().map(|c| (c, Mark::Plain)).collect())
    }

    /// The format a cell of `out` takes under `mark`.
    fn format(&self, out: &Out, mark: Mark) -> &'a Format {
        let f = self.f;
        match (out, mark) {
            (Out::Pct(_), _) => &f.pct,
            (Out::Int(_), Mark::Red) => &f.red_number,
            (Out::Int(_), Mark::Plain) => &f.number,
            (Out::Int(_), Mark::Amber) => &f.amber_number,
            (Out::Empty | Out::Text(_), Mark::Plain) => &f.text,
            (Out::Empty | Out::Text(_), Mark::Red) => &f.red_text,
            (Out::Empty | Out::Text(_), Mark::Amber) => &f.amber_text,
        }
    }

    /// Writes a cell's value unformatted and widens its column to fit it; returns the lines it
    /// takes once wrapped at the widest a column gets.
    fn value(&mut self, r: u32, c: u16, out: Out) -> Result<usize, XlsxError> {
        let mut lines = 1;
        let width = match &out {
            Out::Empty => 0,
            Out::Text(s) => {
                let s = within_cell(s);
                self.ws.write_string(r, c, &*s)?;
                let width = text_width(&s);
                let cap = self.caps.get(c as usize).copied().unwrap_or(MAX_WIDTH);
                if width > cap || s.contains('\n') {
                    lines = wrapped_lines(&s, cap);
                }
                width
            }
            Out::Int(n) => {
                self.ws.write_number(r, c, *n as f64)?;
                n.to_string().len()
            }
            Out::Pct(p) => {
                self.ws.write_number(r, c, *p)?;
                6
            }
        };
        if let Some(w) = self.widths.get_mut(c as usize) {
            *w = (*w).max(width + 2);
        }
        Ok(lines)
    }

    /// Last data row (the header row when there is no data).
    pub(crate) fn last_row(&self) -> u32 {
        self.next_row.saturating_sub(1).max(self.header_row)
    }

    /// The widths the columns get when the table is finished (fitted, within their caps).
    pub(crate) fn final_widths(&self) -> Vec<usize> {
        (self.widths.iter().enumerate())
            .map(|(c, w)| fitted(*w, self.caps.get(c).copied().unwrap_or(MAX_WIDTH)))
            .collect()
    }

    /// The fitted widths so far, for a later table on the same sheet to honour.
    pub(crate) fn widths(&self) -> Vec<usize> {
        self.widths.clone()
    }

    /// Widens columns to at least `earlier` (the widths of a table above on the same sheet), so
    /// that fitting this table does not squeeze that one.
    pub(crate) fn keep_widths(&mut self, earlier: &[usize]) {
        for (c, w) in earlier.iter().enumerate() {
            match self.widths.get_mut(c) {
                Some(mine) => *mine = (*mine).max(*w),
                None => self.widths.push(*w),
            }
        }
    }

    /// Fits widths; with `main`, also freezes the header, adds the filter and sets up printing.
    pub(crate) fn finish(self, main: bool) -> Result<(), XlsxError> {
        if self.fit_title {
            let (top, title) = &self.title;
            let room = self.final_widths().iter().sum();
            if let Some((title, lines)) = title_lines(title, room) {
                self.ws
                    .write_string_with_format(*top, 0, &title, &self.f.title_wrap)?;
                self.ws
                    .set_row_height(*top, 8.0 + TITLE_LINE * lines as f64)?;
            }
        }
        for (c, w) in self.widths.iter().enumerate() {
            let cap = self.caps.get(c).copied().unwrap_or(MAX_WIDTH);
            let width = fitted(*w, cap);
            self.ws.set_column_width(c as u16, width as f64)?;
        }
        if main {
            self.ws.set_freeze_panes(self.header_row + 1, 0)?;
            self.ws
                .autofilter(self.header_row, 0, self.last_row(), self.columns - 1)?;
            print_setup(self.ws, self.header_row)?;
        }
        Ok(())
    }
}

/// Points a line of the title takes.
const TITLE_LINE: f64 = 22.0;

/// A title too wide for `room` columns, broken before its last parenthesis (`（数据截至…）`
/// goes to a line of its own), and the lines it then takes; `None` when it fits on one line.
fn title_lines(title: &str, room: usize) -> Option<(String, usize)> {
    let width = |s: &str| (text_width(s) as f64 * TITLE_PT / BODY_PT).ceil() as usize;
    if width(title) <= room {
        return None;
    }
    let broken = match title.rfind('（') {
        Some(at) if at > 0 => format!("{}\n{}", &title[..at], &title[at..]),
        _ => title.to_string(),
    };
    let room = room.max(1);
    let lines = broken.lines().map(|l| width(l).div_ceil(room).max(1)).sum();
    Some((broken, lines))
}

/// A4 landscape, fitted to one page wide, header row repeated, page numbers in the footer.
pub(crate) fn print_setup(ws: &mut Worksheet, header_row: u32) -> Result<(), XlsxError> {
    ws.set_print_fit_to_pages(1, 0);
    print_unscaled(ws, header_row)
}

/// As `print_setup`, at full size: a sheet too wide for the page (说明, whose audit columns
/// hold hashes) continues on further pages rather than shrinking its text.
pub(crate) fn print_unscaled(ws: &mut Worksheet, header_row: u32) -> Result<(), XlsxError> {
    ws.set_paper_size(9);
    ws.set_landscape();
    // Narrow margins (inches: left, right, top, bottom, header, footer): the width is the text's.
    ws.set_margins(0.3, 0.3, 0.6, 0.6, 0.3, 0.3);
    ws.set_print_center_horizontally(true);
    ws.set_repeat_rows(header_row, header_row)?;
    ws.set_footer("&C第 &P 页，共 &N 页");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_wider_than_its_table_goes_over_lines() {
        let title = "2026年度未报送单位（数据截至2026年12月31日）";
        assert_eq!(title_lines(title, 100), None);
        let (broken, lines) = title_lines(title, 50).unwrap();
        assert_eq!(broken, "2026年度未报送单位\n（数据截至2026年12月31日）");
        assert_eq!(lines, 2);
        // Narrower still, each line wraps within the table.
        assert_eq!(title_lines(title, 20).unwrap().1, 4);
        assert_eq!(title_lines("没有括号的很长很长的标题", 10).unwrap().1, 4);
    }

    #[test]
    fn chinese_characters_count_double() {
        assert_eq!(text_width("abc"), 3);
        assert_eq!(text_width("龙爪镇"), 6);
        assert_eq!(text_width("第1周"), 5);
        assert_eq!(text_width("短\n更长一些"), 8);
    }

    /// The sheet a table writes, as XML.
    fn sheet_xml(
        constant_memory: bool,
        write: impl FnOnce(&mut Worksheet, &Formats) -> Result<(), XlsxError>,
    ) -> String {
        use std::io::Read;
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = if constant_memory {
            wb.add_worksheet_with_constant_memory().unwrap()
        } else {
            wb.add_worksheet()
        };
        write(&mut *ws, &Formats::new()).unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        zip.by_name("xl/worksheets/sheet1.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        xml
    }

    /// Formats given to runs of cells make the same sheet, cell for cell, as a format on every
    /// write: in a constant-memory sheet (where only the row being written takes formats) and a
    /// normal one, with blanks inside a row, at its ends and filling it.
    #[test]
    fn formats_by_runs_match_a_format_per_cell() {
        let rows = vec![
            vec![
                (Out::from("甲镇"), Mark::Plain),
                (Out::Empty, Mark::Plain),
                (Out::Int(3), Mark::Red),
                (Out::Int(4), Mark::Red),
                (Out::Pct(0.5), Mark::Amber),
                (Out::from("迟报"), Mark::Amber),
            ],
            vec![(Out::Empty, Mark::Red), (Out::Empty, Mark::Plain)],
            vec![
                (Out::Empty, Mark::Plain),
                (Out::from("乙镇"), Mark::Red),
                (Out::Int(-1), Mark::Amber),
                (Out::Empty, Mark::Amber),
            ],
            vec![
                (Out::Int(1), Mark::Plain),
                (Out::from("丙"), Mark::Plain),
                (Out::Empty, Mark::Plain),
                (Out::from("丁"), Mark::Plain),
            ],
        ];
        let headers = ["单位", "空", "要求", "实际", "完成率", "备注"];
        for constant_memory in [true, false] {
            let by_runs = sheet_xml(constant_memory, |ws, f| {
                let mut table = Table::new(ws, f, "标题", "副标题", &headers)?;
                for row in rows.clone() {
                    table.row(row)?;
                }
                Ok(())
            });
            let per_cell = sheet_xml(constant_memory, |ws, f| {
                let table = Table::new(ws, f, "标题", "副标题", &headers)?;
                let first = table.next_row;
                for (i, row) in rows.iter().enumerate() {
                    let r = first + i as u32;
                    for (c, (out, mark)) in row.iter().enumerate() {
                        let (c, format) = (c as u16, table.format(out, *mark));
                        match out {
                            Out::Empty => table.ws.write_blank(r, c, format)?,
                            Out::Text(s) => table.ws.write_string_with_format(r, c, s, format)?,
                            Out::Int(n) => {
                                table.ws.write_number_with_format(r, c, *n as f64, format)?
                            }
                            Out::Pct(p) => table.ws.write_number_with_format(r, c, *p, format)?,
                        };
                    }
                }
                Ok(())
            });
            // The blank inside the first data row (row 4) and the row of blanks are there, styled.
            for cell in ["<c r=\"B4\" s=", "<c r=\"A5\" s=", "<c r=\"D6\" s="] {
                assert!(by_runs.contains(cell), "{cell} missing: {by_runs}");
            }
            assert_eq!(by_runs, per_cell, "constant memory: {constant_memory}");
        }
    }
}
