//! `topocert.toml`: the settings an admin gives every run (CA files, certificate folder,
//! inventory, expiry warning days, rule severities and ignored rules), read from the current
//! folder or `--config FILE`, and merged with the command line by [`merge`], where flags win.
//!
//! Unknown keys, wrong types, unknown rule ids and unknown severities are errors that point at
//! the line and column in the file (exit code 2). Relative paths are relative to the folder
//! of the file. The format is described in docs/config.md.

use crate::rules::{RuleId, Severity, RULES};
use crate::source::Src;
use miette::{Diagnostic, SourceSpan};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use thiserror::Error;
use toml::Spanned;

/// The file looked for in the current folder when `--config` is not given.
pub const FILE_NAME: &str = "topocert.toml";

/// Largest configuration file read, in bytes.
pub const MAX_FILE_SIZE: u64 = 1024 * 1024;

/// `expiry-warn-days` when neither the file nor the command line gives it.
pub const DEFAULT_EXPIRY_WARN_DAYS: u32 = 30;

/// A configuration file that cannot be used (exit code 2).
#[derive(Debug, Error, Diagnostic)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config {path}: {cause}")]
    #[diagnostic(code(topocert::config_io))]
    Io {
        /// The file.
        path: String,
        /// Why.
        cause: std::io::Error,
    },
    /// A FIFO, device or socket: only regular files are read.
    #[error("config {path} is {kind}, not a regular file")]
    #[diagnostic(code(topocert::config_not_a_file))]
    NotAFile {
        /// The file.
        path: String,
        /// What it is.
        kind: &'static str,
    },
    /// Larger than [`MAX_FILE_SIZE`].
    #[error("config {path} is {size} bytes; the limit is {MAX_FILE_SIZE} bytes")]
    #[diagnostic(code(topocert::config_too_large))]
    TooLarge {
        /// The file.
        path: String,
        /// Its size.
        size: u64,
    },
    /// Not TOML, an unknown key, or a value of the wrong type.
    #[error("config {path}: {message}")]
    #[diagnostic(
        code(topocert::config_invalid),
        help("the keys are ca, certs, inventory, expiry-warn-days, ignore and the [severity] table (docs/config.md)")
    )]
    Invalid {
        /// The file.
        path: String,
        /// What the TOML reader reported.
        message: String,
        /// The file's text.
        #[source_code]
        src: Src,
        /// Where.
        #[label("here")]
        at: Option<SourceSpan>,
    },
    /// A rule id that does not exist, in `[severity]` or `ignore`.
    #[error("config {path}: no rule `{given}`{}", suggestion.map(|s| format!("; did you mean `{s}`?")).unwrap_or_default())]
    #[diagnostic(code(topocert::config_unknown_rule), help("the rules are: {}", crate::explain::ids().join(", ")))]
    UnknownRule {
        /// The file.
        path: String,
        /// The id as written.
        given: String,
        /// The closest rule id, if any is close.
        suggestion: Option<&'static str>,
        /// The file's text.
        #[source_code]
        src: Src,
        /// Where.
        #[label("unknown rule")]
        at: SourceSpan,
    },
    /// A severity other than `error`, `warning` or `info`.
    #[error("config {path}: severity `{given}` of {rule} is not error, warning or info")]
    #[diagnostic(code(topocert::config_severity))]
    BadSeverity {
        /// The file.
        path: String,
        /// The rule.
        rule: RuleId,
        /// The severity as written.
        given: String,
        /// The file's text.
        #[source_code]
        src: Src,
        /// Where.
        #[label("error, warning or info")]
        at: SourceSpan,
    },
}

/// The file as TOML gives it, before rule ids and severities are checked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    ca: Vec<PathBuf>,
    certs: Option<PathBuf>,
    inventory: Option<PathBuf>,
    expiry_warn_days: Option<u32>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
}

/// A configuration file, read and checked. Paths are resolved against the file's folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// The file it was read from.
    pub path: PathBuf,
    /// `ca`: the internal servers' CA certificates.
    pub ca: Vec<PathBuf>,
    /// `certs`: the certificate folder.
    pub certs: Option<PathBuf>,
    /// `inventory`: the certificate inventory.
    pub inventory: Option<PathBuf>,
    /// `expiry-warn-days`.
    pub expiry_warn_days: Option<u32>,
    /// `[severity]`: rule id → the severity its findings get instead of the rule's own.
    pub severity: BTreeMap<RuleId, Severity>,
    /// `ignore`: rule ids whose findings are dropped.
    pub ignore: BTreeSet<RuleId>,
}

/// The rule `given` names exactly, or `None`.
fn known_rule(given: &str) -> Option<RuleId> {
    RULES.iter().map(|r| r.id()).find(|id| id.as_str() == given)
}

/// Parses a rule id given on the command line (`--ignore RULE`): the id, or a message with the
/// nearest id, for clap's `value_parser`.
pub fn parse_rule_id(given: &str) -> Result<RuleId, String> {
    known_rule(given).ok_or_else(|| match crate::explain::nearest(given) {
        Some(s) => format!("no rule `{given}`; did you mean `{s}`?"),
        None => format!(
            "no rule `{given}`; the rules are: {}",
            crate::explain::ids().join(", ")
        ),
    })
}

fn parse_severity(s: &str) -> Option<Severity> {
    match s {
        "error" => Some(Severity::Error),
        "warning" => Some(Severity::Warning),
        "info" => Some(Severity::Info),
        _ => None,
    }
}

impl Config {
    /// Reads `path`: see [`Config::parse`].
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        use crate::input::ReadError;
        let name = path.display().to_string();
        let io = |cause| ConfigError::Io {
            path: name.clone(),
            cause,
        };
        let bytes = crate::input::read_file(path, MAX_FILE_SIZE).map_err(|e| match e {
            ReadError::Io { cause, .. } => io(cause),
            ReadError::NotAFile { kind, .. } => ConfigError::NotAFile {
                path: name.clone(),
                kind: kind.describe(),
            },
            ReadError::TooLarge { size, .. } => ConfigError::TooLarge {
                path: name.clone(),
                size,
            },
        })?;
        let bytes = crate::input::strip_utf8_bom(&bytes).to_vec();
        let text = String::from_utf8(bytes).map_err(|_| {
            io(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "stream did not contain valid UTF-8",
            ))
        })?;
        Config::parse(path, text)
    }

    /// Parses the text of the file at `path`; relative paths in it are made relative to the
    /// folder of `path`.
    pub fn parse(path: &Path, text: String) -> Result<Config, ConfigError> {
        let name = path.display().to_string();
        let text = Arc::new(text);
        let src = || Src::new(name.clone(), text.clone());
        let raw: RawConfig = toml::from_str(&text).map_err(|e| ConfigError::Invalid {
            path: name.clone(),
            message: e.message().trim_end().to_string(),
            src: src(),
            at: e.span().map(|r| SourceSpan::new(r.start.into(), r.len())),
        })?;
        let span = |r: std::ops::Range<usize>| SourceSpan::new(r.start.into(), r.len());
        let rule = |given: &Spanned<String>| {
            known_rule(given.get_ref()).ok_or_else(|| ConfigError::UnknownRule {
                path: name.clone(),
                given: given.get_ref().clone(),
                suggestion: crate::explain::nearest(given.get_ref()),
                src: src(),
                at: span(given.span()),
            })
        };
        let mut severity = BTreeMap::new();
        for (id, level) in &raw.severity {
            let id = rule(id)?;
            let level =
                parse_severity(level.get_ref()).ok_or_else(|| ConfigError::BadSeverity {
                    path: name.clone(),
                    rule: id,
                    given: level.get_ref().clone(),
                    src: src(),
                    at: span(level.span()),
                })?;
            severity.insert(id, level);
        }
        let ignore = raw.ignore.iter().map(rule).collect::<Result<_, _>>()?;
        let base = path.parent().unwrap_or(Path::new(""));
        let resolve = |p: PathBuf| if p.is_absolute() { p } else { base.join(p) };
        Ok(Config {
            path: path.to_path_buf(),
            ca: raw.ca.into_iter().map(resolve).collect(),
            certs: raw.certs.map(resolve),
            inventory: raw.inventory.map(resolve),
            expiry_warn_days: raw.expiry_warn_days,
            severity,
            ignore,
        })
    }

    /// The configuration of a run: `explicit` (`--config FILE`, which must exist) or else
    /// the nearest [`FILE_NAME`] ([`find`]); `Ok(None)` when there is none.
    pub fn discover(explicit: Option<&Path>, folder: &Path) -> Result<Option<Config>, ConfigError> {
        match explicit {
            Some(path) => Config::load(path).map(Some),
            None => match find(folder) {
                Some(path) => Config::load(&path).map(Some),
                None => Ok(None),
            },
        }
    }
}

/// The nearest [`FILE_NAME`], as ruff finds its configuration: in `folder`, else in each parent
/// up to and including the repository root (the nearest folder holding `.git`, a folder or
/// the file a worktree has); never above it, and only `folder` itself outside a repository.
/// The path returned is `folder` joined with as many `..` as folders were climbed.
pub fn find(folder: &Path) -> Option<PathBuf> {
    let here = folder.join(FILE_NAME);
    if here.is_file() {
        return Some(here);
    }
    let abs = std::path::absolute(folder).ok()?;
    let root = abs.ancestors().find(|d| d.join(".git").exists())?;
    let mut up = folder.to_path_buf();
    for dir in abs.ancestors().skip(1) {
        if !dir.starts_with(root) {
            break;
        }
        up.push("..");
        if dir.join(FILE_NAME).is_file() {
            return Some(up.join(FILE_NAME));
        }
    }
    None
}

/// The values of the command-line flags that a configuration file can also give; `None` and
/// empty mean "not given on the command line".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CliValues {
    /// `--ca FILE`, repeated.
    pub ca: Vec<PathBuf>,
    /// `--certs DIR`.
    pub certs: Option<PathBuf>,
    /// `--inventory FILE`.
    pub inventory: Option<PathBuf>,
    /// `--expiry-warn-days N` (the flag must have no clap default for this to be `None`).
    pub expiry_warn_days: Option<u32>,
    /// `--ignore RULE`, repeated.
    pub ignore: Vec<RuleId>,
}

/// What a run uses, after [`merge`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The configuration file used, if any (every output should name it).
    pub config_file: Option<PathBuf>,
    /// The CA files.
    pub ca: Vec<PathBuf>,
    /// The certificate folder.
    pub certs: Option<PathBuf>,
    /// The inventory.
    pub inventory: Option<PathBuf>,
    /// Days before expiry that `expiring-soon` warns.
    pub expiry_warn_days: u32,
    /// Rule id → severity, for the rules whose severity the file overrides.
    pub severity: BTreeMap<RuleId, Severity>,
    /// Rules whose findings are dropped (file and command line).
    pub ignore: BTreeSet<RuleId>,
    /// Of those, the ones `--ignore` names.
    pub ignore_flags: BTreeSet<RuleId>,
}

/// The effective settings of a run. Flags win over the file, key by key: `--ca` given replaces
/// the file's whole `ca` list, `--certs`, `--inventory` and `--expiry-warn-days` replace the
/// file's value, and a key the command line does not give keeps the file's. `--ignore` adds to
/// the file's `ignore`. Severity overrides come from the file only; a rule both ignored and
/// overridden is ignored (its override is not listed).
pub fn merge(config: Option<&Config>, cli: &CliValues) -> Settings {
    let file = config.cloned().unwrap_or_default();
    let ignore: BTreeSet<RuleId> = file.ignore.iter().chain(&cli.ignore).copied().collect();
    let mut severity = file.severity;
    severity.retain(|id, _| !ignore.contains(id));
    Settings {
        config_file: config.map(|c| c.path.clone()),
        ca: if cli.ca.is_empty() {
            file.ca
        } else {
            cli.ca.clone()
        },
        certs: cli.certs.clone().or(file.certs),
        inventory: cli.inventory.clone().or(file.inventory),
        expiry_warn_days: cli
            .expiry_warn_days
            .or(file.expiry_warn_days)
            .unwrap_or(DEFAULT_EXPIRY_WARN_DAYS),
        severity,
        ignore,
        ignore_flags: cli.ignore.iter().copied().collect(),
    }
}

impl Default for Settings {
    /// No file and no flag: the defaults.
    fn default() -> Self {
        merge(None, &CliValues::default())
    }
}

impl Settings {
    /// The severity findings of `rule` get: the override, else `own` (the rule's); `None` when
    /// the rule is ignored.
    pub fn severity_of(&self, rule: RuleId, own: Severity) -> Option<Severity> {
        if self.ignore.contains(&rule) {
            return None;
        }
        Some(self.severity.get(&rule).copied().unwrap_or(own))
    }

    /// What sets `rule`'s findings aside, for a server's status: "ignored by --ignore",
    /// "ignored by topocert.toml", "lowered to warning by topocert.toml"; `None` when nothing
    /// does or the severity stays `own`.
    pub fn waiver(&self, rule: RuleId, own: Severity) -> Option<String> {
        let file = || {
            self.config_file
                .as_ref()
                .and_then(|p| p.file_name())
                .map_or_else(
                    || "the config file".to_string(),
                    |n| n.to_string_lossy().into_owned(),
                )
        };
        if self.ignore_flags.contains(&rule) {
            Some("ignored by --ignore".to_string())
        } else if self.ignore.contains(&rule) {
            Some(format!("ignored by {}", file()))
        } else {
            match self.severity.get(&rule) {
                Some(s) if *s != own => Some(format!("set to {} by {}", s.as_str(), file())),
                _ => None,
            }
        }
    }

    /// One line naming the config file, the ignored rules and the overridden severities, for
    /// every output; `None` when there is nothing to say.
    pub fn note(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(f) = &self.config_file {
            parts.push(format!("config {}", f.display()));
        }
        if !self.ignore.is_empty() {
            let ids: Vec<&str> = self.ignore.iter().map(|id| id.as_str()).collect();
            parts.push(format!("ignored: {}", ids.join(", ")));
        }
        if !self.severity.is_empty() {
            let o: Vec<String> = self
                .severity
                .iter()
                .map(|(id, s)| format!("{id} = {}", s.as_str()))
                .collect();
            parts.push(format!("severity: {}", o.join(", ")));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

#[cfg(test)]
mod tests;
