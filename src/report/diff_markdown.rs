//! `topocert diff --format markdown`: a pull-request comment: a verdict line, a table of the
//! topology changes, the readiness delta and, with certificates, the verdicts of the servers
//! the change adds or moves.

use super::diff_human::{field_text, role_change_text, verdict_sentence, Names};
use crate::check::CheckResult;
use crate::diff::{Change, TopologyDiff};
use crate::model::Topology;
use crate::rules::Severity;

/// Escapes text for a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Renders the comment.
pub fn render(
    names: Names<'_>,
    diff: &TopologyDiff,
    verdicts: Option<(&Topology, &CheckResult)>,
) -> String {
    let mut out = String::from("## topocert diff\n\n");
    let errors = verdicts.map_or(0, |(_, r)| r.count(Severity::Error));
    let verdict = if diff.is_empty() {
        "✅ **No changes** between the two topologies.".to_string()
    } else if verdicts.is_none() {
        format!(
            "ℹ️ **{} topology change{}**; certificates not checked (run with `--certs`).",
            diff.changes.len(),
            if diff.changes.len() == 1 { "" } else { "s" }
        )
    } else if errors > 0 {
        format!(
            "❌ **Not ready**: this change adds {errors} error finding{}.",
            if errors == 1 { "" } else { "s" }
        )
    } else {
        "✅ **Ready**: this change adds no error finding.".to_string()
    };
    out.push_str(&verdict);
    out.push_str(&format!(
        "\n\n`{}` → `{}`\n",
        cell(names.old),
        cell(names.new)
    ));
    if diff.is_empty() {
        return out;
    }
    if !diff.changes.is_empty() {
        out.push_str("\n### Topology changes\n\n| | Element | Identity | Details | Line |\n|---|---|---|---|---|\n");
        for c in &diff.changes {
            let (details, line) = match &c.change {
                Change::Added { line } => ("added".to_string(), format!("NEW {line}")),
                Change::Removed { line } => ("removed".to_string(), format!("OLD {line}")),
                Change::Changed { line, fields } => (
                    fields.iter().map(field_text).collect::<Vec<_>>().join("; "),
                    format!("NEW {line}"),
                ),
            };
            out.push_str(&format!(
                "| {} | {} | `{}` | {} | {} |\n",
                c.change.marker(),
                c.element.as_str(),
                cell(&c.identity),
                cell(&details),
                line
            ));
        }
    }
    let r = &diff.readiness;
    if !(r.role_changes.is_empty() && r.moves.is_empty() && r.serving_changes.is_empty()) {
        out.push_str("\n### Readiness delta\n\n| | Server or pool | Change |\n|---|---|---|\n");
        for c in &r.role_changes {
            let m = if c.new.is_some() { '+' } else { '-' };
            out.push_str(&format!(
                "| {m} | `{}` | {} |\n",
                cell(&c.server),
                role_change_text(c.old, c.new)
            ));
        }
        for m in &r.moves {
            out.push_str(&format!(
                "| ~ | `{}` | moves from `{}` ({}) to `{}` ({}) |\n",
                cell(&m.server),
                cell(&m.old_pool),
                cell(&m.old_site),
                cell(&m.new_pool),
                cell(&m.new_site)
            ));
        }
        for s in &r.serving_changes {
            let v = |x: &Option<Vec<String>>| match x {
                None => "(no such pool)".to_string(),
                Some(v) if v.is_empty() => "(none)".to_string(),
                Some(v) => v
                    .iter()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            out.push_str(&format!(
                "| ~ | `{}` | Persistent Chat file upload/download served by {} → {} |\n",
                cell(&s.pool),
                v(&s.old),
                v(&s.new)
            ));
        }
    }
    if let Some((topo, result)) = verdicts {
        out.push_str("\n### Certificates of the servers this change adds or moves\n\n");
        out.push_str(&verdict_sentence(result));
        out.push_str("\n\n| Server | Verdict | Findings |\n|---|---|---|\n");
        for s in &result.servers {
            let status = result.server_status(s.machine).map_or("ok", |v| v.as_str());
            let findings: Vec<String> = result
                .findings_for(s.machine)
                .map(|f| format!("**{}**: {}", f.rule, cell(&f.message)))
                .collect();
            out.push_str(&format!(
                "| `{}` | {} | {} |\n",
                topo.machines[s.machine.0].fqdn,
                status,
                if findings.is_empty() {
                    "-".to_string()
                } else {
                    findings.join("<br>")
                }
            ));
        }
    }
    out
}
