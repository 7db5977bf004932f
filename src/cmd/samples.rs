//! `huizong samples`: a deterministic demo county.

use super::UsageError;
use crate::cli::SamplesArgs;

pub fn run(_args: &SamplesArgs) -> anyhow::Result<i32> {
    Err(UsageError("samples 尚未实现".into()).into())
}
