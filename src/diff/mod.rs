//! `topocert diff OLD NEW`: what a topology change adds, removes and moves, and how it changes
//! which servers need Persistent Chat certificates (the readiness delta).
//!
//! Elements are matched by stable identity, never by position or `UniqueId`/`SiteId` numbers:
//! sites by name, pools by FQDN, machines by FQDN (case-insensitive), services by role and the
//! FQDN of the pool they are installed on.

use crate::check::{checked_servers, CheckResult, CheckedKind};
use crate::graph::ServerGraph;
use crate::model::{Fqdn, InstalledOn, MachineIdx, PoolIdx, ServiceIdx, Topology};
pub mod json;

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One side of the comparison: a loaded topology and its graph.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// The topology.
    pub topology: &'a Topology,
    /// Its graph.
    pub graph: &'a ServerGraph,
}

/// A service's stable identity: role name and the FQDN of the pool it is installed on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ServiceId {
    /// `RoleName` as written.
    pub role: String,
    /// The pool FQDN (lower case); empty when it could not be resolved.
    pub pool: String,
}

impl std::fmt::Display for ServiceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} on {}", self.role, self.pool)
    }
}

/// A server in one side: where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Placement {
    /// Pool FQDN.
    pub pool: String,
    /// Site name (or `Site <id>`), empty when unknown.
    pub site: String,
}

/// An added or removed server.
#[derive(Debug, Clone, Serialize)]
pub struct ServerChange {
    /// Server FQDN as written.
    pub fqdn: String,
    /// Where it is (in NEW when added, in OLD when removed).
    pub at: Placement,
    /// One-based line of its element in NEW (added) or OLD (removed).
    pub line: usize,
}

/// A server whose pool or site changed.
#[derive(Debug, Clone, Serialize)]
pub struct ServerMove {
    /// Server FQDN as written in NEW.
    pub fqdn: String,
    /// Where it was.
    pub from: Placement,
    /// Where it is now.
    pub to: Placement,
    /// One-based line of its element in NEW.
    pub line: usize,
}

/// A service present on both sides whose dependencies or web components changed.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceChange {
    /// The service.
    pub service: ServiceId,
    /// Dependencies added.
    pub dependencies_added: Vec<ServiceId>,
    /// Dependencies removed.
    pub dependencies_removed: Vec<ServiceId>,
    /// Web components added.
    pub web_components_added: Vec<String>,
    /// Web components removed.
    pub web_components_removed: Vec<String>,
    /// One-based line of its element in NEW.
    pub line: usize,
}

/// A pool present on both sides whose site changed.
#[derive(Debug, Clone, Serialize)]
pub struct PoolMove {
    /// Pool FQDN.
    pub fqdn: String,
    /// Old site.
    pub from_site: String,
    /// New site.
    pub to_site: String,
}

/// Why a server needs certificates, per side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReadinessChange {
    /// Server FQDN.
    pub fqdn: String,
    /// Its kind in OLD (`None`: not checked there, or absent).
    pub before: Option<CheckedKind>,
    /// Its kind in NEW (`None`: not checked there, or absent).
    pub after: Option<CheckedKind>,
}

/// A Persistent Chat pool whose file upload/download serving pools changed.
#[derive(Debug, Clone, Serialize)]
pub struct ServingChange {
    /// The Persistent Chat pool FQDN.
    pub pchat_pool: String,
    /// Serving pools in OLD (empty when the pool is new or unassociated).
    pub before: Vec<String>,
    /// Serving pools in NEW (empty when the pool is gone or unassociated).
    pub after: Vec<String>,
}

/// Everything that differs between OLD and NEW.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TopologyDiff {
    /// Site names added.
    pub sites_added: Vec<String>,
    /// Site names removed.
    pub sites_removed: Vec<String>,
    /// Pool FQDNs added.
    pub pools_added: Vec<String>,
    /// Pool FQDNs removed.
    pub pools_removed: Vec<String>,
    /// Pools whose site changed.
    pub pools_moved: Vec<PoolMove>,
    /// Servers added.
    pub servers_added: Vec<ServerChange>,
    /// Servers removed.
    pub servers_removed: Vec<ServerChange>,
    /// Servers whose pool or site changed.
    pub servers_moved: Vec<ServerMove>,
    /// Services added.
    pub services_added: Vec<ServiceId>,
    /// Services removed.
    pub services_removed: Vec<ServiceId>,
    /// Services changed.
    pub services_changed: Vec<ServiceChange>,
    /// Servers that became, stopped being, or changed kind of checked server.
    pub readiness: Vec<ReadinessChange>,
    /// Persistent Chat pools whose serving pools changed.
    pub serving_pools: Vec<ServingChange>,
}

impl TopologyDiff {
    /// True when OLD and NEW describe the same topology.
    pub fn is_empty(&self) -> bool {
        self.sites_added.is_empty()
            && self.sites_removed.is_empty()
            && self.pools_added.is_empty()
            && self.pools_removed.is_empty()
            && self.pools_moved.is_empty()
            && self.servers_added.is_empty()
            && self.servers_removed.is_empty()
            && self.servers_moved.is_empty()
            && self.services_added.is_empty()
            && self.services_removed.is_empty()
            && self.services_changed.is_empty()
            && self.readiness.is_empty()
            && self.serving_pools.is_empty()
    }

    /// FQDNs (lower case) of the servers the change adds to the check or moves: those to
    /// report certificate verdicts for.
    pub fn servers_to_verify(&self) -> BTreeSet<String> {
        let mut out: BTreeSet<String> = self
            .readiness
            .iter()
            .filter(|r| r.after.is_some())
            .map(|r| r.fqdn.to_ascii_lowercase())
            .collect();
        out.extend(
            self.servers_moved
                .iter()
                .map(|m| m.fqdn.to_ascii_lowercase()),
        );
        out
    }
}

fn site_name(t: &Topology, p: PoolIdx) -> String {
    t.pool_site(p).map(|s| s.display_name()).unwrap_or_default()
}

fn line(t: &Topology, span: crate::model::Span) -> usize {
    t.source.line_col(span.start).0
}

fn placement(t: &Topology, m: MachineIdx) -> Placement {
    let p = t.machines[m.0].pool;
    Placement {
        pool: t.pools[p.0].fqdn.to_string(),
        site: site_name(t, p),
    }
}

fn service_id(t: &Topology, s: ServiceIdx) -> ServiceId {
    let svc = &t.services[s.0];
    let pool = match svc.installed_on {
        Some(InstalledOn::Pool(p)) => Some(p),
        Some(InstalledOn::SqlInstance(q)) => Some(t.sql_instances[q.0].pool),
        None => None,
    };
    ServiceId {
        role: svc.role_name.clone(),
        pool: pool.map_or(String::new(), |p| t.pools[p.0].fqdn.folded().to_string()),
    }
}

fn machines_by_fqdn(t: &Topology) -> BTreeMap<Fqdn, MachineIdx> {
    t.machines
        .iter()
        .enumerate()
        .map(|(i, m)| (m.fqdn.clone(), MachineIdx(i)))
        .collect()
}

fn pools_by_fqdn(t: &Topology) -> BTreeMap<Fqdn, PoolIdx> {
    t.pools
        .iter()
        .enumerate()
        .map(|(i, p)| (p.fqdn.clone(), PoolIdx(i)))
        .collect()
}

fn services_by_id(t: &Topology) -> BTreeMap<ServiceId, ServiceIdx> {
    (0..t.services.len())
        .map(|i| (service_id(t, ServiceIdx(i)), ServiceIdx(i)))
        .collect()
}

fn kinds(side: Side<'_>) -> BTreeMap<Fqdn, CheckedKind> {
    checked_servers(side.topology, side.graph)
        .into_iter()
        .map(|(m, k)| (side.topology.machines[m.0].fqdn.clone(), k))
        .collect()
}

fn serving(side: Side<'_>) -> BTreeMap<Fqdn, Vec<String>> {
    let t = side.topology;
    side.graph
        .pchat_links
        .iter()
        .map(|l| {
            let mut pools: Vec<String> = l
                .serving_pools
                .iter()
                .map(|p| t.pools[p.0].fqdn.folded().to_string())
                .collect();
            pools.sort();
            pools.dedup();
            (t.pools[l.pchat_pool.0].fqdn.clone(), pools)
        })
        .collect()
}

fn added_removed<K: Ord + Clone, V>(
    old: &BTreeMap<K, V>,
    new: &BTreeMap<K, V>,
) -> (Vec<K>, Vec<K>) {
    let added = new
        .keys()
        .filter(|k| !old.contains_key(*k))
        .cloned()
        .collect();
    let removed = old
        .keys()
        .filter(|k| !new.contains_key(*k))
        .cloned()
        .collect();
    (added, removed)
}

/// Compares two topologies.
pub fn diff(old: Side<'_>, new: Side<'_>) -> TopologyDiff {
    let (o, n) = (old.topology, new.topology);
    let mut d = TopologyDiff::default();

    let sites = |t: &Topology| -> BTreeMap<String, ()> {
        t.sites.iter().map(|s| (s.display_name(), ())).collect()
    };
    (d.sites_added, d.sites_removed) = added_removed(&sites(o), &sites(n));

    let (op, np) = (pools_by_fqdn(o), pools_by_fqdn(n));
    let (pa, pr) = added_removed(&op, &np);
    d.pools_added = pa.iter().map(|f| f.to_string()).collect();
    d.pools_removed = pr.iter().map(|f| f.to_string()).collect();
    for (f, &pi) in &np {
        if let Some(&oi) = op.get(f) {
            let (from_site, to_site) = (site_name(o, oi), site_name(n, pi));
            if from_site != to_site {
                d.pools_moved.push(PoolMove {
                    fqdn: f.to_string(),
                    from_site,
                    to_site,
                });
            }
        }
    }

    let (om, nm) = (machines_by_fqdn(o), machines_by_fqdn(n));
    for (f, &ni) in &nm {
        match om.get(f) {
            None => d.servers_added.push(ServerChange {
                fqdn: f.to_string(),
                at: placement(n, ni),
                line: line(n, n.machines[ni.0].span),
            }),
            Some(&oi) => {
                let (from, to) = (placement(o, oi), placement(n, ni));
                if !from.pool.eq_ignore_ascii_case(&to.pool) || from.site != to.site {
                    d.servers_moved.push(ServerMove {
                        fqdn: f.to_string(),
                        from,
                        to,
                        line: line(n, n.machines[ni.0].span),
                    });
                }
            }
        }
    }
    for (f, &oi) in &om {
        if !nm.contains_key(f) {
            d.servers_removed.push(ServerChange {
                fqdn: f.to_string(),
                at: placement(o, oi),
                line: line(o, o.machines[oi.0].span),
            });
        }
    }

    let (os, ns) = (services_by_id(o), services_by_id(n));
    (d.services_added, d.services_removed) = added_removed(&os, &ns);
    for (id, &ni) in &ns {
        let Some(&oi) = os.get(id) else { continue };
        let deps = |t: &Topology, s: ServiceIdx| -> BTreeSet<ServiceId> {
            t.services[s.0]
                .depends_on
                .iter()
                .map(|&x| service_id(t, x))
                .collect()
        };
        let web = |t: &Topology, s: ServiceIdx| -> BTreeSet<String> {
            t.services[s.0]
                .web
                .iter()
                .flat_map(|w| w.components.iter().cloned())
                .collect()
        };
        let (od, nd) = (deps(o, oi), deps(n, ni));
        let (ow, nw) = (web(o, oi), web(n, ni));
        let c = ServiceChange {
            service: id.clone(),
            dependencies_added: nd.difference(&od).cloned().collect(),
            dependencies_removed: od.difference(&nd).cloned().collect(),
            web_components_added: nw.difference(&ow).cloned().collect(),
            web_components_removed: ow.difference(&nw).cloned().collect(),
            line: line(n, n.services[ni.0].span),
        };
        if !(c.dependencies_added.is_empty()
            && c.dependencies_removed.is_empty()
            && c.web_components_added.is_empty()
            && c.web_components_removed.is_empty())
        {
            d.services_changed.push(c);
        }
    }

    let (ok, nk) = (kinds(old), kinds(new));
    let all: BTreeSet<&Fqdn> = ok.keys().chain(nk.keys()).collect();
    for f in all {
        let (before, after) = (ok.get(f).copied(), nk.get(f).copied());
        if before != after {
            d.readiness.push(ReadinessChange {
                fqdn: f.to_string(),
                before,
                after,
            });
        }
    }

    let (osv, nsv) = (serving(old), serving(new));
    let pools: BTreeSet<&Fqdn> = osv.keys().chain(nsv.keys()).collect();
    for p in pools {
        let (before, after) = (
            osv.get(p).cloned().unwrap_or_default(),
            nsv.get(p).cloned().unwrap_or_default(),
        );
        if before != after || osv.contains_key(p) != nsv.contains_key(p) {
            d.serving_pools.push(ServingChange {
                pchat_pool: p.to_string(),
                before,
                after,
            });
        }
    }
    d
}

impl CheckResult {
    /// The result restricted to some servers (FQDNs, any case): their checked entries and the
    /// findings about them. Findings about no server are dropped; the reference CA is kept.
    pub fn restricted_to(&self, topo: &Topology, fqdns: &BTreeSet<String>) -> CheckResult {
        let keep = |m: MachineIdx| fqdns.contains(topo.machines[m.0].fqdn.folded());
        CheckResult {
            servers: self
                .servers
                .iter()
                .filter(|s| keep(s.machine))
                .cloned()
                .collect(),
            reference_ca: self.reference_ca.clone(),
            findings: self
                .findings
                .iter()
                .filter(|f| f.machine.is_some_and(keep))
                .cloned()
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests;
