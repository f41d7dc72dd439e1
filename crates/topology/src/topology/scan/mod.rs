//! One non-recursive pass over the XML events that collects raw, unresolved records.
//!
//! Elements are matched by local name and by their parent (namespaces change per element in
//! both schemas). The element stack is explicit and bounded by `MAX_DEPTH`; DTDs are
//! rejected; quick-xml never expands entities. Every start tag is checked in full
//! (`tag::check_in_full`, which notes the attributes as it goes) before anything is read from
//! it, so the readers of attributes only ever see well-formed tags. Characters XML does not
//! allow are searched for in the whole text, beside building the model (`scan_then`).

mod attrs;
mod chars;
mod ports;
mod records;
mod symbols;
mod tag;

pub(crate) use ports::read_cert_port;
pub use records::RawTopology;
pub(crate) use records::{
    RawCluster, RawMachine, RawService, RawServiceRef, RawSite, RawSql, RawTarget, RawValue,
};
pub(crate) use symbols::{Sym, Symbols};

use crate::error::LoadError;
use crate::model::{ClusterKey, Fqdn, SourceText, Span, TopologyFormat};
use attrs::{attr, attrs, attrs_with, layout, xmlns, Seen};
use chars::{char_error, first_illegal_char};
use ports::may_present_certificate;
use quick_xml::events::{BytesRef, BytesStart, BytesText, Event};
use quick_xml::Reader;
use std::hash::BuildHasher;
use tag::{check_in_full, resolve_reference};

/// Deepest element nesting accepted.
pub(crate) const MAX_DEPTH: usize = 256;

/// Namespaces of the Lync/Skype topology schemas all start with this.
const RTC_NS_PREFIX: &str = "urn:schema:Microsoft.Rtc.Management.";

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

/// Scans the text into raw records, or fails with a diagnostic pointing into it.
///
/// A character outside XML 1.0's `Char` production (NUL and the other C0 controls but tab,
/// LF and CR; U+FFFE, U+FFFF) is not allowed anywhere (text, attribute values, names,
/// comments), and quick-xml does not refuse it: the first such character of the text is an
/// error whatever else is wrong with it.
pub fn scan(src: &SourceText) -> Result<RawTopology, LoadError> {
    scan_then(src, |raw| raw)
}

/// Scans the text and hands the records to `then`: its result, or the scan's error, or the
/// error of the first character XML does not allow (that one first, as in [`scan`]). On two
/// threads the reader searches for such characters once it has read the text, while this
/// thread records the last events and runs `then`, so `then` may see the records of a text
/// that has one; its result is then dropped.
pub fn scan_then<T, F: FnOnce(RawTopology) -> T>(
    src: &SourceText,
    then: F,
) -> Result<T, LoadError> {
    let mut sc = Scanner::new(src);
    let (done, searched) = if src.text.len() >= PIPELINE_MIN && rayon::current_num_threads() > 1 {
        match scan_two_threads(&mut sc, then) {
            Ok(both) => both,
            Err(then) => (sc.one_thread().map(then), None),
        }
    } else {
        (sc.one_thread().map(then), None)
    };
    match searched.unwrap_or_else(|| first_illegal_char(&src.text)) {
        Some(at) => Err(char_error(src, at)),
        None => done,
    }
}

/// One event of the reader: its kind and the byte range it came from. The event is made again
/// from the text where it is recorded ([`Step::start_tag`], [`Step::inner`]), so a step takes
/// 24 bytes where quick-xml's event with its range took 56, and the two threads exchange that
/// much less.
#[derive(Debug, Clone, Copy)]
struct Step {
    kind: Kind,
    /// The length of a start tag's name (which quick-xml found), else 0.
    name_len: u32,
    before: usize,
    after: usize,
}

/// The events the scan tells apart; comments, CDATA, processing instructions and the XML
/// declaration are `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Start,
    Empty,
    End,
    Text,
    Reference,
    DocType,
    Other,
    Eof,
}

impl Step {
    /// The text of the event between its delimiters: `<`…`>` of a start tag, `<`…`/>` of an
    /// empty element, `&`…`;` of a reference, all of a text.
    fn inner(self, text: &str) -> &str {
        let (open, close) = match self.kind {
            Kind::Start | Kind::Reference => (1, 1),
            Kind::Empty => (1, 2),
            _ => (0, 0),
        };
        let from = self.before + open;
        text.get(from..self.after.saturating_sub(close).max(from))
            .unwrap_or_default()
    }

    /// The start tag of a `Start` or `Empty` step, as quick-xml gave it.
    fn start_tag(self, text: &str) -> BytesStart<'_> {
        let content = self.inner(text);
        BytesStart::from_content(content, (self.name_len as usize).min(content.len()))
    }
}

/// Events a reader thread hands over at a time (192 KiB of steps): few enough
/// hand-overs that the two threads seldom wait for each other, which costs a system call and
/// a wake-up each time.
const BATCH: usize = 8192;

/// Batches waiting in the channel at most.
const QUEUED: usize = 2;

/// Texts at least this long are read on two threads when the pool has two or more: one runs
/// quick-xml's reader, the other checks the tags and records each event, in the reader's
/// order, so the result and the first error are the same as on one thread.
const PIPELINE_MIN: usize = 1 << 20;

/// The reader's side of the scan: quick-xml's events.
struct Read<'a> {
    src: &'a SourceText,
    reader: Reader<&'a [u8]>,
    /// Where the reader's text starts in the source text.
    base: usize,
}

impl<'a> Read<'a> {
    /// A reader of the whole text. A byte order mark left at its start is passed over here:
    /// quick-xml would skip it without counting it, and every position would be 3 bytes short.
    fn new(src: &'a SourceText) -> Self {
        let base = if src.text.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            0
        };
        let mut reader = Reader::from_str(src.text.get(base..).unwrap_or_default());
        reader.config_mut().check_end_names = true;
        Read { src, reader, base }
    }

    /// The reader's position in the source text.
    fn position(&self) -> usize {
        self.base + self.reader.buffer_position() as usize
    }

    /// The next event, or the first error (boxed: steps are handed between threads, and
    /// errors are rare).
    fn next(&mut self) -> Result<Step, Box<LoadError>> {
        let before = self.position();
        // (a name of 4 GiB or more, in no input this reads, would run to the tag's end)
        let name_len =
            |e: &BytesStart<'_>| u32::try_from(e.name().as_ref().len()).unwrap_or(u32::MAX);
        let (kind, name_len) = match self.reader.read_event() {
            Ok(Event::Start(e)) => (Kind::Start, name_len(&e)),
            Ok(Event::Empty(e)) => (Kind::Empty, name_len(&e)),
            Ok(Event::End(_)) => (Kind::End, 0),
            Ok(Event::Text(_)) => (Kind::Text, 0),
            Ok(Event::GeneralRef(_)) => (Kind::Reference, 0),
            Ok(Event::DocType(_)) => (Kind::DocType, 0),
            Ok(Event::Eof) => (Kind::Eof, 0),
            Ok(Event::Comment(_) | Event::CData(_) | Event::PI(_) | Event::Decl(_)) => {
                (Kind::Other, 0)
            }
            Err(e) => {
                let at = self.base + self.reader.error_position() as usize;
                return Err(Box::new(malformed(self.src, e.to_string(), at)));
            }
        };
        Ok(Step {
            kind,
            name_len,
            before,
            after: self.position(),
        })
    }
}

/// The reader on a thread of its own, handing over batches of steps through a bounded
/// channel; this thread takes them in order, hands the emptied batches back for reuse, and
/// runs `then` on the records. When this side stops (an error), the channel closes and the
/// reader stops at its next batch; when the reader has read the whole text, it searches it for
/// characters XML does not allow (the second result; `None` when it stopped first). Gives
/// `then` back, having read nothing, when the system cannot start a thread.
#[allow(clippy::type_complexity)]
fn scan_two_threads<T, F: FnOnce(RawTopology) -> T>(
    sc: &mut Scanner<'_>,
    then: F,
) -> Result<(Result<T, LoadError>, Option<Option<usize>>), F> {
    let src = sc.src;
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Batch>(QUEUED);
        let (back, emptied) = std::sync::mpsc::channel::<Batch>();
        let mut read = Read::new(src);
        let spawned = std::thread::Builder::new().spawn_scoped(s, move || loop {
            let mut batch = emptied.try_recv().unwrap_or_else(|_| Batch {
                steps: Vec::with_capacity(BATCH),
                error: None,
            });
            let mut last = false;
            while batch.steps.len() < BATCH && !last {
                match read.next() {
                    Ok(step) => {
                        last = step.kind == Kind::Eof;
                        batch.steps.push(step);
                    }
                    Err(e) => {
                        batch.error = Some(e);
                        last = true;
                    }
                }
            }
            if tx.send(batch).is_err() {
                return None;
            }
            if last {
                return Some(first_illegal_char(&src.text));
            }
        });
        let Ok(reader) = spawned else {
            return Err(then);
        };
        let done = (|| {
            for mut batch in rx {
                for step in batch.steps.drain(..) {
                    if !sc.step(step)? {
                        return Ok(());
                    }
                }
                if let Some(e) = batch.error.take() {
                    return Err(*e);
                }
                // the reader may have finished: then the batch is not needed
                let _ = back.send(batch);
            }
            Ok(())
        })();
        let done = done.and_then(|()| sc.finish()).map(then);
        match reader.join() {
            Ok(searched) => Ok((done, searched)),
            // the reader does not panic; if it did, its panic goes on here
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// Steps handed over at once, and the error that ended them, if one did.
struct Batch {
    steps: Vec<Step>,
    error: Option<Box<LoadError>>,
}

/// Malformed XML at byte `at` of the text.
fn malformed(src: &SourceText, message: String, at: usize) -> LoadError {
    let at = at.min(src.text.len());
    LoadError::Malformed {
        message,
        src: src.named_source(),
        at: (at, 0).into(),
    }
}

impl<'s> Scanner<'s> {
    fn new(src: &'s SourceText) -> Self {
        Scanner {
            src,
            stack: Vec::with_capacity(32),
            path: Vec::new(),
            ns: Vec::new(),
            topo_depth: None,
            done: false,
            out: None,
            first: None,
            sql_id_name: None,
        }
    }

    /// The records or the first error, read on this thread (characters XML does not allow are
    /// not searched for).
    fn one_thread(&mut self) -> Result<RawTopology, LoadError> {
        let mut read = Read::new(self.src);
        loop {
            if !self.step(read.next().map_err(|e| *e)?)? {
                return self.finish();
            }
        }
    }

    /// Checks and records one event; false at the end of the text.
    fn step(&mut self, step: Step) -> Result<bool, LoadError> {
        let src = self.src;
        let text = src.text.as_str();
        let span = Span {
            start: step.before,
            len: step.after.saturating_sub(step.before),
        };
        match step.kind {
            Kind::Start => self.open(&step.start_tag(text), span)?,
            Kind::Empty => {
                self.open(&step.start_tag(text), span)?;
                self.close();
            }
            Kind::End => self.close(),
            Kind::Text if self.in_site_name() => {
                let t = BytesText::from_escaped(step.inner(text));
                self.push_name_text(&t.xml_content(quick_xml::XmlVersion::Implicit1_0));
            }
            Kind::Reference => {
                // only the predefined entities and references to characters XML allows
                let r = BytesRef::new(step.inner(text));
                let resolved =
                    resolve_reference(&r).map_err(|cause| self.malformed(cause, step.before))?;
                if self.in_site_name() {
                    let mut buf = [0; 4];
                    self.push_name_text(match resolved {
                        Ok(c) => c.encode_utf8(&mut buf),
                        Err(entity) => entity,
                    });
                }
            }
            Kind::DocType => {
                return Err(LoadError::DtdRejected {
                    src: src.named_source(),
                    at: span.into(),
                })
            }
            Kind::Eof => return Ok(false),
            Kind::Text | Kind::Other => {}
        }
        Ok(true)
    }

    /// After the last event: the records, or why there are none.
    fn finish(&mut self) -> Result<RawTopology, LoadError> {
        let src = self.src;
        if !self.stack.is_empty() {
            return Err(self.malformed(
                "unexpected end of file: elements are not closed".into(),
                src.text.len(),
            ));
        }
        match self.out.take() {
            Some(raw) => Ok(raw),
            None => {
                let (desc, span) = match self.first.take() {
                    Some((name, ns, span)) => {
                        (
                            match ns {
                                Some(ns) => {
                                    format!("an XML document with root element <{name}> (namespace {ns})")
                                }
                                None => format!("an XML document with root element <{name}>"),
                            },
                            span,
                        )
                    }
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
        malformed(self.src, message, at)
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
    /// [`Self::open`]: in it, this made every element slower). Its tag was checked in full.
    #[inline(never)]
    fn port(&mut self, e: &BytesStart<'_>, span: Span) {
        if self.parent() != El::Ports || self.grandparent() != El::Service {
            return;
        }
        if let Some(out) = self.out.as_mut() {
            if let (Some(s), true) = (
                out.services.len().checked_sub(1),
                may_present_certificate(e),
            ) {
                // read later by `read_cert_port`
                out.cert_ports.push((s, span));
            }
        }
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
        // every start tag is checked in full before anything is read from it; the check notes
        // the attributes it passes, in the order Lync writes them for this element
        let mut seen = Seen::new(e.attributes_raw(), layout(local));
        check_in_full(self.src, e, &mut seen)?;
        if self.topo_depth.is_none() {
            return self.open_searching(e, local, el, span);
        }
        let parent = self.parent();
        let grandparent = self.grandparent();
        let src = self.src;
        let out = match self.out.as_mut() {
            // most elements (ports, interfaces, settings we do not read) only need the stack
            Some(out)
                if !matches!(
                    el,
                    El::Other | El::Name | El::InstalledOn | El::OldTopology | El::Ports | El::Port
                ) =>
            {
                out
            }
            _ => {
                if el == El::Port {
                    self.port(e, span);
                }
                self.stack.push(el);
                return Ok(());
            }
        };
        // Each schema's elements are read for that schema's attributes only, from what the
        // check of the tag saw.
        let e = &seen;
        match el {
            El::CentralSite | El::BranchSite => out.sites.push(RawSite {
                id: attr(e, "SiteId"),
                name: None,
                span,
            }),
            El::Cluster => out.read_cluster(src, e, span)?,
            El::Machine => out.read_machine(src, e, span)?,
            El::ClusterId => {
                out.read_cluster_id(e, parent, grandparent, self.sql_id_name.as_deref())
            }
            El::SqlInstance => {
                let in_cluster = self.stack.contains(&El::Cluster);
                out.read_sql_instance(e, in_cluster, span)
            }
            El::SqlInstanceId => self.sql_id_name = Some(attr(e, "Name").unwrap_or_default()),
            El::Service => out.read_service(e, span),
            El::ServiceId => out.read_service_id(e, parent),
            El::Dependency => out.read_dependency(src, e, span),
            El::WebService
            | El::Component
            | El::ExternalSettings
            | El::InternalSettings
            | El::RegistrarService => out.read_service_setting(e, el),
            El::SimpleUrl => out.read_simple_url(e, span),
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
                machines: Vec::new(),
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

/// The readers of the elements [`Scanner::open`] reads from, each given a start tag that
/// [`check_in_full`] found well formed.
impl RawTopology {
    fn builder(&self) -> bool {
        self.format == TopologyFormat::TopologyBuilder
    }

    fn read_cluster(
        &mut self,
        src: &SourceText,
        e: &Seen<'_>,
        span: Span,
    ) -> Result<(), LoadError> {
        let text = &src.text;
        // a published cluster's identity is its `ClusterId` child
        let keep = |v: std::borrow::Cow<'_, str>| RawValue::of(text, v);
        let [fqdn, uid, single] = if self.builder() {
            attrs_with(e, ["Fqdn", "UniqueId", "IsSingleMachineOnly"], keep)
        } else {
            let [fqdn] = attrs_with(e, ["Fqdn"], keep);
            [fqdn, None, None]
        };
        let Some(fqdn) = fqdn else {
            return Err(missing(src, "Cluster", "Fqdn", span));
        };
        self.clusters.push(RawCluster {
            fqdn: Fqdn::new(fqdn.get(text)),
            key: uid.map(|u| ClusterKey::Builder(u.get(text).to_string())),
            syms: None,
            site_ctx: self.sites.len().checked_sub(1),
            single_machine: single.is_some_and(|v| v.get(text) == "true"),
            machines: self.machines.len()..self.machines.len(),
            span,
        });
        Ok(())
    }

    fn read_machine(
        &mut self,
        src: &SourceText,
        e: &Seen<'_>,
        span: Span,
    ) -> Result<(), LoadError> {
        let builder = self.builder();
        if let Some(c) = self.clusters.last_mut() {
            let [fqdn] = attrs_with(e, ["Fqdn"], |v| Fqdn::new(&v));
            // only a Topology Builder single-machine cluster's `<Machine />` is named
            // after its cluster; any other machine names itself
            if fqdn.is_none() && !(builder && c.single_machine) {
                return Err(missing(src, "Machine", "Fqdn", span));
            }
            let name_hash = self.name_hasher.hash_one(fqdn.as_ref().unwrap_or(&c.fqdn));
            self.machines.push(RawMachine {
                fqdn,
                name_hash,
                span,
            });
            c.machines.end = self.machines.len();
        }
        Ok(())
    }

    /// A `ClusterId`: where a service is installed, or the identity of its cluster or SQL
    /// instance (`sql_id_name`: the enclosing `SqlInstanceId/@Name`).
    fn read_cluster_id(
        &mut self,
        e: &Seen<'_>,
        parent: El,
        grandparent: El,
        sql_id_name: Option<&str>,
    ) {
        if parent == El::InstalledOn {
            let syms = &mut self.syms;
            if let (Some(s), [Some(site), Some(number)]) = (
                self.services.last_mut(),
                attrs_with(e, ["SiteId", "Number"], |v| syms.intern(&v)),
            ) {
                s.installed_on = Some(RawTarget::Cluster { site, number });
            }
            return;
        }
        let [Some(site), Some(number)] = attrs(e, ["SiteId", "Number"]) else {
            return;
        };
        let syms = (self.syms.intern(&site), self.syms.intern(&number));
        let key = ClusterKey::Published { site, number };
        match parent {
            El::Cluster => {
                if let Some(c) = self.clusters.last_mut() {
                    c.key = Some(key);
                    c.syms = Some(syms);
                }
            }
            El::SqlInstanceId => {
                let name = sql_id_name.unwrap_or_default().to_string();
                match grandparent {
                    El::InstalledOn => {
                        if let Some(s) = self.services.last_mut() {
                            s.installed_on = Some(RawTarget::Sql(Box::new((key, name))));
                        }
                    }
                    El::SqlInstance => {
                        if let Some(s) = self.sql.last_mut() {
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

    fn read_sql_instance(&mut self, e: &Seen<'_>, in_cluster: bool, span: Span) {
        let [name, unique_id] = attrs(e, ["Name", "UniqueId"]);
        self.sql.push(RawSql {
            name: name.unwrap_or_default(),
            cluster: None,
            cluster_ctx: if in_cluster {
                self.clusters.len().checked_sub(1)
            } else {
                None
            },
            unique_id,
            span,
        })
    }

    fn read_service(&mut self, e: &Seen<'_>, span: Span) {
        // a published service is named by its `ServiceId` and `InstalledOn` children
        let [role_name, uid, on] = if self.builder() {
            attrs(e, ["RoleName", "UniqueId", "InstalledOn"])
        } else {
            [None, None, None]
        };
        self.services.push(RawService {
            role_name,
            key: uid.map(|u| RawServiceRef::Builder(RawValue::Owned(u.into()))),
            installed_on: on.map(RawTarget::UniqueId),
            deps: self.deps.len()..self.deps.len(),
            span,
            ..RawService::default()
        })
    }

    fn read_service_id(&mut self, e: &Seen<'_>, parent: El) {
        const ID: [&str; 3] = ["SiteId", "RoleName", "Instance"];
        match parent {
            El::Service => {
                if let Some(s) = self.services.last_mut() {
                    let syms = &mut self.syms;
                    let [site, role, instance] = attrs_with(e, ID, |v| syms.intern(&v));
                    s.key = Some(RawServiceRef::Published {
                        site: site.unwrap_or(Sym::EMPTY),
                        role: role.unwrap_or(Sym::EMPTY),
                        instance: instance.unwrap_or(Sym::EMPTY),
                    });
                }
            }
            // the Dependency element's span was pushed with a placeholder key
            El::Dependency if self.services.last().is_some_and(|s| !s.deps.is_empty()) => {
                if let Some(last) = self.deps.last_mut() {
                    let syms = &mut self.syms;
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

    fn read_dependency(&mut self, src: &SourceText, e: &Seen<'_>, span: Span) {
        let builder = self.builder();
        if let Some(s) = self.services.last_mut() {
            let text = &src.text;
            // published: a placeholder until the `ServiceId` child is read
            let [uid] = if builder {
                attrs_with(e, ["ServiceUniqueId"], |v| RawValue::of(text, v))
            } else {
                [None]
            };
            self.deps
                .push((RawServiceRef::Builder(uid.unwrap_or_default()), span));
            s.deps.end = self.deps.len();
        }
    }

    /// The web components and host names of a `WebServices` service, and whether a
    /// registrar is a Director.
    fn read_service_setting(&mut self, e: &Seen<'_>, el: El) {
        match el {
            El::WebService => {
                if let Some(s) = self.services.last_mut() {
                    s.web.get_or_insert_with(Default::default);
                }
            }
            El::Component => {
                // component names repeat in every pool: shared, not copied
                let syms = &mut self.syms;
                let [name] = attrs_with(e, ["ComponentName"], |v| syms.intern(&v));
                if let (Some(s), Some(name)) = (self.services.last_mut(), name) {
                    s.web
                        .get_or_insert_with(Default::default)
                        .components
                        .push(self.syms.shared(name));
                }
            }
            El::ExternalSettings | El::InternalSettings => {
                if let (Some(s), Some(host)) = (self.services.last_mut(), attr(e, "Host")) {
                    let web = s.web.get_or_insert_with(Default::default);
                    if el == El::ExternalSettings {
                        web.external_host = Some(Fqdn::new(&host));
                    } else {
                        web.internal_host = Some(Fqdn::new(&host));
                    }
                }
            }
            El::RegistrarService => {
                if let Some(s) = self.services.last_mut() {
                    s.is_director =
                        attr(e, "IsDirector").is_some_and(|v| v.eq_ignore_ascii_case("true"));
                }
            }
            _ => {}
        }
    }

    fn read_simple_url(&mut self, e: &Seen<'_>, span: Span) {
        let [url, component, domain] = attrs(e, ["ActiveUrl", "Component", "Domain"]);
        if let Some(url) = url {
            self.simple_urls.push(crate::model::SimpleUrl {
                component: component.unwrap_or_default(),
                domain: domain.unwrap_or_default(),
                url,
                span,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let filler = "<Other a=\"1\"/>".repeat(3 * 64 * 1024 / 14);
        // far into the text (192 KiB), in text and in an attribute value
        let far = format!("{TOPO}{filler}x\0y</Topology>");
        assert_eq!(nul_at(&far), far.find('\0'));
        let in_value = format!("{TOPO}{filler}<Other a=\"\0\"/></Topology>");
        assert_eq!(nul_at(&in_value), in_value.find('\0'));
        // in a long value
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

    /// A published topology of `n` pools, each with a machine and a service with ports.
    fn many_pools(n: usize) -> String {
        let mut clusters = String::new();
        let mut services = String::new();
        for i in 1..=n {
            clusters.push_str(&format!(
                "<Cluster RequiresReplication=\"true\" Fqdn=\"pool{i}.fabrikam.com\">\r\n\
                 <ClusterId SiteId=\"1\" Number=\"{i}\" />\r\n\
                 <Machine OrdinalInCluster=\"1\" Fqdn=\"fe{i}.fabrikam.com\">\
                 <NetInterface InterfaceSide=\"Primary\" InterfaceNumber=\"1\" IPAddress=\"0.0.0.0\" />\
                 </Machine></Cluster>\r\n"
            ));
            services.push_str(&format!(
                "<Service RoleVersion=\"1\" ServiceVersion=\"6\">\
                 <ServiceId SiteId=\"1\" RoleName=\"Registrar\" Instance=\"{i}\" />\
                 <InstalledOn><ClusterId SiteId=\"1\" Number=\"{i}\" /></InstalledOn>\
                 <Ports xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008\">\
                 <Port Owner=\"urn:component:Registrar\" Usage=\"SipServer\" InterfaceSide=\"Primary\" \
                 InterfaceNumber=\"1\" Port=\"5061\" Protocol=\"Mtls\" UrlPath=\"/\" /></Ports>\
                 </Service>\r\n"
            ));
        }
        format!(
            "<Topology xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008\">\r\n\
             <Sites><CentralSite SiteId=\"1\"><Name>Red&amp;mond &#x41;</Name></CentralSite></Sites>\r\n\
             <Clusters>{clusters}</Clusters><Services>{services}</Services></Topology>\r\n"
        )
    }

    /// The scan's result, or its error with where it points, on a pool of `threads`.
    fn scanned_on(threads: usize, text: &str) -> String {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool");
        let src = SourceText::new("t.xml", std::sync::Arc::new(text.to_string()), "UTF-8");
        pool.install(|| match scan(&src) {
            // without the hashes of machine names and their hasher (seeded per scan)
            Ok(raw) => format!("{raw:?}")
                .split(", name_hasher: ")
                .next()
                .unwrap_or_default()
                .split("name_hash: ")
                .map(|part| part.trim_start_matches(|c: char| c.is_ascii_digit()))
                .collect(),
            Err(e) => format!(
                "{e} at {:?}",
                miette::Diagnostic::labels(&e).map(|l| l.collect::<Vec<_>>())
            ),
        })
    }

    #[test]
    fn two_threads_read_what_one_reads_and_fail_where_one_fails() {
        let good = many_pools(3000);
        assert!(good.len() >= PIPELINE_MIN, "{}", good.len());
        let one = scanned_on(1, &good);
        assert!(one.contains("fe2999.fabrikam.com") && one.contains("Red&mond A"));
        assert_eq!(scanned_on(2, &good), one);
        let mid = good.len() / 2;
        let late = good.len() - 200;
        let broken = [
            // a wrong end tag, a bad attribute, an unknown entity, at places past many batches
            good.replacen("</Machine>", "</Machin>", 1500),
            format!(
                "{}<Other a=b/>{}",
                &good[..good[..mid].rfind('<').unwrap()],
                &good[good[..mid].rfind('<').unwrap()..]
            ),
            format!("{}&nope;{}", &good[..late], &good[late..]),
            // a NUL after an earlier syntax error, unclosed elements, a DTD, no topology
            format!("{}<a b=></a>{}\0", &good[..mid], &good[mid..]),
            // a NUL and a control character in names the scan records, in an otherwise good text
            good.replacen("fe2999.fabrikam.com", "fe2999\0.fabrikam.com", 1),
            good.replacen("pool1500.fabrikam.com", "pool1500\u{1b}.fabrikam.com", 1),
            good.replace("</Topology>", ""),
            format!("<!DOCTYPE x>{good}"),
            good.replace("<Topology xmlns", "<NotTopology xmlns")
                .replace("</Topology>", "</NotTopology>"),
        ];
        for (i, text) in broken.iter().enumerate() {
            let one = scanned_on(1, text);
            assert!(!one.starts_with("RawTopology"), "case {i} reads");
            assert_eq!(scanned_on(2, text), one, "case {i}");
        }
    }

    /// Every step of `text`, made again into its event, against the event quick-xml gives.
    fn assert_steps_make_the_events(name: &str, text: &str) {
        let src = SourceText::new(name, std::sync::Arc::new(text.to_string()), "UTF-8");
        let mut read = Read::new(&src);
        let mut reader = Reader::from_str(text);
        reader.config_mut().check_end_names = true;
        let mut made = 0;
        loop {
            let (step, event) = match (read.next(), reader.read_event()) {
                (Ok(step), Ok(event)) => (step, event),
                (Err(_), Err(_)) => break,
                (step, event) => panic!("{name}: {event:?} read as {step:?}"),
            };
            let same = match (&event, step.kind) {
                (Event::Start(e), Kind::Start) | (Event::Empty(e), Kind::Empty) => {
                    step.start_tag(&src.text) == *e
                }
                (Event::Text(t), Kind::Text) => {
                    BytesText::from_escaped(step.inner(&src.text)) == *t
                }
                (Event::GeneralRef(r), Kind::Reference) => {
                    BytesRef::new(step.inner(&src.text)) == *r
                }
                (Event::End(_), Kind::End)
                | (Event::DocType(_), Kind::DocType)
                | (Event::Eof, Kind::Eof)
                | (
                    Event::Comment(_) | Event::CData(_) | Event::PI(_) | Event::Decl(_),
                    Kind::Other,
                ) => true,
                _ => false,
            };
            assert!(same, "{name}: {event:?} made again as {step:?}");
            made += 1;
            if step.kind == Kind::Eof {
                break;
            }
        }
        assert!(made > 1, "{name}: no event");
    }

    #[test]
    fn every_step_makes_again_the_event_quick_xml_gave() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-topologies");
        let mut files = 0;
        let mut folders = vec![root];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).expect("sample-topologies") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    folders.push(path);
                } else if matches!(
                    path.extension().and_then(|e| e.to_str()),
                    Some("xml" | "tbxml")
                ) {
                    let bytes = std::fs::read(&path).expect("a sample");
                    let text = crate::topology::decode::decode_vec(bytes)
                        .expect("decodes")
                        .text;
                    assert_steps_make_the_events(&path.display().to_string(), &text);
                    files += 1;
                }
            }
        }
        assert!(files >= 10, "{files} samples");
        for (i, text) in [
            many_pools(3),
            // a byte order mark left in the text, skipped by quick-xml before its first event
            "\u{feff}<a>x</a>".into(),
            "\u{feff}text<a/>".into(),
            "<?xml version=\"1.0\"?>\r\n<!-- c --><a b='>' c=\"&amp;\">t&amp;u&#65;<![CDATA[<x>]]>\
             <b/><?pi x?></a>"
                .into(),
            "<a\r\n  b=\"1\"\t/><c\n/><d></d ><é x=\"ü\">ö&lt;</é>".into(),
            "<!DOCTYPE x [<!ENTITY e \"v\">]><a/>".into(),
            "<a>unclosed".into(),
        ]
        .iter()
        .enumerate()
        {
            assert_steps_make_the_events(&format!("case {i}"), text);
        }
    }

    #[test]
    fn a_byte_order_mark_left_at_the_start_is_counted_in_every_position() {
        let at = |text: &str| {
            let src = SourceText::new("t.xml", std::sync::Arc::new(text.to_string()), "UTF-8");
            match scan(&src) {
                Err(e) => miette::Diagnostic::labels(&e)
                    .and_then(|mut l| l.next())
                    .map(|l| l.offset()),
                Ok(_) => None,
            }
        };
        for broken in [
            "<Topology xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008\">\
             <Other a=b/></Topology>",
            "<a></b>",
            "<a>&nope;</a>",
        ] {
            let plain = at(broken).expect("an error");
            assert_eq!(
                at(&format!("\u{feff}{broken}")),
                Some(plain + 3),
                "{broken}"
            );
        }
    }

    #[test]
    fn a_model_built_from_a_text_with_a_character_xml_does_not_allow_is_dropped() {
        let good = many_pools(3000);
        let bad = good.replacen("fe2999.fabrikam.com", "fe2999\0.fabrikam.com", 1);
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("a thread pool");
            let loaded = pool.install(|| {
                (
                    crate::topology::load_text("t.xml", good.clone(), "UTF-8"),
                    crate::topology::load_text("t.xml", bad.clone(), "UTF-8"),
                )
            });
            assert!(
                loaded.0.is_ok_and(|t| t.machines.len() == 3000),
                "{threads}"
            );
            match loaded.1 {
                Err(LoadError::Malformed { message, at, .. }) => {
                    assert!(message.contains("NUL"), "{message}");
                    assert_eq!(Some(at.offset()), bad.find('\0'));
                }
                other => panic!("{threads}: {other:?}"),
            }
        }
    }

    #[test]
    fn every_start_tag_is_well_formed_whether_it_is_read_or_not() {
        const TOPO: &str =
            "<Topology xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008\">";
        let scanned = |inner: &str| {
            let text = format!("{TOPO}<Clusters>{inner}</Clusters></Topology>");
            let src = SourceText::new("t.xml", std::sync::Arc::new(text.clone()), "UTF-8");
            scan(&src).map(|_| ()).map_err(|e| {
                let at = miette::Diagnostic::labels(&e)
                    .and_then(|mut l| l.next())
                    .map(|l| l.offset());
                (e.to_string(), at.map(|at| text[at..].to_string()))
            })
        };
        assert_eq!(
            scanned("<Other a=\"1\" b='2'/><Ports><Port Owner=\"x\"/></Ports>"),
            Ok(())
        );
        // elements the scan reads nothing from, a port outside a service, the root's search
        for (inner, bad) in [
            ("<Other a=b/>", "b/>"),
            ("<Other a=\"1\"b=\"2\"/>", "b=\"2\"/>"),
            ("<Other a=\"1\" a=\"2\"/>", "a=\"2\"/>"),
            ("<NetInterface IPAddress/>", "IPAddress/>"),
            ("<Ports><Port Owner=x/></Ports>", "x/></Ports>"),
        ] {
            let (message, at) = scanned(inner).expect_err(inner);
            assert_eq!(
                at,
                Some(format!("{bad}</Clusters></Topology>")),
                "{inner}: {message}"
            );
        }
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
}
