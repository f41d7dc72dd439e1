//! Choosing the certificate of a server among the files of the certificate folder.

use crate::certs::{CertStore, NameIndex, Usage};
use crate::model::{MachineIdx, Topology};

/// How the chosen file was matched to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignReason {
    /// The file (or its folder) is named after the server.
    NamedAfter,
    /// Its DNS SANs (or CN) cover the server FQDN.
    CoversName,
    /// An inventory row exported on the server (`PSComputerName`).
    ComputerName,
}

/// How a certificate's Lync usages were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageSource {
    /// The server has one certificate: it serves every usage.
    OnlyCertificate,
    /// Its file or folder name says so (`default.cer`, `fe01.fabrikam.com.webservicesinternal.cer`).
    FileName,
    /// The inventory row's `Use`.
    InventoryUse,
    /// Inferred: of the server's certificates, it covers most of the names that usage needs.
    Names,
}

impl UsageSource {
    /// How, for people.
    pub fn describe(self) -> &'static str {
        match self {
            UsageSource::OnlyCertificate => "the server's only certificate",
            UsageSource::FileName => "from the file name",
            UsageSource::InventoryUse => "from the inventory row's Use",
            UsageSource::Names => "inferred from the names it covers",
        }
    }
}

/// The certificate chosen for a server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// Index into [`CertStore::files`].
    pub file: usize,
    /// The Lync usages it serves on the server, in order.
    pub usages: Vec<Usage>,
    /// How those usages were found.
    pub usage_source: UsageSource,
    /// How it was matched.
    pub reason: AssignReason,
    /// How many files fitted in the preferred group (named after the server, or else covering it).
    pub group: usize,
    /// How many files fitted in all.
    pub candidates: usize,
}

impl Assignment {
    /// A sentence saying how the file was chosen.
    pub fn explain(&self) -> String {
        let how = match self.reason {
            AssignReason::NamedAfter => "the file is named after the server",
            AssignReason::CoversName => "its names cover the server",
            AssignReason::ComputerName => "the inventory row was exported on the server",
        };
        let mut s = how.to_string();
        if self.usage_source != UsageSource::OnlyCertificate {
            s.push_str(&format!(
                "; {} {}",
                crate::usage::describe(&self.usages),
                self.usage_source.describe()
            ));
            return s;
        }
        if self.group > 1 {
            s.push_str(&format!(
                "; of {} such files, the valid one that lasts longest",
                self.group
            ));
        }
        let others = self.candidates.saturating_sub(self.group);
        if others > 0 {
            s.push_str(&format!(
                "; preferred over {others} other {} whose names cover the server",
                if others == 1 { "file" } else { "files" }
            ));
        }
        s
    }
}

/// Picks the certificate for a machine: files named after it (and inventory rows exported on
/// it) first, then files and rows whose names cover it; among those, one that names the server
/// without a wildcard before one that covers it only by a wildcard, valid at `now` before not
/// valid, then the latest end of validity, then a certificate file before an inventory row (the
/// same certificate in both: the file allows every rule), then the path (for a stable choice).
pub(crate) fn choose(
    topo: &Topology,
    store: &CertStore,
    index: &NameIndex,
    machine: MachineIdx,
    now: i64,
) -> Option<Assignment> {
    let fqdn = topo.machines[machine.0].fqdn.as_str();
    let named = index.named_after(fqdn);
    let covering = index.covering(fqdn);
    let mut all = named.clone();
    all.extend(covering.iter().copied().filter(|c| !named.contains(c)));
    let (pool, reason) = if named.is_empty() {
        (covering, AssignReason::CoversName)
    } else {
        (named, AssignReason::NamedAfter)
    };
    let group = pool.len();
    let best = pool.into_iter().max_by(|&a, &b| {
        let (ca, cb) = (&store.files[a].leaf, &store.files[b].leaf);
        // A name without a wildcard before a wildcard (Lync needs the server FQDN explicitly).
        ca.covers_name_exactly(fqdn)
            .cmp(&cb.covers_name_exactly(fqdn))
            .then(ca.is_valid_at(now).cmp(&cb.is_valid_at(now)))
            .then(ca.not_after.cmp(&cb.not_after))
            .then(ca.x509().is_some().cmp(&cb.x509().is_some()))
            .then(store.files[b].origin.order(&store.files[a].origin))
    })?;
    let reason = match (reason, store.files[best].leaf.inventory()) {
        (AssignReason::NamedAfter, Some(_)) => AssignReason::ComputerName,
        (r, _) => r,
    };
    Some(Assignment {
        file: best,
        usages: Vec::new(),
        usage_source: UsageSource::OnlyCertificate,
        reason,
        group,
        candidates: all.len(),
    })
}

/// Usages a certificate states for itself, and where.
type Stated = (Vec<Usage>, UsageSource);

/// The usages a certificate states for itself: from its file or folder name, or its inventory
/// row's `Use`.
pub(crate) fn stated_usages(store: &CertStore, file: usize) -> Option<Stated> {
    let f = &store.files[file];
    if let Some(row) = f.leaf.inventory() {
        let mut u: Vec<Usage> = row.uses.iter().filter_map(|s| Usage::parse(s)).collect();
        u.sort();
        u.dedup();
        return (!u.is_empty()).then_some((u, UsageSource::InventoryUse));
    }
    let path = f.origin.path()?;
    crate::usage::from_path(path, crate::certs::CERT_EXTENSIONS).map(|u| (u, UsageSource::FileName))
}

/// Every certificate of a checked server, each with the usages it serves. `primary` is
/// [`choose`]'s pick; `needed` the usages the server must have covered, and `names_of` the
/// names each usage needs.
///
/// Certificate files come first, inventory rows only serve the usages no file serves (the
/// same certificate as a file allows every rule). Among the files named after the server (and
/// then among the rows exported on it): when none states a usage and at most one is there, it
/// serves every usage (`serves_all`); otherwise each needed usage gets the best one that
/// states it, else the one covering most of that usage's names. With no file or row named after
/// the server, the primary (a file or row whose names cover it) serves every usage. A usage
/// nothing covers is left out: the `missing-certificate` rule reports it.
#[allow(clippy::too_many_arguments)]
pub(crate) fn choose_per_usage(
    topo: &Topology,
    store: &CertStore,
    index: &NameIndex,
    machine: MachineIdx,
    now: i64,
    primary: Option<&Assignment>,
    needed: &[Usage],
    serves_all: &[Usage],
    names_of: &dyn Fn(Usage) -> Vec<String>,
) -> Vec<Assignment> {
    let Some(primary) = primary else {
        return Vec::new();
    };
    let fqdn = topo.machines[machine.0].fqdn.as_str();
    let named = index.named_after(fqdn);
    let (files, rows): (Vec<usize>, Vec<usize>) = named
        .iter()
        .partition(|&&f| store.files[f].leaf.inventory().is_none());
    let only = |f: usize| Assignment {
        file: f,
        usages: serves_all.to_vec(),
        usage_source: UsageSource::OnlyCertificate,
        reason: if f == primary.file {
            primary.reason
        } else if store.files[f].leaf.inventory().is_some() {
            AssignReason::ComputerName
        } else {
            AssignReason::NamedAfter
        },
        ..primary.clone()
    };
    if named.is_empty() {
        return vec![only(primary.file)];
    }
    let better = |a: usize, b: usize| {
        let (ca, cb) = (&store.files[a].leaf, &store.files[b].leaf);
        ca.covers_name_exactly(fqdn)
            .cmp(&cb.covers_name_exactly(fqdn))
            .then(ca.is_valid_at(now).cmp(&cb.is_valid_at(now)))
            .then(ca.not_after.cmp(&cb.not_after))
            .then(store.files[b].origin.order(&store.files[a].origin))
    };
    let mut picks: Vec<(usize, Usage, UsageSource)> = Vec::new();
    for group in [&files, &rows] {
        let open: Vec<Usage> = needed
            .iter()
            .copied()
            .filter(|u| !picks.iter().any(|p| p.1 == *u))
            .collect();
        if group.is_empty() || open.is_empty() {
            continue;
        }
        let stated: Vec<(usize, Option<Stated>)> = group
            .iter()
            .map(|&f| (f, stated_usages(store, f)))
            .collect();
        if picks.is_empty() && group.len() == 1 && stated[0].1.is_none() {
            return vec![only(group[0])];
        }
        for u in open {
            let stating = stated
                .iter()
                .filter(|(_, s)| s.as_ref().is_some_and(|(us, _)| us.contains(&u)))
                .map(|(f, s)| (*f, s.as_ref().map_or(UsageSource::FileName, |x| x.1)))
                .max_by(|a, b| better(a.0, b.0));
            let names = names_of(u);
            let covered = |f: usize| {
                names
                    .iter()
                    .filter(|n| store.files[f].leaf.covers_name(n))
                    .count()
            };
            let pick = stating.or_else(|| {
                stated
                    .iter()
                    .filter(|(_, s)| s.is_none())
                    .map(|(f, _)| *f)
                    .max_by(|&a, &b| covered(a).cmp(&covered(b)).then(better(a, b)))
                    .map(|f| (f, UsageSource::Names))
            });
            if let Some((f, src)) = pick {
                picks.push((f, u, src));
            }
        }
    }
    let mut out: Vec<Assignment> = Vec::new();
    for (f, u, src) in picks {
        match out.iter_mut().find(|a| a.file == f) {
            Some(a) => a.usages.push(u),
            None => {
                let reason = match (store.files[f].leaf.inventory(), named.contains(&f)) {
                    (Some(_), true) => AssignReason::ComputerName,
                    (None, true) => AssignReason::NamedAfter,
                    (_, false) => AssignReason::CoversName,
                };
                out.push(Assignment {
                    file: f,
                    usages: vec![u],
                    usage_source: src,
                    reason,
                    group: named.len(),
                    candidates: primary.candidates,
                });
            }
        }
    }
    out
}
