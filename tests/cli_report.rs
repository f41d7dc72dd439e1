//! `topocert report` end to end: golden HTML, escaping, self-containment, exit codes, and a
//! screenshot in headless Chromium when it is installed.

mod support;

use std::path::Path;
use support::root;

const NOW: &str = "2026-12-01T00:00:00Z";

/// Runs `report --out -` from the project root; returns (code, html, stderr).
fn report(topology: &str, certs: &str, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![topology, "--certs", certs, "--now", NOW, "--out", "-"];
    args.extend_from_slice(extra);
    support::run_in_root("report", &args)
}

fn enterprise() -> (i32, String, String) {
    report(
        "sample-topologies/enterprise-multisite/topology.xml",
        "sample-topologies/enterprise-multisite/certs",
        &[],
    )
}

fn rules_lab() -> (i32, String, String) {
    report(
        "sample-topologies/rules-lab/topology.xml",
        "sample-topologies/rules-lab/certs",
        &[
            "--ca",
            "sample-topologies/rules-lab/ca/fabrikam-issuing-ca.cer",
        ],
    )
}

/// External references a self-contained page must not have; empty when there are none.
fn external_references(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut bad = Vec::new();
    for attr in ["src=", "href=", "url("] {
        for (i, _) in lower.match_indices(attr) {
            let rest = lower[i + attr.len()..].trim_start_matches(['"', '\'', ' ']);
            if !rest.starts_with('#') {
                bad.push(html[i..(i + 60).min(html.len())].to_string());
            }
        }
    }
    for tag in [
        "<link", "<script", "<iframe", "<img", "@import", "http://", "https://",
    ] {
        if lower.contains(tag) {
            bad.push(tag.to_string());
        }
    }
    bad
}

#[test]
fn enterprise_multisite_golden() {
    let (code, html, err) = enterprise();
    assert_eq!(code, 1, "{err}");
    insta::assert_snapshot!(html);
}

#[test]
fn rules_lab_golden() {
    let (code, html, err) = rules_lab();
    assert_eq!(code, 1, "{err}");
    insta::assert_snapshot!(html);
}

#[test]
fn report_lists_findings_with_why_fix_location_and_unreadable_files() {
    let (_, html, _) = rules_lab();
    let why = topocert::rules::by_id("expired").expect("rule").why();
    assert!(html.contains(&topocert::report::html::esc(why)));
    assert!(html.contains("sample-topologies/rules-lab/topology.xml:14:7"));
    assert!(html.contains("<section id=\"unreadable\">"));
    assert!(html.contains("notes-garbage.cer"));
    // enterprise-multisite has no unreadable file: no such section.
    let (_, html, _) = enterprise();
    assert!(!html.contains("<section id=\"unreadable\">"));
    assert!(html.contains("✗ pc02.fabrikam.com"));
    assert!(!html.contains("✗ fe01.fabrikam.com"));
}

#[test]
fn reports_have_no_external_references() {
    for (_, html, _) in [enterprise(), rules_lab()] {
        assert_eq!(external_references(&html), Vec::<String>::new());
    }
}

#[test]
fn external_reference_detector_finds_them() {
    for page in [
        "<img src=\"https://x.example/a.png\">",
        "<link rel=stylesheet href=\"a.css\">",
        "<script src=\"a.js\"></script>",
        "<style>body{background:url(a.png)}</style>",
    ] {
        assert!(!external_references(page).is_empty(), "{page}");
    }
    assert!(external_references("<path marker-end=\"url(#arrow)\"/>").is_empty());
}

#[test]
fn text_from_the_topology_is_escaped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = support::read(&root().join("sample-topologies/enterprise-multisite/topology.xml"));
    assert!(src.contains("<Name>Redmond</Name>"));
    let evil = src.replace(
        "<Name>Redmond</Name>",
        "<Name>&lt;script&gt;alert(1)&lt;/script&gt; \"Redmond\"</Name>",
    );
    let path = dir.path().join("evil.xml");
    std::fs::write(&path, evil).expect("write");
    let (code, html, err) = report(
        path.to_str().expect("utf-8 path"),
        "sample-topologies/enterprise-multisite/certs",
        &[],
    );
    assert_eq!(code, 1, "{err}");
    assert!(!html.to_ascii_lowercase().contains("<script"));
    assert!(html.contains("Site: &lt;script&gt;alert(1)&lt;/script&gt; &quot;Redmond&quot;"));
}

#[test]
fn writes_the_out_file_and_exits_0_when_ready() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("report.html");
    let (code, stdout, stderr) = support::run_in_root(
        "report",
        &[
            "sample-topologies/standard-edition/topology.xml",
            "--certs",
            "sample-topologies/standard-edition/certs",
            "--now",
            NOW,
            "--out",
            out.to_str().expect("UTF-8 temporary path"),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty());
    let html = support::read(&out);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<span class=\"verdict ready\">READY</span>"));
}

#[test]
fn cannot_run_exits_2() {
    let (code, html, err) = report(
        "sample-topologies/does-not-exist.xml",
        "sample-topologies/enterprise-multisite/certs",
        &[],
    );
    assert_eq!(code, 2);
    assert!(html.is_empty());
    assert!(!err.is_empty());
    let (code, _, _) = report(
        "sample-topologies/enterprise-multisite/topology.xml",
        "sample-topologies/no-such-certs",
        &[],
    );
    assert_eq!(code, 2);
}

/// Screenshots the report in Debian's headless Chromium (skipped without it, except under CI).
#[test]
fn renders_in_headless_chromium() {
    let chromium = Path::new("/usr/bin/chromium");
    if !support::available("/usr/bin/chromium", chromium.exists()) {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, html, _) = enterprise();
    let page = dir.path().join("report.html");
    std::fs::write(&page, html).expect("write");
    let png = dir.path().join("shot.png");
    let out = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--window-size=1280,2000",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(out.status.success(), "{out:?}");
    let bytes = std::fs::read(&png).expect("screenshot written");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    // A blank page compresses to a few kilobytes; the report has text, tables and a graph.
    assert!(
        bytes.len() > 50_000,
        "suspiciously small screenshot: {} bytes",
        bytes.len()
    );
}

/// `report` takes an inventory like `check` does (the rules it cannot run are shown as not
/// checked), and `--fail-on` sets the exit code.
#[test]
fn inventory_and_fail_on() {
    let (code, html, _) = support::run_in_root(
        "report",
        &[
            "sample-topologies/enterprise-multisite/topology.xml",
            "--inventory",
            "sample-topologies/enterprise-multisite/inventory.csv",
            "--now",
            NOW,
            "--out",
            "-",
        ],
    );
    assert_eq!(code, 1);
    assert!(html.contains("not-checked"), "inventory limits are shown");
    assert!(html.contains("missing-certificate"));
    let (code, _, _) = report(
        "sample-topologies/enterprise-multisite/topology.xml",
        "sample-topologies/enterprise-multisite/certs",
        &["--fail-on", "never"],
    );
    assert_eq!(code, 0);
    // Neither --certs nor --inventory: clap refuses, exit 2.
    let (code, _, _) = support::run_in_root(
        "report",
        &[
            "sample-topologies/enterprise-multisite/topology.xml",
            "--out",
            "-",
        ],
    );
    assert_eq!(code, 2);
}
