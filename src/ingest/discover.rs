//! Finding the input files: folders searched recursively, in a stable order, every file reached
//! once however many ways lead to it, and every file or folder that will not be read given a
//! reason. It owns which names are candidates (what a candidate really is gets decided from its
//! content by `sniff`), which folders are searched — never an earlier report set, never through a
//! link out of the input folders or back round a loop — and how a name is shown. It must not read
//! a file's content.

use crate::outcome::Source;
use std::collections::hash_map::{Entry, HashMap};
use std::collections::{HashSet, VecDeque};
use std::ffi::{OsStr, OsString};
use std::fs::{DirEntry, Metadata};
use std::path::{Path, PathBuf};

/// The file `huizong run` writes into every report folder it fills: a folder holding it is an
/// earlier report set, never read as submissions.
pub(crate) const REPORT_MARKER: &str = ".huizong-报表";

/// What discovery decided about a file by its name alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Candidate {
    /// A spreadsheet name: read it (its content decides the format).
    Read,
    /// Skipped, with the reason a clerk reads.
    Skip(&'static str),
}

const SPREADSHEET_EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xls", "ods", "csv", "xlsb", "et"];

/// Decides by name whether a file is worth opening.
pub(crate) fn classify(path: &Path) -> Candidate {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.starts_with("~$") || name.starts_with(".~lock") {
        return Candidate::Skip("Office/WPS 临时锁定文件");
    }
    if name.starts_with('.') {
        return Candidate::Skip("隐藏文件");
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if SPREADSHEET_EXTENSIONS.contains(&ext.as_str()) {
        return Candidate::Read;
    }
    match ext.as_str() {
        "doc" | "docx" | "wps" => Candidate::Skip("Word 文档，不是电子表格"),
        "pdf" => Candidate::Skip("PDF 文件，不是电子表格"),
        "zip" | "rar" | "7z" => Candidate::Skip("压缩包，请解压后再放入"),
        "png" | "jpg" | "jpeg" | "gif" | "bmp" => Candidate::Skip("图片文件"),
        "txt" | "md" => Candidate::Skip("文本文件，不是电子表格"),
        _ => Candidate::Skip("不是电子表格文件"),
    }
}

/// A file found that will not be read, and why. It still counts among the files found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unread {
    /// Not a regular file (a device, a pipe), or its metadata could not be read: failed.
    Unreadable(String),
    /// A link to a file outside the input folders, not followed (its target): skipped.
    LinkOutside(String),
    /// A link into an earlier report set: skipped.
    InReports,
    /// Another way to a file already found (the same path twice, a link, a hard link), with the
    /// name it was found by first: a copy.
    SameAs(String),
}

/// A folder not searched, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unsearched {
    /// Its name starts with `.` (`.git`, `.备份`).
    Hidden,
    /// It holds `REPORT_MARKER`: an earlier report set.
    Reports,
    /// It could not be listed.
    Unlistable(String),
    /// A link out of the input folders, or back to a folder already searched (its target).
    Link { target: String, looped: bool },
    /// Another way to a folder already searched (an input given twice), with the name it was
    /// searched by.
    SameAs(String),
}

/// What discovery found under the inputs.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// The files to read, sorted by relative path.
    pub sources: Vec<Source>,
    /// The files found that will not be read, sorted by relative path.
    pub unread: Vec<(Source, Unread)>,
    /// The folders not searched, by relative path (an input folder by the path given), sorted:
    /// so that a file left in one is never skipped silently.
    pub unsearched: Vec<(String, Unsearched)>,
}

const NOT_REGULAR: &str = "不是普通文件（设备、管道等），未读取";

/// Every file under `inputs` (files given directly are taken as they are), sorted by relative
/// path, with the files that will not be read and the folders not searched. The folders in
/// `leave_out` (the run's own `--out`) are passed over without a word: the run says so itself,
/// once, whether or not the folder exists yet.
pub(crate) fn discover(inputs: &[PathBuf], leave_out: &[PathBuf]) -> Found {
    let mut search = Search::new(inputs, leave_out);
    for input in inputs {
        search.input(input);
    }
    // Links are followed once every real folder is searched, so that a link is never the first
    // way to what a real path names.
    while let Some((path, rel)) = search.links.pop_front() {
        search.link(&path, rel);
    }
    let mut found = search.found;
    (found.sources).sort_by(|a, b| a.rel.cmp(&b.rel).then_with(|| a.path.cmp(&b.path)));
    (found.unread).sort_by(|a, b| a.0.rel.cmp(&b.0.rel));
    (found.unsearched).sort_by(|a, b| a.0.cmp(&b.0));
    found
}

/// What tells a second way to a file or folder from another one: its (device, inode).
#[cfg(unix)]
type Id = (u64, u64);

#[cfg(unix)]
fn id(_path: &Path, meta: &Metadata) -> Option<Id> {
    use std::os::unix::fs::MetadataExt;
    // A file system without inode numbers gives 0: then nothing is told alike by them.
    (meta.ino() != 0).then(|| (meta.dev(), meta.ino()))
}

/// Elsewhere a folder is told by its canonical path; files are left to the content check.
#[cfg(not(unix))]
type Id = PathBuf;

#[cfg(not(unix))]
fn id(path: &Path, meta: &Metadata) -> Option<Id> {
    meta.is_dir().then(|| path.canonicalize().ok()).flatten()
}

/// The search in progress.
struct Search {
    /// The input folders, canonical: a link is followed only to inside one of them.
    roots: Vec<PathBuf>,
    /// The folders passed over without a word (the run's own notice names them), canonical and
    /// by identity.
    leave_out: Vec<PathBuf>,
    left_out: HashSet<Id>,
    /// The folders searched and the files found, each with the name it was first reached by.
    folders: HashMap<Id, String>,
    files: HashMap<Id, String>,
    /// The links met and not yet followed: (path, relative path).
    links: VecDeque<(PathBuf, String)>,
    found: Found,
}

impl Search {
    fn new(inputs: &[PathBuf], leave_out: &[PathBuf]) -> Self {
        let canonical = |p: &PathBuf| p.canonicalize().ok();
        let left_out = (leave_out.iter())
            .filter_map(|p| id(p, &std::fs::metadata(p).ok()?))
            .collect();
        Search {
            roots: inputs
                .iter()
                .filter(|p| p.is_dir())
                .filter_map(canonical)
                .collect(),
            leave_out: leave_out.iter().filter_map(canonical).collect(),
            left_out,
            folders: HashMap::new(),
            files: HashMap::new(),
            links: VecDeque::new(),
            found: Found::default(),
        }
    }

    /// Whether the folder `entry` is one passed over without a word (the run's own `--out`).
    fn is_left_out(&self, entry: &DirEntry) -> bool {
        !self.left_out.is_empty()
            && (entry.metadata().ok())
                .and_then(|meta| id(&entry.path(), &meta))
                .is_some_and(|id| self.left_out.contains(&id))
    }

    /// An input: a folder is searched; a file is taken as it is, wherever it is.
    fn input(&mut self, input: &Path) {
        let shown = input.display().to_string();
        match std::fs::metadata(input) {
            Ok(meta) if meta.is_dir() => self.folder(input, "", shown, &meta),
            meta => {
                let rel = input.file_name().map_or(shown, shown_name);
                self.file(input, rel, meta);
            }
        }
    }

    /// Searches the folder at `path`, `rel` under its input (`""` for the input itself), named
    /// `shown` in a notice.
    fn folder(&mut self, path: &Path, rel: &str, shown: String, meta: &Metadata) {
        let id = id(path, meta);
        if id.as_ref().is_some_and(|id| self.left_out.contains(id)) {
            return;
        }
        if let Some(first) = id.as_ref().and_then(|id| self.folders.get(id)) {
            let why = Unsearched::SameAs(first.clone());
            return self.found.unsearched.push((shown, why));
        }
        let mut entries: Vec<(OsString, DirEntry)> = match std::fs::read_dir(path) {
            Ok(entries) => (entries.filter_map(Result::ok))
                .map(|e| (e.file_name(), e))
                .collect(),
            Err(e) => {
                let why = Unsearched::Unlistable(format!(
                    "无法读取文件夹：{}",
                    crate::io_error::in_words(&e)
                ));
                return self.found.unsearched.push((shown, why));
            }
        };
        if entries.iter().any(|(name, _)| name == REPORT_MARKER) {
            return self.found.unsearched.push((shown, Unsearched::Reports));
        }
        if let Some(id) = id {
            self.folders.insert(id, shown);
        }
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for (name, entry) in entries {
            self.entry(&name, &entry, rel);
        }
    }

    /// One entry of a folder `parent` under its input. Its type comes with the listing on most
    /// file systems, and its metadata is asked of the folder's own handle (no walk down the whole
    /// path again); a link waits until every real folder is searched.
    fn entry(&mut self, name: &OsStr, entry: &DirEntry, parent: &str) {
        let name = shown_name(name);
        let hidden = name.starts_with('.');
        let rel = if parent.is_empty() {
            name
        } else {
            format!("{parent}/{name}")
        };
        let path = entry.path();
        let kind = (entry.file_type())
            .or_else(|_| std::fs::symlink_metadata(&path).map(|m| m.file_type()));
        match kind {
            Ok(t) if t.is_symlink() => self.links.push_back((path, rel)),
            // The run's own `--out`, hidden or not, is the run's to name (`folder`).
            Ok(t) if t.is_dir() && hidden && !self.is_left_out(entry) => {
                self.found.unsearched.push((rel, Unsearched::Hidden))
            }
            Ok(t) if t.is_dir() => match entry.metadata() {
                Ok(meta) => self.folder(&path, &rel, rel.clone(), &meta),
                Err(e) => {
                    let why = Unsearched::Unlistable(format!(
                        "无法读取文件夹：{}",
                        crate::io_error::in_words(&e)
                    ));
                    self.found.unsearched.push((rel, why));
                }
            },
            _ => self.file(&path, rel, entry.metadata()),
        }
    }

    /// A file at `path`, `rel` under its input: read unless it is no regular file or a second
    /// way to one already found.
    fn file(&mut self, path: &Path, rel: String, meta: std::io::Result<Metadata>) {
        let meta = match meta {
            Ok(meta) => meta,
            Err(e) => {
                let why = Unread::Unreadable(format!(
                    "无法读取文件信息：{}",
                    crate::io_error::in_words(&e)
                ));
                return self.unread(path, rel, None, why);
            }
        };
        if !meta.is_file() {
            // A device or pipe under a spreadsheet's name (`台账.xlsx` linked to /dev/zero) would
            // never end.
            let why = Unread::Unreadable(NOT_REGULAR.to_string());
            return self.unread(path, rel, Some(&meta), why);
        }
        if let Some(id) = id(path, &meta) {
            match self.files.entry(id) {
                Entry::Occupied(first) => {
                    let why = Unread::SameAs(first.get().clone());
                    return self.unread(path, rel, Some(&meta), why);
                }
                Entry::Vacant(slot) => {
                    slot.insert(rel.clone());
                }
            }
        }
        self.found.sources.push(source(path, rel, Some(&meta)));
    }

    /// The link at `path`, `rel` under its input: followed only to a file or folder inside the
    /// input folders, never into a report set or back to a folder already searched.
    fn link(&mut self, path: &Path, rel: String) {
        let meta = match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() || meta.is_file() => meta,
            // Dangling, or to a device or a pipe: said as for any such file.
            meta => return self.file(path, rel, meta),
        };
        let target = match std::fs::canonicalize(path) {
            Ok(target) => target,
            Err(e) => return self.file(path, rel, Err(e)),
        };
        let shown = target.display().to_string();
        let Some(root) = self.roots.iter().find(|root| target.starts_with(root)) else {
            let outside = Unsearched::Link {
                target: shown.clone(),
                looped: false,
            };
            if meta.is_dir() {
                return self.found.unsearched.push((rel, outside));
            }
            return self.unread(path, rel, Some(&meta), Unread::LinkOutside(shown));
        };
        if self.leave_out.iter().any(|out| target.starts_with(out)) {
            return;
        }
        let reports = in_report_set(&target, root);
        match (meta.is_dir(), reports) {
            (true, true) => self.found.unsearched.push((rel, Unsearched::Reports)),
            (false, true) => self.unread(path, rel, Some(&meta), Unread::InReports),
            (false, false) => self.file(path, rel, Ok(meta)),
            (true, false) => self.linked_folder(path, rel, &meta, shown),
        }
    }

    /// A folder reached through a link inside the input folders: searched unless hidden or
    /// already searched.
    fn linked_folder(&mut self, path: &Path, rel: String, meta: &Metadata, target: String) {
        let hidden = rel.rsplit('/').next().is_some_and(|n| n.starts_with('.'));
        if hidden {
            return self.found.unsearched.push((rel, Unsearched::Hidden));
        }
        if id(path, meta).is_some_and(|id| self.folders.contains_key(&id)) {
            let looped = Unsearched::Link {
                target,
                looped: true,
            };
            return self.found.unsearched.push((rel, looped));
        }
        let shown = rel.clone();
        self.folder(path, &rel, shown, meta);
    }

    fn unread(&mut self, path: &Path, rel: String, meta: Option<&Metadata>, why: Unread) {
        self.found.unread.push((source(path, rel, meta), why));
    }
}

fn source(path: &Path, rel: String, meta: Option<&Metadata>) -> Source {
    Source {
        path: path.to_path_buf(),
        rel,
        size: meta.map_or(0, Metadata::len),
        modified: meta.and_then(|m| m.modified().ok()),
    }
}

/// Whether `target` (canonical) lies in an earlier report set under the input folder `root`: a
/// folder from it up to `root` holds the marker. A system call per level, for links only.
fn in_report_set(target: &Path, root: &Path) -> bool {
    (target.ancestors())
        .take_while(|folder| folder.starts_with(root))
        .any(|folder| folder.join(REPORT_MARKER).exists())
}

/// A file or folder name as every report shows it. Bytes that are not UTF-8 are written `\xFF`,
/// so that two names that differ only in them are shown apart.
pub(crate) fn shown_name(name: &OsStr) -> String {
    #[cfg(unix)]
    {
        use std::fmt::Write;
        use std::os::unix::ffi::OsStrExt;
        let mut shown = String::with_capacity(name.len());
        for chunk in name.as_bytes().utf8_chunks() {
            shown.push_str(chunk.valid());
            for byte in chunk.invalid() {
                let _ = write!(shown, "\\x{byte:02X}");
            }
        }
        shown
    }
    #[cfg(not(unix))]
    {
        name.to_string_lossy().into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_hidden_and_documents_are_skipped_by_name() {
        assert_eq!(
            classify(Path::new("a/~$台账.xlsx")),
            Candidate::Skip("Office/WPS 临时锁定文件")
        );
        assert_eq!(
            classify(Path::new(".台账.xlsx")),
            Candidate::Skip("隐藏文件")
        );
        assert!(matches!(
            classify(Path::new("说明.docx")),
            Candidate::Skip(_)
        ));
        assert_eq!(classify(Path::new("台账.XLS")), Candidate::Read);
        assert_eq!(classify(Path::new("导出.csv")), Candidate::Read);
    }

    /// What discovery found by name: the files to read, those not read, the folders not searched.
    type Names<'a> = (
        Vec<&'a str>,
        Vec<(&'a str, &'a Unread)>,
        Vec<(&'a str, &'a Unsearched)>,
    );

    fn names(found: &Found) -> Names<'_> {
        (
            found.sources.iter().map(|s| s.rel.as_str()).collect(),
            found
                .unread
                .iter()
                .map(|(s, w)| (s.rel.as_str(), w))
                .collect(),
            found
                .unsearched
                .iter()
                .map(|(f, w)| (f.as_str(), w))
                .collect(),
        )
    }

    #[cfg(unix)]
    fn link(target: impl AsRef<Path>, link: impl AsRef<Path>) {
        std::os::unix::fs::symlink(target, link).unwrap();
    }

    /// Folders are told from files by the listing; hidden folders are not searched (but named),
    /// and every file gets its size.
    #[test]
    fn folders_hidden_folders_and_sizes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("乡镇/东岭")).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::write(root.join("乡镇/东岭/台账.xlsx"), b"12345").unwrap();
        std::fs::write(root.join(".git/台账.xlsx"), b"x").unwrap();
        std::fs::write(root.join("名册.csv"), b"").unwrap();

        let found = discover(&[root.to_path_buf()], &[]);
        let (_, unread, unsearched) = names(&found);
        assert!(unread.is_empty(), "{unread:?}");
        assert_eq!(unsearched, vec![(".git", &Unsearched::Hidden)]);
        let sizes: Vec<(&str, u64)> = (found.sources.iter())
            .map(|s| (s.rel.as_str(), s.size))
            .collect();
        assert_eq!(sizes, vec![("乡镇/东岭/台账.xlsx", 5), ("名册.csv", 0)]);
    }

    /// A link is followed only inside the input folders, and never back to a folder already
    /// searched: a loop, a second way to a folder, a link out (file or folder) are each named.
    #[cfg(unix)]
    #[test]
    fn links_are_followed_inside_the_inputs_only_and_never_round_a_loop() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("in");
        std::fs::create_dir_all(root.join("乡镇")).unwrap();
        std::fs::create_dir_all(root.join(".隐藏/部门")).unwrap();
        std::fs::write(root.join("乡镇/台账.xlsx"), b"1").unwrap();
        std::fs::write(root.join(".隐藏/部门/台账.xlsx"), b"22").unwrap();
        std::fs::write(dir.path().join("外部.xlsx"), b"333").unwrap();
        link(".", root.join("loop"));
        link("..", root.join("乡镇/上级"));
        link("乡镇", root.join("又一个乡镇"));
        link(".隐藏/部门", root.join("部门"));
        link("..", root.join("外面"));
        link(dir.path().join("外部.xlsx"), root.join("外部.xlsx"));

        let found = discover(std::slice::from_ref(&root), &[]);
        let (sources, unread, unsearched) = names(&found);
        assert_eq!(sources, vec!["乡镇/台账.xlsx", "部门/台账.xlsx"]);
        let canonical = |p: PathBuf| p.canonicalize().unwrap().display().to_string();
        let outside = canonical(dir.path().join("外部.xlsx"));
        assert_eq!(unread, vec![("外部.xlsx", &Unread::LinkOutside(outside))]);
        let link = |target: PathBuf, looped| Unsearched::Link {
            target: canonical(target),
            looped,
        };
        let expected = [
            (".隐藏", Unsearched::Hidden),
            ("loop", link(root.clone(), true)),
            ("乡镇/上级", link(root.clone(), true)),
            ("又一个乡镇", link(root.join("乡镇"), true)),
            ("外面", link(dir.path().to_path_buf(), false)),
        ];
        let expected: Vec<(&str, &Unsearched)> = expected.iter().map(|(f, w)| (*f, w)).collect();
        assert_eq!(unsearched, expected);
    }

    /// An input given twice, a hard link and a link to a file already found are each found once;
    /// the second way is named with the first.
    #[cfg(unix)]
    #[test]
    fn a_second_way_to_a_file_or_folder_is_named_with_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.xlsx"), b"1").unwrap();
        std::fs::hard_link(root.join("a.xlsx"), root.join("b.xlsx")).unwrap();
        link("a.xlsx", root.join("0.xlsx"));

        let input = root.to_path_buf();
        let found = discover(&[input.clone(), input.join(".")], &[]);
        let (sources, unread, unsearched) = names(&found);
        assert_eq!(sources, vec!["a.xlsx"]);
        let first = || Unread::SameAs("a.xlsx".into());
        assert_eq!(unread, vec![("0.xlsx", &first()), ("b.xlsx", &first())]);
        let again = input.join(".").display().to_string();
        let same = Unsearched::SameAs(input.display().to_string());
        assert_eq!(unsearched, vec![(again.as_str(), &same)]);
    }

    /// A folder holding the report marker is an earlier report set: named, not searched, and so is
    /// a link into one; the run's own `--out` is passed over without a word.
    #[cfg(unix)]
    #[test]
    fn report_sets_are_not_searched() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for folder in ["reports/明细", "旧报表/明细"] {
            std::fs::create_dir_all(root.join(folder)).unwrap();
            std::fs::write(root.join(folder).join("学习记录.csv"), b"1").unwrap();
        }
        std::fs::write(root.join("reports").join(REPORT_MARKER), b"").unwrap();
        std::fs::write(root.join("旧报表").join(REPORT_MARKER), b"").unwrap();
        link("旧报表/明细", root.join("明细"));
        link("旧报表/明细/学习记录.csv", root.join("学习记录.csv"));
        link("reports/明细", root.join("本次明细"));

        let found = discover(&[root.to_path_buf()], &[root.join("reports")]);
        let (sources, unread, unsearched) = names(&found);
        assert!(sources.is_empty(), "{sources:?}");
        assert_eq!(unread, vec![("学习记录.csv", &Unread::InReports)]);
        let reports = Unsearched::Reports;
        assert_eq!(unsearched, vec![("旧报表", &reports), ("明细", &reports)]);
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_are_shown_apart() {
        use std::os::unix::ffi::OsStrExt;
        let shown = |bytes: &[u8]| shown_name(OsStr::from_bytes(bytes));
        assert_eq!(shown(b"a\xff.xlsx"), "a\\xFF.xlsx");
        assert_eq!(shown(b"a\xfe.xlsx"), "a\\xFE.xlsx");
        assert_eq!(shown("台账.xlsx".as_bytes()), "台账.xlsx");
    }

    /// A device linked under a spreadsheet's name is reported, not read: /dev/zero would fill
    /// the memory and a pipe would wait for ever. It counts among the files found.
    #[cfg(unix)]
    #[test]
    fn devices_under_a_spreadsheet_name_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        link("/dev/zero", dir.path().join("设备.xlsx"));
        std::fs::write(dir.path().join("台账.xlsx"), b"12345").unwrap();

        let found = discover(&[dir.path().to_path_buf()], &[]);
        let (sources, unread, _) = names(&found);
        assert_eq!(sources, vec!["台账.xlsx"]);
        let device = Unread::Unreadable(NOT_REGULAR.into());
        assert_eq!(unread, vec![("设备.xlsx", &device)]);
    }
}
