//! `topocert check --format json` (schema_version 1, documented in docs/json-output.md).

use crate::certs::{key_id_hex, CertStore};
use crate::check::ca::CaResolution;
use crate::check::{CheckResult, CheckedServer};
use crate::model::Topology;
use crate::rules::Severity;
use serde::Serialize;

/// The JSON document.
#[derive(Debug, Serialize)]
pub struct CheckJson {
    /// Always 1 for this layout.
    pub schema_version: u32,
    /// The topology read.
    pub topology: TopologyJson,
    /// The (first) reference CA, or null when none was given or could be inferred.
    pub reference_ca: Option<ReferenceCaJson>,
    /// Every reference CA (each certificate of every `--ca` file, or the inferred one).
    pub reference_cas: Vec<ReferenceCaJson>,
    /// Every checked server.
    pub servers: Vec<ServerJson>,
    /// Every finding.
    pub findings: Vec<FindingJson>,
    /// Counts.
    pub summary: SummaryJson,
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
    /// The certificate chosen for it, or null.
    pub certificate: Option<CertificateJson>,
    /// `ok`, `warning` or `error`.
    pub status: &'static str,
    /// Rules that could not run: the certificate is an inventory row (absent otherwise).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_checked: Vec<&'static str>,
    /// Rules that ran only in part on an inventory row (absent otherwise).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub partly_checked: Vec<&'static str>,
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
    /// The inventory row it came from (absent for a certificate file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inventory: Option<InventoryRowJson>,
}

/// One finding.
#[derive(Debug, Serialize)]
pub struct FindingJson {
    /// Rule id.
    pub rule: &'static str,
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
    /// Stable fingerprint (docs/ci.md#baseline); absent unless a baseline is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// Whether the baseline has it; absent unless a baseline is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baselined: Option<bool>,
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
}

/// `ok`, `warning` or `error` for a server.
pub fn status_str(s: Option<Severity>) -> &'static str {
    match s {
        Some(Severity::Error) => "error",
        Some(Severity::Warning) => "warning",
        _ => "ok",
    }
}

/// Builds the JSON document.
pub fn build(topo: &Topology, store: &CertStore, result: &CheckResult) -> CheckJson {
    let reference_cas: Vec<ReferenceCaJson> = match &result.reference_ca {
        CaResolution::Known(cas) => cas
            .iter()
            .map(|c| ReferenceCaJson {
                subject: c.subject.clone(),
                key_id: c.key_id.as_deref().map(key_id_hex),
                source: c.source,
                how: c.how.clone(),
            })
            .collect(),
        _ => Vec::new(),
    };
    let reference_ca = reference_cas.first().cloned();
    let server = |s: &CheckedServer| {
        let m = &topo.machines[s.machine.0];
        let limits = s
            .assignment
            .as_ref()
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
            certificate: s.assignment.as_ref().map(|a| {
                let f = &store.files[a.file];
                CertificateJson {
                    file: f.path.display().to_string(),
                    subject: f.leaf.subject.clone(),
                    issuer: f.leaf.issuer.clone(),
                    serial: f.leaf.serial.clone(),
                    not_before: crate::time::format_rfc3339(f.leaf.not_before),
                    not_after: crate::time::format_rfc3339(f.leaf.not_after),
                    sha1_thumbprint: f.leaf.sha1_thumbprint.clone(),
                    dns_names: f.leaf.dns_names.clone(),
                    chosen: a.explain(),
                    inventory: f.leaf.inventory().map(|r| InventoryRowJson {
                        path: r.inventory.display().to_string(),
                        row: r.location.to_string(),
                        computer: r.computer.clone(),
                        uses: r.uses.clone(),
                        ca_identity: "issuer-name",
                    }),
                }
            }),
            status: status_str(result.server_status(s.machine)),
            not_checked: limits.0,
            partly_checked: limits.1.into_iter().map(|(id, _)| id).collect(),
        }
    };
    CheckJson {
        schema_version: 1,
        topology: TopologyJson {
            path: topo.source.name.clone(),
            format: topo.format.as_str(),
        },
        reference_ca,
        reference_cas,
        servers: result.servers.iter().map(server).collect(),
        findings: result
            .findings
            .iter()
            .map(|f| {
                let (line, column) = f
                    .span
                    .map(|s| topo.source.line_col(s.start))
                    .map_or((None, None), |(l, c)| (Some(l), Some(c)));
                FindingJson {
                    rule: f.rule,
                    severity: f.severity,
                    server: f.machine.map(|m| topo.machines[m.0].fqdn.to_string()),
                    file: f.file.as_ref().map(|p| p.display().to_string()),
                    message: f.message.clone(),
                    line,
                    column,
                    fingerprint: None,
                    baselined: None,
                }
            })
            .collect(),
        summary: SummaryJson {
            errors: result.count(Severity::Error),
            warnings: result.count(Severity::Warning),
            infos: result.count(Severity::Info),
            servers_checked: result.servers.len(),
        },
    }
}

/// Adds `fingerprint` and `baselined` to every finding when the gate had a baseline.
pub fn mark_baseline(doc: &mut CheckJson, gate: &crate::gate::Gate) {
    if !gate.has_baseline {
        return;
    }
    for (i, f) in doc.findings.iter_mut().enumerate() {
        f.fingerprint = gate.fingerprints.get(i).cloned();
        f.baselined = Some(gate.is_baselined(i));
    }
}
