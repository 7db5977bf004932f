//! Finding the input files: folders searched recursively, in a stable order, with every file
//! that will not be read given a reason. It owns the decision of which names are candidates; what
//! a candidate really is gets decided from its content by `sniff`.

use crate::outcome::Source;

/// The file `huizong run` writes into every report folder it fills: a folder holding it is an
/// earlier report set, never read as submissions.
pub(crate) const REPORT_MARKER: &str = ".huizong-报表";
use std::path::{Path, PathBuf};

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

/// What discovery found under the inputs.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// Every file, sorted by relative path.
    pub sources: Vec<Source>,
    /// Entries that could not be read: (relative path or folder, reason).
    pub errors: Vec<(String, String)>,
    /// Hidden folders (`.git`, `.备份`), not searched: their relative paths, so that a file left
    /// in one is never skipped silently.
    pub hidden_folders: Vec<String>,
}

/// Every file under `inputs` (files given directly are taken as they are), sorted by relative
/// path, with the entries that could not be read and the hidden folders not searched.
pub(crate) fn discover(inputs: &[PathBuf]) -> Found {
    let mut found = Found::default();
    for input in inputs {
        if input.is_file() {
            let rel = input
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            push_source(
                input,
                rel,
                std::fs::metadata(input),
                &mut found.sources,
                &mut found.errors,
            );
        } else {
            walk(input, "", &mut found);
        }
    }
    found
        .sources
        .sort_by(|a, b| a.rel.cmp(&b.rel).then_with(|| a.path.cmp(&b.path)));
    found.hidden_folders.sort();
    found
}

/// Walks `dir`, whose path relative to the input folder is `rel` (`""` for the folder itself).
fn walk(dir: &Path, rel: &str, found: &mut Found) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            let place = dir.display().to_string();
            found.errors.push((place, format!("无法读取文件夹：{e}")));
            return;
        }
    };
    let mut entries: Vec<std::fs::DirEntry> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let path = entry.path();
        // The entry's type comes with the listing on most file systems, and a file's size is
        // asked of the folder's own handle (no walk down the whole path again). A link is
        // followed to what it points at.
        let plain = entry.file_type().ok().filter(|t| !t.is_symlink());
        let is_dir = match plain {
            Some(t) => t.is_dir(),
            None => path.is_dir(),
        };
        let hidden = is_dir && name.starts_with('.');
        let rel = if rel.is_empty() {
            name.into_owned()
        } else {
            format!("{rel}/{name}")
        };
        if hidden {
            // Hidden folders (.git, .svn) are not where submissions live: not searched, but named.
            found.hidden_folders.push(rel);
        } else if is_dir {
            walk(&path, &rel, found);
        } else {
            let meta = match plain {
                Some(_) => entry.metadata(),
                None => std::fs::metadata(&path),
            };
            push_source(&path, rel, meta, &mut found.sources, &mut found.errors);
        }
    }
}

fn push_source(
    path: &Path,
    rel: String,
    meta: std::io::Result<std::fs::Metadata>,
    sources: &mut Vec<Source>,
    errors: &mut Vec<(String, String)>,
) {
    match meta {
        // A device or pipe under a spreadsheet's name (`台账.xlsx` linked to /dev/zero) would
        // never end.
        Ok(meta) if !meta.is_file() => {
            errors.push((rel, "不是普通文件（设备、管道等），未读取".to_string()))
        }
        Ok(meta) => sources.push(Source {
            path: path.to_path_buf(),
            rel,
            size: meta.len(),
            modified: meta.modified().ok(),
        }),
        Err(e) => errors.push((rel, format!("无法读取文件信息：{e}"))),
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

    /// Folders are told from files by the listing; a linked folder is walked like a folder,
    /// hidden folders are not (but are named), and every file gets its size.
    #[cfg(unix)]
    #[test]
    fn folders_links_and_sizes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("乡镇/东岭")).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::write(root.join("乡镇/东岭/台账.xlsx"), b"12345").unwrap();
        std::fs::write(root.join(".git/台账.xlsx"), b"x").unwrap();
        std::fs::write(root.join("名册.csv"), b"").unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::fs::write(elsewhere.path().join("链接.xlsx"), b"123").unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), root.join("部门")).unwrap();

        let Found {
            sources,
            errors,
            hidden_folders,
        } = discover(&[root.to_path_buf()]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(hidden_folders, vec![".git"]);
        let found: Vec<(&str, u64)> = sources.iter().map(|s| (s.rel.as_str(), s.size)).collect();
        assert_eq!(
            found,
            vec![
                ("乡镇/东岭/台账.xlsx", 5),
                ("名册.csv", 0),
                ("部门/链接.xlsx", 3)
            ]
        );
    }

    /// A device linked under a spreadsheet's name is reported, not read: /dev/zero would fill
    /// the memory and a pipe would wait for ever.
    #[cfg(unix)]
    #[test]
    fn devices_under_a_spreadsheet_name_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("设备.xlsx")).unwrap();
        std::fs::write(dir.path().join("台账.xlsx"), b"12345").unwrap();

        let Found {
            sources, errors, ..
        } = discover(&[dir.path().to_path_buf()]);
        let found: Vec<&str> = sources.iter().map(|s| s.rel.as_str()).collect();
        assert_eq!(found, vec!["台账.xlsx"]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].0, "设备.xlsx");
        assert!(errors[0].1.contains("不是普通文件"), "{errors:?}");
    }
}
