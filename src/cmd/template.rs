//! `huizong template`: writes the blank workbook units fill in (see `crate::template`).

use crate::cli::TemplateArgs;
use crate::error::Result;
use crate::report::write_atomic;
use crate::settings::TemplateSettings;
use crate::template::build;

pub(crate) fn run(args: &TemplateArgs) -> Result<i32> {
    let settings = TemplateSettings::from_args(args)?;
    write_atomic(&settings.out, &build(&settings.schema, &settings.options)?)?;
    println!("已生成模板：{}", settings.out.display());
    Ok(0)
}
