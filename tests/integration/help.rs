//! The command line speaks Chinese: `--help` pages with 用法/命令/参数/选项 headings and Chinese
//! `-h`/`-V`, `huizong help [命令]`, the Chinese command names (汇总, 校验, 模板, 示例) running the
//! very same commands, and usage errors in Chinese with exit code 2.

use crate::workdir::{Run, Workdir, files_under};

/// The Chinese name of each command.
const NAMES: [(&str, &str); 4] = [
    ("run", "汇总"),
    ("check", "校验"),
    ("template", "模板"),
    ("samples", "示例"),
];

/// What clap writes in English when left to itself.
const ENGLISH: [&str; 10] = [
    "Usage:",
    "Commands:",
    "Arguments:",
    "Options:",
    "Print help",
    "Print version",
    "[default:",
    "[alias",
    "error:",
    "For more information",
];

fn assert_no_english(text: &str) {
    for words in ENGLISH {
        assert!(!text.contains(words), "{words:?} in:\n{text}");
    }
}

fn assert_same_run(english: &Run, chinese: &Run, what: &str) {
    assert_eq!(
        english.code(),
        chinese.code(),
        "{what}: {}",
        chinese.stderr()
    );
    assert_eq!(english.stdout(), chinese.stdout(), "{what}");
    assert_eq!(english.stderr(), chinese.stderr(), "{what}");
}

#[test]
fn help_is_in_chinese() {
    let wd = Workdir::new();
    let run = wd.run(&["--help"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let help = run.stdout();
    for words in [
        "用法",
        "命令",
        "选项",
        "-h, --help",
        "显示帮助",
        "-V, --version",
        "显示版本",
    ] {
        assert!(help.contains(words), "{words:?} not in:\n{help}");
    }
    // Each command with its Chinese name beside it, and `help` described in Chinese.
    for (command, name) in NAMES {
        assert!(help.contains(&format!("{command}, {name} ")), "{help}");
    }
    assert!(help.contains("huizong help <命令>"), "{help}");
    assert_no_english(&help);
    // `-h` and `huizong help` print the same page.
    assert_eq!(wd.run(&["-h"]).stdout(), help);
    let run = wd.run(&["help"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_eq!(run.stdout(), help);
}

#[test]
fn run_help_lists_its_flags_in_chinese() {
    let wd = Workdir::new();
    let run = wd.run(&["run", "--help"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let help = run.stdout();
    for words in [
        "用法：huizong run",
        "huizong 汇总",
        "参数",
        "选项",
        "[INPUT]",
        "--compare <LAST.json>",
        "--as-of <DATE>",
        "--feedback",
        "--out <DIR>",
        "默认 reports/",
        "显示帮助",
    ] {
        assert!(help.contains(words), "{words:?} not in:\n{help}");
    }
    assert_no_english(&help);
    // Every other command's page too.
    for (command, _) in NAMES {
        let run = wd.run(&[command, "--help"]);
        assert_eq!(run.code(), 0, "{command}: {}", run.stderr());
        assert!(run.stdout().contains("选项"), "{command}: {}", run.stdout());
        assert_no_english(&run.stdout());
    }
}

#[test]
fn the_version_is_printed() {
    let wd = Workdir::new();
    for flag in ["-V", "--version"] {
        let run = wd.run(&[flag]);
        assert_eq!(run.code(), 0, "{}", run.stderr());
        assert_eq!(
            run.stdout().trim(),
            format!("huizong {}", env!("CARGO_PKG_VERSION"))
        );
    }
}

#[test]
fn each_chinese_name_shows_its_commands_help() {
    let wd = Workdir::new();
    for (command, name) in NAMES {
        let english = wd.run(&[command, "--help"]);
        for args in [
            [name, "--help"],
            [name, "-h"],
            ["help", name],
            ["help", command],
        ] {
            let chinese = wd.run(&args);
            assert_eq!(chinese.code(), 0, "{args:?}: {}", chinese.stderr());
            assert_eq!(chinese.stdout(), english.stdout(), "{args:?}");
        }
    }
    let check = wd.run(&["校验", "--help"]).stdout();
    assert!(check.contains("只读取和校验"), "{check}");
    assert!(check.contains("--json"), "{check}");
}

#[test]
fn the_chinese_template_command_writes_a_template() {
    let wd = Workdir::new();
    let run = wd.run(&[
        "模板",
        "--unit-type",
        "乡镇",
        "--year",
        "2026",
        "--out",
        "t.xlsx",
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let bytes = std::fs::read(wd.path("t.xlsx")).unwrap();
    assert!(bytes.starts_with(b"PK"), "not an xlsx");
    // The same sheets as `template` writes.
    let run = wd.run(&[
        "template",
        "--unit-type",
        "乡镇",
        "--year",
        "2026",
        "--out",
        "e.xlsx",
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let names = |file: &str| {
        let bytes = std::fs::read(wd.path(file)).unwrap();
        let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut names: Vec<String> = archive
            .file_names()
            .map(|name| name.unwrap().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(names("t.xlsx"), names("e.xlsx"));
}

/// `huizong 示例`, `huizong 校验` and `huizong 汇总` do exactly what `samples`, `check` and `run` do:
/// the same files, the same console output, the same exit code, the same JSON.
#[test]
fn the_chinese_names_run_the_same_commands() {
    let (english, chinese) = (Workdir::new(), Workdir::new());
    let samples = |wd: &Workdir, command: &str| {
        wd.run(&[command, "--units", "6", "--year", "2026", "--out", "county"])
    };
    assert_same_run(
        &samples(&english, "samples"),
        &samples(&chinese, "示例"),
        "samples",
    );
    let county = files_under(&english.path("county"));
    assert_eq!(county, files_under(&chinese.path("county")));
    assert!(county.contains(&"名册.csv".to_string()), "{county:?}");
    for file in &county {
        if file.ends_with(".csv") {
            let read = |wd: &Workdir| std::fs::read(wd.path("county").join(file)).unwrap();
            assert_eq!(read(&english), read(&chinese), "{file}");
        }
    }

    let check =
        |wd: &Workdir, command: &str| wd.run(&[command, "county", "--year", "2026", "--json"]);
    let (e, c) = (check(&english, "check"), check(&chinese, "校验"));
    assert_same_run(&e, &c, "check");
    assert!(!e.stdout().is_empty(), "{}", e.stderr());

    let run = |wd: &Workdir, command: &str| {
        wd.run(&[
            command,
            "county",
            "--year",
            "2026",
            "--out",
            "out",
            "--feedback",
        ])
    };
    let (e, c) = (run(&english, "run"), run(&chinese, "汇总"));
    assert_same_run(&e, &c, "run");
    assert_eq!(e.code(), 0, "{}", e.stderr());
    let out = files_under(&english.path("out"));
    assert_eq!(out, files_under(&chinese.path("out")));
    assert!(out.contains(&"汇总_2026.xlsx".to_string()), "{out:?}");
    let json = |wd: &Workdir| std::fs::read(wd.path("out/汇总_2026.json")).unwrap();
    assert_eq!(json(&english), json(&chinese));
}

#[test]
fn usage_errors_are_in_chinese() {
    let wd = Workdir::new();
    for (args, words) in [
        (
            &["run", "--feedbak"][..],
            &[
                "--feedbak",
                "是否应为“--feedback”",
                "用法：huizong run",
                "huizong run --help",
            ][..],
        ),
        (
            &["汇总", "--feedbak"],
            &["--feedbak", "huizong 汇总 --help"],
        ),
        (
            &["模板", "--unit-type", "乡镇"],
            &[
                "缺少必填的选项：--out <FILE.xlsx>",
                "用法：huizong template",
            ],
        ),
        (
            &["run", "--year", "1999"],
            &["--year", "“1999”不是 2000 到 2100 之间的年份"],
        ),
        (
            &["check", "--as-of", "2026-13-01"],
            &["“2026-13-01”不是日期"],
        ),
        (
            &["run", "--jobs", "0"],
            &["--jobs", "“0”不是 1 到 65535 之间的整数"],
        ),
        (
            &["samples", "--units", "many", "--out", "x"],
            &["--units", "“many”不是整数"],
        ),
        (&["runn"], &["没有“runn”这个命令", "是否应为“run”", "汇总"]),
        (&["check", "--json", "--json"], &["--json 只能写一次"]),
        (&["run", "--out"], &["--out <DIR> 后面缺少取值"]),
    ] {
        let run = wd.run(args);
        assert_eq!(run.code(), 2, "{args:?}: {}", run.stderr());
        let stderr = run.stderr();
        assert!(stderr.starts_with("huizong: "), "{args:?}: {stderr}");
        for words in words {
            assert!(
                stderr.contains(words),
                "{args:?}: {words:?} not in:\n{stderr}"
            );
        }
        assert_no_english(&stderr);
        assert!(run.stdout().is_empty(), "{args:?}: {}", run.stdout());
    }
    assert!(!wd.path("x").exists());
    // With no command at all, the help page on stderr, as a usage error.
    let run = wd.run(&[]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("命令"), "{}", run.stderr());
    assert_no_english(&run.stderr());
}
