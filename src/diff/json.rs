//! `diff --format json`: the diff and the verdicts of the added or moved servers (docs/diff.md).

use crate::check::CheckResult;
use crate::diff::TopologyDiff;
use crate::model::Topology;
use crate::rules::Severity;
use serde::Serialize;

/// Version of the `diff` JSON document; bumped on incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;

/// One finding about an added or moved server.
#[derive(Debug, Serialize)]
pub struct JsonFinding {
    /// Rule id.
    pub rule: &'static str,
    /// Severity.
    pub severity: Severity,
    /// Server FQDN.
    pub server: String,
    /// The message.
    pub message: String,
}

/// The certificate verdicts of the servers the change adds or moves.
#[derive(Debug, Serialize)]
pub struct JsonCheck {
    /// Server FQDNs checked.
    pub servers: Vec<String>,
    /// Number of error findings.
    pub errors: usize,
    /// Number of warning findings.
    pub warnings: usize,
    /// The findings.
    pub findings: Vec<JsonFinding>,
}

/// The JSON document.
#[derive(Debug, Serialize)]
pub struct JsonDiff<'a> {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// True when nothing changed.
    pub empty: bool,
    /// The changes.
    pub changes: &'a TopologyDiff,
    /// Certificate verdicts (only with `--certs` or `--inventory`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<JsonCheck>,
}

/// Builds the JSON document.
pub fn build<'a>(d: &'a TopologyDiff, new: &Topology, check: Option<&CheckResult>) -> JsonDiff<'a> {
    let fqdn = |m: crate::model::MachineIdx| new.machines[m.0].fqdn.to_string();
    JsonDiff {
        schema_version: SCHEMA_VERSION,
        empty: d.is_empty(),
        changes: d,
        check: check.map(|r| JsonCheck {
            servers: r.servers.iter().map(|s| fqdn(s.machine)).collect(),
            errors: r.count(Severity::Error),
            warnings: r.count(Severity::Warning),
            findings: r
                .findings
                .iter()
                .map(|f| JsonFinding {
                    rule: f.rule,
                    severity: f.severity,
                    server: f.machine.map(fqdn).unwrap_or_default(),
                    message: f.message.clone(),
                })
                .collect(),
        }),
    }
}
