//! Last year's summary (`--compare LAST.json`): each unit's 完成率 and rank as its 汇总_<year>.json
//! gave them (`docs/outputs.md#json-summary`), for 排名 and 总览 to show beside this year's. It
//! reads one JSON file and must not know how the comparison is shown.

use crate::error::{Error, Result};
use std::collections::HashMap;
use std::path::Path;

/// The newest layout of `汇总_<year>.json` this version reads and writes (`schema_version`); a
/// file without the key is of the first layout, whose ranking had the same keys.
pub(crate) const JSON_VERSION: u32 = 2;

/// What last year's summary says of each unit.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct LastYear {
    /// Its report year.
    pub year: Option<i32>,
    /// Unit name → (完成率, rank), each `None` where it had none (not judged).
    pub units: HashMap<String, (Option<f64>, Option<u32>)>,
}

impl LastYear {
    /// Reads a `汇总_<year>.json`; a file that is not one is a usage error naming it.
    pub(crate) fn load(path: &Path) -> Result<LastYear> {
        let fail = |why: String| Error::Usage(format!("--compare {}：{why}", path.display()));
        let text = std::fs::read_to_string(path)
            .map_err(|e| fail(format!("无法读取：{}", crate::io_error::in_words(&e))))?;
        let json: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| fail(format!("不是 JSON 文件：{e}")))?;
        if let Some(v) = json.get("schema_version").and_then(|v| v.as_u64())
            && v > u64::from(JSON_VERSION)
        {
            return Err(fail(format!(
                "由较新版本的 huizong 生成（格式版本 {v}），本版本只能读取 {JSON_VERSION} 及以前的格式"
            )));
        }
        let ranking = (json.get("ranking").and_then(|r| r.as_array()))
            .ok_or_else(|| fail("没有 ranking（应为 huizong 生成的 汇总_<年度>.json）".into()))?;
        let mut units = HashMap::new();
        for entry in ranking {
            let Some(name) = entry.get("name").and_then(|n| n.as_str()) else {
                continue;
            };
            let completion = entry.get("completion").and_then(|c| c.as_f64());
            let rank =
                (entry.get("rank").and_then(|r| r.as_u64())).and_then(|r| u32::try_from(r).ok());
            units.insert(name.to_string(), (completion, rank));
        }
        let year = (json.get("year").and_then(|y| y.as_i64())).and_then(|y| i32::try_from(y).ok());
        Ok(LastYear { year, units })
    }
}

/// A unit's change of rank since last year: `↑3` (up three), `↓2`, `—` (the same); empty when
/// either year gave it no rank.
pub(crate) fn rank_change(before: Option<u32>, now: Option<u32>) -> String {
    match (before, now) {
        (Some(before), Some(now)) if now < before => format!("↑{}", before - now),
        (Some(before), Some(now)) if now > before => format!("↓{}", now - before),
        (Some(_), Some(_)) => "—".into(),
        _ => String::new(),
    }
}
