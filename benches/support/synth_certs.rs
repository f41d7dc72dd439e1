//! Certificate files for a generated topology (see `topocert_testkit::synth::plan_certificates`):
//! `DIR/ca.cer`, the issuing CA, and per certificate machine `DIR/certs/<fqdn>.cer` with the
//! planned fault (the certificates get their own folder so nothing else is read as one). Shared by
//! `examples/gen-topology.rs`, `benches/check.rs` and `tests/it/generator.rs` through `#[path]`,
//! because rcgen is a dev-dependency and cannot live in the library.
//!
//! The plan (which machine gets which fault) is deterministic from the seed; the keys are not
//! (rcgen draws them from the system RNG). All leaves share one key pair: generating 10,000 keys
//! would dominate the time and tells nothing about topocert.

use rcgen::{
    BasicConstraints, CertificateParams, CrlDistributionPoint, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose,
};
use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use topocert_testkit::synth::Fault;

fn dn(cn: &str) -> DistinguishedName {
    let mut d = DistinguishedName::new();
    // DER order: O, then CN (shown by Windows as `CN=..., O=...`).
    d.push(DnType::OrganizationName, "Fabrikam");
    d.push(DnType::CommonName, cn);
    d
}

fn other(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}

/// Writes `dir/ca.cer` and one `dir/certs/<fqdn>.cer` (DER) per planned machine; returns
/// (certificate folder, CA file).
/// The DNS names each checked server of `topology` needs (topocert's required names, server
/// FQDN first), by lower-case FQDN.
pub fn required_names(topology: &[u8]) -> io::Result<HashMap<String, Vec<String>>> {
    let topo = topocert::topology::load_bytes("synth", topology).map_err(other)?;
    let graph = topocert::graph::ServerGraph::build(&topo);
    let mut out = HashMap::new();
    for (m, kind) in topocert::check::checked_servers(&topo, &graph) {
        let names = topocert::required::planned_names(&topo, &graph, m, kind)
            .into_iter()
            .map(|n| n.name.as_str().to_string())
            .collect();
        out.insert(topo.machines[m.0].fqdn.as_str().to_ascii_lowercase(), names);
    }
    Ok(out)
}

pub fn write_certificates(
    dir: &Path,
    plan: &[(String, Fault)],
    topology: &[u8],
) -> io::Result<(PathBuf, PathBuf)> {
    let required = required_names(topology)?;
    let certs = dir.join("certs");
    std::fs::create_dir_all(&certs)?;
    let ca_key = KeyPair::generate().map_err(other)?;
    let mut ca = CertificateParams::default();
    ca.distinguished_name = dn("Synth Issuing CA");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca.not_before = rcgen::date_time_ymd(2025, 1, 1);
    ca.not_after = rcgen::date_time_ymd(2035, 1, 1);
    let ca_cert = ca.self_signed(&ca_key).map_err(other)?;
    let ca_path = dir.join("ca.cer");
    std::fs::write(&ca_path, ca_cert.der())?;
    let issuer = Issuer::new(ca, ca_key);
    let leaf_key = KeyPair::generate().map_err(other)?;
    for (fqdn, fault) in plan {
        // Every required name, so that each fault is the only finding; a missing SAN replaces
        // the server FQDN only.
        let names: Vec<String> = required
            .get(&fqdn.to_ascii_lowercase())
            .cloned()
            .unwrap_or_else(|| vec![fqdn.clone()])
            .into_iter()
            .map(|n| match fault {
                Fault::MissingSan if n.eq_ignore_ascii_case(fqdn) => format!("other-{fqdn}"),
                _ => n,
            })
            .collect();
        let mut p = CertificateParams::new(names).map_err(other)?;
        p.distinguished_name = dn(&san_cn(fqdn, *fault));
        p.extended_key_usages = vec![match fault {
            Fault::NoServerAuthEku => ExtendedKeyUsagePurpose::ClientAuth,
            _ => ExtendedKeyUsagePurpose::ServerAuth,
        }];
        p.use_authority_key_identifier_extension = true;
        // Lync requires a CRL distribution point on every server certificate.
        p.crl_distribution_points = vec![CrlDistributionPoint {
            uris: vec!["http://pki.fabrikam.com/crl/synth.crl".to_string()],
        }];
        (p.not_before, p.not_after) = match fault {
            Fault::Expired => (
                rcgen::date_time_ymd(2020, 1, 1),
                rcgen::date_time_ymd(2021, 1, 1),
            ),
            _ => (
                rcgen::date_time_ymd(2026, 1, 1),
                rcgen::date_time_ymd(2028, 1, 1),
            ),
        };
        let cert = match fault {
            Fault::SelfSigned => p.self_signed(&leaf_key),
            _ => p.signed_by(&leaf_key, &issuer),
        }
        .map_err(other)?;
        std::fs::write(certs.join(format!("{fqdn}.cer")), cert.der())?;
    }
    Ok((certs, ca_path))
}

/// The subject CN: the machine FQDN, except for a missing-SAN fault, where the CN must not
/// name the machine either (the CN is not consulted when SANs exist, but keep it honest).
fn san_cn(fqdn: &str, fault: Fault) -> String {
    match fault {
        Fault::MissingSan => format!("other-{fqdn}"),
        _ => fqdn.to_string(),
    }
}

/// The rule a planned fault must trigger, or `None` for a good certificate.
#[allow(dead_code)]
pub fn expected_rule(fault: Fault) -> Option<&'static str> {
    match fault {
        Fault::None => None,
        Fault::Expired => Some("expired"),
        Fault::MissingSan => Some("name-mismatch"),
        Fault::NoServerAuthEku => Some("no-server-auth-eku"),
        Fault::SelfSigned => Some("foreign-ca"),
    }
}
