//! `servers` and `graph` from the command line: golden outputs and every bad input.

use crate::support;

use predicates::prelude::*;
use support::{sample, scrub, topocert};

fn stdout_of(args: &[&str]) -> String {
    stdout_at(None, args)
}

/// stdout of a successful run with `COLUMNS` set to `columns` (unset for `None`: not a
/// terminal, so 100).
fn stdout_at(columns: Option<&str>, args: &[&str]) -> String {
    let mut c = topocert();
    if let Some(columns) = columns {
        c.env("COLUMNS", columns);
    }
    let out = c.args(args).assert().success().get_output().stdout.clone();
    String::from_utf8(out).expect("utf-8 output")
}

#[test]
fn servers_table_golden() {
    insta::assert_snapshot!(stdout_of(&[
        "servers",
        &sample("enterprise-multisite/topology.xml")
    ]));
}

/// `servers` of the enterprise sample at `COLUMNS`.
fn servers_at(columns: Option<&str>, extra: &[&str]) -> String {
    let topology = sample("enterprise-multisite/topology.xml");
    let mut args = vec!["servers", topology.as_str()];
    args.extend(extra);
    stdout_at(columns, &args)
}

#[test]
fn servers_table_fits_100_columns_and_wide_lists_every_role() {
    let default = servers_at(None, &[]);
    assert_eq!(default, servers_at(Some("100"), &[]));
    assert!(
        default.lines().all(|l| l.chars().count() <= 100),
        "{default}"
    );
    assert!(!default.contains("ApplicationServer"), "{default}");
    // A wider terminal has room for some roles.
    let at_140 = servers_at(Some("140"), &[]);
    assert!(
        at_140.contains("UserServices,Registrar,WebServices,+4"),
        "{at_140}"
    );
    assert!(at_140.lines().all(|l| l.chars().count() <= 140), "{at_140}");
    // At 80 the table keeps its names whole, leaves out SITE and KIND to fit, and says so.
    let at_80 = servers_at(Some("80"), &[]);
    assert!(at_80.lines().all(|l| l.chars().count() <= 80), "{at_80}");
    assert!(
        at_80.starts_with("SERVER                POOL                     PERSISTENT CHAT\n"),
        "{at_80}"
    );
    assert!(
        at_80.contains("\nedge01a.fabrikam.com  edgepool01.fabrikam.com  -\n"),
        "{at_80}"
    );
    assert!(
        at_80.ends_with(
            "\n17 servers; 3 run the Persistent Chat file upload/download web service; 2 run\n\
             Persistent Chat. SITE and KIND are left out to fit the width; --wide lists every\n\
             column and role.\n"
        ),
        "{at_80}"
    );
    // At 100 nothing is left out.
    assert!(
        default.starts_with("SERVER                POOL                     SITE     KIND"),
        "{default}"
    );
    insta::assert_snapshot!(servers_at(Some("80"), &["--wide"]));
}

#[test]
fn servers_json_golden_and_same_for_tbxml() {
    let xml = stdout_of(&[
        "servers",
        &sample("enterprise-multisite/topology.xml"),
        "--format",
        "json",
    ]);
    let tb = stdout_of(&[
        "servers",
        &sample("enterprise-multisite/topology.tbxml"),
        "--format",
        "json",
    ]);
    assert_eq!(xml, tb);
    let v: serde_json::Value = serde_json::from_str(&xml).expect("valid JSON");
    assert_eq!(v["schema_version"], 1);
    let first = &v["servers"][0];
    for key in [
        "fqdn",
        "pool",
        "site",
        "roles",
        "kind",
        "file_transfer",
        "persistent_chat",
    ] {
        assert!(first.get(key).is_some(), "missing {key}");
    }
    insta::assert_snapshot!(xml);
}

#[test]
fn graph_dot_golden() {
    insta::assert_snapshot!(stdout_of(&[
        "graph",
        &sample("enterprise-multisite/topology.xml")
    ]));
}

#[test]
fn graph_mermaid_focus_golden() {
    let out = stdout_of(&[
        "graph",
        &sample("enterprise-multisite/topology.xml"),
        "--format",
        "mermaid",
        "--focus",
        "persistent-chat",
    ]);
    assert!(
        !out.contains("fe04"),
        "focus drops the pools Persistent Chat does not use"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn graph_json_focus_keeps_pchat_pools_and_their_dependencies() {
    let out = stdout_of(&[
        "graph",
        &sample("enterprise-multisite/topology.xml"),
        "--format",
        "json",
        "--focus",
        "persistent-chat",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["schema_version"], 1);
    let ids: Vec<&str> = v["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter_map(|n| n["id"].as_str())
        .collect();
    assert!(ids.contains(&"pool:pchat01.fabrikam.com"));
    assert!(ids.contains(&"machine:fe01.fabrikam.com"));
    assert!(ids.contains(&"pool:sql01.fabrikam.com"));
    assert!(!ids.contains(&"pool:pool02.fabrikam.com"));
    assert!(!ids.contains(&"machine:edge01a.fabrikam.com"));
    let edges = v["edges"].as_array().expect("edges");
    assert!(edges.iter().any(|e| e["kind"] == "depends-on"
        && e["from"] == "service:PersistentChatService:pchat01.fabrikam.com"
        && e["to"] == "service:Registrar:pool01.fabrikam.com"));
}

#[test]
fn standard_input_is_read_with_dash() {
    let bytes = std::fs::read(sample("standard-edition/topology-utf16be.xml")).expect("sample");
    topocert()
        .args(["servers", "-"])
        .write_stdin(bytes)
        .assert()
        .success()
        .stdout(predicate::str::contains("lyncse01.fabrikam.com"));
}

fn fails_with(input: &[u8], code: i32, needles: &[&str]) -> String {
    let a = topocert()
        .args(["servers", "-"])
        .write_stdin(input.to_vec())
        .assert()
        .code(code);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    let flat = support::flat(&err);
    for n in needles {
        assert!(flat.contains(n), "stderr lacks {n:?}:\n{err}");
    }
    err
}

#[test]
fn malformed_xml_exits_2_with_line_and_column() {
    let err = fails_with(
        b"<Topology xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008\">\r\n  <Sites>\r\n  </Clusters>\r\n</Topology>\r\n",
        2,
        &["malformed XML", "[-:3:3]", "</Clusters>"],
    );
    insta::assert_snapshot!(err);
}

#[test]
fn truncated_topology_exits_2() {
    let bytes = std::fs::read(sample("enterprise-multisite/topology.tbxml")).expect("sample");
    fails_with(&bytes[..bytes.len() / 2], 2, &["malformed XML"]);
}

#[test]
fn xml_that_is_not_a_topology_names_the_accepted_roots() {
    fails_with(
        b"<?xml version=\"1.0\"?>\n<Project xmlns=\"http://schemas.microsoft.com/developer/msbuild/2003\"/>",
        2,
        &["root element <Project>", "is not a Lync/Skype for Business topology", "TopologyBuilder"],
    );
}

#[test]
fn dtd_and_entities_are_rejected_and_never_expanded() {
    let laughs = b"<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]>\n<Topology>&lol2;</Topology>";
    fails_with(
        laughs,
        2,
        &["document type declarations are not allowed", "[-:2:1]"],
    );
    let xxe = b"<?xml version=\"1.0\"?>\n<!DOCTYPE t [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<Topology>&x;</Topology>";
    let err = fails_with(xxe, 2, &["document type declarations are not allowed"]);
    assert!(!err.contains("root:"), "an external entity was read");
    // An undeclared entity reference is an error, not an expansion.
    fails_with(
        b"<Topology xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008\">&x;</Topology>",
        2,
        &["unknown entity &x;"],
    );
}

#[test]
fn deep_nesting_is_refused_without_stack_overflow() {
    let mut doc = String::from(
        "<Topology xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008\">",
    );
    doc.push_str(&"<a>".repeat(200_000));
    fails_with(doc.as_bytes(), 2, &["nested more than 256 levels"]);
}

#[test]
fn invalid_utf16_and_nul_bytes_are_clear_errors() {
    let mut v = vec![0xFF, 0xFE];
    for u in "<Topology>".encode_utf16() {
        v.extend(u.to_le_bytes());
    }
    v.extend([0x00, 0xDC, b'x', 0]);
    fails_with(&v, 2, &["not valid UTF-16LE", "unpaired surrogate"]);
    fails_with(
        b"<Topology xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008\">a\0b</Topology>",
        2,
        &["NUL"],
    );
}

#[test]
fn missing_file_exits_2() {
    topocert()
        .args(["servers", "/nonexistent/topology.xml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read topology"));
}

#[test]
fn dangling_cluster_reference_is_reported_at_the_service_and_the_rest_is_read() {
    let text =
        std::fs::read_to_string(sample("enterprise-multisite/topology.xml")).expect("sample");
    // Point the Persistent Chat service at a cluster that does not exist.
    let needle = "RoleName=\"PersistentChatService\" Instance=\"1\" />";
    let at = text
        .find(needle)
        .expect("sample has a Persistent Chat service");
    let rest = &text[at..];
    let cid = rest
        .find("<ClusterId SiteId=\"1\" Number=\"")
        .expect("installed on");
    let mut broken = text.clone();
    let start = at + cid;
    let end = start + rest[cid..].find("/>").expect("end");
    broken.replace_range(start..end, "<ClusterId SiteId=\"1\" Number=\"99\" ");
    let a = topocert()
        .args(["servers", "-", "--format", "json"])
        .write_stdin(broken.into_bytes())
        .assert()
        .success();
    let err = support::flat(&String::from_utf8_lossy(&a.get_output().stderr));
    assert!(
        err.contains(
            "service PersistentChatService is installed on ClusterId(SiteId=1, Number=99)"
        ),
        "{err}"
    );
    assert!(err.contains("this service"), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).expect("json");
    assert_eq!(
        v["servers"].as_array().expect("array").len(),
        17,
        "every machine still listed"
    );
}

#[test]
fn help_speaks_lync() {
    topocert()
        .args(["--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Persistent Chat file upload/download",
        ));
    topocert()
        .args(["servers", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Get-CsTopology -AsXml"));
}

#[test]
fn bad_arguments_exit_2() {
    topocert().args(["servers"]).assert().code(2);
    topocert()
        .args([
            "graph",
            &sample("standard-edition/topology.xml"),
            "--format",
            "png",
        ])
        .assert()
        .code(2);
    let _ = scrub("");
}
