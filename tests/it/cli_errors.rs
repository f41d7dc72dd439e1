//! The errors a new user meets first (issue 15): each cause said once, a certificate, key or
//! PKCS#12 file given as the topology named as such with where it belongs, a folder as the
//! topology said to be one, and `--now` taking a plain date. Texts are asserted exactly, with
//! miette's box drawing and line breaks removed (`support::flat`).

use crate::support;

use std::fs;
use std::path::Path;
use support::{flat, sample, topocert};

/// Runs the binary in `dir` with `COLUMNS` set to `columns` (unset for `None`).
fn output_in(dir: &Path, columns: Option<&str>, args: &[&str]) -> std::process::Output {
    let mut c = topocert();
    if let Some(columns) = columns {
        c.env("COLUMNS", columns);
    }
    c.current_dir(dir).args(args).output().expect("runs")
}

/// Runs the binary in `dir` at 100 columns; returns (exit code, stderr flattened).
fn run_in(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = output_in(dir, Some("100"), args);
    (
        out.status.code().unwrap_or(-1),
        flat(&String::from_utf8_lossy(&out.stderr)),
    )
}

/// The operating system's text for "no such file" (error 2 on Unix and Windows alike).
fn not_found() -> String {
    std::io::Error::from_raw_os_error(2).to_string()
}

/// A folder holding the enterprise sample's topology, one certificate and its CA under short
/// names, so that paths in messages are short and stable.
fn workspace() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tmp");
    let copy = |from: &str, to: &str| {
        fs::copy(sample(from), tmp.path().join(to)).expect("copy sample");
    };
    copy("enterprise-multisite/topology.xml", "topology.xml");
    copy(
        "enterprise-multisite/certs/fe01.fabrikam.com.cer",
        "fe01.cer",
    );
    copy("enterprise-multisite/ca/fabrikam-issuing-ca.cer", "ca.cer");
    fs::create_dir(tmp.path().join("certs")).expect("mkdir");
    copy(
        "enterprise-multisite/certs/fe01.fabrikam.com.cer",
        "certs/fe01.fabrikam.com.cer",
    );
    tmp
}

#[test]
fn a_missing_topology_states_the_os_error_once() {
    let tmp = workspace();
    let (code, err) = run_in(tmp.path(), &["check", "nosuch.xml", "--certs", "certs"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        format!(
            "topocert::io cannot read topology nosuch.xml: {}",
            not_found()
        )
    );
}

#[test]
fn a_missing_ca_file_states_the_os_error_once() {
    let tmp = workspace();
    let (code, err) = run_in(
        tmp.path(),
        &[
            "check",
            "topology.xml",
            "--certs",
            "certs",
            "--ca",
            "nosuch.cer",
        ],
    );
    assert_eq!(code, 2);
    assert_eq!(
        err,
        format!(
            "topocert::ca_file cannot use the reference CA (--ca): cannot read nosuch.cer: {} \
             help: --ca takes the CA certificate (.cer, .crt, .pem or .p7b) of the internal \
             servers' root or issuing CA",
            not_found()
        )
    );
}

#[test]
fn missing_certificate_folder_inventory_and_baseline_state_the_os_error_once() {
    let tmp = workspace();
    let os = not_found();
    for (args, headline) in [
        (
            &["--certs", "nosuch"][..],
            format!("topocert::certs_dir cannot read certificate folder nosuch: {os}"),
        ),
        (
            &["--inventory", "nosuch.csv"][..],
            format!("topocert::inventory_io cannot read inventory nosuch.csv: {os}"),
        ),
        (
            &["--certs", "certs", "--baseline", "nosuch.json"][..],
            format!("topocert::baseline_io cannot read baseline nosuch.json: {os}"),
        ),
    ] {
        let mut all = vec!["check", "topology.xml"];
        all.extend(args);
        let (code, err) = run_in(tmp.path(), &all);
        assert_eq!(code, 2, "{args:?}");
        assert!(err.starts_with(&headline), "{args:?}: {err}");
        assert_eq!(err.matches(&os).count(), 1, "{args:?}: {err}");
    }
}

#[test]
fn a_folder_as_the_topology_says_so() {
    let tmp = workspace();
    let (code, err) = run_in(tmp.path(), &["servers", "certs"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with(
            "topocert::topology_is_a_folder topology certs is a folder, not a file help: give the \
             topology file"
        ),
        "{err}"
    );
    assert!(
        err.contains("a folder of certificates goes to --certs DIR"),
        "{err}"
    );
}

/// What `topocert servers FILE` says about each kind of certificate file given as the topology.
fn kind_said(dir: &Path, file: &str) -> String {
    let (code, err) = run_in(dir, &["servers", file]);
    assert_eq!(code, 2, "{file}: {err}");
    err
}

#[test]
fn certificate_files_as_the_topology_say_what_they_are_and_where_they_go() {
    let tmp = workspace();
    let dir = tmp.path();
    let der = pem_to_der(&fs::read_to_string(dir.join("fe01.cer")).expect("pem"));
    fs::write(dir.join("fe01.der"), der).expect("write");
    fs::copy(
        support::root().join("tests/fixtures/certs/sample.pfx"),
        dir.join("fe01.pfx"),
    )
    .expect("copy");
    let key = rcgen::KeyPair::generate().expect("keygen");
    fs::write(dir.join("fe01.key"), key.serialize_pem()).expect("write");
    fs::write(dir.join("fe01-key.der"), key.serialize_der()).expect("write");
    let both = format!(
        "{}{}",
        fs::read_to_string(dir.join("fe01.cer")).expect("pem"),
        key.serialize_pem()
    );
    fs::write(dir.join("both.pem"), both).expect("write");

    let certificate_advice = "help: certificates are given with --certs DIR (a folder of the \
                              servers' certificates) or --ca FILE (the internal servers' CA)";
    let key_advice = "help: topocert never reads private keys: export the certificate alone";
    for (file, kind, advice) in [
        ("fe01.cer", "a PEM certificate", certificate_advice),
        ("fe01.der", "a DER certificate", certificate_advice),
        ("fe01.pfx", "a PKCS#12 (.pfx) file", key_advice),
        ("fe01.key", "a private key", key_advice),
        ("fe01-key.der", "a private key", key_advice),
        (
            "both.pem",
            "a PEM certificate with its private key",
            key_advice,
        ),
    ] {
        let err = kind_said(dir, file);
        let headline = format!(
            "topocert::certificate_as_topology topology {file} is {kind}, not a topology {advice}"
        );
        assert!(err.starts_with(&headline), "{file}: {err}");
        assert!(err.contains("--certs DIR or --ca FILE") || advice == certificate_advice);
    }
}

/// The DER bytes of the first PEM block.
fn pem_to_der(pem: &str) -> Vec<u8> {
    let (_, block) = x509_parser::pem::parse_x509_pem(pem.as_bytes()).expect("PEM");
    block.contents
}

#[test]
fn a_topology_is_still_read_when_it_mentions_pem_armour() {
    // A comment with PEM armour inside an XML topology is not a certificate file.
    let tmp = workspace();
    let text = fs::read_to_string(tmp.path().join("topology.xml")).expect("read");
    let pem = fs::read_to_string(tmp.path().join("fe01.cer")).expect("pem");
    let at = text.find("?>").map_or(0, |i| i + 2);
    let with_comment = format!("{}\n<!--\n{pem}-->{}", &text[..at], &text[at..]);
    fs::write(tmp.path().join("commented.xml"), with_comment).expect("write");
    let (code, err) = run_in(tmp.path(), &["servers", "commented.xml"]);
    assert_eq!((code, err.as_str()), (0, ""));
}

/// `check` of the workspace sample at `--now NOW`: (exit code, stdout, first stderr line).
fn check_at(dir: &Path, now: &str) -> (Option<i32>, String, String) {
    let args = [
        "check",
        "topology.xml",
        "--certs",
        "certs",
        "--ca",
        "ca.cer",
    ];
    let mut all = args.to_vec();
    all.extend(["--format", "json", "--now", now]);
    let out = output_in(dir, None, &all);
    let err = String::from_utf8_lossy(&out.stderr);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        err.lines().next().unwrap_or_default().to_string(),
    )
}

#[test]
fn now_takes_a_plain_date_as_midnight_utc() {
    let tmp = workspace();
    let (code, date, _) = check_at(tmp.path(), "2026-12-01");
    assert_eq!(code, Some(1), "{date}");
    let (code_rfc, rfc, _) = check_at(tmp.path(), "2026-12-01T00:00:00Z");
    assert_eq!((code, &date), (code_rfc, &rfc));
    // The sample certificates end in 2035: a later date gives other findings.
    assert_ne!(date, check_at(tmp.path(), "2040-01-01").1);
}

#[test]
fn now_refuses_a_day_that_does_not_exist() {
    let tmp = workspace();
    let (code, _, err) = check_at(tmp.path(), "2026-02-30");
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        "error: invalid value '2026-02-30' for '--now <TIME>': not a date or an RFC 3339 time \
         (2026-02-30 is not a day of the calendar); examples: 2026-12-01, 2026-12-01T08:00:00Z"
    );
}

/// stderr of `servers FILE` in `dir` at `columns`.
fn stderr_at(dir: &Path, columns: Option<&str>, file: &str) -> String {
    String::from_utf8_lossy(&output_in(dir, columns, &["servers", file]).stderr).into_owned()
}

#[test]
fn diagnostics_fit_80_and_100_columns_and_never_split_a_name() {
    let tmp = workspace();
    let nested = tmp.path().join("exported-certificates/pc-old.fabrikam.com");
    fs::create_dir_all(&nested).expect("mkdir");
    fs::copy(
        tmp.path().join("fe01.cer"),
        nested.join("pc-old.fabrikam.com.cer"),
    )
    .expect("copy");
    let file = "exported-certificates/pc-old.fabrikam.com/pc-old.fabrikam.com.cer";
    let want = format!(
        "topocert::certificate_as_topology topology {file} is a PEM certificate, not a topology \
         help: certificates are given with --certs DIR (a folder of the servers' certificates) or \
         --ca FILE (the internal servers' CA); the topology is what `Get-CsTopology -AsXml > \
         topology.xml` writes, or a Topology Builder .tbxml"
    );
    for columns in [80, 100] {
        let err = stderr_at(tmp.path(), Some(&columns.to_string()), file);
        assert_eq!(flat(&err), want, "{columns}");
        for line in err.lines() {
            assert!(line.chars().count() <= columns, "{columns}: {line}");
        }
        for name in [file, "`Get-CsTopology", "topology.xml`", "--certs", "--ca"] {
            assert!(
                err.lines().any(|l| l.contains(name)),
                "{columns}: {name} split:\n{err}"
            );
        }
    }
    // Without COLUMNS and not on a terminal the width is 100.
    assert_eq!(
        stderr_at(tmp.path(), None, file),
        stderr_at(tmp.path(), Some("100"), file)
    );
}
