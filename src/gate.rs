//! The gate: which findings make `check` fail (`--fail-on`), and which are already known
//! (`--baseline`). Shared by every output format and by commands that reuse a [`CheckResult`].
//!
//! A finding's fingerprint never uses line numbers or byte offsets, so it survives
//! re-indenting, reordering attributes and changing line endings of the topology: it hashes
//! the rule id, the lower-case server FQDN and the certificate's thumbprint (or, for a finding
//! about no server, the certificate file's name or the message).

use crate::certs::CertStore;
use crate::check::CheckResult;
use crate::model::Topology;
use crate::rules::{Finding, Severity};
use miette::Diagnostic;
use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// What makes the run fail (exit code 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FailOn {
    /// A new error finding.
    #[default]
    Error,
    /// A new error or warning finding.
    Warning,
    /// Nothing: always exit 0 once the check ran.
    Never,
}

impl FailOn {
    /// Whether a finding of this severity fails the run.
    pub fn fails(self, sev: Severity) -> bool {
        match self {
            FailOn::Error => sev >= Severity::Error,
            FailOn::Warning => sev >= Severity::Warning,
            FailOn::Never => false,
        }
    }
}

/// The current baseline file layout.
pub const BASELINE_VERSION: u32 = 1;

/// A baseline file: the findings accepted when it was written (docs/ci.md#baseline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    /// Always [`BASELINE_VERSION`].
    pub version: u32,
    /// The accepted findings, sorted by fingerprint (kept private so they stay sorted).
    findings: Vec<BaselineEntry>,
}

/// One accepted finding. Only `fingerprint` is matched; the rest is for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineEntry {
    /// Stable fingerprint ([`fingerprint`]).
    pub fingerprint: String,
    /// Rule id.
    pub rule: String,
    /// Server FQDN, if the finding is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// The message when it was written.
    #[serde(default)]
    pub message: String,
}

/// A baseline file that cannot be used (exit code 2).
#[derive(Debug, Error, Diagnostic)]
pub enum BaselineError {
    /// Unreadable file.
    #[error("cannot read baseline {path}: {source}")]
    #[diagnostic(code(topocert::baseline_io))]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Not a baseline.
    #[error("baseline {path} is not a topocert baseline: {source}")]
    #[diagnostic(
        code(topocert::baseline_format),
        help("write one with `topocert check ... --write-baseline FILE`")
    )]
    Format {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: serde_json::Error,
    },
    /// A layout this version does not read.
    #[error(
        "baseline {path} has version {version}; this topocert reads version {BASELINE_VERSION}"
    )]
    #[diagnostic(code(topocert::baseline_version))]
    Version {
        /// The file.
        path: PathBuf,
        /// Its version.
        version: u32,
    },
}

impl Baseline {
    /// Reads a baseline file.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Baseline::parse(&text).map_err(|e| match e {
            ParseError::Json(source) => BaselineError::Format {
                path: path.to_path_buf(),
                source,
            },
            ParseError::Version(version) => BaselineError::Version {
                path: path.to_path_buf(),
                version,
            },
        })
    }

    fn parse(text: &str) -> Result<Baseline, ParseError> {
        let mut b: Baseline = serde_json::from_str(text).map_err(ParseError::Json)?;
        if b.version != BASELINE_VERSION {
            return Err(ParseError::Version(b.version));
        }
        // A hand-edited baseline may be in any order; `contains` searches a sorted list.
        b.findings.sort_by(|x, y| x.fingerprint.cmp(&y.fingerprint));
        Ok(b)
    }

    /// The baseline accepting every finding of a check.
    pub fn from_result(topo: &Topology, store: &CertStore, result: &CheckResult) -> Baseline {
        let mut findings: Vec<BaselineEntry> = result
            .findings
            .iter()
            .map(|f| BaselineEntry {
                fingerprint: fingerprint(topo, store, result, f),
                rule: f.rule.to_string(),
                server: f
                    .machine
                    .map(|m| topo.machines[m.0].fqdn.folded().to_string()),
                message: f.message.clone(),
            })
            .collect();
        findings.sort_by(|a, b| a.fingerprint.cmp(&b.fingerprint));
        findings.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        Baseline {
            version: BASELINE_VERSION,
            findings,
        }
    }

    /// Pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Whether the baseline accepts a fingerprint (binary search: findings are kept sorted).
    fn contains(&self, fp: &str) -> bool {
        self.findings
            .binary_search_by(|e| e.fingerprint.as_str().cmp(fp))
            .is_ok()
    }
}

enum ParseError {
    Json(serde_json::Error),
    Version(u32),
}

/// A stable fingerprint of a finding: hex SHA-1 of `rule`, the lower-case server FQDN and the
/// thumbprint of its certificate (and, about a fetched endpoint, its usage and port); for a
/// finding about no server, of `rule`, the certificate
/// file's name (not its folder) or else the message.
pub fn fingerprint(
    topo: &Topology,
    store: &CertStore,
    result: &CheckResult,
    f: &Finding,
) -> String {
    let mut parts: Vec<String> = vec![f.rule.to_string()];
    match f.machine {
        Some(m) => {
            parts.push(topo.machines[m.0].fqdn.folded().to_string());
            let thumb = result
                .server(m)
                .and_then(|s| s.assignment.as_ref())
                .map(|a| store.files[a.file].leaf.sha1_thumbprint.clone())
                .unwrap_or_default();
            parts.push(thumb);
            if let Some(e) = &f.endpoint {
                parts.push(format!("{}:{}", e.usage.key(), e.port));
            }
        }
        None => match &f.file {
            Some(p) => parts.push(crate::certs::load::short_name(p).to_ascii_lowercase()),
            None => parts.push(f.message.clone()),
        },
    }
    let digest = Sha1::digest(parts.join("\n").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The gate's verdict on a check: per finding, its fingerprint and whether the baseline has it.
#[derive(Debug, Clone)]
pub struct Gate {
    /// What fails the run.
    pub fail_on: FailOn,
    /// Fingerprint of each finding, in `CheckResult::findings` order.
    pub fingerprints: Vec<String>,
    /// Whether each finding is in the baseline, in the same order.
    pub baselined: Vec<bool>,
    /// Whether a baseline was given.
    pub has_baseline: bool,
}

impl Gate {
    /// Evaluates a check against `--fail-on` and an optional baseline.
    pub fn evaluate(
        topo: &Topology,
        store: &CertStore,
        result: &CheckResult,
        fail_on: FailOn,
        baseline: Option<&Baseline>,
    ) -> Gate {
        let fingerprints: Vec<String> = result
            .findings
            .iter()
            .map(|f| fingerprint(topo, store, result, f))
            .collect();
        let baselined = fingerprints
            .iter()
            .map(|fp| baseline.is_some_and(|b| b.contains(fp)))
            .collect();
        Gate {
            fail_on,
            fingerprints,
            baselined,
            has_baseline: baseline.is_some(),
        }
    }

    /// Whether finding `i` is in the baseline.
    pub fn is_baselined(&self, i: usize) -> bool {
        self.baselined.get(i).copied().unwrap_or(false)
    }

    /// Whether finding `i` (of severity `sev`) fails the run: new and at or above `--fail-on`.
    pub fn finding_fails(&self, i: usize, sev: Severity) -> bool {
        !self.is_baselined(i) && self.fail_on.fails(sev)
    }

    /// Whether the run fails.
    pub fn fails(&self, result: &CheckResult) -> bool {
        result
            .findings
            .iter()
            .enumerate()
            .any(|(i, f)| self.finding_fails(i, f.severity))
    }

    /// Number of findings in the baseline.
    pub fn baselined_count(&self) -> usize {
        self.baselined.iter().filter(|b| **b).count()
    }

    /// Lower-case FQDNs of the servers with a finding that fails the run.
    pub fn failing_servers(&self, topo: &Topology, result: &CheckResult) -> BTreeSet<String> {
        result
            .findings
            .iter()
            .enumerate()
            .filter(|(i, f)| self.finding_fails(*i, f.severity))
            .filter_map(|(_, f)| f.machine)
            .map(|m| topo.machines[m.0].fqdn.folded().to_string())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_on_levels() {
        assert!(FailOn::Error.fails(Severity::Error));
        assert!(!FailOn::Error.fails(Severity::Warning));
        assert!(FailOn::Warning.fails(Severity::Warning));
        assert!(!FailOn::Warning.fails(Severity::Info));
        assert!(!FailOn::Never.fails(Severity::Error));
    }

    #[test]
    fn hand_edited_baseline_in_any_order_still_matches() {
        let text = r#"{"version":1,"findings":[
            {"fingerprint":"ff","rule":"expired"},
            {"fingerprint":"0a","rule":"expired"},
            {"fingerprint":"7c","rule":"weak-key"}]}"#;
        let b = Baseline::parse(text).unwrap_or_else(|_| panic!("parses"));
        for fp in ["ff", "0a", "7c"] {
            assert!(b.contains(fp), "{fp}");
        }
        assert!(!b.contains("00"));
    }

    #[test]
    fn baseline_version_and_format_are_checked() {
        let ok = r#"{"version":1,"findings":[{"fingerprint":"ab","rule":"expired"}]}"#;
        let b = Baseline::parse(ok).unwrap_or_else(|_| panic!("parses"));
        assert!(b.contains("ab"));
        assert!(!b.contains("cd"));
        assert!(matches!(
            Baseline::parse(r#"{"version":2,"findings":[]}"#),
            Err(ParseError::Version(2))
        ));
        assert!(matches!(Baseline::parse("[]"), Err(ParseError::Json(_))));
    }
}
