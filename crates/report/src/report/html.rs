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
pub(crate) struct ReportInfo {
    /// The time the certificates were checked against (unix seconds).
    pub checked_at: i64,
}

const CSS: &str = r#"
:root{--line:#cfd8dc;--muted:#546e7a}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:1.5em auto;max-width:1100px;padding:0 1em;color:#212121;line-height:1.45;hyphens:manual;-webkit-hyphens:manual}
header .kicker{margin:0;color:var(--muted);font-size:.95em;text-transform:uppercase;letter-spacing:.04em}
h1{margin:.1em 0 .2em;font-size:1.8em;overflow-wrap:normal;word-break:normal}
.sub{margin:0 0 1em;color:var(--muted)}
.lead{font-size:1.15em;margin:.6em 0 1.2em}
h2{border-bottom:2px solid var(--line);padding-bottom:.2em;margin-top:1.8em}
h3{margin:1.2em 0 .4em}
code,.id,.fqdn{font-family:Consolas,"DejaVu Sans Mono",monospace;font-size:.92em}
.id,.fqdn,.date{white-space:nowrap}.fqdn wbr{display:none}
table.servers th:nth-child(1){width:22%}table.servers th:nth-child(2){width:19%}table.servers th:nth-child(3){width:21%}table.servers th:nth-child(4){width:12%}
table{border-collapse:collapse;width:100%;margin:.5em 0 1em}
th,td{border:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top;font-size:.93em}
th{background:#eceff1}
td small,.note{color:var(--muted)}
.verdict{display:inline-block;padding:.2em .7em;border-radius:4px;font-weight:bold;white-space:nowrap}
.lead .verdict{font-size:1.05em;margin-right:.4em}
.ready{background:#c8e6c9;color:#1b5e20}.not-ready{background:#ffcdd2;color:#b71c1c}.unknown{background:#ffe0b2;color:#8d3c00}.not-applicable{background:#e0e0e0;color:#424242}
.sev{font-weight:bold;white-space:nowrap}.sev-error{color:#b71c1c}.sev-warning{color:#8d6e00}.sev-info{color:#455a64}
.rule{border-left:4px solid #b0bec5;padding:.2em .9em;margin:1em 0;break-inside:avoid-page}
.rule.error{border-color:#c62828}.rule.warning{border-color:#f9a825}
.rule ul{padding-left:1.2em}.rule li{margin:.3em 0}
dl.made{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.2em 1em;font-size:.9em}dl.made dt{font-weight:bold}dl.made dd{margin:0}
.graph{overflow-x:auto}
svg.topology{font-family:inherit;max-width:100%;height:auto}
svg .site{fill:#fafafa;stroke:#9e9e9e}svg .site-label{font-weight:bold;font-size:13px}
svg .pool-box{fill:#fff;stroke:#607d8b}svg .pool-head{fill:#eeeeee;stroke:#607d8b}svg .pool-head.pchat{fill:#bbdefb}
svg .pool-name{font-weight:bold;font-size:12px}svg .pool-kind{font-size:11px;fill:#455a64}
svg .server{fill:#fff;stroke:none}svg .server.ft{fill:#c8e6c9}svg .server.pc{fill:#bbdefb}
svg .server.failing{stroke:#c62828;stroke-width:2}svg .server-name{font-size:11px}
svg .edge{fill:none;stroke:#607d8b;stroke-width:1.2}svg .edge.pchat-web{stroke:#2e7d32;stroke-width:2.5}
svg .edge-label{font-size:10px;fill:#37474f;paint-order:stroke;stroke:#fff;stroke-width:3px}
.swatch{display:inline-block;width:1em;height:1em;vertical-align:middle;border:1px solid #607d8b;margin:0 .3em 0 1em}
footer{margin-top:2em;color:var(--muted);font-size:.85em}
@media screen and (max-width:640px){
 .fqdn wbr{display:inline}
 body{padding:0 .6em}h1{font-size:1.45em}
 .fqdn{white-space:normal}.msg{overflow-wrap:anywhere}table.unreadable{table-layout:fixed}
 table.servers,table.servers tbody,table.servers tr,table.servers td{display:block;width:100%}
 table.servers thead{display:none}
 table.servers tr{border:1px solid var(--line);border-radius:6px;margin:0 0 .8em;padding:.3em 0}
 table.servers td{border:0;padding:3px 10px}
 table.servers td[data-label]::before{content:attr(data-label) ": ";font-weight:bold;color:var(--muted)}
 dl.made{grid-template-columns:minmax(0,1fr)}dl.made dd{margin:0 0 .5em}
}
@page{margin:14mm 12mm}
@media print{
 body{margin:0;max-width:none;padding:0;font-size:10pt}
 h2{break-before:page;break-after:avoid}#servers h2{break-before:auto}
 h3{break-after:avoid}
 tr,.rule{break-inside:avoid}
 table.servers{table-layout:fixed}table.servers td{overflow-wrap:anywhere}table.servers .fqdn,table.servers .id,table.servers .date{overflow-wrap:normal}
 .graph{overflow:visible}.graph svg{max-height:240mm}
 .verdict{border:1px solid currentColor}
 a{color:inherit;text-decoration:none}
}
"#;

fn status_class(s: Status) -> (&'static str, &'static str) {
    match s {
        Status::Ready => ("ready", "ready"),
        Status::NotReady => ("not-ready", "not ready"),
        Status::Unknown => ("unknown", "unknown"),
    }
}

/// An FQDN for HTML: escaped, with a line-break opportunity after each dot, so a long name
/// breaks between labels and never inside one.
fn fqdn(name: &str) -> String {
    esc(name).replace('.', ".<wbr>")
}

/// A path for HTML: escaped, with a line-break opportunity after each folder separator.
fn path(p: &str) -> String {
    esc(p).replace('/', "/<wbr>").replace('\\', "\\<wbr>")
}

/// `<file:line:column>` of the finding's element in the topology, or nothing.
fn location(topo: &Topology, f: &Finding) -> Option<String> {
    f.span.map(|s| {
        let (line, col) = topo.source.line_col(s.start);
        format!(
            "<code>{}</code>",
            path(&format!("{}:{line}:{col}", topo.source.name))
        )
    })
}

/// The name a manager knows the reference CA by: its CN, else its whole DN.
fn ca_name(result: &crate::check::CheckResult) -> Option<String> {
    match &result.reference_ca {
        CaResolution::Known(cas) => cas.first().map(|c| {
            crate::certs::dn::common_name(&c.subject).unwrap_or_else(|| c.subject.clone())
        }),
        _ => None,
    }
}

/// The file name of the topology without its folder (`-` for standard input).
fn file_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

/// The plain sentence under the title: how many servers are ready, and what the others need.
fn lead_sentence(outcome: &crate::outcome::Outcome, ca: Option<&str>) -> String {
    use crate::outcome::Action;
    let c = &outcome.counts;
    if outcome.verdict == Verdict::NotApplicable {
        return "This topology has no Persistent Chat pool: there is nothing to check.".into();
    }
    let verb = |n: usize, one: &'static str, many: &'static str| if n == 1 { one } else { many };
    let mut s = format!(
        "{} of {} {} ready for Persistent Chat",
        c.ready,
        count(c.servers, "server"),
        verb(c.ready, "is", "are")
    );
    let reissue = outcome
        .servers
        .iter()
        .filter(|o| o.status == Status::NotReady && matches!(o.action, Action::Reissue(_)))
        .count();
    let request = outcome
        .servers
        .iter()
        .filter(|o| o.status == Status::NotReady && o.action == Action::Request)
        .count();
    let from = ca.map_or_else(
        || " from the internal servers' CA".to_string(),
        |n| format!(" from {n}"),
    );
    let mut parts = Vec::new();
    if reissue > 0 {
        parts.push(format!(
            "{reissue} {} a new certificate{from}",
            verb(reissue, "needs", "need")
        ));
    }
    if request > 0 {
        parts.push(format!(
            "{request} {} no certificate yet and {} one{from}",
            verb(request, "has", "have"),
            verb(request, "needs", "need")
        ));
    }
    if c.unknown > 0 {
        parts.push(format!(
            "{} could not be decided from the inputs given",
            c.unknown
        ));
    }
    if !parts.is_empty() {
        s.push_str("; ");
        s.push_str(&parts.join("; "));
    }
    s.push('.');
    s
}

/// A reissue reason in the words of a summary: the names to add, or what the rule checks.
fn short_reason(r: &crate::outcome::ReissueReason) -> String {
    match r {
        crate::outcome::ReissueReason::MissingNames { names } => {
            format!("add the names {}", names.join(", "))
        }
        crate::outcome::ReissueReason::Finding { rule, .. } => {
            crate::rules::get(*rule).map_or_else(|| rule.to_string(), |r| r.summary().to_string())
        }
    }
}

/// "What to do" for one server, from its outcome.
fn what_to_do(
    result: &crate::check::CheckResult,
    so: &crate::outcome::ServerOutcome,
    ca: Option<&str>,
) -> String {
    use crate::outcome::Action;
    let from = ca.map_or_else(
        || "the internal servers' CA".to_string(),
        std::string::ToString::to_string,
    );
    match &so.action {
        Action::Ready => "Nothing.".into(),
        Action::Reissue(reasons) => {
            let why = reasons
                .iter()
                .map(short_reason)
                .collect::<Vec<_>>()
                .join("; ");
            if so.status == Status::Ready {
                format!("Nothing is required; at the next renewal: {why}.")
            } else {
                format!("Request a new certificate from {from}: {why}.")
            }
        }
        Action::Request => format!("Request a certificate from {from} (none was found)."),
        Action::Verify => {
            let why = crate::outcome::describe_undecided(result, so);
            if why.is_empty() {
                "Provide what would decide it (see the findings).".into()
            } else {
                why.join(" ")
            }
        }
    }
}

/// The page is written in pieces of about this many bytes.
const PIECE: usize = 1 << 16;

/// Passes what `o` holds on to `out` once it holds a piece.
fn pass_on(o: &mut String, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    if o.len() >= PIECE {
        out.write_all(o.as_bytes())?;
        o.clear();
    }
    Ok(())
}

/// [`crate::check::CheckResult::rules_for`] of every checked server, in their order: one walk
/// of the findings (grouped by server in machine order) when the servers are in machine order,
/// instead of a search per server.
fn rules_by_server(result: &crate::check::CheckResult) -> Vec<Vec<crate::finding::RuleId>> {
    let in_order = result
        .servers
        .windows(2)
        .all(|w| w[0].machine < w[1].machine);
    if !in_order || !result.findings_in_order() {
        return result
            .servers
            .iter()
            .map(|s| result.rules_for(s.machine))
            .collect();
    }
    let key = |f: &Finding| f.machine().map_or(usize::MAX, |m| m.0);
    let mut rest = result.findings.iter().peekable();
    result
        .servers
        .iter()
        .map(|s| {
            while rest.next_if(|f| key(f) < s.machine.0).is_some() {}
            let mut rules = Vec::new();
            while let Some(f) = rest.next_if(|f| key(f) == s.machine.0) {
                rules.push(f.rule);
            }
            rules
        })
        .collect()
}

/// `report`: the whole page, written to `out` as it is made.
pub fn render(v: &View<'_>, out: &mut dyn std::io::Write) -> Result<(), RenderError> {
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
    let failing: BTreeSet<_> = outcome
        .servers
        .iter()
        .filter(|s| s.status == Status::NotReady)
        .map(|s| s.machine)
        .collect();
    let name = file_name(&topo.source.name);
    let ca = ca_name(result);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{} — Persistent Chat certificate readiness</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        esc(name)
    );
    // Title, scope and the one sentence a manager reads.
    let sites: Vec<&str> = topo
        .sites
        .iter()
        .map(|s| s.name.as_deref().unwrap_or(&s.id))
        .collect();
    let pchat: Vec<String> = topo
        .pools
        .iter()
        .enumerate()
        .filter(|(i, _)| graph.pool_kinds[*i] == crate::graph::PoolKind::PersistentChat)
        .map(|(_, p)| fqdn(p.fqdn.as_str()))
        .collect();
    let mut sub = Vec::new();
    if !sites.is_empty() {
        sub.push(format!(
            "{} {}",
            if sites.len() == 1 { "Site" } else { "Sites" },
            esc(&sites.join(", "))
        ));
    }
    if !pchat.is_empty() {
        sub.push(format!(
            "Persistent Chat {} {}",
            if pchat.len() == 1 { "pool" } else { "pools" },
            pchat.join(", ")
        ));
    }
    let (vclass, vtext) = (outcome.verdict.as_str(), outcome.verdict.headline());
    let _ = writeln!(
        o,
        "<header>\n<p class=\"kicker\">Persistent Chat certificate readiness</p>\n<h1>{}</h1>\n<p class=\"sub\">{}</p>\n<p class=\"lead\" id=\"lead\"><span class=\"verdict {vclass}\">{vtext}</span> {}</p>\n</header>",
        esc(name),
        sub.join(" · "),
        esc(&lead_sentence(outcome, ca.as_deref()))
    );
    // Per-site tables: status, issuer, expiry and what to do, on screen and on paper.
    o.push_str("<section id=\"servers\"><h2>Servers</h2>\n");
    if result.servers.is_empty() {
        o.push_str("<p>No file upload/download or Persistent Chat server in this topology.</p>\n");
    }
    // Each pool is in one site group: the servers are bucketed once, in server order.
    let groups = crate::graph::pools_by_site(topo, None);
    let mut group_of = vec![usize::MAX; topo.pools.len()];
    for (i, g) in groups.iter().enumerate() {
        for p in &g.pools {
            group_of[p.0] = i;
        }
    }
    let mut rules_of = rules_by_server(result).into_iter();
    let mut buckets: Vec<Vec<_>> = vec![Vec::new(); groups.len()];
    for (s, so) in result.servers.iter().zip(&outcome.servers) {
        let rules = rules_of.next().unwrap_or_default();
        if let Some(b) = group_of
            .get(topo.machines[s.machine.0].pool.0)
            .and_then(|&i| buckets.get_mut(i))
        {
            b.push((s, so, rules));
        }
    }
    for (g, servers) in groups.iter().zip(buckets) {
        if servers.is_empty() {
            continue;
        }
        let _ = writeln!(
            o,
            "<h3>{}</h3>\n<table class=\"servers\"><thead><tr><th>Server</th><th>Status</th><th>Certificate issuer</th><th>Expires</th><th>What to do</th></tr></thead><tbody>",
            esc(&g.label)
        );
        for (s, so, rules) in servers {
            let m = &topo.machines[s.machine.0];
            let (sclass, stext) = status_class(so.status);
            let note = outcome.status_note(so);
            let stext = if note.is_empty() {
                stext.to_string()
            } else {
                format!("{stext} ({})", esc(&note))
            };
            let several = s.certificates.len() > 1;
            let (issuers, expiries): (Vec<String>, Vec<String>) = if s.certificates.is_empty() {
                (vec!["none found".into()], vec!["—".into()])
            } else {
                s.certificates
                    .iter()
                    .map(|a| {
                        let f = &store.files[a.file];
                        let l = &f.leaf;
                        let usage = if several {
                            format!(
                                "<small>{}:</small> ",
                                esc(&crate::usage::describe(&a.usages))
                            )
                        } else {
                            String::new()
                        };
                        (
                            format!(
                                "{usage}{}<br><small>{}</small>",
                                esc(&l.issuer),
                                esc(&f.origin.short_label())
                            ),
                            format!(
                                "{usage}<span class=\"date\">{}</span>",
                                crate::time::format_date(l.not_after)
                            ),
                        )
                    })
                    .unzip()
            };
            let rules: Vec<String> = rules
                .into_iter()
                .map(|r| format!("<span class=\"id\">{}</span>", r.as_str()))
                .collect();
            let _ = writeln!(
                o,
                "<tr data-server=\"{}\"><td data-label=\"Server\"><span class=\"fqdn\">{}</span><br><small>{} · pool <span class=\"fqdn\">{}</span></small></td><td data-label=\"Status\"><span class=\"verdict {sclass}\">{stext}</span>{}</td><td data-label=\"Issuer\">{}</td><td data-label=\"Expires\">{}</td><td data-label=\"What to do\">{}</td></tr>",
                esc(m.fqdn.as_str()),
                fqdn(m.fqdn.as_str()),
                s.kind.label(),
                fqdn(topo.pools[m.pool.0].fqdn.as_str()),
                if rules.is_empty() {
                    String::new()
                } else {
                    format!("<br><small>{}</small>", rules.join(", "))
                },
                issuers.join("<br>"),
                expiries.join("<br>"),
                esc(&what_to_do(result, so, ca.as_deref()))
            );
            pass_on(&mut o, out)?;
        }
        o.push_str("</tbody></table>\n");
    }
    o.push_str("</section>\n");
    // Findings, one block per rule: why and how to fix once, then every server it concerns.
    o.push_str("<section id=\"findings\"><h2>Findings</h2>\n");
    if result.findings.is_empty() {
        o.push_str("<p>No findings.</p>\n");
    }
    // The findings of each rule, in their order, from one pass over them.
    let ids: Vec<_> = crate::rules::RULES.iter().map(|r| r.id()).collect();
    let mut by_rule: Vec<Vec<&Finding>> = vec![Vec::new(); ids.len()];
    for f in &result.findings {
        if let Some(i) = ids.iter().position(|&id| id == f.rule) {
            by_rule[i].push(f);
        }
    }
    for (rule, of_rule) in crate::rules::RULES.iter().zip(by_rule) {
        let Some(first) = of_rule.first() else {
            continue;
        };
        let sev = first.severity.as_str();
        let _ = writeln!(
            o,
            "<div class=\"rule {sev}\"><h3><span class=\"sev sev-{sev}\">{sev}</span> <span class=\"id\">{}</span> <small>({})</small></h3>\n<p>{}</p>\n<p><b>Why:</b> {}</p>\n<p><b>Fix:</b> {}</p>\n<ul>",
            rule.id(),
            count(of_rule.len(), "finding"),
            esc(rule.summary()),
            esc(rule.why()),
            esc(rule.fix()),
        );
        for f in of_rule {
            let about = match f.machine() {
                Some(m) => format!(
                    "<span class=\"fqdn\">{}</span>",
                    fqdn(topo.machines[m.0].fqdn.as_str())
                ),
                None => "topology and certificate folder".to_string(),
            };
            let mut wher: Vec<String> = location(topo, f).into_iter().collect();
            if let Some(p) = super::finding_file(store, f) {
                wher.push(format!("file <code>{}</code>", path(&p)));
            }
            let _ = writeln!(
                o,
                "<li><b>{about}</b>: <span class=\"msg\">{}</span>{}</li>",
                esc(&f.message),
                if wher.is_empty() {
                    String::new()
                } else {
                    format!(" <small>({})</small>", wher.join(", "))
                }
            );
            pass_on(&mut o, out)?;
        }
        o.push_str("</ul></div>\n");
    }
    o.push_str("</section>\n");
    // Graph: the Persistent Chat part unless all servers were asked for.
    let (svg, scope) = super::svg::render(topo, graph, &failing, v.focus);
    let _ = write!(
        o,
        "<section id=\"graph\"><h2>Topology</h2>\n<p>{}<span class=\"swatch\" style=\"background:#c8e6c9\"></span>runs Persistent Chat file upload/download (⇅)<span class=\"swatch\" style=\"background:#bbdefb\"></span>Persistent Chat<span class=\"swatch\" style=\"border:2px solid #c62828\"></span>not ready (✗)</p>\n<div class=\"graph\">",
        match scope {
            super::svg::Scope::All => "Every pool and server. ",
            super::svg::Scope::PersistentChat => "The Persistent Chat pools, the pools they depend on and their servers (<code>--graph all</code> draws every pool). ",
        }
    );
    // The drawing is written as it is, not copied into the page's buffer, in 64 KiB pieces
    // (what the writer holds at once).
    out.write_all(o.as_bytes())?;
    o.clear();
    for piece in svg.as_bytes().chunks(64 << 10) {
        out.write_all(piece)?;
    }
    drop(svg);
    o.push_str("</div></section>\n");
    // Unreadable files.
    if !store.unreadable.is_empty() {
        o.push_str("<section id=\"unreadable\"><h2>Unreadable certificate files</h2>\n<table class=\"unreadable\"><thead><tr><th>File</th><th>Problem</th></tr></thead><tbody>\n");
        for u in &store.unreadable {
            let _ = writeln!(
                o,
                "<tr><td><code>{}</code></td><td class=\"msg\">{}</td></tr>",
                path(&u.path.display().to_string()),
                esc(&u.error.to_string())
            );
            pass_on(&mut o, out)?;
        }
        o.push_str("</tbody></table></section>\n");
    }
    // How the report was made: inputs, reference CA, settings and the command line's gate.
    let _ = writeln!(
        o,
        "<section id=\"made\"><h2>How this report was made</h2>\n<dl class=\"made\">\n<dt>Topology</dt><dd><code>{}</code> ({})</dd>",
        path(&topo.source.name),
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
    let c = &outcome.counts;
    let _ = writeln!(
        o,
        "<dt>Checked at</dt><dd>{}</dd>\n<dt>Inputs</dt><dd>{}, {}, {}; {}, {} unreadable</dd>\n<dt>Findings</dt><dd>{}, {}, {}</dd>\n<dt>Command line</dt><dd id=\"gate\">{}</dd>\n</dl></section>",
        esc(&crate::time::format_rfc3339(info.checked_at)),
        count(topo.sites.len(), "site"),
        count(topo.pools.len(), "pool"),
        count(topo.machines.len(), "server"),
        count(store.files.len(), "certificate file"),
        store.unreadable.len(),
        count(c.errors, "error"),
        count(c.warnings, "warning"),
        count(c.infos, "note"),
        esc(&outcome.gate_line())
    );
    o.push_str("<footer><p>Made by topocert. A self-contained report: no scripts, no external files.</p></footer>\n</body>\n</html>\n");
    out.write_all(o.as_bytes())?;
    Ok(())
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
