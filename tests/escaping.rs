//! A site name and a certificate DN that contain `<`, `|`, a backtick and a newline come out
//! inert in every format: no markup, no table column, no code span, no new line of output.

mod support;

use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair};
use std::path::Path;

const HOSTILE_SITE_XML: &str = "Red&lt;zz&gt;mond|`x`&#10;EVILSITE";
const HOSTILE_ORG: &str = "Evil<yy>Corp|`y`\nEVILORG";

/// The standard-edition sample with a hostile site name, and a self-signed certificate for
/// its server whose subject organisation is hostile.
fn fixture(dir: &Path) -> (String, String) {
    let xml = std::fs::read_to_string(
        support::root().join("sample-topologies/standard-edition/topology.xml"),
    )
    .expect("sample");
    let xml = xml.replacen(
        "<Name>Redmond</Name>",
        &format!("<Name>{HOSTILE_SITE_XML}</Name>"),
        1,
    );
    let topo = dir.join("topology.xml");
    std::fs::write(&topo, xml).expect("write");
    let certs = dir.join("certs");
    std::fs::create_dir(&certs).expect("mkdir");
    let key = KeyPair::generate().expect("key");
    let mut params =
        CertificateParams::new(vec!["lyncse01.fabrikam.com".to_string()]).expect("params");
    let mut dn = DistinguishedName::new();
    // DER order: O, then CN (shown by Windows as `CN=..., O=...`).
    dn.push(DnType::OrganizationName, HOSTILE_ORG);
    dn.push(DnType::CommonName, "lyncse01.fabrikam.com");
    params.distinguished_name = dn;
    let cert = params.self_signed(&key).expect("cert");
    std::fs::write(certs.join("lyncse01.fabrikam.com.cer"), cert.der()).expect("write");
    (
        topo.to_string_lossy().into_owned(),
        certs.to_string_lossy().into_owned(),
    )
}

fn out(command: &str, args: &[&str]) -> String {
    let (code, out, err) = support::run_in_root(command, args);
    assert!(code == 0 || code == 1, "{command} {args:?}: {err}");
    out
}

/// No line of the output starts with the text after a hostile newline.
fn no_injected_line(name: &str, text: &str) {
    for l in text.lines() {
        let t = l.trim_start_matches([' ', '│', '|', '*', '-', '>']);
        assert!(
            !t.starts_with("EVILSITE") && !t.starts_with("EVILORG"),
            "{name}: a value started a line: {l:?}"
        );
    }
}

#[test]
fn hostile_names_are_inert_in_every_format() {
    let dir = tempfile::tempdir().expect("tmp");
    let (topo, certs) = fixture(dir.path());
    let base = [
        topo.as_str(),
        "--certs",
        certs.as_str(),
        "--now",
        "2026-12-01T00:00:00Z",
    ];
    let with = |f: &'static str| {
        let mut a = base.to_vec();
        a.extend(["--format", f]);
        a
    };

    let human = out("check", &with("human"));
    no_injected_line("human", &human);
    assert!(human.contains("Evil<yy>Corp|`y`\\u{a}EVILORG"), "{human}");

    for (name, md) in [
        ("check markdown", out("check", &with("markdown"))),
        ("plan markdown", out("plan", &with("markdown"))),
    ] {
        no_injected_line(name, &md);
        assert!(!md.contains("<zz>") && !md.contains("<yy>"), "{name}: {md}");
        assert!(
            !md.contains("mond|") && !md.contains("Corp|"),
            "{name}: raw | in {md}"
        );
        assert!(
            !md.contains("`x`") && !md.contains("`y`"),
            "{name}: raw backticks in {md}"
        );
    }

    let html_path = dir.path().join("r.html");
    let mut report = base.to_vec();
    let hp = html_path.to_string_lossy().into_owned();
    report.extend(["--out", hp.as_str()]);
    let (code, _, err) = support::run_in_root("report", &report);
    assert!(code == 0 || code == 1, "{err}");
    let html = std::fs::read_to_string(&html_path).expect("html");
    for bad in ["<zz>", "<yy>"] {
        if let Some(i) = html.find(bad) {
            panic!(
                "raw markup in the report: {}",
                &html[i.saturating_sub(120)..i + 10]
            );
        }
    }
    assert!(
        html.contains("Red&lt;zz&gt;mond"),
        "site name shown escaped"
    );

    let junit = out("check", &with("junit"));
    assert!(!junit.contains("<zz>") && !junit.contains("<yy>"));
    let mut reader = quick_xml::Reader::from_str(&junit);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("JUnit is not XML: {e}\n{junit}"),
        }
    }

    // JSON carries the value exactly (serde escapes it).
    let json: serde_json::Value = serde_json::from_str(&out("check", &with("json"))).expect("json");
    let subject = json["servers"][0]["certificate"]["subject"]
        .as_str()
        .unwrap_or("");
    assert!(subject.contains(HOSTILE_ORG), "{subject}");
    let sarif: serde_json::Value =
        serde_json::from_str(&out("check", &with("sarif"))).expect("sarif");
    assert!(sarif["runs"][0]["results"].is_array());

    let mermaid = out("graph", &[topo.as_str(), "--format", "mermaid"]);
    no_injected_line("mermaid", &mermaid);
    assert!(
        !mermaid.contains("<zz>") && !mermaid.contains("mond|"),
        "{mermaid}"
    );
    let dot = out("graph", &[topo.as_str(), "--format", "dot"]);
    no_injected_line("dot", &dot);
    assert!(!dot.contains("<zz>"), "{dot}");
}
