//! Topology diff: what a change adds, removes or changes (sites, pools, machines, services),
//! and the readiness delta (servers that become or stop being file upload/download or
//! Persistent Chat servers, servers that move, Persistent Chat pools whose serving pool changes).
//!
//! Elements are matched by stable identity, never by position or by `UniqueId`/`SiteId`
//! numbers: sites by name, pools and machines by FQDN (case-insensitive), services by role and
//! the pool FQDN they are installed on, dependencies by the identity of the service depended on.
//! (The element at the same place on the other side is only where the search for an identity
//! starts.)

use crate::check::{checked_servers, CheckedKind};
use crate::graph::ServerGraph;
use crate::model::{MachineIdx, NoCase, PoolIdx, ServiceIdx, Site, Span, Topology};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::Hash;

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

fn line(topo: &Topology, span: Span) -> usize {
    topo.source.line_col(span.start).0
}

/// The display name of a pool's site (empty when unknown), borrowed when the site has a name.
fn site_label(topo: &Topology, pool: PoolIdx) -> Cow<'_, str> {
    topo.pool_site(pool).map_or(Cow::Borrowed(""), site_key)
}

fn one(s: String) -> Vec<String> {
    if s.is_empty() {
        Vec::new()
    } else {
        vec![s]
    }
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

/// The identities of one side, in the order of the elements (so that walking them reads the
/// model in file order), each with the index of its first element; and a map from identity to
/// its place in that order (for the elements the other side does not have at the same place).
/// Built once per side and element kind.
struct Ids<K> {
    place: HashMap<K, usize>,
    order: Vec<(K, usize)>,
}

fn first_of<K: Hash + Eq + Clone>(keys: impl IntoIterator<Item = K>) -> Ids<K> {
    let mut place = HashMap::new();
    let mut order = Vec::new();
    for (i, k) in keys.into_iter().enumerate() {
        if let std::collections::hash_map::Entry::Vacant(e) = place.entry(k.clone()) {
            e.insert(order.len());
            order.push((k, i));
        }
    }
    Ids { place, order }
}

/// Which identity of NEW each identity of OLD is (by place in [`Ids::order`]), and the reverse.
/// Position by position first: most elements of a change keep their place among the others, so
/// the walk compares each with the one NEW has at the same place and looks an identity up in
/// NEW's map only where the two differ (an element added, removed or moved); identities are
/// unique on each side, so the result is the same as looking every one up.
struct Matching {
    new_of_old: Vec<Option<usize>>,
    old_of_new: Vec<Option<usize>>,
}

fn matching<K: Hash + Eq>(old: &Ids<K>, new: &Ids<K>) -> Matching {
    let mut new_of_old = Vec::with_capacity(old.order.len());
    let mut old_of_new = vec![None; new.order.len()];
    let mut next = 0;
    for (o, (k, _)) in old.order.iter().enumerate() {
        let n = match new.order.get(next) {
            Some((nk, _)) if nk == k => Some(next),
            _ => new.place.get(k).copied(),
        };
        if let Some(n) = n {
            old_of_new[n] = Some(o);
            next = n + 1;
        }
        new_of_old.push(n);
    }
    Matching {
        new_of_old,
        old_of_new,
    }
}

/// How to describe and compare the elements of one kind on both sides.
struct Kind<'f> {
    element: Element,
    /// Identity as written and line, of an element of OLD.
    old: &'f dyn Fn(usize) -> (String, usize),
    /// Identity as written and line, of an element of NEW.
    new: &'f dyn Fn(usize) -> (String, usize),
    /// The properties that differ between an element of OLD and one of NEW with its identity.
    fields: &'f dyn Fn(usize, usize) -> Vec<FieldChange>,
}

/// The changes of one element kind, in identity order: only the elements that are added,
/// removed or changed are sorted.
fn compare<K: Hash + Eq + Ord + Clone>(
    kind: &Kind<'_>,
    (old, new): (&Ids<K>, &Ids<K>),
    matched: &Matching,
    out: &mut Vec<ElementChange>,
) {
    let mut found: Vec<(&K, ElementChange)> = Vec::new();
    for ((k, o), n) in old.order.iter().zip(&matched.new_of_old) {
        let o = *o;
        let change = match n.map(|p| new.order[p].1) {
            None => {
                let (identity, line) = (kind.old)(o);
                ElementChange {
                    element: kind.element,
                    identity,
                    change: Change::Removed { line },
                }
            }
            Some(n) => {
                let fields = (kind.fields)(o, n);
                if fields.is_empty() {
                    continue;
                }
                let (identity, line) = (kind.new)(n);
                ElementChange {
                    element: kind.element,
                    identity,
                    change: Change::Changed { line, fields },
                }
            }
        };
        found.push((k, change));
    }
    let added = new
        .order
        .iter()
        .zip(&matched.old_of_new)
        .filter(|(_, o)| o.is_none())
        .map(|(x, _)| x);
    for (k, n) in added {
        let n = *n;
        let (identity, line) = (kind.new)(n);
        found.push((
            k,
            ElementChange {
                element: kind.element,
                identity,
                change: Change::Added { line },
            },
        ));
    }
    found.sort_unstable_by(|a, b| a.0.cmp(b.0));
    out.extend(found.into_iter().map(|(_, c)| c));
}

/// A property compared as a list (empty value = no value); `Some` when the two differ.
fn field(field: &'static str, old: Vec<String>, new: Vec<String>) -> Option<FieldChange> {
    (!same(&old, &new)).then_some(FieldChange { field, old, new })
}

/// A single-valued property compared case-insensitively; `Some` when the two differ.
fn single(field: &'static str, old: &str, new: &str) -> Option<FieldChange> {
    (!old.eq_ignore_ascii_case(new)).then(|| FieldChange {
        field,
        old: one(old.to_string()),
        new: one(new.to_string()),
    })
}

/// A site's identity: its display name, borrowed when it has a name.
fn site_key(s: &Site) -> Cow<'_, str> {
    match &s.name {
        Some(n) => Cow::Borrowed(n.as_str()),
        None => Cow::Owned(s.display_name()),
    }
}

fn sites(old: &Topology, new: &Topology, out: &mut Vec<ElementChange>) {
    let (o, n) = (
        first_of(old.sites.iter().map(site_key)),
        first_of(new.sites.iter().map(site_key)),
    );
    let ids = (&o, &n);
    let describe = |topo: &Topology, i: usize| {
        let s = &topo.sites[i];
        (s.display_name(), line(topo, s.span))
    };
    compare(
        &Kind {
            element: Element::Site,
            old: &|i| describe(old, i),
            new: &|i| describe(new, i),
            fields: &|_, _| Vec::new(),
        },
        ids,
        &matching(ids.0, ids.1),
        out,
    );
}

fn pools(old: Side<'_>, new: Side<'_>, out: &mut Vec<ElementChange>) {
    let describe = |topo: &Topology, i: usize| {
        let p = &topo.pools[i];
        (p.fqdn.to_string(), line(topo, p.span))
    };
    let (ot, nt) = (old.topology, new.topology);
    let (o, n) = (
        first_of(ot.pools.iter().map(|p| NoCase(p.fqdn.as_str()))),
        first_of(nt.pools.iter().map(|p| NoCase(p.fqdn.as_str()))),
    );
    let ids = (&o, &n);
    let fields = |o: usize, n: usize| {
        let (op, np) = (PoolIdx(o), PoolIdx(n));
        [
            single("site", &site_label(ot, op), &site_label(nt, np)),
            single(
                "kind",
                old.graph.pool_kinds[o].as_str(),
                new.graph.pool_kinds[n].as_str(),
            ),
        ]
        .into_iter()
        .flatten()
        .collect()
    };
    compare(
        &Kind {
            element: Element::Pool,
            old: &|i| describe(ot, i),
            new: &|i| describe(nt, i),
            fields: &fields,
        },
        ids,
        &matching(ids.0, ids.1),
        out,
    );
}

/// Machines by case-insensitive FQDN: the first machine of each name.
type Machines<'a> = Ids<NoCase<'a>>;

fn machines_of(topo: &Topology) -> Machines<'_> {
    first_of(topo.machines.iter().map(|m| NoCase(m.fqdn.as_str())))
}

fn describe_machine(topo: &Topology, i: usize) -> (String, usize) {
    let m = &topo.machines[i];
    (m.fqdn.to_string(), line(topo, m.span))
}

fn machines(
    (ot, nt): (&Topology, &Topology),
    ids: (&Machines<'_>, &Machines<'_>),
    matched: &Matching,
    out: &mut Vec<ElementChange>,
) {
    let fields = |o: usize, n: usize| {
        let (om, nm) = (&ot.machines[o], &nt.machines[n]);
        [
            single(
                "pool",
                ot.pools[om.pool.0].fqdn.as_str(),
                nt.pools[nm.pool.0].fqdn.as_str(),
            ),
            single("site", &site_label(ot, om.pool), &site_label(nt, nm.pool)),
        ]
        .into_iter()
        .flatten()
        .collect()
    };
    compare(
        &Kind {
            element: Element::Machine,
            old: &|i| describe_machine(ot, i),
            new: &|i| describe_machine(nt, i),
            fields: &fields,
        },
        ids,
        matched,
        out,
    );
}

fn services(old: &Topology, new: &Topology, out: &mut Vec<ElementChange>) {
    let describe = |topo: &Topology, i: usize| {
        (
            topo.service_identity(ServiceIdx(i)),
            line(topo, topo.services[i].span),
        )
    };
    let props = |topo: &Topology, i: usize| {
        let s = &topo.services[i];
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
        [one(site), deps, web]
    };
    let fields = |o: usize, n: usize| {
        let [os, od, ow] = props(old, o);
        let [ns, nd, nw] = props(new, n);
        [
            field("site", os, ns),
            field("dependencies", od, nd),
            field("web-components", ow, nw),
        ]
        .into_iter()
        .flatten()
        .collect()
    };
    let keys = |topo: &Topology| {
        first_of((0..topo.services.len()).map(|i| {
            let mut k = topo.service_identity(ServiceIdx(i));
            k.make_ascii_lowercase();
            k
        }))
    };
    let (o, n) = (keys(old), keys(new));
    compare(
        &Kind {
            element: Element::Service,
            old: &|i| describe(old, i),
            new: &|i| describe(new, i),
            fields: &fields,
        },
        (&o, &n),
        &matching(&o, &n),
        out,
    );
}

/// What each machine identity of one side (by place in [`Ids::order`]) is checked as: the kind
/// of the last checked machine of that name.
fn checked(side: Side<'_>, ids: &Machines<'_>) -> Vec<Option<CheckedKind>> {
    let topo = side.topology;
    let mut place_of = vec![usize::MAX; topo.machines.len()];
    for (p, (_, i)) in ids.order.iter().enumerate() {
        place_of[*i] = p;
    }
    let mut kinds = vec![None; ids.order.len()];
    for (m, kind) in checked_servers(topo, side.graph) {
        let place = match place_of.get(m.0) {
            Some(&p) if p != usize::MAX => Some(p),
            // A later machine of a name: its identity's place.
            _ => ids
                .place
                .get(&NoCase(topo.machines[m.0].fqdn.as_str()))
                .copied(),
        };
        if let Some(slot) = place.and_then(|p| kinds.get_mut(p)) {
            *slot = Some(kind);
        }
    }
    kinds
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
    let (ot, nt) = (old.topology, new.topology);
    let (old_m, new_m) = (machines_of(ot), machines_of(nt));
    let matched = matching(&old_m, &new_m);
    let mut changes = Vec::new();
    sites(ot, nt, &mut changes);
    pools(old, new, &mut changes);
    machines((ot, nt), (&old_m, &new_m), &matched, &mut changes);
    services(ot, nt, &mut changes);
    TopologyDiff {
        changes,
        readiness: readiness(old, new, (&old_m, &new_m), &matched),
    }
}

fn readiness(
    old: Side<'_>,
    new: Side<'_>,
    (old_m, new_m): (&Machines<'_>, &Machines<'_>),
    matched: &Matching,
) -> ReadinessDelta {
    let (ot, nt) = (old.topology, new.topology);
    let (old_checked, new_checked) = (checked(old, old_m), checked(new, new_m));
    let mut r = ReadinessDelta::default();
    // Every server whose kind differs, in FQDN order (only those are sorted), with the
    // machine that says where it is: NEW's when NEW has the name, else OLD's.
    // (identity, kind in OLD, kind in NEW, whether the machine is NEW's, the machine)
    type Differ<'k> = (
        NoCase<'k>,
        Option<CheckedKind>,
        Option<CheckedKind>,
        bool,
        usize,
    );
    let mut differ: Vec<Differ<'_>> = Vec::new();
    for (p, o) in old_checked.iter().enumerate() {
        let Some(o) = *o else { continue };
        let in_new = matched.new_of_old[p];
        let n = in_new.and_then(|q| new_checked[q]);
        if n != Some(o) {
            let (k, i) = old_m.order[p];
            let at = match in_new {
                Some(q) => (true, new_m.order[q].1),
                None => (false, i),
            };
            differ.push((k, Some(o), n, at.0, at.1));
        }
    }
    for (q, n) in new_checked.iter().enumerate() {
        let Some(n) = *n else { continue };
        if matched.old_of_new[q].and_then(|p| old_checked[p]).is_none() {
            let (k, i) = new_m.order[q];
            differ.push((k, None, Some(n), true, i));
        }
    }
    differ.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for (_, o, n, in_new, i) in differ {
        let (server, line) = if in_new {
            let (server, l) = describe_machine(nt, i);
            (server, LineIn::New(l))
        } else {
            let (server, l) = describe_machine(ot, i);
            (server, LineIn::Old(l))
        };
        r.role_changes.push(RoleChange {
            server,
            old: o,
            new: n,
            line,
        });
    }
    let mut moves: Vec<(&NoCase<'_>, Move)> = Vec::new();
    for ((k, n), o) in new_m.order.iter().zip(&matched.old_of_new) {
        let n = *n;
        let Some(o) = o.map(|p| old_m.order[p].1) else {
            continue;
        };
        let (om, nm) = (&ot.machines[o], &nt.machines[n]);
        let (op, np) = (&ot.pools[om.pool.0].fqdn, &nt.pools[nm.pool.0].fqdn);
        let (os, ns) = (site_label(ot, om.pool), site_label(nt, nm.pool));
        if !op.as_str().eq_ignore_ascii_case(np.as_str()) || os != ns {
            let (server, line) = describe_machine(nt, n);
            moves.push((
                k,
                Move {
                    server,
                    old_pool: op.to_string(),
                    new_pool: np.to_string(),
                    old_site: os.into_owned(),
                    new_site: ns.into_owned(),
                    line,
                },
            ));
        }
    }
    moves.sort_unstable_by(|a, b| a.0.cmp(b.0));
    r.moves = moves.into_iter().map(|(_, m)| m).collect();
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
