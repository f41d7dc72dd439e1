//! The topology's errors: fatal load errors ([`LoadError`], exit code 2) and non-fatal
//! problems ([`TopologyProblem`]) that leave the rest of the topology usable.

use crate::source::Src;
use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

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
    #[error("topology {path} is {error}")]
    #[diagnostic(
        code(topocert::encoding),
        help("topology exports are UTF-8 or UTF-16 with a byte order mark; re-export with Get-CsTopology -AsXml")
    )]
    Encoding {
        /// The path as given.
        path: String,
        /// The encoding, what is wrong and where.
        error: topocert_base::decode::DecodeError,
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
