//! `topocert plan` end to end: golden outputs in every format for every Persistent Chat
//! sample, the same plan from XML and .tbxml, readiness and exit codes with --certs, the
//! request files, and OpenSSL accepting every generated config.

use crate::support;

use serde_json::Value;
use std::process::Command;
use support::root;

const NOW: &str = "2026-12-01T00:00:00Z";

/// The samples with Persistent Chat.
const SAMPLES: &[&str] = &[
    "standard-edition/topology.xml",
    "enterprise-multisite/topology.xml",
    "enterprise-multisite/topology.tbxml",
    "unassociated-pchat/topology.xml",
    "rules-lab/topology.xml",
];

fn plan(args: &[&str]) -> (i32, String, String) {
    support::run_in_root("plan", args)
}

fn json(args: &[&str]) -> (i32, Value) {
    let mut a = args.to_vec();
    a.extend(["--format", "json"]);
    let (code, out, err) = plan(&a);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, v)
}

fn snapshot_name(sample: &str, format: &str) -> String {
    format!(
        "plan_{}_{format}",
        sample.replace(['/', '.'], "_").replace("_topology", "")
    )
}

#[test]
fn golden_every_format_every_persistent_chat_sample() {
    for sample in SAMPLES {
        let path = format!("sample-topologies/{sample}");
        for format in ["human", "json", "csv", "markdown"] {
            let (code, out, err) = plan(&[&path, "--format", format]);
            assert_eq!(code, 0, "{sample} {format}: {err}");
            insta::assert_snapshot!(snapshot_name(sample, format), out);
        }
    }
}

/// Servers with their names and the kind of element behind each.
fn shape(v: &Value) -> Vec<(String, Vec<(String, String)>)> {
    v["servers"]
        .as_array()
        .expect("servers")
        .iter()
        .map(|s| {
            let names = s["names"]
                .as_array()
                .expect("names")
                .iter()
                .map(|n| {
                    (
                        n["name"].as_str().unwrap_or_default().to_string(),
                        n["reason"]["source"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                    )
                })
                .collect();
            (s["fqdn"].as_str().unwrap_or_default().to_string(), names)
        })
        .collect()
}

#[test]
fn xml_and_tbxml_give_the_same_plan() {
    let (_, xml) = json(&["sample-topologies/enterprise-multisite/topology.xml"]);
    let (_, tb) = json(&["sample-topologies/enterprise-multisite/topology.tbxml"]);
    assert_eq!(shape(&xml), shape(&tb));
    assert_eq!(shape(&xml).len(), 5);
    // A different topology gives a different plan.
    let (_, se) = json(&["sample-topologies/standard-edition/topology.xml"]);
    assert_ne!(shape(&xml), shape(&se));
}

#[test]
fn without_certificates_the_ca_is_unknown_and_exit_is_0() {
    let (code, v) = json(&["sample-topologies/enterprise-multisite/topology.xml"]);
    assert_eq!(code, 0);
    assert_eq!(v["issuing_ca"]["kind"], "unknown");
    assert!(v["servers"][0]["status"].is_null() && v["servers"][0]["action"].is_null());
    let (code, v) = json(&[
        "sample-topologies/enterprise-multisite/topology.xml",
        "--ca",
        "sample-topologies/enterprise-multisite/ca/fabrikam-issuing-ca.cer",
    ]);
    assert_eq!(code, 0);
    assert_eq!(v["issuing_ca"]["kind"], "known");
    assert_eq!(
        v["issuing_ca"]["subjects"][0],
        "CN=Fabrikam Issuing CA, O=Fabrikam"
    );
}

fn statuses(v: &Value) -> Vec<(String, String)> {
    v["servers"]
        .as_array()
        .expect("servers")
        .iter()
        .map(|s| {
            (
                s["fqdn"].as_str().unwrap_or_default().to_string(),
                s["action"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn with_certs_each_server_is_ready_reissue_or_request_and_exit_is_1() {
    let (code, v) = json(&[
        "sample-topologies/enterprise-multisite/topology.xml",
        "--certs",
        "sample-topologies/enterprise-multisite/certs",
        "--ca",
        "sample-topologies/enterprise-multisite/ca/fabrikam-issuing-ca.cer",
        "--now",
        NOW,
    ]);
    assert_eq!(code, 1);
    let st = statuses(&v);
    assert_eq!(st[4], ("pc02.fabrikam.com".into(), "request".into()));
    // fe01's certificate has every name the topology requires; fe02 and fe03 come from other
    // CAs, pc01's names only pc-old.
    assert_eq!(st[0], ("fe01.fabrikam.com".into(), "ready".into()));
    assert!(st[1..4].iter().all(|s| s.1 == "reissue"), "{st:?}");
    let fe02 = &v["servers"][1]["reasons"];
    assert_eq!(fe02[0]["rule"], "foreign-ca");
    let pc01 = &v["servers"][3]["reasons"];
    assert_eq!(pc01[0]["kind"], "missing-names");
    // The CA is inferred from --certs when --ca is not given.
    let (_, v) = json(&[
        "sample-topologies/rules-lab/topology.xml",
        "--certs",
        "sample-topologies/rules-lab/certs",
        "--now",
        NOW,
    ]);
    assert_eq!(v["issuing_ca"]["kind"], "known");
    assert!(v["issuing_ca"]["how"]
        .as_str()
        .unwrap_or_default()
        .starts_with("inferred"));
}

/// Writes `DIR/ca.cer` and `DIR/certs/<fqdn>.cer`: a CA and a certificate for `fqdn` with
/// everything Lync requires (CRL distribution point, key usage, Server Authentication).
fn good_certificate(dir: &std::path::Path, fqdn: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    use topocert_x509::test_pki::{CaSpec, Leaf};
    let ca = CaSpec::new("Fabrikam Issuing CA")
        .org(None)
        .without_aki()
        .self_signed();
    let leaf = Leaf {
        org: None,
        crl: vec!["http://pki.fabrikam.com/crl/issuing.crl".into()],
        ..Leaf::good(fqdn, &[])
    }
    .signed_by(&ca);
    let certs = dir.join("certs");
    std::fs::create_dir(&certs).expect("mkdir");
    std::fs::write(certs.join(format!("{fqdn}.cer")), leaf).expect("write");
    let ca_file = dir.join("ca.cer");
    std::fs::write(&ca_file, ca.der).expect("write");
    (certs, ca_file)
}

#[test]
fn all_ready_exits_0() {
    // pc99's only planned name is its FQDN, on a certificate from the reference CA.
    let dir = tempfile::tempdir().expect("tempdir");
    let topo = root().join("sample-topologies/unassociated-pchat/topology.xml");
    let (certs, ca) = good_certificate(dir.path(), "pc99.fabrikam.com");
    let (code, out, err) = plan(&[
        topo.to_str().expect("utf8"),
        "--certs",
        certs.to_str().expect("utf8"),
        "--ca",
        ca.to_str().expect("utf8"),
        "--now",
        NOW,
    ]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("status: ready\n"), "{out}");
    assert!(
        out.contains("0 of 1 server need a certificate requested, reissued or verified."),
        "{out}"
    );
    assert!(out.contains("\nREADY: 1 of 1 server ready;"), "{out}");
}

#[test]
fn golden_with_certs() {
    let (code, out, _) = plan(&[
        "sample-topologies/rules-lab/topology.xml",
        "--certs",
        "sample-topologies/rules-lab/certs",
        "--ca",
        "sample-topologies/rules-lab/ca/fabrikam-issuing-ca.cer",
        "--now",
        NOW,
    ]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("plan_rules_lab_with_certs_human", out);
}

#[test]
fn bad_inputs_exit_2() {
    let (code, _, err) = plan(&["sample-topologies/does-not-exist.xml"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = plan(&[
        "sample-topologies/standard-edition/topology.xml",
        "--ca",
        "sample-topologies/standard-edition/topology.xml",
    ]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = plan(&[
        "sample-topologies/standard-edition/topology.xml",
        "--certs",
        "sample-topologies/no-such-folder",
    ]);
    assert_eq!(code, 2, "{err}");
}

/// DNS names of a CSR, from `openssl req -noout -text`.
fn csr_dns_names(text: &str) -> Vec<String> {
    let mut lines = text.lines();
    let mut names = Vec::new();
    while let Some(l) = lines.next() {
        if l.contains("X509v3 Subject Alternative Name") {
            if let Some(v) = lines.next() {
                names = v
                    .split(',')
                    .filter_map(|p| p.trim().strip_prefix("DNS:").map(str::to_string))
                    .collect();
            }
        }
    }
    names
}

fn openssl_available() -> bool {
    Command::new("openssl")
        .arg("version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().expect("openssl runs");
    assert!(
        out.status.success(),
        "{:?}: {}",
        cmd,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn out_dir_writes_inf_cnf_and_csv_per_server() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("requests");
    let (code, _, err) = plan(&[
        "sample-topologies/enterprise-multisite/topology.xml",
        "--out-dir",
        out.to_str().expect("utf8"),
    ]);
    assert_eq!(code, 0, "{err}");
    let mut files: Vec<String> = std::fs::read_dir(&out)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files.len(), 11, "{files:?}");
    assert!(files.contains(&"plan.csv".to_string()));
    assert!(files.contains(&"fe01.fabrikam.com.inf".to_string()));
    assert!(files.contains(&"pc02.fabrikam.com.cnf".to_string()));
    let inf = std::fs::read_to_string(out.join("fe01.fabrikam.com.inf")).expect("inf");
    insta::assert_snapshot!("plan_fe01_inf", inf.replace("\r\n", "⏎\n"));
    let csv = std::fs::read_to_string(out.join("plan.csv")).expect("csv");
    assert_eq!(csv.lines().count(), 6);
}

#[test]
fn openssl_accepts_every_config_and_the_csr_has_exactly_the_planned_names() {
    if !support::available("openssl", openssl_available()) {
        return;
    }
    for sample in SAMPLES {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path();
        let path = format!("sample-topologies/{sample}");
        let (code, _, err) = plan(&[&path, "--out-dir", out.to_str().expect("utf8")]);
        assert_eq!(code, 0, "{err}");
        let (_, v) = json(&[&path]);
        let servers = v["servers"].as_array().expect("servers");
        assert!(!servers.is_empty(), "{sample}");
        for s in servers {
            let fqdn = s["fqdn"].as_str().expect("fqdn");
            let planned: Vec<String> = s["names"]
                .as_array()
                .expect("names")
                .iter()
                .map(|n| n["name"].as_str().expect("name").to_string())
                .collect();
            let cnf = out.join(format!("{fqdn}.cnf"));
            let key = out.join(format!("{fqdn}.key"));
            let csr = out.join(format!("{fqdn}.csr"));
            run_ok(
                Command::new("openssl")
                    .args(["req", "-new", "-config"])
                    .arg(&cnf)
                    .args(["-newkey", "rsa:2048", "-nodes", "-keyout"])
                    .arg(&key)
                    .arg("-out")
                    .arg(&csr),
            );
            let text = run_ok(
                Command::new("openssl")
                    .args(["req", "-noout", "-text", "-in"])
                    .arg(&csr),
            );
            assert_eq!(csr_dns_names(&text), planned, "{sample} {fqdn}");
            assert!(
                text.contains(&format!("CN = {fqdn}")) || text.contains(&format!("CN={fqdn}")),
                "{text}"
            );
            assert!(text.contains("TLS Web Server Authentication"), "{text}");
            assert!(text.contains("Public-Key: (2048 bit)"), "{text}");
        }
    }
}

#[test]
fn csr_name_parser_reads_names_and_finds_none_without_san() {
    let text = "        Requested Extensions:\n            X509v3 Subject Alternative Name: \n                DNS:a.fabrikam.com, DNS:b.fabrikam.com\n";
    assert_eq!(csr_dns_names(text), ["a.fabrikam.com", "b.fabrikam.com"]);
    assert!(csr_dns_names("Subject: CN = a").is_empty());
}

#[test]
fn inventory_rows_are_compared_like_certificate_files() {
    let common = [
        "sample-topologies/enterprise-multisite/topology.xml",
        "--ca",
        "sample-topologies/enterprise-multisite/ca/fabrikam-issuing-ca.cer",
        "--now",
        NOW,
    ];
    let mut with_certs = common.to_vec();
    with_certs.extend(["--certs", "sample-topologies/enterprise-multisite/certs"]);
    let mut with_inventory = common.to_vec();
    with_inventory.extend([
        "--inventory",
        "sample-topologies/enterprise-multisite/inventory.csv",
    ]);
    let (code_c, c) = json(&with_certs);
    let (code_i, i) = json(&with_inventory);
    assert_eq!((code_c, code_i), (1, 1));
    // fe03's impostor CA (same name, another key) shows only in the certificate file; a row
    // cannot show the key, EKU or signature, so the servers without a fault are to be verified
    // (unknown), never ready.
    let mut expected = statuses(&c);
    expected[0].1 = "verify".into();
    expected[2].1 = "verify".into();
    assert_eq!(statuses(&i), expected);
    assert_eq!(i["servers"][0]["status"], "unknown");
    assert_eq!(c["servers"][0]["status"], "ready");
    // The missing names are the same whichever source the facts come from (fe01 has none,
    // pc01 lacks its own name and the pool's).
    assert_eq!(i["servers"][3]["reasons"][0]["kind"], "missing-names");
    for n in [0, 3] {
        assert_eq!(c["servers"][n]["reasons"][0], i["servers"][n]["reasons"][0]);
    }
}
