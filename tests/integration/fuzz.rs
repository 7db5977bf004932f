//! A fuzz harness over read + locate + validate (cargo fuzz needs a nightly toolchain, which this
//! machine cannot fetch, so proptest drives it): real workbooks with bytes flipped, inserted or cut
//! off must never panic the tool and must still reconcile. Run it longer with
//! `PROPTEST_CASES=5000 cargo test --release --test integration fuzz`; a crash it finds is shrunk
//! by proptest and belongs in `tests/fixtures/regressions/` as a file.

use huizong::Fate;
use huizong::Settings;
use huizong::Source;
use huizong::examine;
use proptest::prelude::*;

const SEEDS: [&str; 4] = [
    "county/龙爪镇2026年台账.xlsx",
    "county/县教育局2026年台账.xls",
    "county/问卷导出_学习记录.csv",
    "county/各单位督查汇总.xlsx",
];

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Mutation::Flip(at, b)),
        1 => (any::<usize>(), prop::collection::vec(any::<u8>(), 1..64)).prop_map(|(at, b)| Mutation::Insert(at, b)),
        1 => any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    if bytes.is_empty() {
        return;
    }
    match m {
        Mutation::Flip(at, b) => {
            let i = at % bytes.len();
            bytes[i] ^= b | 1;
        }
        Mutation::Insert(at, data) => {
            let i = at % bytes.len();
            bytes.splice(i..i, data.iter().copied());
        }
        Mutation::Truncate(at) => bytes.truncate(at % bytes.len()),
    }
}

fn schema() -> huizong::Schema {
    huizong::parse_schema(include_str!("../../schemas/ideology_work.toml"), "s").unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn mutated_workbooks_never_panic_and_still_reconcile(seed in 0usize..SEEDS.len(), mutations in prop::collection::vec(mutation(), 1..6)) {
        let original = std::fs::read(crate::workdir::fixtures().join(SEEDS[seed])).unwrap();
        let mut bytes = original.clone();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        let dir = tempfile::tempdir().unwrap();
        let name = SEEDS[seed].rsplit('/').next().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        if std::env::var_os("FUZZ_TRACE").is_some() {
            std::fs::write("/tmp/fuzz_last.bin", &bytes).unwrap();
            eprintln!("case {name} {mutations:?}");
        }
        let source = Source { path, rel: name.to_string(), size: bytes.len() as u64, modified: None };
        let settings = Settings { year: Some(2026), ..Settings::new(schema(), Vec::new()) };
        let outcome = std::panic::catch_unwind(|| examine(&source, &settings));
        prop_assert!(outcome.is_ok(), "examine panicked on {} with {:?}", name, mutations);
        let outcome = outcome.unwrap();
        prop_assert!(matches!(outcome.fate, Fate::Read | Fate::Failed(_)));
        for sheet in &outcome.sheets {
            prop_assert_eq!(sheet.data_rows, sheet.records.len() as u32 + sheet.rejected_rows);
        }
        if let Fate::Failed(why) = &outcome.fate {
            prop_assert!(!why.is_empty());
        }
    }
}

/// Crashes the fuzz harness found (each aborted the process by asking for ~4 GiB), kept as files.
#[test]
fn fuzz_regressions_are_refused_without_crashing() {
    let wd = crate::workdir::Workdir::new();
    wd.copy_fixture("regressions", "in");
    let run = wd.run(&["check", "in", "--json"]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    let out = run.stdout();
    assert!(
        out.contains("fuzz_cfb_sector_chain.xls") && out.contains("复合文档结构无效"),
        "{out}"
    );
    assert!(
        out.contains("fuzz_lying_dimensions.xls") && out.contains("声明的范围异常"),
        "{out}"
    );
}
