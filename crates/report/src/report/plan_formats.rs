//! `topocert plan` formats: the plan (from [`crate::plan::render`]) and, with certificates,
//! the check's verdict and gate from the outcome.

use super::{RenderError, View};

/// `plan --format human`.
pub fn human(v: &View<'_>) -> Result<String, RenderError> {
    let mut out = crate::plan::render::human(v.topology_name, v.plan()?, v.style.width);
    if let Some(c) = v.checked {
        out.push('\n');
        out.push_str(&super::check_human::verdict_lines(
            &c.outcome,
            v.style.color,
            v.style.width,
        ));
    }
    Ok(out)
}

/// `plan --format json`.
pub fn json(v: &View<'_>) -> Result<String, RenderError> {
    Ok(super::to_json(&crate::plan::render::json(
        v.topology_name,
        v.plan()?,
        v.checked.map(|c| &c.outcome),
    )))
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
