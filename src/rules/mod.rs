//! The rules. One file per rule, each with a stable kebab-case id; [`RULES`] is the registry.
//! Adding a rule: write `src/rules/<id>.rs` with a unit struct implementing [`Rule`], and add
//! one line to the `registry!` list below.

use crate::check::CheckContext;
use crate::model::{MachineIdx, Span};
use serde::Serialize;
use std::path::PathBuf;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Should be fixed; does not fail the check by default.
    Warning,
    /// Blocks the Persistent Chat installation.
    Error,
}

impl Severity {
    /// `info`, `warning` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One finding of one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule id.
    pub rule: &'static str,
    /// Its severity.
    pub severity: Severity,
    /// The server it is about, if any.
    pub machine: Option<MachineIdx>,
    /// The certificate file it is about, if any.
    pub file: Option<PathBuf>,
    /// What is wrong, in a sentence.
    pub message: String,
    /// Where in the topology (the machine's or pool's element), if anywhere.
    pub span: Option<Span>,
    /// The fetched endpoint it is about (server, port, usage, cause), if any.
    pub endpoint: Option<Box<crate::fetch::EndpointRecord>>,
}

/// What a rule needs from a server's certificate, which decides whether it can run on a
/// certificate that comes from an inventory row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// The facts every source has (names, issuer name, validity): runs on inventory rows.
    Facts,
    /// The certificate file (key, signature, extensions): does not run on inventory rows.
    CertificateFile,
    /// Runs on inventory rows, but checks less; the text says what is left out.
    Partly(&'static str),
}

/// A check over the topology and the certificates.
pub trait Rule: Sync {
    /// Stable kebab-case id.
    fn id(&self) -> &'static str;
    /// Severity of its findings.
    fn severity(&self) -> Severity;
    /// One line: what it checks.
    fn summary(&self) -> &'static str;
    /// Why it matters for the Persistent Chat installation.
    fn why(&self) -> &'static str;
    /// How to fix a finding.
    fn fix(&self) -> &'static str;
    /// What it needs from a server's certificate (default: the facts every source has).
    fn needs(&self) -> Needs {
        Needs::Facts
    }
    /// Appends its findings.
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>);

    /// A finding of this rule about no particular server (the folder or the topology).
    fn general(&self, file: Option<PathBuf>, message: String, span: Option<Span>) -> Finding {
        Finding {
            rule: self.id(),
            severity: self.severity(),
            machine: None,
            file,
            message,
            span,
            endpoint: None,
        }
    }

    /// A finding of this rule about a checked server and, optionally, its certificate file.
    fn at_server(
        &self,
        ctx: &CheckContext<'_>,
        s: &crate::check::CheckedServer,
        message: String,
    ) -> Finding {
        Finding {
            rule: self.id(),
            severity: self.severity(),
            machine: Some(s.machine),
            file: ctx.cert_of(s).map(|f| f.path.clone()),
            message,
            span: Some(ctx.topology.machines[s.machine.0].span),
            endpoint: None,
        }
    }
}

/// Runs `f` on every checked server that has a certificate, with its leaf certificate.
pub fn for_each_certificate<'c>(
    ctx: &'c CheckContext<'_>,
    mut f: impl FnMut(&'c crate::check::CheckedServer, &'c crate::certs::CertFile),
) {
    for s in ctx.servers {
        if let Some(file) = ctx.cert_of(s) {
            f(s, file);
        }
    }
}

/// Runs `f` on every checked server whose certificate came from a file, with the parsed
/// certificate; servers whose certificate is an inventory row are skipped (the `not-checked`
/// rule reports them for every rule that [`Needs::CertificateFile`]).
pub fn for_each_certificate_file<'c>(
    ctx: &'c CheckContext<'_>,
    mut f: impl FnMut(&'c crate::check::CheckedServer, &'c crate::certs::Certificate),
) {
    for_each_certificate(ctx, |s, file| {
        if let Some(cert) = file.leaf.x509() {
            f(s, cert);
        }
    });
}

/// The rules that cannot run on an inventory row (they need the certificate file), and those
/// that run only in part, with what they leave out; both empty for a certificate file.
pub fn limited_by(
    leaf: &crate::certs::Leaf,
) -> (Vec<&'static str>, Vec<(&'static str, &'static str)>) {
    let mut not_checked = Vec::new();
    let mut partly = Vec::new();
    if leaf.inventory().is_some() {
        for rule in RULES {
            match rule.needs() {
                Needs::Facts => {}
                Needs::CertificateFile => not_checked.push(rule.id()),
                Needs::Partly(what) => partly.push((rule.id(), what)),
            }
        }
    }
    (not_checked, partly)
}

macro_rules! registry {
    ($($module:ident :: $rule:ident),* $(,)?) => {
        $(mod $module;)*
        /// Every rule, in reporting order.
        pub static RULES: &[&dyn Rule] = &[$(&$module::$rule),*];
    };
}

registry! {
    missing_certificate::MissingCertificate,
    foreign_ca::ForeignCa,
    name_mismatch::NameMismatch,
    expired::Expired,
    not_yet_valid::NotYetValid,
    expiring_soon::ExpiringSoon,
    no_server_auth_eku::NoServerAuthEku,
    weak_key::WeakKey,
    weak_signature::WeakSignature,
    ca_certificate_as_server::CaCertificateAsServer,
    unreadable_certificate::UnreadableCertificate,
    ambiguous_internal_ca::AmbiguousInternalCa,
    pchat_pool_unassociated::PchatPoolUnassociated,
    no_persistent_chat_pool::NoPersistentChatPool,
    not_checked::NotChecked,
    unreachable_endpoint::UnreachableEndpoint,
}

/// Looks a rule up by id.
pub fn by_id(id: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.id() == id)
}
