//! `topocert graph --format json`: the petgraph graph as node and edge lists (schema_version 1,
//! docs/json-output.md).

use crate::graph::{Edge, Node, ServerGraph};
use crate::model::{PoolIdx, Topology};
use petgraph::visit::EdgeRef;
use serde::Serialize;
use std::collections::BTreeSet;

/// A node in JSON.
#[derive(Debug, Serialize)]
pub struct JsonNode {
    /// Stable id: `site:<id>`, `pool:<fqdn>`, `machine:<fqdn>` or `service:<identity>`.
    pub id: String,
    /// `site`, `pool`, `machine` or `service`.
    #[serde(rename = "type")]
    pub node_type: &'static str,
    /// Display label.
    pub label: String,
    /// Pool kind (pools and machines).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    /// Machines: runs Persistent Chat file upload/download.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_transfer: Option<bool>,
    /// Machines: runs Persistent Chat.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub persistent_chat: Option<bool>,
}

/// An edge in JSON.
#[derive(Debug, Serialize)]
pub struct JsonEdge {
    /// Source node id.
    pub from: String,
    /// Target node id.
    pub to: String,
    /// `contains`, `installed-on` or `depends-on`.
    pub kind: &'static str,
}

/// Version of the `graph --format json` layout (docs/json-output.md).
pub const SCHEMA_VERSION: u32 = 1;

/// The whole graph.
#[derive(Debug, Serialize)]
pub struct JsonGraph {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Nodes.
    pub nodes: Vec<JsonNode>,
    /// Edges.
    pub edges: Vec<JsonEdge>,
}

fn node_pool(topo: &Topology, n: Node) -> Option<PoolIdx> {
    match n {
        Node::Site(_) => None,
        Node::Pool(p) => Some(p),
        Node::Machine(m) => Some(topo.machines[m.0].pool),
        Node::Service(s) => topo.service_pool(s),
    }
}

/// `graph --format json`.
pub fn render(v: &super::View<'_>) -> Result<String, super::RenderError> {
    Ok(super::to_json(&build(v.topology, v.graph, v.focus)))
}

/// Builds the JSON graph, restricted to the pools in `keep` (sites are kept when they contain
/// a kept pool).
pub fn build(topo: &Topology, graph: &ServerGraph, keep: Option<&BTreeSet<PoolIdx>>) -> JsonGraph {
    let kept_sites: BTreeSet<_> = keep
        .map(|k| k.iter().filter_map(|p| topo.pools[p.0].site).collect())
        .unwrap_or_default();
    let included = |n: Node| match (keep, n) {
        (None, _) => true,
        (Some(_), Node::Site(s)) => kept_sites.contains(&s),
        (Some(k), n) => node_pool(topo, n).is_some_and(|p| k.contains(&p)),
    };
    let id = |n: Node| match n {
        Node::Site(s) => format!("site:{}", topo.sites[s.0].id),
        Node::Pool(p) => format!("pool:{}", topo.pools[p.0].fqdn),
        Node::Machine(m) => format!("machine:{}", topo.machines[m.0].fqdn),
        Node::Service(s) => format!("service:{}", topo.service_identity(s)),
    };
    let nodes = graph
        .graph
        .node_weights()
        .copied()
        .filter(|n| included(*n))
        .map(|n| match n {
            Node::Site(s) => JsonNode {
                id: id(n),
                node_type: "site",
                label: topo.sites[s.0].display_name(),
                kind: None,
                file_transfer: None,
                persistent_chat: None,
            },
            Node::Pool(p) => JsonNode {
                id: id(n),
                node_type: "pool",
                label: topo.pools[p.0].fqdn.to_string(),
                kind: Some(graph.pool_kinds[p.0].as_str()),
                file_transfer: None,
                persistent_chat: None,
            },
            Node::Machine(m) => JsonNode {
                id: id(n),
                node_type: "machine",
                label: topo.machines[m.0].fqdn.to_string(),
                kind: Some(graph.machine_kind(topo, m).as_str()),
                file_transfer: Some(graph.file_transfer_machines.contains(&m)),
                persistent_chat: Some(graph.pchat_machines.contains(&m)),
            },
            Node::Service(s) => JsonNode {
                id: id(n),
                node_type: "service",
                label: topo.service_identity(s),
                kind: None,
                file_transfer: None,
                persistent_chat: None,
            },
        })
        .collect();
    let edges = graph
        .graph
        .edge_references()
        .filter(|e| included(graph.graph[e.source()]) && included(graph.graph[e.target()]))
        .map(|e| JsonEdge {
            from: id(graph.graph[e.source()]),
            to: id(graph.graph[e.target()]),
            kind: match e.weight() {
                Edge::Contains => "contains",
                Edge::InstalledOn => "installed-on",
                Edge::DependsOn => "depends-on",
            },
        })
        .collect();
    JsonGraph {
        schema_version: SCHEMA_VERSION,
        nodes,
        edges,
    }
}
