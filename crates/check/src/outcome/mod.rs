//! The outcome of a check, decided once: every checked server's status and action, the
//! overall verdict, which findings the baseline accepts and which fail the run, and the exit
//! code. Every command and every output format takes these from here and never recomputes them.

use crate::check::ca::CaResolution;
use crate::check::CheckResult;
use crate::finding::{Effect, Finding, Remedy, RuleId, Severity};
use crate::gate::{Baseline, FailOn};
use crate::model::{MachineIdx, Topology};
use serde::Serialize;

/// Exit code: the command ran and nothing fails the run.
pub const EXIT_OK: u8 = 0;
/// Exit code: the command ran and a finding (or an undecided server) fails the run.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: the command could not run (bad arguments, unreadable or malformed input).
pub const EXIT_CANNOT_RUN: u8 = 2;

/// Whether one server is ready for the Persistent Chat installation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Every rule that decides readiness ran and none found an error.
    Ready,
    /// An error finding: the installation would fail on this server's certificate.
    NotReady,
    /// No error found, but a rule that decides readiness could not run.
    Unknown,
}

impl Status {
    /// `ready`, `not-ready` or `unknown` (the JSON value).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ready => "ready",
            Status::NotReady => "not-ready",
            Status::Unknown => "unknown",
        }
    }
    /// `ready`, `not ready` or `unknown`, for people.
    pub fn label(self) -> &'static str {
        match self {
            Status::Ready => "ready",
            Status::NotReady => "not ready",
            Status::Unknown => "unknown",
        }
    }
}

/// The overall verdict of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Every checked server is ready.
    Ready,
    /// At least one checked server is not ready.
    NotReady,
    /// No server is not ready, but at least one is unknown.
    Unknown,
    /// The topology has no server to check (no Persistent Chat pool).
    NotApplicable,
}

impl Verdict {
    /// `ready`, `not-ready`, `unknown` or `not-applicable` (the JSON value).
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ready => "ready",
            Verdict::NotReady => "not-ready",
            Verdict::Unknown => "unknown",
            Verdict::NotApplicable => "not-applicable",
        }
    }
    /// `READY`, `NOT READY`, `UNKNOWN` or `NOT APPLICABLE`: the headline word.
    pub fn headline(self) -> &'static str {
        match self {
            Verdict::Ready => "READY",
            Verdict::NotReady => "NOT READY",
            Verdict::Unknown => "UNKNOWN",
            Verdict::NotApplicable => "NOT APPLICABLE",
        }
    }
}

/// Why an existing certificate must be reissued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ReissueReason {
    /// It lacks required DNS names (findings whose remedy is [`Remedy::AddNames`]).
    MissingNames {
        /// The names it lacks, lower-case.
        names: Vec<String>,
    },
    /// A rule found another problem with it (wrong CA, expired, weak key, ...).
    Finding {
        /// The rule id.
        rule: RuleId,
        /// Its severity: an error makes the server not ready, a warning only advises.
        severity: Severity,
        /// The rule's message.
        message: std::sync::Arc<str>,
    },
}

/// What to do about one server's certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", content = "reasons", rename_all = "kebab-case")]
pub enum Action {
    /// Nothing: the certificate found is ready.
    Ready,
    /// A certificate was found, but a new one is needed (or advised, for warnings only); the
    /// reasons in order: missing names first, then the other findings.
    Reissue(Vec<ReissueReason>),
    /// No certificate was found: request one.
    Request,
    /// No problem found, but readiness could not be decided: provide what [`ServerOutcome::undecided`] says.
    Verify,
}

impl Action {
    /// `ready`, `reissue`, `request` or `verify`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Action::Ready => "ready",
            Action::Reissue { .. } => "reissue",
            Action::Request => "request",
            Action::Verify => "verify",
        }
    }
}

/// Why a server's status is unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undecided {
    /// This finding (index into [`CheckResult::findings`]) says a deciding rule could not run.
    Finding(usize),
    /// There is no reference CA, so `foreign-ca` could not run.
    NoReferenceCa,
}

/// The outcome for one checked server.
#[derive(Debug, Clone)]
pub struct ServerOutcome {
    /// The machine.
    pub machine: MachineIdx,
    /// Its status.
    pub status: Status,
    /// What to do.
    pub action: Action,
    /// Why the status is unknown (empty unless it is).
    pub undecided: Vec<Undecided>,
    /// Deciding findings the settings set aside ("foreign-ca ignored by --ignore"): part of
    /// the status everywhere.
    pub waived: Vec<String>,
}

/// What the gate says of one finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingGate {
    /// Stable fingerprint (rule + subject + key; see [`crate::gate::fingerprint`]).
    pub fingerprint: String,
    /// Whether the baseline accepts it.
    pub baselined: bool,
    /// Whether it fails the run.
    pub fails: bool,
}

/// Counts for summaries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Servers checked.
    pub servers: usize,
    /// Servers ready.
    pub ready: usize,
    /// Servers not ready.
    pub not_ready: usize,
    /// Servers whose status is unknown.
    pub unknown: usize,
    /// Error findings.
    pub errors: usize,
    /// Warning findings.
    pub warnings: usize,
    /// Info findings.
    pub infos: usize,
    /// Findings the baseline accepts.
    pub baselined: usize,
    /// Findings that fail the run.
    pub failing: usize,
    /// Of those, the ones that fail it only because they leave a server undecided (below
    /// `--fail-on` themselves).
    pub failing_undecided: usize,
}

/// The outcome of a check.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// One per checked server, in the order of [`CheckResult::servers`].
    pub servers: Vec<ServerOutcome>,
    /// One per finding, in the order of [`CheckResult::findings`].
    pub findings: Vec<FindingGate>,
    /// The overall verdict.
    pub verdict: Verdict,
    /// Counts.
    pub counts: Counts,
    /// What fails the run.
    pub fail_on: FailOn,
    /// Whether a baseline was given.
    pub has_baseline: bool,
    /// Whether an undecided server fails the run without a finding to baseline (no reference CA).
    pub undecided_fails: bool,
    /// The exit code of the run (0 or 1; 2 never comes from an outcome).
    pub exit_code: u8,
    /// The reference CA the statuses rest on when it was inferred, not given with `--ca`
    /// (its DN): "ready" then means "ready, if this CA is the internal servers' CA".
    pub inferred_ca: Option<String>,
}

/// The status, action and unknown causes of one server from its findings.
fn server_outcome(
    result: &CheckResult,
    i: usize,
    general_undecided: &[usize],
    waived: Vec<String>,
) -> ServerOutcome {
    let s = &result.servers[i];
    // The findings about the server are together (`CheckResult::findings_range`).
    let mine: Vec<(usize, &Finding)> = result
        .findings_range(s.machine)
        .map(|k| (k, &result.findings[k]))
        .collect();
    let blocks = mine.iter().any(|(_, f)| f.effect == Effect::Blocks);
    let mut undecided: Vec<Undecided> = mine
        .iter()
        .filter(|(_, f)| f.effect == Effect::Undecided)
        .map(|(k, _)| Undecided::Finding(*k))
        .collect();
    if s.assignment().is_some() && !matches!(result.reference_ca, CaResolution::Known(_)) {
        if general_undecided.is_empty() {
            undecided.push(Undecided::NoReferenceCa);
        } else {
            undecided.extend(general_undecided.iter().map(|&k| Undecided::Finding(k)));
        }
    }
    let status = if blocks {
        Status::NotReady
    } else if !undecided.is_empty() {
        Status::Unknown
    } else {
        Status::Ready
    };
    if blocks {
        undecided.clear();
    }
    // No certificate at all, or none for a usage the server needs: request one.
    let request = s.assignment().is_none() || mine.iter().any(|(_, f)| f.remedy == Remedy::Request);
    let action = if request {
        Action::Request
    } else {
        let mut names: Vec<String> = Vec::new();
        let mut others = Vec::new();
        for (_, f) in &mine {
            if f.severity < Severity::Warning || f.effect == Effect::Undecided {
                continue;
            }
            match &f.remedy {
                Remedy::None | Remedy::Request => {}
                Remedy::AddNames(missing) => names.extend(missing.iter().cloned()),
                Remedy::Reissue => others.push(ReissueReason::Finding {
                    rule: f.rule,
                    severity: f.severity,
                    message: f.message.clone(),
                }),
            }
        }
        let mut reasons = Vec::new();
        let mut seen = std::collections::HashSet::new();
        names.retain(|n| seen.insert(n.clone()));
        if !names.is_empty() {
            reasons.push(ReissueReason::MissingNames { names });
        }
        reasons.extend(others);
        if !reasons.is_empty() {
            Action::Reissue(reasons)
        } else if status == Status::Unknown {
            Action::Verify
        } else {
            Action::Ready
        }
    };
    ServerOutcome {
        machine: s.machine,
        status,
        action,
        undecided,
        waived,
    }
}

/// Decides the outcome of a check: statuses, actions, verdict, baseline, what fails the run.
pub fn decide(
    topo: &Topology,
    store: &crate::certs::CertStore,
    result: &CheckResult,
    fail_on: FailOn,
    baseline: Option<&Baseline>,
) -> Outcome {
    debug_assert!(result.findings_in_order());
    let general_undecided: Vec<usize> = result
        .findings
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            f.machine().and_then(|m| result.server_index(m)).is_none()
                && f.effect == Effect::Undecided
        })
        .map(|(k, _)| k)
        .collect();
    // What the settings set aside, per server (only those with any), in order.
    let mut waived_of: std::collections::BTreeMap<usize, Vec<String>> = Default::default();
    for w in &result.waived {
        if let Some(i) = result.server_index(w.machine) {
            waived_of.entry(i).or_default().push(w.what.clone());
        }
    }
    let servers: Vec<ServerOutcome> = (0..result.servers.len())
        .map(|i| {
            let waived = waived_of.remove(&i).unwrap_or_default();
            server_outcome(result, i, &general_undecided, waived)
        })
        .collect();
    // Findings that leave a server undecided fail the run like errors do (unless
    // baselined), so an undecided run never passes silently.
    let mut causes_unknown = vec![false; result.findings.len()];
    for s in &servers {
        for u in &s.undecided {
            if let Undecided::Finding(k) = u {
                causes_unknown[*k] = true;
            }
        }
    }
    let gates: Vec<FindingGate> = result
        .findings
        .iter()
        .enumerate()
        .map(|(k, f)| {
            let fingerprint = crate::gate::fingerprint(topo, store, result, f);
            let baselined = baseline.is_some_and(|b| b.contains(&fingerprint));
            let fails = !baselined
                && (fail_on.fails(f.severity) || (fail_on != FailOn::Never && causes_unknown[k]));
            FindingGate {
                fingerprint,
                baselined,
                fails,
            }
        })
        .collect();
    let undecided_fails = fail_on != FailOn::Never
        && servers
            .iter()
            .any(|s| s.undecided.contains(&Undecided::NoReferenceCa));
    let count_status = |st| servers.iter().filter(|s| s.status == st).count();
    let counts = Counts {
        servers: servers.len(),
        ready: count_status(Status::Ready),
        not_ready: count_status(Status::NotReady),
        unknown: count_status(Status::Unknown),
        errors: result.count(Severity::Error),
        warnings: result.count(Severity::Warning),
        infos: result.count(Severity::Info),
        baselined: gates.iter().filter(|g| g.baselined).count(),
        failing: gates.iter().filter(|g| g.fails).count(),
        failing_undecided: gates
            .iter()
            .zip(&result.findings)
            .filter(|(g, f)| g.fails && !fail_on.fails(f.severity))
            .count(),
    };
    let verdict = if servers.is_empty() {
        Verdict::NotApplicable
    } else if counts.not_ready > 0 {
        Verdict::NotReady
    } else if counts.unknown > 0 {
        Verdict::Unknown
    } else {
        Verdict::Ready
    };
    let exit_code = if counts.failing > 0 || undecided_fails {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    };
    let inferred_ca = match result.reference_ca.cas() {
        [ca] if ca.source == crate::check::CaSource::Inferred => Some(ca.subject.clone()),
        _ => None,
    };
    Outcome {
        servers,
        findings: gates,
        verdict,
        counts,
        fail_on,
        has_baseline: baseline.is_some(),
        undecided_fails,
        exit_code,
        inferred_ca,
    }
}

impl Outcome {
    /// The outcome of the checked server on machine `m`.
    pub fn server(&self, m: MachineIdx) -> Option<&ServerOutcome> {
        // In the order of the check's servers, which is machine order.
        self.servers
            .binary_search_by_key(&m, |s| s.machine)
            .ok()
            .map(|i| &self.servers[i])
    }
    /// Whether the run fails (exit code 1).
    pub fn fails(&self) -> bool {
        self.exit_code == EXIT_FINDINGS
    }
    /// Whether finding `k` is in the baseline.
    pub fn is_baselined(&self, k: usize) -> bool {
        self.findings.get(k).is_some_and(|g| g.baselined)
    }
    /// Whether finding `k` fails the run.
    pub fn finding_fails(&self, k: usize) -> bool {
        self.findings.get(k).is_some_and(|g| g.fails)
    }
}

mod text;
pub use text::describe_undecided;

#[cfg(test)]
mod tests;
