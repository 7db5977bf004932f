//! `huizong template`: writes the blank workbook units fill in (see `crate::template`).

use super::UsageError;
use crate::cli::{TemplateArgs, load_schema};
use crate::report::write_atomic;
use crate::template::{TemplateOptions, build};

pub fn run(args: &TemplateArgs) -> anyhow::Result<i32> {
    let schema = load_schema(args.schema.as_deref())?;
    if let Some(t) = &args.unit_type
        && !schema.unit_types.contains(t)
    {
        return Err(UsageError(format!(
            "单位类型“{t}”不在方案的单位类型中（{}）",
            schema.unit_types.join("、")
        ))
        .into());
    }
    if args
        .out
        .extension()
        .is_none_or(|e| !e.eq_ignore_ascii_case("xlsx"))
    {
        return Err(UsageError("--out 须为 .xlsx 文件".into()).into());
    }
    let opts = TemplateOptions {
        unit_type: args.unit_type.clone(),
        unit: args.unit.clone(),
        year: args.year,
        example: args.example,
    };
    write_atomic(&args.out, &build(&schema, &opts)?)?;
    println!("已生成模板：{}", args.out.display());
    Ok(0)
}
