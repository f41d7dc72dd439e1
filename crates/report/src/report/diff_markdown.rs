//! `topocert diff --format markdown`: a pull-request comment: a verdict line, a table of the
//! topology changes, the readiness delta and, with certificates, the verdicts of the servers
//! the change adds or moves.

use super::check_markdown::{status_cell, verdict_paragraph};
use super::diff_human::{field_text, role_change_text, verdict_sentence};
use super::escape::markdown as cell;
use super::{RenderError, View};
use crate::diff::Change;

/// `diff --format markdown`: the comment.
pub fn render(v: &View<'_>) -> Result<String, RenderError> {
    let d = v.diff()?;
    let diff = d.diff;
    let mut out = String::from("## topocert diff\n\n");
    match v.checked {
        Some(c) if !c.result.servers.is_empty() => {
            out.push_str(&verdict_paragraph(&c.outcome, d.new_name));
        }
        Some(c) => {
            out.push_str(&format!(
                "➖ **Nothing to check**: the change adds or moves no file upload/download or Persistent Chat server.

{}

",
                cell(&c.outcome.gate_line())
            ));
        }
        None if diff.is_empty() => {
            out.push_str("✅ **No changes** between the two topologies.\n\n");
        }
        None => out.push_str(&format!(
            "ℹ️ **{}**; certificates not checked (run with `--certs`).\n\n",
            super::count(diff.changes.len(), "topology change")
        )),
    }
    if diff.is_empty() && v.checked.is_some() {
        out.push_str("**No changes** between the two topologies.\n\n");
    }
    out.push_str(&format!("{} → {}\n", cell(d.old_name), cell(d.new_name)));
    if diff.is_empty() {
        return Ok(out);
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
                "| {} | {} | {} | {} | {} |\n",
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
                "| {m} | {} | {} |\n",
                cell(&c.server),
                role_change_text(c.old, c.new)
            ));
        }
        for m in &r.moves {
            out.push_str(&format!(
                "| ~ | {} | moves from {} ({}) to {} ({}) |\n",
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
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            out.push_str(&format!(
                "| ~ | {} | Persistent Chat file upload/download served by {} → {} |\n",
                cell(&s.pool),
                v(&s.old),
                v(&s.new)
            ));
        }
    }
    if let Some(c) = v.checked {
        let (topo, result, outcome) = (v.topology, &c.result, &c.outcome);
        out.push_str("\n### Certificates of the servers this change adds or moves\n\n");
        out.push_str(&cell(&verdict_sentence(result, outcome)));
        out.push_str("\n\n| Server | Status | Findings |\n|---|---|---|\n");
        for (s, so) in result.servers.iter().zip(&outcome.servers) {
            let note = outcome.status_note(so);
            let status = if note.is_empty() {
                status_cell(so.status).to_string()
            } else {
                format!("{} ({})", status_cell(so.status), cell(&note))
            };
            let findings: Vec<String> = result
                .findings_for(s.machine)
                .map(|f| format!("**{}**: {}", f.rule, cell(&f.message)))
                .collect();
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                cell(topo.machines[s.machine.0].fqdn.as_str()),
                status,
                if findings.is_empty() {
                    "-".to_string()
                } else {
                    findings.join("<br>")
                }
            ));
        }
    }
    Ok(out)
}
