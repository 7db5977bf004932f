//! Property tests: for any sheet, every data row is accepted or rejected (never lost), and
//! validation never panics whatever the cells hold; the parallel run equals the sequential one.

use huizong::Schema;
use huizong::find_header;
use huizong::{Cell, RawSheet};
use huizong::{Context, validate_sheet};
use proptest::prelude::*;

fn schema() -> Schema {
    huizong::parse_schema(include_str!("../../schemas/ideology_work.toml"), "s").unwrap()
}

/// Cell contents drawn from what real ledgers hold, plus anything at all.
fn cell() -> impl Strategy<Value = Cell> {
    prop_oneof![
        Just(Cell::Empty),
        prop::sample::select(vec![
            "2026-03-05",
            "3月5日",
            "20260305",
            "2025-12-28",
            "2026-13-40",
            "集中学习",
            "中心组",
            "读书会",
            "35人",
            "约30人",
            "１２",
            "√",
            "×",
            "是",
            "合计",
            "小计",
            "序号",
            "日期",
            "学习形式",
            "",
            "  ",
            "填表人：张三",
            "#N/A",
            "龙爪镇",
        ])
        .prop_map(|s| Cell::Text(s.to_string())),
        any::<String>().prop_map(Cell::Text),
        any::<f64>().prop_map(Cell::Number),
        any::<bool>().prop_map(Cell::Bool),
        (1990i32..2100, 0u32..14, 0u32..33).prop_map(|(y, m, d)| Cell::Date(y, m, d)),
        Just(Cell::Error("#REF!".into())),
    ]
}

fn sheet() -> impl Strategy<Value = RawSheet> {
    prop::collection::vec(prop::collection::vec(cell(), 0..9), 0..30).prop_map(|rows| {
        let mut cells = vec![
            (0, 0, Cell::Text("序号".into())),
            (0, 1, Cell::Text("日期".into())),
            (0, 2, Cell::Text("学习形式".into())),
            (0, 3, Cell::Text("学习主题".into())),
            (0, 4, Cell::Text("参学人数".into())),
            (0, 5, Cell::Text("单位名称".into())),
        ];
        for (r, row) in rows.into_iter().enumerate() {
            for (c, cell) in row.into_iter().enumerate() {
                cells.push((r as u32 + 1, c as u32, cell));
            }
        }
        RawSheet::from_cells("学习记录", cells)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn accepted_plus_rejected_is_every_data_row(raw in sheet(), year in prop::option::of(2000i32..2100)) {
        let schema = schema();
        let header = find_header(&raw, &schema.sheets[0]).expect("header row 0");
        let out = validate_sheet(&raw, 0, &schema.sheets[0], header, Context { file: "f", year, report_year: year, unit: None });
        prop_assert_eq!(out.data_rows, out.records.len() as u32 + out.rejected_rows);
        // Every rejected row has at least one 错误 on its row.
        let error_rows: std::collections::BTreeSet<_> = out
            .issues
            .iter()
            .filter(|i| i.level == huizong::Level::Error)
            .filter_map(|i| i.row)
            .collect();
        prop_assert_eq!(error_rows.len() as u32, out.rejected_rows);
    }

    #[test]
    fn any_text_coerces_without_panicking(text in any::<String>(), n in any::<f64>()) {
        let schema = schema();
        for field in schema.sheets.iter().flat_map(|s| &s.fields) {
            let _ = huizong::coerce(&Cell::Text(text.clone()), field, Some(2026));
            let _ = huizong::coerce(&Cell::Number(n), field, None);
        }
    }
}

#[test]
fn parallel_and_sequential_runs_agree() {
    let settings = |jobs| huizong::Settings {
        jobs,
        ..huizong::Settings::new(schema(), vec![crate::workdir::fixtures().join("county")])
    };
    let check = |settings: huizong::Settings| {
        (settings.install(|| huizong::check(&settings, &|_| {})))
            .unwrap()
            .unwrap()
    };
    let (one, many) = (check(settings(1)), check(settings(4)));
    assert_eq!(one.issues, many.issues);
    assert!(one.records().eq(many.records()));
    assert_eq!(one.totals, many.totals);
    // The records the run keeps are the rows it counts as accepted.
    assert_eq!(one.records().count() as u64, one.totals.rows_accepted);
}
