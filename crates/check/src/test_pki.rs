//! Test support for rule and chain tests: the rcgen PKI of `topocert_x509::test_pki`, and a
//! `check` run over a shipped sample topology.

pub use topocert_x509::test_pki::*;

use crate::certs::{load_dir, CertStore, Certificate};
use crate::check::ca::GivenCa;
use crate::check::{CertSources, CheckOptions, CheckResult};
use crate::graph::ServerGraph;
use std::path::PathBuf;

/// `--ca` files made of the given CA certificates, one file each.
pub fn given(cas: &[&TestCa]) -> Vec<GivenCa> {
    cas.iter()
        .enumerate()
        .map(|(i, c)| GivenCa {
            path: PathBuf::from(format!("ca{i}.cer")),
            certs: vec![c.cert()],
        })
        .collect()
}

/// One `--ca` file holding the given DER certificates.
pub(crate) fn given_der(ders: &[&[u8]]) -> Vec<GivenCa> {
    vec![GivenCa {
        path: PathBuf::from("ca.cer"),
        certs: ders
            .iter()
            .map(|d| Certificate::from_der(d).expect("CA parses"))
            .collect(),
    }]
}

/// Runs `check` on a shipped sample topology (`rel` under `sample-topologies/`) with the
/// certificate folder and `--ca` files, at [`NOW`].
pub fn run(rel: &str, folder: &Folder, cas: &[GivenCa]) -> CheckResult {
    let store = load_dir(folder.path()).expect("folder loads");
    let sources = CertSources::Folder(folder.path().to_path_buf());
    run_store(rel, &store, sources, cas)
}

/// Runs `check` on a shipped sample topology with a shipped inventory (`inventory` under
/// `sample-topologies/`, as `--inventory`) and `--ca` files, at [`NOW`].
pub(crate) fn run_inventory(rel: &str, inventory: &str, cas: &[GivenCa]) -> CheckResult {
    let path = format!("{}/{inventory}", samples());
    let mut store = crate::certs::CertStore::default();
    crate::certs::inventory::load(std::path::Path::new(&path))
        .expect("inventory loads")
        .add_to(&mut store);
    let sources = CertSources::Listed(vec![format!("no row of {inventory}")]);
    run_store(rel, &store, sources, cas)
}

fn samples() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../sample-topologies").to_string()
}

fn run_store(rel: &str, store: &CertStore, sources: CertSources, cas: &[GivenCa]) -> CheckResult {
    let topo = crate::topology::load_path(&format!("{}/{rel}", samples())).expect("sample loads");
    let graph = ServerGraph::build(&topo);
    let options = CheckOptions {
        sources,
        now: NOW,
        expiry_warn_days: 30,
    };
    crate::checked::run_check(&topo, &graph, store, cas, &options)
}

/// The rule ids of every finding, in order.
pub fn rules(result: &CheckResult) -> Vec<&'static str> {
    result.findings.iter().map(|f| f.rule.as_str()).collect()
}

/// The message of the first finding of `rule`.
pub fn message(result: &CheckResult, rule: &str) -> String {
    result
        .findings
        .iter()
        .find(|f| f.rule.as_str() == rule)
        .map(|f| f.message.to_string())
        .unwrap_or_else(|| panic!("no {rule} finding in {:?}", rules(result)))
}

/// A good lyncse01 certificate from `ca`, in a folder with `ca`'s certificate, checked with
/// `--ca` = `reference`.
pub fn standard_edition(leaf: &Leaf, ca: &TestCa, reference: &TestCa) -> CheckResult {
    let der = leaf.signed_by(ca);
    let folder = Folder::new().file("lyncse01.fabrikam.com.cer", &pem(&[&der, &ca.der]));
    run(
        "standard-edition/topology.xml",
        &folder,
        &given(&[reference]),
    )
}
