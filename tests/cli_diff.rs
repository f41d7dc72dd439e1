//! `topocert diff` end to end: empty diffs, the enterprise-multisite change pair in every format,
//! a change whose added servers have good certificates, and unreadable OLD or NEW.

mod support;

use serde_json::Value;
use support::{root, topocert};

const NOW: &str = "2026-12-01T00:00:00Z";
const OLD: &str = "sample-topologies/enterprise-multisite/topology.xml";
const TBXML: &str = "sample-topologies/enterprise-multisite/topology.tbxml";
const NEW: &str = "sample-topologies/enterprise-multisite-change/topology.xml";
const CERTS: &str = "sample-topologies/enterprise-multisite/certs";
const INVENTORY: &str = "sample-topologies/enterprise-multisite/inventory.csv";

/// Runs `diff` from the project root, returns (code, stdout, stderr).
fn diff(args: &[&str]) -> (i32, String, String) {
    let out = topocert()
        .current_dir(root())
        .arg("diff")
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn xml_and_tbxml_of_the_same_topology_are_no_changes() {
    let (code, out, _) = diff(&[OLD, TBXML, "--certs", CERTS, "--now", NOW]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("empty_human", out);
}

#[test]
fn identical_file_is_empty_json() {
    let (code, out, _) = diff(&[NEW, NEW, "--format", "json"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["empty"], true);
    assert_eq!(v["schema_version"], 1);
}

#[test]
fn change_pair_human() {
    let (code, out, _) = diff(&[OLD, NEW, "--certs", CERTS, "--now", NOW]);
    assert_eq!(code, 1, "{out}");
    insta::assert_snapshot!("change_human", out);
}

#[test]
fn change_pair_json() {
    let (code, out, _) = diff(&[OLD, NEW, "--certs", CERTS, "--now", NOW, "--format", "json"]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["empty"], false);
    assert_eq!(
        v["changes"]["servers_added"][0]["fqdn"],
        "fe06.fabrikam.com"
    );
    assert_eq!(
        v["changes"]["servers_removed"][0]["fqdn"],
        "dir01b.fabrikam.com"
    );
    assert_eq!(v["changes"]["servers_moved"][0]["to"]["site"], "Dublin");
    assert_eq!(v["check"]["errors"], 1);
    insta::assert_snapshot!("change_json", out);
}

#[test]
fn change_pair_markdown() {
    let (code, out, _) = diff(&[
        OLD, NEW, "--certs", CERTS, "--now", NOW, "--format", "markdown",
    ]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("change_markdown", out);
}

#[test]
fn change_pair_without_certificates_reports_no_verdict_and_exits_0() {
    let (code, out, _) = diff(&[OLD, NEW]);
    assert_eq!(code, 0);
    assert!(out.contains("+ fe06.fabrikam.com"), "{out}");
    assert!(!out.contains("Certificates of"), "{out}");
}

#[test]
fn change_pair_with_inventory_checks_the_added_server() {
    let (code, out, _) = diff(&[OLD, NEW, "--inventory", INVENTORY, "--now", NOW]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("fe06.fabrikam.com: error"), "{out}");
}

#[test]
fn change_adding_a_server_with_a_good_certificate_exits_0() {
    // OLD lacks fe01 (named fe09 there); NEW adds fe01, whose certificate is good.
    let dir = tempfile::tempdir().expect("tempdir");
    let old = dir.path().join("old.xml");
    let text = std::fs::read_to_string(root().join(OLD)).expect("sample");
    std::fs::write(&old, text.replace("fe01.fabrikam.com", "fe09.fabrikam.com")).expect("write");
    let old = old.to_string_lossy().into_owned();
    let (code, out, _) = diff(&[&old, OLD, "--certs", CERTS, "--now", NOW]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("+ fe01.fabrikam.com"), "{out}");
    assert!(out.contains("fe01.fabrikam.com: ok"), "{out}");
    // Negative: the reverse adds fe09, which has no certificate.
    let (code, out, _) = diff(&[OLD, &old, "--certs", CERTS, "--now", NOW]);
    assert_eq!(code, 1, "{out}");
}

#[test]
fn malformed_old_or_new_exits_2_naming_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("broken.xml");
    std::fs::write(&bad, "<Topology><Sites>").expect("write");
    let bad = bad.to_string_lossy().into_owned();
    let (code, _, err) = diff(&[&bad, NEW]);
    assert_eq!(code, 2);
    assert!(
        err.contains("OLD topology") && err.contains("broken.xml"),
        "{err}"
    );
    let (code, _, err) = diff(&[OLD, &bad]);
    assert_eq!(code, 2);
    assert!(
        err.contains("NEW topology") && err.contains("broken.xml"),
        "{err}"
    );
    let (code, _, err) = diff(&[OLD, "no-such-file.xml"]);
    assert_eq!(code, 2);
    assert!(err.contains("no-such-file.xml"), "{err}");
}
