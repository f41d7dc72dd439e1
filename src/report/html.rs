//! `topocert report`: one self-contained HTML readiness report (inline CSS and SVG, no scripts,
//! no external references): summary, a table per site, the graph, findings with their
//! explanation and fix, and the unreadable certificate files.

use super::{count, RenderError, View};
use crate::check::ca::CaResolution;
use crate::finding::Finding;
use crate::model::Topology;
use crate::outcome::{Status, Verdict};
use std::collections::BTreeSet;
use std::fmt::Write;

/// Escapes text for HTML (see [`super::escape::html`]).
pub use super::escape::html as esc;

/// Inputs of the report beyond the check itself.
#[derive(Debug, Clone, Copy)]
pub struct ReportInfo {
    /// The time the certificates were checked against (unix seconds).
    pub checked_at: i64,
}

const CSS: &str = r#"
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#212121}
h1{margin-bottom:.2em}h2{border-bottom:2px solid #cfd8dc;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;width:100%;margin:.5em 0 1em}th,td{border:1px solid #cfd8dc;padding:4px 8px;text-align:left;vertical-align:top;font-size:.92em}
th{background:#eceff1}code{font-family:Consolas,"DejaVu Sans Mono",monospace;font-size:.9em}
.verdict{display:inline-block;padding:.3em .8em;border-radius:4px;font-weight:bold;font-size:1.2em}
.ready{background:#c8e6c9;color:#1b5e20}.not-ready{background:#ffcdd2;color:#b71c1c}.unknown{background:#ffe0b2;color:#8d3c00}.not-applicable{background:#e0e0e0;color:#424242}
.sev-error{color:#b71c1c;font-weight:bold}.sev-warning{color:#8d6e00;font-weight:bold}.sev-info{color:#455a64;font-weight:bold}
.finding{border-left:4px solid #b0bec5;padding:.3em .8em;margin:.8em 0;page-break-inside:avoid}
.finding.error{border-color:#c62828}.finding.warning{border-color:#f9a825}
dl.summary{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dl.summary dt{font-weight:bold}dl.summary dd{margin:0}
.graph{overflow-x:auto}
svg.topology{font-family:inherit;max-width:100%;height:auto}
svg .site{fill:#fafafa;stroke:#9e9e9e}svg .site-label{font-weight:bold;font-size:13px}
svg .pool-box{fill:#fff;stroke:#607d8b}svg .pool-head{fill:#eeeeee;stroke:#607d8b}svg .pool-head.pchat{fill:#bbdefb}
svg .pool-name{font-weight:bold;font-size:12px}svg .pool-kind{font-size:11px;fill:#455a64}
svg .server{fill:#fff;stroke:none}svg .server.ft{fill:#c8e6c9}svg .server.pc{fill:#bbdefb}
svg .server.failing{stroke:#c62828;stroke-width:2}svg .server-name{font-size:11px}
svg .edge{fill:none;stroke:#607d8b;stroke-width:1.2}svg .edge.pchat-web{stroke:#2e7d32;stroke-width:2.5}
.swatch{display:inline-block;width:1em;height:1em;vertical-align:middle;border:1px solid #607d8b;margin:0 .3em 0 1em}
@media print{body{margin:0;max-width:none}details{display:block}details>summary{list-style:none}.graph{overflow:visible}}
"#;

fn status_class(s: Status) -> (&'static str, &'static str) {
    match s {
        Status::Ready => ("ready", "ready"),
        Status::NotReady => ("not-ready", "not ready"),
        Status::Unknown => ("unknown", "unknown"),
    }
}

/// ` at <file:line:column>` of the finding's element in the topology, or nothing.
fn location(topo: &Topology, f: &Finding) -> String {
    f.span.map_or(String::new(), |s| {
        let (line, col) = topo.source.line_col(s.start);
        format!(
            " at <code>{}</code>",
            esc(&format!("{}:{line}:{col}", topo.source.name))
        )
    })
}

/// `report`: the whole page.
pub fn render(v: &View<'_>) -> Result<String, RenderError> {
    let checked = v.checked()?;
    let (topo, graph, store, result, outcome) = (
        v.topology,
        v.graph,
        &checked.store,
        &checked.result,
        &checked.outcome,
    );
    let info = ReportInfo {
        checked_at: checked.now,
    };
    let mut o = String::new();
    let c = &outcome.counts;
    let failing: BTreeSet<_> = outcome
        .servers
        .iter()
        .filter(|s| s.status == Status::NotReady)
        .map(|s| s.machine)
        .collect();
    let title = format!(
        "Persistent Chat certificate readiness — {}",
        topo.source.name
    );
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        esc(&title),
        esc(&title)
    );
    // Summary.
    let class = outcome.verdict.as_str();
    let verdict = outcome.verdict.headline();
    let counts = match outcome.verdict {
        Verdict::NotApplicable => {
            "nothing to check: this topology has no Persistent Chat pool.".to_string()
        }
        _ => format!(
            "{}; {}, {}, {}.",
            outcome.summary(),
            count(c.errors, "error"),
            count(c.warnings, "warning"),
            count(c.infos, "note")
        ),
    };
    let gate = outcome.gate_line();
    let _ = writeln!(
        o,
        "<section id=\"summary\"><p><span class=\"verdict {class}\">{verdict}</span> {}</p>\n<p id=\"gate\">{}</p>\n<dl class=\"summary\">",
        esc(&counts),
        esc(&gate)
    );
    let _ = writeln!(
        o,
        "<dt>Topology</dt><dd><code>{}</code> ({})</dd>",
        esc(&topo.source.name),
        esc(topo.format.as_str())
    );
    match &result.reference_ca {
        CaResolution::Known(cas) => {
            for c in cas {
                let _ = writeln!(
                    o,
                    "<dt>Reference CA</dt><dd>{} — {}</dd>",
                    esc(&c.subject),
                    esc(&c.how)
                );
            }
        }
        CaResolution::Ambiguous { tied } => {
            let list: Vec<String> = tied
                .iter()
                .map(|c| {
                    let servers = c.server_names(topo);
                    format!(
                        "<li>{}: {}</li>",
                        esc(&c.describe()),
                        esc(&servers.join(", "))
                    )
                })
                .collect();
            let _ = writeln!(
                o,
                "<dt>Reference CA</dt><dd>cannot decide: no issuer issued more than half of the internal servers' certificates (give <code>--ca FILE</code>)<ul>{}</ul></dd>",
                list.join("")
            );
        }
        CaResolution::Unknown => o.push_str(
            "<dt>Reference CA</dt><dd>unknown (no <code>--ca</code> and no certificate of an internal server found)</dd>\n",
        ),
    }
    if let Some(note) = &checked.settings_note {
        let _ = writeln!(o, "<dt>Settings</dt><dd>{}</dd>", esc(note));
    }
    let _ = writeln!(
        o,
        "<dt>Checked at</dt><dd>{}</dd>\n<dt>Counts</dt><dd>{}, {}, {}; {} checked ({} file upload/download, {} Persistent Chat); {}, {} unreadable</dd>\n</dl></section>",
        esc(&crate::time::format_rfc3339(info.checked_at)),
        count(topo.sites.len(), "site"),
        count(topo.pools.len(), "pool"),
        count(topo.machines.len(), "server"),
        result.servers.len(),
        result
            .servers
            .iter()
            .filter(|s| s.kind == crate::check::CheckedKind::FileTransfer)
            .count(),
        result
            .servers
            .iter()
            .filter(|s| s.kind == crate::check::CheckedKind::PersistentChat)
            .count(),
        count(store.files.len(), "certificate file"),
        store.unreadable.len()
    );
    // Per-site tables.
    o.push_str("<section id=\"servers\"><h2>Checked servers by site</h2>\n");
    if result.servers.is_empty() {
        o.push_str("<p>No file upload/download or Persistent Chat server in this topology.</p>\n");
    }
    for g in crate::graph::pools_by_site(topo, None) {
        let servers: Vec<_> = result
            .servers
            .iter()
            .zip(&outcome.servers)
            .filter(|(s, _)| g.pools.contains(&topo.machines[s.machine.0].pool))
            .collect();
        if servers.is_empty() {
            continue;
        }
        let _ = writeln!(
            o,
            "<h3>{}</h3>\n<table><thead><tr><th>Server</th><th>Pool</th><th>Kind</th><th>Certificate</th><th>Status</th></tr></thead><tbody>",
            esc(&g.label)
        );
        for (s, so) in servers {
            let m = &topo.machines[s.machine.0];
            let (vclass, vtext) = status_class(so.status);
            let note = outcome.status_note(so);
            let vtext = if note.is_empty() {
                vtext.to_string()
            } else {
                format!("{vtext} ({note})")
            };
            let cert = if s.certificates.is_empty() {
                "none".to_string()
            } else {
                s.certificates
                    .iter()
                    .map(|a| {
                        let f = &store.files[a.file];
                        let l = &f.leaf;
                        format!(
                            "<details><summary><code>{}</code>{}</summary>Subject: {}<br>Issuer: {}<br>Names: {}<br>Valid: {} to {}<br>Serial: <code>{}</code><br>Thumbprint: <code>{}</code><br>Chosen: {}</details>",
                            esc(&f.label()),
                            if s.certificates.len() > 1 {
                                format!(" ({})", esc(&crate::certs::usage::describe(&a.usages)))
                            } else {
                                String::new()
                            },
                            esc(&l.subject),
                            esc(&l.issuer),
                            esc(&l.dns_names.join(", ")),
                            crate::time::format_date(l.not_before),
                            crate::time::format_date(l.not_after),
                            esc(&l.serial),
                            esc(&l.sha1_thumbprint),
                            esc(&a.explain())
                        )
                    })
                    .collect()
            };
            let rules: Vec<&str> = result
                .rules_for(s.machine)
                .into_iter()
                .map(|r| r.as_str())
                .collect();
            let undecided: String = crate::outcome::describe_undecided(result, so)
                .iter()
                .map(|u| format!("<br><small>{}</small>", esc(u)))
                .collect();
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{cert}</td><td><span class=\"verdict {vclass}\" style=\"font-size:.9em\">{vtext}</span>{}{undecided}</td></tr>",
                esc(m.fqdn.as_str()),
                esc(topo.pools[m.pool.0].fqdn.as_str()),
                s.kind.short_label(),
                if rules.is_empty() {
                    String::new()
                } else {
                    format!("<br><code>{}</code>", esc(&rules.join(", ")))
                }
            );
        }
        o.push_str("</tbody></table>\n");
    }
    o.push_str("</section>\n");
    // Graph.
    let (svg, scope) = super::svg::render(topo, graph, &failing, super::svg::MAX_POOLS);
    let _ = writeln!(
        o,
        "<section id=\"graph\"><h2>Topology</h2>\n<p>{}<span class=\"swatch\" style=\"background:#c8e6c9\"></span>runs Persistent Chat file upload/download (⇅)<span class=\"swatch\" style=\"background:#bbdefb\"></span>Persistent Chat<span class=\"swatch\" style=\"border:2px solid #c62828\"></span>not ready (✗)</p>\n<div class=\"graph\">{svg}</div></section>",
        match scope {
            super::svg::Scope::All => String::new(),
            super::svg::Scope::PersistentChat => format!(
                "More than {} pools: only the Persistent Chat pools, the pools they depend on, and their servers are drawn. ",
                super::svg::MAX_POOLS
            ),
        }
    );
    // Findings.
    o.push_str("<section id=\"findings\"><h2>Findings</h2>\n");
    if result.findings.is_empty() {
        o.push_str("<p>No findings.</p>\n");
    }
    for f in &result.findings {
        let rule = crate::rules::get(f.rule);
        let about = match f.machine() {
            Some(m) => esc(topo.machines[m.0].fqdn.as_str()),
            None => "topology and certificate folder".to_string(),
        };
        let _ = writeln!(
            o,
            "<div class=\"finding {sev}\"><p><span class=\"sev-{sev}\">{sev}</span> <code>{}</code> — {about} <small>{}{}</small></p>\n<p>{}</p>\n<details open><summary>Why and how to fix</summary><p><b>Why:</b> {}</p><p><b>Fix:</b> {}</p></details></div>",
            f.rule,
            location(topo, f),
            super::finding_file(store, f)
                .map(|p| format!(", file <code>{}</code>", esc(&p)))
                .unwrap_or_default(),
            esc(&f.message),
            esc(rule.map_or("", |r| r.why())),
            esc(rule.map_or("", |r| r.fix())),
            sev = f.severity.as_str()
        );
    }
    o.push_str("</section>\n");
    // Unreadable files.
    if !store.unreadable.is_empty() {
        o.push_str("<section id=\"unreadable\"><h2>Unreadable certificate files</h2>\n<table><thead><tr><th>File</th><th>Problem</th></tr></thead><tbody>\n");
        for u in &store.unreadable {
            let _ = writeln!(
                o,
                "<tr><td><code>{}</code></td><td>{}</td></tr>",
                esc(&u.path.display().to_string()),
                esc(&u.error.to_string())
            );
        }
        o.push_str("</tbody></table></section>\n");
    }
    o.push_str("<footer><p><small>Made by topocert. A self-contained report: no scripts, no external files.</small></p></footer>\n</body>\n</html>\n");
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc("<script>a&b</script> \"x\" 'y'"),
            "&lt;script&gt;a&amp;b&lt;/script&gt; &quot;x&quot; &#39;y&#39;"
        );
    }

    #[test]
    fn leaves_plain_text_alone() {
        assert_eq!(
            esc("fe01.fabrikam.com — Site: Redmond"),
            "fe01.fabrikam.com — Site: Redmond"
        );
    }
}
