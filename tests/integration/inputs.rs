//! What a run takes as its input (`docs/inputs.md#inputs-and-discovery`): never its own reports,
//! each file once however it is reached (two paths, a link, a copy), links only inside the input
//! folders and never round a loop, every file entry counted, every name shown as it is — and a
//! `--out` it cannot use refused before anything is read.

use crate::workdir::Workdir;
use serde_json::Value;

/// The unit rows of the county below: three in a multi-unit export, two in one unit's CSV.
const ROWS: &str = "数据行：读取 5 = 采用 5 + 剔除 0";

/// A county in `dir`: the roster, a multi-unit export of 学习记录 and one unit's CSV.
fn county(wd: &Workdir, dir: &str) {
    wd.copy_fixture("county/名册.csv", &format!("{dir}/名册.csv"));
    wd.write(
        &format!("{dir}/网上填报_学习记录.csv"),
        "单位名称,序号,日期,学习形式,学习主题\n龙爪镇,1,2026-03-05,集中学习,a\n青石镇,1,2026-03-06,集中学习,b\n白马镇,1,2026-03-07,集中学习,c\n",
    );
    wd.write(
        &format!("{dir}/红岩镇学习记录.csv"),
        "序号,日期,学习形式,学习主题\n1,2026-03-05,集中学习,a\n2,2026-04-05,集中学习,b\n",
    );
}

fn issues(stdout: &str) -> Vec<Value> {
    (stdout.lines())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect()
}

/// The (file, message) of each issue with `code`.
fn with_code(issues: &[Value], code: &str) -> Vec<(String, String)> {
    (issues.iter())
        .filter(|i| i["code"] == code)
        .map(|i| {
            let text = |key: &str| i[key].as_str().unwrap_or_default().to_string();
            (text("file"), text("message"))
        })
        .collect()
}

/// `check --json` on `args`: its issues and its summary.
fn check(wd: &Workdir, args: &[&str]) -> (Vec<Value>, String) {
    let mut all = vec!["check", "--json", "--year", "2026"];
    all.extend(args);
    let run = wd.run(&all);
    assert!(run.code() <= 1, "{}", run.stderr());
    (issues(&run.stdout()), run.stderr())
}

/// A multi-unit export and its copy `…(1).csv`: the copy's rows do not count again; it is named,
/// with the file that counts.
#[test]
fn a_copy_of_a_submission_counts_once() {
    let wd = Workdir::new();
    county(&wd, "in");
    std::fs::copy(
        wd.path("in/网上填报_学习记录.csv"),
        wd.path("in/网上填报_学习记录(1).csv"),
    )
    .unwrap();
    let (issues, summary) = check(&wd, &["in"]);
    assert!(summary.contains(ROWS), "{summary}");
    assert!(
        summary.contains("找到 3 = 读取 2 + 跳过 0 + 无法读取 0 + 被替代 1"),
        "{summary}"
    );
    let copies = with_code(&issues, "duplicate-file");
    assert_eq!(copies.len(), 1, "{issues:?}");
    assert_eq!(copies[0].0, "网上填报_学习记录(1).csv");
    assert!(copies[0].1.contains("网上填报_学习记录.csv"), "{copies:?}");
}
