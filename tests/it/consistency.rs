//! One verdict everywhere: for every shipped sample with certificates (and the reference
//! topologies, when present), `check` in every format, `plan --certs`, and `report` give each
//! server the same status, the same overall verdict and the same exit code, with and without a
//! baseline that accepts every finding.

use crate::support;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use support::{root, run_in_root};

const NOW: &str = "2026-12-01T00:00:00Z";

/// What one command in one format says: verdict, status per server, exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Said {
    verdict: String,
    servers: BTreeMap<String, String>,
    code: i32,
}

fn run(command: &str, args: &[String]) -> (i32, String, String) {
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    run_in_root(command, &a)
}

fn json(out: &str, err: &str) -> Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"))
}

fn from_json_servers(v: &Value, code: i32, verdict: &Value) -> Said {
    let servers = v
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| {
                    (
                        s["fqdn"].as_str().unwrap_or("?").to_string(),
                        s["status"].as_str().unwrap_or("?").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Said {
        verdict: verdict.as_str().unwrap_or("?").to_string(),
        servers,
        code,
    }
}

/// The status word of a server as a people-facing output writes it, as the JSON value.
fn status_value(text: &str) -> Option<&'static str> {
    if text.contains("not ready") || text.contains("not-ready") {
        Some("not-ready")
    } else if text.contains("unknown") {
        Some("unknown")
    } else if text.contains("ready") {
        Some("ready")
    } else {
        None
    }
}

fn verdict_value(text: &str) -> String {
    for (word, v) in [
        ("NOT APPLICABLE", "not-applicable"),
        ("Nothing to check", "not-applicable"),
        ("NOT READY", "not-ready"),
        ("Not ready", "not-ready"),
        ("UNKNOWN", "unknown"),
        ("Cannot decide", "unknown"),
        ("READY", "ready"),
        ("Ready", "ready"),
    ] {
        if text.contains(word) {
            return v.to_string();
        }
    }
    format!("? {text}")
}

/// The quoted value that follows `key` in `text`, after `anchor` when one is given: e.g. a
/// server's `status` property after its `<testcase name="...">`.
fn value_after(text: &str, anchor: Option<&str>, key: &str) -> String {
    let rest = match anchor {
        Some(a) => text.split(a).nth(1),
        None => Some(text),
    };
    rest.and_then(|r| r.split(key).nth(1))
        .and_then(|r| r.split('"').next())
        .unwrap_or("?")
        .to_string()
}

/// The status value after each server's anchor.
fn statuses_after(
    text: &str,
    fqdns: &[String],
    anchor: impl Fn(&str) -> String,
    key: &str,
) -> BTreeMap<String, String> {
    fqdns
        .iter()
        .map(|f| (f.clone(), value_after(text, Some(&anchor(f)), key)))
        .collect()
}

/// Everything each command and format says about one set of inputs.
fn everything(topology: &str, cert_args: &[String], gate: &[String]) -> Vec<(String, Said)> {
    let mut base: Vec<String> = vec![topology.to_string()];
    base.extend(cert_args.iter().cloned());
    base.extend(["--now".into(), NOW.into()]);
    base.extend(gate.iter().cloned());
    let with = |extra: &[&str]| -> Vec<String> {
        let mut a = base.clone();
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let mut said = Vec::new();

    let (code, out, err) = run("check", &with(&["--format", "json"]));
    let v = json(&out, &err);
    said.push((
        "check json".to_string(),
        from_json_servers(&v["servers"], code, &v["verdict"]),
    ));
    let fqdns: Vec<String> = said[0].1.servers.keys().cloned().collect();
    // A server's action fits its status: nothing to do only when ready, never when not ready.
    for srv in v["servers"].as_array().into_iter().flatten() {
        let (status, action) = (
            srv["status"].as_str().unwrap_or("?"),
            srv["action"].as_str().unwrap_or("?"),
        );
        let fits = match status {
            "ready" => ["ready", "reissue"].contains(&action),
            "not-ready" => ["reissue", "request"].contains(&action),
            "unknown" => ["verify", "reissue"].contains(&action),
            _ => false,
        };
        assert!(
            fits,
            "{topology}: {} is {status} but its action is {action}",
            srv["fqdn"]
        );
    }

    let (code, out, err) = run("plan", &with(&["--format", "json"]));
    let v = json(&out, &err);
    said.push((
        "plan json".to_string(),
        from_json_servers(&v["servers"], code, &v["verdict"]),
    ));
    assert_eq!(
        v["exit_code"].as_i64(),
        Some(i64::from(code)),
        "plan json exit_code"
    );

    let (code, out, err) = run("check", &with(&["--format", "sarif"]));
    let v = json(&out, &err);
    let props = &v["runs"][0]["properties"];
    said.push((
        "check sarif".to_string(),
        from_json_servers(&props["servers"], code, &props["verdict"]),
    ));

    let (code, out, _) = run("check", &with(&["--format", "junit"]));
    let verdict = value_after(&out, None, "name=\"verdict\" value=\"");
    let servers = statuses_after(
        &out,
        &fqdns,
        |f| format!("<testcase name=\"{f}\""),
        "name=\"status\" value=\"",
    );
    said.push((
        "check junit".to_string(),
        Said {
            verdict,
            servers,
            code,
        },
    ));

    let (code, out, _) = run("check", &with(&["--format", "markdown"]));
    let mut servers = BTreeMap::new();
    for f in &fqdns {
        let row = out
            .lines()
            .find(|l| l.starts_with(&format!("| {f} |")))
            .unwrap_or("");
        let status_cell = row.split('|').nth(5).unwrap_or("");
        servers.insert(
            f.clone(),
            status_value(status_cell).unwrap_or("?").to_string(),
        );
    }
    said.push((
        "check markdown".to_string(),
        Said {
            verdict: verdict_value(out.lines().next().unwrap_or("")),
            servers,
            code,
        },
    ));

    let (code, out, _) = run("check", &with(&["--format", "human"]));
    let mut servers = BTreeMap::new();
    let summary = out.split("\nSummary\n").nth(1).unwrap_or("");
    let cells = |l: &str| -> Vec<String> {
        l.split("  ")
            .filter(|c| !c.trim().is_empty())
            .map(|c| c.trim().to_string())
            .collect()
    };
    // The table fits the width: its columns are found by their headers.
    let header = summary
        .lines()
        .find(|l| l.starts_with("SERVER"))
        .unwrap_or("");
    let status_at = cells(header).iter().position(|c| c == "STATUS");
    for f in &fqdns {
        let row = summary
            .lines()
            .find(|l| l.starts_with(&format!("{f} ")))
            .unwrap_or("");
        let row = cells(row);
        let status_col = status_at.and_then(|i| row.get(i));
        servers.insert(
            f.clone(),
            status_col
                .and_then(|c| status_value(c))
                .unwrap_or("?")
                .to_string(),
        );
    }
    let headline = out
        .lines()
        .find(|l| {
            ["READY:", "NOT READY:", "UNKNOWN:", "NOT APPLICABLE:"]
                .iter()
                .any(|w| l.starts_with(w))
        })
        .unwrap_or("");
    said.push((
        "check human".to_string(),
        Said {
            verdict: verdict_value(headline.split(':').next().unwrap_or("")),
            servers,
            code,
        },
    ));

    let dir = tempfile::tempdir().expect("tmp");
    let html_path = dir.path().join("r.html");
    let (code, _, err) = run("report", &with(&["--out", &html_path.to_string_lossy()]));
    let html = std::fs::read_to_string(&html_path).unwrap_or_else(|e| panic!("{e}: {err}"));
    let verdict = value_after(&html, None, "<span class=\"verdict ");
    let servers = statuses_after(
        &html,
        &fqdns,
        |f| format!("<tr data-server=\"{f}\">"),
        "<span class=\"verdict ",
    );
    said.push((
        "report html".to_string(),
        Said {
            verdict,
            servers,
            code,
        },
    ));
    said
}

fn assert_agree(case: &str, said: &[(String, Said)]) {
    let (first_name, first) = &said[0];
    assert!(
        first.servers.values().all(|s| s != "?"),
        "{case}: {first_name} {first:?}"
    );
    for (name, s) in &said[1..] {
        assert_eq!(s, first, "{case}: {name} disagrees with {first_name}");
    }
}

/// The inputs: (name, topology, certificate arguments).
fn cases() -> Vec<(String, String, Vec<String>)> {
    let s = |p: &str| format!("sample-topologies/{p}");
    let v = |a: &[&str]| a.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let ent_ca = s("enterprise-multisite/ca/fabrikam-issuing-ca.cer");
    let lab_ca = s("rules-lab/ca/fabrikam-issuing-ca.cer");
    let se_ca = s("standard-edition/ca/fabrikam-issuing-ca.cer");
    let mut cases = vec![
        (
            "standard-edition".into(),
            s("standard-edition/topology.xml"),
            v(&["--certs", &s("standard-edition/certs"), "--ca", &se_ca]),
        ),
        (
            "nested".into(),
            s("nested/config-export.xml"),
            v(&["--certs", &s("standard-edition/certs"), "--ca", &se_ca]),
        ),
        (
            "enterprise --ca".into(),
            s("enterprise-multisite/topology.xml"),
            v(&["--certs", &s("enterprise-multisite/certs"), "--ca", &ent_ca]),
        ),
        (
            "enterprise inferred CA".into(),
            s("enterprise-multisite/topology.xml"),
            v(&["--certs", &s("enterprise-multisite/certs")]),
        ),
        (
            "enterprise tbxml".into(),
            s("enterprise-multisite/topology.tbxml"),
            v(&["--certs", &s("enterprise-multisite/certs"), "--ca", &ent_ca]),
        ),
        (
            "enterprise inventory csv".into(),
            s("enterprise-multisite/topology.xml"),
            v(&[
                "--inventory",
                &s("enterprise-multisite/inventory.csv"),
                "--ca",
                &ent_ca,
            ]),
        ),
        (
            "enterprise inventory json".into(),
            s("enterprise-multisite/topology-utf16le.xml"),
            v(&["--inventory", &s("enterprise-multisite/inventory.json")]),
        ),
        (
            "rules-lab --ca".into(),
            s("rules-lab/topology.xml"),
            v(&["--certs", &s("rules-lab/certs"), "--ca", &lab_ca]),
        ),
        (
            "rules-lab inferred CA".into(),
            s("rules-lab/topology.xml"),
            v(&["--certs", &s("rules-lab/certs")]),
        ),
        (
            "rules-lab inventory".into(),
            s("rules-lab/topology.xml"),
            v(&[
                "--inventory",
                &s("rules-lab/inventory.csv"),
                "--certs",
                &s("rules-lab/certs"),
            ]),
        ),
        (
            "unassociated-pchat".into(),
            s("unassociated-pchat/topology.xml"),
            v(&["--certs", &s("rules-lab/certs")]),
        ),
        (
            "three-tier inferred CA".into(),
            s("three-tier-pki/topology.xml"),
            v(&["--certs", &s("three-tier-pki/certs")]),
        ),
        (
            "three-tier --ca root".into(),
            s("three-tier-pki/topology.xml"),
            v(&[
                "--certs",
                &s("three-tier-pki/certs"),
                "--ca",
                &s("three-tier-pki/ca/fabrikam-root-ca.cer"),
            ]),
        ),
        (
            "enterprise --ignore foreign-ca".into(),
            s("enterprise-multisite/topology.xml"),
            v(&[
                "--certs",
                &s("enterprise-multisite/certs"),
                "--ca",
                &ent_ca,
                "--ignore",
                "foreign-ca",
            ]),
        ),
        (
            "no-persistent-chat".into(),
            s("no-persistent-chat/topology.xml"),
            v(&["--certs", &s("standard-edition/certs")]),
        ),
    ];
    if let Some(dir) = support::reference_dir() {
        let empty = root().join("tests/fixtures/certs");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .map(|r| r.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        for f in files {
            cases.push((
                format!("reference {}", f.display()),
                f.to_string_lossy().into_owned(),
                v(&["--certs", &empty.to_string_lossy()]),
            ));
        }
    }
    cases
}

#[test]
fn every_command_and_format_agrees_with_and_without_a_baseline() {
    for (name, topology, certs) in cases() {
        let plain = everything(&topology, &certs, &[]);
        assert_agree(&name, &plain);

        let dir = tempfile::tempdir().expect("tmp");
        let baseline = dir.path().join("baseline.json");
        let mut args = vec![topology.clone()];
        args.extend(certs.iter().cloned());
        args.extend([
            "--now".into(),
            NOW.into(),
            "--format".into(),
            "json".into(),
            "--write-baseline".into(),
            baseline.to_string_lossy().into_owned(),
        ]);
        let (code, _, err) = run("check", &args);
        assert!(code == 0 || code == 1, "{name}: {err}");
        let gate = vec![
            "--baseline".to_string(),
            baseline.to_string_lossy().into_owned(),
        ];
        let known = everything(&topology, &certs, &gate);
        assert_agree(&format!("{name} with baseline"), &known);
        // The baseline changes the exit code only, never a server's status or the verdict.
        assert_eq!(known[0].1.servers, plain[0].1.servers, "{name}");
        assert_eq!(known[0].1.verdict, plain[0].1.verdict, "{name}");
        assert_eq!(
            known[0].1.code, 0,
            "{name}: a baseline of every finding passes"
        );
    }
}

#[test]
fn no_persistent_chat_pool_is_not_applicable_everywhere() {
    let said = everything(
        "sample-topologies/no-persistent-chat/topology.xml",
        &[
            "--certs".into(),
            "sample-topologies/standard-edition/certs".into(),
        ],
        &[],
    );
    for (name, s) in &said {
        assert_eq!(s.verdict, "not-applicable", "{name}");
        assert_eq!(s.code, 0, "{name}");
        assert!(s.servers.is_empty(), "{name}");
    }
}

#[test]
fn an_undecidable_reference_ca_leaves_servers_unknown_never_ready() {
    // Without --ca and without pc01's certificate, three issuers tie (see
    // sample-topologies/README.md): no server with a certificate may be ready.
    let dir = tempfile::tempdir().expect("tmp");
    let src = root().join("sample-topologies/enterprise-multisite/certs");
    for e in std::fs::read_dir(&src).expect("certs") {
        let p = e.expect("entry").path();
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name != "pc01.fabrikam.com.cer" {
            std::fs::copy(&p, dir.path().join(&name)).expect("copy");
        }
    }
    let certs = vec![
        "--certs".to_string(),
        dir.path().to_string_lossy().into_owned(),
    ];
    let said = everything(
        "sample-topologies/enterprise-multisite/topology.xml",
        &certs,
        &[],
    );
    assert_agree("ambiguous CA", &said);
    let check = &said[0].1;
    assert!(!check.servers.values().any(|s| s == "ready"), "{check:?}");
    assert_ne!(check.verdict, "ready");
    assert_eq!(check.code, 1, "an undecidable CA fails the run");
    let (_, out, _) = run_in_root(
        "check",
        &[
            "sample-topologies/enterprise-multisite/topology.xml",
            "--certs",
            &dir.path().to_string_lossy(),
            "--now",
            NOW,
        ],
    );
    // Each candidate by DN and key id, with its servers; what to provide.
    assert!(out.contains("key id"), "{out}");
    assert!(out.contains("--ca FILE"), "{out}");
    assert!(Path::new(&src).is_dir());
}
