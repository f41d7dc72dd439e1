//! The gate's inputs: what makes a run fail (`--fail-on`), the baseline of known findings
//! (`--baseline`), and finding fingerprints. [`crate::outcome::decide`] applies them once.
//!
//! A finding's fingerprint never uses line numbers, byte offsets, message text or counts, so it
//! survives re-indenting, reordering attributes and changing line endings of the topology: it
//! hashes the rule id, the subject (lower-case server FQDN and its certificate's thumbprint,
//! pool FQDN, certificate file name, or the topology) and the finding's key.

use crate::certs::CertStore;
use crate::check::CheckResult;
use crate::finding::{Finding, Severity, Subject};
use crate::model::Topology;
use miette::Diagnostic;
use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// What makes the run fail (exit code 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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
    /// Every value, in the order `--help` lists them.
    pub const ALL: [FailOn; 3] = [FailOn::Error, FailOn::Warning, FailOn::Never];
    /// `error`, `warning` or `never`.
    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::Error => "error",
            FailOn::Warning => "warning",
            FailOn::Never => "never",
        }
    }
    /// The value named `s` (as [`Self::as_str`] writes it).
    pub fn parse(s: &str) -> Option<FailOn> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }
    /// Whether a finding of this severity fails the run.
    pub fn fails(self, sev: Severity) -> bool {
        match self {
            FailOn::Error => sev >= Severity::Error,
            FailOn::Warning => sev >= Severity::Warning,
            FailOn::Never => false,
        }
    }
}

/// The current baseline file layout (2: fingerprints from rule + subject + key).
pub(crate) const BASELINE_VERSION: u32 = 2;

/// Largest baseline read, in bytes (a finding takes about 200 bytes).
pub const MAX_BASELINE_SIZE: u64 = 64 * 1024 * 1024;

/// A baseline file: the findings accepted when it was written (docs/ci.md#baseline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    /// Always `BASELINE_VERSION`.
    pub version: u32,
    /// The accepted findings, sorted by fingerprint (kept private so they stay sorted).
    findings: Vec<BaselineEntry>,
}

/// One accepted finding. Only `fingerprint` is matched; the rest is for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct BaselineEntry {
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
    #[error("cannot read baseline {path}: {cause}")]
    #[diagnostic(code(topocert::baseline_io))]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        cause: std::io::Error,
    },
    /// A FIFO, device or socket: only regular files are read.
    #[error("baseline {} is {kind}, not a regular file", path.display())]
    #[diagnostic(code(topocert::baseline_not_a_file))]
    NotAFile {
        /// The file.
        path: PathBuf,
        /// What it is.
        kind: &'static str,
    },
    /// Larger than [`MAX_BASELINE_SIZE`].
    #[error("baseline {} is {size} bytes; baselines are limited to {limit} bytes", path.display())]
    #[diagnostic(code(topocert::baseline_too_large))]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size (or the bytes read, when more than the limit).
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Not a baseline.
    #[error("baseline {path} is not a topocert baseline: {cause}")]
    #[diagnostic(
        code(topocert::baseline_format),
        help("write one with `topocert check ... --write-baseline FILE`")
    )]
    Format {
        /// The file.
        path: PathBuf,
        /// Why.
        cause: serde_json::Error,
    },
    /// A layout this version does not read.
    #[error(
        "baseline {path} has version {version}; this topocert reads version {BASELINE_VERSION}"
    )]
    #[diagnostic(
        code(topocert::baseline_version),
        help("fingerprints changed in version 2: write the baseline again with --write-baseline FILE")
    )]
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
        use crate::input::ReadError;
        let bytes = crate::input::read_file(path, MAX_BASELINE_SIZE).map_err(|e| match e {
            ReadError::Io { path, cause } => BaselineError::Io { path, cause },
            ReadError::NotAFile { path, kind } => BaselineError::NotAFile {
                path,
                kind: kind.describe(),
            },
            ReadError::TooLarge { path, size, limit } => {
                BaselineError::TooLarge { path, size, limit }
            }
        })?;
        Baseline::parse(&bytes).map_err(|e| match e {
            ParseError::Json(source) => BaselineError::Format {
                path: path.to_path_buf(),
                cause: source,
            },
            ParseError::Version(version) => BaselineError::Version {
                path: path.to_path_buf(),
                version,
            },
        })
    }

    /// Parses a baseline's bytes (UTF-8 JSON; a leading byte order mark is allowed).
    pub fn parse(bytes: &[u8]) -> Result<Baseline, ParseError> {
        let text = crate::input::strip_utf8_bom(bytes);
        let mut b: Baseline = serde_json::from_slice(text).map_err(ParseError::Json)?;
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
                    .machine()
                    .map(|m| topo.machines[m.0].fqdn.folded().to_string()),
                message: f.message.to_string(),
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
    pub fn contains(&self, fp: &str) -> bool {
        self.findings
            .binary_search_by(|e| e.fingerprint.as_str().cmp(fp))
            .is_ok()
    }
}

/// Why baseline bytes are not a baseline.
#[derive(Debug)]
pub enum ParseError {
    /// Not the JSON of a baseline.
    Json(serde_json::Error),
    /// A version this topocert does not read.
    Version(u32),
}

/// A stable fingerprint of a finding: hex SHA-1 of the rule id, its subject and its key. A
/// server subject is its lower-case FQDN and the thumbprint of the certificate checked (a new
/// certificate is a new finding); a pool its lower-case FQDN; a certificate file its file name
/// (not its folder); the topology a fixed word.
pub fn fingerprint(
    topo: &Topology,
    store: &CertStore,
    result: &CheckResult,
    f: &Finding,
) -> String {
    let mut parts: Vec<String> = vec![f.rule.to_string()];
    match &f.subject {
        Subject::Server(m) => {
            parts.push(format!("server:{}", topo.machines[m.0].fqdn.folded()));
            let thumb = f
                .certificate
                .or_else(|| {
                    result
                        .server(*m)
                        .and_then(|s| s.assignment())
                        .map(|a| a.file)
                })
                .map(|i| store.files[i].leaf.sha1_thumbprint.to_string())
                .unwrap_or_default();
            parts.push(thumb);
        }
        Subject::Pool(p) => parts.push(format!("pool:{}", topo.pools[p.0].fqdn.folded())),
        Subject::CertificateFile(p) => parts.push(format!(
            "file:{}",
            crate::certs::short_name(p).to_ascii_lowercase()
        )),
        Subject::Topology => parts.push("topology".into()),
    }
    parts.push(f.key.clone());
    let digest = Sha1::digest(parts.join("\n").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
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
        let text = r#"{"version":2,"findings":[
            {"fingerprint":"ff","rule":"expired"},
            {"fingerprint":"0a","rule":"expired"},
            {"fingerprint":"7c","rule":"weak-key"}]}"#;
        let b = Baseline::parse(text.as_bytes()).unwrap_or_else(|_| panic!("parses"));
        for fp in ["ff", "0a", "7c"] {
            assert!(b.contains(fp), "{fp}");
        }
        assert!(!b.contains("00"));
    }

    #[test]
    fn baseline_version_and_format_are_checked() {
        let ok = r#"{"version":2,"findings":[{"fingerprint":"ab","rule":"expired"}]}"#;
        let b = Baseline::parse(ok.as_bytes()).unwrap_or_else(|_| panic!("parses"));
        assert!(b.contains("ab"));
        assert!(!b.contains("cd"));
        assert!(matches!(
            Baseline::parse(br#"{"version":1,"findings":[]}"#),
            Err(ParseError::Version(1))
        ));
        assert!(matches!(Baseline::parse(b"[]"), Err(ParseError::Json(_))));
    }
}
