//! `topocert diff --format human`: +/-/~ lines, the readiness delta and the verdicts.

use crate::check::{CheckResult, CheckedKind};
use crate::diff::{Change, FieldChange, TopologyDiff};
use crate::model::Topology;
use crate::rules::Severity;

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
    match k {
        CheckedKind::FileTransfer => "file upload/download server",
        CheckedKind::PersistentChat => "Persistent Chat server",
    }
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
pub fn verdict_sentence(result: &CheckResult) -> String {
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
    let failing = result
        .servers
        .iter()
        .filter(|s| result.server_status(s.machine) == Some(Severity::Error))
        .count();
    format!(
        "This change adds or moves {n} server{} that need{} certificates from {from}; {none} {} none, {failing} {} errors.",
        if n == 1 { "" } else { "s" },
        if n == 1 { "s" } else { "" },
        if none == 1 { "has" } else { "have" },
        if failing == 1 { "has" } else { "have" },
    )
}

/// Renders the diff (and, with certificates, the restricted check result).
pub fn render(
    names: Names<'_>,
    diff: &TopologyDiff,
    verdicts: Option<(&Topology, &CheckResult)>,
) -> String {
    let mut out = format!("--- {}\n+++ {}\n", names.old, names.new);
    if diff.is_empty() {
        out.push_str("\nno changes\n");
        return out;
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
    if let Some((topo, result)) = verdicts {
        out.push_str("\nCertificates of the servers this change adds or moves\n");
        out.push_str(&verdict_sentence(result));
        out.push('\n');
        for s in &result.servers {
            let status = result.server_status(s.machine).map_or("ok", |v| v.as_str());
            out.push_str(&format!(
                "  {:<6} {}\n",
                status, topo.machines[s.machine.0].fqdn
            ));
            for f in result.findings_for(s.machine) {
                out.push_str(&format!(
                    "         {} {}: {}\n",
                    f.severity.as_str(),
                    f.rule,
                    f.message
                ));
            }
        }
        let errors = result.count(Severity::Error);
        out.push_str(&if errors > 0 {
            format!(
                "\nNOT READY: the change adds {errors} error finding{}.\n",
                if errors == 1 { "" } else { "s" }
            )
        } else {
            "\nREADY: the change adds no error finding.\n".to_string()
        });
    }
    out
}
