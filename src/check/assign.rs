//! Choosing the certificate of a server among the files of the certificate folder.

use crate::certs::{CertStore, NameIndex};
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

/// The certificate chosen for a server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// Index into [`CertStore::files`].
    pub file: usize,
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
        if self.group > 1 {
            s.push_str(&format!(
                "; of {} such files, the valid one that lasts longest",
                self.group
            ));
        }
        let others = self.candidates.saturating_sub(self.group);
        if others > 0 {
            s.push_str(&format!(
                "; preferred over {others} other file(s) whose names cover the server"
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
pub fn choose(
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
            .then(store.files[b].path.cmp(&store.files[a].path))
    })?;
    let reason = match (reason, store.files[best].leaf.inventory()) {
        (AssignReason::NamedAfter, Some(_)) => AssignReason::ComputerName,
        (r, _) => r,
    };
    Some(Assignment {
        file: best,
        reason,
        group,
        candidates: all.len(),
    })
}
