//! A scratch directory per test and a way to run the binary in it.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

pub(crate) struct Workdir {
    pub dir: tempfile::TempDir,
}

impl Workdir {
    pub(crate) fn new() -> Self {
        Workdir {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Copies a fixture folder (or file) into the work dir under `rel`.
    pub(crate) fn copy_fixture(&self, fixture: &str, rel: &str) -> PathBuf {
        let from = fixtures().join(fixture);
        let to = self.path(rel);
        copy_tree(&from, &to);
        to
    }

    pub(crate) fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// Writes `in/<unit>.xlsx` as a unit fills it in: `huizong template --example` for 2026 (with
    /// `schema`, else the default schema), its example mark (备注 `示例，提交前请删除`) replaced by
    /// a remark of the unit's own, as when the rows are the unit's.
    pub(crate) fn filled(&self, schema: Option<&str>, unit_type: &str, unit: &str) {
        self.example(schema, unit_type, unit);
        let path = self.path(&format!("in/{unit}.xlsx"));
        let bytes = std::fs::read(&path).unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).unwrap();
            let name = entry.name().unwrap().to_string();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            if name.ends_with(".xml") {
                let text = String::from_utf8(data).unwrap();
                data = text
                    .replace("示例，提交前请删除", "本单位记录")
                    .into_bytes();
            }
            out.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            out.write_all(&data).unwrap();
        }
        std::fs::write(&path, out.finish().unwrap().into_inner()).unwrap();
    }

    /// Writes `in/<unit>.xlsx` with `huizong template --example` for 2026 (with `schema`, else
    /// the default schema) and checks that it succeeded: its example rows still carry their mark.
    pub(crate) fn example(&self, schema: Option<&str>, unit_type: &str, unit: &str) {
        let out = format!("in/{unit}.xlsx");
        let mut args = vec!["template"];
        if let Some(schema) = schema {
            args.extend(["--schema", schema]);
        }
        args.extend([
            "--unit-type",
            unit_type,
            "--unit",
            unit,
            "--year",
            "2026",
            "--example",
            "--out",
            &out,
        ]);
        let run = self.run(&args);
        assert_eq!(run.code(), 0, "{}", run.stderr());
    }

    /// Runs `huizong` with `args` in the work dir.
    pub(crate) fn run(&self, args: &[&str]) -> Run {
        // Today is pinned: a run judges the year as of today unless told otherwise, and no test
        // may depend on the machine's clock. In January 2027 the 2026 fixtures are judged whole.
        let output = Command::new(env!("CARGO_BIN_EXE_huizong"))
            .env("HUIZONG_TODAY", "2027-01-15")
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .expect("run huizong");
        Run { output }
    }

    /// Runs `huizong` with `args` in the work dir, killed after `limit`: `None` when it ran that
    /// long (a run that never ends fails its test instead of hanging it).
    pub(crate) fn run_within(&self, args: &[&str], limit: Duration) -> Option<Run> {
        let (out, err) = (tempfile::tempfile().unwrap(), tempfile::tempfile().unwrap());
        let mut child = Command::new(env!("CARGO_BIN_EXE_huizong"))
            .args(args)
            .current_dir(self.dir.path())
            .stdout(out.try_clone().unwrap())
            .stderr(err.try_clone().unwrap())
            .spawn()
            .expect("run huizong");
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > limit {
                child.kill().unwrap();
                child.wait().unwrap();
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let read = |mut file: std::fs::File| {
            let mut bytes = Vec::new();
            file.seek(SeekFrom::Start(0)).unwrap();
            file.read_to_end(&mut bytes).unwrap();
            bytes
        };
        let output = Output {
            status,
            stdout: read(out),
            stderr: read(err),
        };
        Some(Run { output })
    }
}

pub(crate) struct Run {
    pub output: Output,
}

impl Run {
    pub(crate) fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }

    pub(crate) fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub(crate) fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// `check --json`'s issues: stdout, one JSON object per line.
    pub(crate) fn json_lines(&self) -> Vec<serde_json::Value> {
        json_lines(&self.stdout())
    }
}

/// Every file under `dir`, relative to it with `/` between folders, sorted.
pub(crate) fn files_under(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap();
                files.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    files.sort();
    files
}

/// The repository's default schema's path, as `--schema` takes it (a test that runs in a work dir
/// names it explicitly: without `--schema` the tool looks relative to the work dir).
pub(crate) fn default_schema() -> String {
    repo()
        .join("schemas/ideology_work.toml")
        .to_string_lossy()
        .into_owned()
}

/// Text of one JSON object per line (`check --json`, `校验问题.jsonl`), each parsed.
pub(crate) fn json_lines(text: &str) -> Vec<serde_json::Value> {
    (text.lines())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect()
}

pub(crate) fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub(crate) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_tree(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from, to).unwrap();
    }
}
