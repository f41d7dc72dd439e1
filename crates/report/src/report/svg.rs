//! The topology as an inline SVG for the HTML report: one column per site, one box per pool
//! listing its servers, and the dependencies between pools as arrows. Hand-written layered
//! layout, so users need no Graphviz. The report draws the Persistent Chat part by default.

use super::html::esc;
use crate::graph::{PoolKind, ServerGraph};
use crate::model::{MachineIdx, PoolIdx, Topology};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

const COL_W: f64 = 480.0;
const BOX_W: f64 = 250.0;
const ROW_H: f64 = 20.0;
const HEAD_H: f64 = 40.0;
const GAP: f64 = 24.0;
const TOP: f64 = 40.0;

/// What the drawing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every pool.
    All,
    /// Only the Persistent Chat pools, the pools they depend on, and their servers.
    PersistentChat,
}

/// Draws the pools in `focus` (all when `None`) and the dependencies between them, each arrow
/// labelled with the roles it leads to; `failing` servers get a red border and a ✗. Returns the
/// scope drawn.
pub fn render(
    topo: &Topology,
    graph: &ServerGraph,
    failing: &BTreeSet<MachineIdx>,
    focus: Option<&BTreeSet<PoolIdx>>,
) -> (String, Scope) {
    let (keep, scope) = match focus {
        Some(k) => (Some(k), Scope::PersistentChat),
        None => (None, Scope::All),
    };
    let groups = crate::graph::pools_by_site(topo, keep);
    let mut boxes: BTreeMap<PoolIdx, (f64, f64, f64)> = BTreeMap::new();
    let mut body = String::new();
    let mut max_h: f64 = 0.0;
    for (col, g) in groups.iter().enumerate() {
        let x = 10.0 + col as f64 * COL_W;
        let mut y = TOP;
        for p in &g.pools {
            let h = HEAD_H + ROW_H * topo.pools[p.0].machines.len() as f64 + 6.0;
            boxes.insert(*p, (x + 15.0, y, h));
            y += h + GAP;
        }
        let _ = write!(
            body,
            "<rect class=\"site\" x=\"{x}\" y=\"4\" width=\"{}\" height=\"{{SITE_H}}\" rx=\"8\"/><text class=\"site-label\" x=\"{}\" y=\"24\">{}</text>",
            COL_W - 20.0,
            x + 10.0,
            esc(&g.label)
        );
        max_h = max_h.max(y);
    }
    // Edges first so the boxes cover their ends.
    let mut edges = String::new();
    let mut targets: BTreeMap<PoolIdx, (f64, f64, &str, BTreeSet<String>)> = BTreeMap::new();
    // The Persistent Chat pool → file upload/download pool edges, found once.
    let pchat_web_edges: std::collections::HashSet<(crate::model::PoolIdx, crate::model::PoolIdx)> =
        graph
            .pchat_links
            .iter()
            .flat_map(|l| l.serving_pools.iter().map(|&to| (l.pchat_pool, to)))
            .collect();
    for e in graph.pool_edges(topo, keep) {
        let (Some(a), Some(b)) = (boxes.get(&e.from), boxes.get(&e.to)) else {
            continue;
        };
        let pchat_web = pchat_web_edges.contains(&(e.from, e.to));
        let (x1, x2) = if (a.0 - b.0).abs() < 1.0 {
            (a.0 + BOX_W, b.0 + BOX_W)
        } else if a.0 < b.0 {
            (a.0 + BOX_W, b.0)
        } else {
            (a.0, b.0 + BOX_W)
        };
        let (y1, y2) = (a.1 + HEAD_H / 2.0, b.1 + HEAD_H / 2.0);
        // Arrows inside one column bulge out more the farther apart their pools are.
        let bend = if (x1 - x2).abs() < 1.0 {
            12.0 + (y2 - y1).abs() * 0.08
        } else {
            0.0
        };
        let _ = write!(
            edges,
            "<path class=\"edge{}\" d=\"M{x1},{y1} C{},{y1} {},{y2} {x2},{y2}\" marker-end=\"url(#arrow)\"><title>{} depends on {}: {}</title></path>",
            if pchat_web { " pchat-web" } else { "" },
            x1 + (x2 - x1) / 2.0 + bend,
            x1 + (x2 - x1) / 2.0 + bend,
            esc(topo.pools[e.from.0].fqdn.as_str()),
            esc(topo.pools[e.to.0].fqdn.as_str()),
            esc(&e.roles.join(", "))
        );
        // One label per box an arrow enters, near the arrow's head, naming the roles reached.
        let (lx, anchor) = if x2 > x1 {
            (x2 - 4.0, "end")
        } else {
            (x2 + 4.0, "start")
        };
        let entry = targets
            .entry(e.to)
            .or_insert_with(|| (lx, y2 - 5.0, anchor, BTreeSet::new()));
        entry.3.extend(e.roles.iter().cloned());
    }
    let mut labels = String::new();
    for (lx, ly, anchor, roles) in targets.into_values() {
        let mut roles = roles.into_iter();
        let first = roles.next().unwrap_or_default();
        let more = roles.count();
        let label = if more == 0 {
            first
        } else {
            format!("{first} +{more}")
        };
        let _ = write!(
            labels,
            "<text class=\"edge-label\" x=\"{lx}\" y=\"{ly}\" text-anchor=\"{anchor}\">{}</text>",
            esc(&label)
        );
    }
    let width = 20.0 + groups.len().max(1) as f64 * COL_W;
    let height = max_h + 10.0;
    let body = body.replace("{SITE_H}", &format!("{}", max_h - 4.0));
    // The pools (a line per server) are written into the drawing itself, not into a string
    // of their own copied into it.
    let mut svg = format!(
        "<svg class=\"topology\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" role=\"img\" aria-label=\"Topology graph\"><defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#607d8b\"/></marker></defs>{body}{edges}"
    );
    drop((body, edges));
    let pools = &mut svg;
    for (p, (x, y, h)) in &boxes {
        let pool = &topo.pools[p.0];
        let kind = graph.pool_kinds[p.0];
        let head = if kind == PoolKind::PersistentChat {
            "pool-head pchat"
        } else {
            "pool-head"
        };
        let _ = write!(
            pools,
            "<g class=\"pool\"><rect class=\"pool-box\" x=\"{x}\" y=\"{y}\" width=\"{BOX_W}\" height=\"{h}\" rx=\"4\"/><rect class=\"{head}\" x=\"{x}\" y=\"{y}\" width=\"{BOX_W}\" height=\"{HEAD_H}\" rx=\"4\"/><text x=\"{}\" y=\"{}\" class=\"pool-name\">{}</text><text x=\"{}\" y=\"{}\" class=\"pool-kind\">{} pool</text>",
            x + 6.0,
            y + 16.0,
            esc(pool.fqdn.as_str()),
            x + 6.0,
            y + 32.0,
            esc(kind.label())
        );
        for (i, m) in pool.machines.iter().enumerate() {
            let ry = y + HEAD_H + 3.0 + i as f64 * ROW_H;
            let ft = graph.file_transfer_machines.contains(m);
            let pc = graph.pchat_machines.contains(m);
            let class = match (ft, pc) {
                (true, _) => "server ft",
                (false, true) => "server pc",
                _ => "server",
            };
            let bad = failing.contains(m);
            let _ = write!(
                pools,
                "<rect class=\"{class}{}\" x=\"{}\" y=\"{ry}\" width=\"{}\" height=\"{}\"/><text x=\"{}\" y=\"{}\" class=\"server-name\">{}{}{}</text>",
                if bad { " failing" } else { "" },
                x + 3.0,
                BOX_W - 6.0,
                ROW_H - 2.0,
                x + 8.0,
                ry + 13.0,
                if bad { "✗ " } else { "" },
                esc(topo.machines[m.0].fqdn.as_str()),
                if ft { " ⇅" } else { "" }
            );
        }
        pools.push_str("</g>");
    }
    svg.push_str(&labels);
    svg.push_str("</svg>");
    (svg, scope)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (Topology, ServerGraph) {
        let path = concat!(
            concat!(env!("CARGO_MANIFEST_DIR"), "/../.."),
            "/sample-topologies/enterprise-multisite/topology.xml"
        );
        let topo = crate::topology::load_path(path).expect("sample loads");
        let graph = ServerGraph::build(&topo);
        (topo, graph)
    }

    #[test]
    fn draws_every_pool_when_not_focused() {
        let (topo, graph) = sample();
        let (svg, scope) = render(&topo, &graph, &BTreeSet::new(), None);
        assert_eq!(scope, Scope::All);
        assert!(svg.contains("med02.fabrikam.com"));
        assert!(!svg.contains("failing"));
    }

    #[test]
    fn draws_only_the_persistent_chat_part_when_focused_with_labelled_edges() {
        let (topo, graph) = sample();
        let pc02 = topo.machine_by_fqdn("pc02.fabrikam.com").expect("pc02");
        let focus = graph.persistent_chat_focus(&topo);
        let (svg, scope) = render(&topo, &graph, &BTreeSet::from([pc02]), Some(&focus));
        assert!(svg.contains("class=\"edge-label\""), "edges are labelled");
        assert!(
            svg.contains(">Registrar"),
            "the Persistent Chat pool's link to its Registrar is named"
        );
        assert_eq!(scope, Scope::PersistentChat);
        assert!(svg.contains("pchat01.fabrikam.com"));
        assert!(!svg.contains("med02.fabrikam.com"));
        assert!(svg.contains("✗ pc02.fabrikam.com"));
    }
}
