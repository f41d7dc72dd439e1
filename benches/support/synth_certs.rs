//! Certificate files for a generated topology (see `topocert_testkit::synth::plan_certificates`):
//! `DIR/ca.cer`, the issuing CA, and per certificate machine `DIR/certs/<fqdn>.cer` with the
//! planned fault (the certificates get their own folder so nothing else is read as one). Shared by
//! `examples/gen-topology.rs`, `benches/check.rs` and `tests/it/generator.rs` through `#[path]`;
//! the certificates come from `topocert_x509::test_pki` (a dev-dependency feature, not in the
//! library).
//!
//! The plan (which machine gets which fault) is deterministic from the seed; the keys are not
//! (rcgen draws them from the system RNG). All leaves share one key pair: generating 10,000 keys
//! would dominate the time and tells nothing about topocert.

use rcgen::{ExtendedKeyUsagePurpose, KeyPair};
use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use topocert_testkit::synth::Fault;
use topocert_x509::test_pki::{ymd, CaSpec, Leaf};

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
    let ca = CaSpec::new("Synth Issuing CA")
        .valid((2025, 2035))
        .without_aki()
        .self_signed();
    let ca_path = dir.join("ca.cer");
    std::fs::write(&ca_path, &ca.der)?;
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
        let leaf = Leaf {
            sans: names,
            key_usages: Vec::new(),
            eku: vec![match fault {
                Fault::NoServerAuthEku => ExtendedKeyUsagePurpose::ClientAuth,
                _ => ExtendedKeyUsagePurpose::ServerAuth,
            }],
            // Lync requires a CRL distribution point on every server certificate.
            crl: vec!["http://pki.fabrikam.com/crl/synth.crl".to_string()],
            validity: match fault {
                Fault::Expired => (ymd(2020, 1, 1), ymd(2021, 1, 1)),
                _ => (ymd(2026, 1, 1), ymd(2028, 1, 1)),
            },
            ..Leaf::good(&san_cn(fqdn, *fault), &[])
        };
        let signer = match fault {
            Fault::SelfSigned => None,
            _ => Some(&ca),
        };
        let cert = leaf.with_key(&leaf_key, signer);
        std::fs::write(certs.join(format!("{fqdn}.cer")), cert)?;
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
