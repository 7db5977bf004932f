//! The raw grid a reader hands to validation: sparse rows of typed cells plus merged regions,
//! independent of the file format. It owns cell text and merge filling; it must not know about
//! schemas. Rows and cells are sparse so a sheet with cells at A1 and XFD1048576 costs two cells.

/// A cell as the file stored it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// A date (or date-time) cell: (year, month, day).
    Date(i32, u32, u32),
    /// An error value such as `#N/A` or `#REF!`.
    Error(String),
    /// A formula whose result was never saved in the file (written by a program, never opened in
    /// Excel): blank for telling rows apart, an issue wherever a value is needed.
    Uncached,
}

impl Cell {
    /// Blank for every purpose: empty, or text that is only whitespace.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty | Cell::Uncached => true,
            Cell::Text(s) => crate::normalize::trim_cell(s).is_empty(),
            _ => false,
        }
    }

    /// Like `display`, borrowing a text instead of copying it (headers and labels are only looked
    /// up).
    pub fn shown(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Cell::Text(s) => std::borrow::Cow::Borrowed(crate::normalize::trim_cell(s)),
            other => std::borrow::Cow::Owned(other.display()),
        }
    }

    /// The cell as a clerk sees it, for messages and string fields.
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => crate::normalize::trim_cell(s).to_string(),
            Cell::Number(n) => format_number(*n),
            Cell::Bool(true) => "TRUE".into(),
            Cell::Bool(false) => "FALSE".into(),
            Cell::Date(y, m, d) => format!("{y:04}-{m:02}-{d:02}"),
            Cell::Error(e) => e.clone(),
            Cell::Uncached => "（公式，无计算结果）".into(),
        }
    }
}

/// A number as Excel would show it in a General cell: integers without `.0`.
pub(crate) fn format_number(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// One non-empty row: its 0-based index and its cells sorted by column.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawRow {
    pub index: u32,
    pub cells: Vec<(u32, Cell)>,
}

impl RawRow {
    pub fn get(&self, col: u32) -> Option<&Cell> {
        self.cells
            .binary_search_by_key(&col, |(c, _)| *c)
            .ok()
            .map(|i| &self.cells[i].1)
    }

    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|(_, c)| c.is_blank())
    }
}

/// A merged region, inclusive, 0-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merge {
    pub first_row: u32,
    pub first_col: u32,
    pub last_row: u32,
    pub last_col: u32,
}

/// A worksheet (or a CSV file) as read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawSheet {
    pub name: String,
    pub visible: bool,
    /// Non-empty rows in ascending index order.
    pub rows: Vec<RawRow>,
    pub merges: Vec<Merge>,
    /// Cells the file held twice (row, column); the first value was kept.
    pub duplicates: Vec<(u32, u32)>,
    /// A CSV's last record when the file ends inside it, with no line break after it.
    pub unterminated: Option<Unterminated>,
}

/// A CSV's last record, not followed by a line break: a file cut off while it was saved or sent
/// ends so, and then has fewer fields in its last row than in its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unterminated {
    /// Its 0-based row.
    pub row: u32,
    /// How many fields it has, empty ones included.
    pub fields: u32,
}

/// Most cells a merge may fill: a title merged across a page is a few dozen cells, and a region
/// declared as a whole sheet must not turn into billions.
const MAX_MERGE_FILL: u64 = 100_000;

impl RawSheet {
    /// Builds a sheet from cells in any order: sorts them into rows. A cell given twice keeps its
    /// first value and is listed in `duplicates`.
    pub fn from_cells(name: &str, mut cells: Vec<(u32, u32, Cell)>) -> Self {
        // Readers nearly always give cells in order; only the rare file that does not pays for
        // the (stable: the first of two values stays first) sort.
        if !cells.is_sorted_by_key(|&(r, c, _)| (r, c)) {
            cells.sort_by_key(|&(r, c, _)| (r, c));
        }
        let mut duplicates = Vec::new();
        let mut rows: Vec<RawRow> = Vec::new();
        for (r, c, cell) in cells {
            if matches!(cell, Cell::Empty) {
                continue;
            }
            match rows.last_mut() {
                Some(row) if row.index == r => {
                    if row.cells.last().is_some_and(|(last, _)| *last == c) {
                        duplicates.push((r, c));
                        continue;
                    }
                    row.cells.push((c, cell))
                }
                _ => {
                    // A ledger's rows mostly hold as many cells as the row before.
                    let mut row = Vec::with_capacity(rows.last().map_or(1, |r| r.cells.len()));
                    row.push((c, cell));
                    rows.push(RawRow {
                        index: r,
                        cells: row,
                    })
                }
            }
        }
        RawSheet {
            name: name.to_string(),
            visible: true,
            rows,
            merges: Vec::new(),
            duplicates,
            unterminated: None,
        }
    }

    /// Copies each merged region's value into every cell it covers, so a date merged across
    /// three rows dates all three. Regions are clipped to the rows and columns that hold data.
    pub fn fill_merges(&mut self) {
        if self.merges.is_empty() || self.rows.is_empty() {
            return;
        }
        let last_row = self.rows.last().map_or(0, |r| r.index);
        let last_col = self
            .rows
            .iter()
            .filter_map(|r| r.cells.last().map(|(c, _)| *c))
            .max()
            .unwrap_or(0);
        let mut fills: Vec<(u32, u32, Cell)> = Vec::new();
        for m in &self.merges {
            let (r1, c1) = (m.last_row.min(last_row), m.last_col.min(last_col));
            if m.first_row > r1 || m.first_col > c1 {
                continue;
            }
            let area = u64::from(r1 - m.first_row + 1) * u64::from(c1 - m.first_col + 1);
            if area <= 1 || area > MAX_MERGE_FILL {
                continue;
            }
            let Some(value) = self.cell(m.first_row, m.first_col).cloned() else {
                continue;
            };
            for r in m.first_row..=r1 {
                for c in m.first_col..=c1 {
                    if (r, c) != (m.first_row, m.first_col) {
                        fills.push((r, c, value.clone()));
                    }
                }
            }
        }
        // Insert each fill where it belongs; cells already present win. Most merges are a title
        // row or a few data cells, so inserting beats rebuilding the sheet.
        for (r, c, value) in fills {
            let row = match self.rows.binary_search_by_key(&r, |row| row.index) {
                Ok(i) => &mut self.rows[i],
                Err(i) => {
                    self.rows.insert(
                        i,
                        RawRow {
                            index: r,
                            cells: Vec::new(),
                        },
                    );
                    &mut self.rows[i]
                }
            };
            if let Err(at) = row.cells.binary_search_by_key(&c, |(col, _)| *col) {
                row.cells.insert(at, (c, value));
            }
        }
    }

    pub fn row(&self, index: u32) -> Option<&RawRow> {
        self.rows
            .binary_search_by_key(&index, |r| r.index)
            .ok()
            .map(|i| &self.rows[i])
    }

    pub fn cell(&self, row: u32, col: u32) -> Option<&Cell> {
        self.row(row)?.get(col)
    }

    /// Number of cells held.
    pub fn cell_count(&self) -> usize {
        self.rows.iter().map(|r| r.cells.len()).sum()
    }
}

/// Builds a `RawSheet` in code for tests: `sheet!["学习记录"; ["日期", "学习形式"], ["2026-03-05", "集中学习"]]`.
/// Empty strings are empty cells; rows start at row 0.
#[macro_export]
macro_rules! sheet {
    ($name:expr; $([$($cell:expr),* $(,)?]),* $(,)?) => {{
        let mut cells = Vec::new();
        let mut r: u32 = 0;
        $(
            let mut c: u32 = 0;
            $(
                let text: &str = $cell;
                if !text.is_empty() {
                    cells.push((r, c, $crate::sheet::Cell::Text(text.to_string())));
                }
                c += 1;
            )*
            let _ = c;
            r += 1;
        )*
        let _ = r;
        $crate::sheet::RawSheet::from_cells($name, cells)
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_date_fills_every_row_it_spans() {
        let mut sheet =
            crate::sheet!["s"; ["日期", "形式"], ["2026-03-05", "集中学习"], ["", "主题党日"]];
        sheet.merges.push(Merge {
            first_row: 1,
            first_col: 0,
            last_row: 2,
            last_col: 0,
        });
        sheet.fill_merges();
        assert_eq!(sheet.cell(2, 0), Some(&Cell::Text("2026-03-05".into())));
        assert_eq!(sheet.cell(2, 1), Some(&Cell::Text("主题党日".into())));
    }

    #[test]
    fn a_merge_over_the_whole_sheet_is_clipped_to_the_data() {
        let mut sheet = crate::sheet!["s"; ["标题"], ["a", "b"]];
        sheet.merges.push(Merge {
            first_row: 0,
            first_col: 0,
            last_row: 1_048_575,
            last_col: 16_383,
        });
        sheet.fill_merges();
        assert_eq!(sheet.cell_count(), 4);
    }

    #[test]
    fn a_cell_given_twice_keeps_its_first_value_and_is_listed() {
        let cells = vec![
            (0, 0, Cell::Text("first".into())),
            (0, 0, Cell::Text("second".into())),
            (1, 1, Cell::Number(1.0)),
        ];
        let sheet = RawSheet::from_cells("s", cells.clone());
        assert_eq!(sheet.cell(0, 0), Some(&Cell::Text("first".into())));
        assert_eq!(sheet.duplicates, vec![(0, 0)]);
        // The same cells out of order: sorted, and still the first value given wins.
        let shuffled = vec![cells[2].clone(), cells[0].clone(), cells[1].clone()];
        assert_eq!(RawSheet::from_cells("s", shuffled), sheet);
    }

    #[test]
    fn numbers_display_like_excel_general() {
        assert_eq!(format_number(12.0), "12");
        assert_eq!(format_number(3.5), "3.5");
        assert_eq!(Cell::Date(2026, 3, 5).display(), "2026-03-05");
    }
}
