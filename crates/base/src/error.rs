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
    text: Arc<String>,
    lines: LineStarts,
}

impl Src {
    /// A source named `name` (the path as given) over the shared text.
    pub fn new(name: impl Into<String>, text: Arc<String>) -> Self {
        Self::with_lines(name, text, LineStarts::default())
    }

    /// Where `needle` first occurs in the `window` bytes from `from` on, as a span; `None` when
    /// it does not occur there.
    pub fn find_after(&self, from: usize, window: usize, needle: &str) -> Option<SourceSpan> {
        let end = crate::term::floor_char_boundary(&self.text, from.saturating_add(window));
        let from = crate::term::floor_char_boundary(&self.text, from);
        let at = memchr::memmem::find(&self.text.as_bytes()[from..end], needle.as_bytes())?;
        Some(SourceSpan::new((from + at).into(), needle.len()))
    }

    /// [`Self::new`] sharing an index of line starts already made (or to be made) for `text`.
    pub fn with_lines(name: impl Into<String>, text: Arc<String>, lines: LineStarts) -> Self {
        Src {
            name: name.into(),
            text,
            lines,
        }
    }
}

/// The byte offset of every line start of one text (after each `\n`), built once on first use
/// and shared by clones, so that finding a line is a binary search instead of a scan.
#[derive(Debug, Clone, Default)]
pub struct LineStarts(Arc<std::sync::OnceLock<Vec<usize>>>);

impl LineStarts {
    /// The line starts of `text` (which must be the text this index was made for).
    pub fn get(&self, text: &str) -> &[usize] {
        self.0.get_or_init(|| {
            std::iter::once(0)
                .chain(
                    text.bytes()
                        .enumerate()
                        .filter(|&(_, b)| b == b'\n')
                        .map(|(i, _)| i + 1),
                )
                .collect()
        })
    }

    /// Zero-based line of a byte offset.
    pub fn line_of(&self, text: &str, offset: usize) -> usize {
        self.get(text).partition_point(|&s| s <= offset) - 1
    }
}

impl SourceCode for Src {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text: &'a str = &self.text;
        // miette's reader scans from the start of what it is given: give it only the lines
        // around the span, from the start of one line more than the context (so lines,
        // columns and miette's edge cases at offset 0 come out the same), and shift back.
        let starts = self.lines.get(text);
        let first = self
            .lines
            .line_of(text, span.offset())
            .saturating_sub(before + 1);
        let last = self.lines.line_of(text, span.offset() + span.len()) + after + 2;
        let base = starts[first];
        let end = starts.get(last).copied().unwrap_or(text.len()).max(base);
        let window = &text[base..crate::term::floor_char_boundary(text, end)];
        let local = SourceSpan::new((span.offset().saturating_sub(base)).into(), span.len());
        let part = window.read_span(&local, before, after)?;
        let name = self.name.clone();
        if part.data().len() <= 2 * SNIPPET_LIMIT {
            return Ok(Box::new(MietteSpanContents::new_named(
                name,
                part.data(),
                SourceSpan::new((part.span().offset() + base).into(), part.span().len()),
                part.line() + first,
                part.column(),
                first + part.line_count(),
            )));
        }
        // Too long: only the span's own line, clipped around the span.
        let at = crate::term::floor_char_boundary(text, span.offset());
        let end = crate::term::floor_char_boundary(text, at + span.len().min(SNIPPET_LIMIT));
        let lo = crate::term::floor_char_boundary(text, at.saturating_sub(SNIPPET_LIMIT / 2));
        let lo = text[lo..at].rfind('\n').map_or(lo, |i| lo + i + 1);
        let hi = crate::term::floor_char_boundary(text, end + SNIPPET_LIMIT / 2);
        let hi = text[end..hi].find(['\r', '\n']).map_or(hi, |i| end + i);
        let line = self.lines.line_of(text, at);
        let column = text[starts[line]..at].chars().count();
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
    #[error("cannot read topology {path}: {cause}")]
    #[diagnostic(code(topocert::io))]
    Io {
        /// The path as given.
        path: String,
        /// The underlying error.
        cause: std::io::Error,
    },
    /// The path is a folder.
    #[error("topology {path} is a folder, not a file")]
    #[diagnostic(
        code(topocert::topology_is_a_folder),
        help("give the topology file: what `Get-CsTopology -AsXml > topology.xml` writes, or a Topology Builder .tbxml; a folder of certificates goes to --certs DIR")
    )]
    IsAFolder {
        /// The path as given.
        path: String,
    },
    /// A certificate, key, request or PKCS#12 file was given as the topology.
    #[error("topology {path} is {}, not a topology", kind.describe())]
    #[diagnostic(code(topocert::certificate_as_topology))]
    CertificateFile {
        /// The path as given.
        path: String,
        /// What the file holds.
        kind: crate::sniff::CertFileKind,
        /// What to do instead.
        #[help]
        advice: &'static str,
    },
    /// A FIFO, device or socket: only regular files (or `-`) are read.
    #[error("topology {path} is {kind}, not a regular file")]
    #[diagnostic(
        code(topocert::topology_not_a_file),
        help("give the topology file, or `-` and the topology on standard input")
    )]
    NotAFile {
        /// The path as given.
        path: String,
        /// What it is.
        kind: &'static str,
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
    /// An attribute value is not well-formed XML: an undefined entity, a character reference
    /// or character XML 1.0 does not allow, or a `<`.
    #[error("malformed {attribute} attribute: {cause}")]
    #[diagnostic(
        code(topocert::malformed_xml),
        help("attribute values may hold only the five predefined entities (&amp; &lt; &gt; &quot; &apos;) and references to characters XML 1.0 allows; was the file edited by hand?")
    )]
    MalformedAttribute {
        /// The attribute's name as written (clipped).
        attribute: String,
        /// What is wrong with the value.
        cause: String,
        /// The source text.
        #[source_code]
        src: Src,
        /// Where.
        #[label("here")]
        at: SourceSpan,
    },
    /// An element lacks an attribute the reader needs to name it.
    #[error("{element} has no {attribute} attribute")]
    #[diagnostic(
        code(topocert::missing_attribute),
        help("every {element} of a topology export has a {attribute}; without it the server cannot be told apart from another")
    )]
    MissingAttribute {
        /// Element local name.
        element: &'static str,
        /// Attribute name.
        attribute: &'static str,
        /// The source text.
        #[source_code]
        src: Src,
        /// The element.
        #[label("this {element}")]
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

impl LoadError {
    /// [`LoadError::CertificateFile`] for `path`, with the advice that fits `kind`.
    pub fn certificate_file(path: &str, kind: crate::sniff::CertFileKind) -> Self {
        use crate::sniff::CertFileKind;
        let advice = if kind.has_private_key() {
            "topocert never reads private keys: export the certificate alone (Certificates MMC: All Tasks > Export > No, do not export the private key) and give it with --certs DIR or --ca FILE; the topology is what `Get-CsTopology -AsXml > topology.xml` writes, or a Topology Builder .tbxml"
        } else if kind == CertFileKind::Request {
            "a request becomes a certificate once the CA issues it; certificates are given with --certs DIR (the servers') or --ca FILE (the internal servers' CA); the topology is what `Get-CsTopology -AsXml > topology.xml` writes, or a Topology Builder .tbxml"
        } else {
            "certificates are given with --certs DIR (a folder of the servers' certificates) or --ca FILE (the internal servers' CA); the topology is what `Get-CsTopology -AsXml > topology.xml` writes, or a Topology Builder .tbxml"
        };
        LoadError::CertificateFile {
            path: path.to_string(),
            kind,
            advice,
        }
    }
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
    /// A name is an unexpanded template placeholder (`$SkypeFQDN`, `%POOL%`, `{{x}}`): the
    /// file is a deployment template whose variables were never filled in.
    #[error("{element} {name} contains the unexpanded template placeholder {placeholder}")]
    #[diagnostic(
        code(topocert::template_placeholder),
        severity(Warning),
        help("this looks like a deployment template, not a deployed topology: check the topology the servers run (Get-CsTopology -AsXml > topology.xml), or fill in the template first")
    )]
    TemplatePlaceholder {
        /// What the name is (`machine`, `pool`, `site`, `simple URL`, ...).
        element: &'static str,
        /// The name as written.
        name: String,
        /// The placeholder found in it.
        placeholder: String,
        /// The source text.
        #[source_code]
        src: Src,
        /// The element.
        #[label("in this {element}")]
        at: SourceSpan,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Src` gives miette exactly what miette's own reader of the whole text gives (for short
    /// lines), while reading only the lines around the span.
    #[test]
    fn windowed_read_span_matches_miettes_reader() {
        let text = "<a>\r\n  <b x=\"é\"/>\r\n\r\n  <c>ü</c>\n<d/>\r\n</a>\r\n";
        let src = Src::new("t.xml", Arc::new(text.to_string()));
        let whole: &str = text;
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
            for len in [0, 1, 3] {
                if offset + len > text.len() || !text.is_char_boundary(offset + len) {
                    continue;
                }
                for (before, after) in [(0, 0), (1, 1), (2, 3)] {
                    let span = SourceSpan::new(offset.into(), len);
                    let want = whole.read_span(&span, before, after);
                    let got = src.read_span(&span, before, after);
                    let (Ok(want), Ok(got)) = (want, got) else {
                        panic!("read_span failed at {offset}+{len}");
                    };
                    let at = format!("{offset}+{len} ({before},{after})");
                    assert_eq!(got.data(), want.data(), "{at}");
                    assert_eq!(got.span(), want.span(), "{at}");
                    assert_eq!(got.line(), want.line(), "{at}");
                    assert_eq!(got.column(), want.column(), "{at}");
                }
            }
        }
    }

    #[test]
    fn long_lines_are_clipped_around_the_span_with_the_true_location() {
        let mut text = String::from("first\n");
        text.push_str(&"x".repeat(100_000));
        text.push_str("<here>");
        text.push_str(&"y".repeat(100_000));
        let at = 6 + 100_000;
        let src = Src::new("t.xml", Arc::new(text.clone()));
        let got = src
            .read_span(&SourceSpan::new(at.into(), 6), 0, 0)
            .unwrap_or_else(|_| panic!("reads"));
        assert!(
            got.data().len() <= SNIPPET_LIMIT + 6,
            "{}",
            got.data().len()
        );
        assert!(std::str::from_utf8(got.data()).is_ok_and(|s| s.contains("<here>")));
        assert_eq!((got.line(), got.column()), (1, 100_000));
    }
}
