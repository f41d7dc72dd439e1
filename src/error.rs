//! Errors and diagnostics: fatal load errors ([`LoadError`], exit code 2) and non-fatal
//! topology problems ([`TopologyProblem`]) that leave the rest of the topology usable.

use miette::{Diagnostic, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use std::sync::Arc;
use thiserror::Error;

/// Most bytes of one line a diagnostic snippet shows (about half before the span, half after).
pub const SNIPPET_LIMIT: usize = 400;

/// The named source text every diagnostic that points into a topology carries. Like miette's
/// `NamedSource`, except that a snippet is clipped to [`SNIPPET_LIMIT`] bytes around the span
/// when the lines around it are longer, so a 50 MB line cannot flood the terminal; the location
/// in the header stays the true line and column.
#[derive(Debug, Clone)]
pub struct Src {
    name: String,
    text: Arc<str>,
}

impl Src {
    /// A source named `name` (the path as given) over the shared text.
    pub fn new(name: impl Into<String>, text: Arc<str>) -> Self {
        Src {
            name: name.into(),
            text,
        }
    }
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl SourceCode for Src {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text: &'a str = &self.text;
        let full = text.read_span(span, before, after)?;
        let name = self.name.clone();
        if full.data().len() <= 2 * SNIPPET_LIMIT {
            return Ok(Box::new(MietteSpanContents::new_named(
                name,
                full.data(),
                *full.span(),
                full.line(),
                full.column(),
                full.line_count(),
            )));
        }
        // Too long: only the span's own line, clipped around the span.
        let at = floor_boundary(text, span.offset());
        let end = floor_boundary(text, at + span.len().min(SNIPPET_LIMIT));
        let lo = floor_boundary(text, at.saturating_sub(SNIPPET_LIMIT / 2));
        let lo = text[lo..at].rfind('\n').map_or(lo, |i| lo + i + 1);
        let hi = floor_boundary(text, end + SNIPPET_LIMIT / 2);
        let hi = text[end..hi].find(['\r', '\n']).map_or(hi, |i| end + i);
        let before_at = &text[..at];
        let line = before_at.bytes().filter(|&b| b == b'\n').count();
        let line_start = before_at.rfind('\n').map_or(0, |i| i + 1);
        let column = before_at[line_start..].chars().count();
        Ok(Box::new(MietteSpanContents::new_named(
            name,
            &text.as_bytes()[lo..hi],
            SourceSpan::new(lo.into(), hi - lo),
            line,
            column,
            1,
        )))
    }
}

/// A topology that could not be read at all.
#[derive(Debug, Error, Diagnostic)]
pub enum LoadError {
    /// The file could not be opened or read.
    #[error("cannot read topology {path}: {source}")]
    #[diagnostic(code(topocert::io))]
    Io {
        /// The path as given.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The input is larger than topocert accepts.
    #[error("topology {path} is {size} bytes; the limit is {limit} bytes")]
    #[diagnostic(
        code(topocert::too_large),
        help(
            "real topology exports are a few megabytes at most; check that this is the right file"
        )
    )]
    TooLarge {
        /// The path as given.
        path: String,
        /// Bytes read (at least).
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The bytes are not valid in the encoding their byte order mark (or content) announces.
    #[error("topology {path} is not valid {encoding}: {detail} at byte {offset}")]
    #[diagnostic(
        code(topocert::encoding),
        help("topology exports are UTF-8 or UTF-16 with a byte order mark; re-export with Get-CsTopology -AsXml")
    )]
    Encoding {
        /// The path as given.
        path: String,
        /// The encoding tried.
        encoding: &'static str,
        /// What is wrong.
        detail: String,
        /// Byte offset in the raw file.
        offset: usize,
    },
    /// The XML is not well formed.
    #[error("malformed XML: {message}")]
    #[diagnostic(
        code(topocert::malformed_xml),
        help("the file must be a complete topology export; was it truncated or edited by hand?")
    )]
    Malformed {
        /// What the XML reader reported.
        message: String,
        /// The source text.
        #[source_code]
        src: Src,
        /// Where.
        #[label("here")]
        at: SourceSpan,
    },
    /// A document type declaration (DTD) or entity declaration was found.
    #[error("document type declarations are not allowed in a topology")]
    #[diagnostic(
        code(topocert::dtd_rejected),
        help("topology exports never contain <!DOCTYPE> or <!ENTITY>; entities are not expanded and external files are never read")
    )]
    DtdRejected {
        /// The source text.
        #[source_code]
        src: Src,
        /// Where.
        #[label("declaration here")]
        at: SourceSpan,
    },
    /// Elements are nested deeper than any topology needs.
    #[error("elements are nested more than {limit} levels deep")]
    #[diagnostic(
        code(topocert::too_deep),
        help("a topology export is about ten levels deep; this file is not one")
    )]
    TooDeep {
        /// The depth limit.
        limit: usize,
        /// The source text.
        #[source_code]
        src: Src,
        /// The element that went over the limit.
        #[label("too deep here")]
        at: SourceSpan,
    },
    /// Well-formed XML, but no topology element in it.
    #[error("{root_desc} is not a Lync/Skype for Business topology")]
    #[diagnostic(
        code(topocert::not_a_topology),
        help("accepted: a published topology (root `Topology` in namespace urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008, from Get-CsTopology -AsXml), a Topology Builder file (root `TopologyBuilder` with NewTopology/PartialTopology, .tbxml), or any XML document that contains one of those elements")
    )]
    NotATopology {
        /// Description of what was found instead.
        root_desc: String,
        /// The source text.
        #[source_code]
        src: Src,
        /// The root element.
        #[label("root element")]
        at: SourceSpan,
    },
}

/// A problem inside an otherwise readable topology. The element is skipped or its reference
/// dropped; everything else is still read.
#[derive(Debug, Clone, Error, Diagnostic)]
pub enum TopologyProblem {
    /// A service's `InstalledOn` names a cluster or SQL instance that does not exist.
    #[error("service {role} is installed on {target}, which is not in the topology")]
    #[diagnostic(code(topocert::dangling_installed_on), severity(Warning))]
    DanglingInstalledOn {
        /// Role name of the service.
        role: String,
        /// The reference as written.
        target: String,
        /// The source text.
        #[source_code]
        src: Src,
        /// The `Service` element.
        #[label("this service")]
        at: SourceSpan,
    },
    /// A dependency names a service that does not exist.
    #[error("service {role} depends on {target}, which is not in the topology")]
    #[diagnostic(code(topocert::dangling_dependency), severity(Warning))]
    DanglingDependency {
        /// Role name of the service.
        role: String,
        /// The reference as written.
        target: String,
        /// The source text.
        #[source_code]
        src: Src,
        /// The `Dependency` element.
        #[label("this dependency")]
        at: SourceSpan,
    },
    /// The same machine FQDN appears twice.
    #[error("machine {fqdn} appears more than once")]
    #[diagnostic(code(topocert::duplicate_machine), severity(Warning))]
    DuplicateMachine {
        /// The FQDN.
        fqdn: String,
        /// The source text.
        #[source_code]
        src: Src,
        /// The second occurrence.
        #[label("again here")]
        at: SourceSpan,
    },
    /// An element lacks an attribute it needs; it was skipped.
    #[error("{element} has no {attribute} attribute; it was skipped")]
    #[diagnostic(code(topocert::missing_attribute), severity(Warning))]
    MissingAttribute {
        /// Element local name.
        element: &'static str,
        /// Attribute name.
        attribute: &'static str,
        /// The source text.
        #[source_code]
        src: Src,
        /// The element.
        #[label("here")]
        at: SourceSpan,
    },
}

/// Other reasons a command cannot run (exit code 2).
#[derive(Debug, Error, Diagnostic)]
pub enum CannotRun {
    /// The certificate folder is missing or unreadable.
    #[error(transparent)]
    #[diagnostic(
        code(topocert::certs_dir),
        help("give the folder that holds the servers' .cer/.pem/.p7b files with --certs DIR")
    )]
    CertsDir(#[from] crate::certs::CertDirError),
    /// The `--inventory` file could not be read.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Inventory(#[from] crate::certs::InventoryError),
    /// A `--ca` file could not be read.
    #[error("cannot read the reference CA {path}: {source}")]
    #[diagnostic(code(topocert::ca_file), help("--ca takes the CA certificate (.cer, .crt, .pem or .p7b) of the internal servers' root or issuing CA"))]
    CaFile {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: crate::certs::CertLoadError,
    },
}
