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
    crate::workdir::json_lines(stdout)
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

/// `huizong run in in`: the folder is searched once.
#[test]
fn the_same_folder_given_twice_is_searched_once() {
    let wd = Workdir::new();
    county(&wd, "in");
    let (issues, summary) = check(&wd, &["in", "in", "./in/"]);
    assert!(summary.contains(ROWS), "{summary}");
    assert!(summary.contains("找到 2 ="), "{summary}");
    let named = with_code(&issues, "duplicate-file");
    assert_eq!(named.len(), 2, "{issues:?}");
}

/// A link or a hard link to a submission inside the input reaches the same file: read once.
#[cfg(unix)]
#[test]
fn a_link_to_a_submission_counts_once() {
    let wd = Workdir::new();
    county(&wd, "in");
    std::os::unix::fs::symlink("网上填报_学习记录.csv", wd.path("in/链接_学习记录.csv")).unwrap();
    std::fs::hard_link(
        wd.path("in/网上填报_学习记录.csv"),
        wd.path("in/链接_硬_学习记录.csv"),
    )
    .unwrap();
    std::fs::create_dir(wd.path("in/部门")).unwrap();
    std::os::unix::fs::symlink("..", wd.path("in/部门/上级")).unwrap();
    let (issues, summary) = check(&wd, &["in"]);
    assert!(summary.contains(ROWS), "{summary}");
    let copies = with_code(&issues, "duplicate-file");
    let files: Vec<&str> = copies.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        files,
        ["链接_学习记录.csv", "链接_硬_学习记录.csv"],
        "{issues:?}"
    );
    let loops = with_code(&issues, "link-loop");
    assert_eq!(loops.len(), 1, "{issues:?}");
    assert_eq!(loops[0].0, "部门/上级");
}

/// `ln -s . loop; ln -s . loop2` in the input made the search run away; one loop read every
/// file forty times. Each loop is named once and followed nowhere.
#[cfg(unix)]
#[test]
fn symlink_loops_are_named_and_followed_nowhere() {
    let wd = Workdir::new();
    county(&wd, "in");
    std::os::unix::fs::symlink(".", wd.path("in/loop")).unwrap();
    std::os::unix::fs::symlink(".", wd.path("in/loop2")).unwrap();
    let args = ["check", "in", "--json", "--year", "2026"];
    let run = (wd.run_within(&args, std::time::Duration::from_secs(20)))
        .expect("the search ran away round the loops");
    assert!(run.stderr().contains(ROWS), "{}", run.stderr());
    assert!(run.stderr().contains("找到 2 ="), "{}", run.stderr());
    let issues = issues(&run.stdout());
    let loops = with_code(&issues, "link-loop");
    let files: Vec<&str> = loops.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(files, ["loop", "loop2"], "{issues:?}");
}

/// A link to a file or a folder outside the input folders is named, not followed; a file given
/// on the command line is taken wherever it is.
#[cfg(unix)]
#[test]
fn links_outside_the_input_are_not_followed() {
    let wd = Workdir::new();
    county(&wd, "in");
    let outside = "单位名称,序号,日期,学习形式,学习主题\n县教育局,1,2026-03-05,集中学习,外\n";
    let file = wd.write("别处/外部_学习记录.csv", outside);
    std::os::unix::fs::symlink(&file, wd.path("in/外部_学习记录.csv")).unwrap();
    std::os::unix::fs::symlink("../别处", wd.path("in/外部文件夹")).unwrap();
    let (issues, summary) = check(&wd, &["in"]);
    assert!(summary.contains(ROWS), "{summary}");
    assert!(summary.contains("找到 3 = 读取 2 + 跳过 1"), "{summary}");
    let links = with_code(&issues, "link-outside");
    let files: Vec<&str> = links.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(files, ["外部_学习记录.csv", "外部文件夹"], "{issues:?}");
    assert!(links[0].1.contains("外部_学习记录.csv"), "{links:?}");

    let (_, summary) = check(&wd, &["in", "别处/外部_学习记录.csv"]);
    assert!(summary.contains("数据行：读取 6 = 采用 6"), "{summary}");
}

/// A pipe under a spreadsheet's name is not read, and it is counted among the files found.
#[cfg(unix)]
#[test]
fn a_pipe_is_counted_among_the_files_found() {
    let wd = Workdir::new();
    county(&wd, "in");
    let made = std::process::Command::new("mkfifo")
        .arg(wd.path("in/管道.xlsx"))
        .status()
        .unwrap();
    assert!(made.success());
    let (issues, summary) = check(&wd, &["in"]);
    assert!(
        summary.contains("找到 3 = 读取 2 + 跳过 0 + 无法读取 1 + 被替代 0"),
        "{summary}"
    );
    let pipes = with_code(&issues, "path-unreadable");
    assert_eq!(pipes.len(), 1, "{issues:?}");
    assert_eq!(pipes[0].0, "管道.xlsx");
}

/// Two names that differ only in bytes that are not UTF-8 are shown apart.
#[cfg(unix)]
#[test]
fn names_with_invalid_bytes_are_shown_apart() {
    use std::os::unix::ffi::OsStrExt;
    let wd = Workdir::new();
    county(&wd, "in");
    for byte in [0xff, 0xfe] {
        let name = [b'a', byte, b'.', b't', b'x', b't'];
        let path = wd.path("in").join(std::ffi::OsStr::from_bytes(&name));
        std::fs::write(path, "x").unwrap();
    }
    let (issues, _) = check(&wd, &["in"]);
    let skipped = with_code(&issues, "file-skipped");
    let files: Vec<&str> = skipped.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(files, ["a\\xFE.txt", "a\\xFF.txt"], "{issues:?}");
}

/// An earlier report set moved among the inputs is named once and not read.
#[test]
fn an_earlier_report_set_among_the_inputs_is_named_not_read() {
    let wd = Workdir::new();
    county(&wd, "in");
    let run = wd.run(&["run", "in", "--year", "2026", "--out", "旧报表", "--quiet"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    std::fs::rename(wd.path("旧报表"), wd.path("in/2025年报表")).unwrap();
    let (issues, summary) = check(&wd, &["in"]);
    assert!(summary.contains(ROWS), "{summary}");
    let named = with_code(&issues, "report-folder");
    assert_eq!(named.len(), 1, "{issues:?}");
    assert_eq!(named[0].0, "2025年报表");
    assert!(
        issues
            .iter()
            .all(|i| i["file"] != "2025年报表/明细/学习记录.csv")
    );
}

/// `cd 报送 && huizong run .`, three times: the default `reports/` is inside `.`, and the second
/// and third runs must not read the first's 明细 back as submissions. Each run says so once, the
/// first (before `reports/` exists) too.
#[test]
fn a_run_inside_its_input_never_reads_its_own_reports() {
    let wd = Workdir::new();
    county(&wd, ".");
    for _ in 0..3 {
        let run = wd.run(&["run", ".", "--year", "2026"]);
        assert_eq!(run.code(), 0, "{}", run.stderr());
        let issues = std::fs::read_to_string(wd.path("reports/校验问题.jsonl")).unwrap();
        let said: Vec<&str> = (issues.lines())
            .filter(|l| l.contains("\"report-folder\""))
            .collect();
        assert_eq!(said.len(), 1, "{issues}");
        assert!(said[0].contains("\"file\":\"reports\""), "{}", said[0]);
        assert!(run.stderr().contains(ROWS), "{}", run.stderr());
        assert!(
            run.stderr().contains("文件：找到 2 = 读取 2"),
            "{}",
            run.stderr()
        );
    }
    assert!(wd.path("reports/汇总_2026.xlsx").is_file());
}

/// `--out` equal to an input folder, however it is spelled, is a usage error: the reports would
/// be mixed with the submissions.
#[test]
fn out_equal_to_an_input_folder_is_a_usage_error() {
    let wd = Workdir::new();
    county(&wd, "in");
    for out in ["in", "./in/", "in/../in"] {
        let run = wd.run(&["run", "in", "--year", "2026", "--out", out]);
        assert_eq!(run.code(), 2, "--out {out}: {}", run.stderr());
        assert!(run.stderr().contains("输入文件夹"), "{}", run.stderr());
    }
    assert!(!wd.path("in/汇总_2026.xlsx").exists());
}

/// A `--out` that is a file, or under a file, or in a folder that cannot be written, is refused
/// before anything is read, and nothing is created for it.
#[test]
fn an_unusable_out_is_refused_before_reading() {
    let wd = Workdir::new();
    county(&wd, "in");
    wd.write("报表.txt", "不是文件夹");
    for out in ["报表.txt", "in/名册.csv/报表"] {
        let run = wd.run(&["run", "in", "--year", "2026", "--out", out]);
        assert_eq!(run.code(), 2, "--out {out}: {}", run.stderr());
        assert!(run.stderr().contains("--out"), "{}", run.stderr());
        assert!(!run.stderr().contains("文件：找到"), "{}", run.stderr());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::create_dir(wd.path("只读")).unwrap();
        let readonly = std::fs::Permissions::from_mode(0o555);
        std::fs::set_permissions(wd.path("只读"), readonly).unwrap();
        // Root writes anywhere: then there is nothing to refuse.
        if std::fs::create_dir(wd.path("只读/试")).is_err() {
            let run = wd.run(&["run", "in", "--year", "2026", "--out", "只读/报表"]);
            assert_eq!(run.code(), 2, "{}", run.stderr());
            assert!(!run.stderr().contains("文件：找到"), "{}", run.stderr());
        }
        assert!(!wd.path("只读/报表").exists());
    }
}

/// A unit that sends its ledger as one CSV per sheet has sent each sheet once: the files are
/// parts of one submission and all count. A second CSV of the same sheet is a resubmission.
#[test]
fn one_csv_per_sheet_is_one_submission_and_a_second_of_a_sheet_replaces_the_first() {
    let wd = Workdir::new();
    wd.copy_fixture("county/名册.csv", "in/名册.csv");
    wd.write(
        "in/红岩镇_学习记录.csv",
        "序号,日期,学习形式,学习主题\n1,2026-03-05,集中学习,a\n2,2026-04-05,集中学习,b\n",
    );
    wd.write(
        "in/红岩镇_研究研判.csv",
        "序号,日期,类型,议题\n1,2026-03-10,专题研究,a\n",
    );
    let (issues, summary) = check(&wd, &["in"]);
    assert!(with_code(&issues, "superseded").is_empty(), "{issues:?}");
    assert!(
        summary.contains("数据行：读取 3 = 采用 3 + 剔除 0"),
        "{summary}"
    );

    wd.write(
        "in/红岩镇_学习记录(更正).csv",
        "序号,日期,学习形式,学习主题\n1,2026-03-05,集中学习,a\n",
    );
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(60);
    let file = std::fs::File::options()
        .write(true)
        .open(wd.path("in/红岩镇_学习记录(更正).csv"))
        .unwrap();
    file.set_modified(later).unwrap();
    let (issues, summary) = check(&wd, &["in"]);
    let superseded = with_code(&issues, "superseded");
    let files: Vec<&str> = superseded.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(files, ["红岩镇_学习记录.csv"], "{issues:?}");
    assert!(
        summary.contains("数据行：读取 2 = 采用 2 + 剔除 0"),
        "{summary}"
    );
}

/// A file named for a roster unit that holds no sheet of the template (text under a spreadsheet's
/// name, a workbook of something else) is not "nothing received": the unit's file could not be
/// used, and it is chased as such.
#[test]
fn a_unit_whose_only_file_holds_no_ledger_has_an_unreadable_submission() {
    let wd = Workdir::new();
    county(&wd, "in");
    wd.write("in/城关街道2026年台账.csv", "这不是台账\n随便写的几行字\n");
    let run = wd.run(&[
        "run",
        "in",
        "--year",
        "2026",
        "--as-of",
        "2026-12-31",
        "--out",
        "out",
        "--quiet",
    ]);
    assert!(run.code() <= 1, "{}", run.stderr());
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(wd.path("out/汇总_2026.json")).unwrap())
            .unwrap();
    let unit = (json["ranking"].as_array().unwrap().iter())
        .find(|u| u["name"] == "城关街道")
        .unwrap();
    assert_eq!(unit["status"], "报送文件无法读取", "{unit}");
}

/// A hidden `--out` inside the input is named once per run as the run's own reports, the second
/// run as the first: never also as a hidden folder.
#[test]
fn a_hidden_out_inside_the_input_is_named_once_every_run() {
    let wd = Workdir::new();
    county(&wd, "in");
    for _ in 0..2 {
        let run = wd.run(&[
            "run",
            "in",
            "--year",
            "2026",
            "--out",
            "in/.报表",
            "--quiet",
        ]);
        assert_eq!(run.code(), 0, "{}", run.stderr());
        let issues = std::fs::read_to_string(wd.path("in/.报表/校验问题.jsonl")).unwrap();
        let about: Vec<&str> = (issues.lines()).filter(|l| l.contains(".报表")).collect();
        assert_eq!(about.len(), 1, "{issues}");
        assert!(about[0].contains("\"report-folder\""), "{}", about[0]);
    }
}

/// Copies of the tool's own outputs put among the inputs — a 明细 CSV, the summary, a feedback
/// workbook — are told by their shape and skipped with a 提示: their rows never count twice.
#[test]
fn copies_of_the_tools_own_outputs_are_not_read_as_submissions() {
    let wd = Workdir::new();
    county(&wd, "in");
    let run = wd.run(&[
        "run",
        "in",
        "--year",
        "2026",
        "--out",
        "out",
        "--quiet",
        "--feedback",
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let feedback = std::fs::read_dir(wd.path("out/反馈"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    let copies = [
        (wd.path("out/明细/学习记录.csv"), "明细副本.csv"),
        (wd.path("out/汇总_2026.xlsx"), "汇总副本.xlsx"),
        (feedback.path(), "反馈副本.xlsx"),
    ];
    for (from, to) in &copies {
        std::fs::copy(from, wd.path(&format!("in/{to}"))).unwrap();
    }
    let (issues, summary) = check(&wd, &["in"]);
    assert!(summary.contains(ROWS), "{summary}");
    let skipped = with_code(&issues, "file-skipped");
    for (_, copy) in &copies {
        let said = skipped.iter().find(|(f, _)| f == copy);
        let (_, message) = said.unwrap_or_else(|| panic!("{copy}: {issues:?}"));
        assert!(message.contains("huizong 生成的"), "{message}");
    }
}

/// A file whose every dated row is of another year is one 错误 whose range names the data rows
/// only: the header row's own 提示 (an extra column) does not widen it.
#[test]
fn the_wrong_year_range_names_data_rows_only() {
    let wd = Workdir::new();
    wd.copy_fixture("county/名册.csv", "in/名册.csv");
    wd.write(
        "in/红岩镇学习记录.csv",
        "序号,日期,学习形式,学习主题,多余的列\n1,2025-03-05,集中学习,a,x\n2,2025-04-05,集中学习,b,x\n",
    );
    let (issues, _) = check(&wd, &["in"]);
    let wrong = with_code(&issues, "wrong-year");
    assert_eq!(wrong.len(), 1, "{issues:?}");
    assert!(
        wrong[0].1.contains("2 行均未计入（红岩镇学习记录第2—3行）"),
        "{}",
        wrong[0].1
    );
    assert!(
        !with_code(&issues, "extra-columns").is_empty(),
        "{issues:?}"
    );
}
