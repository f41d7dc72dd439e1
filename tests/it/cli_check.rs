//! `topocert check` end to end: every rule positive and negative, CA identity, assignment,
//! inference, bad input, and golden human and JSON reports.

use crate::support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use support::root;

const NOW: &str = "2026-12-01T00:00:00Z";

fn check(args: &[&str]) -> (i32, String, String) {
    support::run_in_root("check", args)
}

fn json(args: &[&str]) -> (i32, Value) {
    support::check_json(args, NOW)
}

fn findings(v: &Value, rule: &str) -> Vec<Value> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == rule)
        .cloned()
        .collect()
}

fn servers_with(v: &Value, rule: &str) -> Vec<String> {
    findings(v, rule)
        .iter()
        .filter_map(|f| f["server"].as_str().map(str::to_string))
        .collect()
}

fn status(v: &Value, fqdn: &str) -> String {
    v["servers"]
        .as_array()
        .expect("servers")
        .iter()
        .find(|s| s["fqdn"] == fqdn)
        .map(|s| s["status"].as_str().unwrap_or_default().to_string())
        .unwrap_or_else(|| panic!("{fqdn} not checked"))
}

const ENT: &str = "sample-topologies/enterprise-multisite/topology.xml";
const ENT_CERTS: &str = "sample-topologies/enterprise-multisite/certs";
const ENT_CA: &str = "sample-topologies/enterprise-multisite/ca/fabrikam-issuing-ca.cer";
const LAB: &str = "sample-topologies/rules-lab/topology.xml";
const LAB_CERTS: &str = "sample-topologies/rules-lab/certs";
const LAB_CA: &str = "sample-topologies/rules-lab/ca/fabrikam-issuing-ca.cer";
const SE: &str = "sample-topologies/standard-edition/topology.xml";
const SE_CERTS: &str = "sample-topologies/standard-edition/certs";
const SE_CA: &str = "sample-topologies/standard-edition/ca/fabrikam-issuing-ca.cer";

fn enterprise() -> (i32, Value) {
    json(&[ENT, "--certs", ENT_CERTS, "--ca", ENT_CA])
}

fn lab() -> (i32, Value) {
    json(&[LAB, "--certs", LAB_CERTS, "--ca", LAB_CA])
}

#[test]
fn json_layout_is_schema_version_2() {
    let (code, v) = enterprise();
    assert_eq!(code, 1);
    assert_eq!(v["schema_version"], 2);
    assert_eq!(v["verdict"], "not-ready");
    assert_eq!(v["gate"]["exit_code"], 1);
    assert_eq!(v["topology"]["format"], "published");
    assert_eq!(v["reference_ca"]["source"], "flag");
    assert_eq!(
        v["reference_ca"]["subject"],
        "CN=Fabrikam Issuing CA, O=Fabrikam"
    );
    assert_eq!(v["summary"]["servers_checked"], 5);
    let kinds: Vec<(&str, &str)> = v["servers"]
        .as_array()
        .expect("servers")
        .iter()
        .map(|s| {
            (
                s["fqdn"].as_str().unwrap_or(""),
                s["kind"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("fe01.fabrikam.com", "file-transfer"),
            ("fe02.fabrikam.com", "file-transfer"),
            ("fe03.fabrikam.com", "file-transfer"),
            ("pc01.fabrikam.com", "persistent-chat"),
            ("pc02.fabrikam.com", "persistent-chat"),
        ]
    );
    let cert = &v["servers"][0]["certificate"];
    for k in [
        "file",
        "subject",
        "issuer",
        "serial",
        "not_before",
        "not_after",
        "sha1_thumbprint",
        "dns_names",
    ] {
        assert!(cert.get(k).is_some(), "certificate lacks {k}");
    }
    assert_eq!(cert["sha1_thumbprint"].as_str().map(str::len), Some(40));
    assert!(v["servers"][4]["certificate"].is_null());
}

#[test]
fn good_certificate_is_ready_and_exit_0() {
    let (code, v) = json(&[SE, "--certs", SE_CERTS, "--ca", SE_CA]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(status(&v, "lyncse01.fabrikam.com"), "ready");
    assert_eq!(v["summary"]["errors"], 0);
}

#[test]
fn missing_certificate() {
    let (_, v) = enterprise();
    assert_eq!(
        servers_with(&v, "missing-certificate"),
        ["pc02.fabrikam.com"]
    );
    // negative: a server with a file is never reported missing
    assert!(!servers_with(&v, "missing-certificate").contains(&"fe01.fabrikam.com".to_string()));
}

#[test]
fn foreign_ca_including_same_dn_with_another_key() {
    let (_, v) = enterprise();
    assert_eq!(
        servers_with(&v, "foreign-ca"),
        ["fe02.fabrikam.com", "fe03.fabrikam.com"]
    );
    let f = findings(&v, "foreign-ca");
    assert!(
        f[0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("Contoso Public CA"),
        "{f:?}"
    );
    assert!(
        f[1]["message"].as_str().unwrap_or("").contains(
            "a root with the reference CA's name that is not the reference CA's certificate"
        ),
        "{f:?}"
    );
    assert_eq!(status(&v, "fe01.fabrikam.com"), "ready");
}

#[test]
fn name_mismatch_lists_what_is_missing() {
    let (_, v) = enterprise();
    assert_eq!(servers_with(&v, "name-mismatch"), ["pc01.fabrikam.com"]);
    let msg = findings(&v, "name-mismatch")[0]["message"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        msg.contains("missing pc01.fabrikam.com") && msg.contains("pc-old.fabrikam.com"),
        "{msg}"
    );
}

#[test]
fn rules_lab_triggers_each_certificate_rule_on_exactly_its_server() {
    let (code, v) = lab();
    assert_eq!(code, 1);
    let expect = [
        ("expired", vec!["lab01.fabrikam.com"]),
        ("not-yet-valid", vec!["lab02.fabrikam.com"]),
        ("expiring-soon", vec!["lab03.fabrikam.com"]),
        ("no-server-auth-eku", vec!["lab04.fabrikam.com"]),
        ("weak-key", vec!["lab05.fabrikam.com"]),
        ("sha1-signature", vec!["lab06.fabrikam.com"]),
        ("weak-signature", vec![]),
        // Microsoft supports wildcards only for simple URLs: the servers that only the
        // wildcard certificate covers are not ready.
        (
            "wildcard-for-server-name",
            vec![
                "lab07.fabrikam.com",
                "lab09.fabrikam.com",
                "lab10.fabrikam.com",
                "labpc01.fabrikam.com",
            ],
        ),
        ("no-crl-distribution-point", vec![]),
        ("key-usage", vec![]),
        ("unsupported-signature-algorithm", vec![]),
        ("foreign-ca", vec![]),
        ("name-mismatch", vec![]),
        ("missing-certificate", vec![]),
    ];
    for (rule, servers) in expect {
        assert_eq!(servers_with(&v, rule), servers, "{rule}");
    }
    for good in [
        "lab08.fabrikam.com",
        "lab11.fabrikam.com",
        "lab12.fabrikam.com",
    ] {
        assert_eq!(status(&v, good), "ready", "{good}");
    }
    assert_eq!(status(&v, "lab03.fabrikam.com"), "ready");
    assert_eq!(status(&v, "lab05.fabrikam.com"), "ready");
    assert_eq!(status(&v, "lab06.fabrikam.com"), "ready");
    assert_eq!(status(&v, "lab07.fabrikam.com"), "not-ready");
}

#[test]
fn expiry_window_and_now_are_honoured() {
    // With a 7-day window, lab03 (14 days left) is no longer expiring soon.
    let (_, v) = json(&[
        LAB,
        "--certs",
        LAB_CERTS,
        "--ca",
        LAB_CA,
        "--expiry-warn-days",
        "7",
    ]);
    assert!(servers_with(&v, "expiring-soon").is_empty());
    // In mid-2027, lab02 is valid and lab03 has expired.
    let (_, out, _) = check(&[
        LAB,
        "--certs",
        LAB_CERTS,
        "--ca",
        LAB_CA,
        "--format",
        "json",
        "--now",
        "2027-07-01T00:00:00Z",
    ]);
    let v: Value = serde_json::from_str(&out).expect("json");
    assert!(!servers_with(&v, "not-yet-valid").contains(&"lab02.fabrikam.com".to_string()));
    assert!(servers_with(&v, "expired").contains(&"lab03.fabrikam.com".to_string()));
}

#[test]
fn wildcard_pkcs7_and_folder_named_certificates_are_assigned() {
    let (_, v) = lab();
    let file_of = |fqdn: &str| {
        v["servers"]
            .as_array()
            .expect("servers")
            .iter()
            .find(|s| s["fqdn"] == fqdn)
            .and_then(|s| s["certificate"]["file"].as_str().map(str::to_string))
            .unwrap_or_default()
    };
    assert!(file_of("lab07.fabrikam.com").ends_with("wildcard-fabrikam.cer"));
    assert!(file_of("lab08.fabrikam.com").ends_with("lab08.fabrikam.com.p7b"));
    assert!(file_of("lab11.fabrikam.com").ends_with("lab11.fabrikam.com/cert.der"));
    // A named file wins over the wildcard that also covers the server.
    assert!(file_of("lab12.fabrikam.com").ends_with("lab12.fabrikam.com.cer"));
}

#[test]
fn unreadable_files_are_findings_and_hide_nothing() {
    let (_, v) = lab();
    let files: Vec<String> = findings(&v, "unreadable-certificate")
        .iter()
        .filter_map(|f| f["file"].as_str().map(str::to_string))
        .collect();
    assert_eq!(files.len(), 3, "{files:?}");
    assert!(files.iter().any(|f| f.ends_with("lab09.fabrikam.com.pfx")));
    assert!(files.iter().any(|f| f.ends_with("lab10.fabrikam.com.cer")));
    assert!(files.iter().any(|f| f.ends_with("notes-garbage.cer")));
    // Every server still has its verdict.
    assert_eq!(v["summary"]["servers_checked"], 13);
    // negative: a folder of good files has no unreadable finding
    let (_, v) = json(&[SE, "--certs", SE_CERTS, "--ca", SE_CA]);
    assert!(findings(&v, "unreadable-certificate").is_empty());
}

#[test]
fn inference_without_ca_uses_the_majority_issuer() {
    let (_, v) = json(&[LAB, "--certs", LAB_CERTS]);
    assert_eq!(v["reference_ca"]["source"], "inferred");
    assert_eq!(
        v["reference_ca"]["subject"],
        "CN=Fabrikam Issuing CA, O=Fabrikam"
    );
    assert!(findings(&v, "ambiguous-internal-ca").is_empty());
    let how = v["reference_ca"]["how"].as_str().unwrap_or("").to_string();
    assert!(how.contains("it issued 13 of the 13 certificates"), "{how}");
    // The CA certificate travels in lab08's .p7b, so signatures are verified with it.
    assert!(!how.contains("not in the folder"), "{how}");
    // Same verdicts as with --ca.
    let (_, with_ca) = lab();
    assert_eq!(v["findings"], with_ca["findings"]);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read").flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).expect("copy");
        }
    }
}

#[test]
fn a_tie_between_issuers_is_ambiguous_and_gives_no_foreign_ca() {
    // fe01 (Fabrikam), fe02 (Contoso), fe03 (impostor Fabrikam key) and pc01 (Fabrikam) :
    // drop pc01 so that Fabrikam, Contoso and the impostor issue one certificate each.
    let dir = tempfile::tempdir().expect("tmp");
    let certs: PathBuf = dir.path().join("certs");
    copy_dir(&root().join(ENT_CERTS), &certs);
    std::fs::remove_file(certs.join("pc01.fabrikam.com.cer")).expect("rm");
    let (code, v) = json(&[ENT, "--certs", &certs.to_string_lossy()]);
    assert_eq!(code, 1);
    assert!(v["reference_ca"].is_null());
    assert_eq!(findings(&v, "ambiguous-internal-ca").len(), 1);
    assert!(findings(&v, "foreign-ca").is_empty());
    // negative: with --ca the same folder is not ambiguous
    let (_, v) = json(&[ENT, "--certs", &certs.to_string_lossy(), "--ca", ENT_CA]);
    assert!(findings(&v, "ambiguous-internal-ca").is_empty());
}

#[test]
fn pchat_pool_unassociated_and_no_persistent_chat_pool() {
    let empty = tempfile::tempdir().expect("tmp");
    let d = empty.path().to_string_lossy().into_owned();
    let (_, v) = json(&[
        "sample-topologies/unassociated-pchat/topology.xml",
        "--certs",
        &d,
    ]);
    let f = findings(&v, "pchat-pool-unassociated");
    assert_eq!(f.len(), 1);
    assert!(f[0]["message"]
        .as_str()
        .unwrap_or("")
        .contains("pchat99.fabrikam.com"));
    assert!(f[0]["line"].as_u64().is_some(), "located in the topology");
    assert!(findings(&v, "no-persistent-chat-pool").is_empty());
    let (code, v) = json(&[
        "sample-topologies/no-persistent-chat/topology.xml",
        "--certs",
        &d,
    ]);
    assert_eq!(code, 0, "an info finding does not fail");
    assert_eq!(findings(&v, "no-persistent-chat-pool").len(), 1);
    assert_eq!(
        findings(&v, "no-persistent-chat-pool")[0]["severity"],
        "info"
    );
    assert!(findings(&v, "pchat-pool-unassociated").is_empty());
    let (_, v) = enterprise();
    assert!(findings(&v, "no-persistent-chat-pool").is_empty());
    assert!(findings(&v, "pchat-pool-unassociated").is_empty());
}

#[test]
fn tbxml_gives_the_same_verdicts() {
    let (_, a) = enterprise();
    let (_, b) = json(&[
        "sample-topologies/enterprise-multisite/topology.tbxml",
        "--certs",
        ENT_CERTS,
        "--ca",
        ENT_CA,
    ]);
    let verdicts = |v: &Value| -> Vec<(String, String)> {
        v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| (f["rule"].to_string(), f["server"].to_string()))
            .collect()
    };
    assert_eq!(verdicts(&a), verdicts(&b));
}

#[test]
fn cannot_run_exits_2() {
    let (code, _, err) = check(&[ENT, "--certs", "/nonexistent/certs"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = check(&[ENT, "--certs", ENT_CERTS, "--ca", "/nonexistent/ca.cer"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        support::flat(&err).contains("cannot use the reference CA (--ca): cannot read"),
        "{err}"
    );
    let (code, _, _) = check(&[ENT, "--certs", ENT_CERTS, "--now", "tomorrow"]);
    assert_eq!(code, 2);
    let (code, _, _) = check(&["/nonexistent.xml", "--certs", ENT_CERTS]);
    assert_eq!(code, 2);
}

#[test]
fn human_report_golden() {
    let (code, out, _) = check(&[ENT, "--certs", ENT_CERTS, "--ca", ENT_CA, "--now", NOW]);
    assert_eq!(code, 1);
    assert!(!out.contains('\u{1b}'), "no colour when not on a terminal");
    insta::assert_snapshot!(out);
}

#[test]
fn human_report_golden_rules_lab() {
    let (_, out, _) = check(&[LAB, "--certs", LAB_CERTS, "--ca", LAB_CA, "--now", NOW]);
    insta::assert_snapshot!(out);
}

/// At 80 and 100 columns every line of the human report fits, snippets of long topology lines
/// included, except a single name longer than the line (a path), which is never split; the
/// same report at 80 columns says the same things (statuses, rules, verdict).
#[test]
fn human_report_fits_80_and_100_columns() {
    let cases: [&[&str]; 3] = [
        &[ENT, "--certs", ENT_CERTS, "--ca", ENT_CA],
        &[LAB, "--certs", LAB_CERTS, "--ca", LAB_CA],
        &[
            "sample-topologies/three-tier-pki/topology.xml",
            "--certs",
            "sample-topologies/three-tier-pki/certs",
        ],
    ];
    for args in cases {
        let mut reports = Vec::new();
        for width in [80, 100] {
            let mut a = vec!["check"];
            a.extend_from_slice(args);
            a.extend(["--now", NOW]);
            let (code, text) = support::run_at_width(width, &a);
            support::assert_fits(&text, width);
            // Snippets were clipped, not dropped: each finding still points at its element.
            assert!(text.contains("is declared here"), "{text}");
            reports.push((code, support::flat(&text)));
        }
        let (narrow, wide) = (&reports[0], &reports[1]);
        assert_eq!(narrow.0, wide.0);
        for word in ["not ready", "NOT READY", "foreign-ca", "ready"] {
            assert_eq!(
                narrow.1.matches(word).count() > 0,
                wide.1.matches(word).count() > 0,
                "{word}"
            );
        }
    }
}

#[test]
fn json_report_golden() {
    let (_, v) = enterprise();
    insta::assert_json_snapshot!(v);
}

const TIER: &str = "sample-topologies/three-tier-pki";

#[test]
fn three_tier_pki_with_the_root_as_reference() {
    let topo = format!("{TIER}/topology.xml");
    let certs = format!("{TIER}/certs");
    let ca = format!("{TIER}/ca/fabrikam-root-ca.cer");
    let (code, v) = json(&[&topo, "--certs", &certs, "--ca", &ca]);
    assert_eq!(code, 1);
    // fe01 (leaf only, chain in fabrikam-chain.p7b), fe02 (chain in its own PEM, mixed order),
    // pc01 (DER) and pc02 reach the root through the policy CA and their issuing CA.
    for fqdn in [
        "fe01.fabrikam.com",
        "fe02.fabrikam.com",
        "pc01.fabrikam.com",
        "pc02.fabrikam.com",
    ] {
        assert_eq!(status(&v, fqdn), "ready", "{fqdn}");
    }
    // fe03's issuing CA is nowhere: a missing intermediate, not a foreign CA.
    assert_eq!(
        servers_with(&v, "missing-intermediate"),
        ["fe03.fabrikam.com"]
    );
    assert!(servers_with(&v, "foreign-ca").is_empty());
    let missing = findings(&v, "missing-intermediate");
    let m = missing[0]["message"].as_str().unwrap_or_default();
    assert!(
        m.contains("CN=Fabrikam Issuing CA 3, O=Fabrikam (key id "),
        "{m}"
    );
    // Two issuing CAs under the root: a warning naming each with its servers.
    let several = findings(&v, "several-issuing-cas");
    assert_eq!(several.len(), 1);
    let m = several[0]["message"].as_str().unwrap_or_default();
    assert!(
        m.contains("CN=Fabrikam Issuing CA 2, O=Fabrikam (key id "),
        "{m}"
    );
    assert!(
        m.contains("fe01.fabrikam.com, pc01.fabrikam.com, pc02.fabrikam.com"),
        "{m}"
    );
}

#[test]
fn three_tier_pki_with_the_issuing_ca_as_reference_and_every_reference_in_json() {
    let topo = format!("{TIER}/topology.xml");
    let certs = format!("{TIER}/certs");
    let issuing = format!("{TIER}/ca/fabrikam-issuing-ca-1.cer");
    let (code, v) = json(&[&topo, "--certs", &certs, "--ca", &issuing]);
    assert_eq!(code, 1);
    // "Same CA" is the same issuing CA: Issuing CA 2 and 3 are other CAs.
    assert_eq!(
        servers_with(&v, "foreign-ca"),
        ["fe02.fabrikam.com", "fe03.fabrikam.com"]
    );
    assert!(findings(&v, "several-issuing-cas").is_empty());
    // Two --ca files: both named in the JSON.
    let root_ca = format!("{TIER}/ca/fabrikam-root-ca.cer");
    let (_, v) = json(&[&topo, "--certs", &certs, "--ca", &issuing, "--ca", &root_ca]);
    let subjects: Vec<&str> = v["reference_cas"]
        .as_array()
        .expect("reference_cas")
        .iter()
        .filter_map(|c| c["subject"].as_str())
        .collect();
    assert_eq!(
        subjects,
        [
            "CN=Fabrikam Issuing CA 1, O=Fabrikam",
            "CN=Fabrikam Root CA, O=Fabrikam"
        ]
    );
    assert_eq!(
        v["reference_ca"]["subject"],
        "CN=Fabrikam Issuing CA 1, O=Fabrikam"
    );
}

/// The three-tier sample's certificate folder copied to a temporary one, with fe01's folder
/// replaced by `fe01` (file name → source file under the sample's `certs/`).
fn three_tier_with_fe01(fe01: &[(&str, &str)]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tmp");
    let src = root().join(TIER).join("certs");
    for e in std::fs::read_dir(&src).expect("certs") {
        let p = e.expect("entry").path();
        if p.is_file() {
            std::fs::copy(&p, dir.path().join(p.file_name().expect("name"))).expect("copy");
        }
    }
    let folder = dir.path().join("fe01.fabrikam.com");
    std::fs::create_dir(&folder).expect("mkdir");
    for (name, from) in fe01 {
        std::fs::copy(src.join(from), folder.join(name)).expect("copy");
    }
    let path = dir.path().to_string_lossy().into_owned();
    (dir, path)
}

fn tier_check(certs: &str) -> Value {
    let topo = format!("{TIER}/topology.xml");
    let ca = format!("{TIER}/ca/fabrikam-root-ca.cer");
    json(&[&topo, "--certs", certs, "--ca", &ca]).1
}

#[test]
fn separate_default_and_web_services_certificates_are_each_checked() {
    // Both present (the sample): ready, two certificates, each with its usage.
    let v = tier_check(&format!("{TIER}/certs"));
    let fe01 = support::json_server(&v, "fe01.fabrikam.com");
    assert_eq!(fe01["status"], "ready", "{fe01}");
    let usages: Vec<&Value> = fe01["certificates"]
        .as_array()
        .expect("certificates")
        .iter()
        .map(|c| &c["usages"])
        .collect();
    assert_eq!(
        usages,
        [
            &serde_json::json!(["Default"]),
            &serde_json::json!(["WebServicesInternal"])
        ]
    );
    // Only the Default certificate: the one the file upload/download service presents is
    // missing.
    let (_d, certs) = three_tier_with_fe01(&[("default.cer", "fe01.fabrikam.com/default.cer")]);
    let v = tier_check(&certs);
    assert_eq!(status(&v, "fe01.fabrikam.com"), "not-ready");
    assert_eq!(
        support::json_server(&v, "fe01.fabrikam.com")["action"],
        "request",
        "a usage without a certificate is a certificate to request"
    );
    let missing = findings(&v, "missing-certificate");
    assert!(
        missing.iter().any(|f| f["server"] == "fe01.fabrikam.com"
            && f["message"]
                .as_str()
                .unwrap_or("")
                .contains("no WebServicesInternal certificate")),
        "{missing:?}"
    );
}

#[test]
fn a_bad_web_services_certificate_is_not_hidden_by_a_good_default_one() {
    // A good Default certificate and a WebServicesInternal one from another issuing CA that
    // lasts longer or not: fe01 is not ready either way, and the finding names that file.
    let (_d, certs) = three_tier_with_fe01(&[
        ("default.cer", "fe01.fabrikam.com/default.cer"),
        ("webservicesinternal.cer", "fe03.fabrikam.com.cer"),
    ]);
    let v = tier_check(&certs);
    assert_eq!(status(&v, "fe01.fabrikam.com"), "not-ready");
    let about_fe01: Vec<&Value> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["server"] == "fe01.fabrikam.com")
        .collect();
    assert!(
        about_fe01.iter().all(|f| f["file"]
            .as_str()
            .unwrap_or("")
            .ends_with("webservicesinternal.cer")),
        "{about_fe01:?}"
    );
    assert!(!about_fe01.is_empty());
}

#[test]
fn unlabelled_certificates_get_their_usage_from_the_names_they_cover() {
    let (_d, certs) = three_tier_with_fe01(&[
        ("a.cer", "fe01.fabrikam.com/default.cer"),
        ("b.cer", "fe01.fabrikam.com/webservicesinternal.cer"),
    ]);
    let v = tier_check(&certs);
    let fe01 = support::json_server(&v, "fe01.fabrikam.com");
    assert_eq!(fe01["status"], "ready", "{fe01}");
    let chosen: Vec<(String, String)> = fe01["certificates"]
        .as_array()
        .expect("certificates")
        .iter()
        .map(|c| {
            (
                c["file"]
                    .as_str()
                    .unwrap_or("")
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .to_string(),
                c["chosen"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(chosen.len(), 2, "{chosen:?}");
    assert!(
        chosen[0].0 == "a.cer" && chosen[0].1.contains("Default inferred"),
        "{chosen:?}"
    );
    assert!(
        chosen[1].0 == "b.cer" && chosen[1].1.contains("WebServicesInternal inferred"),
        "{chosen:?}"
    );
}

#[test]
fn an_empty_certificate_folder_is_said_once_up_front() {
    let dir = tempfile::tempdir().expect("tmp");
    let empty = dir.path().to_string_lossy().into_owned();
    let (code, _, err) =
        support::run_in_root("check", &[ENT, "--certs", &empty, "--now", "2026-12-01"]);
    assert_eq!(code, 1);
    let flat = support::flat(&err);
    assert_eq!(flat.matches("no certificate files in").count(), 1, "{err}");
    // Negative: a folder with certificates says nothing of the kind.
    let (_, _, err) =
        support::run_in_root("check", &[ENT, "--certs", ENT_CERTS, "--now", "2026-12-01"]);
    assert!(!err.contains("no certificate files"), "{err}");
}

#[test]
fn topocert_toml_in_the_current_folder_is_used_and_named_and_flags_win() {
    let dir = tempfile::tempdir().expect("tmp");
    let r = root();
    let lab_certs = r.join("sample-topologies/rules-lab/certs");
    let lab_ca = r.join("sample-topologies/rules-lab/ca/fabrikam-issuing-ca.cer");
    std::fs::write(
        dir.path().join("topocert.toml"),
        format!(
            "certs = {:?}\nca = [{:?}]\nignore = [\"weak-key\"]\n\n[severity]\nsha1-signature = \"error\"\n",
            lab_certs.to_string_lossy(),
            lab_ca.to_string_lossy()
        ),
    )
    .expect("write");
    let topo = r.join(LAB).to_string_lossy().into_owned();
    let run = |extra: &[&str]| {
        let mut a = vec![
            "check",
            topo.as_str(),
            "--now",
            "2026-12-01",
            "--format",
            "json",
        ];
        a.extend_from_slice(extra);
        let out = support::topocert()
            .current_dir(dir.path())
            .args(&a)
            .output()
            .expect("runs");
        let v: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        v
    };
    // The file gives the certificates and the CA, drops weak-key, makes SHA-1 an error.
    let v = run(&[]);
    assert!(findings(&v, "weak-key").is_empty());
    let sha1 = findings(&v, "sha1-signature");
    assert_eq!(sha1[0]["severity"], "error");
    assert_eq!(status(&v, "lab06.fabrikam.com"), "not-ready");
    let settings = v["settings"].as_str().unwrap_or("");
    assert!(
        settings.contains("topocert.toml")
            && settings.contains("ignored: weak-key")
            && settings.contains("sha1-signature = error"),
        "{settings}"
    );
    // Flags win: --ignore adds to the file's list.
    let v = run(&["--ignore", "expiring-soon"]);
    assert!(findings(&v, "expiring-soon").is_empty());
    assert!(v["settings"]
        .as_str()
        .unwrap_or("")
        .contains("expiring-soon"));
    // Negative: without the file (another folder), weak-key is reported and no settings named.
    let (_, v) = json(&[LAB, "--certs", LAB_CERTS, "--ca", LAB_CA]);
    assert!(!findings(&v, "weak-key").is_empty());
    assert!(v["settings"].is_null());
}
