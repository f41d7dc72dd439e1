//! The typed topology model: sites, pools, machines, SQL instances and services.
//!
//! Every element keeps the byte [`Span`] of its start tag in the decoded source text so that
//! diagnostics can point into the file. All cross references are resolved to typed indices
//! ([`PoolIdx`], [`ServiceIdx`], ...) when the model is built, so a `Topology` never holds a
//! dangling reference.

use serde::Serialize;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// A byte range in the decoded topology text (the start tag of an element).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Length in bytes.
    pub len: usize,
}

impl From<Span> for miette::SourceSpan {
    fn from(s: Span) -> Self {
        (s.start, s.len).into()
    }
}

/// A fully qualified domain name. Compares, orders and hashes case-insensitively (ASCII),
/// displays as written. One allocation: the lower-case form is never stored.
#[derive(Debug, Clone)]
pub struct Fqdn(Box<str>);

impl Fqdn {
    /// Wraps a name as written in the topology (surrounding whitespace and a trailing dot removed).
    pub fn new(written: &str) -> Self {
        Fqdn(Box::from(written.trim().trim_end_matches('.')))
    }
    /// The name as written in the source.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The lower-case form used for comparisons (borrowed when the name has no upper case).
    pub fn folded(&self) -> std::borrow::Cow<'_, str> {
        if self.0.bytes().any(|b| b.is_ascii_uppercase()) {
            std::borrow::Cow::Owned(self.0.to_ascii_lowercase())
        } else {
            std::borrow::Cow::Borrowed(&self.0)
        }
    }
}

/// A borrowed name that compares and hashes like an [`Fqdn`] (ASCII case-insensitively), for
/// looking names up without allocating.
#[derive(Debug, Clone, Copy)]
pub struct NoCase<'a>(pub &'a str);

impl PartialEq for NoCase<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(other.0)
    }
}
impl Eq for NoCase<'_> {}
impl Hash for NoCase<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let mut buf = [0u8; 64];
        for chunk in self.0.as_bytes().chunks(buf.len()) {
            let folded = &mut buf[..chunk.len()];
            folded.copy_from_slice(chunk);
            folded.make_ascii_lowercase();
            state.write(folded);
        }
        state.write_u8(0xff);
    }
}
impl Ord for NoCase<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let a = self.0.bytes().map(|b| b.to_ascii_lowercase());
        a.cmp(other.0.bytes().map(|b| b.to_ascii_lowercase()))
    }
}
impl PartialOrd for NoCase<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Fqdn {
    fn eq(&self, other: &Self) -> bool {
        NoCase(&self.0) == NoCase(&other.0)
    }
}
impl Eq for Fqdn {}
impl Hash for Fqdn {
    fn hash<H: Hasher>(&self, state: &mut H) {
        NoCase(&self.0).hash(state)
    }
}
impl PartialOrd for Fqdn {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Fqdn {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        NoCase(&self.0).cmp(&NoCase(&other.0))
    }
}
impl fmt::Display for Fqdn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl Serialize for Fqdn {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

macro_rules! index_type {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        pub struct $name(pub usize);
    };
}
index_type!(
    /// Index of a [`Site`] in [`Topology::sites`].
    SiteIdx
);
index_type!(
    /// Index of a [`Pool`] in [`Topology::pools`].
    PoolIdx
);
index_type!(
    /// Index of a [`Machine`] in [`Topology::machines`].
    MachineIdx
);
index_type!(
    /// Index of a [`SqlInstance`] in [`Topology::sql_instances`].
    SqlIdx
);
index_type!(
    /// Index of a [`Service`] in [`Topology::services`].
    ServiceIdx
);

/// Which schema the topology was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TopologyFormat {
    /// A published topology (`Get-CsTopology -AsXml`), root `Topology`.
    Published,
    /// A Topology Builder document (`.tbxml`), root `TopologyBuilder`/`PartialTopology`.
    TopologyBuilder,
}

impl TopologyFormat {
    /// Stable name used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            TopologyFormat::Published => "published",
            TopologyFormat::TopologyBuilder => "topology-builder",
        }
    }
}

/// The decoded topology text with its display name, shared by diagnostics.
#[derive(Debug, Clone)]
pub struct SourceText {
    /// Path as given by the user (`-` for standard input).
    pub name: String,
    /// The decoded text (UTF-8), BOM removed.
    pub text: Arc<String>,
    /// The encoding the bytes were in (`UTF-8`, `UTF-16LE`, ...).
    pub encoding: &'static str,
    /// Byte offset of the start of every line, built on first use and shared with the
    /// diagnostics' [`crate::source::Src`], so that locating thousands of elements stays linear.
    line_starts: crate::source::LineStarts,
}

impl SourceText {
    /// A source text; `name` is the path as given.
    pub fn new(name: impl Into<String>, text: Arc<String>, encoding: &'static str) -> Self {
        SourceText {
            name: name.into(),
            text,
            encoding,
            line_starts: crate::source::LineStarts::default(),
        }
    }
    /// A miette source for this text, to attach to diagnostics.
    pub fn named_source(&self) -> crate::source::Src {
        crate::source::Src::with_lines(
            self.name.clone(),
            self.text.clone(),
            self.line_starts.clone(),
        )
    }
    /// One-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let (line, col) = self.line_starts.line_and_column(&self.text, offset);
        (line + 1, col + 1)
    }
}

/// A central site (`CentralSite`).
#[derive(Debug, Clone, Serialize)]
pub struct Site {
    /// The `SiteId` attribute as written.
    pub id: String,
    /// The site's display name (`Name` element), when present.
    pub name: Option<String>,
    /// The `CentralSite` start tag.
    pub span: Span,
}

impl Site {
    /// The name for display: the site name or, without one, `Site <id>`.
    pub fn display_name(&self) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| format!("Site {}", self.id))
    }
}

/// How a cluster is identified in its schema.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum ClusterKey {
    /// Published topology: `ClusterId(SiteId, Number)`.
    Published {
        /// `SiteId` attribute.
        site: String,
        /// `Number` attribute.
        number: String,
    },
    /// Topology Builder: `UniqueId` attribute.
    Builder(String),
}

/// A pool (`Cluster`): one or more machines sharing an FQDN.
#[derive(Debug, Clone, Serialize)]
pub struct Pool {
    /// The pool FQDN.
    pub fqdn: Fqdn,
    /// The site the pool belongs to, when it could be resolved.
    pub site: Option<SiteIdx>,
    /// The schema's identity of this cluster.
    pub key: ClusterKey,
    /// Machines of the pool, in document order.
    pub machines: Vec<MachineIdx>,
    /// Services installed on the pool (directly or on one of its SQL instances).
    pub services: Vec<ServiceIdx>,
    /// The `Cluster` start tag.
    pub span: Span,
}

/// A server (`Machine`).
#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    /// Machine FQDN (for a `<Machine />` without `Fqdn`, the pool FQDN).
    pub fqdn: Fqdn,
    /// The pool it belongs to.
    pub pool: PoolIdx,
    /// The `Machine` start tag.
    pub span: Span,
}

/// A SQL Server instance hosted by a cluster.
#[derive(Debug, Clone, Serialize)]
pub struct SqlInstance {
    /// Instance name (empty for the default instance).
    pub name: String,
    /// The cluster (SQL store pool) that hosts it.
    pub pool: PoolIdx,
    /// The `SqlInstance` start tag.
    pub span: Span,
}

/// What a service is installed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "index")]
pub enum InstalledOn {
    /// A pool (`InstalledOn/ClusterId`, or `InstalledOn="<cluster UniqueId>"`).
    Pool(PoolIdx),
    /// A SQL instance (`InstalledOn/SqlInstanceId`).
    SqlInstance(SqlIdx),
}

/// A server role, as named by `RoleName`. Unknown roles keep their name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// `Registrar` (Front End or Director).
    Registrar,
    /// `UserServices` (Front End only).
    UserServices,
    /// `WebServices` (Front End or Director web services).
    WebServices,
    /// `ConfServices` (conferencing).
    ConfServices,
    /// `ApplicationServer`.
    ApplicationServer,
    /// `MediationServer`.
    MediationServer,
    /// `EdgeServer`.
    EdgeServer,
    /// `FileStore`.
    FileStore,
    /// `WacService` (Office Web Apps Server).
    WacService,
    /// `PersistentChatService` or `PersistentChatServer`: the Persistent Chat front end.
    PersistentChat,
    /// `PersistentChatStore`.
    PersistentChatStore,
    /// `PersistentChatComplianceStore`.
    PersistentChatComplianceStore,
    /// Any role whose name ends in `Store` (SQL databases) not listed above.
    SqlStore(Arc<str>),
    /// Any other role, with its name as written.
    Other(Arc<str>),
}

impl Role {
    /// Classifies a `RoleName` value (an unlisted name is shared, not copied).
    pub fn from_name(name: &Arc<str>) -> Role {
        match &**name {
            "Registrar" => Role::Registrar,
            "UserServices" => Role::UserServices,
            "WebServices" => Role::WebServices,
            "ConfServices" => Role::ConfServices,
            "ApplicationServer" => Role::ApplicationServer,
            "MediationServer" => Role::MediationServer,
            "EdgeServer" => Role::EdgeServer,
            "FileStore" => Role::FileStore,
            "WacService" => Role::WacService,
            "PersistentChatService" | "PersistentChatServer" => Role::PersistentChat,
            "PersistentChatStore" => Role::PersistentChatStore,
            "PersistentChatComplianceStore" => Role::PersistentChatComplianceStore,
            n if n.ends_with("Store") => Role::SqlStore(name.clone()),
            _ => Role::Other(name.clone()),
        }
    }
    /// True for the SQL-hosted roles.
    pub(crate) fn is_store(&self) -> bool {
        matches!(
            self,
            Role::SqlStore(_) | Role::PersistentChatStore | Role::PersistentChatComplianceStore
        )
    }
}

/// How a service is identified in its schema.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum ServiceKey {
    /// Published topology: `ServiceId(SiteId, RoleName, Instance)` (values shared across
    /// services).
    Published {
        /// `SiteId` attribute.
        site: Arc<str>,
        /// `RoleName` attribute.
        role: Arc<str>,
        /// `Instance` attribute.
        instance: Arc<str>,
    },
    /// Topology Builder: `UniqueId` attribute.
    Builder(String),
}

/// Web services settings of a `WebServices` service.
#[derive(Debug, Clone, Default, Serialize)]
pub struct WebServiceSettings {
    /// `WebComponents/Component/@ComponentName`, in document order.
    pub components: Vec<Arc<str>>,
    /// `InternalSettings/@Host`, when present.
    pub internal_host: Option<Fqdn>,
    /// `ExternalSettings/@Host`, when present.
    pub external_host: Option<Fqdn>,
}

/// The web component that serves Persistent Chat file upload/download.
pub(crate) const PERSISTENT_CHAT_WEB: &str = "PersistentChatWeb";

impl WebServiceSettings {
    /// True when the Persistent Chat file upload/download component is enabled.
    pub(crate) fn has_persistent_chat_web(&self) -> bool {
        self.components
            .iter()
            .any(|c| c.eq_ignore_ascii_case(PERSISTENT_CHAT_WEB))
    }
}

/// A TLS port a service declares (`Ports/Port`) on which its servers present a certificate:
/// the Registrar's or Persistent Chat's `SipServer` port (Default) and the web site's HTTPS
/// ports (`OCSWebSite`, primary: WebServicesInternal; external: WebServicesExternal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CertPort {
    /// The certificate presented there (Default, WebServicesInternal or WebServicesExternal).
    pub usage: crate::usage::Usage,
    /// The TCP port.
    pub port: u16,
    /// The `Port` start tag.
    pub span: Span,
}

/// A service (`Service`): one role installed on a pool or SQL instance.
#[derive(Debug, Clone, Serialize)]
pub struct Service {
    /// `RoleName` as written (shared by every service with that role name).
    pub role_name: Arc<str>,
    /// Classified role.
    #[serde(skip)]
    pub role: Role,
    /// The site (published `ServiceId/@SiteId`, or the site of the pool it is installed on).
    pub site: Option<SiteIdx>,
    /// `ServiceId/@Instance` (published) when present.
    pub instance: Option<Arc<str>>,
    /// The schema's identity of this service.
    pub key: ServiceKey,
    /// What the service is installed on, when it could be resolved.
    pub installed_on: Option<InstalledOn>,
    /// Services this one depends on (resolved).
    pub depends_on: Vec<ServiceIdx>,
    /// Web services settings (only for `WebServices`).
    pub web: Option<Box<WebServiceSettings>>,
    /// Extra flags (e.g. `IsDirector` on a Registrar).
    pub is_director: bool,
    /// The `Service` start tag.
    pub span: Span,
}

/// A simple URL (`SimpleUrl/@ActiveUrl`) declared by the topology.
#[derive(Debug, Clone, Serialize)]
pub struct SimpleUrl {
    /// `Component` attribute (Meet, Dialin, Cscp).
    pub component: String,
    /// `Domain` attribute (`*` for all domains).
    pub domain: String,
    /// The active URL.
    pub url: String,
    /// The `SimpleUrl` start tag.
    pub span: Span,
}

impl SimpleUrl {
    /// The host name of the URL.
    pub fn host(&self) -> Option<Fqdn> {
        let rest = self
            .url
            .split_once("://")
            .map_or(self.url.as_str(), |x| x.1);
        let host = rest.split(['/', ':', '?']).next()?;
        (!host.is_empty()).then(|| Fqdn::new(host))
    }
}

/// A loaded topology: the source and the resolved model.
#[derive(Debug, Clone)]
pub struct Topology {
    /// The decoded source text.
    pub source: SourceText,
    /// Which schema it was written in.
    pub format: TopologyFormat,
    /// Element path where the topology root was found (e.g. `/Topology` or
    /// `/Configuration/DocumentSet/Document/Topology`).
    pub found_at: String,
    /// Central sites.
    pub sites: Vec<Site>,
    /// Pools (clusters).
    pub pools: Vec<Pool>,
    /// Machines.
    pub machines: Vec<Machine>,
    /// SQL instances.
    pub sql_instances: Vec<SqlInstance>,
    /// Services.
    pub services: Vec<Service>,
    /// Simple URLs.
    pub simple_urls: Vec<SimpleUrl>,
    /// The `Service/Ports/Port` start tags that may declare a TLS port presenting a server
    /// certificate, with their service, in document order (a few per pool); read them with
    /// [`Topology::cert_ports`].
    pub cert_port_tags: Vec<(ServiceIdx, Span)>,
    /// Problems found while resolving references; the rest of the topology was still read.
    pub problems: Vec<crate::error::TopologyProblem>,
}

impl Topology {
    /// The site of a pool, when known.
    pub fn pool_site(&self, pool: PoolIdx) -> Option<&Site> {
        self.pools[pool.0].site.map(|s| &self.sites[s.0])
    }
    /// The pool a service runs on (through its SQL instance when installed on one).
    pub fn service_pool(&self, svc: ServiceIdx) -> Option<PoolIdx> {
        match self.services[svc.0].installed_on? {
            InstalledOn::Pool(p) => Some(p),
            InstalledOn::SqlInstance(s) => Some(self.sql_instances[s.0].pool),
        }
    }
    /// Lync-style identity of a service, e.g. `Registrar:pool01.fabrikam.com`.
    pub fn service_identity(&self, svc: ServiceIdx) -> String {
        let s = &self.services[svc.0];
        match s.installed_on {
            Some(InstalledOn::Pool(p)) => format!("{}:{}", s.role_name, self.pools[p.0].fqdn),
            Some(InstalledOn::SqlInstance(i)) => {
                let inst = &self.sql_instances[i.0];
                let pool = &self.pools[inst.pool.0].fqdn;
                if inst.name.is_empty() {
                    format!("{}:{}", s.role_name, pool)
                } else {
                    format!("{}:{}\\{}", s.role_name, pool, inst.name)
                }
            }
            None => format!("{}:<not installed>", s.role_name),
        }
    }
    /// The TLS ports services declare that present a server certificate, with their service,
    /// in document order (read from [`Self::cert_port_tags`] on each call).
    pub fn cert_ports(&self) -> Vec<(ServiceIdx, CertPort)> {
        self.cert_port_tags
            .iter()
            .filter_map(|(svc, span)| {
                crate::topology::scan::read_cert_port(&self.source.text, *span).map(|p| (*svc, p))
            })
            .collect()
    }
    /// Finds a machine by FQDN (case-insensitive).
    pub fn machine_by_fqdn(&self, fqdn: &str) -> Option<MachineIdx> {
        let f = Fqdn::new(fqdn);
        self.machines
            .iter()
            .position(|m| m.fqdn == f)
            .map(MachineIdx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn fqdn_keeps_the_written_form_and_trims() {
        let f = Fqdn::new("  FE01.Fabrikam.com. ");
        assert_eq!(f.as_str(), "FE01.Fabrikam.com");
        assert_eq!(f.folded(), "fe01.fabrikam.com");
        assert!(matches!(
            Fqdn::new("fe01.fabrikam.com").folded(),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    proptest! {
        /// Equality, order and hash agree with comparing the lower-case forms.
        #[test]
        fn fqdn_compares_like_its_lower_case_form(a in "[a-zA-Z0-9.-]{0,70}", b in "[a-zA-Z0-9.-]{0,70}") {
            let (fa, fb) = (Fqdn::new(&a), Fqdn::new(&b));
            let (la, lb) = (fa.folded().into_owned(), fb.folded().into_owned());
            prop_assert_eq!(fa == fb, la == lb);
            prop_assert_eq!(fa.cmp(&fb), la.cmp(&lb));
            let upper = Fqdn::new(&a.to_ascii_uppercase());
            prop_assert!(upper == fa);
            let state = std::collections::hash_map::RandomState::new();
            use std::hash::BuildHasher;
            prop_assert_eq!(state.hash_one(&upper), state.hash_one(&fa));
        }
    }
}
