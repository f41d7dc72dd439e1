//! `topocert servers --format json`: `schema_version` and one object per server
//! (docs/json-output.md).

/// `servers --format json`.
pub fn render(v: &super::View<'_>) -> Result<String, super::RenderError> {
    let rows = crate::servers::server_rows(v.topology, v.graph);
    Ok(super::to_json(&crate::servers::ServerList::new(&rows)))
}
