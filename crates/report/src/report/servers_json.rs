//! `topocert servers --format json`: `schema_version` and one object per server
//! (docs/json-output.md).

/// `servers --format json`.
pub fn render(v: &super::View<'_>, out: &mut dyn std::io::Write) -> Result<(), super::RenderError> {
    let rows = crate::servers::server_rows(v.topology, v.graph);
    super::write_json(&crate::servers::ServerList::new(&rows), out)
}
