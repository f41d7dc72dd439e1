//! `topocert plan` formats: the plan (from [`crate::plan::render`]) and, with certificates,
//! the check's verdict and gate from the outcome.

use super::{RenderError, View};
use std::io::Write;

/// `plan --format human`.
pub fn human(v: &View<'_>, out: &mut dyn Write) -> Result<(), RenderError> {
    let plan = v.plan()?;
    crate::plan::render::write_human(v.topology_name, plan, v.style.width, out)?;
    if let Some(c) = v.checked {
        out.write_all(b"\n")?;
        let verdict = super::check_human::verdict_lines(&c.outcome, v.style.color, v.style.width);
        out.write_all(verdict.as_bytes())?;
    }
    Ok(())
}

/// `plan --format json`.
pub fn json(v: &View<'_>, out: &mut dyn Write) -> Result<(), RenderError> {
    let plan = crate::plan::render::json(v.topology_name, v.plan()?, v.checked.map(|c| &c.outcome));
    super::write_json(&plan, out)
}

/// `plan --format csv`: one row per server (status and action columns with certificates).
pub fn csv(v: &View<'_>) -> Result<String, RenderError> {
    Ok(crate::plan::render::csv(v.plan()?))
}

/// `plan --format markdown`.
pub fn markdown(v: &View<'_>) -> Result<String, RenderError> {
    let mut out = crate::plan::render::markdown(v.topology_name, v.plan()?);
    if let Some(c) = v.checked {
        out.push('\n');
        out.push_str(&super::check_markdown::verdict_paragraph(
            &c.outcome,
            v.topology_name,
        ));
    }
    Ok(out)
}
