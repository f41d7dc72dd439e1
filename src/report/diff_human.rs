//! `topocert diff --format human`: +/-/~ lines, the readiness delta and the verdicts.

use super::escape::terminal as esc;
use super::{RenderError, View};
use crate::app::Checked;
use crate::check::{CheckResult, CheckedKind};
use crate::diff::{Change, FieldChange};
use crate::outcome::{Outcome, Status, Verdict};

/// Names of OLD and NEW as given, for the header.
#[derive(Debug, Clone, Copy)]
pub struct Names<'a> {
    /// OLD path.
    pub old: &'a str,
    /// NEW path.
    pub new: &'a str,
}

/// `file upload/download server` or `Persistent Chat server`.
pub fn kind_label(k: CheckedKind) -> &'static str {
    k.label()
}

/// One field change for people: `pool a → b` or `dependencies +x -y`.
pub fn field_text(f: &FieldChange) -> String {
    if f.old.len() <= 1
        && f.new.len() <= 1
        && f.field != "dependencies"
        && f.field != "web-components"
    {
        let v = |x: &[String]| x.first().cloned().unwrap_or_else(|| "(none)".into());
        return format!("{} {} → {}", f.field, v(&f.old), v(&f.new));
    }
    let mut parts: Vec<String> = f.added().iter().map(|a| format!("+{a}")).collect();
    parts.extend(f.removed().iter().map(|r| format!("-{r}")));
    format!("{} {}", f.field, parts.join(" "))
}

/// One readiness line without its marker.
pub fn role_change_text(old: Option<CheckedKind>, new: Option<CheckedKind>) -> String {
    match (old, new) {
        (None, Some(n)) => format!("becomes a {}", kind_label(n)),
        (Some(o), None) => format!("is no longer a {}", kind_label(o)),
        (Some(o), Some(n)) => format!("changes from {} to {}", kind_label(o), kind_label(n)),
        (None, None) => String::new(),
    }
}

/// The verdict sentence about the servers the change adds or moves.
pub fn verdict_sentence(result: &CheckResult, outcome: &Outcome) -> String {
    let n = result.servers.len();
    let cas: Vec<String> = result
        .reference_ca
        .cas()
        .iter()
        .map(|c| c.subject.clone())
        .collect();
    let from = if cas.is_empty() {
        "the internal servers' CA".to_string()
    } else {
        cas.join(" or ")
    };
    let none = result
        .servers
        .iter()
        .filter(|s| s.assignment.is_none())
        .count();
    let c = &outcome.counts;
    format!(
        "This change adds or moves {n} server{} that need{} certificates from {from}; {none} {} none; {} ready, {} not ready, {} unknown.",
        if n == 1 { "" } else { "s" },
        if n == 1 { "s" } else { "" },
        if none == 1 { "has" } else { "have" },
        c.ready,
        c.not_ready,
        c.unknown,
    )
}

/// The closing verdict of a diff with certificates (the outcome's, worded for a change).
pub fn diff_verdict_lines(outcome: &Outcome) -> String {
    if outcome.verdict == Verdict::NotApplicable {
        return format!(
            "NOT APPLICABLE: the change adds or moves no file upload/download or Persistent Chat server.
{}
",
            outcome.gate_line()
        );
    }
    super::check_human::verdict_lines(outcome)
}

/// `diff --format human`: the change and, with certificates, the restricted check.
pub fn render(v: &View<'_>) -> Result<String, RenderError> {
    let d = v.diff()?;
    let diff = d.diff;
    let mut out = format!("--- {}\n+++ {}\n", esc(d.old_name), esc(d.new_name));
    if diff.is_empty() {
        out.push_str("\nno changes\n");
    }
    if !diff.changes.is_empty() {
        out.push_str("\nTopology\n");
        for c in &diff.changes {
            let (line, rest) = match &c.change {
                Change::Added { line } => (format!("NEW line {line}"), String::new()),
                Change::Removed { line } => (format!("OLD line {line}"), String::new()),
                Change::Changed { line, fields } => (
                    format!("NEW line {line}"),
                    format!(
                        ": {}",
                        fields.iter().map(field_text).collect::<Vec<_>>().join("; ")
                    ),
                ),
            };
            out.push_str(&format!(
                "{} {} {}{}  ({line})\n",
                c.change.marker(),
                c.element.as_str(),
                c.identity,
                rest
            ));
        }
    }
    let r = &diff.readiness;
    if !(r.role_changes.is_empty() && r.moves.is_empty() && r.serving_changes.is_empty()) {
        out.push_str("\nReadiness\n");
        for c in &r.role_changes {
            let m = if c.new.is_some() { '+' } else { '-' };
            out.push_str(&format!(
                "{m} {} {}  ({})\n",
                c.server,
                role_change_text(c.old, c.new),
                c.line
            ));
        }
        for m in &r.moves {
            out.push_str(&format!(
                "~ {} moves from {} ({}) to {} ({})  (NEW line {})\n",
                m.server, m.old_pool, m.old_site, m.new_pool, m.new_site, m.line
            ));
        }
        for s in &r.serving_changes {
            let v = |x: &Option<Vec<String>>| match x {
                None => "(no such pool)".to_string(),
                Some(v) if v.is_empty() => "(none)".to_string(),
                Some(v) => v.join(", "),
            };
            out.push_str(&format!(
                "~ Persistent Chat pool {} file upload/download served by {} → {}\n",
                s.pool,
                v(&s.old),
                v(&s.new)
            ));
        }
    }
    if let Some(Checked {
        result, outcome, ..
    }) = v.checked
    {
        let topo = v.topology;
        out.push_str("\nCertificates of the servers this change adds or moves\n");
        out.push_str(&verdict_sentence(result, outcome));
        out.push('\n');
        let width = ["ready", "not ready", "unknown"]
            .map(str::len)
            .into_iter()
            .max()
            .unwrap_or(0);
        for (s, so) in result.servers.iter().zip(&outcome.servers) {
            out.push_str(&format!(
                "  {:<width$} {}\n",
                so.status.label(),
                esc(topo.machines[s.machine.0].fqdn.as_str())
            ));
            for f in result.findings_for(s.machine) {
                out.push_str(&format!(
                    "  {:<width$}   {} {}: {}\n",
                    "",
                    f.severity.as_str(),
                    f.rule,
                    esc(&f.message)
                ));
            }
            if so.status == Status::Unknown {
                for u in crate::outcome::describe_undecided(result, so) {
                    out.push_str(&format!("  {:<width$}   {}\n", "", esc(&u)));
                }
            }
        }
        out.push('\n');
        out.push_str(&diff_verdict_lines(outcome));
    }
    Ok(out)
}
