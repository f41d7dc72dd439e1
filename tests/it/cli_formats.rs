//! `topocert check --format markdown|sarif|junit`, `--fail-on`, `--baseline`, and
//! `topocert explain`: golden outputs per sample with certificates, smoke tests without.

use crate::support;

use serde_json::Value;
use std::path::Path;
use support::{root, scrub};

const NOW: &str = "2026-12-01T00:00:00Z";

/// (name, topology, certs, ca) of every sample that has certificates.
const SAMPLES: &[(&str, &str, &str, &str)] = &[
    (
        "standard_edition",
        "sample-topologies/standard-edition/topology.xml",
        "sample-topologies/standard-edition/certs",
        "sample-topologies/standard-edition/ca/fabrikam-issuing-ca.cer",
    ),
    (
        "enterprise_multisite",
        "sample-topologies/enterprise-multisite/topology.xml",
        "sample-topologies/enterprise-multisite/certs",
        "sample-topologies/enterprise-multisite/ca/fabrikam-issuing-ca.cer",
    ),
    (
        "rules_lab",
        "sample-topologies/rules-lab/topology.xml",
        "sample-topologies/rules-lab/certs",
        "sample-topologies/rules-lab/ca/fabrikam-issuing-ca.cer",
    ),
];
const ENT: (&str, &str, &str, &str) = SAMPLES[1];

/// Runs topocert from the project root, returns (code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let (command, rest) = args.split_first().expect("a command");
    let (code, out, err) = support::run_in_root(command, rest);
    (code, scrub(&out), scrub(&err))
}

fn check_sample(s: (&str, &str, &str, &str), format: &str, extra: &[&str]) -> (i32, String) {
    let mut a = vec![
        "check", s.1, "--certs", s.2, "--ca", s.3, "--now", NOW, "--format", format,
    ];
    a.extend_from_slice(extra);
    let (code, out, _) = run(&a);
    (code, out)
}

#[test]
fn markdown_golden_per_sample() {
    for s in SAMPLES {
        let (_, out) = check_sample(*s, "markdown", &[]);
        assert!(out.contains("```mermaid\nflowchart LR\n"), "{}", s.0);
        insta::assert_snapshot!(format!("markdown_{}", s.0), out);
    }
}

#[test]
fn sarif_golden_per_sample() {
    for s in SAMPLES {
        let (_, out) = check_sample(*s, "sarif", &[]);
        let v: Value = serde_json::from_str(&out).expect("SARIF is JSON");
        assert_eq!(v["version"], "2.1.0");
        insta::assert_snapshot!(format!("sarif_{}", s.0), out);
    }
}

#[test]
fn junit_golden_per_sample() {
    for s in SAMPLES {
        let (_, out) = check_sample(*s, "junit", &[]);
        insta::assert_snapshot!(format!("junit_{}", s.0), out);
    }
}

/// (test cases, failures) of a JUnit document, read back with quick-xml.
fn junit_counts(xml: &str) -> (usize, usize) {
    use quick_xml::events::Event;
    let mut r = quick_xml::Reader::from_str(xml);
    let (mut cases, mut failures) = (0, 0);
    loop {
        match r.read_event().expect("well-formed JUnit XML") {
            Event::Start(e) | Event::Empty(e) => {
                let qname = e.name();
                let name = qname.into_inner();
                if name == "testcase" {
                    cases += 1;
                } else if name == "failure" {
                    failures += 1;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    (cases, failures)
}

#[test]
fn junit_parses_back_with_one_case_per_server() {
    let (code, out) = check_sample(ENT, "junit", &[]);
    assert_eq!(code, 1);
    // 5 checked servers and the case for findings about no server; 4 servers fail.
    assert_eq!(junit_counts(&out), (6, 4));
    assert!(out.contains(r#"classname="Redmond/pool01.fabrikam.com""#));
    // With --fail-on never nothing is a failure; the findings move to system-out.
    let (code, out) = check_sample(ENT, "junit", &["--fail-on", "never"]);
    assert_eq!(code, 0);
    assert_eq!(junit_counts(&out), (6, 0));
    assert!(out.contains("<system-out>"));
}

#[test]
fn sarif_results_point_at_the_machine_element() {
    let (_, out) = check_sample(ENT, "sarif", &[]);
    let v: Value = serde_json::from_str(&out).expect("json");
    let results = v["runs"][0]["results"].as_array().expect("results");
    let fe02 = results
        .iter()
        .find(|r| r["properties"]["server"] == "fe02.fabrikam.com")
        .expect("fe02 result");
    let loc = &fe02["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "sample-topologies/enterprise-multisite/topology.xml"
    );
    // Line 34 of the sample holds fe02's <Machine> element.
    assert_eq!(loc["region"]["startLine"], 34);
    assert_eq!(fe02["ruleId"], "foreign-ca");
    assert_eq!(fe02["level"], "error");
    assert!(fe02["partialFingerprints"]["topocertFinding/v2"].is_string());
    assert!(fe02.get("baselineState").is_none(), "only with --baseline");
    let rules = v["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    assert_eq!(rules.len(), topocert::rules::RULES.len());
}

#[test]
fn sarif_and_junit_smoke_without_persistent_chat() {
    let empty = tempfile::tempdir().expect("tmp");
    let certs = empty.path().to_string_lossy().into_owned();
    let topo = "sample-topologies/no-persistent-chat/topology.xml";
    let (_, out, _) = run(&[
        "check", topo, "--certs", &certs, "--now", NOW, "--format", "sarif",
    ]);
    let v: Value = serde_json::from_str(&out).expect("SARIF is JSON");
    let results = v["runs"][0]["results"].as_array().expect("results");
    assert!(results
        .iter()
        .any(|r| r["ruleId"] == "no-persistent-chat-pool"));
    let (_, out, _) = run(&[
        "check", topo, "--certs", &certs, "--now", NOW, "--format", "junit",
    ]);
    assert_eq!(junit_counts(&out).0, 1, "only the general case");
    let (_, out, _) = run(&[
        "check", topo, "--certs", &certs, "--now", NOW, "--format", "markdown",
    ]);
    assert!(
        !out.contains("```mermaid"),
        "no Persistent Chat part to draw"
    );
}

#[test]
fn fail_on_sets_what_exits_1() {
    let se = SAMPLES[0];
    // Standard Edition is clean; a long expiry window makes it warnings only.
    let (code, _) = check_sample(se, "json", &[]);
    assert_eq!(code, 0);
    let warn = ["--expiry-warn-days", "100000"];
    let (code, out) = check_sample(se, "json", &warn);
    assert!(out.contains("expiring-soon"));
    assert_eq!(code, 0, "warnings do not fail by default");
    let mut a = warn.to_vec();
    a.extend(["--fail-on", "warning"]);
    assert_eq!(check_sample(se, "json", &a).0, 1);
    assert_eq!(check_sample(ENT, "json", &["--fail-on", "never"]).0, 0);
    assert_eq!(check_sample(ENT, "json", &["--fail-on", "error"]).0, 1);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("dir") {
        let e = e.expect("entry");
        std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
    }
}

/// The enterprise sample re-indented, with LF line endings instead of CRLF, and the
/// attributes of every `<Machine>` element in another order.
fn reformatted(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let t = line.trim_start();
        let indent = (line.len() - t.len()) * 2 + 1;
        let t = match t.strip_prefix("<Machine ") {
            Some(rest) => {
                let cut = rest.trim_end_matches(['>', '/', ' ']).len();
                let (attrs, end) = rest.split_at(cut);
                let mut parts: Vec<&str> = attrs.split("\" ").collect();
                parts.reverse();
                let parts: Vec<String> = parts
                    .iter()
                    .map(|p| p.trim_end_matches('"').to_string() + "\"")
                    .collect();
                format!("<Machine {}{end}", parts.join(" "))
            }
            None => t.to_string(),
        };
        out.push_str(&" ".repeat(indent));
        out.push_str(&t);
        out.push('\n');
    }
    out
}

#[test]
fn baseline_survives_reformatting_and_new_findings_still_fail() {
    let dir = tempfile::tempdir().expect("tmp");
    let baseline = dir.path().join("baseline.json");
    let b = baseline.to_string_lossy().into_owned();
    let (code, _) = check_sample(ENT, "human", &["--write-baseline", &b]);
    assert_eq!(
        code, 1,
        "writing a baseline does not change this run's verdict"
    );
    let written: Value = serde_json::from_str(&support::read(&baseline)).expect("json");
    assert_eq!(written["version"], 2);
    assert_eq!(written["findings"].as_array().map(Vec::len), Some(5));

    // Same inputs: every finding is known.
    let (code, out) = check_sample(ENT, "sarif", &["--baseline", &b]);
    assert_eq!(code, 0);
    assert!(out.contains(r#""baselineState": "unchanged""#));
    assert!(!out.contains(r#""baselineState": "new""#));

    // The topology reformatted: still every finding known.
    let original = support::read(&root().join(ENT.1));
    let moved = reformatted(&original);
    assert!(moved.contains(r#"<Machine UpgradeDomain="UpgradeDomain1" FaultDomain="#));
    assert!(!moved.contains('\r'));
    let topo = dir.path().join("topology.xml");
    std::fs::write(&topo, &moved).expect("write");
    let t = topo.to_string_lossy().into_owned();
    let s = (ENT.0, t.as_str(), ENT.2, ENT.3);
    let (code, out) = check_sample(s, "json", &["--baseline", &b]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(r#""baselined": true"#));

    // A new finding (fe01 loses its certificate) fails; the known ones stay known.
    let certs = dir.path().join("certs");
    copy_dir(&root().join(ENT.2), &certs);
    std::fs::remove_file(certs.join("fe01.fabrikam.com.cer")).expect("rm");
    let c = certs.to_string_lossy().into_owned();
    let s = (ENT.0, t.as_str(), c.as_str(), ENT.3);
    let (code, out) = check_sample(s, "sarif", &["--baseline", &b]);
    assert_eq!(code, 1);
    assert_eq!(out.matches(r#""baselineState": "new""#).count(), 1);
    let (_, human) = check_sample(s, "human", &["--baseline", &b]);
    assert!(
        human.contains("new: missing-certificate fe01.fabrikam.com"),
        "{human}"
    );
}

#[test]
fn a_bad_baseline_cannot_run() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("b.json");
    std::fs::write(&p, r#"{"version": 9, "findings": []}"#).expect("write");
    let b = p.to_string_lossy().into_owned();
    let (code, _) = check_sample(ENT, "human", &["--baseline", &b]);
    assert_eq!(code, 2);
    assert_eq!(
        check_sample(ENT, "human", &["--baseline", "/nonexistent/b.json"]).0,
        2
    );
}

#[test]
fn explain_every_rule_golden() {
    let mut all = String::new();
    for rule in topocert::rules::RULES {
        let (code, out, _) = run(&["explain", rule.id().as_str()]);
        assert_eq!(code, 0);
        assert!(out.contains("How to fix: "), "{out}");
        all.push_str(&out);
        all.push_str("----\n");
    }
    insta::assert_snapshot!(all);
    let (code, list, _) = run(&["explain", "--list"]);
    assert_eq!(code, 0);
    // One entry per rule; a long summary wraps onto indented lines under its column.
    let entries = list.lines().filter(|l| !l.starts_with(' ')).count();
    assert_eq!(entries, topocert::rules::RULES.len(), "{list}");
    assert!(list.lines().all(|l| l.chars().count() <= 100), "{list}");
}

#[test]
fn explain_unknown_rule_exits_2_with_the_nearest_and_the_list() {
    let (code, out, err) = run(&["explain", "foriegn-ca"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    let err = support::flat(&err);
    assert!(err.contains("did you mean `foreign-ca`?"), "{err}");
    assert!(err.contains("missing-certificate, foreign-ca"), "{err}");
}

#[test]
fn markdown_marks_baselined_findings_and_inventory_rows_render() {
    let dir = tempfile::tempdir().expect("tmp");
    let b = dir.path().join("b.json").to_string_lossy().into_owned();
    let (code, before) = check_sample(ENT, "markdown", &["--write-baseline", &b]);
    assert_eq!(code, 1);
    assert!(before.starts_with("❌ **Not ready for Persistent Chat**"));
    assert!(!before.contains("in the baseline"));
    let (code, after) = check_sample(ENT, "markdown", &["--baseline", &b]);
    assert_eq!(code, 0);
    // The servers' true status stays; the run passes because of the baseline.
    assert!(
        after.starts_with("❌ **Not ready for Persistent Chat**"),
        "{after}"
    );
    assert!(
        after.contains("The run passes because 5 findings are in the baseline."),
        "{after}"
    );
    assert_eq!(after.matches("_(in the baseline)_").count(), 5);
    assert!(
        after.contains(":::failing"),
        "servers that are not ready stay marked"
    );

    // Inventory rows: the not-checked info findings are listed like the others.
    let (_, out, _) = run(&[
        "check",
        ENT.1,
        "--inventory",
        "sample-topologies/enterprise-multisite/inventory.csv",
        "--now",
        NOW,
        "--format",
        "markdown",
    ]);
    assert!(out.contains("| inventory.csv line 3<br>issued by"), "{out}");
    assert!(
        out.contains("ℹ️ info `not-checked`: **fe01.fabrikam.com**"),
        "{out}"
    );
}

#[test]
fn github_annotations_golden_per_sample_and_baseline() {
    for s in SAMPLES {
        let (code, out) = check_sample(*s, "github", &[]);
        assert!(code == 0 || code == 1, "{}", s.0);
        for line in out.lines() {
            assert!(
                line.starts_with("::error ")
                    || line.starts_with("::warning ")
                    || line.starts_with("::notice "),
                "{}: not a workflow command: {line}",
                s.0
            );
        }
        insta::assert_snapshot!(format!("github_{}", s.0), out);
    }
    // With a baseline of every finding: all notices, and the run passes.
    let dir = tempfile::tempdir().expect("tmp");
    let b = dir.path().join("b.json").to_string_lossy().into_owned();
    let (code, _) = check_sample(ENT, "github", &["--write-baseline", &b]);
    assert_eq!(code, 1);
    let (code, out) = check_sample(ENT, "github", &["--baseline", &b]);
    assert_eq!(code, 0);
    assert!(!out.contains("::error"), "{out}");
    assert!(out.contains("(in the baseline)"), "{out}");
    assert!(
        out.contains("passes because 5 findings are in the baseline"),
        "{out}"
    );
}

#[test]
fn quiet_gives_the_verdict_and_the_servers_that_are_not_ready() {
    let lab = SAMPLES
        .iter()
        .copied()
        .find(|s| s.0 == "rules_lab")
        .expect("rules-lab sample");
    let (code, out) = check_sample(lab, "human", &["--quiet"]);
    assert_eq!(code, 1);
    assert!(
        !out.contains("lab08.fabrikam.com"),
        "ready servers are left out: {out}"
    );
    insta::assert_snapshot!("quiet_rules_lab", out);
    let (code, out) = check_sample(SAMPLES[0], "human", &["-q"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("READY: 1 of 1 server ready;"), "{out}");
}

#[test]
fn output_writes_the_file_and_says_the_verdict() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("check.sarif");
    let f = file.to_string_lossy().into_owned();
    let (code, out, err) = run(&[
        "check", ENT.1, "--certs", ENT.2, "--ca", ENT.3, "--now", NOW, "--format", "sarif",
        "--output", &f,
    ]);
    assert_eq!(code, 1);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("wrote") && err.contains("NOT READY"), "{err}");
    let sarif: Value = serde_json::from_str(&support::read(&file)).expect("sarif");
    assert_eq!(sarif["runs"][0]["properties"]["verdict"], "not-ready");
}

/// `text` without its ANSI escape sequences (`ESC [ ... letter`).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `--color always` paints the status words, the summary's STATUS column and the verdict (and
/// miette's diagnostics), and changes nothing else: without its escapes it is the plain output,
/// full and `--quiet`, for check and diff; `--color never` has no escape at all.
#[test]
fn color_always_and_never() {
    for extra in [&[][..], &["--quiet"][..]] {
        let mut always_args = vec!["--color", "always"];
        always_args.extend_from_slice(extra);
        let (code, always) = check_sample(ENT, "human", &always_args);
        let mut never_args = vec!["--color", "never"];
        never_args.extend_from_slice(extra);
        let (never_code, never) = check_sample(ENT, "human", &never_args);
        assert_eq!(code, never_code);
        assert!(!never.contains('\u{1b}'), "{never}");
        assert_eq!(strip_ansi(&always), never, "{extra:?}");
        // The words a reader scans for are the coloured ones.
        assert!(always.contains("\u{1b}[31mnot ready\u{1b}[39m"), "{always}");
        assert!(always.contains("\u{1b}[31mNOT READY\u{1b}[39m"), "{always}");
        if extra.is_empty() {
            assert!(always.contains("\u{1b}[32mready\u{1b}[39m"), "{always}");
        }
    }
    let diff = |color: &str| {
        run(&[
            "diff",
            "sample-topologies/enterprise-multisite/topology.xml",
            "sample-topologies/enterprise-multisite-change/topology.xml",
            "--certs",
            ENT.2,
            "--now",
            NOW,
            "--color",
            color,
        ])
        .1
    };
    let (always, never) = (diff("always"), diff("never"));
    assert_eq!(strip_ansi(&always), never);
    assert!(always.contains("\u{1b}[31mnot ready\u{1b}[39m"), "{always}");
    // Machine formats never carry colour.
    let (_, json) = check_sample(ENT, "json", &["--color", "always"]);
    assert!(!json.contains('\u{1b}'));
}

mod sarif_key_order {
    use super::*;

    /// SARIF is written as it is made, one struct per object: its keys come out sorted at every
    /// level, as a JSON object with sorted keys writes them (with a baseline's `baselineState`
    /// too).
    #[test]
    fn sarif_keys_are_sorted_at_every_level() {
        let dir = tempfile::tempdir().expect("temp dir");
        let baseline = dir.path().join("baseline.json");
        let baseline = baseline.to_str().expect("utf-8 path");
        for s in SAMPLES {
            let _ = check_sample(*s, "json", &["--write-baseline", baseline]);
            for extra in [&[][..], &["--baseline", baseline][..]] {
                let (_, out) = check_sample(*s, "sarif", extra);
                let v: Value = serde_json::from_str(&out).expect("SARIF is JSON");
                let sorted = serde_json::to_string_pretty(&v).expect("JSON") + "\n";
                assert_eq!(sorted, out, "{} {extra:?}", s.0);
            }
        }
    }
}
