//! `topocert report` end to end: golden HTML, escaping, self-containment, exit codes, and a
//! screenshot in headless Chromium when it is installed.

use crate::support;

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
    // Paths may break after a folder separator (`<wbr>`), never inside a name.
    assert!(html
        .replace("<wbr>", "")
        .contains("sample-topologies/rules-lab/topology.xml:14:7"));
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

/// Headless Chromium as the tests run it (no network, a fresh profile under `dir`).
fn chromium(dir: &Path) -> Option<std::process::Command> {
    let exe = Path::new("/usr/bin/chromium");
    if !support::available("/usr/bin/chromium", exe.exists()) {
        return None;
    }
    let mut c = std::process::Command::new(exe);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--no-pdf-header-footer",
    ])
    .arg(format!("--user-data-dir={}", dir.join("profile").display()));
    Some(c)
}

/// Screenshots the report in Debian's headless Chromium (skipped without it, except under CI).
#[test]
fn renders_in_headless_chromium() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(mut chromium) = chromium(dir.path()) else {
        return;
    };
    let (_, html, _) = enterprise();
    let page = dir.path().join("report.html");
    std::fs::write(&page, html).expect("write");
    let png = dir.path().join("shot.png");
    let out = chromium
        .arg("--window-size=1280,2000")
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

/// How far the page is wider than the window, measured by Chromium in the page itself: the
/// report (which has no script) gets one appended that writes the overflow into the DOM,
/// which `--dump-dom` then prints. `print` lays the page out with its print stylesheet.
fn overflow(dir: &Path, html: &str, width: u32, print: bool) -> Option<i64> {
    let mut chromium = chromium(dir)?;
    let mut page = html.replace(
        "</body>",
        "<script>var d=document.documentElement;document.body.setAttribute('data-overflow',String(d.scrollWidth-d.clientWidth));</script></body>",
    );
    if print {
        page = page.replace("@media print{", "@media all{");
    }
    let file = dir.join(format!("measure-{width}-{print}.html"));
    std::fs::write(&file, page).expect("write");
    let out = chromium
        .arg(format!("--window-size={width},1000"))
        .arg("--dump-dom")
        .arg(format!("file://{}", file.display()))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&out.stdout);
    let at = dom
        .find("data-overflow=\"")
        .expect("the measuring script ran")
        + 15;
    let end = dom[at..].find('"').expect("closing quote") + at;
    Some(dom[at..end].parse().expect("a number"))
}

/// Nothing is cut off or needs sideways scrolling on a phone (390 px), on a laptop, or at the
/// width of a printed A4 or Letter page (about 700 px inside the margins).
#[test]
fn report_fits_a_phone_a_laptop_and_a_printed_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, (_, html, _)) in [("enterprise", enterprise()), ("rules-lab", rules_lab())] {
        for (width, print) in [(390, false), (1280, false), (700, true)] {
            let Some(over) = overflow(dir.path(), &html, width, print) else {
                return;
            };
            assert_eq!(
                over, 0,
                "{name} at {width} px (print: {print}) is {over} px wider than the page"
            );
        }
    }
}

/// The printed report (Chromium's PDF, read back with pdftotext) has each server's status,
/// issuer, expiry and what to do, and no rule id is split across lines.
#[test]
fn printed_report_has_issuer_expiry_and_whole_rule_ids() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(mut chromium) = chromium(dir.path()) else {
        return;
    };
    let pdftotext = std::process::Command::new("pdftotext").arg("-v").output();
    if !support::available("pdftotext (poppler-utils)", pdftotext.is_ok()) {
        return;
    }
    let (_, html, _) = rules_lab();
    let page = dir.path().join("report.html");
    std::fs::write(&page, &html).expect("write");
    let pdf = dir.path().join("report.pdf");
    let out = chromium
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(out.status.success(), "{out:?}");
    let out = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        "What to do",
        "CN=Fabrikam Issuing CA, O=Fabrikam",
        "2025-06-01",
        "2028-01-01",
        "lab01.fabrikam.com",
        "not ready",
        "Request a new certificate from Fabrikam Issuing CA",
    ] {
        assert!(flat.contains(needle), "the PDF lacks {needle:?}:\n{text}");
    }
    for id in [
        "wildcard-for-server-name",
        "no-server-auth-eku",
        "not-yet-valid",
    ] {
        assert!(
            text.contains(id),
            "rule id {id} is split or missing:\n{text}"
        );
    }
}

/// The page opens with the topology's name and one sentence counting the ready servers; the
/// command line's gate sentence is only in "How this report was made"; each rule's Why and
/// Fix appear once however many servers it concerns; the graph shows the Persistent Chat part
/// unless `--graph all` asks for every pool.
#[test]
fn report_reads_as_a_summary_for_managers() {
    let (_, html, _) = enterprise();
    let h1 = &html[html.find("<h1>").expect("h1")..];
    assert!(h1.starts_with("<h1>topology.xml</h1>"), "{}", &h1[..60]);
    let lead = &html[html.find("id=\"lead\"").expect("lead")..];
    let lead = &lead[..lead.find("</p>").expect("end")];
    assert!(lead.contains("of 5 servers"), "{lead}");
    assert!(!lead.contains("run fails"), "{lead}");
    let made = html.find("id=\"made\"").expect("how this report was made");
    assert!(html.find("The run fails").is_none_or(|at| at > made));
    let (_, lab, _) = rules_lab();
    for rule in ["expired", "foreign-ca", "wildcard-for-server-name"] {
        let why = topocert::rules::RULES
            .iter()
            .find(|r| r.id().as_str() == rule)
            .expect("rule")
            .why();
        let escaped = topocert::report::html::esc(why);
        assert!(
            lab.matches(escaped.as_str()).count() <= 1,
            "{rule}: why repeated"
        );
    }
    assert!(html.contains("pchat01.fabrikam.com"));
    assert!(
        !html.contains("med02.fabrikam.com"),
        "graph limited to Persistent Chat"
    );
    let (_, all, _) = report(
        "sample-topologies/enterprise-multisite/topology.xml",
        "sample-topologies/enterprise-multisite/certs",
        &["--graph", "all"],
    );
    assert!(
        all.contains("med02.fabrikam.com"),
        "--graph all draws every pool"
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
