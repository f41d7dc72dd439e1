//! The server graph (petgraph) and what it tells: pool kinds, Persistent Chat pools, and the
//! Persistent Chat file upload/download servers.

use crate::model::*;
use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;
use std::collections::BTreeSet;

/// What a pool is, by the services it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PoolKind {
    /// Front End pool or Standard Edition server (Registrar, not a Director, with UserServices).
    FrontEnd,
    /// Director pool (Registrar without UserServices, or `IsDirector="true"`).
    Director,
    /// Persistent Chat Server pool.
    PersistentChat,
    /// Edge pool.
    Edge,
    /// Mediation pool.
    Mediation,
    /// SQL Server store.
    Sql,
    /// File store (file share).
    FileStore,
    /// Office Web Apps Server farm.
    OfficeWebApps,
    /// Anything else (PSTN gateway, trusted application pool, ...).
    Other,
}

impl PoolKind {
    /// Stable kebab-case name used in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            PoolKind::FrontEnd => "front-end",
            PoolKind::Director => "director",
            PoolKind::PersistentChat => "persistent-chat",
            PoolKind::Edge => "edge",
            PoolKind::Mediation => "mediation",
            PoolKind::Sql => "sql",
            PoolKind::FileStore => "file-store",
            PoolKind::OfficeWebApps => "office-web-apps",
            PoolKind::Other => "other",
        }
    }
    /// Name for people: "Front End", "Persistent Chat", ...
    pub fn label(self) -> &'static str {
        match self {
            PoolKind::FrontEnd => "Front End",
            PoolKind::Director => "Director",
            PoolKind::PersistentChat => "Persistent Chat",
            PoolKind::Edge => "Edge",
            PoolKind::Mediation => "Mediation",
            PoolKind::Sql => "SQL store",
            PoolKind::FileStore => "file store",
            PoolKind::OfficeWebApps => "Office Web Apps",
            PoolKind::Other => "other",
        }
    }
    /// True for the pools whose servers count as "Lync internal servers" for CA inference:
    /// everything except Edge, SQL, file stores and Office Web Apps.
    pub fn is_internal_lync_server(self) -> bool {
        !matches!(
            self,
            PoolKind::Edge | PoolKind::Sql | PoolKind::FileStore | PoolKind::OfficeWebApps
        )
    }
}

/// A node of the server graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    /// A central site.
    Site(SiteIdx),
    /// A pool.
    Pool(PoolIdx),
    /// A machine.
    Machine(MachineIdx),
    /// A service.
    Service(ServiceIdx),
}

/// An edge of the server graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    /// Site → pool, pool → machine.
    Contains,
    /// Service → pool it runs on.
    InstalledOn,
    /// Service → service it depends on.
    DependsOn,
}

/// A Persistent Chat pool and the web-services pools that serve its file upload/download.
#[derive(Debug, Clone, Serialize)]
pub struct PersistentChatLink {
    /// The pool running the Persistent Chat service.
    pub pchat_pool: PoolIdx,
    /// Pools whose `WebServices` has `PersistentChatWeb` and that the Persistent Chat service
    /// depends on (directly or through a service installed on them). Empty: unassociated.
    pub serving_pools: Vec<PoolIdx>,
}

/// The topology's graph and everything derived from it.
#[derive(Debug)]
pub struct ServerGraph {
    /// The petgraph graph of sites, pools, machines and services.
    pub graph: DiGraph<Node, Edge>,
    /// Graph node of each pool, by [`PoolIdx`].
    pub pool_nodes: Vec<NodeIndex>,
    /// Graph node of each machine, by [`MachineIdx`].
    pub machine_nodes: Vec<NodeIndex>,
    /// Kind of each pool, by [`PoolIdx`].
    pub pool_kinds: Vec<PoolKind>,
    /// One entry per pool running a Persistent Chat service, in document order.
    pub pchat_links: Vec<PersistentChatLink>,
    /// Machines that run the Persistent Chat file upload/download web service.
    pub file_transfer_machines: BTreeSet<MachineIdx>,
    /// Machines of pools that run a Persistent Chat service.
    pub pchat_machines: BTreeSet<MachineIdx>,
}

/// Classifies a pool by its services, told whether it hosts a SQL instance.
fn classify(topo: &Topology, pool: PoolIdx, hosts_sql: bool) -> PoolKind {
    let p = &topo.pools[pool.0];
    let has = |r: &Role| p.services.iter().any(|s| &topo.services[s.0].role == r);
    let director_flag = p
        .services
        .iter()
        .any(|s| topo.services[s.0].role == Role::Registrar && topo.services[s.0].is_director);
    if has(&Role::Registrar) {
        if !director_flag && has(&Role::UserServices) {
            return PoolKind::FrontEnd;
        }
        return PoolKind::Director;
    }
    if has(&Role::PersistentChat) {
        PoolKind::PersistentChat
    } else if has(&Role::EdgeServer) {
        PoolKind::Edge
    } else if has(&Role::MediationServer) {
        PoolKind::Mediation
    } else if has(&Role::WacService) {
        PoolKind::OfficeWebApps
    } else if has(&Role::FileStore) {
        PoolKind::FileStore
    } else if p
        .services
        .iter()
        .any(|s| topo.services[s.0].role.is_store())
        || hosts_sql
    {
        PoolKind::Sql
    } else {
        PoolKind::Other
    }
}

/// The pool's `WebServices` settings with `PersistentChatWeb`, if it has one.
fn serves_pchat_web(topo: &Topology, pool: PoolIdx) -> bool {
    topo.pools[pool.0].services.iter().any(|s| {
        let svc = &topo.services[s.0];
        svc.role == Role::WebServices
            && svc
                .web
                .as_deref()
                .is_some_and(WebServiceSettings::has_persistent_chat_web)
    })
}

impl ServerGraph {
    /// Builds the graph and derives pool kinds and the Persistent Chat file transfer servers.
    pub fn build(topo: &Topology) -> ServerGraph {
        // Sized exactly: the edges are the ones added below, counted first (a list that
        // outgrows its estimate is copied into one twice its size).
        let edges = topo
            .pools
            .iter()
            .map(|p| usize::from(p.site.is_some()) + p.machines.len())
            .sum::<usize>()
            + (0..topo.services.len())
                .map(|i| {
                    usize::from(topo.service_pool(ServiceIdx(i)).is_some())
                        + topo.services[i].depends_on.len()
                })
                .sum::<usize>();
        let mut graph = DiGraph::with_capacity(
            topo.sites.len() + topo.pools.len() + topo.machines.len() + topo.services.len(),
            edges,
        );
        let site_nodes: Vec<_> = (0..topo.sites.len())
            .map(|i| graph.add_node(Node::Site(SiteIdx(i))))
            .collect();
        let pool_nodes: Vec<_> = (0..topo.pools.len())
            .map(|i| graph.add_node(Node::Pool(PoolIdx(i))))
            .collect();
        let machine_nodes: Vec<_> = (0..topo.machines.len())
            .map(|i| graph.add_node(Node::Machine(MachineIdx(i))))
            .collect();
        let service_nodes: Vec<_> = (0..topo.services.len())
            .map(|i| graph.add_node(Node::Service(ServiceIdx(i))))
            .collect();
        for (i, p) in topo.pools.iter().enumerate() {
            if let Some(s) = p.site {
                graph.add_edge(site_nodes[s.0], pool_nodes[i], Edge::Contains);
            }
            for m in &p.machines {
                graph.add_edge(pool_nodes[i], machine_nodes[m.0], Edge::Contains);
            }
        }
        for (i, s) in topo.services.iter().enumerate() {
            if let Some(p) = topo.service_pool(ServiceIdx(i)) {
                graph.add_edge(service_nodes[i], pool_nodes[p.0], Edge::InstalledOn);
            }
            for d in &s.depends_on {
                graph.add_edge(service_nodes[i], service_nodes[d.0], Edge::DependsOn);
            }
        }

        // which pools host SQL instances, found once (not once per pool)
        let mut hosts_sql = vec![false; topo.pools.len()];
        for i in &topo.sql_instances {
            hosts_sql[i.pool.0] = true;
        }
        let pool_kinds: Vec<_> = (0..topo.pools.len())
            .map(|i| classify(topo, PoolIdx(i), hosts_sql[i]))
            .collect();

        // Persistent Chat links: follow each Persistent Chat service's dependencies (one hop)
        // and, from each dependency, the WebServices it depends on (the next-hop Registrar's
        // web services); keep the pools that host WebServices with PersistentChatWeb.
        let mut pchat_links: Vec<PersistentChatLink> = Vec::new();
        // index into `pchat_links` of each pool's link (a search of the list made this
        // quadratic in Persistent Chat pools)
        let mut link_of_pool: Vec<Option<usize>> = vec![None; topo.pools.len()];
        for (i, s) in topo.services.iter().enumerate() {
            if s.role != Role::PersistentChat {
                continue;
            }
            let Some(pchat_pool) = topo.service_pool(ServiceIdx(i)) else {
                continue;
            };
            let mut serving = BTreeSet::new();
            for &d in &s.depends_on {
                let mut candidates = vec![d];
                candidates.extend(
                    topo.services[d.0]
                        .depends_on
                        .iter()
                        .copied()
                        .filter(|w| topo.services[w.0].role == Role::WebServices),
                );
                for c in candidates {
                    if let Some(p) = topo.service_pool(c) {
                        if serves_pchat_web(topo, p) {
                            serving.insert(p);
                        }
                    }
                }
            }
            match link_of_pool[pchat_pool.0] {
                Some(l) => {
                    let link = &mut pchat_links[l];
                    for p in serving {
                        if !link.serving_pools.contains(&p) {
                            link.serving_pools.push(p);
                        }
                    }
                }
                None => {
                    link_of_pool[pchat_pool.0] = Some(pchat_links.len());
                    pchat_links.push(PersistentChatLink {
                        pchat_pool,
                        serving_pools: serving.into_iter().collect(),
                    });
                }
            }
        }
        let file_transfer_machines = pchat_links
            .iter()
            .flat_map(|l| l.serving_pools.iter())
            .flat_map(|p| topo.pools[p.0].machines.iter().copied())
            .collect();
        let pchat_machines = pchat_links
            .iter()
            .flat_map(|l| topo.pools[l.pchat_pool.0].machines.iter().copied())
            .collect();
        ServerGraph {
            graph,
            pool_nodes,
            machine_nodes,
            pool_kinds,
            pchat_links,
            file_transfer_machines,
            pchat_machines,
        }
    }

    /// Kind of the pool a machine belongs to.
    pub fn machine_kind(&self, topo: &Topology, m: MachineIdx) -> PoolKind {
        self.pool_kinds[topo.machines[m.0].pool.0]
    }

    /// Persistent Chat pools that no web-services pool serves.
    pub fn unassociated_pchat_pools(&self) -> impl Iterator<Item = PoolIdx> + '_ {
        self.pchat_links
            .iter()
            .filter(|l| l.serving_pools.is_empty())
            .map(|l| l.pchat_pool)
    }

    /// The pools kept by `--focus persistent-chat`: Persistent Chat pools and every pool a
    /// Persistent Chat service depends on.
    pub fn persistent_chat_focus(&self, topo: &Topology) -> BTreeSet<PoolIdx> {
        let mut keep = BTreeSet::new();
        for (i, s) in topo.services.iter().enumerate() {
            if s.role != Role::PersistentChat {
                continue;
            }
            keep.extend(topo.service_pool(ServiceIdx(i)));
            for d in &s.depends_on {
                keep.extend(topo.service_pool(*d));
            }
        }
        for l in &self.pchat_links {
            keep.extend(l.serving_pools.iter().copied());
        }
        keep
    }
}

/// A dependency between two pools, aggregated from the service depends-on edges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PoolEdge {
    /// Pool of the depending services.
    pub from: PoolIdx,
    /// Pool of the services depended on.
    pub to: PoolIdx,
    /// Role names depended on, sorted, without repeats.
    pub roles: Vec<String>,
}

impl ServerGraph {
    /// Pool-to-pool dependencies (self-dependencies left out), in a stable order, restricted to
    /// `keep` when given.
    pub fn pool_edges(&self, topo: &Topology, keep: Option<&BTreeSet<PoolIdx>>) -> Vec<PoolEdge> {
        use petgraph::visit::EdgeRef;
        let mut map: std::collections::BTreeMap<(PoolIdx, PoolIdx), BTreeSet<String>> =
            Default::default();
        for e in self.graph.edge_references() {
            if *e.weight() != Edge::DependsOn {
                continue;
            }
            let (Node::Service(a), Node::Service(b)) =
                (self.graph[e.source()], self.graph[e.target()])
            else {
                continue;
            };
            let (Some(pa), Some(pb)) = (topo.service_pool(a), topo.service_pool(b)) else {
                continue;
            };
            if pa == pb || keep.is_some_and(|k| !k.contains(&pa) || !k.contains(&pb)) {
                continue;
            }
            map.entry((pa, pb))
                .or_default()
                .insert(topo.services[b.0].role_name.to_string());
        }
        map.into_iter()
            .map(|((from, to), roles)| PoolEdge {
                from,
                to,
                roles: roles.into_iter().collect(),
            })
            .collect()
    }
}

/// Pools of one site, for renderers that draw a box per site.
#[derive(Debug, Clone)]
pub struct SiteGroup {
    /// Site id used in node names (`usize::MAX` for pools without a site).
    pub key: usize,
    /// `Site: <name>` or `(no site)`.
    pub label: String,
    /// Pools of the site, in topology order.
    pub pools: Vec<PoolIdx>,
}

/// The pools in `keep` (all when `None`) grouped by site, sites in topology order.
pub fn pools_by_site(topo: &Topology, keep: Option<&BTreeSet<PoolIdx>>) -> Vec<SiteGroup> {
    let mut groups: std::collections::BTreeMap<Option<SiteIdx>, Vec<PoolIdx>> = Default::default();
    for p in (0..topo.pools.len()).map(PoolIdx) {
        if keep.is_none_or(|k| k.contains(&p)) {
            groups.entry(topo.pools[p.0].site).or_default().push(p);
        }
    }
    groups
        .into_iter()
        .map(|(site, pools)| SiteGroup {
            key: site.map_or(usize::MAX, |s| s.0),
            label: site.map_or("(no site)".to_string(), |s| {
                format!("Site: {}", topo.sites[s.0].display_name())
            }),
            pools,
        })
        .collect()
}
