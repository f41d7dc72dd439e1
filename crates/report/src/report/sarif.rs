//! `topocert check --format sarif`: SARIF 2.1.0 for GitHub code scanning. One reporting
//! descriptor per rule, one result per finding located at the machine's element of the
//! topology file (line 1 for findings about no element), with a stable partial fingerprint
//! and, when a baseline is given, a `baselineState`.
//!
//! Written with small `serde` structs rather than the `serde-sarif` object model, and its shape
//! checked against the official schema in tests/it/sarif_schema.rs.

use super::{Each, RenderError, View};
use crate::finding::Severity;
use crate::rules::RULES;
use serde::Serialize;

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

/// `check --format sarif` (and `diff`): written as it is made, each rule's, result's and
/// server's object made when it is written. The run's `properties` carry the verdict, the gate
/// and every server's status, from the outcome. Keys come out sorted, as in a JSON object with
/// sorted keys: every struct below declares its fields in that order.
pub fn render(v: &View<'_>, out: &mut dyn std::io::Write) -> Result<(), RenderError> {
    let checked = v.checked()?;
    let (topo, result, outcome) = (v.topology, &checked.result, &checked.outcome);
    let uri = artifact_uri(&topo.source.name);
    let uri = uri.as_str();
    let run = RunJson {
        properties: PropertiesJson {
            exit_code: outcome.exit_code,
            gate: outcome.gate_sentence(),
            servers: Each(|| {
                result
                    .servers
                    .iter()
                    .zip(&outcome.servers)
                    .map(|(s, so)| server_json(topo, outcome, s, so))
            }),
            settings: checked.settings_note.as_deref(),
            verdict: outcome.verdict.as_str(),
        },
        results: Each(|| {
            result
                .findings
                .iter()
                .enumerate()
                .map(|(i, f)| result_json(topo, outcome, uri, i, f))
        }),
        tool: ToolJson {
            driver: DriverJson {
                information_uri: env!("CARGO_PKG_REPOSITORY"),
                name: "topocert",
                rules: Each(|| RULES.iter().map(|r| rule_json(*r))),
                version: env!("CARGO_PKG_VERSION"),
            },
        },
    };
    let log = LogJson {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: std::slice::from_ref(&run),
        version: "2.1.0",
    };
    super::write_json(&log, out)
}

/// One rule's reporting descriptor.
fn rule_json(r: &dyn crate::rules::Rule) -> RuleJson {
    RuleJson {
        default_configuration: LevelJson {
            level: level(r.severity()),
        },
        full_description: Text {
            text: format!("{}. {}", r.summary(), r.why()),
        },
        help: HelpJson {
            markdown: format!(
                "**{}**\n\n**Why it matters:** {}\n\n**How to fix:** {}",
                crate::report::check_markdown::text(r.summary()),
                crate::report::check_markdown::text(r.why()),
                crate::report::check_markdown::text(r.fix())
            ),
            text: format!("{}\n\nWhy: {}\n\nFix: {}", r.summary(), r.why(), r.fix()),
        },
        help_uri: help_uri(r),
        id: r.id(),
        name: pascal(r.id().as_str()),
        short_description: Text { text: r.summary() },
    }
}

/// The result of finding `i`, located at its element (line 1 for findings about no element).
fn result_json<'a>(
    topo: &'a crate::model::Topology,
    outcome: &'a crate::outcome::Outcome,
    uri: &'a str,
    i: usize,
    f: &'a crate::finding::Finding,
) -> ResultJson<'a> {
    let (line, column) = f.span.map_or((1, 1), |s| topo.source.line_col(s.start));
    ResultJson {
        baseline_state: outcome.has_baseline.then(|| {
            if outcome.is_baselined(i) {
                "unchanged"
            } else {
                "new"
            }
        }),
        level: level(f.severity),
        locations: [LocationJson {
            physical_location: PhysicalJson {
                artifact_location: UriJson { uri },
                region: RegionJson {
                    start_column: column,
                    start_line: line,
                },
            },
        }],
        message: Text { text: &f.message },
        partial_fingerprints: FingerprintsJson {
            finding: &outcome.findings[i].fingerprint,
        },
        properties: f.machine().map(|m| ServerRef {
            server: topo.machines[m.0].fqdn.as_str(),
        }),
        rule_id: f.rule,
        rule_index: RULES.iter().position(|r| r.id() == f.rule).unwrap_or(0),
    }
}

/// One server's entry in the run's `properties`.
fn server_json<'a>(
    topo: &'a crate::model::Topology,
    outcome: &'a crate::outcome::Outcome,
    s: &'a crate::check::CheckedServer,
    so: &'a crate::outcome::ServerOutcome,
) -> ServerJson<'a> {
    ServerJson {
        action: so.action.as_str(),
        fqdn: topo.machines[s.machine.0].fqdn.as_str(),
        status: so.status.as_str(),
        status_note: Some(outcome.status_note(so)).filter(|n| !n.is_empty()),
    }
}

// The SARIF log's objects; fields in sorted key order (see `render`).

#[derive(Serialize)]
struct LogJson<'a, R> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: &'a [R],
    version: &'static str,
}

#[derive(Serialize)]
struct RunJson<'a, S, F, R> {
    properties: PropertiesJson<'a, S>,
    results: F,
    tool: ToolJson<R>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PropertiesJson<'a, S> {
    exit_code: u8,
    gate: String,
    servers: S,
    #[serde(skip_serializing_if = "Option::is_none")]
    settings: Option<&'a str>,
    verdict: &'static str,
}

#[derive(Serialize)]
struct ToolJson<R> {
    driver: DriverJson<R>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DriverJson<R> {
    information_uri: &'static str,
    name: &'static str,
    rules: R,
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleJson {
    default_configuration: LevelJson,
    full_description: Text<String>,
    help: HelpJson,
    help_uri: String,
    id: crate::finding::RuleId,
    name: String,
    short_description: Text<&'static str>,
}

#[derive(Serialize)]
struct LevelJson {
    level: &'static str,
}

#[derive(Serialize)]
struct Text<T> {
    text: T,
}

#[derive(Serialize)]
struct HelpJson {
    markdown: String,
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_state: Option<&'static str>,
    level: &'static str,
    locations: [LocationJson<'a>; 1],
    message: Text<&'a str>,
    partial_fingerprints: FingerprintsJson<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ServerRef<'a>>,
    rule_id: crate::finding::RuleId,
    rule_index: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LocationJson<'a> {
    physical_location: PhysicalJson<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalJson<'a> {
    artifact_location: UriJson<'a>,
    region: RegionJson,
}

#[derive(Serialize)]
struct UriJson<'a> {
    uri: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RegionJson {
    start_column: usize,
    start_line: usize,
}

#[derive(Serialize)]
struct FingerprintsJson<'a> {
    #[serde(rename = "topocertFinding/v2")]
    finding: &'a str,
}

#[derive(Serialize)]
struct ServerRef<'a> {
    server: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ServerJson<'a> {
    action: &'static str,
    fqdn: &'a str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_note: Option<String>,
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
