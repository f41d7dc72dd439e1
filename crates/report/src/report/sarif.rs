//! `topocert check --format sarif`: SARIF 2.1.0 for GitHub code scanning. One reporting
//! descriptor per rule, one result per finding located at the machine's element of the
//! topology file (line 1 for findings about no element), with a stable partial fingerprint
//! and, when a baseline is given, a `baselineState`.
//!
//! Written with `serde_json` values rather than the `serde-sarif` object model: the document
//! is small, and its shape is checked against the official schema in tests/it/sarif_schema.rs.

use super::{RenderError, View};
use crate::finding::Severity;
use crate::rules::RULES;
use serde_json::{json, Value};

/// The SARIF level of a severity.
pub fn level(sev: Severity) -> &'static str {
    match sev {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// `missing-certificate` → `MissingCertificate`.
fn pascal(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The artifact URI of the topology, valid as RFC 3986 on every system: a relative path stays
/// a relative reference (`/` separators), an absolute one becomes a `file` URI — `/x/y.xml`
/// → `file:///x/y.xml`, `C:\\x\\y.xml` → `file:///C:/x/y.xml`, `\\\\host\\share\\y.xml` →
/// `file://host/share/y.xml` — and every byte outside the unreserved characters is
/// percent-encoded (UTF-8).
pub(crate) fn artifact_uri(path: &str) -> String {
    let mut p = path.replace('\\', "/");
    while let Some(rest) = p.strip_prefix("./") {
        p = rest.to_string();
    }
    let drive = p.len() >= 2
        && p.as_bytes()[0].is_ascii_alphabetic()
        && p.as_bytes()[1] == b':'
        && (p.len() == 2 || p.as_bytes()[2] == b'/');
    let encode = |s: &str| -> String {
        let mut out = String::with_capacity(s.len());
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    };
    if drive {
        format!("file:///{}:{}", &p[..1], encode(&p[2..]))
    } else if let Some(unc) = p.strip_prefix("//") {
        format!("file://{}", encode(unc))
    } else if p.starts_with('/') {
        format!("file://{}", encode(&p))
    } else {
        encode(&p)
    }
}

/// Where a rule is documented: the page or RFC it enforces, else the README's rule table.
fn help_uri(r: &dyn crate::rules::Rule) -> String {
    r.source().url().unwrap_or_else(|| {
        format!(
            "{}#what-check-looks-at",
            env!("CARGO_PKG_REPOSITORY").trim_end_matches('/')
        )
    })
}

/// `check --format sarif` (and `diff`).
pub fn render(v: &View<'_>, out: &mut dyn std::io::Write) -> Result<(), RenderError> {
    super::write_json(&build(v)?, out)
}

/// Builds the SARIF log. The run's `properties` carry the verdict, the gate and every
/// server's status, from the outcome.
pub fn build(v: &View<'_>) -> Result<Value, RenderError> {
    let checked = v.checked()?;
    let (topo, result, outcome) = (v.topology, &checked.result, &checked.outcome);
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.id(),
                "name": pascal(r.id().as_str()),
                "shortDescription": { "text": r.summary() },
                "fullDescription": { "text": format!("{}. {}", r.summary(), r.why()) },
                "help": {
                    "text": format!("{}\n\nWhy: {}\n\nFix: {}", r.summary(), r.why(), r.fix()),
                    "markdown": format!(
                        "**{}**\n\n**Why it matters:** {}\n\n**How to fix:** {}",
                        crate::report::check_markdown::text(r.summary()),
                        crate::report::check_markdown::text(r.why()),
                        crate::report::check_markdown::text(r.fix())
                    ),
                },
                "helpUri": help_uri(*r),
                "defaultConfiguration": { "level": level(r.severity()) },
            })
        })
        .collect();
    let uri = artifact_uri(&topo.source.name);
    let results: Vec<Value> = result
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let (line, column) = f.span.map_or((1, 1), |s| topo.source.line_col(s.start));
            let mut r = json!({
                "ruleId": f.rule,
                "ruleIndex": RULES.iter().position(|r| r.id() == f.rule).unwrap_or(0),
                "level": level(f.severity),
                "message": { "text": f.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri },
                        "region": { "startLine": line, "startColumn": column },
                    },
                }],
                "partialFingerprints": { "topocertFinding/v2": outcome.findings[i].fingerprint },
            });
            if let Some(m) = f.machine() {
                r["properties"] = json!({ "server": topo.machines[m.0].fqdn.as_str() });
            }
            if outcome.has_baseline {
                r["baselineState"] = json!(if outcome.is_baselined(i) {
                    "unchanged"
                } else {
                    "new"
                });
            }
            r
        })
        .collect();
    let servers: Vec<Value> = result
        .servers
        .iter()
        .zip(&outcome.servers)
        .map(|(s, so)| {
            let mut v = json!({
                "fqdn": topo.machines[s.machine.0].fqdn.as_str(),
                "status": so.status.as_str(),
                "action": so.action.as_str(),
            });
            let note = outcome.status_note(so);
            if !note.is_empty() {
                v["statusNote"] = json!(note);
            }
            v
        })
        .collect();
    let mut log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "topocert",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules,
                },
            },
            "results": results,
            "properties": {
                "verdict": outcome.verdict.as_str(),
                "exitCode": outcome.exit_code,
                "gate": outcome.gate_sentence(),
                "servers": servers,
            },
        }],
    });
    if let Some(note) = &checked.settings_note {
        log["runs"][0]["properties"]["settings"] = json!(note);
    }
    Ok(log)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_and_names() {
        assert_eq!(artifact_uri("./topo/my top.xml"), "topo/my%20top.xml");
        assert_eq!(artifact_uri("a\\b.xml"), "a/b.xml");
        assert_eq!(artifact_uri("/x/y.xml"), "file:///x/y.xml");
        assert_eq!(
            artifact_uri("C:\\Users\\Lync Admin\\topology.xml"),
            "file:///C:/Users/Lync%20Admin/topology.xml"
        );
        assert_eq!(artifact_uri("c:/t.xml"), "file:///c:/t.xml");
        assert_eq!(
            artifact_uri("\\\\fs01\\share\\topology.xml"),
            "file://fs01/share/topology.xml"
        );
        assert_eq!(
            artifact_uri("topologies/Zürich [1].xml"),
            "topologies/Z%C3%BCrich%20%5B1%5D.xml"
        );
        // A relative path whose first segment has a colon is not a drive.
        assert_eq!(artifact_uri("ab:c.xml"), "ab%3Ac.xml");
        assert_eq!(pascal("no-server-auth-eku"), "NoServerAuthEku");
        assert_eq!(level(Severity::Info), "note");
    }
}
