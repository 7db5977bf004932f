//! What a schema may call a sheet. A schema sheet's name becomes a sheet of the template and the
//! file name of its rows in `明细/`, so it must be a name Excel takes (1 to 31 characters, none of
//! `[ ] : * ? / \`, no `'` first or last) that no file system refuses either, and not the name of
//! a sheet the template adds for itself. Only the schema's names are held to this; the sheets
//! units send are read whatever they are called.

use super::{GUIDE_SHEET, LIST_SHEET};
use crate::normalize::normalize;

/// Most characters in a sheet name, counted as Excel counts them (UTF-16 units).
const MAX_CHARS: usize = 31;

/// Characters Excel refuses in a sheet name.
const EXCEL_REFUSES: [char; 7] = ['[', ']', ':', '*', '?', '/', '\\'];

/// Characters Excel takes in a sheet name that Windows refuses in a file name.
const WINDOWS_REFUSES: [char; 4] = ['<', '>', '"', '|'];

/// Names Windows keeps for devices, whatever their extension (`CON.csv` is the console).
const DEVICES: [&str; 6] = ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"];

/// Names Excel keeps for itself: a sheet so named cannot be made.
const EXCEL_KEEPS: [&str; 1] = ["History"];

/// Why `name` cannot name a sheet, in words for the schema's author; `None` when it can.
pub(super) fn problem(name: &str) -> Option<String> {
    let chars = name.encode_utf16().count();
    if name.trim().is_empty() {
        Some("工作表名不能为空".into())
    } else if chars > MAX_CHARS {
        let start: String = name.chars().take(MAX_CHARS).collect();
        Some(format!(
            "工作表名“{start}…”有 {chars} 个字符，Excel 的工作表名最多 {MAX_CHARS} 个字符"
        ))
    } else if let Some(c) = name.chars().find(|c| EXCEL_REFUSES.contains(c)) {
        Some(format!(
            "工作表名“{name}”含有“{c}”，Excel 的工作表名不能含有 [ ] : * ? / \\ 中的任何一个"
        ))
    } else if name.starts_with('\'') || name.ends_with('\'') {
        Some(format!(
            "工作表名“{name}”以单引号 ' 开头或结尾，Excel 不允许"
        ))
    } else if EXCEL_KEEPS.iter().any(|k| k.eq_ignore_ascii_case(name)) {
        Some(format!(
            "工作表名“{name}”是 Excel 保留的名称，不能用作工作表名"
        ))
    } else {
        file_problem(name).or_else(|| template_problem(name))
    }
}

/// Why `name` cannot name a file of `明细/` on every system.
fn file_problem(name: &str) -> Option<String> {
    if let Some(c) = name
        .chars()
        .find(|c| c.is_control() || WINDOWS_REFUSES.contains(c))
    {
        return Some(format!(
            "工作表名“{}”含有{}；工作表名也是 明细/ 中的文件名，不能含有控制字符或 < > \" | 中的任何一个",
            name.escape_debug(),
            if c.is_control() {
                format!("控制字符 U+{:04X}", u32::from(c))
            } else {
                format!("“{c}”")
            }
        ));
    }
    is_device(name).then(|| {
        format!(
            "工作表名“{name}”是 Windows 保留的设备名（CON、PRN、AUX、NUL、COM1、LPT1 等），不能用作 明细/ 中的文件名"
        )
    })
}

/// Does Windows take a file named `name`, with any extension, for a device (`CON`, `nul.txt`,
/// `COM1`, `LPT²`)?
pub(crate) fn is_device(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or_default().trim_end();
    let numbered = |prefix: &str| {
        let (head, digit) = stem.split_at_checked(3).unwrap_or_default();
        head.eq_ignore_ascii_case(prefix)
            && (matches!(digit.as_bytes(), [b'0'..=b'9']) || ["¹", "²", "³"].contains(&digit))
    };
    DEVICES.iter().any(|d| stem.eq_ignore_ascii_case(d)) || numbered("COM") || numbered("LPT")
}

/// Why `name` cannot be a schema sheet: the template's own sheets take it, and readers skip
/// sheets so named.
fn template_problem(name: &str) -> Option<String> {
    let key = normalize(name);
    [GUIDE_SHEET, LIST_SHEET]
        .into_iter()
        .find(|own| normalize(own) == key)
        .map(|own| format!("工作表名“{name}”与模板自带的工作表“{own}”同名，请换一个名称"))
}

/// Are `a` and `b` one sheet's name: to Excel, which ignores case, or to the readers, which
/// match names after normalising them (`docs/inputs.md#normalisation`)?
pub(super) fn same(a: &str, b: &str) -> bool {
    a.to_lowercase() == b.to_lowercase() || normalize(a) == normalize(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_excel_and_every_file_system_take_pass() {
        for name in [
            "学习记录",
            "2026年（上半年）",
            "Sheet 1",
            "a'b",
            "选项卡",
            "CONSOLE",
            "com10",
        ] {
            assert_eq!(problem(name), None, "{name}");
        }
        assert_eq!(problem(&"记".repeat(31)), None);
    }

    #[test]
    fn each_rule_is_named() {
        for (name, words) in [
            ("", "不能为空"),
            ("  ", "不能为空"),
            (&"记".repeat(32), "有 32 个字符"),
            (&"😀".repeat(16), "有 32 个字符"),
            ("../../../x", "含有“/”"),
            ("/etc/x", "含有“/”"),
            ("C:\\x", "含有“:”"),
            ("a\\b", "含有“\\”"),
            ("学习[1]", "含有“[”"),
            ("问?", "含有“?”"),
            ("表*", "含有“*”"),
            ("'学习", "单引号"),
            ("学习'", "单引号"),
            ("a<b", "含有“<”"),
            ("a|b", "含有“|”"),
            ("a\"b", "含有“\"”"),
            ("a\u{1}b", "控制字符 U+0001"),
            ("学习\n记录", "控制字符 U+000A"),
            ("con", "设备名"),
            ("NUL.txt", "设备名"),
            ("Lpt1", "设备名"),
            ("COM¹", "设备名"),
            ("CONIN$", "设备名"),
            ("history", "Excel 保留"),
            ("填报说明", "模板自带的工作表“填报说明”"),
            ("選項", "模板自带的工作表“选项”"),
            (" 填报 说明 ", "模板自带的工作表“填报说明”"),
        ] {
            let found = problem(name).unwrap_or_default();
            assert!(found.contains(words), "{name}: {found}");
        }
    }

    #[test]
    fn names_excel_or_the_readers_cannot_tell_apart_are_the_same() {
        assert!(same("Sheet", "SHEET"));
        assert!(same("学习记录", "學習記錄"));
        assert!(same("学习记录", "学习 记录"));
        assert!(!same("学习记录", "研究研判"));
    }
}
