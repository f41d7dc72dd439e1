//! The certificate readiness check: which servers are checked, which certificate each one has,
//! which CA is the reference, and the findings of every rule.

pub mod assign;
pub mod ca;
pub mod chain;

use crate::certs::{CertStore, NameIndex};
use crate::finding::{Finding, Severity};
use crate::graph::ServerGraph;
use crate::model::{MachineIdx, Topology};
use serde::Serialize;
use std::path::PathBuf;

pub use assign::{AssignReason, Assignment};
pub use ca::{CaSource, ReferenceCa};

/// Why a server is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckedKind {
    /// Runs the Persistent Chat file upload/download web service.
    FileTransfer,
    /// A Persistent Chat server.
    PersistentChat,
}

impl CheckedKind {
    /// The usages that must each be covered by a good certificate: a file upload/download
    /// server's Default and internal web services (which the file upload/download web service
    /// presents); a Persistent Chat server's Default.
    pub(crate) fn needed_usages(self) -> &'static [crate::certs::Usage] {
        use crate::certs::Usage::*;
        match self {
            CheckedKind::FileTransfer => &[Default, WebServicesInternal],
            CheckedKind::PersistentChat => &[Default],
        }
    }
    /// The usages a server's only certificate serves (a Front End's one certificate is
    /// assigned to all of its web services too).
    pub(crate) fn single_certificate_usages(self) -> &'static [crate::certs::Usage] {
        use crate::certs::Usage::*;
        match self {
            CheckedKind::FileTransfer => &[Default, WebServicesInternal, WebServicesExternal],
            CheckedKind::PersistentChat => &[Default],
        }
    }

    /// Stable name used in machine-readable outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckedKind::FileTransfer => "file-transfer",
            CheckedKind::PersistentChat => "persistent-chat",
        }
    }
    /// The one name for people, in every output: "file upload/download server" or
    /// "Persistent Chat server".
    pub fn label(self) -> &'static str {
        match self {
            CheckedKind::FileTransfer => "file upload/download server",
            CheckedKind::PersistentChat => "Persistent Chat server",
        }
    }
    /// The same name without "server", for table columns: "file upload/download" or
    /// "Persistent Chat".
    pub fn short_label(self) -> &'static str {
        match self {
            CheckedKind::FileTransfer => "file upload/download",
            CheckedKind::PersistentChat => "Persistent Chat",
        }
    }
}

/// A server the check looks at, with the certificate chosen for it.
#[derive(Debug, Clone)]
pub struct CheckedServer {
    /// The machine.
    pub machine: MachineIdx,
    /// Why it is checked.
    pub kind: CheckedKind,
    /// Every certificate it has, each with the usages it serves (empty when it has none).
    /// The names they must carry are [`crate::required::planned_names`]'s, derived when a rule
    /// needs them rather than kept for every server.
    pub certificates: Vec<Assignment>,
    /// Its main certificate ([`Self::assignment`]).
    main: Main,
}

/// Where a [`CheckedServer`]'s main certificate is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Main {
    /// It has none.
    None,
    /// This one of its `certificates`.
    Of(usize),
    /// Its own (a server seen through one certificate, [`CheckedServer::through`]).
    Own(Box<Assignment>),
}

impl CheckedServer {
    /// The same server seen through one of its certificates (what a rule checks).
    pub fn through(&self, a: &Assignment) -> CheckedServer {
        CheckedServer {
            machine: self.machine,
            kind: self.kind,
            certificates: Vec::new(),
            main: Main::Own(Box::new(a.clone())),
        }
    }
    /// Its main certificate (the Default one, else the first), if any.
    pub fn assignment(&self) -> Option<&Assignment> {
        match &self.main {
            Main::None => None,
            Main::Of(i) => self.certificates.get(*i),
            Main::Own(a) => Some(a),
        }
    }
    /// The needed usages no certificate of the server serves.
    pub(crate) fn uncovered_usages(&self) -> Vec<crate::certs::Usage> {
        self.kind
            .needed_usages()
            .iter()
            .copied()
            .filter(|u| !self.certificates.iter().any(|a| a.usages.contains(u)))
            .collect()
    }
}

/// Inputs of a check beyond the topology.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Where the certificates came from (for messages).
    pub sources: CertSources,
    /// The time to check validity against (unix seconds).
    pub now: i64,
    /// Warn when a certificate ends within this many days.
    pub expiry_warn_days: u32,
}

/// Where a check's certificates come from, for the missing-certificate message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertSources {
    /// A certificate folder.
    Folder(PathBuf),
    /// Fetched from the servers (`--fetch`), with the folder and/or inventory also given.
    Fetched(Option<Box<CertSources>>),
    /// What each source of `app::sources` lacks ("no file in DIR"), in source order.
    Listed(Vec<String>),
}

impl CertSources {
    /// "no file in DIR", "no row of FILE", "nothing fetched...", joined with "and".
    pub fn describe_none(&self) -> String {
        match self {
            CertSources::Folder(d) => format!("no file in {}", d.display()),
            CertSources::Fetched(None) => "nothing fetched from the servers".into(),
            CertSources::Fetched(Some(also)) => format!(
                "{} and nothing fetched from the servers",
                also.describe_none()
            ),
            CertSources::Listed(each) => each.join(" and "),
        }
    }
}

/// The certificates of a check, loaded from its sources.
#[derive(Debug)]
pub struct LoadedCertificates {
    /// Certificate files and inventory rows together.
    pub store: CertStore,
    /// Where they came from.
    pub sources: CertSources,
    /// Inventory rows of uses that are not checked (WebServicesExternal, OAuthTokenIssuer...).
    pub other_uses: usize,
}

/// The result of a check.
#[derive(Debug)]
pub struct CheckResult {
    /// The servers checked.
    pub servers: Vec<CheckedServer>,
    /// The reference CA resolution.
    pub reference_ca: ca::CaResolution,
    /// Findings of every rule, grouped by server in topology order, then the others.
    pub findings: Vec<Finding>,
    /// Findings that would have made a server not ready or unknown but that the settings
    /// (`--ignore`, `topocert.toml`) dropped or lowered: each server's status says so.
    pub waived: Vec<Waived>,
}

/// A deciding finding set aside by the settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waived {
    /// The server.
    pub machine: MachineIdx,
    /// What was set aside and by what: "foreign-ca ignored by --ignore".
    pub what: String,
}

/// The order of findings in a [`CheckResult`]: by machine, the findings about no server last.
fn machine_key(f: &Finding) -> usize {
    f.machine().map_or(usize::MAX, |m| m.0)
}

impl CheckResult {
    /// Number of findings of a severity.
    pub fn count(&self, sev: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == sev).count()
    }
    /// Position in [`Self::servers`] of the checked server on machine `m` (the servers are in
    /// machine order, as [`checked_servers`] makes them and `restricted_to` keeps them).
    pub fn server_index(&self, m: MachineIdx) -> Option<usize> {
        self.servers.binary_search_by_key(&m, |s| s.machine).ok()
    }
    /// The checked server on machine `m`, if it is one.
    pub fn server(&self, m: MachineIdx) -> Option<&CheckedServer> {
        self.server_index(m).map(|i| &self.servers[i])
    }
    /// The findings about one server, in reporting order: a binary search, as the findings are
    /// grouped by server in machine order ([`Self::findings_in_order`]).
    pub fn findings_for(&self, m: MachineIdx) -> std::slice::Iter<'_, Finding> {
        self.findings[self.findings_range(m)].iter()
    }
    /// Where in [`Self::findings`] the findings about one server are ([`Self::findings_for`]).
    pub fn findings_range(&self, m: MachineIdx) -> std::ops::Range<usize> {
        let lo = self.findings.partition_point(|f| machine_key(f) < m.0);
        let hi = lo + self.findings[lo..].partition_point(|f| machine_key(f) == m.0);
        lo..hi
    }
    /// True when the findings are grouped by server in machine order, then the findings about
    /// no server, as [`Self::findings_for`] needs.
    pub fn findings_in_order(&self) -> bool {
        self.findings.is_sorted_by_key(machine_key)
    }
    /// The rule ids of the findings about one server, in reporting order.
    pub fn rules_for(&self, m: MachineIdx) -> Vec<crate::finding::RuleId> {
        self.findings_for(m).map(|f| f.rule).collect()
    }
    /// The same result about only some machines: their checked servers and findings. Findings
    /// about no server (the folder, the topology) are left out, except those that leave the
    /// servers undecided (an undecidable reference CA). Renderers of a full result render a
    /// restricted one unchanged.
    pub fn restricted_to(&self, machines: &std::collections::BTreeSet<MachineIdx>) -> CheckResult {
        let restricted = CheckResult {
            servers: self
                .servers
                .iter()
                .filter(|s| machines.contains(&s.machine))
                .cloned()
                .collect(),
            reference_ca: self.reference_ca.clone(),
            findings: self
                .findings
                .iter()
                .filter(|f| match f.machine() {
                    Some(m) => machines.contains(&m),
                    None => f.effect == crate::finding::Effect::Undecided,
                })
                .cloned()
                .collect(),
            waived: self
                .waived
                .iter()
                .filter(|w| machines.contains(&w.machine))
                .cloned()
                .collect(),
        };
        debug_assert!(restricted.findings_in_order());
        restricted
    }
}

/// The servers to check: file upload/download servers, then Persistent Chat servers, each in
/// topology order (a server that is both is checked once, as file-transfer).
///
/// One ordered walk of the two sets (both sorted by machine), not a set lookup per machine.
pub fn checked_servers(topo: &Topology, graph: &ServerGraph) -> Vec<(MachineIdx, CheckedKind)> {
    let in_topology = |m: &&MachineIdx| m.0 < topo.machines.len();
    let mut ft = graph
        .file_transfer_machines
        .iter()
        .filter(in_topology)
        .peekable();
    let mut pc = graph.pchat_machines.iter().filter(in_topology).peekable();
    let mut out =
        Vec::with_capacity(graph.file_transfer_machines.len() + graph.pchat_machines.len());
    loop {
        let next = match (ft.peek(), pc.peek()) {
            (Some(&&f), Some(&&p)) if f <= p => {
                ft.next();
                if f == p {
                    pc.next();
                }
                (f, CheckedKind::FileTransfer)
            }
            (Some(&&f), None) => {
                ft.next();
                (f, CheckedKind::FileTransfer)
            }
            (_, Some(&&p)) => {
                pc.next();
                (p, CheckedKind::PersistentChat)
            }
            (None, None) => break,
        };
        out.push(next);
    }
    out
}

/// Chooses every machine's certificate (one choice per machine, shared by the checked servers
/// and the CA inference), and resolves the reference CA. The rules then run on the result
/// (see `crate::checked::run_check`).
///
/// One walk of the machines in order: the checked servers (in machine order) are made as
/// their machine's choice is, and the CA inference keeps only the chosen file of each machine.
pub fn prepare(
    topo: &Topology,
    graph: &ServerGraph,
    store: &CertStore,
    given_cas: &[ca::GivenCa],
    options: &CheckOptions,
) -> (Vec<CheckedServer>, ca::CaResolution) {
    let index = NameIndex::build(store);
    let checked = checked_servers(topo, graph);
    debug_assert!(checked.is_sorted_by_key(|c| c.0));
    let mut checked = checked.into_iter().peekable();
    let mut servers = Vec::with_capacity(checked.len());
    let mut chosen = Vec::with_capacity(topo.machines.len());
    for i in 0..topo.machines.len() {
        let machine = MachineIdx(i);
        let assignment = assign::choose(topo, store, &index, machine, options.now);
        chosen.push(assignment.as_ref().map(|a| a.file));
        // a machine is checked once at most (`checked_servers`)
        if let Some((_, kind)) = checked.next_if(|c| c.0 == machine) {
            servers.push(checked_server(
                topo,
                graph,
                store,
                &index,
                options,
                machine,
                kind,
                assignment.as_ref(),
            ));
        }
    }
    drop(index);
    let reference_ca = ca::resolve(topo, graph, store, &chosen, given_cas);
    (servers, reference_ca)
}

/// The checked server on `machine`, with every certificate it has (`primary`: its machine's
/// choice).
#[allow(clippy::too_many_arguments)]
fn checked_server(
    topo: &Topology,
    graph: &ServerGraph,
    store: &CertStore,
    index: &NameIndex,
    options: &CheckOptions,
    machine: MachineIdx,
    kind: CheckedKind,
    primary: Option<&Assignment>,
) -> CheckedServer {
    let required = crate::required::planned_names(topo, graph, machine, kind);
    let names_of = |u: crate::certs::Usage| {
        crate::required::for_usages(&required, &[u])
            .into_iter()
            .map(|n| n.name.as_str().to_string())
            .collect()
    };
    let certificates = assign::choose_per_usage(
        topo,
        store,
        index,
        machine,
        options.now,
        primary,
        kind.needed_usages(),
        kind.single_certificate_usages(),
        &names_of,
    );
    let main = certificates
        .iter()
        .position(|a| a.usages.contains(&crate::certs::Usage::Default))
        .or((!certificates.is_empty()).then_some(0))
        .map_or(Main::None, Main::Of);
    CheckedServer {
        machine,
        kind,
        certificates,
        main,
    }
}

#[cfg(test)]
mod cert_forms_tests;
