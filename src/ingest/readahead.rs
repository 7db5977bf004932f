//! Reading ahead: while the workers read and check files in the order they were found, a thread
//! of its own asks the kernel to fetch the next ones into the page cache
//! (`posix_fadvise(WILLNEED)`, which starts the reads and does not wait for them), so that a
//! worker seldom waits on the disk for a file that is not cached yet. Only so far ahead: at most
//! `AHEAD` bytes of files beyond what the workers have taken. It never reads a byte itself and
//! nothing depends on it: where the advice is not available it does nothing.

use crate::outcome::Source;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// Bytes of files asked for beyond what the workers have taken (about a thousand ledgers).
const AHEAD: u64 = 16 << 20;

/// How long the thread sleeps when it is far enough ahead: `AHEAD` lasts the workers ≈ 0.1 s, and
/// waking less often takes a core from them less often (1 ms cost 1 % more wall time).
const PAUSE: Duration = Duration::from_millis(10);

/// What the workers have taken so far, and whether they are done.
#[derive(Default)]
pub(crate) struct ReadAhead {
    taken: AtomicU64,
    done: AtomicBool,
}

impl ReadAhead {
    /// A worker takes `source` (files must be taken in the order `run` was given them).
    pub(crate) fn take(&self, source: &Source) {
        self.taken.fetch_add(source.size, Ordering::Relaxed);
    }

    /// Tells `run` that the workers are done when dropped — when they panicked too, so that `run`
    /// cannot outlive them.
    pub(crate) fn finishing(&self) -> impl Drop + '_ {
        Finishing(self)
    }

    fn finish(&self) {
        self.done.store(true, Ordering::Relaxed);
    }

    /// Asks for each of `sources` in order, staying at most `AHEAD` bytes ahead of the workers
    /// (and always at least one file); returns when all are asked for or the workers are done.
    pub(crate) fn run(&self, sources: &[Source]) {
        let mut asked = 0u64;
        for (i, source) in sources.iter().enumerate() {
            while i > 0 && asked.saturating_sub(self.taken.load(Ordering::Relaxed)) > AHEAD {
                if self.done.load(Ordering::Relaxed) {
                    return;
                }
                std::thread::sleep(PAUSE);
            }
            if self.done.load(Ordering::Relaxed) {
                return;
            }
            will_need(source);
            asked += source.size;
        }
    }
}

/// See `ReadAhead::finishing`.
struct Finishing<'a>(&'a ReadAhead);

impl Drop for Finishing<'_> {
    fn drop(&mut self) {
        self.0.finish();
    }
}

/// Starts reading `source` into the page cache; a file that cannot be opened is left for its
/// worker to report.
#[cfg(target_os = "linux")]
fn will_need(source: &Source) {
    if let Ok(file) = std::fs::File::open(&source.path) {
        let _ = rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::WillNeed);
    }
}

#[cfg(not(target_os = "linux"))]
fn will_need(_: &Source) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(path: std::path::PathBuf, size: u64) -> Source {
        Source {
            rel: path.display().to_string(),
            path,
            size,
            modified: None,
        }
    }

    /// It asks for every file when the workers keep up, files that are gone included, and
    /// stops waiting once they are done.
    #[test]
    fn asks_for_every_file_and_stops_when_the_workers_are_done() {
        let dir = tempfile::tempdir().unwrap();
        let present = dir.path().join("台账.xlsx");
        std::fs::write(&present, b"PK").unwrap();
        let small = vec![
            source(present.clone(), 2),
            source(dir.path().join("不存在.xlsx"), 2),
        ];
        let ahead = ReadAhead::default();
        ahead.run(&small);

        // Far more than `AHEAD` in files no worker takes: `run` waits after the first, until
        // `finish`.
        let big: Vec<Source> = (0..3).map(|_| source(present.clone(), AHEAD)).collect();
        let ahead = ReadAhead::default();
        std::thread::scope(|s| {
            let waiting = s.spawn(|| ahead.run(&big));
            std::thread::sleep(Duration::from_millis(20));
            assert!(!waiting.is_finished());
            ahead.take(&big[0]);
            ahead.finish();
            waiting.join().unwrap();
        });
    }
}
