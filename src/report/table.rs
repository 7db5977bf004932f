//! Writing a titled table the way a clerk prints it: a merged title row, a subtitle, a bold
//! header row that is frozen, filtered and repeated on every printed page, widths fitted to
//! Chinese text (a CJK character is two columns wide), A4 landscape fitted to the page width.
//! Shared by the summary, feedback and template workbooks; it must not know what the tables mean.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Worksheet, XlsxError};

/// A cell to write.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
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

/// How a cell is emphasised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Plain,
    /// A shortfall or an error: red fill.
    Red,
    /// A warning: yellow fill.
    Amber,
}

/// The formats every table uses.
pub struct Formats {
    pub title: Format,
    pub subtitle: Format,
    pub header: Format,
    pub text: Format,
    pub number: Format,
    pub pct: Format,
    pub red_text: Format,
    pub red_number: Format,
    pub amber_text: Format,
    pub label: Format,
}

const FONT: &str = "宋体";

impl Formats {
    pub fn new() -> Self {
        let base = Format::new()
            .set_font_name(FONT)
            .set_font_size(10.5)
            .set_border(FormatBorder::Thin);
        let red = Color::RGB(0xFFC7CE);
        let amber = Color::RGB(0xFFEB9C);
        Formats {
            title: Format::new()
                .set_font_name("黑体")
                .set_font_size(16)
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            subtitle: Format::new()
                .set_font_name(FONT)
                .set_font_size(10)
                .set_font_color(Color::RGB(0x595959)),
            header: base
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xD9E1F2))
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap(),
            text: base.clone().set_align(FormatAlign::VerticalCenter),
            number: base.clone().set_align(FormatAlign::Center),
            pct: base
                .clone()
                .set_num_format("0.0%")
                .set_align(FormatAlign::Center),
            red_text: base
                .clone()
                .set_background_color(red)
                .set_font_color(Color::RGB(0x9C0006)),
            red_number: base
                .clone()
                .set_background_color(red)
                .set_font_color(Color::RGB(0x9C0006))
                .set_align(FormatAlign::Center),
            amber_text: base
                .clone()
                .set_background_color(amber)
                .set_font_color(Color::RGB(0x9C5700)),
            label: base.set_bold(),
        }
    }
}

impl Default for Formats {
    fn default() -> Self {
        Formats::new()
    }
}

/// Display width of text in Excel column units: CJK and full-width characters count two.
pub fn text_width(s: &str) -> usize {
    s.lines()
        .map(|line| {
            line.chars()
                .map(|c| if c.is_ascii() { 1 } else { 2 })
                .sum::<usize>()
        })
        .max()
        .unwrap_or(0)
}

/// Widest a fitted column gets; longer text wraps.
const MAX_WIDTH: usize = 60;

/// A table being written on one worksheet: title at row 0, subtitle at row 1, header at
/// `header_row`, data below.
pub struct Table<'a> {
    pub ws: &'a mut Worksheet,
    f: &'a Formats,
    pub header_row: u32,
    pub next_row: u32,
    columns: u16,
    widths: Vec<usize>,
}

impl<'a> Table<'a> {
    /// Starts a table with a title, a subtitle and a header row.
    pub fn new(
        ws: &'a mut Worksheet,
        f: &'a Formats,
        title: &str,
        subtitle: &str,
        headers: &[&str],
    ) -> Result<Self, XlsxError> {
        Self::at(ws, f, 0, title, subtitle, headers)
    }

    /// Starts a table whose title is at `top` (for a second table further down a sheet).
    pub fn at(
        ws: &'a mut Worksheet,
        f: &'a Formats,
        top: u32,
        title: &str,
        subtitle: &str,
        headers: &[&str],
    ) -> Result<Self, XlsxError> {
        let columns = headers.len().max(1) as u16;
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
        })
    }

    /// Writes one data row.
    pub fn row(&mut self, cells: Vec<(Out, Mark)>) -> Result<(), XlsxError> {
        let r = self.next_row;
        for (c, (out, mark)) in cells.into_iter().enumerate() {
            self.cell(r, c as u16, out, mark)?;
        }
        self.next_row += 1;
        Ok(())
    }

    /// Writes one data row of plain cells.
    pub fn plain(&mut self, cells: Vec<Out>) -> Result<(), XlsxError> {
        self.row(cells.into_iter().map(|c| (c, Mark::Plain)).collect())
    }

    fn cell(&mut self, r: u32, c: u16, out: Out, mark: Mark) -> Result<(), XlsxError> {
        let f = self.f;
        let (text_format, number_format) = match mark {
            Mark::Plain => (&f.text, &f.number),
            Mark::Red => (&f.red_text, &f.red_number),
            Mark::Amber => (&f.amber_text, &f.number),
        };
        let width = match &out {
            Out::Empty => {
                self.ws.write_blank(r, c, text_format)?;
                0
            }
            Out::Text(s) => {
                self.ws.write_string_with_format(r, c, s, text_format)?;
                text_width(s)
            }
            Out::Int(n) => {
                self.ws
                    .write_number_with_format(r, c, *n as f64, number_format)?;
                n.to_string().len()
            }
            Out::Pct(p) => {
                self.ws.write_number_with_format(r, c, *p, &f.pct)?;
                6
            }
        };
        if let Some(w) = self.widths.get_mut(c as usize) {
            *w = (*w).max(width + 2);
        }
        Ok(())
    }

    /// Last data row (the header row when there is no data).
    pub fn last_row(&self) -> u32 {
        self.next_row.saturating_sub(1).max(self.header_row)
    }

    /// The fitted widths so far, for a later table on the same sheet to honour.
    pub fn widths(&self) -> Vec<usize> {
        self.widths.clone()
    }

    /// Widens columns to at least `earlier` (the widths of a table above on the same sheet), so
    /// that fitting this table does not squeeze that one.
    pub fn keep_widths(&mut self, earlier: &[usize]) {
        for (c, w) in earlier.iter().enumerate() {
            match self.widths.get_mut(c) {
                Some(mine) => *mine = (*mine).max(*w),
                None => self.widths.push(*w),
            }
        }
    }

    /// Fits widths; with `main`, also freezes the header, adds the filter and sets up printing.
    pub fn finish(self, main: bool) -> Result<(), XlsxError> {
        for (c, w) in self.widths.iter().enumerate() {
            let width = (*w).clamp(6, MAX_WIDTH);
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

/// A4 landscape, fitted to one page wide, header row repeated, page numbers in the footer.
pub fn print_setup(ws: &mut Worksheet, header_row: u32) -> Result<(), XlsxError> {
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_repeat_rows(header_row, header_row)?;
    ws.set_footer("&C第 &P 页，共 &N 页");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_characters_count_double() {
        assert_eq!(text_width("abc"), 3);
        assert_eq!(text_width("龙爪镇"), 6);
        assert_eq!(text_width("第1周"), 5);
        assert_eq!(text_width("短\n更长一些"), 8);
    }
}
