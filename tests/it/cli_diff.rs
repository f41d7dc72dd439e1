//! `topocert diff`: goldens for each format, exit codes, and identity matching end to end.

use crate::support;
use support::*;

const OLD: &str = "sample-topologies/enterprise-multisite/topology.xml";
const TBXML: &str = "sample-topologies/enterprise-multisite/topology.tbxml";
const CHANGE: &str = "sample-topologies/enterprise-multisite-change/topology.xml";
const CERTS: &str = "sample-topologies/enterprise-multisite/certs";
/// Two of the four certificates are from the internal CA: no strict majority to infer it from.
const CA: &str = "sample-topologies/enterprise-multisite/ca/fabrikam-issuing-ca.cer";
const NOW: &str = "2026-12-01T00:00:00Z";

fn diff(args: &[&str]) -> (i32, String, String) {
    support::run_in_root("diff", args)
}

#[test]
fn published_xml_vs_tbxml_of_the_same_topology_is_empty() {
    let (code, out, _) = diff(&[OLD, TBXML]);
    assert_eq!(code, 0);
    assert!(out.ends_with("\nno changes\n"), "{out}");
    let (code, out, _) = diff(&[OLD, TBXML, "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["empty"], true);
    assert_eq!(v["changes"].as_array().map(Vec::len), Some(0));
}

#[test]
fn identical_file_is_empty_even_with_certificates_that_fail() {
    // The sample itself is not ready (foreign-ca, missing-certificate), but the change adds
    // nothing, so the diff passes.
    let (code, out, _) = diff(&[OLD, OLD, "--certs", CERTS, "--ca", CA, "--now", NOW]);
    assert_eq!(code, 0);
    assert!(out.contains("no changes"), "{out}");
}

#[test]
fn change_pair_human_golden_exits_1() {
    let (code, out, _) = diff(&[OLD, CHANGE, "--certs", CERTS, "--ca", CA, "--now", NOW]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

/// `--quiet`: the readiness changes, one line per server that is not ready and the verdict,
/// with the exit code of the full output; without certificates only the readiness changes.
#[test]
fn change_pair_quiet_golden_exits_1() {
    let (code, out, _) = diff(&[
        OLD, CHANGE, "--certs", CERTS, "--ca", CA, "--now", NOW, "--quiet",
    ]);
    assert_eq!(code, 1);
    let (full_code, full, _) = diff(&[OLD, CHANGE, "--certs", CERTS, "--ca", CA, "--now", NOW]);
    assert_eq!(code, full_code);
    // Shorter than the full output, and ends with the same verdict.
    assert!(out.lines().count() * 2 < full.lines().count(), "{out}");
    let verdict = |s: &str| {
        s.lines()
            .rev()
            .take(2)
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(verdict(&out), verdict(&full));
    assert!(!out.contains("Topology\n"), "{out}");
    insta::assert_snapshot!(out);

    let (code, out, _) = diff(&[OLD, CHANGE, "--quiet"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("+ fe04.fabrikam.com becomes a file upload/download server"),
        "{out}"
    );
    assert!(
        !out.contains("edge01b"),
        "element changes are left out: {out}"
    );
    let (code, out, _) = diff(&[OLD, TBXML, "--quiet"]);
    assert_eq!((code, out.as_str()), (0, "no readiness change\n"));
}

/// At 80 and 100 columns every line of the human diff fits, but a single name longer than
/// the line, which is never split.
#[test]
fn change_pair_human_fits_80_and_100_columns() {
    for width in [80, 100] {
        let args = [
            "diff", OLD, CHANGE, "--certs", CERTS, "--ca", CA, "--now", NOW,
        ];
        let (_, text) = run_at_width(width, &args);
        assert_fits(&text, width);
        assert!(text.contains("webext02.fabrikam.com"), "{text}");
    }
}

#[test]
fn change_pair_markdown_golden_exits_1() {
    let (code, out, _) = diff(&[
        OLD, CHANGE, "--certs", CERTS, "--ca", CA, "--now", NOW, "--format", "markdown",
    ]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn change_pair_json_golden_exits_1() {
    let (code, out, _) = diff(&[
        OLD, CHANGE, "--certs", CERTS, "--ca", CA, "--now", NOW, "--format", "json",
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["schema_version"], 2);
    assert_eq!(v["verdicts"]["verdict"], "not-ready");
    insta::assert_snapshot!(scrub(&out));
}

#[test]
fn change_pair_without_certificates_exits_0() {
    let (code, out, _) = diff(&[OLD, CHANGE, "--format", "markdown"]);
    assert_eq!(code, 0);
    assert!(out.contains("certificates not checked"), "{out}");
    assert!(
        out.contains("| + | fe04.fabrikam.com | becomes a file upload/download server |"),
        "{out}"
    );
}

#[test]
fn adding_a_server_with_a_good_certificate_exits_0() {
    // OLD lacks fe01, whose certificate in the sample folder is good; NEW is the sample.
    let text = read(&root().join(OLD)).replace("\r\n", "\n");
    let start = text
        .find("      <Machine OrdinalInCluster=\"1\" Fqdn=\"fe01.fabrikam.com\"")
        .expect("fe01");
    let end = start + text[start..].find("</Machine>\n").expect("end") + "</Machine>\n".len();
    let mut old = text.clone();
    old.replace_range(start..end, "");
    let dir = tempfile::tempdir().expect("tempdir");
    let old_path = dir.path().join("old.xml");
    std::fs::write(&old_path, old).expect("write");
    let old_arg = old_path.to_string_lossy().into_owned();
    let (code, out, _) = diff(&[&old_arg, OLD, "--certs", CERTS, "--ca", CA, "--now", NOW]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("+ server fe01.fabrikam.com"), "{out}");
    assert!(
        out.contains("+ fe01.fabrikam.com becomes a file upload/download server"),
        "{out}"
    );
    assert!(out.contains("  ready     fe01.fabrikam.com"), "{out}");
    assert!(out.contains("\nREADY: 1 of 1 server ready;"), "{out}");
}

#[test]
fn malformed_old_or_new_exits_2_naming_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("broken-topology.xml");
    std::fs::write(&bad, "<Topology><Clusters></Topology>").expect("write");
    let bad_arg = bad.to_string_lossy().into_owned();
    for args in [[bad_arg.as_str(), OLD], [OLD, bad_arg.as_str()]] {
        let (code, out, err) = diff(&args);
        assert_eq!(code, 2);
        assert!(out.is_empty(), "{out}");
        assert!(flat(&err).contains("broken-topology.xml"), "{err}");
    }
    let (code, _, err) = diff(&[OLD, "sample-topologies/no-such-file.xml"]);
    assert_eq!(code, 2);
    assert!(err.contains("no-such-file.xml"), "{err}");
}

#[test]
fn empty_diff_markdown_golden() {
    let (code, out, _) = diff(&[OLD, TBXML, "--format", "markdown"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(out);
}

#[test]
fn tbxml_old_gives_the_same_changes_as_published_old() {
    let run = |old: &str| {
        let (code, out, _) = diff(&[old, CHANGE, "--format", "json"]);
        assert_eq!(code, 0);
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        let changes: Vec<(String, String, String)> = v["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .map(|c| {
                (
                    c["element"].to_string(),
                    c["identity"].to_string(),
                    c["change"].to_string(),
                )
            })
            .collect();
        (changes, v["readiness"]["role_changes"].clone())
    };
    let (published, roles) = run(OLD);
    assert_eq!(published.len(), 3, "{published:?}");
    assert_eq!(run(TBXML), (published, roles));
}

/// `diff --format sarif|junit` carry exactly the findings of the added or moved servers, and
/// `--fail-on` / `--baseline` gate the exit code as for `check`.
#[test]
fn sarif_junit_and_gate_for_the_change_pair() {
    let base = [OLD, CHANGE, "--certs", CERTS, "--ca", CA, "--now", NOW];
    let (code, out, err) = diff(&[&base[..], &["--format", "sarif"]].concat());
    assert_eq!(code, 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("sarif json");
    let mut servers: Vec<String> = v["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            r["message"]["text"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .map(|m| {
            ["fe03", "fe04", "fe05", "fe01", "fe02", "pc01", "pc02"]
                .into_iter()
                .find(|s| m.contains(&format!("{s}.fabrikam.com")))
                .unwrap_or("?")
                .to_string()
        })
        .collect();
    servers.sort();
    servers.dedup();
    assert_eq!(
        servers,
        ["fe03", "fe04", "fe05"],
        "only added or moved servers"
    );

    let (code, out, _) = diff(&[&base[..], &["--format", "junit"]].concat());
    assert_eq!(code, 1);
    // The three servers plus the case for findings about no server (none here).
    assert_eq!(out.matches("<testcase ").count(), 4, "{out}");
    assert_eq!(out.matches("<failure").count(), 3, "{out}");

    let (code, _, _) = diff(&[&base[..], &["--fail-on", "never"]].concat());
    assert_eq!(code, 0);

    // A baseline of this change's findings makes the same change pass; a new finding would not.
    let dir = tempfile::tempdir().expect("tmp");
    let b = dir.path().join("baseline.json");
    let b = b.to_str().expect("utf-8");
    let (code, _, _) = diff(&[&base[..], &["--write-baseline", b]].concat());
    assert_eq!(code, 1, "writing a baseline does not change the verdict");
    let (code, _, err) = diff(&[&base[..], &["--baseline", b]].concat());
    assert_eq!(code, 0, "{err}");
}

#[test]
fn sarif_and_junit_need_certificates() {
    for format in ["sarif", "junit", "github"] {
        let (code, out, err) = diff(&[OLD, CHANGE, "--format", format]);
        assert_eq!(code, 2, "{format}");
        assert!(out.is_empty());
        assert!(
            flat(&err).contains("--certs DIR, --inventory FILE or --fetch"),
            "{err}"
        );
    }
}

const INVENTORY: &str = "sample-topologies/enterprise-multisite/inventory.csv";

#[test]
fn change_pair_with_inventory_checks_the_added_servers_against_its_rows() {
    let (code, out, err) = diff(&[
        OLD,
        CHANGE,
        "--inventory",
        INVENTORY,
        "--ca",
        CA,
        "--now",
        NOW,
    ]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(
        flat(&out).contains("fe04.fabrikam.com (file upload/download server) has no certificate: no row of sample-topologies/enterprise-multisite/inventory.csv"),
        "{out}"
    );
    // fe03 moves and is found in the inventory: known only from its row, so partly checked.
    assert!(
        flat(&out).contains("known only from sample-topologies/enterprise-multisite/inventory.csv"),
        "{out}"
    );
    assert!(out.contains("NOT READY"), "{out}");
}

#[test]
fn identical_file_with_inventory_is_empty_and_exits_0() {
    let (code, out, _) = diff(&[OLD, OLD, "--inventory", INVENTORY, "--ca", CA, "--now", NOW]);
    assert_eq!(code, 0, "{out}");
    assert!(!flat(&out).contains("NOT READY"), "{out}");
}

#[test]
fn missing_inventory_file_exits_2_naming_it() {
    let (code, _, err) = diff(&[OLD, CHANGE, "--inventory", "no-such-inventory.csv"]);
    assert_eq!(code, 2);
    assert!(flat(&err).contains("no-such-inventory.csv"), "{err}");
}

#[test]
fn adding_a_server_with_a_good_inventory_row_is_unknown_not_ready() {
    // OLD calls fe01 fe09; NEW adds fe01, whose inventory row has no fault, but an inventory
    // row cannot show the key, signature or EKU: fe01 is unknown, and the run fails.
    let dir = tempfile::tempdir().expect("tempdir");
    let renamed = dir.path().join("renamed.xml");
    let text = read(&root().join(OLD)).replace("fe01.fabrikam.com", "fe09.fabrikam.com");
    std::fs::write(&renamed, text).expect("write");
    let renamed = renamed.to_string_lossy().into_owned();
    let (code, out, _) = diff(&[
        &renamed,
        OLD,
        "--inventory",
        INVENTORY,
        "--ca",
        CA,
        "--now",
        NOW,
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(
        flat(&out).contains("+ fe01.fabrikam.com becomes a file upload/download server"),
        "{out}"
    );
    assert!(flat(&out).contains("unknown fe01.fabrikam.com"), "{out}");
    assert!(out.contains("cannot decide:"), "{out}");
    assert!(
        out.contains("\nUNKNOWN: 0 of 1 server ready, 1 unknown;"),
        "{out}"
    );
    // Negative: the reverse change adds fe09, which no row covers.
    let (code, out, _) = diff(&[
        OLD,
        &renamed,
        "--inventory",
        INVENTORY,
        "--ca",
        CA,
        "--now",
        NOW,
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(
        flat(&out).contains("fe09.fabrikam.com (file upload/download server) has no certificate"),
        "{out}"
    );
}
