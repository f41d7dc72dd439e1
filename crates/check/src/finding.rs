//! Findings: what a rule found, about which subject, and how bad it is. A leaf module: the
//! rules make findings, the check and the outcome read them, renderers format them.

use crate::model::{MachineIdx, PoolIdx, Span};
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

/// A rule's stable kebab-case id. Each rule module defines its own as `ID`; code that means a
/// rule names that constant (`rules::foreign_ca::ID`), never a bare string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct RuleId(&'static str);

impl RuleId {
    /// A rule id; only rule modules make them.
    pub const fn new(id: &'static str) -> Self {
        RuleId(id)
    }
    /// The id as written, e.g. `foreign-ca`.
    pub fn as_str(self) -> &'static str {
        self.0
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// What a finding is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A checked server.
    Server(MachineIdx),
    /// A pool.
    Pool(PoolIdx),
    /// A certificate file (or inventory row) that belongs to no checked server.
    CertificateFile(PathBuf),
    /// The topology or the run as a whole.
    Topology,
}

/// What a finding means for its server's readiness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Effect {
    /// The server is not ready (every error finding).
    Blocks,
    /// A rule that decides readiness could not run: the server's status is unknown.
    Undecided,
    /// Advice: does not change the status (warnings and notes).
    Advises,
}

/// What would fix a finding, which decides its server's action (the outcome reads only this,
/// never the rule or the key). A rule's `META` gives the default; a rule that knows the missing
/// names attaches them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remedy {
    /// No certificate would fix it (an endpoint that could not be read, a rule that could not
    /// run on an inventory row, a topology problem): no action of its own.
    None,
    /// No certificate for a usage the server needs: request one.
    Request,
    /// Reissue the certificate; the finding is the reason.
    Reissue,
    /// Reissue the certificate with these names added (lower-case, in the finding's order).
    AddNames(Vec<String>),
}

impl Remedy {
    /// [`Remedy::AddNames`] of these names, lower-case; empty names are left out.
    pub fn add_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        Remedy::AddNames(
            names
                .into_iter()
                .filter(|n| !n.is_empty())
                .map(str::to_ascii_lowercase)
                .collect(),
        )
    }
}

/// One finding of one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule.
    pub rule: RuleId,
    /// Its severity.
    pub severity: Severity,
    /// What it is about.
    pub subject: Subject,
    /// A stable key that tells this finding apart from others of the same rule and subject
    /// (e.g. the missing names); empty when there is one finding per rule and subject. Baseline
    /// fingerprints use rule + subject + key, never the message.
    pub key: String,
    /// A file it is about that is not a certificate of the store (an unreadable file, a `--ca`
    /// file), if any; a certificate of the store is named by `certificate` instead.
    pub file: Option<PathBuf>,
    /// The certificate it is about (index into the store's files), if any: its thumbprint is
    /// part of the baseline fingerprint, and its origin names it in outputs.
    pub certificate: Option<usize>,
    /// What is wrong, in a sentence (shared with the server's reissue reasons).
    pub message: std::sync::Arc<str>,
    /// Where in the topology (the machine's or pool's element), if anywhere.
    pub span: Option<Span>,
    /// What it means for the server's status.
    pub effect: Effect,
    /// What would fix it, for the server's action (not part of any output or fingerprint).
    pub remedy: Remedy,
}

impl Finding {
    /// The server it is about, if any.
    pub fn machine(&self) -> Option<MachineIdx> {
        match self.subject {
            Subject::Server(m) => Some(m),
            _ => None,
        }
    }
    /// The same finding with another key.
    pub(crate) fn with_key(mut self, key: impl Into<String>) -> Self {
        self.key = key.into();
        self
    }
    /// The same finding with another remedy.
    pub(crate) fn with_remedy(mut self, remedy: Remedy) -> Self {
        self.remedy = remedy;
        self
    }
    /// The same finding marked as one that leaves its server's status undecided.
    pub fn undecided(mut self) -> Self {
        self.effect = Effect::Undecided;
        self
    }
}

/// The effect a finding of this severity has unless its rule says otherwise.
pub fn default_effect(sev: Severity) -> Effect {
    if sev == Severity::Error {
        Effect::Blocks
    } else {
        Effect::Advises
    }
}
