//! `diff --format human` and `--format markdown`: the topology diff, the readiness delta and the
//! certificate verdicts of the servers the change adds or moves.

use crate::check::{CheckResult, CheckedKind};
use crate::diff::TopologyDiff;
use crate::model::Topology;
use crate::rules::Severity;
use std::fmt::Write;

fn kind(k: Option<CheckedKind>) -> &'static str {
    match k {
        Some(CheckedKind::FileTransfer) => "file upload/download server",
        Some(CheckedKind::PersistentChat) => "Persistent Chat server",
        None => "not checked",
    }
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "(none)".to_string()
    } else {
        v.join(", ")
    }
}

/// The verdict lines for the servers the change adds or moves (`None` without `--certs`).
fn verdicts(topo: &Topology, r: &CheckResult) -> Vec<(String, String)> {
    r.servers
        .iter()
        .map(|s| {
            let fqdn = topo.machines[s.machine.0].fqdn.to_string();
            let errs: Vec<&str> = r
                .findings
                .iter()
                .filter(|f| f.machine == Some(s.machine) && f.severity == Severity::Error)
                .map(|f| f.message.as_str())
                .collect();
            let v = match (errs.is_empty(), r.server_status(s.machine)) {
                (false, _) => format!("error: {}", errs.join("; ")),
                (true, Some(Severity::Warning)) => "ok, with warnings".to_string(),
                _ => "ok".to_string(),
            };
            (fqdn, v)
        })
        .collect()
}

/// Renders the diff for a terminal: `+` added, `-` removed, `~` changed or moved, with the line
/// of the element in NEW (or OLD for removals).
pub fn render(d: &TopologyDiff, new: &Topology, check: Option<&CheckResult>) -> String {
    let mut s = String::new();
    if d.is_empty() {
        s.push_str("no changes\n");
        return s;
    }
    for x in &d.sites_added {
        let _ = writeln!(s, "+ site {x}");
    }
    for x in &d.sites_removed {
        let _ = writeln!(s, "- site {x}");
    }
    for x in &d.pools_added {
        let _ = writeln!(s, "+ pool {x}");
    }
    for x in &d.pools_removed {
        let _ = writeln!(s, "- pool {x}");
    }
    for x in &d.pools_moved {
        let _ = writeln!(
            s,
            "~ pool {}: site {} -> {}",
            x.fqdn, x.from_site, x.to_site
        );
    }
    for x in &d.servers_added {
        let _ = writeln!(
            s,
            "+ server {} in {} ({}) [NEW line {}]",
            x.fqdn, x.at.pool, x.at.site, x.line
        );
    }
    for x in &d.servers_removed {
        let _ = writeln!(
            s,
            "- server {} from {} ({}) [OLD line {}]",
            x.fqdn, x.at.pool, x.at.site, x.line
        );
    }
    for x in &d.servers_moved {
        let _ = writeln!(
            s,
            "~ server {} moved: {} ({}) -> {} ({}) [NEW line {}]",
            x.fqdn, x.from.pool, x.from.site, x.to.pool, x.to.site, x.line
        );
    }
    for x in &d.services_added {
        let _ = writeln!(s, "+ service {x}");
    }
    for x in &d.services_removed {
        let _ = writeln!(s, "- service {x}");
    }
    for x in &d.services_changed {
        let _ = writeln!(s, "~ service {} [NEW line {}]", x.service, x.line);
        for y in &x.dependencies_added {
            let _ = writeln!(s, "    + depends on {y}");
        }
        for y in &x.dependencies_removed {
            let _ = writeln!(s, "    - depends on {y}");
        }
        for y in &x.web_components_added {
            let _ = writeln!(s, "    + web component {y}");
        }
        for y in &x.web_components_removed {
            let _ = writeln!(s, "    - web component {y}");
        }
    }
    if !d.readiness.is_empty() || !d.serving_pools.is_empty() {
        s.push_str("\nReadiness delta:\n");
    }
    for r in &d.readiness {
        let m = match (r.before, r.after) {
            (None, Some(_)) => '+',
            (Some(_), None) => '-',
            _ => '~',
        };
        let _ = writeln!(s, "{m} {}: {} -> {}", r.fqdn, kind(r.before), kind(r.after));
    }
    for x in &d.serving_pools {
        let _ = writeln!(
            s,
            "~ Persistent Chat pool {}: file upload/download served by {} -> {}",
            x.pchat_pool,
            list(&x.before),
            list(&x.after)
        );
    }
    if let Some(r) = check {
        s.push_str("\nCertificates of the servers this change adds or moves:\n");
        let v = verdicts(new, r);
        if v.is_empty() {
            s.push_str("  (none to check)\n");
        }
        for (f, v) in &v {
            let _ = writeln!(s, "  {f}: {v}");
        }
        let bad = v.iter().filter(|x| x.1.starts_with("error")).count();
        let _ = writeln!(
            s,
            "\nThis change adds {} server(s) that need certificates; {} with errors.",
            v.len(),
            bad
        );
    }
    s
}

/// Renders the diff as Markdown for a pull-request comment.
pub fn render_markdown(d: &TopologyDiff, new: &Topology, check: Option<&CheckResult>) -> String {
    let mut s = String::new();
    let errors = check.map_or(0, |r| r.count(Severity::Error));
    let verdict = if d.is_empty() {
        "No topology changes."
    } else if errors > 0 {
        "This change adds certificate errors."
    } else {
        "This change adds no certificate errors."
    };
    let _ = writeln!(s, "## topocert diff\n\n**{verdict}**\n");
    if d.is_empty() {
        return s;
    }
    s.push_str("### Changes\n\n| | Element | Detail |\n|---|---|---|\n");
    for x in &d.sites_added {
        let _ = writeln!(s, "| + | site `{x}` | |");
    }
    for x in &d.sites_removed {
        let _ = writeln!(s, "| - | site `{x}` | |");
    }
    for x in &d.pools_added {
        let _ = writeln!(s, "| + | pool `{x}` | |");
    }
    for x in &d.pools_removed {
        let _ = writeln!(s, "| - | pool `{x}` | |");
    }
    for x in &d.pools_moved {
        let _ = writeln!(
            s,
            "| ~ | pool `{}` | site {} → {} |",
            x.fqdn, x.from_site, x.to_site
        );
    }
    for x in &d.servers_added {
        let _ = writeln!(
            s,
            "| + | server `{}` | in {} ({}), line {} |",
            x.fqdn, x.at.pool, x.at.site, x.line
        );
    }
    for x in &d.servers_removed {
        let _ = writeln!(
            s,
            "| - | server `{}` | from {} ({}) |",
            x.fqdn, x.at.pool, x.at.site
        );
    }
    for x in &d.servers_moved {
        let _ = writeln!(
            s,
            "| ~ | server `{}` | {} ({}) → {} ({}) |",
            x.fqdn, x.from.pool, x.from.site, x.to.pool, x.to.site
        );
    }
    for x in &d.services_added {
        let _ = writeln!(s, "| + | service {x} | |");
    }
    for x in &d.services_removed {
        let _ = writeln!(s, "| - | service {x} | |");
    }
    for x in &d.services_changed {
        let mut parts = Vec::new();
        parts.extend(
            x.dependencies_added
                .iter()
                .map(|y| format!("+ depends on {y}")),
        );
        parts.extend(
            x.dependencies_removed
                .iter()
                .map(|y| format!("- depends on {y}")),
        );
        parts.extend(x.web_components_added.iter().map(|y| format!("+ {y}")));
        parts.extend(x.web_components_removed.iter().map(|y| format!("- {y}")));
        let _ = writeln!(s, "| ~ | service {} | {} |", x.service, parts.join("; "));
    }
    if !d.readiness.is_empty() || !d.serving_pools.is_empty() {
        s.push_str("\n### Readiness delta\n\n| Server or pool | Before | After |\n|---|---|---|\n");
        for r in &d.readiness {
            let _ = writeln!(
                s,
                "| `{}` | {} | {} |",
                r.fqdn,
                kind(r.before),
                kind(r.after)
            );
        }
        for x in &d.serving_pools {
            let _ = writeln!(
                s,
                "| Persistent Chat pool `{}` | served by {} | served by {} |",
                x.pchat_pool,
                list(&x.before),
                list(&x.after)
            );
        }
    }
    if let Some(r) = check {
        s.push_str(
            "\n### Certificates of added or moved servers\n\n| Server | Verdict |\n|---|---|\n",
        );
        for (f, v) in verdicts(new, r) {
            let _ = writeln!(s, "| `{f}` | {} |", v.replace('|', "\\|"));
        }
    }
    s
}
