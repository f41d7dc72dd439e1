//! One non-recursive pass over the XML events that collects raw, unresolved records.
//!
//! Elements are matched by local name and by their parent (namespaces change per element in
//! both schemas). The element stack is explicit and bounded by [`MAX_DEPTH`]; DTDs are
//! rejected; quick-xml never expands entities. Every start tag an attribute is read from is
//! checked by [`check_start_tag`] first, so the readers of attributes below only ever see
//! well-formed tags; every other tag by [`check_markup`].

use crate::error::LoadError;
use crate::model::{ClusterKey, Fqdn, ServiceKey, SourceText, Span, TopologyFormat};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::hash::BuildHasher;

/// Deepest element nesting accepted.
pub const MAX_DEPTH: usize = 256;

/// Namespaces of the Lync/Skype topology schemas all start with this.
const RTC_NS_PREFIX: &str = "urn:schema:Microsoft.Rtc.Management.";

/// A `Machine` as written.
#[derive(Debug, Default)]
pub struct RawMachine {
    /// `Fqdn` attribute, absent only for `<Machine />` in a Topology Builder single-machine
    /// cluster.
    pub fqdn: Option<Fqdn>,
    /// Hash of the machine's name (its own or the cluster's) with [`RawTopology::name_hasher`],
    /// taken while the name is in cache, for finding duplicate machines.
    pub name_hash: u64,
    /// Start tag.
    pub span: Span,
}

/// A `Cluster` as written.
#[derive(Debug)]
pub struct RawCluster {
    /// `Fqdn` attribute (required).
    pub fqdn: Fqdn,
    /// `ClusterId` (published) or `UniqueId` (builder).
    pub key: Option<ClusterKey>,
    /// The published `ClusterId` as symbols, how `InstalledOn` references find it.
    pub syms: Option<(Sym, Sym)>,
    /// Index into [`RawTopology::sites`] of the enclosing site (builder).
    pub site_ctx: Option<usize>,
    /// `IsSingleMachineOnly="true"` (builder): its one `<Machine />` may omit `Fqdn`.
    pub single_machine: bool,
    /// Machines in document order.
    pub machines: Vec<RawMachine>,
    /// Start tag.
    pub span: Span,
}

/// A `SqlInstance` as written.
#[derive(Debug, Default)]
pub struct RawSql {
    /// Instance name.
    pub name: String,
    /// Hosting cluster (published `SqlInstanceId/ClusterId`).
    pub cluster: Option<ClusterKey>,
    /// Index of the enclosing cluster (builder).
    pub cluster_ctx: Option<usize>,
    /// `UniqueId` (builder).
    pub unique_id: Option<String>,
    /// Start tag.
    pub span: Span,
}

/// An interned attribute value of a published key (`SiteId`, `RoleName`, `Instance`,
/// `Number`): equal symbols are equal strings, so references resolve by integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(u32);

impl Sym {
    /// The empty string, what an absent attribute reads as.
    pub const EMPTY: Sym = Sym(0);
}

/// The distinct key values of one topology (site ids, role names, instance and cluster
/// numbers) and web component names, each stored once: a few thousand strings at most.
#[derive(Debug)]
pub struct Symbols {
    ids: foldhash::HashMap<std::sync::Arc<str>, Sym>,
    names: Vec<std::sync::Arc<str>>,
}

impl Default for Symbols {
    fn default() -> Self {
        let mut syms = Symbols {
            ids: foldhash::HashMap::default(),
            names: Vec::new(),
        };
        syms.intern("");
        syms
    }
}

impl Symbols {
    /// The symbol of `value`, made on first sight.
    pub fn intern(&mut self, value: &str) -> Sym {
        if let Some(&sym) = self.ids.get(value) {
            return sym;
        }
        // more distinct values than u32 can count cannot fit in a 1 GiB input
        let sym = Sym(u32::try_from(self.names.len()).unwrap_or(u32::MAX));
        let name: std::sync::Arc<str> = value.into();
        self.names.push(name.clone());
        self.ids.insert(name, sym);
        sym
    }

    /// The symbol of `value` if it was ever interned.
    pub fn get(&self, value: &str) -> Option<Sym> {
        self.ids.get(value).copied()
    }

    /// The string a symbol stands for.
    pub fn name(&self, sym: Sym) -> &str {
        self.names.get(sym.0 as usize).map_or("", |n| n)
    }

    /// The string a symbol stands for, shared (no copy).
    pub fn shared(&self, sym: Sym) -> std::sync::Arc<str> {
        self.names.get(sym.0 as usize).cloned().unwrap_or_default()
    }
}

/// Where a service says it is installed, unresolved.
#[derive(Debug, Clone)]
pub enum RawTarget {
    /// `InstalledOn/ClusterId(SiteId, Number)`.
    Cluster {
        /// `SiteId`.
        site: Sym,
        /// `Number`.
        number: Sym,
    },
    /// `InstalledOn/SqlInstanceId[@Name]/ClusterId` (boxed: rare, and large).
    Sql(Box<(ClusterKey, String)>),
    /// `InstalledOn="<UniqueId>"` (cluster or SQL instance).
    UniqueId(String),
}

/// An attribute value kept without copying it: a byte range of the source text when the
/// value needed no normalization (the common case), else the normalized string. 16 bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawValue {
    /// `text[start..end]` of the scanned [`SourceText`].
    At {
        /// First byte.
        start: u32,
        /// One past the last byte.
        end: u32,
    },
    /// A value that normalization changed (or an absent one, as the empty string), or one
    /// beyond the first 4 GiB of text.
    Owned(Box<str>),
}

impl Default for RawValue {
    fn default() -> Self {
        RawValue::Owned(Box::default())
    }
}

impl RawValue {
    /// Borrows the value from `text` (the text that was scanned) or from itself.
    pub fn get<'a>(&'a self, text: &'a str) -> &'a str {
        match self {
            RawValue::At { start, end } => {
                text.get(*start as usize..*end as usize).unwrap_or_default()
            }
            RawValue::Owned(s) => s,
        }
    }

    /// A range when `value` lies inside `text`, else a copy.
    fn of(text: &str, value: std::borrow::Cow<'_, str>) -> RawValue {
        let base = text.as_ptr() as usize;
        let p = value.as_ptr() as usize;
        if let std::borrow::Cow::Borrowed(v) = value {
            if p >= base && p + v.len() <= base + text.len() {
                let start = u32::try_from(p - base);
                let end = u32::try_from(p - base + v.len());
                if let (Ok(start), Ok(end)) = (start, end) {
                    return RawValue::At { start, end };
                }
            }
        }
        RawValue::Owned(value.into())
    }
}

/// A service identity as written: of a `Service`, or the one a `Dependency` names.
#[derive(Debug, Clone)]
pub enum RawServiceRef {
    /// `ServiceId(SiteId, RoleName, Instance)`; absent attributes read as empty.
    Published {
        /// `SiteId`.
        site: Sym,
        /// `RoleName`.
        role: Sym,
        /// `Instance`.
        instance: Sym,
    },
    /// `ServiceUniqueId` (empty when absent).
    Builder(RawValue),
}

impl RawServiceRef {
    /// The owned key of the model.
    pub fn to_key(&self, text: &str, syms: &Symbols) -> ServiceKey {
        match self {
            RawServiceRef::Published {
                site,
                role,
                instance,
            } => ServiceKey::Published {
                site: syms.shared(*site),
                role: syms.shared(*role),
                instance: syms.shared(*instance),
            },
            RawServiceRef::Builder(u) => ServiceKey::Builder(u.get(text).to_string()),
        }
    }
}

/// A `Service` as written.
#[derive(Debug, Default)]
pub struct RawService {
    /// `RoleName` attribute (the published `ServiceId/@RoleName` is in `key`).
    pub role_name: Option<String>,
    /// Identity.
    pub key: Option<RawServiceRef>,
    /// Installed-on reference.
    pub installed_on: Option<RawTarget>,
    /// This service's dependencies: a range of [`RawTopology::deps`].
    pub deps: std::ops::Range<usize>,
    /// Web components, when this is a `WebServices` service.
    pub web: Option<Box<crate::model::WebServiceSettings>>,
    /// `RegistrarService/@IsDirector`.
    pub is_director: bool,
    /// Start tag.
    pub span: Span,
}

/// A site as written.
#[derive(Debug, Default)]
pub struct RawSite {
    /// `SiteId`.
    pub id: Option<String>,
    /// `Name` text.
    pub name: Option<String>,
    /// Start tag.
    pub span: Span,
}

/// Everything collected by the scan.
#[derive(Debug)]
pub struct RawTopology {
    /// Schema.
    pub format: TopologyFormat,
    /// Element path of the topology root.
    pub found_at: String,
    /// Sites.
    pub sites: Vec<RawSite>,
    /// Clusters.
    pub clusters: Vec<RawCluster>,
    /// SQL instances.
    pub sql: Vec<RawSql>,
    /// Services.
    pub services: Vec<RawService>,
    /// Dependencies of all services, with the span of their `Dependency` element, in document
    /// order (each service's are contiguous).
    pub deps: Vec<(RawServiceRef, Span)>,
    /// Simple URLs.
    pub simple_urls: Vec<crate::model::SimpleUrl>,
    /// `Service/Ports/Port` elements that may present a server certificate (their start tags),
    /// with the index of their service in [`Self::services`]; see [`read_cert_port`].
    pub cert_ports: Vec<(usize, Span)>,
    /// The published key values, interned.
    pub syms: Symbols,
    /// The (per run, randomly seeded) hasher of the machine and cluster name hashes.
    pub name_hasher: foldhash::fast::RandomState,
}

/// The elements the scan distinguishes; everything else is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum El {
    CentralSite,
    BranchSite,
    Name,
    Cluster,
    ClusterId,
    Machine,
    SqlInstance,
    SqlInstanceId,
    Service,
    ServiceId,
    Dependency,
    InstalledOn,
    WebService,
    Component,
    ExternalSettings,
    InternalSettings,
    SimpleUrl,
    RegistrarService,
    Ports,
    Port,
    OldTopology,
    Other,
}

impl El {
    fn of(local: &str) -> El {
        match local {
            "CentralSite" => El::CentralSite,
            "BranchSite" => El::BranchSite,
            "Name" => El::Name,
            "Cluster" => El::Cluster,
            "ClusterId" => El::ClusterId,
            "Machine" => El::Machine,
            "SqlInstance" => El::SqlInstance,
            "SqlInstanceId" => El::SqlInstanceId,
            "Service" => El::Service,
            "ServiceId" => El::ServiceId,
            "Dependency" => El::Dependency,
            "InstalledOn" => El::InstalledOn,
            "WebService" => El::WebService,
            "Component" => El::Component,
            "ExternalSettings" => El::ExternalSettings,
            "InternalSettings" => El::InternalSettings,
            "SimpleUrl" => El::SimpleUrl,
            "RegistrarService" => El::RegistrarService,
            "Ports" => El::Ports,
            "Port" => El::Port,
            "OldTopology" => El::OldTopology,
            _ => El::Other,
        }
    }
}

/// Scan state: where we are and what is open.
struct Scanner<'s> {
    src: &'s SourceText,
    /// Local-name kinds of the open elements.
    stack: Vec<El>,
    /// While searching for the root: names of open elements, for `found_at`.
    path: Vec<String>,
    /// Default namespace in scope for each open element (searching only).
    ns: Vec<Option<String>>,
    /// Depth (stack length) at which the topology element was opened.
    topo_depth: Option<usize>,
    /// True once a topology element has been fully read.
    done: bool,
    out: Option<RawTopology>,
    /// The first element seen, for "not a topology" messages.
    first: Option<(String, Option<String>, Span)>,
    /// Pending `SqlInstanceId/@Name` while inside one.
    sql_id_name: Option<String>,
}

/// Values of several attributes (by local name) in one pass over the start tag, which
/// [`check_start_tag`] found well formed (so each name is there once at most, and every value
/// normalizes).
fn attrs<const N: usize>(e: &BytesStart<'_>, names: [&str; N]) -> [Option<String>; N] {
    attrs_with(e, names, |v| v.into_owned())
}

/// Like [`attrs`], mapping each found value with `keep`.
///
/// Reads the attributes straight from the start tag's text (quick-xml parses attributes only
/// on request, and its general iterator was a fifth of the scan's instructions): a name, `=`,
/// a quoted value, repeated. A value is normalized (entities, `\t`, `\r`, `\n`) by quick-xml
/// only when it holds one of those characters; otherwise it is borrowed from the text. The tag
/// was checked by [`check_start_tag`]; on a tag that was not, broken syntax would end the list.
fn attrs_with<const N: usize, T>(
    e: &BytesStart<'_>,
    names: [&str; N],
    mut keep: impl FnMut(std::borrow::Cow<'_, str>) -> T,
) -> [Option<T>; N] {
    let text = e.attributes_raw();
    match leading_in_order(text, &names) {
        Some(values) => values.map(|(name, value)| normalized(name, value).map(&mut keep)),
        None => attrs_anywhere(text, names, keep),
    }
}

/// [`attrs_with`] for any layout: every attribute is looked at until all were found.
fn attrs_anywhere<const N: usize, T>(
    text: &str,
    names: [&str; N],
    mut keep: impl FnMut(std::borrow::Cow<'_, str>) -> T,
) -> [Option<T>; N] {
    let mut found: [Option<Option<T>>; N] = [const { None }; N];
    let mut missing = N;
    for (name, value) in RawAttrs(text) {
        let Some(i) = names.iter().position(|n| is_local_name(name, n)) else {
            continue;
        };
        if found[i].is_some() {
            continue;
        }
        found[i] = Some(normalized(name, value).map(&mut keep));
        missing -= 1;
        if missing == 0 {
            break;
        }
    }
    found.map(Option::flatten)
}

/// The attributes asked for when they come first in the tag, in the order asked, each after
/// one space and written `name="value"` — how Lync and Skype for Business write `ServiceId`,
/// `ClusterId` and `Component` — read without searching for names; `None` for any other
/// layout. Being the first attributes, they are also the first of their names, so the result
/// is the one the general reading gives.
fn leading_in_order<'a, const N: usize>(
    text: &'a str,
    names: &[&'a str; N],
) -> Option<[(&'a str, &'a str); N]> {
    let mut rest = text;
    let mut values = [("", ""); N];
    for (slot, name) in values.iter_mut().zip(names) {
        rest = rest
            .strip_prefix(' ')?
            .strip_prefix(name)?
            .strip_prefix("=\"")?;
        let end = memchr::memchr(b'"', rest.as_bytes())?;
        *slot = (*name, &rest[..end]);
        rest = &rest[end + 1..];
    }
    Some(values)
}

/// An attribute value as XML reads it: normalized by quick-xml (entities, `\t`, `\r`, `\n`)
/// only when it holds one of those characters, else borrowed as written; `None` when it cannot
/// be normalized, which [`check_start_tag`] rules out for every tag the scan reads.
fn normalized<'a>(name: &'a str, value: &'a str) -> Option<std::borrow::Cow<'a, str>> {
    // `&`, tab, CR and LF are the bytes up to `&` that matter; most values have none at all,
    // which a minimum (no early exit, so many bytes at once) tells
    let lowest = value.bytes().fold(u8::MAX, u8::min);
    let needs_normalizing = lowest <= b'&'
        && value
            .bytes()
            .any(|b| matches!(b, b'&' | b'\t' | b'\r' | b'\n'));
    if !needs_normalizing {
        return Some(std::borrow::Cow::Borrowed(value));
    }
    quick_xml::events::attributes::Attribute {
        key: quick_xml::name::QName(name),
        value: std::borrow::Cow::Borrowed(value),
    }
    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
    .ok()
}

/// True when the attribute `name` (maybe `prefix:local`) has the local name `local`.
fn is_local_name(name: &str, local: &str) -> bool {
    match name.len().checked_sub(local.len()) {
        Some(0) => name == local,
        Some(p) => name.ends_with(local) && name.as_bytes()[p - 1] == b':',
        None => false,
    }
}

/// The `(name, raw value)` pairs of a start tag's attribute text, borrowed from it.
struct RawAttrs<'a>(&'a str);

impl<'a> Iterator for RawAttrs<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        // Every split below is at an ASCII byte, so every slice is valid UTF-8.
        let text = self.0;
        let bytes = text.as_bytes();
        // names are short: a plain loop beats a SIMD search's set-up
        let eq = bytes.iter().position(|&b| b == b'=')?;
        let mut open = eq + 1;
        while bytes.get(open).is_some_and(|&b| is_xml_space(b)) {
            open += 1;
        }
        let quote = match bytes.get(open) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => {
                self.0 = "";
                return None;
            }
        };
        let Some(len) = memchr::memchr(quote, &bytes[open + 1..]) else {
            self.0 = "";
            return None;
        };
        let close = open + 1 + len;
        self.0 = &text[close + 1..];
        let mut start = 0;
        let mut end = eq;
        while start < end && is_xml_space(bytes[start]) {
            start += 1;
        }
        while end > start && is_xml_space(bytes[end - 1]) {
            end -= 1;
        }
        let name = &text[start..end];
        Some((name, &text[open + 1..close]))
    }
}

fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// A word of a `Port` element that [`cert_port`] tells apart; anything else is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PortWord {
    /// `urn:component:Registrar` or `urn:component:PersistentChat`: SIP servers.
    SipOwner,
    /// `urn:component:OCSWebSite`: the IIS web sites.
    WebSiteOwner,
    SipServer,
    WebSite,
    Primary,
    External,
    /// `Mtls` or `Tls`.
    Tls,
    Https,
    /// A port number (1-65535).
    Number(u16),
    Other,
}

impl PortWord {
    fn of(value: &str) -> PortWord {
        match value {
            "urn:component:Registrar" | "urn:component:PersistentChat" => PortWord::SipOwner,
            "urn:component:OCSWebSite" => PortWord::WebSiteOwner,
            "SipServer" => PortWord::SipServer,
            "WebSite" => PortWord::WebSite,
            "Primary" => PortWord::Primary,
            "External" => PortWord::External,
            "Mtls" | "Tls" => PortWord::Tls,
            "Https" => PortWord::Https,
            v => match v.parse::<u16>() {
                Ok(n) if n > 0 => PortWord::Number(n),
                _ => PortWord::Other,
            },
        }
    }
}

/// False for a `Port` element that cannot present a server certificate, told by its owner
/// without reading any attribute when it is written as Lync writes it (`Owner` first); the
/// others are read when needed by [`read_cert_port`], so that the scan stays as fast as it was
/// (a topology has many ports, and only `fetch` reads them).
fn may_present_certificate(e: &BytesStart<'_>) -> bool {
    match e.attributes_raw().strip_prefix(" Owner=\"urn:component:") {
        Some(owner) => ["Registrar\"", "PersistentChat\"", "OCSWebSite\""]
            .iter()
            .any(|o| owner.starts_with(o)),
        None => true,
    }
}

/// The certificate the `Port` element whose start tag is `text[span]` presents, if it is one
/// of the TLS listeners of [`crate::usage::Usage`]: the Registrar's or Persistent Chat's
/// primary `SipServer` port over MTLS/TLS (Default), the web site's primary or external HTTPS
/// port (WebServicesInternal, WebServicesExternal).
pub fn read_cert_port(text: &str, span: Span) -> Option<crate::model::CertPort> {
    use crate::usage::Usage;
    const NAMES: [&str; 6] = [
        "Owner",
        "Usage",
        "InterfaceSide",
        "InterfaceNumber",
        "Port",
        "Protocol",
    ];
    let tag = text.get(span.start..span.start.checked_add(span.len)?)?;
    let e = match Reader::from_str(tag).read_event() {
        Ok(Event::Empty(e) | Event::Start(e)) => e,
        _ => return None,
    };
    let [owner, usage, side, _, port, protocol] = attrs_with(&e, NAMES, |v| PortWord::of(&v));
    let Some(PortWord::Number(port)) = port else {
        return None;
    };
    let usage = match (owner?, usage?, side?, protocol?) {
        (PortWord::SipOwner, PortWord::SipServer, PortWord::Primary, PortWord::Tls) => {
            Usage::Default
        }
        (PortWord::WebSiteOwner, PortWord::WebSite, PortWord::Primary, PortWord::Https) => {
            Usage::WebServicesInternal
        }
        (PortWord::WebSiteOwner, PortWord::WebSite, PortWord::External, PortWord::Https) => {
            Usage::WebServicesExternal
        }
        _ => return None,
    };
    Some(crate::model::CertPort { usage, port, span })
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    let [v] = attrs(e, [name]);
    v
}

fn xmlns(e: &BytesStart<'_>) -> Option<String> {
    RawAttrs(e.attributes_raw())
        .find(|(name, _)| *name == "xmlns")
        .map(|(_, value)| value.to_string())
}

/// Scans the text into raw records, or fails with a diagnostic pointing into it.
///
/// A character outside XML 1.0's `Char` production (NUL and the other C0 controls but tab,
/// LF and CR; U+FFFE, U+FFFF) is not allowed anywhere (text, attribute values, names,
/// comments), and quick-xml does not refuse it: the first such character of the text is an
/// error whatever else is wrong with it.
pub fn scan(src: &SourceText) -> Result<RawTopology, LoadError> {
    let mut chars = CharSearch {
        bytes: src.text.as_bytes(),
        searched: 0,
        first: None,
    };
    let scanned = scan_events(src, &mut chars);
    match chars.first() {
        Some(at) => Err(char_error(src, at)),
        None => scanned,
    }
}

fn char_error(src: &SourceText, at: usize) -> LoadError {
    let c = src.text.get(at..).and_then(|t| t.chars().next());
    let message = match c {
        Some('\0') | None => "NUL character (U+0000): not allowed anywhere in XML".into(),
        Some(c) => format!(
            "character U+{:04X} is not allowed in XML 1.0 (not even as a character reference)",
            u32::from(c)
        ),
    };
    LoadError::Malformed {
        message,
        src: src.named_source(),
        at: (at, 0).into(),
    }
}

/// True for a character XML 1.0 allows (its `Char` production; surrogates cannot be in a
/// `char`).
fn is_xml_char(c: char) -> bool {
    !matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// The search for characters XML does not allow, done in blocks just ahead of the reader:
/// each block is brought into cache for the reader anyway, so the text is read from memory
/// once, not twice.
struct CharSearch<'t> {
    bytes: &'t [u8],
    /// `bytes[..searched]` holds no such character, unless `first` says where.
    searched: usize,
    first: Option<usize>,
}

impl CharSearch<'_> {
    /// Bytes searched past the reader's position at a time (fits in a core's L2 cache).
    const BLOCK: usize = 64 * 1024;

    /// Makes sure the text up to `pos` was searched (and a block more); the first character
    /// XML does not allow, if one was found.
    fn ahead_of(&mut self, pos: usize) -> Option<usize> {
        if pos >= self.searched {
            self.search_to(pos.saturating_add(Self::BLOCK));
        }
        self.first
    }

    fn search_to(&mut self, end: usize) {
        let end = end.min(self.bytes.len());
        if self.first.is_none() && end > self.searched {
            self.first = first_illegal(self.bytes, self.searched, end);
            self.searched = end;
        }
    }

    /// The first character XML does not allow in the whole text.
    fn first(mut self) -> Option<usize> {
        self.search_to(usize::MAX);
        self.first
    }
}

/// The first byte offset in `bytes[from..to]` where a character outside XML 1.0's `Char`
/// starts. Bytes are tested 32 at a time without branches (so the compiler uses vector
/// instructions): a C0 control other than tab, LF and CR, or 0xEF, the lead byte of U+FFFE and
/// U+FFFF in UTF-8, which is then looked at exactly (it also starts other characters).
fn first_illegal(bytes: &[u8], from: usize, to: usize) -> Option<usize> {
    const LANES: usize = 32;
    fn suspect(b: u8) -> u8 {
        u8::from(b < 0x20) & u8::from(b != b'\t') & u8::from(b != b'\n') & u8::from(b != b'\r')
            | u8::from(b == 0xEF)
    }
    let exact = |i: usize| -> bool {
        match bytes[i] {
            0xEF => {
                bytes.get(i + 1) == Some(&0xBF) && matches!(bytes.get(i + 2), Some(0xBE | 0xBF))
            }
            b => suspect(b) != 0,
        }
    };
    let slice = bytes.get(from..to)?;
    let mut chunks = slice.chunks_exact(LANES);
    for (k, chunk) in (&mut chunks).enumerate() {
        if chunk.iter().fold(0u8, |acc, &b| acc | suspect(b)) != 0 {
            let base = from + k * LANES;
            if let Some(i) = (base..base + LANES).find(|&i| exact(i)) {
                return Some(i);
            }
        }
    }
    let rest = to - chunks.remainder().len();
    if let Some(i) = (rest..to).find(|&i| exact(i)) {
        return Some(i);
    }
    None
}

/// Longest attribute or element name echoed in a message.
const NAME_SHOWN: usize = 64;

/// What is wrong with a start tag: where (a byte offset of its text), the attribute whose value
/// is malformed (else the tag's syntax is), and the cause.
#[derive(Debug, PartialEq, Eq)]
struct TagProblem {
    at: usize,
    attribute: Option<String>,
    cause: String,
}

impl TagProblem {
    fn syntax(at: usize, cause: String) -> Self {
        TagProblem {
            at,
            attribute: None,
            cause,
        }
    }
}

/// `name` clipped for a message.
fn shown(name: &str) -> &str {
    &name[..crate::term::floor_char_boundary(name, NAME_SHOWN)]
}

/// Checks a start tag as XML 1.0 requires before anything is read from it: a name without
/// markup characters; then attributes, each after white space, written `name = "value"` (or
/// with `'`); no two with the same local name (`xmlns` declarations apart), which also makes
/// reading by local name unambiguous; no `<` in a value; and a value with `&` must hold only
/// the five predefined entities and references to characters XML allows (each resolved by
/// quick-xml, as in text). Linear in the tag: names are compared in a small array, and past it
/// through a hash set. (quick-xml's `Attributes::with_checks` compares qualified names, not
/// the local names the scan reads by, and makes an `Attribute` per value.)
fn check_start_tag(src: &SourceText, e: &BytesStart<'_>) -> Result<(), LoadError> {
    let raw = e.attributes_raw();
    let problem = match check_attributes(raw) {
        Ok(()) => match markup_in_name(e.name().as_ref()) {
            None => return Ok(()),
            Some(i) => TagProblem::syntax(
                i.wrapping_sub(e.name().as_ref().len()),
                format!(
                    "`{}` is not allowed in the element name {}",
                    e.name().as_ref()[i..].chars().next().unwrap_or('?'),
                    shown(e.name().as_ref())
                ),
            ),
        },
        Err(p) => p,
    };
    // the attribute text is borrowed from the source text; locate the problem in it
    let base = (raw.as_ptr() as usize).wrapping_sub(src.text.as_ptr() as usize);
    let at = base.wrapping_add(problem.at).min(src.text.len());
    let at: miette::SourceSpan = (at, 0).into();
    Err(match problem.attribute {
        Some(attribute) => LoadError::MalformedAttribute {
            attribute,
            cause: problem.cause,
            src: src.named_source(),
            at,
        },
        None => LoadError::Malformed {
            message: problem.cause,
            src: src.named_source(),
            at,
        },
    })
}

/// The check of every start tag, including those of elements the scan does not read: a name
/// without markup, and no `<` or malformed reference anywhere in the tag (one search of the tag;
/// [`check_start_tag`] on a hit). A tag the scan reads from gets [`check_start_tag`] in full.
fn check_markup(src: &SourceText, e: &BytesStart<'_>) -> Result<(), LoadError> {
    if markup_in_name(e.name().as_ref()).is_some()
        || memchr::memchr2(b'<', b'&', e.attributes_raw().as_bytes()).is_some()
    {
        return check_start_tag(src, e);
    }
    Ok(())
}

/// The offset of a character no XML name holds that would change how the tag reads.
fn markup_in_name(name: &str) -> Option<usize> {
    name.bytes()
        .position(|b| NAME_BYTES[b as usize] == NameByte::Bad || b == b'=')
}

/// How [`check_attributes`] treats a byte of an attribute name.
#[derive(Clone, Copy, PartialEq, Eq)]
enum NameByte {
    Part,
    /// `:`, before the local name.
    Colon,
    /// `=` or white space: the name ends.
    End,
    /// Markup that no name holds.
    Bad,
}

/// [`NameByte`] of every byte, so that a name is read with one look-up per byte.
static NAME_BYTES: [NameByte; 256] = {
    let mut table = [NameByte::Part; 256];
    table[b':' as usize] = NameByte::Colon;
    table[b'=' as usize] = NameByte::End;
    table[b' ' as usize] = NameByte::End;
    table[b'\t' as usize] = NameByte::End;
    table[b'\r' as usize] = NameByte::End;
    table[b'\n' as usize] = NameByte::End;
    table[b'<' as usize] = NameByte::Bad;
    table[b'>' as usize] = NameByte::Bad;
    table[b'&' as usize] = NameByte::Bad;
    table[b'"' as usize] = NameByte::Bad;
    table[b'\'' as usize] = NameByte::Bad;
    table[b'/' as usize] = NameByte::Bad;
    table
};

/// [`check_start_tag`] for the attribute text of a tag (after its name).
fn check_attributes(raw: &str) -> Result<(), TagProblem> {
    let bytes = raw.as_bytes();
    // `<` is never in a tag and `&` only in a value: one search of the whole tag tells whether
    // any value needs a closer look (most tags: none)
    let special = memchr::memchr2(b'<', b'&', bytes).is_some();
    let mut i = 0;
    const SMALL: usize = 12;
    let mut names: [&[u8]; SMALL] = [&[]; SMALL];
    let mut count = 0;
    let mut more: Option<foldhash::HashSet<&[u8]>> = None;
    loop {
        let space = i;
        while bytes.get(i).is_some_and(|&b| is_xml_space(b)) {
            i += 1;
        }
        if i == bytes.len() {
            return Ok(());
        }
        if i == space {
            return Err(TagProblem::syntax(
                i,
                "expected white space before an attribute".into(),
            ));
        }
        let start = i;
        let mut local = i;
        loop {
            // most bytes are part of the name: a tight loop, the rest told apart after it
            while bytes
                .get(i)
                .is_some_and(|&b| NAME_BYTES[b as usize] == NameByte::Part)
            {
                i += 1;
            }
            match bytes.get(i).map(|&b| NAME_BYTES[b as usize]) {
                Some(NameByte::Colon) => {
                    i += 1;
                    local = i;
                }
                Some(NameByte::Bad) => {
                    let c = raw[i..].chars().next().unwrap_or('?');
                    return Err(TagProblem::syntax(
                        i,
                        format!("`{c}` is not allowed here in a start tag (an attribute name was expected)"),
                    ));
                }
                _ => break,
            }
        }
        let name = &raw[start..i];
        let local = &bytes[local..i];
        while bytes.get(i).is_some_and(|&b| is_xml_space(b)) {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            return Err(TagProblem::syntax(
                start,
                format!(
                    "attribute {} has no value (`=` and a quoted value expected)",
                    shown(name)
                ),
            ));
        }
        i += 1;
        while bytes.get(i).is_some_and(|&b| is_xml_space(b)) {
            i += 1;
        }
        let quote = match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => {
                return Err(TagProblem::syntax(
                    i,
                    format!("the value of attribute {} is not quoted", shown(name)),
                ))
            }
        };
        let open = i + 1;
        let Some(len) = memchr::memchr(quote, &bytes[open..]) else {
            return Err(TagProblem::syntax(
                i,
                format!("the value of attribute {} is not closed", shown(name)),
            ));
        };
        i = open + len + 1;
        if special {
            check_value(&raw[open..open + len]).map_err(|(at, cause)| TagProblem {
                at: open + at,
                attribute: Some(shown(name).to_string()),
                cause,
            })?;
        }
        if name.starts_with("xmlns") && (name.len() == 5 || name.as_bytes()[5] == b':') {
            continue;
        }
        let again = match &mut more {
            Some(set) => !set.insert(local),
            None => {
                // lengths first: most names differ in length, and then no bytes are compared
                let again = names[..count]
                    .iter()
                    .any(|n| n.len() == local.len() && *n == local);
                if count < SMALL {
                    names[count] = local;
                    count += 1;
                } else {
                    let mut set: foldhash::HashSet<&[u8]> = names.iter().copied().collect();
                    set.insert(local);
                    more = Some(set);
                }
                again
            }
        };
        if again {
            let local = std::str::from_utf8(local).unwrap_or(name);
            return Err(TagProblem::syntax(
                start,
                format!(
                    "attribute {} is given twice in this start tag",
                    shown(local)
                ),
            ));
        }
    }
}

/// Checks an attribute value: no `<`, and every reference resolved as in text
/// ([`resolve_reference`]). The offset in the value and the cause when it is malformed.
fn check_value(value: &str) -> Result<(), (usize, String)> {
    let bytes = value.as_bytes();
    if memchr::memchr2(b'<', b'&', bytes).is_none() {
        return Ok(());
    }
    if let Some(lt) = memchr::memchr(b'<', bytes) {
        return Err((
            lt,
            "`<` is not allowed in an attribute value (write &lt;)".into(),
        ));
    }
    for amp in memchr::memchr_iter(b'&', bytes) {
        let Some(len) = memchr::memchr(b';', &bytes[amp + 1..]) else {
            return Err((
                amp,
                "`&` starts no reference: no `;` follows (write &amp;)".into(),
            ));
        };
        let name = &value[amp + 1..amp + 1 + len];
        let _resolved = resolve_reference(&quick_xml::events::BytesRef::new(name))
            .map_err(|cause| (amp, cause))?;
    }
    Ok(())
}

/// A reference in text: the character it stands for (`Ok`) or the predefined entity's text
/// (`Err`), through quick-xml's own resolution; an undefined entity or a reference to a
/// character XML does not allow is an error, with its cause.
fn resolve_reference(
    r: &quick_xml::events::BytesRef<'_>,
) -> Result<Result<char, &'static str>, String> {
    let shown_ref = shown(r);
    match r.resolve_char_ref() {
        Ok(Some(c)) if is_xml_char(c) => Ok(Ok(c)),
        Ok(Some(c)) => Err(format!(
            "character reference &{shown_ref}; stands for U+{:04X}, which XML 1.0 does not allow",
            u32::from(c)
        )),
        Err(e) => {
            let e = e.to_string();
            let e = e
                .strip_prefix("invalid character reference: ")
                .unwrap_or(&e);
            Err(format!("illegal character reference &{shown_ref}; ({e})"))
        }
        Ok(None) => quick_xml::escape::resolve_predefined_entity(r)
            .map(Err)
            .ok_or_else(|| format!("unknown entity &{shown_ref}; (entities are never expanded)")),
    }
}

fn scan_events(src: &SourceText, chars: &mut CharSearch<'_>) -> Result<RawTopology, LoadError> {
    let mut reader = Reader::from_str(&src.text);
    reader.config_mut().check_end_names = true;
    let mut sc = Scanner {
        src,
        stack: Vec::with_capacity(32),
        path: Vec::new(),
        ns: Vec::new(),
        topo_depth: None,
        done: false,
        out: None,
        first: None,
        sql_id_name: None,
    };
    loop {
        let before = reader.buffer_position() as usize;
        let ev = match reader.read_event() {
            Ok(ev) => ev,
            Err(e) => {
                let at = reader.error_position() as usize;
                return Err(sc.malformed(e.to_string(), at));
            }
        };
        let after = reader.buffer_position() as usize;
        if let Some(at) = chars.ahead_of(after) {
            return Err(char_error(src, at));
        }
        let span = Span {
            start: before,
            len: after.saturating_sub(before),
        };
        match ev {
            Event::Start(e) => {
                check_markup(src, &e)?;
                sc.open(&e, span)?;
            }
            Event::Empty(e) => {
                check_markup(src, &e)?;
                sc.open(&e, span)?;
                sc.close();
            }
            Event::End(_) => sc.close(),
            Event::Text(t) if sc.in_site_name() => {
                sc.push_name_text(&t.xml_content(quick_xml::XmlVersion::Implicit1_0));
            }
            Event::GeneralRef(r) => {
                // only the predefined entities and references to characters XML allows
                let text = resolve_reference(&r).map_err(|cause| sc.malformed(cause, before))?;
                if sc.in_site_name() {
                    let mut buf = [0; 4];
                    sc.push_name_text(match text {
                        Ok(c) => c.encode_utf8(&mut buf),
                        Err(entity) => entity,
                    });
                }
            }
            Event::DocType(_) => {
                return Err(LoadError::DtdRejected {
                    src: src.named_source(),
                    at: span.into(),
                })
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !sc.stack.is_empty() {
        return Err(sc.malformed(
            "unexpected end of file: elements are not closed".into(),
            src.text.len(),
        ));
    }
    match sc.out {
        Some(raw) => Ok(raw),
        None => {
            let (desc, span) = match sc.first {
                Some((name, ns, span)) => (
                    match ns {
                        Some(ns) => {
                            format!("an XML document with root element <{name}> (namespace {ns})")
                        }
                        None => format!("an XML document with root element <{name}>"),
                    },
                    span,
                ),
                None => (
                    "a document without any element".to_string(),
                    Span::default(),
                ),
            };
            Err(LoadError::NotATopology {
                root_desc: desc,
                src: src.named_source(),
                at: span.into(),
            })
        }
    }
}

/// A required attribute is missing: an error at its element.
fn missing(
    src: &SourceText,
    element: &'static str,
    attribute: &'static str,
    span: Span,
) -> LoadError {
    LoadError::MissingAttribute {
        element,
        attribute,
        src: src.named_source(),
        at: span.into(),
    }
}

impl Scanner<'_> {
    fn malformed(&self, message: String, at: usize) -> LoadError {
        let at = at.min(self.src.text.len());
        LoadError::Malformed {
            message,
            src: self.src.named_source(),
            at: (at, 0).into(),
        }
    }

    fn parent(&self) -> El {
        self.stack.last().copied().unwrap_or(El::Other)
    }

    fn grandparent(&self) -> El {
        let n = self.stack.len();
        if n >= 2 {
            self.stack[n - 2]
        } else {
            El::Other
        }
    }

    fn in_site_name(&self) -> bool {
        self.topo_depth.is_some()
            && self.parent() == El::Name
            && matches!(self.grandparent(), El::CentralSite | El::BranchSite)
    }

    fn push_name_text(&mut self, text: &str) {
        if let Some(site) = self.out.as_mut().and_then(|o| o.sites.last_mut()) {
            site.name.get_or_insert_with(String::new).push_str(text);
        }
    }

    fn close(&mut self) {
        if let Some(el) = self.stack.pop() {
            if el == El::SqlInstanceId {
                self.sql_id_name = None;
            }
            if self.topo_depth.is_none() {
                self.path.pop();
                self.ns.pop();
            }
            if self.topo_depth == Some(self.stack.len()) {
                self.topo_depth = None;
                self.done = true;
            }
        }
    }

    /// Notes a service's `Port` element that may present a certificate (apart from
    /// [`Self::open`]: in it, this made every element slower).
    #[inline(never)]
    fn port(&mut self, e: &BytesStart<'_>, span: Span) -> Result<(), LoadError> {
        if self.parent() != El::Ports || self.grandparent() != El::Service {
            return Ok(());
        }
        if let Some(out) = self.out.as_mut() {
            if let (Some(s), true) = (
                out.services.len().checked_sub(1),
                may_present_certificate(e),
            ) {
                // read later by `read_cert_port`: checked in full now
                check_start_tag(self.src, e)?;
                out.cert_ports.push((s, span));
            }
        }
        Ok(())
    }

    fn open(&mut self, e: &BytesStart<'_>, span: Span) -> Result<(), LoadError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(LoadError::TooDeep {
                limit: MAX_DEPTH,
                src: self.src.named_source(),
                at: span.into(),
            });
        }
        // the local name, after any prefix: names are short, so a byte loop (quick-xml's
        // `local_name` searches with `str::find`, which stopped being inlined here)
        let qname = e.name();
        let name: &str = qname.as_ref();
        let local = match name.bytes().position(|b| b == b':') {
            Some(i) => &name[i + 1..],
            None => name,
        };
        let el = El::of(local);
        if self.topo_depth.is_none() {
            check_start_tag(self.src, e)?;
            return self.open_searching(e, local, el, span);
        }
        let parent = self.parent();
        let grandparent = self.grandparent();
        let out = match self.out.as_mut() {
            // most elements (ports, interfaces, settings we do not read) only need the stack
            Some(out)
                if !matches!(
                    el,
                    El::Other | El::Name | El::InstalledOn | El::OldTopology | El::Ports | El::Port
                ) =>
            {
                check_start_tag(self.src, e)?;
                out
            }
            _ => {
                if el == El::Port {
                    self.port(e, span)?;
                }
                self.stack.push(el);
                return Ok(());
            }
        };
        // Each schema's elements are read for that schema's attributes only.
        let builder = out.format == TopologyFormat::TopologyBuilder;
        match el {
            El::CentralSite | El::BranchSite => out.sites.push(RawSite {
                id: attr(e, "SiteId"),
                name: None,
                span,
            }),
            El::Cluster => {
                let text = &self.src.text;
                // a published cluster's identity is its `ClusterId` child
                let keep = |v: std::borrow::Cow<'_, str>| RawValue::of(text, v);
                let [fqdn, uid, single] = if builder {
                    attrs_with(e, ["Fqdn", "UniqueId", "IsSingleMachineOnly"], keep)
                } else {
                    let [fqdn] = attrs_with(e, ["Fqdn"], keep);
                    [fqdn, None, None]
                };
                let Some(fqdn) = fqdn else {
                    return Err(missing(self.src, "Cluster", "Fqdn", span));
                };
                out.clusters.push(RawCluster {
                    fqdn: Fqdn::new(fqdn.get(text)),
                    key: uid.map(|u| ClusterKey::Builder(u.get(text).to_string())),
                    syms: None,
                    site_ctx: out.sites.len().checked_sub(1),
                    single_machine: single.is_some_and(|v| v.get(text) == "true"),
                    machines: Vec::new(),
                    span,
                })
            }
            El::Machine => {
                if let Some(c) = out.clusters.last_mut() {
                    let [fqdn] = attrs_with(e, ["Fqdn"], |v| Fqdn::new(&v));
                    // only a Topology Builder single-machine cluster's `<Machine />` is named
                    // after its cluster; any other machine names itself
                    if fqdn.is_none() && !(builder && c.single_machine) {
                        return Err(missing(self.src, "Machine", "Fqdn", span));
                    }
                    let name_hash = out.name_hasher.hash_one(fqdn.as_ref().unwrap_or(&c.fqdn));
                    c.machines.push(RawMachine {
                        fqdn,
                        name_hash,
                        span,
                    });
                }
            }
            El::ClusterId if parent == El::InstalledOn => {
                let syms = &mut out.syms;
                if let (Some(s), [Some(site), Some(number)]) = (
                    out.services.last_mut(),
                    attrs_with(e, ["SiteId", "Number"], |v| syms.intern(&v)),
                ) {
                    s.installed_on = Some(RawTarget::Cluster { site, number });
                }
            }
            El::ClusterId => {
                if let [Some(site), Some(number)] = attrs(e, ["SiteId", "Number"]) {
                    let syms = (out.syms.intern(&site), out.syms.intern(&number));
                    let key = ClusterKey::Published { site, number };
                    match parent {
                        El::Cluster => {
                            if let Some(c) = out.clusters.last_mut() {
                                c.key = Some(key);
                                c.syms = Some(syms);
                            }
                        }
                        El::SqlInstanceId => {
                            let name = self.sql_id_name.clone().unwrap_or_default();
                            match grandparent {
                                El::InstalledOn => {
                                    if let Some(s) = out.services.last_mut() {
                                        s.installed_on =
                                            Some(RawTarget::Sql(Box::new((key, name))));
                                    }
                                }
                                El::SqlInstance => {
                                    if let Some(s) = out.sql.last_mut() {
                                        s.cluster = Some(key);
                                        s.name = name;
                                    }
                                }
                                _ => {}
                            }
                        }
                        _ => {}
                    }
                }
            }
            El::SqlInstance => {
                let [name, unique_id] = attrs(e, ["Name", "UniqueId"]);
                out.sql.push(RawSql {
                    name: name.unwrap_or_default(),
                    cluster: None,
                    cluster_ctx: if self.stack.contains(&El::Cluster) {
                        out.clusters.len().checked_sub(1)
                    } else {
                        None
                    },
                    unique_id,
                    span,
                })
            }
            El::SqlInstanceId => self.sql_id_name = Some(attr(e, "Name").unwrap_or_default()),
            El::Service => {
                // a published service is named by its `ServiceId` and `InstalledOn` children
                let [role_name, uid, on] = if builder {
                    attrs(e, ["RoleName", "UniqueId", "InstalledOn"])
                } else {
                    [None, None, None]
                };
                out.services.push(RawService {
                    role_name,
                    key: uid.map(|u| RawServiceRef::Builder(RawValue::Owned(u.into()))),
                    installed_on: on.map(RawTarget::UniqueId),
                    deps: out.deps.len()..out.deps.len(),
                    span,
                    ..RawService::default()
                })
            }
            El::ServiceId => {
                const ID: [&str; 3] = ["SiteId", "RoleName", "Instance"];
                match parent {
                    El::Service => {
                        if let Some(s) = out.services.last_mut() {
                            let syms = &mut out.syms;
                            let [site, role, instance] = attrs_with(e, ID, |v| syms.intern(&v));
                            s.key = Some(RawServiceRef::Published {
                                site: site.unwrap_or(Sym::EMPTY),
                                role: role.unwrap_or(Sym::EMPTY),
                                instance: instance.unwrap_or(Sym::EMPTY),
                            });
                        }
                    }
                    // the Dependency element's span was pushed with a placeholder key
                    El::Dependency if out.services.last().is_some_and(|s| !s.deps.is_empty()) => {
                        if let Some(last) = out.deps.last_mut() {
                            let syms = &mut out.syms;
                            let [site, role, instance] = attrs_with(e, ID, |v| syms.intern(&v));
                            last.0 = RawServiceRef::Published {
                                site: site.unwrap_or(Sym::EMPTY),
                                role: role.unwrap_or(Sym::EMPTY),
                                instance: instance.unwrap_or(Sym::EMPTY),
                            };
                        }
                    }
                    _ => {}
                }
            }
            El::Dependency => {
                if let Some(s) = out.services.last_mut() {
                    let text = &self.src.text;
                    // published: a placeholder until the `ServiceId` child is read
                    let [uid] = if builder {
                        attrs_with(e, ["ServiceUniqueId"], |v| RawValue::of(text, v))
                    } else {
                        [None]
                    };
                    out.deps
                        .push((RawServiceRef::Builder(uid.unwrap_or_default()), span));
                    s.deps.end = out.deps.len();
                }
            }
            El::WebService => {
                if let Some(s) = out.services.last_mut() {
                    s.web.get_or_insert_with(Default::default);
                }
            }
            El::Component => {
                // component names repeat in every pool: shared, not copied
                let syms = &mut out.syms;
                let [name] = attrs_with(e, ["ComponentName"], |v| syms.intern(&v));
                if let (Some(s), Some(name)) = (out.services.last_mut(), name) {
                    s.web
                        .get_or_insert_with(Default::default)
                        .components
                        .push(out.syms.shared(name));
                }
            }
            El::ExternalSettings | El::InternalSettings => {
                if let (Some(s), Some(host)) = (out.services.last_mut(), attr(e, "Host")) {
                    let web = s.web.get_or_insert_with(Default::default);
                    if el == El::ExternalSettings {
                        web.external_host = Some(Fqdn::new(&host));
                    } else {
                        web.internal_host = Some(Fqdn::new(&host));
                    }
                }
            }
            El::RegistrarService => {
                if let Some(s) = out.services.last_mut() {
                    s.is_director =
                        attr(e, "IsDirector").is_some_and(|v| v.eq_ignore_ascii_case("true"));
                }
            }
            El::SimpleUrl => {
                let [url, component, domain] = attrs(e, ["ActiveUrl", "Component", "Domain"]);
                if let Some(url) = url {
                    out.simple_urls.push(crate::model::SimpleUrl {
                        component: component.unwrap_or_default(),
                        domain: domain.unwrap_or_default(),
                        url,
                        span,
                    });
                }
            }
            El::Port | El::Ports | El::Name | El::InstalledOn | El::OldTopology | El::Other => {}
        }
        self.stack.push(el);
        Ok(())
    }

    /// Before the topology element is found: remember the path and namespaces, and start
    /// reading at the first `Topology` or `PartialTopology` in a Lync/Skype namespace.
    fn open_searching(
        &mut self,
        e: &BytesStart<'_>,
        local: &str,
        el: El,
        span: Span,
    ) -> Result<(), LoadError> {
        let declared = xmlns(e);
        let in_scope = declared
            .clone()
            .or_else(|| self.ns.last().cloned().flatten());
        if self.first.is_none() {
            self.first = Some((e.name().as_ref().to_string(), in_scope.clone(), span));
        }
        let ns_ok = in_scope
            .as_deref()
            .is_none_or(|ns| ns.starts_with(RTC_NS_PREFIX));
        let in_old = self.stack.contains(&El::OldTopology);
        let format = match local {
            "Topology" => Some(TopologyFormat::Published),
            "PartialTopology" => Some(TopologyFormat::TopologyBuilder),
            _ => None,
        };
        if let (Some(mut format), false, true, false) = (format, self.done, ns_ok, in_old) {
            if format == TopologyFormat::Published
                && self.path.iter().any(|p| p.ends_with("TopologyBuilder"))
            {
                format = TopologyFormat::TopologyBuilder;
            }
            self.path.push(e.name().as_ref().to_string());
            self.out = Some(RawTopology {
                format,
                found_at: format!("/{}", self.path.join("/")),
                sites: Vec::new(),
                clusters: Vec::new(),
                sql: Vec::new(),
                services: Vec::new(),
                deps: Vec::new(),
                simple_urls: Vec::new(),
                cert_ports: Vec::new(),
                syms: Symbols::default(),
                name_hasher: foldhash::fast::RandomState::default(),
            });
            self.path.pop();
            self.topo_depth = Some(self.stack.len());
            self.stack.push(el);
            return Ok(());
        }
        self.path.push(e.name().as_ref().to_string());
        self.ns.push(in_scope);
        self.stack.push(el);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start(tag: &str) -> quick_xml::events::BytesStart<'_> {
        let mut reader = Reader::from_str(tag);
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => e,
            other => panic!("not a start tag: {other:?}"),
        }
    }

    #[test]
    fn attributes_are_read_by_local_name_with_either_quote() {
        let e = start("<m:Machine xmlns=\"urn:x\" a:Fqdn = 'fe01.fabrikam.com'\r\n  Other=\"1\"/>");
        let [fqdn, other, absent] = attrs(&e, ["Fqdn", "Other", "Absent"]);
        assert_eq!(fqdn.as_deref(), Some("fe01.fabrikam.com"));
        assert_eq!(other.as_deref(), Some("1"));
        assert_eq!(absent, None);
        assert_eq!(xmlns(&e).as_deref(), Some("urn:x"));
    }

    #[test]
    fn attribute_values_are_normalized_only_when_needed() {
        let e = start("<a v=\"x&amp;y&#49;\tz\" w=\"pool1\" q='say \"hi\"'/>");
        let [v, w, q] = attrs(&e, ["v", "w", "q"]);
        assert_eq!(v.as_deref(), Some("x&y1 z"));
        assert_eq!(w.as_deref(), Some("pool1"));
        assert_eq!(q.as_deref(), Some("say \"hi\""));
        let e = start("<a v=\"&nope;\" w=\"ok\"/>");
        assert_eq!(attrs(&e, ["v", "w"]), [None, Some("ok".to_string())]);
    }

    proptest::proptest! {
        /// The shortcut for attributes written first and in order reads what the general
        /// reading reads, whatever the layout.
        #[test]
        fn leading_attributes_read_as_any_attributes(
            written in proptest::collection::vec(
                (
                    proptest::sample::select(vec!["SiteId", "RoleName", "Instance", "x:SiteId", "Other"]),
                    // mostly the layout the shortcut reads, so that it is tried often
                    proptest::sample::select(vec![" ", " ", " ", " ", " ", " ", "  ", "\n", " \t"]),
                    proptest::sample::select(vec!["=\"", "=\"", "=\"", "=\"", "=\"", " = \"", "='"]),
                    proptest::sample::select(vec!["1", "Registrar", "a&amp;b", "a\tb", "&nope;", ""]),
                ),
                0..5,
            ),
            tail in proptest::sample::select(vec!["", " ", " v", " w=x"]),
        ) {
            let mut tag = String::from("<ServiceId");
            for (name, space, open, value) in &written {
                let quote = if open.ends_with('\'') { "'" } else { "\"" };
                tag.push_str(&format!("{space}{name}{open}{value}{quote}"));
            }
            tag.push_str(tail);
            tag.push_str("/>");
            let e = start(&tag);
            const ID: [&str; 3] = ["SiteId", "RoleName", "Instance"];
            let general = attrs_anywhere(e.attributes_raw(), ID, |v| v.into_owned());
            proptest::prop_assert_eq!(attrs(&e, ID), general, "{}", tag);
        }
    }

    #[test]
    fn leading_attributes_in_order_are_read_directly() {
        let e = start("<ServiceId SiteId=\"1\" RoleName=\"Registrar\" Instance=\"2\" />");
        let ok = leading_in_order(e.attributes_raw(), &["SiteId", "RoleName", "Instance"]);
        assert_eq!(ok.map(|v| v.map(|(_, v)| v)), Some(["1", "Registrar", "2"]));
        for other in [
            "<ServiceId RoleName=\"Registrar\" SiteId=\"1\" Instance=\"2\" />",
            "<ServiceId  SiteId=\"1\" RoleName=\"Registrar\" Instance=\"2\" />",
            "<ServiceId SiteId='1' RoleName=\"Registrar\" Instance=\"2\" />",
            "<ServiceId a:SiteId=\"1\" RoleName=\"Registrar\" Instance=\"2\" />",
            "<ServiceId SiteIdX=\"1\" RoleName=\"Registrar\" Instance=\"2\" />",
        ] {
            let e = start(other);
            let read = leading_in_order(e.attributes_raw(), &["SiteId", "RoleName", "Instance"]);
            assert!(read.is_none(), "{other}");
        }
    }

    #[test]
    fn broken_attribute_lists_and_repeated_names_are_errors() {
        let problem = |tag: &str| {
            let e = start(tag);
            check_attributes(e.attributes_raw()).err().map(|p| {
                let offset = e.attributes_raw().as_ptr() as usize - tag.as_ptr() as usize;
                (p.at + offset, p.attribute, p.cause)
            })
        };
        for ok in [
            "<a/>",
            "<a v=\"1\" w = '2'\r\n\tx=\"a&amp;b&#x41;&#9;\" xmlns=\"u\" xmlns:p=\"u\" />",
            "<a v=\"&lt;&gt;&quot;&apos;\"/>",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
        // where the problem is, the attribute whose value is malformed, a word of the cause
        for (tag, at, attribute, cause) in [
            ("<a v=\"1\" v=\"2\"/>", 9, None, "twice"),
            ("<a v=\"1\" p:v=\"2\"/>", 9, None, "twice"),
            ("<a v=1 w=\"2\"/>", 5, None, "not quoted"),
            ("<a v w=\"2\"/>", 3, None, "no value"),
            ("<a v=\"1\" w=/>", 11, None, "not quoted"),
            ("<a v=\"1\"w=\"2\"/>", 8, None, "white space"),
            ("<a <v=\"1\"/>", 3, None, "`<`"),
            ("<a v=\"1\" <w/>", 9, None, "`<`"),
            ("<a v=\"x<y\"/>", 7, Some("v"), "`<`"),
            ("<a v=\"&bogus;\"/>", 6, Some("v"), "bogus"),
            ("<a v=\"x&#0;\"/>", 7, Some("v"), ""),
            ("<a v=\"&#xD800;\"/>", 6, Some("v"), ""),
            ("<a v=\"&#x1B;\"/>", 6, Some("v"), "U+001B"),
            ("<a v=\"&#xFFFE;\"/>", 6, Some("v"), "U+FFFE"),
        ] {
            let Some((got_at, got_attribute, got_cause)) = problem(tag) else {
                panic!("{tag} accepted");
            };
            assert_eq!(got_at, at, "{tag}");
            assert_eq!(got_attribute.as_deref(), attribute, "{tag}");
            assert!(got_cause.contains(cause), "{tag}: {got_cause}");
        }
        // many attributes: repeated names are found past the small array too
        let mut many = String::from("<a");
        for i in 0..40 {
            many.push_str(&format!(" a{i}=\"{i}\""));
        }
        assert_eq!(problem(&format!("{many}/>")), None);
        assert!(problem(&format!("{many} a3=\"x\"/>")).is_some_and(|p| p.2.contains("twice")));
    }

    #[test]
    fn characters_xml_does_not_allow_are_found_anywhere() {
        for (text, want) in [
            ("plain text\t\r\n", None),
            ("é ü \u{fffd} \u{fefe} \u{10000}", None),
            ("a\u{1b}b", Some(1)),
            ("a\u{1f}", Some(1)),
            ("\u{b}", Some(0)),
            ("xx\u{fffe}", Some(2)),
            ("xx\u{ffff}", Some(2)),
        ] {
            // at every place relative to the blocks of 32 bytes
            for pad in 0..40 {
                let padded = format!("{}{text}", "p".repeat(pad));
                let got = first_illegal(padded.as_bytes(), 0, padded.len());
                assert_eq!(got, want.map(|w| w + pad), "{pad} {text:?}");
            }
        }
    }

    fn nul_at(text: &str) -> Option<usize> {
        let src = SourceText::new("t.xml", std::sync::Arc::new(text.to_string()), "UTF-8");
        match scan(&src) {
            Err(LoadError::Malformed { message, at, .. }) if message.contains("NUL") => {
                Some(at.offset())
            }
            _ => None,
        }
    }

    #[test]
    fn the_first_nul_is_found_wherever_it_is_and_whatever_else_is_wrong() {
        const TOPO: &str =
            "<Topology xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008\">";
        let filler = "<Other a=\"1\"/>".repeat(3 * CharSearch::BLOCK / 14);
        // past the first blocks searched, in text and in an attribute value
        let far = format!("{TOPO}{filler}x\0y</Topology>");
        assert_eq!(nul_at(&far), far.find('\0'));
        let in_value = format!("{TOPO}{filler}<Other a=\"\0\"/></Topology>");
        assert_eq!(nul_at(&in_value), in_value.find('\0'));
        // in a value longer than a block
        let long = format!("{TOPO}<Other a=\"{}\0\"/></Topology>", "v".repeat(200_000));
        assert_eq!(nul_at(&long), long.find('\0'));
        // after a syntax error, a wrong end tag, an unknown entity, a DTD, or no topology
        for broken in [
            format!("{TOPO}<a b=></Topology>{filler}\0"),
            format!("{TOPO}</Other>{filler}\0"),
            format!("{TOPO}&nope;{filler}\0"),
            format!("<!DOCTYPE x>{TOPO}{filler}\0"),
            format!("<NotATopology>{filler}\0</NotATopology>"),
        ] {
            assert_eq!(nul_at(&broken), broken.find('\0'), "{}", &broken[..90]);
        }
        assert_eq!(nul_at(&format!("{TOPO}{filler}</Topology>")), None);
    }

    #[test]
    fn each_schema_is_read_for_its_own_attributes_only() {
        let body = r#"<Cluster Fqdn="pool1.fabrikam.com" UniqueId="c1"/>
            <Service RoleName="Registrar" UniqueId="s1" InstalledOn="c1">
              <Dependency ServiceUniqueId="s2"/>
            </Service>"#;
        let raw = |root: &str, ns: &str| {
            let text = format!(
                "<{root} xmlns=\"urn:schema:Microsoft.Rtc.Management.{ns}.2008\">{body}</{root}>"
            );
            let src = SourceText::new("t.xml", std::sync::Arc::new(text.clone()), "UTF-8");
            (text, scan(&src).expect("scans"))
        };
        let (builder_text, builder) = raw("PartialTopology", "WritableTopology");
        let (_, published) = raw("Topology", "Deploy.Topology");
        assert_eq!(builder.format, TopologyFormat::TopologyBuilder);
        assert_eq!(published.format, TopologyFormat::Published);
        for t in [&builder, &published] {
            assert_eq!(t.clusters[0].fqdn.as_str(), "pool1.fabrikam.com");
        }
        assert!(builder.clusters[0].key.is_some());
        assert!(builder.services[0].role_name.is_some());
        assert!(builder.services[0].key.is_some());
        assert!(builder.services[0].installed_on.is_some());
        assert!(
            matches!(&builder.deps[0].0, RawServiceRef::Builder(v) if v.get(&builder_text) == "s2")
        );
        // builder attributes on published elements are not part of that schema
        assert!(published.clusters[0].key.is_none());
        assert!(published.services[0].role_name.is_none());
        assert!(published.services[0].key.is_none());
        assert!(published.services[0].installed_on.is_none());
        assert!(
            matches!(&published.deps[0].0, RawServiceRef::Builder(RawValue::Owned(v)) if v.is_empty())
        );
    }

    #[test]
    fn certificate_ports_of_services_are_read_and_others_ignored() {
        let text = r#"<Topology xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008">
            <Service><Ports>
              <Port Owner="urn:component:Registrar" Usage="SipServer" InterfaceSide="Primary" InterfaceNumber="1" Port="5061" Protocol="Mtls" UrlPath="/" />
              <Port Owner="urn:component:QoE" Usage="SipServer" InterfaceSide="Primary" InterfaceNumber="1" Port="5061" Protocol="Mtls" />
              <Port Owner="urn:component:OCSWebSite" Usage="WebSite" InterfaceSide="External" InterfaceNumber="1" Port="8080" Protocol="Http" />
              <Port Port="4443" Protocol="Https" Owner="urn:component:OCSWebSite" Usage="WebSite" InterfaceSide="External" />
              <Port Owner="urn:component:OCSWebSite" Usage="WebSite" InterfaceSide="Primary" InterfaceNumber="1" Port="70000" Protocol="Https" />
              <Port Owner="urn:component:OCSWebSite" Usage="WebSite" InterfaceSide="Primary" InterfaceNumber="1" Port="443" Protocol="Https" />
            </Ports></Service>
            <Service><Ports>
              <Port Owner="urn:component:PersistentChat" Usage="SipServer" InterfaceSide="Primary" InterfaceNumber="1" Port="5041" Protocol="Mtls" />
            </Ports>
            <Other><Port Owner="urn:component:Registrar" Usage="SipServer" InterfaceSide="Primary" Port="1" Protocol="Mtls" /></Other>
            </Service>
            <Ports><Port Owner="urn:component:Registrar" Usage="SipServer" InterfaceSide="Primary" Port="2" Protocol="Mtls" /></Ports>
            </Topology>"#;
        let src = SourceText::new("t.xml", std::sync::Arc::new(text.to_string()), "UTF-8");
        let raw = scan(&src).expect("scans");
        use crate::usage::Usage;
        let read = |i: usize| -> Vec<(Usage, u16)> {
            raw.cert_ports
                .iter()
                .filter(|(s, _)| *s == i)
                .filter_map(|(_, span)| read_cert_port(text, *span))
                .map(|p| (p.usage, p.port))
                .collect()
        };
        // ports of other owners are left out while scanning, without reading them
        assert_eq!(raw.cert_ports.len(), 6);
        assert_eq!(
            read(0),
            [
                (Usage::Default, 5061),
                (Usage::WebServicesExternal, 4443),
                (Usage::WebServicesInternal, 443)
            ]
        );
        assert_eq!(read(1), [(Usage::Default, 5041)]);
        let p = raw.cert_ports[0].1;
        assert!(
            text[p.start..p.start + p.len].starts_with("<Port Owner=\"urn:component:Registrar\"")
        );
    }

    #[test]
    fn symbols_are_equal_exactly_when_their_strings_are() {
        let mut syms = Symbols::default();
        assert_eq!(syms.intern(""), Sym::EMPTY);
        let a = syms.intern("Registrar");
        let b = syms.intern("registrar");
        assert_ne!(a, b, "keys of the published schema compare exactly");
        assert_eq!(syms.intern("Registrar"), a);
        assert_eq!(syms.get("registrar"), Some(b));
        assert_eq!(syms.get("UserServices"), None);
        assert_eq!(syms.name(a), "Registrar");
        assert_eq!(&*syms.shared(b), "registrar");
    }

    #[test]
    fn plain_value_is_a_range_of_the_text() {
        let text = "<a b=\"pool1\"/>";
        let v = RawValue::of(text, std::borrow::Cow::Borrowed(&text[6..11]));
        assert_eq!(v, RawValue::At { start: 6, end: 11 });
        assert_eq!(v.get(text), "pool1");
    }

    #[test]
    fn normalized_or_foreign_value_is_copied() {
        let text = "<a b=\"x&amp;y\"/>";
        let v = RawValue::of(text, std::borrow::Cow::Owned("x&y".to_string()));
        assert_eq!(v, RawValue::Owned("x&y".into()));
        assert_eq!(std::mem::size_of::<RawValue>(), 16);
        let elsewhere = String::from("pool1");
        let v = RawValue::of(text, std::borrow::Cow::Borrowed(elsewhere.as_str()));
        assert_eq!(v.get(text), "pool1");
        assert!(matches!(v, RawValue::Owned(_)));
    }
}
