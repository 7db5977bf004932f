//! Stage timings on stderr when `HUIZONG_TIMING` is set, for profiling a run: each stage's time,
//! the time since the first, and the process's peak memory so far. Nothing is measured otherwise.

use std::cell::Cell;
use std::time::Instant;

/// The clock of one run (or of one part of it, whose stages are then printed indented).
#[derive(Debug)]
pub(crate) struct Stages {
    indent: &'static str,
    start: Option<Instant>,
    last: Cell<Option<Instant>>,
}

impl Stages {
    /// Starts the clock, if `HUIZONG_TIMING` is set; stage names are printed after `indent`.
    pub(crate) fn new(indent: &'static str) -> Self {
        let start = std::env::var_os("HUIZONG_TIMING").map(|_| Instant::now());
        Stages {
            indent,
            start,
            last: Cell::new(start),
        }
    }

    /// Prints how long the stage ending now took.
    pub(crate) fn done(&self, what: &str) {
        if let (Some(start), Some(last)) = (self.start, self.last.get()) {
            let now = Instant::now();
            eprintln!(
                "{}{what}: {:.3} s (total {:.3} s){}",
                self.indent,
                (now - last).as_secs_f64(),
                (now - start).as_secs_f64(),
                peak_memory().map_or(String::new(), |kb| format!(", peak {} MiB", kb / 1024))
            );
            self.last.set(Some(now));
        }
    }
}

/// The process's peak resident memory so far, in KiB (Linux; `None` elsewhere).
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
