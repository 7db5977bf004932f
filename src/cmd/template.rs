//! `huizong template`: the blank workbook units fill in. Not built yet (issue 4).

use super::UsageError;
use crate::cli::TemplateArgs;

pub fn run(_args: &TemplateArgs) -> anyhow::Result<i32> {
    Err(UsageError("template 尚未实现".into()).into())
}
