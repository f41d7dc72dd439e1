//! `topocert plan`: the certificate every file upload/download server and Persistent Chat
//! server needs (subject, DNS names with the topology element that requires each, key, EKU,
//! issuing CA), and, given existing certificates, whether each one is ready.
//!
//! [`build`] makes the plan from the topology; [`readiness`] compares it with the certificate
//! `check` chose for each server; [`render`] formats it; [`files`] writes the request files.

pub mod files;
pub mod render;

use crate::certs::{CertFacts, CertStore};
use crate::check::ca::CaResolution;
use crate::check::{checked_servers, CheckResult, CheckedKind};
use crate::graph::{PoolKind, ServerGraph};
use crate::model::{Fqdn, MachineIdx, Role, Span, Topology};
use crate::rules::{Finding, Severity};
use serde::Serialize;

/// Smallest RSA key a planned certificate may have.
pub const MIN_RSA_BITS: u32 = 2048;
/// The Server Authentication extended key usage.
pub const SERVER_AUTH_OID: &str = "1.3.6.1.5.5.7.3.1";

/// Which topology element requires a DNS name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NameSource {
    /// The server's own FQDN (`Machine/@Fqdn`).
    MachineFqdn,
    /// The Front End pool FQDN (`Cluster/@Fqdn`).
    FrontEndPool,
    /// The internal web services FQDN (`WebService/InternalSettings/@Host`).
    InternalWebServices,
    /// The external web services FQDN (`WebService/ExternalSettings/@Host`).
    ExternalWebServices,
    /// A simple URL (`SimpleUrl/@ActiveUrl`).
    SimpleUrl,
    /// The FQDN of a Persistent Chat pool of more than one server.
    PersistentChatPool,
}

impl NameSource {
    /// What the name is, for people.
    pub fn label(self) -> &'static str {
        match self {
            NameSource::MachineFqdn => "server FQDN",
            NameSource::FrontEndPool => "Front End pool FQDN",
            NameSource::InternalWebServices => "internal web services FQDN",
            NameSource::ExternalWebServices => "external web services FQDN",
            NameSource::SimpleUrl => "simple URL",
            NameSource::PersistentChatPool => "Persistent Chat pool FQDN",
        }
    }
}

/// Why a name is on a certificate: the topology element that requires it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NameReason {
    /// What kind of name it is.
    pub source: NameSource,
    /// The element, e.g. `Machine fe01.fabrikam.com` or `SimpleUrl Meet`.
    pub element: String,
    /// One-based line of the element's start tag.
    pub line: usize,
    /// One-based column of the element's start tag.
    pub column: usize,
    /// Byte span of the element's start tag in the decoded topology.
    #[serde(skip)]
    pub span: Span,
}

impl NameReason {
    /// "Front End pool FQDN (Cluster pool01.fabrikam.com, line 27:5)".
    pub fn describe(&self) -> String {
        format!(
            "{} ({}, line {}:{})",
            self.source.label(),
            self.element,
            self.line,
            self.column
        )
    }
}

/// A DNS subject alternative name a certificate needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedName {
    /// The name (compares case-insensitively; shown as first written).
    pub name: Fqdn,
    /// The first element that requires it.
    pub reason: NameReason,
    /// Other elements that require the same name.
    pub also_required_by: Vec<NameReason>,
}

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
                    "the CA that issued the internal servers' certificates: {} issuers tie ({}); name it with --ca",
                    tied.len(),
                    tied.iter().map(|t| t.0.as_str()).collect::<Vec<_>>().join("; ")
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

/// Why an existing certificate must be reissued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ReissueReason {
    /// It lacks planned DNS names.
    MissingNames {
        /// The names it lacks, in plan order.
        names: Vec<String>,
    },
    /// A `check` rule found a problem with it (wrong CA, expired, weak key, ...).
    Finding {
        /// The rule id (`foreign-ca`, `expired`, `weak-key`, ...).
        rule: String,
        /// The rule's message.
        message: String,
    },
}

impl ReissueReason {
    /// One phrase for people.
    pub fn describe(&self) -> String {
        match self {
            ReissueReason::MissingNames { names } => format!("missing SAN {}", names.join(", ")),
            ReissueReason::Finding { rule, message } => format!("{rule}: {message}"),
        }
    }
}

/// Whether a server's existing certificate fits the plan (only with `--certs`/`--inventory`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Readiness {
    /// The certificate found has every planned name and no problem.
    Ready {
        /// The certificate file or inventory row.
        certificate: String,
    },
    /// A certificate was found, but a new one is needed.
    Reissue {
        /// The certificate file or inventory row.
        certificate: String,
        /// Why, in order: missing names first, then the check findings.
        reasons: Vec<ReissueReason>,
    },
    /// No certificate was found for the server.
    Request,
}

impl Readiness {
    /// `ready`, `reissue` or `request`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Readiness::Ready { .. } => "ready",
            Readiness::Reissue { .. } => "reissue",
            Readiness::Request => "request",
        }
    }
    /// "ready", "reissue (missing SAN x, y; expired: ...)", "request (no certificate found)".
    pub fn describe(&self) -> String {
        match self {
            Readiness::Ready { .. } => "ready".into(),
            Readiness::Reissue { reasons, .. } => format!(
                "reissue ({})",
                reasons
                    .iter()
                    .map(ReissueReason::describe)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            Readiness::Request => "request (no certificate found)".into(),
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
    /// Number of servers with a readiness other than ready.
    pub fn not_ready(&self) -> usize {
        self.servers
            .iter()
            .filter(|s| !matches!(s.readiness, None | Some(Readiness::Ready { .. })))
            .count()
    }
}

/// Collects names in order, merging repeats case-insensitively into "also required by"
/// (indexed, so a topology with many simple URLs stays linear).
#[derive(Default)]
struct NameList(Vec<PlannedName>, std::collections::HashMap<Fqdn, usize>);

impl NameList {
    fn add(
        &mut self,
        topo: &Topology,
        name: &Fqdn,
        source: NameSource,
        element: String,
        span: Span,
    ) {
        if name.as_str().is_empty() {
            return;
        }
        let (line, column) = topo.source.line_col(span.start);
        let reason = NameReason {
            source,
            element,
            line,
            column,
            span,
        };
        match self.1.get(name) {
            Some(&i) => self.0[i].also_required_by.push(reason),
            None => {
                self.1.insert(name.clone(), self.0.len());
                self.0.push(PlannedName {
                    name: name.clone(),
                    reason,
                    also_required_by: Vec::new(),
                });
            }
        }
    }
}

/// The names one server's certificate needs.
///
/// Every server: its FQDN. A file upload/download server (a server of a web-services pool that
/// serves Persistent Chat): its pool FQDN, the internal and external web services FQDNs of the
/// pool, and, on a Front End or Director pool, every simple URL of the topology (simple URLs are
/// global: each Front End pool answers them, so each one's web certificates carry them). A
/// Persistent Chat server of a pool of several servers: the pool FQDN.
pub fn planned_names(
    topo: &Topology,
    graph: &ServerGraph,
    m: MachineIdx,
    kind: CheckedKind,
) -> Vec<PlannedName> {
    let machine = &topo.machines[m.0];
    let pool_idx = machine.pool;
    let pool = &topo.pools[pool_idx.0];
    let pool_kind = graph.pool_kinds[pool_idx.0];
    let mut names = NameList::default();
    names.add(
        topo,
        &machine.fqdn,
        NameSource::MachineFqdn,
        format!("Machine {}", machine.fqdn),
        machine.span,
    );
    match kind {
        CheckedKind::FileTransfer => {
            names.add(
                topo,
                &pool.fqdn,
                NameSource::FrontEndPool,
                format!("Cluster {}", pool.fqdn),
                pool.span,
            );
            for &s in &pool.services {
                let svc = &topo.services[s.0];
                let (Role::WebServices, Some(web)) = (&svc.role, &svc.web) else {
                    continue;
                };
                let element = format!("Service {}", topo.service_identity(s));
                if let Some(h) = &web.internal_host {
                    names.add(
                        topo,
                        h,
                        NameSource::InternalWebServices,
                        element.clone(),
                        svc.span,
                    );
                }
                if let Some(h) = &web.external_host {
                    names.add(topo, h, NameSource::ExternalWebServices, element, svc.span);
                }
            }
            if matches!(pool_kind, PoolKind::FrontEnd | PoolKind::Director) {
                for u in &topo.simple_urls {
                    if let Some(host) = u.host() {
                        names.add(
                            topo,
                            &host,
                            NameSource::SimpleUrl,
                            format!("SimpleUrl {} {}", u.component, u.url),
                            u.span,
                        );
                    }
                }
            }
        }
        CheckedKind::PersistentChat => {
            if pool.machines.len() > 1 {
                names.add(
                    topo,
                    &pool.fqdn,
                    NameSource::PersistentChatPool,
                    format!("Cluster {}", pool.fqdn),
                    pool.span,
                );
            }
        }
    }
    names.0
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

/// Rules whose findings do not call for a new certificate: the missing one (that is a
/// request), the server-name mismatch (covered by the missing names), an endpoint that could
/// not be fetched, and notes.
const NOT_REISSUE: &[&str] = &[
    "missing-certificate",
    "name-mismatch",
    "unreachable-endpoint",
];

/// Compares a server's plan with the certificate found for it, described by its facts (from a
/// certificate file or an inventory row) and the `check` findings about that server.
///
/// No certificate: [`Readiness::Request`]. Otherwise reissue when a planned name is not covered
/// (a wildcard covers one label) or a finding of warning or error severity is about it
/// (foreign CA, expired, expiring soon, no Server Authentication, weak key or signature...).
pub fn readiness(
    plan: &ServerPlan,
    found: Option<(&str, &CertFacts)>,
    findings: &[&Finding],
) -> Readiness {
    let Some((label, facts)) = found else {
        return Readiness::Request;
    };
    let mut reasons = Vec::new();
    let missing: Vec<String> = plan
        .names
        .iter()
        .filter(|n| !facts.covers_name(n.name.as_str()))
        .map(|n| n.name.to_string())
        .collect();
    if !missing.is_empty() {
        reasons.push(ReissueReason::MissingNames { names: missing });
    }
    for f in findings {
        if f.severity >= Severity::Warning && !NOT_REISSUE.contains(&f.rule) {
            reasons.push(ReissueReason::Finding {
                rule: f.rule.to_string(),
                message: f.message.clone(),
            });
        }
    }
    if reasons.is_empty() {
        Readiness::Ready {
            certificate: label.to_string(),
        }
    } else {
        Readiness::Reissue {
            certificate: label.to_string(),
            reasons,
        }
    }
}

/// Fills in every server's readiness from a `check` run over the existing certificates.
pub fn add_readiness(plan: &mut Plan, store: &CertStore, result: &CheckResult) {
    for sp in &mut plan.servers {
        let checked = result.server(sp.machine);
        let file = checked
            .and_then(|c| c.assignment.as_ref())
            .map(|a| &store.files[a.file]);
        let label = file.map(|f| match f.leaf.inventory() {
            Some(row) => row.label(),
            None => f.path.display().to_string(),
        });
        let findings: Vec<&Finding> = result.findings_for(sp.machine).collect();
        let found = match (&label, file) {
            (Some(l), Some(f)) => Some((l.as_str(), &*f.leaf)),
            _ => None,
        };
        sp.readiness = Some(readiness(sp, found, &findings));
    }
}

#[cfg(test)]
mod tests;
