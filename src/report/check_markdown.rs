//! `topocert check --format markdown`: a pull-request comment. A one-line verdict, a table per
//! site, the findings with their fix, rule details in `<details>`, and a Mermaid diagram of the
//! Persistent Chat part of the topology with the failing servers marked.

use crate::certs::CertStore;
use crate::check::CheckResult;
use crate::gate::Gate;
use crate::graph::ServerGraph;
use crate::model::Topology;
use crate::report::mermaid::{render_with, MermaidOptions};
use crate::rules::Severity;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Escapes text for Markdown prose: HTML special characters become entities and Markdown
/// punctuation is backslash-escaped, so values never become markup.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

fn icon(sev: Severity) -> &'static str {
    match sev {
        Severity::Error => "❌ error",
        Severity::Warning => "⚠️ warning",
        Severity::Info => "ℹ️ info",
    }
}

/// Renders the comment.
pub fn render(
    topo: &Topology,
    graph: &ServerGraph,
    store: &CertStore,
    result: &CheckResult,
    gate: &Gate,
) -> String {
    let mut out = String::new();
    let errors = result.count(Severity::Error);
    let warnings = result.count(Severity::Warning);
    let baselined = gate.baselined_count();
    let verdict = if gate.fails(result) {
        "❌ **Not ready for Persistent Chat**"
    } else if gate.has_baseline && baselined > 0 {
        "⚠️ **No new blocking findings** (known ones are in the baseline)"
    } else if errors + warnings > 0 {
        "⚠️ **Ready, with warnings**"
    } else {
        "✅ **Ready for Persistent Chat**"
    };
    let _ = writeln!(
        out,
        "{verdict}: {} server(s) checked, {errors} error(s), {warnings} warning(s){} — `{}`\n",
        result.servers.len(),
        if gate.has_baseline {
            format!(", {baselined} in the baseline")
        } else {
            String::new()
        },
        topo.source.name.replace('`', "'"),
    );

    // One table per site, in topology order.
    let mut sites: BTreeMap<(usize, String), Vec<&crate::check::CheckedServer>> = BTreeMap::new();
    for (order, s) in result.servers.iter().enumerate() {
        let m = &topo.machines[s.machine.0];
        let site = topo
            .pool_site(m.pool)
            .map(|x| x.display_name())
            .unwrap_or_else(|| "(no site)".into());
        let first = sites
            .keys()
            .find(|(_, name)| *name == site)
            .map_or(order, |(o, _)| *o);
        sites.entry((first, site)).or_default().push(s);
    }
    for ((_, site), servers) in &sites {
        let _ = writeln!(out, "### Site {}\n", text(site));
        out.push_str("| Server | Pool | Kind | Certificate | Verdict |\n");
        out.push_str("|---|---|---|---|---|\n");
        for s in servers {
            let m = &topo.machines[s.machine.0];
            let cert = match &s.assignment {
                Some(a) => {
                    let f = &store.files[a.file];
                    format!(
                        "{}<br>issued by {}<br>until {}",
                        text(&crate::certs::load::short_name(&f.path)),
                        text(&f.leaf.issuer),
                        crate::time::format_date(f.leaf.not_after)
                    )
                }
                None => "none".into(),
            };
            let rules: Vec<String> = result
                .findings
                .iter()
                .filter(|f| f.machine == Some(s.machine) && f.severity > Severity::Info)
                .map(|f| format!("`{}`", f.rule))
                .collect();
            let verdict = match result.server_status(s.machine) {
                Some(Severity::Error) => "❌ not ready",
                Some(Severity::Warning) => "⚠️ ready, with warnings",
                _ => "✅ ready",
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {}{} |",
                text(m.fqdn.as_str()),
                text(topo.pools[m.pool.0].fqdn.as_str()),
                s.kind.as_str(),
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
                .machine
                .map(|m| format!("**{}**: ", text(topo.machines[m.0].fqdn.as_str())))
                .unwrap_or_default();
            let known = if gate.is_baselined(i) {
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
            if let Some(rule) = crate::rules::by_id(f.rule) {
                let _ = writeln!(out, "  - Fix: {}", text(rule.fix()));
            }
        }
        out.push('\n');
        let mut ids: Vec<&str> = result.findings.iter().map(|f| f.rule).collect();
        ids.sort_unstable();
        ids.dedup();
        out.push_str("<details><summary>Why these rules matter</summary>\n\n");
        for id in ids {
            if let Some(rule) = crate::rules::by_id(id) {
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
        let failing = gate.failing_servers(topo, result);
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
    out
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
