//! `topocert check --format json` (schema_version 2, documented in docs/json-output.md).

use crate::certs::key_id_hex;
use crate::check::ca::CaResolution;
use crate::check::CheckedServer;
use crate::finding::{RuleId, Severity};
use crate::outcome::{Action, ServerOutcome, Status, Verdict};
use serde::Serialize;

/// The layout version of `check --format json`.
pub const SCHEMA_VERSION: u32 = 2;

/// The JSON document; its `servers` and `findings` are lists ([`build`]), or made one by one
/// as they are written ([`render`]).
#[derive(Debug, Serialize)]
pub struct CheckJson<S = Vec<ServerJson>, F = Vec<FindingJson>> {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `ready`, `not-ready`, `unknown` or `not-applicable`.
    pub verdict: Verdict,
    /// The config file used and the rules ignored or overridden (absent when none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settings: Option<String>,
    /// Why the run passes or fails, and the exit code.
    pub gate: GateJson,
    /// The topology read.
    pub topology: TopologyJson,
    /// The first reference CA, or null when none was given or could be inferred.
    pub reference_ca: Option<ReferenceCaJson>,
    /// Every reference CA (several `--ca`); empty when none.
    pub reference_cas: Vec<ReferenceCaJson>,
    /// When no reference CA could be decided: the tied candidates (empty otherwise).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reference_ca_candidates: Vec<CandidateJson>,
    /// Every checked server.
    pub servers: S,
    /// Every finding.
    pub findings: F,
    /// Counts.
    pub summary: SummaryJson,
}

/// `gate`.
#[derive(Debug, Serialize)]
pub struct GateJson {
    /// `error`, `warning` or `never`.
    pub fail_on: &'static str,
    /// Whether a baseline was given.
    pub baseline: bool,
    /// Findings the baseline accepts.
    pub baselined: usize,
    /// Findings that fail the run.
    pub failing: usize,
    /// Whether the run passes (exit code 0).
    pub passes: bool,
    /// The reference CA's DN when it was inferred (not given with `--ca`): every `ready` then
    /// means ready if it is the internal servers' CA; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inferred_ca: Option<String>,
    /// The exit code.
    pub exit_code: u8,
    /// Why, in a sentence.
    pub reason: String,
}

/// One tied candidate for the reference CA.
#[derive(Debug, Serialize)]
pub struct CandidateJson {
    /// Its DN.
    pub subject: String,
    /// Its key id, upper-case hex, or null.
    pub key_id: Option<String>,
    /// The servers whose certificates it issued.
    pub servers: Vec<String>,
}

/// `topology`.
#[derive(Debug, Serialize)]
pub struct TopologyJson {
    /// Path as given.
    pub path: String,
    /// `published` or `topology-builder`.
    pub format: &'static str,
}

/// `reference_ca`.
#[derive(Debug, Clone, Serialize)]
pub struct ReferenceCaJson {
    /// Subject DN.
    pub subject: String,
    /// Subject key identifier, upper-case hex, or null.
    pub key_id: Option<String>,
    /// `flag` or `inferred`.
    pub source: crate::check::CaSource,
    /// How it was chosen, for people.
    pub how: String,
}

/// One checked server.
#[derive(Debug, Serialize)]
pub struct ServerJson {
    /// Machine FQDN.
    pub fqdn: String,
    /// Pool FQDN.
    pub pool: String,
    /// Site name.
    pub site: String,
    /// `file-transfer` or `persistent-chat`.
    pub kind: &'static str,
    /// Its main certificate (the Default one), or null.
    pub certificate: Option<CertificateJson>,
    /// Every certificate it has, each with its usages.
    pub certificates: Vec<CertificateJson>,
    /// `ready`, `not-ready` or `unknown`.
    pub status: Status,
    /// What the status rests on besides the findings: deciding findings set aside by the
    /// settings ("foreign-ca ignored by --ignore") and an inferred reference CA ("if CA X is
    /// the internal servers' CA"); absent when nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_note: Option<String>,
    /// What to do: `ready`, `reissue` (with `reasons`), `request` or `verify`.
    #[serde(flatten)]
    pub action: Action,
    /// Why the status is unknown and what would decide it (empty unless unknown).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub undecided: Vec<String>,
    /// Rules that could not run: the certificate is an inventory row (absent otherwise).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_checked: Vec<RuleId>,
    /// Rules that ran only in part on an inventory row (absent otherwise).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub partly_checked: Vec<RuleId>,
}

/// Where an inventory certificate came from.
#[derive(Debug, Serialize)]
pub struct InventoryRowJson {
    /// The inventory file.
    pub path: String,
    /// `line N` (CSV) or `entry N` (JSON).
    pub row: String,
    /// PSComputerName, or null.
    pub computer: Option<String>,
    /// Its Use values.
    pub uses: Vec<String>,
    /// Always `issuer-name`: the CA is identified by the issuer DN only.
    pub ca_identity: &'static str,
}

/// The chosen certificate.
#[derive(Debug, Serialize)]
pub struct CertificateJson {
    /// File it came from.
    pub file: String,
    /// Subject DN.
    pub subject: String,
    /// Issuer DN.
    pub issuer: String,
    /// Serial number (hex).
    pub serial: String,
    /// RFC 3339.
    pub not_before: String,
    /// RFC 3339.
    pub not_after: String,
    /// SHA-1 thumbprint (hex).
    pub sha1_thumbprint: String,
    /// DNS SANs.
    pub dns_names: Vec<String>,
    /// How it was chosen.
    pub chosen: String,
    /// The Lync usages it serves on this server.
    pub usages: Vec<crate::certs::Usage>,
    /// The inventory row it came from (absent for a certificate file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inventory: Option<InventoryRowJson>,
}

/// One finding.
#[derive(Debug, Serialize)]
pub struct FindingJson {
    /// Rule id.
    pub rule: RuleId,
    /// `error`, `warning` or `info`.
    pub severity: Severity,
    /// Server FQDN, or null.
    pub server: Option<String>,
    /// Certificate file, or null.
    pub file: Option<String>,
    /// What is wrong.
    pub message: String,
    /// One-based line in the topology file, or null.
    pub line: Option<usize>,
    /// One-based column in the topology file, or null.
    pub column: Option<usize>,
    /// `server`, `pool`, `certificate-file` or `topology`: what it is about.
    pub subject: &'static str,
    /// Stable fingerprint (docs/ci.md#baseline).
    pub fingerprint: String,
    /// Whether the baseline has it; absent unless a baseline is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baselined: Option<bool>,
    /// Whether it fails the run.
    pub fails: bool,
}

/// `summary`.
#[derive(Debug, Serialize)]
pub struct SummaryJson {
    /// Error findings.
    pub errors: usize,
    /// Warning findings.
    pub warnings: usize,
    /// Info findings.
    pub infos: usize,
    /// Servers checked.
    pub servers_checked: usize,
    /// Servers ready.
    pub ready: usize,
    /// Servers not ready.
    pub not_ready: usize,
    /// Servers whose status is unknown.
    pub unknown: usize,
}

fn ca_json(c: &crate::check::ReferenceCa) -> ReferenceCaJson {
    ReferenceCaJson {
        subject: c.subject.clone(),
        key_id: c.key_id.as_deref().map(key_id_hex),
        source: c.source,
        how: c.how.clone(),
    }
}

/// `check --format json`: written as it is made, each server's and finding's object made
/// when it is written.
pub fn render(v: &super::View<'_>, out: &mut dyn std::io::Write) -> Result<(), super::RenderError> {
    let p = Parts::of(v)?;
    let doc = p.document(
        super::Each(|| p.servers_iter()),
        super::Each(|| p.findings_iter()),
    );
    super::write_json(&doc, out)
}

/// Builds the JSON document.
pub fn build(v: &super::View<'_>) -> Result<CheckJson, super::RenderError> {
    let p = Parts::of(v)?;
    Ok(p.document(p.servers_iter().collect(), p.findings_iter().collect()))
}

/// What the document is made from.
struct Parts<'a> {
    topo: &'a crate::model::Topology,
    store: &'a crate::certs::CertStore,
    result: &'a crate::check::CheckResult,
    outcome: &'a crate::outcome::Outcome,
    settings_note: &'a Option<String>,
}

impl<'a> Parts<'a> {
    fn of(v: &super::View<'a>) -> Result<Self, super::RenderError> {
        let checked = v.checked()?;
        Ok(Parts {
            topo: v.topology,
            store: &checked.store,
            result: &checked.result,
            outcome: &checked.outcome,
            settings_note: &checked.settings_note,
        })
    }

    fn cert(&self, a: &crate::check::Assignment) -> CertificateJson {
        let f = &self.store.files[a.file];
        CertificateJson {
            file: f.label(),
            subject: f.leaf.subject.to_string(),
            issuer: f.leaf.issuer.to_string(),
            serial: f.leaf.serial.to_string(),
            not_before: crate::time::format_rfc3339(f.leaf.not_before),
            not_after: crate::time::format_rfc3339(f.leaf.not_after),
            sha1_thumbprint: f.leaf.sha1_thumbprint.to_string(),
            dns_names: f.leaf.dns_names.to_vec(),
            chosen: a.explain(),
            usages: a.usages.clone(),
            inventory: f.leaf.inventory().map(|r| InventoryRowJson {
                path: r.inventory.display().to_string(),
                row: r.location.to_string(),
                computer: r.computer.clone(),
                uses: r.uses.clone(),
                ca_identity: "issuer-name",
            }),
        }
    }

    fn server(&self, s: &CheckedServer, so: &ServerOutcome) -> ServerJson {
        let (topo, store, result, outcome) = (self.topo, self.store, self.result, self.outcome);
        let m = &topo.machines[s.machine.0];
        let limits = s
            .assignment()
            .map(|a| crate::rules::limited_by(&store.files[a.file].leaf))
            .unwrap_or_default();
        ServerJson {
            fqdn: m.fqdn.to_string(),
            pool: topo.pools[m.pool.0].fqdn.to_string(),
            site: topo
                .pool_site(m.pool)
                .map(|x| x.display_name())
                .unwrap_or_default(),
            kind: s.kind.as_str(),
            certificate: s.assignment().map(|a| self.cert(a)),
            certificates: s.certificates.iter().map(|a| self.cert(a)).collect(),
            status: so.status,
            status_note: Some(outcome.status_note(so)).filter(|n| !n.is_empty()),
            action: so.action.clone(),
            undecided: crate::outcome::describe_undecided(result, so),
            not_checked: limits.0,
            partly_checked: limits.1.into_iter().map(|(id, _)| id).collect(),
        }
    }

    fn servers_iter(&self) -> impl Iterator<Item = ServerJson> + '_ {
        self.result
            .servers
            .iter()
            .zip(&self.outcome.servers)
            .map(|(s, so)| self.server(s, so))
    }

    fn finding(&self, i: usize, f: &crate::finding::Finding) -> FindingJson {
        let (topo, store, outcome) = (self.topo, self.store, self.outcome);
        let (line, column) = f
            .span
            .map(|s| topo.source.line_col(s.start))
            .map_or((None, None), |(l, c)| (Some(l), Some(c)));
        FindingJson {
            rule: f.rule,
            severity: f.severity,
            server: f.machine().map(|m| topo.machines[m.0].fqdn.to_string()),
            file: super::finding_file(store, f),
            message: f.message.to_string(),
            line,
            column,
            subject: match f.subject {
                crate::finding::Subject::Server(_) => "server",
                crate::finding::Subject::Pool(_) => "pool",
                crate::finding::Subject::CertificateFile(_) => "certificate-file",
                crate::finding::Subject::Topology => "topology",
            },
            fingerprint: outcome.findings[i].fingerprint.clone(),
            baselined: outcome.has_baseline.then(|| outcome.is_baselined(i)),
            fails: outcome.finding_fails(i),
        }
    }

    fn findings_iter(&self) -> impl Iterator<Item = FindingJson> + '_ {
        self.result
            .findings
            .iter()
            .enumerate()
            .map(|(i, f)| self.finding(i, f))
    }

    /// The document around `servers` and `findings`.
    fn document<S, F>(&self, servers: S, findings: F) -> CheckJson<S, F> {
        let (topo, result, outcome) = (self.topo, self.result, self.outcome);
        let reference_cas: Vec<ReferenceCaJson> =
            result.reference_ca.cas().iter().map(ca_json).collect();
        let reference_ca_candidates = match &result.reference_ca {
            CaResolution::Ambiguous { tied } => tied
                .iter()
                .map(|c| CandidateJson {
                    subject: c.subject.clone(),
                    key_id: c.key_id.as_deref().map(key_id_hex),
                    servers: c
                        .server_names(topo)
                        .into_iter()
                        .map(str::to_string)
                        .collect(),
                })
                .collect(),
            _ => Vec::new(),
        };
        CheckJson {
            schema_version: SCHEMA_VERSION,
            verdict: outcome.verdict,
            settings: self.settings_note.clone(),
            gate: GateJson {
                fail_on: outcome.fail_on.as_str(),
                baseline: outcome.has_baseline,
                baselined: outcome.counts.baselined,
                failing: outcome.counts.failing,
                passes: !outcome.fails(),
                inferred_ca: outcome.inferred_ca.clone(),
                exit_code: outcome.exit_code,
                reason: outcome.gate_sentence(),
            },
            topology: TopologyJson {
                path: topo.source.name.clone(),
                format: topo.format.as_str(),
            },
            reference_ca: result.reference_ca.cas().first().map(ca_json),
            reference_cas,
            reference_ca_candidates,
            servers,
            findings,
            summary: SummaryJson {
                errors: result.count(Severity::Error),
                warnings: result.count(Severity::Warning),
                infos: result.count(Severity::Info),
                servers_checked: result.servers.len(),
                ready: outcome.counts.ready,
                not_ready: outcome.counts.not_ready,
                unknown: outcome.counts.unknown,
            },
        }
    }
}
