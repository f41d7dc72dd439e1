//! `topocert check --inventory`: the same verdicts as `--certs` for the rules an inventory
//! allows, the rules it cannot run listed per server, both sources together, bad inventories,
//! and golden human and JSON reports.

use crate::support;

use serde_json::Value;
use std::collections::BTreeMap;
use support::root;

const NOW: &str = "2026-12-01T00:00:00Z";
const ENT: &str = "sample-topologies/enterprise-multisite/topology.xml";
const ENT_CERTS: &str = "sample-topologies/enterprise-multisite/certs";
const ENT_CA: &str = "sample-topologies/enterprise-multisite/ca/fabrikam-issuing-ca.cer";
const ENT_CSV: &str = "sample-topologies/enterprise-multisite/inventory.csv";
const ENT_JSON: &str = "sample-topologies/enterprise-multisite/inventory.json";
const LAB: &str = "sample-topologies/rules-lab/topology.xml";
const LAB_CERTS: &str = "sample-topologies/rules-lab/certs";
const LAB_CA: &str = "sample-topologies/rules-lab/ca/fabrikam-issuing-ca.cer";
const LAB_CSV: &str = "sample-topologies/rules-lab/inventory.csv";

fn check(args: &[&str]) -> (i32, String, String) {
    support::run_in_root("check", args)
}

fn json(args: &[&str]) -> (i32, Value) {
    support::check_json(args, NOW)
}

/// Server → sorted rule ids of its findings, without `not-checked`.
fn verdicts(v: &Value) -> BTreeMap<String, Vec<String>> {
    let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for s in v["servers"].as_array().expect("servers") {
        m.insert(s["fqdn"].as_str().expect("fqdn").to_string(), Vec::new());
    }
    for f in v["findings"].as_array().expect("findings") {
        if let (Some(server), Some(rule)) = (f["server"].as_str(), f["rule"].as_str()) {
            if rule != "not-checked" {
                m.entry(server.to_string())
                    .or_default()
                    .push(rule.to_string());
            }
        }
    }
    for rules in m.values_mut() {
        rules.sort();
    }
    m
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn enterprise_inventory_gives_the_verdicts_of_the_certificate_files() {
    let (code_files, files) = json(&[ENT, "--certs", ENT_CERTS, "--ca", ENT_CA]);
    let mut expected = verdicts(&files);
    // fe03's CA has the reference CA's name but another key: only the file shows that.
    assert_eq!(expected["fe03.fabrikam.com"], ["foreign-ca"]);
    expected.insert("fe03.fabrikam.com".into(), Vec::new());
    for inv in [ENT_CSV, ENT_JSON] {
        let (code, v) = json(&[ENT, "--inventory", inv, "--ca", ENT_CA]);
        assert_eq!(code, code_files, "{inv}");
        assert_eq!(verdicts(&v), expected, "{inv}");
        for fqdn in [
            "fe01.fabrikam.com",
            "fe02.fabrikam.com",
            "fe03.fabrikam.com",
            "pc01.fabrikam.com",
        ] {
            let s = support::json_server(&v, fqdn);
            assert_eq!(
                strings(&s["not_checked"]),
                [
                    "missing-intermediate",
                    "no-server-auth-eku",
                    "no-crl-distribution-point",
                    "key-usage",
                    "weak-key",
                    "unsupported-key-algorithm",
                    "unknown-critical-extension",
                    "weak-signature",
                    "sha1-signature",
                    "unsupported-signature-algorithm",
                    "ca-certificate-as-server"
                ],
                "{inv} {fqdn}"
            );
            assert_eq!(strings(&s["partly_checked"]), ["foreign-ca"]);
            assert_eq!(s["certificate"]["inventory"]["ca_identity"], "issuer-name");
        }
        // pc02 has no certificate at all: nothing to list as not checked.
        assert!(support::json_server(&v, "pc02.fabrikam.com")["not_checked"].is_null());
        let notes = v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["rule"] == "not-checked")
            .count();
        assert_eq!(
            notes, 4,
            "{inv}: one not-checked note per server with an inventory row"
        );
    }
    // The certificate-file run lists nothing as not checked.
    assert!(support::json_server(&files, "fe01.fabrikam.com")["not_checked"].is_null());
    assert!(
        support::json_server(&files, "fe01.fabrikam.com")["certificate"]["inventory"].is_null()
    );
}

#[test]
fn rules_lab_inventory_runs_the_fact_rules_and_lists_the_others() {
    let (_, files) = json(&[LAB, "--certs", LAB_CERTS, "--ca", LAB_CA]);
    let (_, inv) = json(&[LAB, "--inventory", LAB_CSV, "--ca", LAB_CA]);
    let fact_rules = [
        "expired",
        "not-yet-valid",
        "expiring-soon",
        "name-mismatch",
        "wildcard-for-server-name",
        "foreign-ca",
        "missing-certificate",
    ];
    let only_facts = |m: BTreeMap<String, Vec<String>>| -> BTreeMap<String, Vec<String>> {
        m.into_iter()
            .map(|(k, v)| {
                (
                    k,
                    v.into_iter()
                        .filter(|r| fact_rules.contains(&r.as_str()))
                        .collect(),
                )
            })
            .collect()
    };
    assert_eq!(only_facts(verdicts(&inv)), only_facts(verdicts(&files)));
    // The file-only rules fire with files and are listed as not checked with the inventory.
    let by_files = verdicts(&files);
    assert_eq!(by_files["lab04.fabrikam.com"], ["no-server-auth-eku"]);
    assert_eq!(by_files["lab05.fabrikam.com"], ["weak-key"]);
    assert_eq!(by_files["lab06.fabrikam.com"], ["sha1-signature"]);
    for lab in ["lab04", "lab05", "lab06"] {
        let fqdn = format!("{lab}.fabrikam.com");
        assert!(verdicts(&inv)[&fqdn].is_empty());
        assert_eq!(
            strings(&support::json_server(&inv, &fqdn)["not_checked"]).len(),
            11
        );
    }
}

#[test]
fn both_sources_prefer_the_certificate_files() {
    let (code_files, files) = json(&[ENT, "--certs", ENT_CERTS, "--ca", ENT_CA]);
    let (code, both) = json(&[
        ENT,
        "--certs",
        ENT_CERTS,
        "--inventory",
        ENT_CSV,
        "--ca",
        ENT_CA,
    ]);
    assert_eq!(code, code_files);
    assert_eq!(verdicts(&both), verdicts(&files));
    for s in both["servers"].as_array().expect("servers") {
        assert!(s["certificate"]["inventory"].is_null(), "{s}");
        assert!(s["not_checked"].is_null(), "{s}");
    }
}

#[test]
fn an_inventory_fills_in_for_a_missing_certificate_file() {
    let dir = tempfile::tempdir().expect("tmp");
    for f in ["fe01.fabrikam.com.cer", "fe02.fabrikam.com.cer"] {
        std::fs::copy(root().join(ENT_CERTS).join(f), dir.path().join(f)).expect("copy");
    }
    let certs = dir.path().to_string_lossy().into_owned();
    let (_, v) = json(&[
        ENT,
        "--certs",
        &certs,
        "--inventory",
        ENT_CSV,
        "--ca",
        ENT_CA,
    ]);
    assert!(support::json_server(&v, "fe01.fabrikam.com")["certificate"]["inventory"].is_null());
    assert_eq!(
        support::json_server(&v, "fe03.fabrikam.com")["certificate"]["inventory"]["row"],
        "line 7"
    );
    assert_eq!(
        support::json_server(&v, "pc01.fabrikam.com")["certificate"]["inventory"]["computer"],
        "PC01"
    );
}

#[test]
fn reference_ca_is_inferred_from_an_inventory_by_issuer_name() {
    let (_, v) = json(&[ENT, "--inventory", ENT_CSV]);
    assert_eq!(
        v["reference_ca"]["subject"],
        "CN=Fabrikam Issuing CA, O=Fabrikam"
    );
    assert_eq!(v["reference_ca"]["source"], "inferred");
    let how = v["reference_ca"]["how"].as_str().expect("how");
    assert!(how.contains("by issuer name"), "{how}");
    assert_eq!(verdicts(&v)["fe02.fabrikam.com"], ["foreign-ca"]);
}

#[test]
fn a_bad_row_is_a_finding_and_hides_no_other_row() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = std::fs::read_to_string(root().join(ENT_CSV)).expect("csv");
    // Break fe02's Default row (line 5): an ambiguous 24-hour date.
    let mut lines: Vec<String> = text.split("\r\n").map(str::to_string).collect();
    lines[4] = lines[4].replacen("1/1/2028 12:00:00 AM", "02/03/2028 00:00:00", 1);
    let p = dir.path().join("inventory.csv");
    std::fs::write(&p, lines.join("\r\n")).expect("write");
    let (code, v) = json(&[ENT, "--inventory", &p.to_string_lossy(), "--ca", ENT_CA]);
    assert_eq!(code, 1);
    let unreadable: Vec<&Value> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "unreadable-certificate")
        .collect();
    assert_eq!(unreadable.len(), 1);
    let msg = unreadable[0]["message"].as_str().expect("message");
    assert!(
        msg.contains("line 5") && msg.contains("ambiguous date"),
        "{msg}"
    );
    // fe02's WebServicesInternal row (same certificate) still gives its verdict; its Default
    // certificate is now unknown to the check, so it is missing.
    assert_eq!(
        verdicts(&v)["fe02.fabrikam.com"],
        ["foreign-ca", "missing-certificate"]
    );
    assert_eq!(
        support::json_server(&v, "fe02.fabrikam.com")["certificate"]["inventory"]["row"],
        "line 6"
    );
}

#[test]
fn unusable_inventories_exit_2_with_a_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let listed = dir.path().join("listed.csv");
    let text = std::fs::read_to_string(root().join(ENT_CSV)).expect("csv");
    let broken = text.replace(
        "\"fe02.fabrikam.com;pool01.fabrikam.com;webint01.fabrikam.com;webext01.fabrikam.com;meet.fabrikam.com;dialin.fabrikam.com;admin.fabrikam.com\"",
        "\"System.Collections.Generic.List`1[System.String]\"",
    );
    std::fs::write(&listed, broken).expect("write");
    let (code, _, err) = check(&[ENT, "--inventory", &listed.to_string_lossy()]);
    assert_eq!(code, 2, "{err}");
    let flat = support::flat(&err);
    assert!(
        flat.contains("line 5") && flat.contains("type name of the list"),
        "{err}"
    );
    assert!(
        flat.contains("-join ';'"),
        "the help says how to export: {err}"
    );

    let no_thumb = dir.path().join("nothumb.csv");
    std::fs::write(
        &no_thumb,
        "\"Subject\",\"Issuer\",\"NotBefore\",\"NotAfter\"\r\n",
    )
    .expect("write");
    let (code, _, err) = check(&[ENT, "--inventory", &no_thumb.to_string_lossy()]);
    assert_eq!(code, 2);
    assert!(
        support::flat(&err).contains("no Thumbprint column"),
        "{err}"
    );

    let (code, _, _) = check(&[ENT, "--inventory", "/nonexistent/inventory.csv"]);
    assert_eq!(code, 2);
    // Neither --certs nor --inventory.
    let (code, _, err) = check(&[ENT]);
    assert_eq!(code, 2);
    assert!(err.contains("--certs"), "{err}");
}

#[test]
fn sample_inventories_describe_the_sample_certificates() {
    use topocert::certs::{inventory, load_dir};
    for (certs, inv) in [
        (ENT_CERTS, ENT_CSV),
        (ENT_CERTS, ENT_JSON),
        (LAB_CERTS, LAB_CSV),
    ] {
        let store = load_dir(&root().join(certs)).expect("certs");
        let inv = inventory::load(&root().join(inv)).expect("inventory");
        assert!(inv.bad_rows.is_empty());
        assert_eq!(inv.certs.len(), store.files.len(), "{certs}");
        for f in &store.files {
            assert!(
                inv.certs.iter().any(|c| c.facts == *f.leaf),
                "{} has no row with the same facts",
                f.label()
            );
        }
    }
}

#[test]
fn human_report_golden_inventory() {
    let (code, out, _) = check(&[ENT, "--inventory", ENT_CSV, "--ca", ENT_CA, "--now", NOW]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn json_report_golden_inventory() {
    let (_, v) = json(&[ENT, "--inventory", ENT_JSON, "--ca", ENT_CA]);
    insta::assert_json_snapshot!(v);
}

#[test]
fn ps_computer_name_maps_by_fqdn_or_first_label_only() {
    use topocert::certs::CertFacts;
    use topocert_testkit::inventory_export::{to_json, ExportRow};
    let facts = |cn: &str| CertFacts {
        subject: format!("CN={cn}, O=Fabrikam").into(),
        issuer: "CN=Fabrikam Issuing CA, O=Fabrikam".into(),
        common_name: Some(cn.into()),
        dns_names: vec![cn.into()].into(),
        serial: "01".into(),
        not_before: 1_767_225_600,
        not_after: 1_830_297_600,
        sha1_thumbprint: topocert::certs::Thumbprint::from_hex(&format!("{:0>40}", cn.len()))
            .expect("40 hex digits"),
    };
    let rows = vec![
        // Exported on fe03 (FQDN), but names another host: still fe03's, and a name mismatch.
        ExportRow {
            computer: Some("FE03.fabrikam.com".into()),
            usage: "Default".into(),
            facts: facts("old-fe03.fabrikam.com"),
        },
        // "FE0" is no server's first label: this row belongs to nobody.
        ExportRow {
            computer: Some("FE0".into()),
            usage: "Default".into(),
            facts: facts("nothing.fabrikam.com"),
        },
        // Short name of pc02.
        ExportRow {
            computer: Some("pc02".into()),
            usage: "Default".into(),
            facts: facts("pc02.fabrikam.com"),
        },
    ];
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("inventory.json");
    std::fs::write(&p, to_json(&rows)).expect("write");
    let (_, v) = json(&[ENT, "--inventory", &p.to_string_lossy(), "--ca", ENT_CA]);
    let m = verdicts(&v);
    // Its only row is for Default: the WebServicesInternal certificate is missing.
    assert_eq!(
        m["fe03.fabrikam.com"],
        [
            "missing-certificate",
            "missing-required-name",
            "name-mismatch"
        ]
    );
    assert_eq!(
        support::json_server(&v, "fe03.fabrikam.com")["certificate"]["chosen"],
        "the inventory row was exported on the server; Default from the inventory row's Use"
    );
    assert_eq!(m["fe01.fabrikam.com"], ["missing-certificate"]);
    assert_eq!(m["fe02.fabrikam.com"], ["missing-certificate"]);
    // pc02's row is its own (short name); it lacks only the Persistent Chat pool FQDN, which
    // Microsoft does not require (a wizard default): a warning, not a blocking error.
    assert_eq!(
        m["pc02.fabrikam.com"],
        ["missing-recommended-name"],
        "{m:?}"
    );
    assert_eq!(
        support::json_server(&v, "pc02.fabrikam.com")["certificate"]["inventory"]["computer"],
        "pc02"
    );
}

#[test]
fn ca_inference_counts_a_row_with_the_file_issuer_of_the_same_name() {
    let dir = tempfile::tempdir().expect("tmp");
    let certs = dir.path().join("certs");
    std::fs::create_dir(&certs).expect("mkdir");
    for f in ["fe01.fabrikam.com.cer", "fe02.fabrikam.com.cer"] {
        std::fs::copy(root().join(ENT_CERTS).join(f), certs.join(f)).expect("copy");
    }
    // Only pc01's rows (Fabrikam Issuing CA): alone, the three issuers would tie 1-1-1.
    let text = std::fs::read_to_string(root().join(ENT_CSV)).expect("csv");
    let kept: Vec<&str> = text
        .split("\r\n")
        .enumerate()
        .filter(|(i, l)| *i < 2 || l.contains("\"PC01\""))
        .map(|(_, l)| l)
        .collect();
    let inv = dir.path().join("inventory.csv");
    std::fs::write(&inv, kept.join("\r\n")).expect("write");
    let (_, v) = json(&[
        ENT,
        "--certs",
        &certs.to_string_lossy(),
        "--inventory",
        &inv.to_string_lossy(),
    ]);
    assert_eq!(
        v["reference_ca"]["subject"], "CN=Fabrikam Issuing CA, O=Fabrikam",
        "{v}"
    );
    let how = v["reference_ca"]["how"].as_str().expect("how");
    assert!(how.contains("it issued 2 of the 3"), "{how}");
    assert!(verdicts(&v)
        .values()
        .all(|r| !r.contains(&"ambiguous-internal-ca".to_string())));
    assert_eq!(verdicts(&v)["fe02.fabrikam.com"], ["foreign-ca"]);
}

/// Inventories as Windows writes them on other cultures and through ConvertTo-Json.
mod windows_exports {
    use super::*;

    /// `M/d/yyyy h:mm:ss AM` → `dd.MM.yyyy HH:mm:ss`, as a German Windows writes it.
    fn german_date(en: &str) -> String {
        let (date, rest) = en.split_once(' ').expect("date time");
        let (time, ampm) = rest.split_once(' ').expect("AM/PM");
        let d: Vec<u32> = date.split('/').map(|x| x.parse().expect("num")).collect();
        let t: Vec<u32> = time.split(':').map(|x| x.parse().expect("num")).collect();
        let h = match (ampm, t[0]) {
            ("AM", 12) => 0,
            ("AM", h) => h,
            ("PM", 12) => 12,
            (_, h) => h + 12,
        };
        format!(
            "{:02}.{:02}.{} {h:02}:{:02}:{:02}",
            d[1], d[0], d[2], t[1], t[2]
        )
    }

    /// The sample CSV as `Export-Csv -UseCulture` writes it on a German Windows PowerShell 5
    /// (`;`, dd.MM.yyyy dates, CRLF), saved as UTF-16LE with BOM.
    fn german(csv: &str) -> Vec<u8> {
        let mut lines = Vec::new();
        for line in csv.lines() {
            if line.starts_with("#TYPE") {
                lines.push(line.to_string());
                continue;
            }
            let fields: Vec<String> = line
                .trim_matches('"')
                .split("\",\"")
                .map(|f| {
                    if f.ends_with(" AM") || f.ends_with(" PM") {
                        german_date(f)
                    } else {
                        f.to_string()
                    }
                })
                .collect();
            lines.push(format!("\"{}\"", fields.join("\";\"")));
        }
        let text = lines.join("\r\n") + "\r\n";
        let mut out = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            out.extend_from_slice(&u.to_le_bytes());
        }
        out
    }

    #[test]
    fn a_german_use_culture_csv_gives_the_same_verdicts_as_the_english_one() {
        assert_eq!(german_date("1/1/2026 12:00:00 AM"), "01.01.2026 00:00:00");
        assert_eq!(german_date("11/28/2026 3:51:56 PM"), "28.11.2026 15:51:56");
        let csv = support::read(&root().join(ENT_CSV));
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("inventory-de.csv");
        std::fs::write(&p, german(&csv)).expect("write");
        let (code_en, en) = json(&[ENT, "--inventory", ENT_CSV, "--ca", ENT_CA]);
        let (code_de, de) = json(&[ENT, "--inventory", &p.to_string_lossy(), "--ca", ENT_CA]);
        assert_eq!(code_de, code_en);
        assert_eq!(verdicts(&de), verdicts(&en));
        assert!(!verdicts(&de)
            .values()
            .flatten()
            .any(|r| r == "unreadable-certificate"));
    }

    #[test]
    fn a_json_inventory_with_numeric_use_is_a_fatal_error_with_that_cause_first() {
        let text = support::read(&root().join(ENT_JSON));
        let mut doc: Value =
            serde_json::from_str(text.trim_start_matches('\u{feff}')).expect("json");
        for (i, e) in doc.as_array_mut().expect("array").iter_mut().enumerate() {
            e["Use"] = Value::from(i % 3);
        }
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("inventory-numeric.json");
        std::fs::write(&p, doc.to_string()).expect("write");
        let (code, out, err) = check(&[
            ENT,
            "--inventory",
            &p.to_string_lossy(),
            "--ca",
            ENT_CA,
            "--now",
            NOW,
        ]);
        assert_eq!(code, 2, "{out}\n{err}");
        assert!(out.is_empty(), "{out}");
        // The error itself (after miette's code line) is the cause, said once.
        let first = err.lines().find(|l| l.contains('×')).unwrap_or("");
        assert!(first.contains("has no usable row"), "{err}");
        let flat = err
            .split_whitespace()
            .filter(|w| *w != "│")
            .collect::<Vec<_>>()
            .join(" ");
        assert!(flat.contains("Use is the number 0"), "{err}");
        assert_eq!(flat.matches("Use is the number").count(), 1, "{err}");
        assert!(!err.contains("named after it"), "{err}");
    }
}
