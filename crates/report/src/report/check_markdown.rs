//! `topocert check --format markdown`: a pull-request comment. A one-line verdict, a table per
//! site, the findings with their fix, rule details in `<details>`, and a Mermaid diagram of the
//! Persistent Chat part of the topology with the failing servers marked.

use super::{count, RenderError, View};
use crate::finding::Severity;
use crate::outcome::{Outcome, Status, Verdict};
use crate::report::mermaid::{render_with, MermaidOptions};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Escapes text for Markdown prose (see [`super::escape::markdown`]).
pub use super::escape::markdown as text;

fn icon(sev: Severity) -> &'static str {
    match sev {
        Severity::Error => "❌ error",
        Severity::Warning => "⚠️ warning",
        Severity::Info => "ℹ️ info",
    }
}

/// The Markdown word for a server status.
pub(crate) fn status_cell(s: Status) -> &'static str {
    match s {
        Status::Ready => "✅ ready",
        Status::NotReady => "❌ not ready",
        Status::Unknown => "❔ unknown",
    }
}

/// The verdict paragraph every Markdown output starts with: the verdict, the counts, and why
/// the run passes or fails.
pub(crate) fn verdict_paragraph(outcome: &Outcome, source: &str) -> String {
    let c = &outcome.counts;
    let head = match outcome.verdict {
        Verdict::Ready => "✅ **Ready for Persistent Chat**",
        Verdict::NotReady => "❌ **Not ready for Persistent Chat**",
        Verdict::Unknown => "❔ **Cannot decide**",
        Verdict::NotApplicable => "➖ **Nothing to check**",
    };
    let body = match outcome.verdict {
        Verdict::NotApplicable => "this topology has no Persistent Chat pool".to_string(),
        _ => format!(
            "{}; {}, {}",
            outcome.summary(),
            count(c.errors, "error"),
            count(c.warnings, "warning"),
        ),
    };
    let head = if outcome.fails() && outcome.verdict == Verdict::Ready {
        "✅ **Ready for Persistent Chat, but the run fails**"
    } else {
        head
    };
    format!(
        "{head}: {body} — {}

{}

",
        text(source),
        text(&outcome.gate_line())
    )
}

/// `check --format markdown`: the comment.
pub fn render(v: &View<'_>) -> Result<String, RenderError> {
    let checked = v.checked()?;
    let (topo, graph, store, result, outcome) = (
        v.topology,
        v.graph,
        &checked.store,
        &checked.result,
        &checked.outcome,
    );
    let mut out = verdict_paragraph(outcome, &topo.source.name);
    if let Some(note) = &checked.settings_note {
        out.push_str(&format!("Settings: {}\n\n", text(note)));
    }

    // One table per site, in topology order.
    let mut sites: BTreeMap<
        (usize, String),
        Vec<(&crate::check::CheckedServer, &crate::outcome::ServerOutcome)>,
    > = BTreeMap::new();
    // The position of each site's first server, by site name.
    let mut first_of: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (order, s) in result.servers.iter().zip(&outcome.servers).enumerate() {
        let m = &topo.machines[s.0.machine.0];
        let site = topo
            .pool_site(m.pool)
            .map(|x| x.display_name())
            .unwrap_or_else(|| "(no site)".into());
        let first = *first_of.entry(site.clone()).or_insert(order);
        sites.entry((first, site)).or_default().push(s);
    }
    for ((_, site), servers) in &sites {
        let _ = writeln!(out, "### Site {}\n", text(site));
        out.push_str("| Server | Pool | Kind | Certificate | Status |\n");
        out.push_str("|---|---|---|---|---|\n");
        for (s, so) in servers {
            let m = &topo.machines[s.machine.0];
            let cert = if s.certificates.is_empty() {
                "none".to_string()
            } else {
                s.certificates
                    .iter()
                    .map(|a| {
                        let f = &store.files[a.file];
                        let usage = if s.certificates.len() > 1 {
                            format!("{}: ", crate::certs::usage::describe(&a.usages))
                        } else {
                            String::new()
                        };
                        format!(
                            "{usage}{}<br>issued by {}<br>until {}",
                            text(&f.short_label()),
                            text(&f.leaf.issuer),
                            crate::time::format_date(f.leaf.not_after)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("<br>")
            };
            let rules: Vec<String> = result
                .findings_for(s.machine)
                .filter(|f| f.severity > Severity::Info)
                .map(|f| format!("`{}`", f.rule))
                .collect();
            let note = outcome.status_note(so);
            let verdict = if note.is_empty() {
                status_cell(so.status).to_string()
            } else {
                format!("{} ({})", status_cell(so.status), text(&note))
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {}{} |",
                text(m.fqdn.as_str()),
                text(topo.pools[m.pool.0].fqdn.as_str()),
                s.kind.short_label(),
                cert,
                verdict,
                if rules.is_empty() {
                    String::new()
                } else {
                    format!(": {}", rules.join(", "))
                }
            );
        }
        out.push('\n');
    }

    if !result.findings.is_empty() {
        out.push_str("### Findings\n\n");
        for (i, f) in result.findings.iter().enumerate() {
            let about = f
                .machine()
                .map(|m| format!("**{}**: ", text(topo.machines[m.0].fqdn.as_str())))
                .unwrap_or_default();
            let known = if outcome.is_baselined(i) {
                " _(in the baseline)_"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "- {} `{}`{known}: {about}{}",
                icon(f.severity),
                f.rule,
                text(&f.message)
            );
            if let Some(rule) = crate::rules::get(f.rule) {
                let _ = writeln!(out, "  - Fix: {}", text(rule.fix()));
            }
        }
        out.push('\n');
        let mut ids: Vec<crate::finding::RuleId> = result.findings.iter().map(|f| f.rule).collect();
        ids.sort_unstable();
        ids.dedup();
        out.push_str("<details><summary>Why these rules matter</summary>\n\n");
        for id in ids {
            if let Some(rule) = crate::rules::get(id) {
                let _ = writeln!(
                    out,
                    "- `{id}`: {}. {} (`topocert explain {id}`)",
                    text(rule.summary()),
                    text(rule.why())
                );
            }
        }
        out.push_str("\n</details>\n\n");
    }

    let keep = graph.persistent_chat_focus(topo);
    if !keep.is_empty() {
        let failing: std::collections::BTreeSet<String> = result
            .servers
            .iter()
            .zip(&outcome.servers)
            .filter(|(_, so)| so.status == Status::NotReady)
            .map(|(s, _)| topo.machines[s.machine.0].fqdn.folded().to_string())
            .collect();
        let diagram = render_with(
            topo,
            graph,
            Some(&keep),
            &MermaidOptions {
                failing: Some(&failing),
            },
        );
        out.push_str("<details><summary>Persistent Chat topology</summary>\n\n");
        out.push_str("```mermaid\n");
        out.push_str(&diagram);
        out.push_str("```\n\n</details>\n");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::text;

    #[test]
    fn values_cannot_become_markup() {
        assert_eq!(text("a|b"), "a\\|b");
        assert_eq!(text("<script>&"), "&lt;script&gt;&amp;");
        assert_eq!(text("*x* [l](u)"), "\\*x\\* \\[l\\](u)");
        assert_eq!(text("plain fe01.fabrikam.com"), "plain fe01.fabrikam.com");
    }
}
