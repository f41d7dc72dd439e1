//! The DNS names each checked server's certificate must carry, each with the topology element
//! that requires it. Derived once here and used by `check` (the `missing-required-name` rule),
//! `plan`, `report` and `diff` alike.

use crate::check::CheckedKind;
use crate::citation::{self, Citation};
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

    /// Where the requirement of this kind of name comes from.
    pub fn source(self) -> Citation {
        let ms = |states| Citation::Microsoft {
            page: citation::INTERNAL_SERVERS,
            states,
        };
        match self {
            NameSource::MachineFqdn => ms("the table's rows for a server's Default and internal web services certificates list the server's own FQDN among the subject alternative names"),
            NameSource::FrontEndPool => ms("Default row: the subject name is the pool FQDN, and the subject alternative names are the pool FQDN and the server FQDN"),
            NameSource::InternalWebServices => ms("WebServicesInternal row: the subject alternative names include the internal web services FQDN of the pool"),
            NameSource::ExternalWebServices => ms("WebServicesExternal row: the subject alternative names include the external web services FQDN of the pool; that certificate serves the external web site, and Persistent Chat file upload/download is offered on the internal web site only (\"Configure Persistent Chat Server in Lync Server 2013\")"),
            NameSource::SimpleUrl => ms("WebServicesInternal and WebServicesExternal rows: the subject alternative names include the simple URLs (meet, dial-in, admin); a wildcard may cover them"),
            NameSource::PersistentChatPool => Citation::WizardDefault("Request-CsCertificate adds the Persistent Chat pool FQDN to the Default certificate of a server of a pool of several; Microsoft publishes no name table for Persistent Chat servers"),
        }
    }

    /// The service that uses a name of this kind (what a certificate without it breaks).
    pub fn affects(self) -> &'static str {
        match self {
            NameSource::MachineFqdn => "connections to the server by its FQDN",
            NameSource::FrontEndPool => "SIP and web connections to the pool by its FQDN",
            NameSource::InternalWebServices => "the internal web site (file upload/download)",
            NameSource::ExternalWebServices => {
                "the external web site and the reverse proxy that publishes it (not Persistent Chat file upload/download, which is internal only)"
            }
            NameSource::SimpleUrl => "the simple URLs (meetings, dial-in, administration)",
            NameSource::PersistentChatPool => {
                "connections that address the Persistent Chat pool by its pool FQDN"
            }
        }
    }

    /// Whether a certificate serving `usages` (every usage when empty) of a server of `kind`
    /// must carry a name of this kind: only a requirement Microsoft states, for a usage that
    /// server needs for Persistent Chat (`CheckedKind::needed_usages`); anything else is
    /// [`Need::Recommended`].
    pub fn need(self, usages: &[crate::certs::Usage], kind: CheckedKind) -> Need {
        let stated = self.source().is_stated();
        let needed = kind.needed_usages();
        let for_pchat = usages_needing(self)
            .iter()
            .any(|u| needed.contains(u) && (usages.is_empty() || usages.contains(u)));
        if stated && for_pchat {
            Need::Required
        } else {
            Need::Recommended
        }
    }
}

/// Whether a name decides readiness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Need {
    /// Microsoft states it for a usage Persistent Chat needs: without it the server is not
    /// ready (`missing-required-name`).
    Required,
    /// A requirement of another usage, or a wizard default: `plan` asks for it, and a
    /// certificate without it gets a warning (`missing-recommended-name`).
    Recommended,
}

impl Need {
    /// `required` or `recommended`.
    pub fn as_str(self) -> &'static str {
        match self {
            Need::Required => "required",
            Need::Recommended => "recommended",
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
    /// Whether a certificate for every usage of the server must carry it
    /// ([`NameSource::need`] of any of its reasons).
    pub need: Need,
}

impl PlannedName {
    /// Whether a certificate serving `usages` (every usage when empty) of a server of `kind`
    /// must carry this name: required when any element that asks for it requires it.
    pub(crate) fn need_for(&self, usages: &[crate::certs::Usage], kind: CheckedKind) -> Need {
        if std::iter::once(&self.reason)
            .chain(&self.also_required_by)
            .any(|r| r.source.need(usages, kind) == Need::Required)
        {
            Need::Required
        } else {
            Need::Recommended
        }
    }
}

/// Collects names in order, merging repeats case-insensitively into "also required by": a few
/// names are searched in place, more are indexed (so a topology with many simple URLs stays
/// linear without a map for every server).
#[derive(Default)]
pub struct NameList(pub Vec<PlannedName>, std::collections::HashMap<Fqdn, usize>);

impl NameList {
    /// Up to this many names are searched one by one.
    const SEARCHED: usize = 8;

    /// Where `name` already is.
    fn find(&mut self, name: &Fqdn) -> Option<usize> {
        if self.0.len() <= Self::SEARCHED {
            return self.0.iter().position(|p| p.name == *name);
        }
        // The names are distinct: the index holds the first `self.1.len()` of them.
        for (i, p) in self.0.iter().enumerate().skip(self.1.len()) {
            self.1.insert(p.name.clone(), i);
        }
        self.1.get(name).copied()
    }
}

impl NameList {
    pub fn add(
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
        match self.find(name) {
            Some(i) => self.0[i].also_required_by.push(reason),
            None => {
                self.0.push(PlannedName {
                    name: name.clone(),
                    reason,
                    also_required_by: Vec::new(),
                    need: Need::Required,
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
/// Persistent Chat server of a pool of several servers: the pool FQDN. Each name says whether
/// it is required or recommended ([`PlannedName::need`]).
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
    let mut names = names.0;
    for n in &mut names {
        n.need = n.need_for(&[], kind);
    }
    // Kept with each checked server: no room left over from growing.
    names.shrink_to_fit();
    names
}

/// The certificate usages that need a name of this kind (Microsoft's "certificate requirements
/// for internal servers"): Default carries the server and pool FQDNs; the internal web services
/// certificate the internal web FQDN, the server and pool FQDNs and the simple URLs; the
/// external one the external web FQDN and the simple URLs.
pub(crate) fn usages_needing(source: NameSource) -> &'static [crate::certs::Usage] {
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
pub(crate) fn for_usages(
    names: &[PlannedName],
    usages: &[crate::certs::Usage],
) -> Vec<PlannedName> {
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

/// The names a certificate serving `usages` of a server of `kind` needs, split into the
/// required and the recommended ones ([`PlannedName::need_for`]), each in order.
pub(crate) fn split_by_need(
    names: &[PlannedName],
    usages: &[crate::certs::Usage],
    kind: CheckedKind,
) -> (Vec<PlannedName>, Vec<PlannedName>) {
    for_usages(names, usages)
        .into_iter()
        .partition(|n| n.need_for(usages, kind) == Need::Required)
}

/// The names of `need`, for the usages the server assigns to this certificate, that `facts`
/// does not cover, in order; never the server FQDN itself, which is `name-mismatch`'s.
pub(crate) fn missing_names(
    topo: &Topology,
    graph: &ServerGraph,
    s: &crate::check::CheckedServer,
    fqdn: &str,
    facts: &crate::certs::CertFacts,
    need: Need,
) -> Vec<PlannedName> {
    let usages = s.assignment().map_or(&[][..], |a| &a.usages[..]);
    let planned = planned_names(topo, graph, s.machine, s.kind);
    let (required, recommended) = split_by_need(&planned, usages, s.kind);
    let names = if need == Need::Required {
        required
    } else {
        recommended
    };
    missing(facts, &names)
        .into_iter()
        .filter(|n| !n.name.as_str().eq_ignore_ascii_case(fqdn))
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
    let cover = crate::certs::NameCover::new(facts.names());
    required
        .iter()
        .filter(|n| !cover.covers(n.name.as_str()))
        .collect()
}

/// The key of a finding about missing names: the lower-case names joined by commas (stable,
/// and it changes when another name goes missing).
pub(crate) fn names_key<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names
        .into_iter()
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join(",")
}
