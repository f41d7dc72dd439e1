//! `topocert servers --format table`.

use crate::servers::ServerRow;

/// `servers --format table`.
pub fn render(v: &super::View<'_>) -> Result<String, super::RenderError> {
    Ok(render_rows(&crate::servers::server_rows(
        v.topology, v.graph,
    )))
}

/// The machine list as a plain-text table, followed by a one-line legend.
pub fn render_rows(rows: &[ServerRow]) -> String {
    let yes = |b: bool| if b { "yes" } else { "-" }.to_string();
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.fqdn.clone(),
                r.pool.clone(),
                r.site.clone(),
                r.kind.as_str().to_string(),
                yes(r.file_transfer),
                yes(r.persistent_chat),
                r.roles.join(","),
            ]
        })
        .collect();
    let mut out = super::table::render(
        &[
            "SERVER",
            "POOL",
            "SITE",
            "KIND",
            "FILE UP/DOWNLOAD",
            "PERSISTENT CHAT",
            "ROLES",
        ],
        &body,
    );
    let ft = rows.iter().filter(|r| r.file_transfer).count();
    let pc = rows.iter().filter(|r| r.persistent_chat).count();
    out.push_str(&format!(
        "\n{} servers; {} run the Persistent Chat file upload/download web service; {} run Persistent Chat.\n",
        rows.len(),
        ft,
        pc
    ));
    out
}
