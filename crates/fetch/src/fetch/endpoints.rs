//! Which endpoints to fetch: for every server `check` checks, the TLS ports its pool's
//! services declare (`Service/Ports/Port`, see [`crate::model::CertPort`]), else the Lync
//! defaults, else what `--port` says.

use super::dns_name::{DnsName, NameError};
use super::options::FetchOptions;
pub use crate::certs::endpoint::PortFrom;
use crate::certs::Usage;
use crate::check::CheckedKind;
use crate::graph::ServerGraph;
use crate::model::{MachineIdx, Role, Span, Topology};

/// One TLS listener of a checked server to read a certificate from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The server.
    pub machine: MachineIdx,
    /// Its name as the topology writes it.
    pub server: String,
    /// The name to connect to, or why the name is not one (then it is never connected to).
    pub name: Result<DnsName, NameError>,
    /// The certificate the listener presents.
    pub usage: Usage,
    /// The TCP port.
    pub port: u16,
    /// Where the port comes from.
    pub port_from: PortFrom,
    /// The `Port` element, when the topology declares it.
    pub port_span: Option<Span>,
}

/// The usages read from the servers, in output order.
pub(crate) const FETCHED: [Usage; 3] = [
    Usage::Default,
    Usage::WebServicesInternal,
    Usage::WebServicesExternal,
];

/// The fetched usage named `name` (`default`, `webservicesinternal`, `webservicesexternal`,
/// in any case).
pub(crate) fn fetched_usage(name: &str) -> Option<Usage> {
    Usage::parse(name).filter(|u| FETCHED.contains(u))
}

/// The Lync default port of a use: SIP over TLS 5061 on a Front End and 5041 on a
/// Persistent Chat server, internal web services 443, external web services 4443 (the OAuth
/// token issuer has no listener of its own: `None`).
pub(crate) fn default_port(usage: Usage, kind: CheckedKind) -> Option<u16> {
    match (usage, kind) {
        (Usage::Default, CheckedKind::PersistentChat) => Some(5041),
        (Usage::Default, CheckedKind::FileTransfer) => Some(5061),
        (Usage::WebServicesInternal, _) => Some(443),
        (Usage::WebServicesExternal, _) => Some(4443),
        (Usage::OAuthTokenIssuer, _) => None,
    }
}

/// The uses fetched from a checked server: a file upload/download server runs a Front End's
/// SIP and web services (all three); a Persistent Chat server has SIP only (Default).
pub(crate) fn uses_of(kind: CheckedKind) -> &'static [Usage] {
    match kind {
        CheckedKind::FileTransfer => &FETCHED,
        CheckedKind::PersistentChat => &[Usage::Default],
    }
}

/// Every endpoint to fetch, by server in `check`'s order, then by use. A Default port is
/// taken from the Registrar of a file upload/download server's pool and from the Persistent
/// Chat service of a Persistent Chat server's pool (either one when the pool has only that).
pub fn plan(topo: &Topology, graph: &ServerGraph, options: &FetchOptions) -> Vec<Endpoint> {
    // The declared ports of each pool, in document order.
    let mut by_pool: Vec<Vec<(&Role, crate::model::CertPort)>> = vec![Vec::new(); topo.pools.len()];
    for (svc, port) in topo.cert_ports() {
        if let Some(pool) = topo.service_pool(svc) {
            by_pool[pool.0].push((&topo.services[svc.0].role, port));
        }
    }
    let mut out = Vec::new();
    for (machine, kind) in crate::check::checked_servers(topo, graph) {
        let m = &topo.machines[machine.0];
        let declared = &by_pool[m.pool.0];
        let preferred = match kind {
            CheckedKind::FileTransfer => Role::Registrar,
            CheckedKind::PersistentChat => Role::PersistentChat,
        };
        for &usage in uses_of(kind) {
            let mut ports = declared.iter().filter(|(_, p)| p.usage == usage);
            let topology = ports
                .clone()
                .find(|(role, _)| **role == preferred)
                .or_else(|| ports.next())
                .map(|(_, p)| *p);
            let (port, port_from, port_span) = match (options.port(usage), topology) {
                (Some(p), t) => (p, PortFrom::Option, t.map(|t| t.span)),
                (None, Some(t)) => (t.port, PortFrom::Topology, Some(t.span)),
                (None, None) => match default_port(usage, kind) {
                    Some(p) => (p, PortFrom::Default, None),
                    None => continue,
                },
            };
            out.push(Endpoint {
                machine,
                server: m.fqdn.as_str().to_string(),
                name: DnsName::new(m.fqdn.as_str()),
                usage,
                port,
                port_from,
                port_span,
            });
        }
    }
    out
}
