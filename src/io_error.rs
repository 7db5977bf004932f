//! An input/output error said in Chinese for the clerk (`docs/cli.md#exit-codes`): files the tool
//! could not open, read or write are named with why in words. This module must not know what the
//! files are.

/// Why a file could not be opened, read or written, in Chinese for the clerk: the common cases
/// in words, the system's own message (`os error …`) only for the rest.
pub(crate) fn in_words(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    let said = match e.kind() {
        NotFound => "文件或文件夹不存在",
        PermissionDenied => "没有读写权限",
        AlreadyExists => "已存在同名文件",
        IsADirectory => "这是一个文件夹，不是文件",
        NotADirectory => "路径中有一段是文件，不是文件夹",
        StorageFull => "磁盘空间已满",
        ReadOnlyFilesystem => "所在磁盘只读",
        InvalidData => "内容不是有效的文本（UTF-8）",
        DirectoryNotEmpty => "文件夹不是空的",
        _ => return format!("{e}"),
    };
    said.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_io_errors_are_said_in_chinese() {
        let missing = std::fs::read("/此路径不存在/名册.csv").unwrap_err();
        assert_eq!(in_words(&missing), "文件或文件夹不存在");
        let other = std::io::Error::other("磁带机故障");
        assert_eq!(in_words(&other), "磁带机故障");
    }
}
