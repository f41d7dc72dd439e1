//! The DNS names each checked server's certificate must carry, each with the topology element
//! that requires it. Derived once here and used by `check` (the `missing-required-name` rule),
//! `plan`, `report` and `diff` alike.

use crate::check::CheckedKind;
use crate::graph::{PoolKind, ServerGraph};
use crate::model::{Fqdn, MachineIdx, Role, Span, Topology};
use serde::Serialize;

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

/// Collects names in order, merging repeats case-insensitively into "also required by"
/// (indexed, so a topology with many simple URLs stays linear).
#[derive(Default)]
pub(crate) struct NameList(
    pub(crate) Vec<PlannedName>,
    std::collections::HashMap<Fqdn, usize>,
);

impl NameList {
    pub(crate) fn add(
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

/// The certificate usages that need a name of this kind (Microsoft's "certificate requirements
/// for internal servers"): Default carries the server and pool FQDNs; the internal web services
/// certificate the internal web FQDN, the server and pool FQDNs and the simple URLs; the
/// external one the external web FQDN and the simple URLs.
pub fn usages_needing(source: NameSource) -> &'static [crate::certs::Usage] {
    use crate::certs::Usage::*;
    match source {
        NameSource::MachineFqdn | NameSource::FrontEndPool => &[Default, WebServicesInternal],
        NameSource::InternalWebServices => &[WebServicesInternal],
        NameSource::ExternalWebServices => &[WebServicesExternal],
        NameSource::SimpleUrl => &[WebServicesInternal, WebServicesExternal],
        NameSource::PersistentChatPool => &[Default],
    }
}

/// The names a certificate serving `usages` needs, in order (every name when `usages` is
/// empty). A name is needed when any of the elements requiring it needs one of the usages.
pub fn for_usages(names: &[PlannedName], usages: &[crate::certs::Usage]) -> Vec<PlannedName> {
    if usages.is_empty() {
        return names.to_vec();
    }
    names
        .iter()
        .filter(|n| {
            std::iter::once(&n.reason)
                .chain(&n.also_required_by)
                .any(|r| usages_needing(r.source).iter().any(|u| usages.contains(u)))
        })
        .cloned()
        .collect()
}

/// The required names a certificate's names (DNS SANs, or the CN without SANs) do not cover,
/// in order. A wildcard covers one label.
pub fn missing<'p>(
    facts: &crate::certs::CertFacts,
    required: &'p [PlannedName],
) -> Vec<&'p PlannedName> {
    // One set of the certificate's names, not a scan of them per required name: a topology
    // with many simple URLs has many required names and certificates with as many names.
    let cover = crate::certs::cert::NameCover::new(facts.names());
    required
        .iter()
        .filter(|n| !cover.covers(n.name.as_str()))
        .collect()
}

/// The key of a finding about missing names: the lower-case names joined by commas (stable,
/// and it changes when another name goes missing).
pub fn names_key<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names
        .into_iter()
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join(",")
}

/// The names of a [`names_key`].
pub fn names_of_key(key: &str) -> Vec<String> {
    key.split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}
