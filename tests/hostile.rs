//! Hostile and broken input at the command line (issue #6): each case asserts its exit code and
//! a clear message, and the certificate cases assert that the other servers' verdicts are still
//! reported. Cases already covered in `cli_topology.rs` (billion laughs, external entities,
//! 200,000 nested elements, lone surrogates, NUL bytes, not a topology, truncated published XML,
//! a service on a missing cluster) are not repeated here.

mod support;

use rcgen::{
    BasicConstraints, CertificateParams, CrlDistributionPoint, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose, SanType, SigningKey,
};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use support::{flat, sample, topocert};

const NOW: &str = "2026-12-01T00:00:00Z";

/// Runs the binary, returns (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let out = topocert().args(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, data).expect("write");
    p
}

// ---------------------------------------------------------------- topology

#[test]
fn attribute_of_50_mb_is_read_without_blowing_up() {
    let dir = tempfile::tempdir().expect("tmp");
    let base = fs::read_to_string(sample("standard-edition/topology.xml")).expect("sample");
    // A 50 MB value in an attribute the reader keeps (the site's description is not kept; the
    // machine FQDN is): the tool must finish and say something clear about it.
    let huge = "a".repeat(50 * 1024 * 1024);
    let text = base.replacen(
        "Fqdn=\"lyncse01.fabrikam.com\"",
        &format!("Fqdn=\"{huge}.fabrikam.com\""),
        1,
    );
    assert_ne!(text, base, "the sample has the attribute to inflate");
    let path = write(dir.path(), "huge.xml", text.as_bytes());
    let (code, out, err) = run(&["servers", path.to_str().expect("utf-8")]);
    // The file is well-formed: it is read, and the inflated machine is listed under its name.
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(".fabrikam.com"),
        "{}",
        &out[..out.len().min(500)]
    );
    assert!(
        out.len() > 50 * 1024 * 1024,
        "the long name is reported as it is"
    );
}

#[test]
fn unterminated_50_mb_attribute_is_a_located_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut text = String::from("<?xml version=\"1.0\"?>\r\n<Topology xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008\">\r\n<Sites Description=\"");
    text.push_str(&"b".repeat(50 * 1024 * 1024));
    let path = write(dir.path(), "open.xml", text.as_bytes());
    let (code, _, err) = run(&["servers", path.to_str().expect("utf-8")]);
    assert_eq!(code, 2);
    // The snippet is clipped around the error: the 50 MB line is not echoed to the terminal.
    assert!(err.len() < 4096, "{} bytes of diagnostic", err.len());
    let err = flat(&err);
    assert!(err.contains("open.xml:3:"), "points at line 3: {err}");
}

#[test]
fn truncated_tbxml_exits_2_with_a_location() {
    let dir = tempfile::tempdir().expect("tmp");
    let full = fs::read(sample("enterprise-multisite/topology.tbxml")).expect("sample");
    for cut in [full.len() / 3, full.len() / 2, full.len() - 20] {
        let path = write(dir.path(), "cut.tbxml", &full[..cut]);
        let (code, _, err) = run(&["servers", path.to_str().expect("utf-8")]);
        assert_eq!(code, 2, "cut at {cut}: {err}");
        let err = flat(&err);
        assert!(
            err.contains("cut.tbxml:") && (err.contains("end of") || err.contains("unclosed")),
            "cut at {cut}: {err}"
        );
    }
}

#[test]
fn duplicate_machine_fqdns_are_a_warning_at_the_second_machine() {
    let dir = tempfile::tempdir().expect("tmp");
    let base = fs::read_to_string(sample("enterprise-multisite/topology.xml")).expect("sample");
    // fe05 in Dublin claims fe04's FQDN (in another letter case).
    let text = base.replacen("\"fe05.fabrikam.com\"", "\"FE04.fabrikam.com\"", 1);
    assert_ne!(text, base);
    let path = write(dir.path(), "dup.xml", text.as_bytes());
    let (code, out, err) = run(&["servers", path.to_str().expect("utf-8")]);
    assert_eq!(code, 0, "a warning, not a failure: {err}");
    let err = flat(&err);
    assert!(err.to_lowercase().contains("fe04.fabrikam.com"), "{err}");
    assert!(err.contains("dup.xml:"), "located: {err}");
    assert!(!out.contains("fe05"), "{out}");
    // Without the duplicate there is no such warning.
    let (code, _, err) = run(&["servers", &sample("enterprise-multisite/topology.xml")]);
    assert_eq!(code, 0);
    assert!(!err.to_lowercase().contains("more than once"), "{err}");
}

// ------------------------------------------------------------ certificates

struct Ca {
    issuer: Issuer<'static, KeyPair>,
    der: Vec<u8>,
}

fn dn(cn: &str) -> DistinguishedName {
    let mut d = DistinguishedName::new();
    // DER order: O, then CN (shown by Windows as `CN=..., O=...`).
    d.push(DnType::OrganizationName, "Fabrikam");
    d.push(DnType::CommonName, cn);
    d
}

fn ca() -> Ca {
    let key = KeyPair::generate().expect("keygen");
    let mut p = CertificateParams::default();
    p.distinguished_name = dn("Hostile Test Issuing CA");
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let cert = p.self_signed(&key).expect("self-signed");
    Ca {
        der: cert.der().to_vec(),
        issuer: Issuer::new(p, key),
    }
}

fn leaf_params(cn: &str, sans: &[String]) -> CertificateParams {
    let mut p = CertificateParams::new(sans.to_vec()).expect("params");
    p.distinguished_name = dn(cn);
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    p.use_authority_key_identifier_extension = true;
    p.crl_distribution_points = vec![CrlDistributionPoint {
        uris: vec!["http://pki.fabrikam.com/crl/hostile.crl".to_string()],
    }];
    p
}

fn sign(ca: &Ca, p: CertificateParams) -> Vec<u8> {
    let key = KeyPair::generate().expect("keygen");
    p.signed_by(&key, &ca.issuer).expect("sign").der().to_vec()
}

/// An X.509 v1 certificate (no extensions at all) signed by `ca`: rcgen only makes v3, so its
/// to-be-signed part is rewritten with the x509-cert types and signed again with the CA key.
fn v1_leaf(ca: &Ca, cn: &str) -> Vec<u8> {
    use x509_cert::der::{Decode, Encode};
    let v3 = sign(ca, leaf_params(cn, &[]));
    let mut cert = x509_cert::Certificate::from_der(&v3).expect("rcgen DER");
    cert.tbs_certificate.version = x509_cert::Version::V1;
    cert.tbs_certificate.extensions = None;
    let tbs = cert.tbs_certificate.to_der().expect("encode");
    let sig = ca.issuer.key().sign(&tbs).expect("sign");
    cert.signature =
        x509_cert::der::asn1::BitString::from_bytes(&sig).expect("signature bit string");
    cert.to_der().expect("encode")
}

/// The enterprise sample's five checked servers, each with a hostile certificate, plus broken
/// files that match no server. Returns (tempdir, certs dir, CA file).
/// The names besides its own that pool01's Front Ends need (`topocert plan`).
const POOL01_NAMES: [&str; 6] = [
    "pool01.fabrikam.com",
    "webint01.fabrikam.com",
    "webext01.fabrikam.com",
    "meet.fabrikam.com",
    "dialin.fabrikam.com",
    "admin.fabrikam.com",
];

fn with_pool01(fqdn: &str) -> Vec<String> {
    let mut v = vec![fqdn.to_string()];
    v.extend(POOL01_NAMES.iter().map(|s| s.to_string()));
    v
}

fn hostile_folder() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().expect("tmp");
    let certs = tmp.path().join("certs");
    fs::create_dir(&certs).expect("mkdir");
    let ca = ca();
    let ca_file = write(tmp.path(), "ca.cer", &ca.der);

    // fe01: an ordinary good certificate.
    let good = sign(
        &ca,
        leaf_params("fe01.fabrikam.com", &with_pool01("fe01.fabrikam.com")),
    );
    write(&certs, "fe01.fabrikam.com.cer", &good);
    // fe02: 10,000 SANs, its own name last.
    let mut many: Vec<String> = (0..9_993)
        .map(|i| format!("host{i}.fabrikam.com"))
        .collect();
    many.extend(POOL01_NAMES.iter().map(|s| s.to_string()));
    many.push("fe02.fabrikam.com".into());
    write(
        &certs,
        "fe02.fabrikam.com.cer",
        &sign(&ca, leaf_params("fe02.fabrikam.com", &many)),
    );
    // fe03: no SAN extension at all, the name only in the CN.
    write(
        &certs,
        "fe03.fabrikam.com.cer",
        &sign(&ca, leaf_params("fe03.fabrikam.com", &[])),
    );
    // pc01: X.509 v1.
    write(
        &certs,
        "pc01.fabrikam.com.cer",
        &v1_leaf(&ca, "pc01.fabrikam.com"),
    );
    // pc02: a CA certificate offered as the server's certificate.
    let mut p = leaf_params(
        "pc02.fabrikam.com",
        &["pc02.fabrikam.com".into(), "pchat01.fabrikam.com".into()],
    );
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.subject_alt_names = ["pc02.fabrikam.com", "pchat01.fabrikam.com"]
        .map(|n| SanType::DnsName(n.try_into().expect("name")))
        .to_vec();
    write(&certs, "pc02.fabrikam.com.cer", &sign(&ca, p));

    // Broken files next to them.
    write(&certs, "truncated.cer", &good[..good.len() / 2]);
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        use std::os::unix::fs::symlink;
        // A symlink loop: a folder link pointing at its own parent.
        symlink(&certs, certs.join("loop")).expect("symlink");
        // Unreadable even for root (tests may run as root, where chmod 000 changes nothing): a
        // symlink to nowhere.
        symlink(tmp.path().join("nowhere.cer"), certs.join("dangling.cer")).expect("symlink");
        // A file name that is not UTF-8, holding garbage.
        let name = std::ffi::OsStr::from_bytes(b"bad-\xff\xfe-name.cer");
        fs::write(certs.join(name), b"not a certificate").expect("write");
    }
    (tmp, certs, ca_file)
}

/// `check` of the enterprise sample against `certs` and `ca` at [`NOW`], plus `extra` arguments.
fn check_enterprise(certs: &Path, ca: &Path, extra: &[&str]) -> (i32, String, String) {
    let topology = sample("enterprise-multisite/topology.xml");
    let mut args = vec![
        "check",
        &topology,
        "--certs",
        certs.to_str().expect("utf-8"),
        "--ca",
        ca.to_str().expect("utf-8"),
        "--now",
        NOW,
    ];
    args.extend_from_slice(extra);
    run(&args)
}

fn check_json(certs: &Path, ca: &Path) -> (i32, Value, String) {
    let (code, out, err) = check_enterprise(certs, ca, &["--format", "json"]);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, v, err)
}

fn rules_for(v: &Value, fqdn: &str) -> Vec<String> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["server"] == fqdn)
        .map(|f| f["rule"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn hostile_certificates_each_get_a_verdict_and_hide_no_other() {
    let (_tmp, certs, ca) = hostile_folder();
    let (code, v, err) = check_json(&certs, &ca);
    assert_eq!(code, 1, "pc02 fails: {err}");

    // Every checked server is still reported.
    for fqdn in [
        "fe01.fabrikam.com",
        "fe02.fabrikam.com",
        "fe03.fabrikam.com",
        "pc01.fabrikam.com",
        "pc02.fabrikam.com",
    ] {
        let s = support::json_server(&v, fqdn);
        assert!(
            s["certificate"].is_object(),
            "{fqdn} keeps its certificate: {s}"
        );
    }
    // The good one and the one with 10,000 SANs are ready; the CN-only one cannot carry the
    // pool and internal web services names a Front End needs (an error), nor the external web
    // services name (a warning: Persistent Chat does not use it).
    assert_eq!(
        rules_for(&v, "fe03.fabrikam.com"),
        vec![
            "missing-required-name".to_string(),
            "missing-recommended-name".to_string()
        ]
    );
    for fqdn in ["fe01.fabrikam.com", "fe02.fabrikam.com"] {
        assert_eq!(
            support::json_server(&v, fqdn)["status"],
            "ready",
            "{fqdn}: {:?}",
            rules_for(&v, fqdn)
        );
    }
    assert_eq!(
        support::json_server(&v, "fe02.fabrikam.com")["certificate"]["dns_names"]
            .as_array()
            .map(Vec::len),
        Some(10_000)
    );
    // v1: no extensions, so no EKU restriction; from the right CA with the right name (CN),
    // but it cannot carry the CRL distribution point Lync requires (an error), nor the pool's
    // name (a warning: a wizard default, not a requirement).
    assert_eq!(
        rules_for(&v, "pc01.fabrikam.com"),
        vec![
            "missing-recommended-name".to_string(),
            "no-crl-distribution-point".to_string()
        ]
    );
    // A CA certificate is not a server certificate.
    assert_eq!(
        rules_for(&v, "pc02.fabrikam.com"),
        vec!["ca-certificate-as-server".to_string()]
    );

    // The broken files are each reported, by name, as unreadable; the folder link that loops
    // back is not followed (so it cannot hang the walk) and is not an error.
    let all = unreadable(&v).join("\n");
    assert!(
        all.contains("truncated.cer") && all.contains("truncated"),
        "{all}"
    );
    assert!(all.contains("dangling.cer"), "{all}");
    assert!(all.contains("bad-"), "non-UTF-8 name shown lossily: {all}");
    assert!(!all.contains("loop"), "{all}");
    assert_eq!(unreadable(&v).len(), 3, "{all}");
}

/// The `unreadable-certificate` findings' messages.
fn unreadable(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "unreadable-certificate")
        .map(|f| f["message"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn same_folder_without_the_hostile_files_gives_the_same_verdicts() {
    // Negative control: the hostile files change nothing for the servers.
    let (_tmp, certs, ca) = hostile_folder();
    let (_, with, _) = check_json(&certs, &ca);
    for name in ["truncated.cer", "dangling.cer", "loop"] {
        let p = certs.join(name);
        let _ = fs::remove_file(&p);
    }
    for e in fs::read_dir(&certs).expect("dir").flatten() {
        if e.file_name().to_str().is_none() {
            fs::remove_file(e.path()).expect("rm");
        }
    }
    let (_, without, _) = check_json(&certs, &ca);
    assert!(unreadable(&without).is_empty());
    assert_eq!(unreadable(&with).len(), 3);
    assert_eq!(with["servers"], without["servers"]);
}

#[test]
fn human_output_names_each_unreadable_file_and_keeps_the_servers() {
    let (_tmp, certs, ca) = hostile_folder();
    let (code, out, err) = check_enterprise(&certs, &ca, &[]);
    assert_eq!(code, 1, "{err}");
    let text = flat(&out);
    for needle in [
        "fe01.fabrikam.com",
        "pc01.fabrikam.com",
        "truncated.cer",
        "dangling.cer",
        "ca-certificate-as-server",
    ] {
        assert!(text.contains(needle), "{needle} missing from: {text}");
    }
}
