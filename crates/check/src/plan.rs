//! `topocert plan`: the certificate every file upload/download server and Persistent Chat
//! server needs (subject, DNS names with the topology element that requires each, key, EKU,
//! issuing CA), and, given existing certificates, whether each one is ready.
//!
//! [`build`] makes the plan from the topology; `readiness` compares it with the certificate
//! `check` chose for each server. topocert-report formats it and writes the request files.

pub use crate::required::{planned_names, NameReason, NameSource, PlannedName};

use crate::certs::CertStore;
use crate::check::ca::CaResolution;
use crate::check::{checked_servers, CheckResult, CheckedKind};
use crate::graph::{PoolKind, ServerGraph};
use crate::model::{Fqdn, MachineIdx, Topology};
use crate::outcome::{Action, Outcome, Status};
use serde::Serialize;

/// Smallest RSA key a planned certificate may have.
pub const MIN_RSA_BITS: u32 = 2048;
/// The Server Authentication extended key usage.
pub const SERVER_AUTH_OID: &str = "1.3.6.1.5.5.7.3.1";

/// The CA that must issue the certificates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum IssuingCa {
    /// The reference CA: given with `--ca` or inferred from the existing certificates.
    Known {
        /// Subject DN of each reference CA.
        subjects: Vec<String>,
        /// How it was found.
        how: String,
    },
    /// Not known: no `--ca`, and nothing (or no single issuer) to infer it from.
    Unknown {
        /// Why, and what to give to name it.
        why: String,
    },
}

impl IssuingCa {
    /// From the reference CA resolution of `check`.
    pub fn from_resolution(res: &CaResolution) -> Self {
        match res {
            CaResolution::Known(cas) => IssuingCa::Known {
                subjects: cas.iter().map(|c| c.subject.clone()).collect(),
                how: cas.first().map(|c| c.how.clone()).unwrap_or_default(),
            },
            CaResolution::Ambiguous { tied } => IssuingCa::Unknown {
                why: format!(
                    "the CA that issued the internal servers' certificates: none of {} issuers issued more than half of them ({}); name it with --ca",
                    tied.len(),
                    tied.iter().map(|t| t.describe()).collect::<Vec<_>>().join("; ")
                ),
            },
            CaResolution::Unknown => IssuingCa::Unknown {
                why: "the CA that issued the internal servers' certificates (unknown: give --ca FILE, or --certs DIR to infer it)".into(),
            },
        }
    }
    /// One line for people.
    pub fn describe(&self) -> String {
        match self {
            IssuingCa::Known { subjects, how } => format!("{} ({how})", subjects.join(" or ")),
            IssuingCa::Unknown { why } => why.clone(),
        }
    }
}

/// Whether a server's existing certificate fits the plan (only with `--certs`/`--inventory`):
/// copied from the check's [`crate::outcome::Outcome`], never decided here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Readiness {
    /// `ready`, `not-ready` or `unknown`.
    pub status: Status,
    /// What the status rests on besides the findings (see
    /// [`crate::outcome::Outcome::status_note`]); absent when nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_note: Option<String>,
    /// What to do (`ready`, `reissue` with reasons, `request`, `verify`).
    #[serde(flatten)]
    pub action: Action,
    /// The certificate file or inventory row found, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
    /// Why the status is unknown, and what would decide it (empty unless unknown).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub undecided: Vec<String>,
}

impl Readiness {
    /// "ready", "not ready — reissue (...)", "ready; reissue advised (...)", "unknown — verify".
    pub fn describe(&self) -> String {
        match &self.status_note {
            Some(note) => format!("{} [{note}]", self.describe_status()),
            None => self.describe_status(),
        }
    }
    fn describe_status(&self) -> String {
        match (&self.action, self.status) {
            (Action::Ready, s) => s.label().to_string(),
            (Action::Reissue(reasons), Status::Ready) => format!(
                "ready; reissue advised ({})",
                reasons
                    .iter()
                    .map(crate::outcome::ReissueReason::describe)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            (a, s) => format!("{} — {}", s.label(), a.describe()),
        }
    }
}

/// The certificate one server needs.
#[derive(Debug, Clone, Serialize)]
pub struct ServerPlan {
    /// The machine.
    #[serde(skip)]
    pub machine: MachineIdx,
    /// Its FQDN: the subject common name.
    pub fqdn: Fqdn,
    /// Why it needs the certificate.
    pub kind: CheckedKind,
    /// Its pool FQDN.
    pub pool: Fqdn,
    /// What its pool is.
    pub pool_kind: PoolKind,
    /// Its site, when known.
    pub site: Option<String>,
    /// The DNS subject alternative names, deduplicated case-insensitively, in order.
    pub names: Vec<PlannedName>,
    /// With existing certificates: whether the one found fits.
    #[serde(flatten)]
    pub readiness: Option<Readiness>,
}

impl ServerPlan {
    /// The subject DN of the request: `CN=<machine FQDN>`.
    pub fn subject(&self) -> String {
        format!("CN={}", self.fqdn)
    }
    /// The planned names as strings.
    pub fn dns_names(&self) -> Vec<&str> {
        self.names.iter().map(|n| n.name.as_str()).collect()
    }
}

/// The certificate plan of a topology.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// The CA that must issue every certificate.
    pub issuing_ca: IssuingCa,
    /// The servers, file upload/download servers and Persistent Chat servers in topology order.
    pub servers: Vec<ServerPlan>,
}

impl Plan {
    /// Number of servers whose action is not `ready` (a certificate to request, reissue or
    /// verify).
    pub fn needing_action(&self) -> usize {
        self.servers
            .iter()
            .filter(|s| {
                s.readiness
                    .as_ref()
                    .is_some_and(|r| r.action != Action::Ready)
            })
            .count()
    }
}

/// Builds the plan: one [`ServerPlan`] per checked server, without readiness.
pub fn build(topo: &Topology, graph: &ServerGraph, issuing_ca: IssuingCa) -> Plan {
    let servers = checked_servers(topo, graph)
        .into_iter()
        .map(|(m, kind)| {
            let machine = &topo.machines[m.0];
            let pool = &topo.pools[machine.pool.0];
            ServerPlan {
                machine: m,
                fqdn: machine.fqdn.clone(),
                kind,
                pool: pool.fqdn.clone(),
                pool_kind: graph.pool_kinds[machine.pool.0],
                site: topo.pool_site(machine.pool).map(|s| s.display_name()),
                names: planned_names(topo, graph, m, kind),
                readiness: None,
            }
        })
        .collect();
    Plan {
        issuing_ca,
        servers,
    }
}

/// Copies every server's status and action from the check's outcome.
pub fn add_readiness(plan: &mut Plan, store: &CertStore, result: &CheckResult, outcome: &Outcome) {
    for sp in &mut plan.servers {
        let Some(o) = outcome.server(sp.machine) else {
            continue;
        };
        let certificate = result
            .server(sp.machine)
            .and_then(|c| c.assignment())
            .map(|a| store.files[a.file].label());
        sp.readiness = Some(Readiness {
            status: o.status,
            status_note: Some(outcome.status_note(o)).filter(|n| !n.is_empty()),
            action: o.action.clone(),
            certificate,
            undecided: crate::outcome::describe_undecided(result, o),
        });
    }
}
