//! What the two floors (`floor.rs`, `raw_floor.rs`) share: the command line, the walk, the tally
//! and the line they print, which `bench/run.sh` parses.

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What reading one file cost.
#[derive(Default, Clone, Copy)]
pub(crate) struct Tally {
    pub files: u64,
    pub failed: u64,
    pub sheets: u64,
    pub cells: u64,
    pub bytes: u64,
    /// Folded from every cell's content, so that no read can be optimised away.
    touch: u64,
}

impl Tally {
    /// One file's tally, before it is read.
    pub(crate) fn file() -> Tally {
        Tally {
            files: 1,
            ..Tally::default()
        }
    }

    /// Counts a non-empty cell at (`r`, `c`) whose content folds to `h`.
    pub(crate) fn cell(&mut self, h: u64, r: u64, c: u64) {
        self.cells += 1;
        self.touch = self.touch.wrapping_add(h ^ (r << 20) ^ c);
    }

    fn add(mut self, other: Tally) -> Tally {
        self.files += other.files;
        self.failed += other.failed;
        self.sheets += other.sheets;
        self.cells += other.cells;
        self.bytes += other.bytes;
        self.touch = self.touch.wrapping_add(other.touch);
        self
    }
}

/// The command line `DIR [--jobs N] [FLAG…]`: the folder, the jobs, and which of `flags` were
/// given.
pub(crate) struct Args {
    pub dir: PathBuf,
    pub jobs: Option<usize>,
    pub flags: Vec<bool>,
}

pub(crate) fn parse_args(name: &str, flags: &[&str]) -> Result<Args> {
    let extra: String = flags.iter().map(|f| format!(" [{f}]")).collect();
    let usage = format!("usage: {name} DIR [--jobs N]{extra}");
    let (mut dir, mut jobs, mut given) = (None, None, vec![false; flags.len()]);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--jobs" | "-j" => {
                let n = args.next().context("--jobs needs a number")?;
                let n: usize = n.parse().with_context(|| format!("bad --jobs {n}"))?;
                if n == 0 {
                    bail!("--jobs must be at least 1");
                }
                jobs = Some(n);
            }
            "-h" | "--help" => {
                println!("{usage}");
                std::process::exit(0);
            }
            _ if dir.is_none() && !arg.starts_with('-') => dir = Some(PathBuf::from(arg)),
            _ => match flags.iter().position(|f| *f == arg) {
                Some(i) => given[i] = true,
                None => bail!("unexpected argument {arg}; {usage}"),
            },
        }
    }
    let dir = dir.context(usage)?;
    if !dir.is_dir() {
        bail!("{} is not a folder", dir.display());
    }
    Ok(Args {
        dir,
        jobs,
        flags: given,
    })
}

/// Reads every file under `args.dir` whose lower-cased extension is in `extensions` with `read`,
/// in parallel, and prints `NAME: files=… skipped=… failed=… sheets=… cells=… bytes=… jobs=…
/// elapsed=…s`. Lock files (`~$…`), hidden files and other extensions are skipped; hidden
/// folders are not searched.
pub(crate) fn run(
    name: &str,
    args: &Args,
    extensions: &[&str],
    read: impl Fn(&Path) -> Tally + Sync,
) -> Result<()> {
    let start = Instant::now();
    let mut files = Vec::new();
    let mut skipped = 0u64;
    walk(&args.dir, extensions, &mut files, &mut skipped)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()?;
    let threads = pool.current_num_threads();
    let total = pool.install(|| {
        files
            .par_iter()
            .map(|path| read(path))
            .reduce(Tally::default, Tally::add)
    });
    let elapsed = start.elapsed().as_secs_f64();
    std::hint::black_box(total.touch);
    println!(
        "{name}: files={} skipped={} failed={} sheets={} cells={} bytes={} jobs={} elapsed={:.3}s",
        total.files,
        skipped,
        total.failed,
        total.sheets,
        total.cells,
        total.bytes,
        threads,
        elapsed
    );
    Ok(())
}

fn walk(
    dir: &Path,
    extensions: &[&str],
    files: &mut Vec<PathBuf>,
    skipped: &mut u64,
) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if !name.starts_with('.') {
                walk(&path, extensions, files, skipped)?;
            }
            continue;
        }
        if name.starts_with("~$")
            || name.starts_with('.')
            || !extensions.contains(&extension(&path).as_str())
        {
            *skipped += 1;
        } else {
            files.push(path);
        }
    }
    Ok(())
}

/// The file's extension, lower-cased.
pub(crate) fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default()
}
