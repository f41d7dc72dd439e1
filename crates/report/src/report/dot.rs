//! `topocert graph --format dot`: Graphviz, one cluster per site, one node per pool listing its
//! machines; file upload/download servers and Persistent Chat servers are coloured.

use crate::graph::{PoolKind, ServerGraph};
use crate::model::{PoolIdx, Topology};
use std::collections::BTreeSet;
use std::fmt::Write;

/// Fill colour of file upload/download servers.
pub(crate) const FILE_TRANSFER_FILL: &str = "#c8e6c9";
/// Fill colour of Persistent Chat servers.
pub(crate) const PCHAT_FILL: &str = "#bbdefb";

use super::escape::html as esc;

/// `graph --format dot`.
pub fn render(v: &super::View<'_>) -> Result<String, super::RenderError> {
    Ok(render_pools(v.topology, v.graph, v.focus))
}

/// Renders the pools in `keep` (all pools when `None`).
pub fn render_pools(
    topo: &Topology,
    graph: &ServerGraph,
    keep: Option<&BTreeSet<PoolIdx>>,
) -> String {
    let mut out = String::new();
    out.push_str("digraph topology {\n  rankdir=LR;\n  fontname=\"Helvetica\";\n");
    out.push_str("  node [shape=plaintext fontname=\"Helvetica\" fontsize=11];\n");
    out.push_str("  edge [fontname=\"Helvetica\" fontsize=9 color=\"#607d8b\"];\n");
    for group in crate::graph::pools_by_site(topo, keep) {
        let _ = writeln!(
            out,
            "  subgraph cluster_site_{} {{\n    label=\"{}\";\n    style=rounded; color=\"#9e9e9e\";",
            group.key,
            esc(&group.label)
        );
        for p in &group.pools {
            let pool = &topo.pools[p.0];
            let kind = graph.pool_kinds[p.0];
            let header_fill = match kind {
                PoolKind::PersistentChat => PCHAT_FILL,
                _ => "#eeeeee",
            };
            let _ = write!(
                out,
                "    pool{} [label=<<table border=\"1\" cellborder=\"0\" cellspacing=\"0\" cellpadding=\"4\"><tr><td bgcolor=\"{}\"><b>{}</b><br/>{} pool</td></tr>",
                p.0,
                header_fill,
                esc(pool.fqdn.as_str()),
                kind.label()
            );
            for m in &pool.machines {
                let ft = graph.file_transfer_machines.contains(m);
                let pc = graph.pchat_machines.contains(m);
                let (fill, note) = match (ft, pc) {
                    (true, true) => (
                        FILE_TRANSFER_FILL,
                        " ⇅ file upload/download + Persistent Chat",
                    ),
                    (true, false) => (FILE_TRANSFER_FILL, " ⇅ file upload/download"),
                    (false, true) => (PCHAT_FILL, " Persistent Chat"),
                    _ => ("white", ""),
                };
                let _ = write!(
                    out,
                    "<tr><td align=\"left\" bgcolor=\"{}\">{}{}</td></tr>",
                    fill,
                    esc(topo.machines[m.0].fqdn.as_str()),
                    note
                );
            }
            out.push_str("</table>>];\n");
        }
        out.push_str("  }\n");
    }
    // The Persistent Chat pool → file upload/download pool edges, found once.
    let pchat_web_edges: std::collections::HashSet<(crate::model::PoolIdx, crate::model::PoolIdx)> =
        graph
            .pchat_links
            .iter()
            .flat_map(|l| l.serving_pools.iter().map(|&to| (l.pchat_pool, to)))
            .collect();
    for e in graph.pool_edges(topo, keep) {
        let pchat_web = pchat_web_edges.contains(&(e.from, e.to));
        let (style, note) = if pchat_web {
            (
                " color=\"#2e7d32\" penwidth=2",
                " (serves file upload/download)",
            )
        } else {
            ("", "")
        };
        let _ = writeln!(
            out,
            "  pool{} -> pool{} [label=\"{}{}\"{}];",
            e.from.0,
            e.to.0,
            esc(&e.roles.join(", ")),
            note,
            style
        );
    }
    let _ = writeln!(
        out,
        "  legend [label=<<table border=\"0\" cellspacing=\"2\"><tr><td bgcolor=\"{FILE_TRANSFER_FILL}\">⇅ runs Persistent Chat file upload/download</td></tr><tr><td bgcolor=\"{PCHAT_FILL}\">runs Persistent Chat</td></tr></table>>];"
    );
    out.push_str("}\n");
    out
}
