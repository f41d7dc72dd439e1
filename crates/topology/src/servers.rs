//! The per-machine view shared by `servers`, `check` and the reports.

use crate::graph::{PoolKind, ServerGraph};
use crate::model::{MachineIdx, Topology};
use serde::Serialize;

/// One machine, as listed by `topocert servers`.
#[derive(Debug, Clone, Serialize)]
pub struct ServerRow {
    /// Machine FQDN as written.
    pub fqdn: String,
    /// Pool FQDN.
    pub pool: String,
    /// Site name (or `Site <id>`); empty when unknown.
    pub site: String,
    /// Role names of the services on the pool, in document order, without repeats.
    pub roles: Vec<String>,
    /// Pool kind.
    pub kind: PoolKind,
    /// Runs the Persistent Chat file upload/download web service.
    pub file_transfer: bool,
    /// Runs the Persistent Chat service.
    pub persistent_chat: bool,
    /// The machine, for callers that need the model.
    #[serde(skip)]
    pub machine: MachineIdx,
}

/// Version of the `servers --format json` layout (docs/json-output.md).
pub const SCHEMA_VERSION: u32 = 1;

/// The `servers --format json` document: the rows under a schema version.
#[derive(Debug, Clone, Serialize)]
pub struct ServerList<'a> {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// One row per machine, in document order.
    pub servers: &'a [ServerRow],
}

impl<'a> ServerList<'a> {
    /// The document for `rows`.
    pub fn new(servers: &'a [ServerRow]) -> Self {
        ServerList {
            schema_version: SCHEMA_VERSION,
            servers,
        }
    }
}

/// Every machine of the topology, in document order.
pub fn server_rows(topo: &Topology, graph: &ServerGraph) -> Vec<ServerRow> {
    (0..topo.machines.len())
        .map(|i| server_row(topo, graph, MachineIdx(i)))
        .collect()
}

/// The row of machine `idx` (`idx` is a machine of `topo`).
pub fn server_row(topo: &Topology, graph: &ServerGraph, idx: MachineIdx) -> ServerRow {
    let m = &topo.machines[idx.0];
    let pool = &topo.pools[m.pool.0];
    let mut roles: Vec<String> = Vec::new();
    for s in &pool.services {
        let name = &*topo.services[s.0].role_name;
        if !roles.iter().any(|r| r == name) {
            roles.push(name.to_string());
        }
    }
    ServerRow {
        fqdn: m.fqdn.to_string(),
        pool: pool.fqdn.to_string(),
        site: topo
            .pool_site(m.pool)
            .map(|s| s.display_name())
            .unwrap_or_default(),
        roles,
        kind: graph.pool_kinds[m.pool.0],
        file_transfer: graph.file_transfer_machines.contains(&idx),
        persistent_chat: graph.pchat_machines.contains(&idx),
        machine: idx,
    }
}
