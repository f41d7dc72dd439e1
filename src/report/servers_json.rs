//! `topocert servers --format json`: one object per server.

/// `servers --format json`.
pub fn render(v: &super::View<'_>) -> Result<String, super::RenderError> {
    Ok(super::to_json(&crate::servers::server_rows(
        v.topology, v.graph,
    )))
}
