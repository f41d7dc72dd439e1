//! `topocert graph --format mermaid`: a Mermaid flowchart, one subgraph per site and per pool;
//! file upload/download servers and Persistent Chat servers get their own classes.

use crate::graph::ServerGraph;
use crate::model::{PoolIdx, Topology};
use std::collections::BTreeSet;
use std::fmt::Write;

use super::escape::mermaid as esc;

/// Options for [`render_with`].
#[derive(Debug, Default, Clone)]
pub(crate) struct MermaidOptions<'a> {
    /// Machines to mark as failing (by FQDN, lower case), e.g. from `check`.
    pub failing: Option<&'a BTreeSet<String>>,
}

/// `graph --format mermaid`.
pub fn render(v: &super::View<'_>) -> Result<String, super::RenderError> {
    Ok(render_with(
        v.topology,
        v.graph,
        v.focus,
        &MermaidOptions::default(),
    ))
}

/// Renders with options (failing servers marked).
pub(crate) fn render_with(
    topo: &Topology,
    graph: &ServerGraph,
    keep: Option<&BTreeSet<PoolIdx>>,
    opts: &MermaidOptions<'_>,
) -> String {
    let mut out = String::from("flowchart LR\n");
    for group in crate::graph::pools_by_site(topo, keep) {
        let _ = writeln!(
            out,
            "  subgraph site{}[\"{}\"]",
            group.key,
            esc(&group.label)
        );
        for p in &group.pools {
            let pool = &topo.pools[p.0];
            let _ = writeln!(
                out,
                "    subgraph pool{}[\"{} ({} pool)\"]",
                p.0,
                esc(pool.fqdn.as_str()),
                graph.pool_kinds[p.0].label()
            );
            for m in &pool.machines {
                let fqdn = topo.machines[m.0].fqdn.as_str();
                let ft = graph.file_transfer_machines.contains(m);
                let pc = graph.pchat_machines.contains(m);
                let failing = opts
                    .failing
                    .is_some_and(|f| f.contains(&fqdn.to_ascii_lowercase()));
                let mut label = esc(fqdn);
                if ft {
                    label.push_str("<br/>⇅ file upload/download");
                }
                if pc {
                    label.push_str("<br/>Persistent Chat");
                }
                if failing {
                    label.push_str("<br/>✗ not ready");
                }
                let class = if failing {
                    ":::failing"
                } else if ft {
                    ":::fileTransfer"
                } else if pc {
                    ":::pchat"
                } else {
                    ""
                };
                let _ = writeln!(out, "      m{}[\"{}\"]{}", m.0, label, class);
            }
            out.push_str("    end\n");
        }
        out.push_str("  end\n");
    }
    for e in graph.pool_edges(topo, keep) {
        let _ = writeln!(
            out,
            "  pool{} -->|\"{}\"| pool{}",
            e.from.0,
            esc(&e.roles.join(", ")),
            e.to.0
        );
    }
    out.push_str("  classDef fileTransfer fill:#c8e6c9,stroke:#2e7d32,color:#1b5e20\n");
    out.push_str("  classDef pchat fill:#bbdefb,stroke:#1565c0,color:#0d47a1\n");
    out.push_str("  classDef failing fill:#ffcdd2,stroke:#c62828,color:#b71c1c,stroke-width:2px\n");
    out
}
