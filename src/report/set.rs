//! The report set written as one (`docs/outputs.md#the-report-set`): a run holds a lock on
//! `--out`, writes every output into a staging folder beside it, and only then swaps the new set
//! in for the previous one, so a failed or killed run leaves the previous set whole and two runs
//! never mix their files. The set is the tool's own outputs (`is_report_entry`) in a folder that
//! holds an earlier set (its marker), and only what this run writes in any other: nothing else in
//! `--out` is touched. What a killed run left behind is cleared by the next, and the lock file
//! goes with the run. This module moves folders and files; it must not know what they hold.

use crate::error::{Error, Result};
use std::fs::{self, File};
use std::path::{Path, PathBuf};

/// The lock file inside `--out`: held for the whole of writing, removed by its holder.
const LOCK: &str = ".huizong-lock";

/// A report set being written: the lock on `--out` and the staging folder beside it.
#[derive(Debug)]
pub(crate) struct Staging {
    out: PathBuf,
    dir: PathBuf,
    /// Beside `--out`: the previous set while the new one is moved in.
    old: PathBuf,
    _lock: File,
}

/// Whether `name`, an entry of `--out`, belongs to the tool's report set.
pub(crate) fn is_report_entry(name: &str) -> bool {
    // `汇总_2026.xlsx`: a year of four digits, as the tool names its files.
    let of_a_year = |prefix: &str, ext: &str| {
        (name.strip_prefix(prefix))
            .and_then(|rest| rest.strip_suffix(ext))
            .is_some_and(|year| year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()))
    };
    matches!(
        name,
        "明细" | "反馈" | "催报名单.txt" | "校验问题.jsonl" | crate::ingest::REPORT_MARKER
    ) || of_a_year("汇总_", ".xlsx")
        || of_a_year("汇总_", ".json")
        || of_a_year("通报_", ".docx")
        || is_leftover(name)
}

/// A temporary file of an interrupted write (an older version wrote them into `--out`).
fn is_leftover(name: &str) -> bool {
    name.starts_with(".huizong-") && name.ends_with(".tmp")
}

impl Staging {
    /// Creates and locks `out` (waiting, with a message, while another run writes into it),
    /// clears what a killed run left, and makes an empty staging folder beside it.
    pub(crate) fn begin(out: &Path) -> Result<Staging> {
        let failed = |what, path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Output { what, path, source }
        };
        fs::create_dir_all(out).map_err(failed("无法创建输出文件夹", out))?;
        let lock_path = out.join(LOCK);
        let lock = loop {
            let lock = File::create(&lock_path).map_err(failed("无法写入", &lock_path))?;
            if lock.try_lock().is_err() {
                eprintln!(
                    "另一个 huizong 正在向 {} 写入报表，等待其结束……",
                    out.display()
                );
                lock.lock().map_err(failed("无法锁定输出文件夹", out))?;
            }
            // The run that held it removed the file before letting go: a lock on a removed file
            // locks nothing, so take the one now at the path.
            if is_at(&lock, &lock_path) {
                break lock;
            }
        };
        let (parent, name) = beside(out);
        let staging = Staging {
            out: out.to_path_buf(),
            dir: parent.join(format!(".{name}.huizong-staging-{}", std::process::id())),
            old: parent.join(format!(".{name}.huizong-old-{}", std::process::id())),
            _lock: lock,
        };
        staging.clear_leftovers(&parent, &name);
        fs::create_dir(&staging.dir).map_err(failed("无法创建暂存文件夹", &staging.dir))?;
        Ok(staging)
    }

    /// The staging folder: every output is written here first.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// `path` inside the staging folder as it will be once the set is in `--out`.
    pub(crate) fn final_path(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.dir)
            .map_or_else(|_| path.to_path_buf(), |rel| self.out.join(rel))
    }

    /// Moves the previous set aside, the staged set in, and then removes the previous one. When
    /// a move fails, what was moved is put back: `--out` keeps the previous set whole.
    pub(crate) fn commit(self) -> Result<()> {
        let failed = |what, path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Output { what, path, source }
        };
        fs::create_dir(&self.old).map_err(failed("无法创建暂存文件夹", &self.old))?;
        let staged = entries(&self.dir, |_| true)?;
        list_in_marker(&self.dir, &staged)?;
        // What the previous set's marker lists is the previous set; a folder that never held one
        // may hold a clerk's own 汇总_2019.xlsx or 反馈/, named like the tool's: there, and for
        // whatever the marker does not list, only what this run writes is replaced.
        let listed = listed_in_marker(&self.out);
        let marked = self.out.join(MARKER).exists();
        let ours = |n: &str| {
            staged.iter().any(|s| s == n)
                || is_leftover(n)
                || match &listed {
                    Some(listed) => listed.iter().any(|s| s == n),
                    None => marked && is_report_entry(n),
                }
        };
        let previous = entries(&self.out, ours)?;
        if let Err(e) = move_all(&previous, &self.out, &self.old) {
            let _ = move_all(&entries(&self.old, |_| true)?, &self.old, &self.out);
            return Err(e);
        }
        if let Err(e) = move_all(&staged, &self.dir, &self.out) {
            // Take out what came in, put back what was there.
            let _ = move_all(&staged, &self.out, &self.dir);
            let _ = move_all(&entries(&self.old, |_| true)?, &self.old, &self.out);
            return Err(e);
        }
        let _ = fs::remove_dir_all(&self.old);
        Ok(())
    }

    /// Staging folders of killed runs are removed; a previous set a killed run had moved aside
    /// is put back where the new one did not replace it, then removed.
    fn clear_leftovers(&self, parent: &Path, name: &str) {
        let staging = format!(".{name}.huizong-staging-");
        let old = format!(".{name}.huizong-old-");
        let Ok(listing) = fs::read_dir(parent) else {
            return;
        };
        for entry in listing.flatten() {
            let file_name = entry.file_name();
            let Some(file_name) = file_name.to_str() else {
                continue;
            };
            if file_name.starts_with(&old) {
                if let Ok(aside) = entries(&entry.path(), |_| true) {
                    let missing: Vec<String> = (aside.into_iter())
                        .filter(|n| !self.out.join(n).exists())
                        .collect();
                    let _ = move_all(&missing, &entry.path(), &self.out);
                }
                let _ = fs::remove_dir_all(entry.path());
            } else if file_name.starts_with(&staging) {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
    }
}

impl Drop for Staging {
    /// A run that did not commit leaves no staging folder behind, and no run leaves its lock
    /// file where a lock on a removed file can be told (`is_at`): it is removed while still held
    /// (the lock goes when the handle does, after this).
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
        let _ = fs::remove_dir_all(&self.old);
        #[cfg(unix)]
        let _ = fs::remove_file(self.out.join(LOCK));
    }
}

/// Whether the open `file` is the one at `path` now (not one removed since it was opened).
#[cfg(unix)]
fn is_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(open), Ok(now)) => open.dev() == now.dev() && open.ino() == now.ino(),
        _ => false,
    }
}

/// Whether the open `file` is the one at `path` now: elsewhere the lock file is never removed, so
/// it always is (Windows would let a held file be removed, but std cannot tell it from the one a
/// later run makes).
#[cfg(not(unix))]
fn is_at(_file: &File, _path: &Path) -> bool {
    true
}

use crate::ingest::REPORT_MARKER as MARKER;

/// Adds to the staged set's marker, below its sentence, the name of each entry of the set: what
/// the next run may replace.
fn list_in_marker(dir: &Path, staged: &[String]) -> Result<()> {
    let path = dir.join(MARKER);
    let Ok(mut text) = fs::read_to_string(&path) else {
        return Ok(());
    };
    for name in staged {
        text.push_str(name);
        text.push_str("\r\n");
    }
    fs::write(&path, text).map_err(|source| Error::Output {
        what: "无法写入",
        path,
        source,
    })
}

/// The entries the marker in `out` lists (every line after its first); `None` when there is no
/// marker or it lists none (a set written before markers listed their entries).
fn listed_in_marker(out: &Path) -> Option<Vec<String>> {
    let text = fs::read_to_string(out.join(MARKER)).ok()?;
    let names: Vec<String> = (text.lines().skip(1))
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(String::from)
        .collect();
    (!names.is_empty()).then_some(names)
}

/// The folder `out` is in, and `out`'s own name.
fn beside(out: &Path) -> (PathBuf, String) {
    let absolute = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
    let parent = (absolute.parent()).map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let name = (absolute.file_name())
        .map_or_else(|| "reports".into(), |n| n.to_string_lossy().into_owned());
    (parent, name)
}

/// The names of `dir`'s entries that `keep` keeps, sorted.
fn entries(dir: &Path, keep: impl Fn(&str) -> bool) -> Result<Vec<String>> {
    let listing = fs::read_dir(dir).map_err(|source| Error::Output {
        what: "无法读取输出文件夹",
        path: dir.to_path_buf(),
        source,
    })?;
    let mut names: Vec<String> = (listing.flatten())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| keep(n))
        .collect();
    names.sort();
    Ok(names)
}

/// Renames each of `names` from `from` into `to`, stopping at the first that fails.
fn move_all(names: &[String], from: &Path, to: &Path) -> Result<()> {
    for name in names {
        fs::rename(from.join(name), to.join(name)).map_err(|source| Error::Output {
            what: "无法移入",
            path: to.join(name),
            source,
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_set_is_the_tools_own_outputs() {
        for name in [
            "汇总_2026.xlsx",
            "汇总_2025.json",
            "明细",
            "反馈",
            "催报名单.txt",
            "校验问题.jsonl",
            "通报_2026.docx",
            ".huizong-报表",
            ".huizong-abc.tmp",
        ] {
            assert!(is_report_entry(name), "{name}");
        }
        for name in [
            "说明.docx",
            "汇总表.xlsx",
            "汇总_全县.xlsx",
            "通报_2026定稿.docx",
            "反馈意见.txt",
            "名册.csv",
            ".huizong-lock",
        ] {
            assert!(!is_report_entry(name), "{name}");
        }
    }

    /// A new set replaces the previous one whole: entries it does not write are gone, others'
    /// files stay.
    #[test]
    fn a_commit_replaces_the_previous_set_and_nothing_else() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("reports");
        fs::create_dir_all(out.join("反馈")).unwrap();
        fs::write(out.join(crate::ingest::REPORT_MARKER), "").unwrap();
        fs::write(out.join("反馈/旧单位.xlsx"), "old").unwrap();
        fs::write(out.join("汇总_2025.xlsx"), "old").unwrap();
        fs::write(out.join("领导批示.docx"), "mine").unwrap();
        let staging = Staging::begin(&out).unwrap();
        fs::write(staging.dir().join("汇总_2026.xlsx"), "new").unwrap();
        assert_eq!(
            staging.final_path(&staging.dir().join("汇总_2026.xlsx")),
            out.join("汇总_2026.xlsx")
        );
        staging.commit().unwrap();
        assert_eq!(
            fs::read_to_string(out.join("汇总_2026.xlsx")).unwrap(),
            "new"
        );
        assert!(!out.join("反馈").exists());
        assert!(!out.join("汇总_2025.xlsx").exists());
        assert_eq!(
            fs::read_to_string(out.join("领导批示.docx")).unwrap(),
            "mine"
        );
        let beside: Vec<String> = entries(root.path(), |_| true).unwrap();
        assert_eq!(beside, ["reports"], "no staging folder left beside");
        assert!(!out.join(LOCK).exists(), "no lock file left");
    }

    /// In a folder that never held a set, files named like the tool's are the clerk's: only what
    /// a run writes is replaced, by the first run and by every run after it (the marker lists
    /// the set).
    #[test]
    fn a_folder_without_a_set_keeps_all_but_what_the_runs_write() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("汇总材料");
        fs::create_dir_all(out.join("反馈")).unwrap();
        fs::write(out.join("反馈/给领导.docx"), "mine").unwrap();
        fs::write(out.join("汇总_2019.xlsx"), "mine").unwrap();
        fs::write(out.join("汇总_2026.xlsx"), "mine, replaced").unwrap();
        for (run, extra) in [("first", "汇总_2026.json"), ("second", "通报_2026.docx")] {
            let staging = Staging::begin(&out).unwrap();
            fs::write(staging.dir().join("汇总_2026.xlsx"), run).unwrap();
            fs::write(staging.dir().join(extra), run).unwrap();
            fs::write(staging.dir().join(MARKER), "huizong 报表文件夹\r\n").unwrap();
            staging.commit().unwrap();
        }
        let read = |name: &str| fs::read_to_string(out.join(name)).unwrap();
        assert_eq!(read("汇总_2026.xlsx"), "second");
        assert!(!out.join("汇总_2026.json").exists(), "the first run's");
        assert_eq!(read("汇总_2019.xlsx"), "mine");
        assert_eq!(read("反馈/给领导.docx"), "mine");
        assert!(!out.join(LOCK).exists());
    }

    /// The lock file is removed by its holder, and a run waiting on the removed file takes the
    /// new one: two runs never hold the lock at once.
    #[cfg(unix)]
    #[test]
    fn a_lock_on_a_removed_lock_file_is_taken_again() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("reports");
        fs::create_dir_all(&out).unwrap();
        let stale = File::create(out.join(LOCK)).unwrap();
        fs::remove_file(out.join(LOCK)).unwrap();
        assert!(!is_at(&stale, &out.join(LOCK)));
        let staging = Staging::begin(&out).unwrap();
        assert!(is_at(&staging._lock, &out.join(LOCK)));
        drop(staging);
        assert!(!out.join(LOCK).exists());
    }

    /// A second run into the same `--out` waits until the first has committed: its set is never
    /// mixed with the other's.
    #[test]
    fn a_second_run_waits_for_the_first() {
        use std::sync::atomic::{AtomicBool, Ordering};
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("reports");
        let first = Staging::begin(&out).unwrap();
        let committed = AtomicBool::new(false);
        std::thread::scope(|s| {
            let second = s.spawn(|| {
                let staging = Staging::begin(&out).unwrap();
                assert!(
                    committed.load(Ordering::SeqCst),
                    "began before the first committed"
                );
                staging.commit().unwrap();
            });
            std::thread::sleep(std::time::Duration::from_millis(200));
            fs::write(first.dir().join("汇总_2026.xlsx"), "first").unwrap();
            committed.store(true, Ordering::SeqCst);
            first.commit().unwrap();
            second.join().unwrap();
        });
    }

    /// A run that fails before committing leaves the previous set as it was, and no staging
    /// folder; a killed run's staging folder is removed by the next.
    #[test]
    fn an_uncommitted_run_leaves_the_previous_set() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("reports");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("汇总_2026.xlsx"), "old").unwrap();
        let killed = root.path().join(".reports.huizong-staging-1");
        fs::create_dir_all(&killed).unwrap();
        fs::write(killed.join("汇总_2026.xlsx"), "half").unwrap();
        {
            let staging = Staging::begin(&out).unwrap();
            assert!(!killed.exists(), "a killed run's staging folder is cleared");
            fs::write(staging.dir().join("汇总_2026.xlsx"), "new").unwrap();
        }
        assert_eq!(
            fs::read_to_string(out.join("汇总_2026.xlsx")).unwrap(),
            "old"
        );
        assert_eq!(entries(root.path(), |_| true).unwrap(), ["reports"]);
    }
}
