//! The rules. One file per rule, each with a stable kebab-case id; [`RULES`] is the registry.
//! Adding a rule: write `src/rules/<id>.rs` with its `ID`, its facts as `META` ([`RuleMeta`]) and
//! a unit struct implementing [`Rule`], and add one line to the `registry!` list below; the
//! tests then say which goldens and doc lines to update.

use crate::certs::CertStore;
use crate::check::{ca, CheckOptions, CheckedServer};
pub use crate::citation::Citation;
pub use crate::finding::{Effect, Finding, Remedy, RuleId, Severity, Subject};
use crate::graph::ServerGraph;
use crate::model::{Span, Topology};
use std::path::PathBuf;

/// Everything a rule may look at.
#[derive(Debug)]
pub struct CheckContext<'a> {
    /// The topology.
    pub topology: &'a Topology,
    /// Its graph.
    pub graph: &'a ServerGraph,
    /// The loaded certificates.
    pub store: &'a CertStore,
    /// The servers checked, in topology order.
    pub servers: &'a [CheckedServer],
    /// The reference CA, when one was given or could be inferred.
    pub reference_ca: &'a ca::CaResolution,
    /// The options.
    pub options: &'a CheckOptions,
    /// Chains already walked to the reference CA, by certificate file (several rules need the
    /// same chain, and each walk verifies signatures).
    pub(crate) chains: ChainCache<'a>,
    /// The store's CA certificates, indexed once for the chain walks.
    pub(crate) ca_index: &'a crate::check::chain::CaIndex<'a>,
    /// The fetched endpoints by server name (ASCII case-insensitive), in fetch order; built
    /// the first time it is asked for ([`CheckContext::endpoints_of`]).
    pub(crate) endpoints: EndpointIndex<'a>,
}

/// The store's fetched endpoints by server name, built once per check.
#[derive(Debug, Default)]
pub(crate) struct EndpointIndex<'a>(
    std::cell::OnceCell<
        std::collections::HashMap<
            crate::model::NoCase<'a>,
            Vec<&'a crate::certs::endpoint::EndpointRecord>,
        >,
    >,
);

/// The chains of a check's certificates to the reference CA, walked once each before the
/// rules run (in parallel: `checked::walk_chains`), by certificate file.
#[derive(Debug, Default)]
pub(crate) struct ChainCache<'a>(
    pub(crate)  std::collections::HashMap<
        *const crate::certs::CertFile,
        Option<crate::check::chain::Walk<'a>>,
    >,
);

impl<'a> CheckContext<'a> {
    /// The chain from `file`'s server certificate to a reference CA ([`ca::chain_to_reference`]),
    /// walked before the rules ran (or now, for a file no checked server uses).
    pub(crate) fn chain(
        &self,
        file: &'a crate::certs::CertFile,
    ) -> Option<crate::check::chain::Walk<'a>> {
        match self.chains.0.get(&(file as *const crate::certs::CertFile)) {
            Some(w) => w.clone(),
            None => ca::chain_to_reference(self.reference_ca, file, self.ca_index),
        }
    }
    /// Whether `file`'s certificate is from the reference CA (`ca::verdict_with`), with the
    /// chain walked once.
    pub fn verdict(&self, file: &'a crate::certs::CertFile) -> ca::CaVerdict {
        ca::verdict_with(self.reference_ca, file, self.ca_index, |_, f| self.chain(f))
    }
    /// The certificate file assigned to a checked server.
    pub(crate) fn cert_of(&self, s: &CheckedServer) -> Option<&'a crate::certs::CertFile> {
        let store: &'a CertStore = self.store;
        s.assignment().map(|a| &store.files[a.file])
    }
    /// The fetched endpoints of a server, in fetch order.
    pub(crate) fn endpoints_of(
        &self,
        s: &CheckedServer,
    ) -> &[&'a crate::certs::endpoint::EndpointRecord] {
        let store: &'a CertStore = self.store;
        let index = self.endpoints.0.get_or_init(|| {
            let mut map: std::collections::HashMap<_, Vec<_>> = std::collections::HashMap::new();
            for e in &store.endpoints {
                map.entry(crate::model::NoCase(e.server.as_str()))
                    .or_default()
                    .push(e);
            }
            map
        });
        let topology: &'a Topology = self.topology;
        index
            .get(&crate::model::NoCase(
                topology.machines[s.machine.0].fqdn.as_str(),
            ))
            .map_or(&[], Vec::as_slice)
    }
    /// FQDN of a checked server.
    pub fn fqdn(&self, s: &CheckedServer) -> &str {
        self.topology.machines[s.machine.0].fqdn.as_str()
    }
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

/// A rule's facts, declared once in its file as `pub static META: RuleMeta` (a static, not a
/// const: `remedy` may hold a `Vec`); `explain`, the README rule table, SARIF and every other
/// list of rules read them from here.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable kebab-case id (the rule module's `ID`).
    pub id: RuleId,
    /// Severity of its findings.
    pub severity: Severity,
    /// One line: what it checks.
    pub summary: &'static str,
    /// Why it matters for the Persistent Chat installation.
    pub why: &'static str,
    /// How to fix a finding.
    pub fix: &'static str,
    /// Where the requirement comes from ([`Citation`]): a Microsoft page and what it states, an
    /// RFC, a wizard default, a best practice, or what topocert needs to decide.
    pub source: Citation,
    /// What it needs from a server's certificate.
    pub needs: Needs,
    /// What would fix its findings ([`Remedy`]), which decides a server's action; a rule may
    /// give a finding another (the name rules attach the missing names).
    pub remedy: Remedy,
}

/// A check over the topology and the certificates.
pub trait Rule: Sync {
    /// Its facts (the rule module's `META`).
    fn meta(&self) -> &'static RuleMeta;
    /// Appends its findings.
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>);

    /// A finding of this rule about a subject other than a checked server.
    fn about(
        &self,
        subject: Subject,
        file: Option<PathBuf>,
        message: String,
        span: Option<Span>,
    ) -> Finding {
        Finding {
            rule: self.meta().id,
            severity: self.meta().severity,
            subject,
            key: String::new(),
            file,
            certificate: None,
            message: message.into(),
            span,
            effect: crate::finding::default_effect(self.meta().severity),
            remedy: self.meta().remedy.clone(),
        }
    }

    /// A finding of this rule about a checked server and, optionally, its certificate file.
    fn at_server(&self, ctx: &CheckContext<'_>, s: &CheckedServer, message: String) -> Finding {
        Finding {
            certificate: s.assignment().map(|a| a.file),
            ..self.about(
                Subject::Server(s.machine),
                None,
                message,
                Some(ctx.topology.machines[s.machine.0].span),
            )
        }
    }
}

/// Its facts one by one, read from [`Rule::meta`].
impl dyn Rule + '_ {
    /// Stable kebab-case id.
    pub fn id(&self) -> RuleId {
        self.meta().id
    }
    /// Severity of its findings.
    pub fn severity(&self) -> Severity {
        self.meta().severity
    }
    /// One line: what it checks.
    pub fn summary(&self) -> &'static str {
        self.meta().summary
    }
    /// Why it matters.
    pub fn why(&self) -> &'static str {
        self.meta().why
    }
    /// How to fix a finding.
    pub fn fix(&self) -> &'static str {
        self.meta().fix
    }
    /// Where the requirement comes from.
    pub fn source(&self) -> Citation {
        self.meta().source
    }
    /// What it needs from a server's certificate.
    pub fn needs(&self) -> Needs {
        self.meta().needs
    }
}

/// Runs `f` on every certificate of every checked server, with the server seen through that
/// certificate ([`CheckedServer::through`]: its `assignment` is the one checked) and the file.
pub(crate) fn for_each_certificate<'a>(
    ctx: &CheckContext<'a>,
    mut f: impl FnMut(&CheckedServer, &'a crate::certs::CertFile),
) {
    let store: &'a CertStore = ctx.store;
    for s in ctx.servers {
        for a in &s.certificates {
            f(&s.through(a), &store.files[a.file]);
        }
    }
}

/// Runs `f` on every checked server whose certificate came from a file, with the parsed
/// certificate; servers whose certificate is an inventory row are skipped (the `not-checked`
/// rule reports them for every rule that [`Needs::CertificateFile`]).
pub(crate) fn for_each_certificate_file<'a>(
    ctx: &CheckContext<'a>,
    mut f: impl FnMut(&CheckedServer, &'a crate::certs::Certificate),
) {
    for_each_certificate(ctx, |s, file| {
        if let Some(cert) = file.leaf.x509() {
            f(s, cert);
        }
    });
}

/// The rules that cannot run on an inventory row (they need the certificate file), and those
/// that run only in part, with what they leave out; both empty for a certificate file.
pub fn limited_by(leaf: &crate::certs::Leaf) -> (Vec<RuleId>, Vec<(RuleId, &'static str)>) {
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
        $(pub mod $module;)*
        /// Every rule, in reporting order.
        pub static RULES: &[&dyn Rule] = &[$(&$module::$rule),*];
    };
}

registry! {
    missing_certificate::MissingCertificate,
    foreign_ca::ForeignCa,
    missing_intermediate::MissingIntermediate,
    name_mismatch::NameMismatch,
    missing_required_name::MissingRequiredName,
    missing_recommended_name::MissingRecommendedName,
    wildcard_for_server_name::WildcardForServerName,
    expired::Expired,
    not_yet_valid::NotYetValid,
    expiring_soon::ExpiringSoon,
    no_server_auth_eku::NoServerAuthEku,
    no_crl_distribution_point::NoCrlDistributionPoint,
    key_usage::KeyUsageRule,
    weak_key::WeakKey,
    unsupported_key_algorithm::UnsupportedKeyAlgorithm,
    unknown_critical_extension::UnknownCriticalExtension,
    weak_signature::WeakSignature,
    sha1_signature::Sha1Signature,
    unsupported_signature_algorithm::UnsupportedSignatureAlgorithm,
    ca_certificate_as_server::CaCertificateAsServer,
    unreadable_certificate::UnreadableCertificate,
    ambiguous_internal_ca::AmbiguousInternalCa,
    reference_ca_not_valid::ReferenceCaNotValid,
    several_issuing_cas::SeveralIssuingCas,
    pchat_pool_unassociated::PchatPoolUnassociated,
    no_persistent_chat_pool::NoPersistentChatPool,
    not_checked::NotChecked,
    unreachable_endpoint::UnreachableEndpoint,
}

/// Looks a rule up by id as written (e.g. on the command line).
pub fn by_id(id: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.id().as_str() == id)
}

/// The rule with a typed id (every id a rule module defines is registered).
pub fn get(id: RuleId) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.id() == id)
}

/// Runs every rule and returns the findings grouped by server in topology order, then the
/// findings about other subjects; stable within a group.
pub fn run(ctx: &CheckContext<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in RULES {
        rule.check(ctx, &mut findings);
    }
    findings.sort_by_key(|f| f.machine().map_or(usize::MAX, |m| m.0));
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_its_own_kebab_case_id_and_its_facts() {
        let mut seen = std::collections::HashSet::new();
        for r in RULES {
            let id = r.id().as_str();
            assert!(seen.insert(id), "two rules have the id {id}");
            assert!(
                !id.is_empty()
                    && id
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{id} is not kebab-case"
            );
            assert!(
                !r.summary().is_empty() && !r.why().is_empty() && !r.fix().is_empty(),
                "{id} lacks a summary, why or fix"
            );
            assert!(by_id(id).is_some_and(|found| std::ptr::eq(found.meta(), r.meta())));
        }
    }
}
