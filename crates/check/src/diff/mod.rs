//! Topology diff: what a change adds, removes or changes (sites, pools, machines, services),
//! and the readiness delta (servers that become or stop being file upload/download or
//! Persistent Chat servers, servers that move, Persistent Chat pools whose serving pool changes).
//!
//! Elements are matched by stable identity, never by position or by `UniqueId`/`SiteId`
//! numbers: sites by name, pools and machines by FQDN (case-insensitive), services by role and
//! the pool FQDN they are installed on, dependencies by the identity of the service depended on.

use crate::check::{checked_servers, CheckedKind};
use crate::graph::ServerGraph;
use crate::model::{MachineIdx, Span, Topology};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

#[cfg(test)]
mod tests;

/// One side of a diff: a loaded topology and its graph.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// The topology.
    pub topology: &'a Topology,
    /// Its graph.
    pub graph: &'a ServerGraph,
}

/// The kind of topology element a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Element {
    /// A central site.
    Site,
    /// A pool (cluster).
    Pool,
    /// A server (machine).
    Machine,
    /// A service (role installed on a pool).
    Service,
}

impl Element {
    /// Stable name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Element::Site => "site",
            Element::Pool => "pool",
            Element::Machine => "server",
            Element::Service => "service",
        }
    }
}

/// What happened to an element. Carries the line of the element in the file that has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "change")]
pub enum Change {
    /// Only in NEW.
    Added {
        /// One-based line of the element in NEW.
        line: usize,
    },
    /// Only in OLD.
    Removed {
        /// One-based line of the element in OLD.
        line: usize,
    },
    /// In both, with different properties.
    Changed {
        /// One-based line of the element in NEW.
        line: usize,
        /// The properties that differ, in a fixed order.
        fields: Vec<FieldChange>,
    },
}

impl Change {
    /// `+`, `-` or `~`.
    pub fn marker(&self) -> char {
        match self {
            Change::Added { .. } => '+',
            Change::Removed { .. } => '-',
            Change::Changed { .. } => '~',
        }
    }
}

/// A property of an element that differs between OLD and NEW. Single-valued properties have
/// at most one value; list properties (dependencies, web components) are sorted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// Property name: `site`, `kind`, `pool`, `dependencies`, `web-components`.
    pub field: &'static str,
    /// Value(s) in OLD.
    pub old: Vec<String>,
    /// Value(s) in NEW.
    pub new: Vec<String>,
}

impl FieldChange {
    /// Values in NEW but not in OLD.
    pub fn added(&self) -> Vec<&str> {
        self.new
            .iter()
            .filter(|v| !self.old.contains(v))
            .map(String::as_str)
            .collect()
    }
    /// Values in OLD but not in NEW.
    pub fn removed(&self) -> Vec<&str> {
        self.old
            .iter()
            .filter(|v| !self.new.contains(v))
            .map(String::as_str)
            .collect()
    }
}

/// One added, removed or changed element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ElementChange {
    /// What kind of element.
    pub element: Element,
    /// Its identity as people know it (site name, FQDN, `Role:pool FQDN`), as written in NEW
    /// (OLD for a removed element).
    pub identity: String,
    /// What happened.
    #[serde(flatten)]
    pub change: Change,
}

/// A server whose checked role changed: it became, or stopped being, a file upload/download or
/// Persistent Chat server (or switched between the two).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleChange {
    /// Server FQDN.
    pub server: String,
    /// What it was checked as in OLD, if anything.
    pub old: Option<CheckedKind>,
    /// What it is checked as in NEW, if anything.
    pub new: Option<CheckedKind>,
    /// Where the machine is: in NEW, or in OLD when NEW no longer has it.
    pub line: LineIn,
}

/// A one-based line in one of the two files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LineIn {
    /// A line of NEW.
    New(usize),
    /// A line of OLD.
    Old(usize),
}

impl std::fmt::Display for LineIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LineIn::New(l) => write!(f, "NEW line {l}"),
            LineIn::Old(l) => write!(f, "OLD line {l}"),
        }
    }
}

/// A server present in both whose pool or site changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Move {
    /// Server FQDN.
    pub server: String,
    /// Pool FQDN in OLD.
    pub old_pool: String,
    /// Pool FQDN in NEW.
    pub new_pool: String,
    /// Site in OLD (empty when unknown).
    pub old_site: String,
    /// Site in NEW (empty when unknown).
    pub new_site: String,
    /// Line of the machine in NEW.
    pub line: usize,
}

/// A Persistent Chat pool whose file upload/download serving pools changed (or that was
/// added or removed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServingChange {
    /// Persistent Chat pool FQDN.
    pub pool: String,
    /// Serving pools in OLD, sorted; `None` when the pool is not in OLD.
    pub old: Option<Vec<String>>,
    /// Serving pools in NEW, sorted; `None` when the pool is not in NEW.
    pub new: Option<Vec<String>>,
}

/// The readiness delta.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReadinessDelta {
    /// Servers that became, stopped being or switched kind of checked server, by FQDN.
    pub role_changes: Vec<RoleChange>,
    /// Servers that moved to another pool or site, by FQDN.
    pub moves: Vec<Move>,
    /// Persistent Chat pools whose serving pools changed, by FQDN.
    pub serving_changes: Vec<ServingChange>,
}

/// The diff of two topologies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopologyDiff {
    /// Element changes: sites, then pools, machines and services; each by identity.
    pub changes: Vec<ElementChange>,
    /// The readiness delta.
    pub readiness: ReadinessDelta,
}

impl TopologyDiff {
    /// True when nothing differs.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
            && self.readiness.role_changes.is_empty()
            && self.readiness.moves.is_empty()
            && self.readiness.serving_changes.is_empty()
    }
}

/// One element seen on one side: how it is written, where, and its compared properties.
struct Entry {
    identity: String,
    line: usize,
    props: Vec<(&'static str, Vec<String>)>,
}

/// Entries by key (the first of a key in document order), matched by hashing: building and
/// comparing them is linear, and only the changes are sorted.
struct Entries(HashMap<String, Entry>);

impl Entries {
    fn new(v: Vec<(String, Entry)>) -> Self {
        let mut map = HashMap::with_capacity(v.len());
        for (k, e) in v {
            map.entry(k).or_insert(e);
        }
        Entries(map)
    }

    fn get(&self, k: &str) -> Option<&Entry> {
        self.0.get(k)
    }
}

/// Every key of `old` and `new` with its item on each side, in key order, for the keys `keep`
/// keeps: the keys are visited by hashing, and only those kept are sorted.
fn changed<'a, A, B>(
    old: &'a HashMap<String, A>,
    new: &'a HashMap<String, B>,
    keep: impl Fn(Option<&'a A>, Option<&'a B>) -> bool,
) -> Vec<(&'a str, Option<&'a A>, Option<&'a B>)> {
    let mut out: Vec<(&str, Option<&A>, Option<&B>)> = old
        .iter()
        .map(|(k, o)| (k.as_str(), Some(o), new.get(k)))
        .chain(
            new.iter()
                .filter(|(k, _)| !old.contains_key(*k))
                .map(|(k, n)| (k.as_str(), None, Some(n))),
        )
        .filter(|(_, o, n)| keep(*o, *n))
        .collect();
    out.sort_unstable_by(|a, b| a.0.cmp(b.0));
    out
}

fn line(topo: &Topology, span: Span) -> usize {
    topo.source.line_col(span.start).0
}

fn site_name(topo: &Topology, pool: crate::model::PoolIdx) -> String {
    topo.pool_site(pool)
        .map(|s| s.display_name())
        .unwrap_or_default()
}

fn one(s: String) -> Vec<String> {
    if s.is_empty() {
        Vec::new()
    } else {
        vec![s]
    }
}

fn entries(side: Side<'_>, element: Element) -> Entries {
    let (topo, graph) = (side.topology, side.graph);
    let mut out = Vec::new();
    match element {
        Element::Site => {
            for s in &topo.sites {
                let name = s.display_name();
                out.push((
                    name.clone(),
                    Entry {
                        identity: name,
                        line: line(topo, s.span),
                        props: Vec::new(),
                    },
                ));
            }
        }
        Element::Pool => {
            for (i, p) in topo.pools.iter().enumerate() {
                let idx = crate::model::PoolIdx(i);
                out.push((
                    p.fqdn.folded().to_string(),
                    Entry {
                        identity: p.fqdn.to_string(),
                        line: line(topo, p.span),
                        props: vec![
                            ("site", one(site_name(topo, idx))),
                            ("kind", one(graph.pool_kinds[i].as_str().to_string())),
                        ],
                    },
                ));
            }
        }
        Element::Machine => {
            for m in &topo.machines {
                out.push((
                    m.fqdn.folded().to_string(),
                    Entry {
                        identity: m.fqdn.to_string(),
                        line: line(topo, m.span),
                        props: vec![
                            ("pool", one(topo.pools[m.pool.0].fqdn.to_string())),
                            ("site", one(site_name(topo, m.pool))),
                        ],
                    },
                ));
            }
        }
        Element::Service => {
            for (i, s) in topo.services.iter().enumerate() {
                let idx = crate::model::ServiceIdx(i);
                let identity = topo.service_identity(idx);
                let mut deps: Vec<String> = s
                    .depends_on
                    .iter()
                    .map(|d| topo.service_identity(*d))
                    .collect();
                sort_folded(&mut deps);
                let mut web: Vec<String> = s
                    .web
                    .as_ref()
                    .map(|w| w.components.iter().map(|c| c.to_string()).collect())
                    .unwrap_or_default();
                sort_folded(&mut web);
                let site = s
                    .site
                    .map(|x| topo.sites[x.0].display_name())
                    .unwrap_or_default();
                out.push((
                    identity.to_ascii_lowercase(),
                    Entry {
                        identity,
                        line: line(topo, s.span),
                        props: vec![
                            ("site", one(site)),
                            ("dependencies", deps),
                            ("web-components", web),
                        ],
                    },
                ));
            }
        }
    }
    Entries::new(out)
}

/// Sorts case-insensitively and drops case-insensitive repeats, so that the case of FQDNs
/// written differently in OLD and NEW does not count as a change.
fn sort_folded(v: &mut Vec<String>) {
    v.sort_by_key(|s| s.to_ascii_lowercase());
    v.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
}

fn same(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_ignore_ascii_case(y))
}

fn compare(element: Element, old: &Entries, new: &Entries, out: &mut Vec<ElementChange>) {
    let differs = |o: Option<&Entry>, n: Option<&Entry>| match (o, n) {
        (Some(o), Some(n)) => o
            .props
            .iter()
            .zip(&n.props)
            .any(|((_, a), (_, b))| !same(a, b)),
        _ => true,
    };
    for (_, o, n) in changed(&old.0, &new.0, differs) {
        let change = match (o, n) {
            (None, Some(n)) => ElementChange {
                element,
                identity: n.identity.clone(),
                change: Change::Added { line: n.line },
            },
            (Some(o), None) => ElementChange {
                element,
                identity: o.identity.clone(),
                change: Change::Removed { line: o.line },
            },
            (Some(o), Some(n)) => {
                let fields: Vec<FieldChange> = o
                    .props
                    .iter()
                    .zip(&n.props)
                    .filter(|((_, a), (_, b))| !same(a, b))
                    .map(|((field, a), (_, b))| FieldChange {
                        field,
                        old: a.clone(),
                        new: b.clone(),
                    })
                    .collect();
                if fields.is_empty() {
                    continue;
                }
                ElementChange {
                    element,
                    identity: n.identity.clone(),
                    change: Change::Changed {
                        line: n.line,
                        fields,
                    },
                }
            }
            (None, None) => continue,
        };
        out.push(change);
    }
}

/// A checked server on one side, by folded FQDN.
struct Checked {
    kind: CheckedKind,
}

fn checked(side: Side<'_>) -> HashMap<String, Checked> {
    // As a map collects them: the last of a name.
    checked_servers(side.topology, side.graph)
        .into_iter()
        .map(|(m, kind)| {
            (
                side.topology.machines[m.0].fqdn.folded().to_string(),
                Checked { kind },
            )
        })
        .collect()
}

fn serving(side: Side<'_>) -> BTreeMap<String, (String, Vec<String>)> {
    let topo = side.topology;
    side.graph
        .pchat_links
        .iter()
        .map(|l| {
            let pool = &topo.pools[l.pchat_pool.0].fqdn;
            let mut serving: Vec<String> = l
                .serving_pools
                .iter()
                .map(|p| topo.pools[p.0].fqdn.to_string())
                .collect();
            sort_folded(&mut serving);
            (pool.folded().to_string(), (pool.to_string(), serving))
        })
        .collect()
}

/// Compares two topologies.
pub fn diff(old: Side<'_>, new: Side<'_>) -> TopologyDiff {
    let mut changes = Vec::new();
    let (old_m, new_m) = (
        entries(old, Element::Machine),
        entries(new, Element::Machine),
    );
    for element in [
        Element::Site,
        Element::Pool,
        Element::Machine,
        Element::Service,
    ] {
        if element == Element::Machine {
            compare(element, &old_m, &new_m, &mut changes);
            continue;
        }
        compare(
            element,
            &entries(old, element),
            &entries(new, element),
            &mut changes,
        );
    }
    TopologyDiff {
        changes,
        readiness: readiness(old, new, &old_m, &new_m),
    }
}

fn readiness(old: Side<'_>, new: Side<'_>, old_m: &Entries, new_m: &Entries) -> ReadinessDelta {
    let (old_checked, new_checked) = (checked(old), checked(new));
    let mut r = ReadinessDelta::default();
    let kinds_differ =
        |o: Option<&Checked>, n: Option<&Checked>| o.map(|c| c.kind) != n.map(|c| c.kind);
    for (k, o, n) in changed(&old_checked, &new_checked, kinds_differ) {
        let (o, n) = (o.map(|c| c.kind), n.map(|c| c.kind));
        let at = match (new_m.get(k), old_m.get(k)) {
            (Some(e), _) => Some((e, LineIn::New(e.line))),
            (None, Some(e)) => Some((e, LineIn::Old(e.line))),
            (None, None) => None,
        };
        if let Some((e, line)) = at {
            r.role_changes.push(RoleChange {
                server: e.identity.clone(),
                old: o,
                new: n,
                line,
            });
        }
    }
    // Only the moves are sorted (by key, as an ordered map would list them).
    let mut moved: Vec<(&str, Move)> = Vec::new();
    for (k, n) in &new_m.0 {
        let Some(o) = old_m.get(k) else { continue };
        let prop = |e: &Entry, f: &str| {
            e.props
                .iter()
                .find(|(name, _)| *name == f)
                .and_then(|(_, v)| v.first().cloned())
                .unwrap_or_default()
        };
        let (op, np) = (prop(o, "pool"), prop(n, "pool"));
        let (os, ns) = (prop(o, "site"), prop(n, "site"));
        if !op.eq_ignore_ascii_case(&np) || os != ns {
            moved.push((
                k,
                Move {
                    server: n.identity.clone(),
                    old_pool: op,
                    new_pool: np,
                    old_site: os,
                    new_site: ns,
                    line: n.line,
                },
            ));
        }
    }
    moved.sort_unstable_by(|a, b| a.0.cmp(b.0));
    r.moves = moved.into_iter().map(|(_, m)| m).collect();
    let (os, ns) = (serving(old), serving(new));
    let keys: BTreeSet<&String> = os.keys().chain(ns.keys()).collect();
    for k in keys {
        let (o, n) = (os.get(k), ns.get(k));
        if let (Some(o), Some(n)) = (o, n) {
            if same(&o.1, &n.1) {
                continue;
            }
        }
        r.serving_changes.push(ServingChange {
            pool: n.or(o).map(|x| x.0.clone()).unwrap_or_default(),
            old: o.map(|x| x.1.clone()),
            new: n.map(|x| x.1.clone()),
        });
    }
    r
}

impl TopologyDiff {
    /// Machines of NEW whose certificates the change puts in scope: servers that became file
    /// upload/download or Persistent Chat servers, and servers that moved.
    pub fn servers_to_verify(&self, new: &Topology) -> BTreeSet<MachineIdx> {
        let mut out = BTreeSet::new();
        let names = self
            .readiness
            .role_changes
            .iter()
            .filter(|c| c.new.is_some())
            .map(|c| c.server.as_str())
            .chain(self.readiness.moves.iter().map(|m| m.server.as_str()));
        // The first machine of each name, as `Topology::machine_by_fqdn` finds it.
        let mut by_fqdn: Option<std::collections::HashMap<&crate::model::Fqdn, MachineIdx>> = None;
        for name in names {
            let by_fqdn = by_fqdn.get_or_insert_with(|| {
                let mut map = std::collections::HashMap::new();
                for (i, m) in new.machines.iter().enumerate() {
                    map.entry(&m.fqdn).or_insert(MachineIdx(i));
                }
                map
            });
            if let Some(&m) = by_fqdn.get(&crate::model::Fqdn::new(name)) {
                out.insert(m);
            }
        }
        out
    }
}
