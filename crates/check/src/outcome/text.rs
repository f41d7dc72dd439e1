//! The outcome in words: the phrases and sentences every output format shows as they are
//! (actions, statuses with their notes, the counts, why the run passes or fails, what would
//! decide an unknown server). Made here once, from the decided [`Outcome`].

use super::{Action, FailOn, Outcome, ReissueReason, ServerOutcome, Status, Undecided, Verdict};
use crate::check::CheckResult;
use crate::rules;

impl ReissueReason {
    /// One phrase for people.
    pub fn describe(&self) -> String {
        match self {
            ReissueReason::MissingNames { names } => format!("missing SAN {}", names.join(", ")),
            ReissueReason::Finding { rule, message, .. } => format!("{rule}: {message}"),
        }
    }
}

impl Action {
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

impl Outcome {
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
