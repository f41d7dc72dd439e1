//! The outcome of a check, decided once: every checked server's status and action, the
//! overall verdict, which findings the baseline accepts and which fail the run, and the exit
//! code. Every command and every output format takes these from here and never recomputes them.

use crate::check::ca::CaResolution;
use crate::check::CheckResult;
use crate::finding::{Effect, Finding, Remedy, RuleId, Severity};
use crate::gate::{Baseline, FailOn};
use crate::model::{MachineIdx, Topology};
use crate::rules;
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
        message: String,
    },
}

impl ReissueReason {
    /// One phrase for people.
    pub fn describe(&self) -> String {
        match self {
            ReissueReason::MissingNames { names } => format!("missing SAN {}", names.join(", ")),
            ReissueReason::Finding { rule, message, .. } => format!("{rule}: {message}"),
        }
    }
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
    /// "ready", "reissue (missing SAN x, y; expired: ...)", "request (no certificate found)".
    pub fn describe(&self) -> String {
        match self {
            Action::Ready => "ready".into(),
            Action::Reissue(reasons) => format!(
                "reissue ({})",
                reasons
                    .iter()
                    .map(ReissueReason::describe)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            Action::Request => "request (no certificate found)".into(),
            Action::Verify => "verify (readiness could not be decided)".into(),
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
    findings_of: &[Vec<usize>],
    general_undecided: &[usize],
    waived: Vec<String>,
) -> ServerOutcome {
    let s = &result.servers[i];
    let mine: Vec<(usize, &Finding)> = findings_of[i]
        .iter()
        .map(|&k| (k, &result.findings[k]))
        .collect();
    let blocks = mine.iter().any(|(_, f)| f.effect == Effect::Blocks);
    let mut undecided: Vec<Undecided> = mine
        .iter()
        .filter(|(_, f)| f.effect == Effect::Undecided)
        .map(|(k, _)| Undecided::Finding(*k))
        .collect();
    if s.assignment.is_some() && !matches!(result.reference_ca, CaResolution::Known(_)) {
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
    let request = s.assignment.is_none() || mine.iter().any(|(_, f)| f.remedy == Remedy::Request);
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
    let mut findings_of: Vec<Vec<usize>> = vec![Vec::new(); result.servers.len()];
    let mut general_undecided = Vec::new();
    for (k, f) in result.findings.iter().enumerate() {
        match f.machine().and_then(|m| result.server_index(m)) {
            Some(i) => findings_of[i].push(k),
            None if f.effect == Effect::Undecided => general_undecided.push(k),
            None => {}
        }
    }
    // What the settings set aside, per server, in order.
    let mut waived_of: Vec<Vec<String>> = vec![Vec::new(); result.servers.len()];
    for w in &result.waived {
        if let Some(i) = result.server_index(w.machine) {
            waived_of[i].push(w.what.clone());
        }
    }
    let servers: Vec<ServerOutcome> = (0..result.servers.len())
        .map(|i| {
            let waived = std::mem::take(&mut waived_of[i]);
            server_outcome(result, i, &findings_of, &general_undecided, waived)
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
    /// [`Self::gate_sentence`] as a sentence of its own: capitalised, with a full stop.
    pub fn gate_line(&self) -> String {
        let s = self.gate_sentence();
        let mut c = s.chars();
        match c.next() {
            Some(first) => format!("{}{}.", first.to_uppercase(), c.as_str()),
            None => s,
        }
    }
    /// What a server's status rests on besides its findings, for its status everywhere:
    /// "foreign-ca ignored by --ignore", "if CA X is the internal servers' CA"; empty when
    /// nothing.
    pub fn status_note(&self, s: &ServerOutcome) -> String {
        let mut parts = s.waived.clone();
        if let (Some(ca), Status::Ready) = (&self.inferred_ca, s.status) {
            // The DN comes from a certificate: its control characters are shown, never sent.
            let ca = crate::escape::terminal(ca);
            parts.push(format!("if CA {ca} is the internal servers' CA"));
        }
        parts.join("; ")
    }
    /// A server's status for people with [`Self::status_note`]: "ready (if CA X is the
    /// internal servers' CA)", "ready (foreign-ca ignored by topocert.toml)".
    pub fn status_text(&self, s: &ServerOutcome) -> String {
        let note = self.status_note(s);
        if note.is_empty() {
            s.status.label().to_string()
        } else {
            format!("{} ({note})", s.status.label())
        }
    }
    /// What is ready, counted: "4 of 5 servers ready, 1 not ready" (the other counts only when
    /// they are not zero).
    pub fn summary(&self) -> String {
        let c = &self.counts;
        let mut s = format!(
            "{} of {} {} ready",
            c.ready,
            c.servers,
            if c.servers == 1 { "server" } else { "servers" }
        );
        if c.not_ready > 0 {
            s.push_str(&format!(", {} not ready", c.not_ready));
        }
        if c.unknown > 0 {
            s.push_str(&format!(", {} unknown", c.unknown));
        }
        s
    }
    /// Why the run passes or fails, in one sentence (same in every format); when the reference
    /// CA was inferred, the sentence says so and what "ready" then means.
    pub fn gate_sentence(&self) -> String {
        let mut s = self.gate_only();
        if let Some(ca) = &self.inferred_ca {
            let ca = crate::escape::terminal(ca);
            s.push_str(&format!(
                "; the reference CA {ca} was inferred, not given with --ca: \"ready\" means ready if it is the internal servers' CA"
            ));
        }
        s
    }
    fn gate_only(&self) -> String {
        let n = |k: usize, one: &str, many: &str| {
            if k == 1 {
                format!("1 {one}")
            } else {
                format!("{k} {many}")
            }
        };
        let (finding, findings) = if self.has_baseline {
            ("new finding", "new findings")
        } else {
            ("finding", "findings")
        };
        if self.fails() {
            let at_level = self.counts.failing - self.counts.failing_undecided;
            let mut parts = Vec::new();
            if at_level > 0 {
                parts.push(format!(
                    "{} at or above --fail-on {}",
                    n(at_level, finding, findings),
                    self.fail_on.as_str()
                ));
            }
            if self.counts.failing_undecided > 0 || self.undecided_fails {
                parts.push(format!(
                    "{} that could not be decided",
                    n(self.counts.unknown, "server", "servers")
                ));
            }
            let mut s = format!("the run fails: {}", parts.join(" and "));
            if matches!(self.verdict, Verdict::Ready) {
                s = format!(
                    "the run fails because of {} at or above --fail-on {}, although every server is ready",
                    n(at_level, finding, findings),
                    self.fail_on.as_str()
                );
            }
            if self.counts.baselined > 0 {
                s.push_str(&format!(
                    " ({} in the baseline)",
                    n(self.counts.baselined, "finding is", "findings are")
                ));
            }
            s
        } else if self.counts.baselined > 0 {
            format!(
                "the run passes because {} in the baseline",
                n(self.counts.baselined, "finding is", "findings are")
            )
        } else if self.fail_on == FailOn::Never {
            "the run passes: --fail-on never".to_string()
        } else {
            format!(
                "the run passes: no finding at or above --fail-on {}",
                self.fail_on.as_str()
            )
        }
    }
}

/// Why a server's status is unknown and what would decide it, one sentence per cause:
/// "cannot decide: ..." with the rule's fix.
pub fn describe_undecided(result: &CheckResult, s: &ServerOutcome) -> Vec<String> {
    s.undecided
        .iter()
        .map(|u| match u {
            Undecided::Finding(k) => {
                let f = &result.findings[*k];
                let fix = rules::get(f.rule).map_or("", |r| r.fix());
                format!("cannot decide: {} ({}); {fix}", f.message, f.rule)
            }
            Undecided::NoReferenceCa => "cannot decide: there is no reference CA to compare the certificate with; give the internal servers' CA with --ca FILE".to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_pki::*;

    /// The action of the first server, from the findings about it.
    fn action(r: &CheckResult) -> Action {
        let m = r.servers[0].machine;
        let mine: Vec<usize> = (0..r.findings.len())
            .filter(|&k| r.findings[k].machine() == Some(m))
            .collect();
        server_outcome(r, 0, &[mine], &[], Vec::new()).action
    }

    #[test]
    fn the_action_comes_from_the_remedy_not_from_the_rule_or_the_key() {
        let ca = root("Fabrikam Issuing CA");
        // Every name but the meet simple URL.
        let leaf = Leaf::good(
            "lyncse01.fabrikam.com",
            &[
                "webext.fabrikam.com",
                "dialin.fabrikam.com",
                "admin.fabrikam.com",
            ],
        );
        let mut r = standard_edition(&leaf, &ca, &ca);
        assert_eq!(
            rules(&r),
            [crate::rules::missing_required_name::ID.as_str()]
        );
        let names = Action::Reissue(vec![ReissueReason::MissingNames {
            names: vec!["meet.fabrikam.com".to_string()],
        }]);
        assert_eq!(action(&r), names);
        // Another rule id and no key: the same action, read from the remedy.
        r.findings[0].rule = crate::rules::expired::ID;
        r.findings[0].key.clear();
        assert_eq!(action(&r), names);
        // Another remedy: another action.
        r.findings[0].remedy = Remedy::Request;
        assert_eq!(action(&r), Action::Request);
        r.findings[0].remedy = Remedy::Reissue;
        assert!(matches!(
            action(&r),
            Action::Reissue(ref reasons) if matches!(reasons[..], [ReissueReason::Finding { .. }])
        ));
        // Not fixed by a certificate: no reissue (the error still makes the server not ready).
        r.findings[0].remedy = Remedy::None;
        assert_eq!(action(&r), Action::Ready);
    }
}
