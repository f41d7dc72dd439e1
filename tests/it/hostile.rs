//! Hostile and broken input at the command line (issue #6): each case asserts its exit code and
//! a clear message, and the certificate cases assert that the other servers' verdicts are still
//! reported. Cases already covered in `cli_topology.rs` (billion laughs, external entities,
//! 200,000 nested elements, lone surrogates, NUL bytes, not a topology, truncated published XML,
//! a service on a missing cluster) are not repeated here.

use crate::support;

use rcgen::{BasicConstraints, IsCa};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use support::{flat, sample, topocert};
use topocert_x509::test_pki::{v1, ymd, CaSpec, Leaf};

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

/// A server certificate for `cn` with DNS SANs `sans`: Server Authentication, a CRL
/// distribution point, no key usage, valid 1975..4096.
fn leaf(cn: &str, sans: &[String]) -> Leaf {
    Leaf {
        sans: sans.to_vec(),
        key_usages: Vec::new(),
        crl: vec!["http://pki.fabrikam.com/crl/hostile.crl".to_string()],
        validity: (ymd(1975, 1, 1), ymd(4096, 1, 1)),
        ..Leaf::good(cn, &[])
    }
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
    let ca = CaSpec::new("Hostile Test Issuing CA")
        .without_aki()
        .self_signed();
    let ca_file = write(tmp.path(), "ca.cer", &ca.der);

    // fe01: an ordinary good certificate.
    let good = leaf("fe01.fabrikam.com", &with_pool01("fe01.fabrikam.com")).signed_by(&ca);
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
        &leaf("fe02.fabrikam.com", &many).signed_by(&ca),
    );
    // fe03: no SAN extension at all, the name only in the CN.
    write(
        &certs,
        "fe03.fabrikam.com.cer",
        &leaf("fe03.fabrikam.com", &[]).signed_by(&ca),
    );
    // pc01: X.509 v1.
    write(
        &certs,
        "pc01.fabrikam.com.cer",
        &v1(&leaf("pc01.fabrikam.com", &[]).signed_by(&ca), &ca),
    );
    // pc02: a CA certificate offered as the server's certificate.
    let pc02 = Leaf {
        is_ca: IsCa::Ca(BasicConstraints::Unconstrained),
        ..leaf(
            "pc02.fabrikam.com",
            &["pc02.fabrikam.com".into(), "pchat01.fabrikam.com".into()],
        )
    };
    write(&certs, "pc02.fabrikam.com.cer", &pc02.signed_by(&ca));

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

// ---------------------------------------------------------------- safe reads and writes

/// Issue #20: inputs are read only when they are regular files of a bounded size, without
/// blocking; outputs never overwrite an input nor follow a symbolic link out of their folder.
mod safe_io {
    use super::support::sample;
    use std::fs;
    use std::path::{Path, PathBuf};
    use std::time::{Duration, Instant};

    const NOW: &str = "2026-12-01T00:00:00Z";

    /// Runs the binary with a watchdog: a run still going after 20 s is killed and fails the
    /// test (a FIFO that blocks must not hang the suite).
    fn run(args: &[&str]) -> (i32, String, String) {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("topocert"))
            .args(args)
            .env("NO_COLOR", "1")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("runs");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if child.try_wait().expect("wait").is_some() {
                break;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("topocert {args:?} still running after 20 s: it blocked");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let out = child.wait_with_output().expect("output");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn s(p: &Path) -> &str {
        p.to_str().expect("utf-8")
    }

    fn topology() -> String {
        sample("enterprise-multisite/topology.xml")
    }
    fn certs() -> String {
        sample("enterprise-multisite/certs")
    }
    fn ca() -> String {
        sample("enterprise-multisite/ca/fabrikam-issuing-ca.cer")
    }

    /// `check` of the enterprise sample with its certificates and CA, plus `extra`.
    fn check(extra: &[&str]) -> (i32, String, String) {
        let (t, c, a) = (topology(), certs(), ca());
        let mut args = vec!["check", &t, "--certs", &c, "--ca", &a, "--now", NOW];
        args.extend_from_slice(extra);
        run(&args)
    }

    #[cfg(unix)]
    fn mkfifo(path: &Path) {
        let ok = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .expect("mkfifo runs");
        assert!(ok.success(), "mkfifo {}", path.display());
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_as_an_input_file_is_refused_without_blocking() {
        let dir = tempfile::tempdir().expect("tmp");
        let fifo = dir.path().join("input.fifo");
        mkfifo(&fifo);
        for flag in ["--ca", "--inventory", "--config", "--baseline"] {
            let (code, _, err) = check(&[flag, s(&fifo)]);
            assert_eq!(code, 2, "{flag}: {err}");
            assert!(err.contains("FIFO"), "{flag}: {err}");
        }
        let (code, _, err) = run(&["servers", s(&fifo)]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("FIFO"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_in_the_certificate_folder_is_one_unreadable_file() {
        let dir = tempfile::tempdir().expect("tmp");
        let certs = dir.path().join("certs");
        fs::create_dir(&certs).expect("mkdir");
        for e in fs::read_dir(self::certs()).expect("certs") {
            let e = e.expect("entry");
            fs::copy(e.path(), certs.join(e.file_name())).expect("copy");
        }
        let with_all = {
            let (t, a) = (topology(), ca());
            run(&[
                "check",
                &t,
                "--certs",
                s(&certs),
                "--ca",
                &a,
                "--now",
                NOW,
                "--format",
                "json",
            ])
        };
        mkfifo(&certs.join("pc02.fabrikam.com.cer"));
        let outside = dir.path().join("outside.fifo");
        mkfifo(&outside);
        std::os::unix::fs::symlink(&outside, certs.join("zz.fabrikam.com.cer")).expect("symlink");
        let (t, a) = (topology(), ca());
        let (code, out, err) = run(&[
            "check",
            &t,
            "--certs",
            s(&certs),
            "--ca",
            &a,
            "--now",
            NOW,
            "--format",
            "json",
        ]);
        assert_eq!(code, with_all.0, "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        let all: serde_json::Value = serde_json::from_str(&with_all.1).expect("json");
        let unreadable: Vec<String> = v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["rule"] == "unreadable-certificate")
            .map(|f| f.to_string())
            .collect();
        assert_eq!(unreadable.len(), 2, "{unreadable:?}");
        assert!(
            unreadable.iter().all(|f| f.contains("not a regular file")),
            "{unreadable:?}"
        );
        // The other servers' verdicts are unchanged.
        assert_eq!(v["servers"], all["servers"]);
    }

    #[cfg(unix)]
    #[test]
    fn dev_zero_as_the_inventory_is_refused_with_the_limit() {
        let (t, a) = (topology(), ca());
        let (code, _, err) = run(&["check", &t, "--inventory", "/dev/zero", "--ca", &a]);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains("/dev/zero") && err.contains("not a regular file"),
            "{err}"
        );
    }

    #[test]
    fn a_3_gb_baseline_is_refused_with_the_limit() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("baseline.json");
        let f = fs::File::create(&p).expect("create");
        f.set_len(3_000_000_000).expect("sparse file");
        let (code, _, err) = check(&["--baseline", s(&p)]);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains(&topocert::gate::MAX_BASELINE_SIZE.to_string()),
            "{err}"
        );
    }

    #[test]
    fn a_baseline_with_a_byte_order_mark_is_read() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("baseline.json");
        let (code, _, err) = check(&["--write-baseline", s(&p)]);
        assert_eq!(code, 1, "{err}");
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(fs::read(&p).expect("baseline"));
        fs::write(&p, bytes).expect("write");
        let (code, _, err) = check(&["--baseline", s(&p)]);
        assert_eq!(code, 0, "every finding is in the baseline: {err}");
    }

    #[test]
    fn a_json_inventory_with_a_byte_order_mark_is_read() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("inventory.json");
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(fs::read(sample("enterprise-multisite/inventory.json")).expect("sample"));
        fs::write(&p, bytes).expect("write");
        let t = topology();
        let (code, _, err) = run(&["check", &t, "--inventory", s(&p), "--now", NOW]);
        assert_ne!(code, 2, "{err}");
    }

    /// A copy of `src` in `dir`, returned with its path.
    fn copy(src: &str, dir: &Path, name: &str) -> PathBuf {
        let p = dir.join(name);
        fs::copy(src, &p).expect("copy");
        p
    }

    #[test]
    fn output_onto_the_topology_is_refused() {
        let dir = tempfile::tempdir().expect("tmp");
        let t = copy(&topology(), dir.path(), "topology.xml");
        let before = fs::read(&t).expect("read");
        let (c, a) = (certs(), ca());
        let (code, _, err) = run(&[
            "check",
            s(&t),
            "--certs",
            &c,
            "--ca",
            &a,
            "--now",
            NOW,
            "--output",
            s(&t),
        ]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("input of this run"), "{err}");
        assert_eq!(fs::read(&t).expect("read"), before);
        // Through a symbolic link too.
        #[cfg(unix)]
        {
            let link = dir.path().join("link.xml");
            std::os::unix::fs::symlink(&t, &link).expect("symlink");
            let (code, _, err) = run(&[
                "check",
                s(&t),
                "--certs",
                &c,
                "--ca",
                &a,
                "--now",
                NOW,
                "--output",
                s(&link),
            ]);
            assert_eq!(code, 2, "{err}");
            assert_eq!(fs::read(&t).expect("read"), before);
        }
    }

    #[test]
    fn report_out_onto_a_certificate_is_refused() {
        let dir = tempfile::tempdir().expect("tmp");
        let certs = dir.path().join("certs");
        fs::create_dir(&certs).expect("mkdir");
        let cert = copy(
            &sample("enterprise-multisite/certs/fe01.fabrikam.com.cer"),
            &certs,
            "fe01.fabrikam.com.cer",
        );
        let before = fs::read(&cert).expect("read");
        let (t, a) = (topology(), ca());
        let (code, _, err) = run(&[
            "report",
            &t,
            "--certs",
            s(&certs),
            "--ca",
            &a,
            "--now",
            NOW,
            "--out",
            s(&cert),
        ]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("input of this run"), "{err}");
        assert_eq!(fs::read(&cert).expect("read"), before);
    }

    #[test]
    fn write_baseline_onto_the_ca_file_is_refused() {
        let dir = tempfile::tempdir().expect("tmp");
        let ca = copy(&ca(), dir.path(), "ca.cer");
        let before = fs::read(&ca).expect("read");
        let (t, c) = (topology(), certs());
        let (code, _, err) = run(&[
            "check",
            &t,
            "--certs",
            &c,
            "--ca",
            s(&ca),
            "--now",
            NOW,
            "--write-baseline",
            s(&ca),
        ]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("input of this run"), "{err}");
        assert_eq!(fs::read(&ca).expect("read"), before);
    }

    #[test]
    fn write_baseline_may_update_the_baseline_it_read() {
        let dir = tempfile::tempdir().expect("tmp");
        let b = dir.path().join("baseline.json");
        let (code, _, err) = check(&["--write-baseline", s(&b)]);
        assert_eq!(code, 1, "{err}");
        let (code, _, err) = check(&["--baseline", s(&b), "--write-baseline", s(&b)]);
        assert_eq!(code, 0, "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn plan_out_dir_never_writes_through_a_symbolic_link() {
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("out");
        fs::create_dir(&out).expect("mkdir");
        let victim = dir.path().join("victim.txt");
        fs::write(&victim, b"keep").expect("write");
        for name in ["fe01.fabrikam.com.inf", "plan.csv"] {
            std::os::unix::fs::symlink(&victim, out.join(name)).expect("symlink");
        }
        let t = topology();
        let (code, _, err) = run(&["plan", &t, "--out-dir", s(&out)]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(fs::read(&victim).expect("read"), b"keep");
        let inf = out.join("fe01.fabrikam.com.inf");
        assert!(!fs::symlink_metadata(&inf)
            .expect("inf")
            .file_type()
            .is_symlink());
        assert!(fs::read_to_string(&inf)
            .expect("inf")
            .contains("fe01.fabrikam.com"));
    }

    #[test]
    fn plan_out_dir_maps_names_windows_cannot_hold() {
        let dir = tempfile::tempdir().expect("tmp");
        let text = fs::read_to_string(topology())
            .expect("sample")
            .replace("fe01.fabrikam.com", "con.fabrikam.com")
            .replace("fe02.fabrikam.com", "*.fabrikam.com");
        let t = dir.path().join("topology.xml");
        fs::write(&t, text).expect("write");
        let out = dir.path().join("out");
        let (code, _, err) = run(&["plan", s(&t), "--out-dir", s(&out)]);
        assert_eq!(code, 0, "{err}");
        let mut names: Vec<String> = fs::read_dir(&out)
            .expect("out")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for bad in ["con.fabrikam.com.inf", "*.fabrikam.com.inf"] {
            assert!(!names.contains(&bad.to_string()), "{names:?}");
        }
        assert!(
            names.contains(&"%63on.fabrikam.com.inf".to_string()),
            "{names:?}"
        );
        assert!(
            names.contains(&"%2A.fabrikam.com.cnf".to_string()),
            "{names:?}"
        );
        // The mapping is shown: on standard error and in plan.csv.
        assert!(
            err.contains("con.fabrikam.com: request files named %63on.fabrikam.com.inf"),
            "{err}"
        );
        let csv = fs::read_to_string(out.join("plan.csv")).expect("plan.csv");
        assert!(
            csv.lines()
                .next()
                .expect("header")
                .ends_with(",request_files"),
            "{csv}"
        );
        assert!(
            csv.contains("%2A.fabrikam.com.inf;%2A.fabrikam.com.cnf"),
            "{csv}"
        );
    }
}

// ---------------------------------------------------------------- malformed XML (issue #20)

/// Malformed XML in a topology is an error at its line and column (exit 2), never a value read
/// as absent: each case here changed a verdict before (a machine took its pool's name and
/// another server's certificate, or the Persistent Chat pool vanished).
mod malformed_xml {
    use super::{run, sample, write};
    use std::fs;

    /// 1-based line and column (in characters) of a byte offset.
    fn line_col(text: &str, at: usize) -> (usize, usize) {
        let before = &text[..at];
        let line = before.matches('\n').count() + 1;
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[start..].chars().count() + 1)
    }

    /// Replaces the first `from` of `sample` with `to`, runs `servers` on it and asserts exit 2,
    /// the location of the byte `at` of `to`, and each of `needles` in the message.
    fn rejects(sample_path: &str, from: &str, to: &str, at: usize, needles: &[&str]) {
        let base = fs::read_to_string(sample(sample_path)).expect("sample");
        let start = base.find(from).expect("the sample has the text to change");
        let text = base.replacen(from, to, 1);
        let (line, column) = line_col(&text, start + at);
        let dir = tempfile::tempdir().expect("tmp");
        let path = write(dir.path(), "t.xml", text.as_bytes());
        let (code, out, err) = run(&["servers", path.to_str().expect("utf-8")]);
        let flat = super::flat(&err);
        assert_eq!(code, 2, "{to:?}: exit {code}\n{out}\n{err}");
        let place = format!(":{line}:{column}]");
        assert!(flat.contains(&place), "{to:?}: no {place} in\n{err}");
        for n in needles {
            assert!(flat.contains(n), "{to:?}: no {n:?} in\n{err}");
        }
    }

    const TOPOLOGY: &str = "enterprise-multisite/topology.xml";
    /// A Persistent Chat server, so a wrong name changes who is checked.
    const PC01: &str = "Fqdn=\"pc01.fabrikam.com\"";
    const PC_POOL: &str = "Fqdn=\"pchat01.fabrikam.com\"";

    #[test]
    fn undefined_entity_in_a_machine_fqdn() {
        let to = "Fqdn=\"&bogus;pc01.fabrikam.com\"";
        rejects(
            TOPOLOGY,
            PC01,
            to,
            6,
            &["malformed Fqdn attribute", "bogus"],
        );
    }

    #[test]
    fn illegal_character_references_in_a_machine_fqdn() {
        for reference in ["&#0;", "&#xD800;", "&#x1B;", "&#xFFFF;", "&#99999999;"] {
            let to = format!("Fqdn=\"pc01{reference}.fabrikam.com\"");
            rejects(TOPOLOGY, PC01, &to, 10, &["malformed Fqdn attribute"]);
        }
    }

    #[test]
    fn undefined_entity_in_the_persistent_chat_pool_fqdn() {
        let to = "Fqdn=\"pchat01&bogus;.fabrikam.com\"";
        rejects(TOPOLOGY, PC_POOL, to, 13, &["malformed Fqdn attribute"]);
    }

    #[test]
    fn raw_control_characters_anywhere() {
        for c in ['\u{1b}', '\u{7}', '\u{ffff}'] {
            let to = format!("Fqdn=\"pc01{c}.fabrikam.com\"");
            rejects(TOPOLOGY, PC01, &to, 10, &["not allowed in XML 1.0"]);
        }
        // in text and in a comment alike
        rejects(
            TOPOLOGY,
            "<Name>Redmond",
            "<Name>Red\u{1b}mond",
            9,
            &["U+001B"],
        );
        rejects(
            TOPOLOGY,
            "<Name>Redmond",
            "<!-- \u{1b} --><Name>Redmond",
            5,
            &["U+001B"],
        );
    }

    #[test]
    fn illegal_character_references_in_text() {
        for reference in ["&#x1B;", "&#0;", "&#xD800;"] {
            let to = format!("<Name>Red{reference}mond");
            rejects(
                TOPOLOGY,
                "<Name>Redmond",
                &to,
                9,
                &["malformed XML", "character reference"],
            );
        }
    }

    #[test]
    fn duplicate_fqdn_attribute() {
        let to = "Fqdn=\"pc01.fabrikam.com\" Fqdn=\"fe01.fabrikam.com\"";
        rejects(TOPOLOGY, PC01, to, 25, &["attribute Fqdn is given twice"]);
        // also under another prefix: the reader reads attributes by local name
        let to = "Fqdn=\"pc01.fabrikam.com\" x:Fqdn=\"fe01.fabrikam.com\"";
        rejects(TOPOLOGY, PC01, to, 25, &["attribute Fqdn is given twice"]);
    }

    #[test]
    fn less_than_inside_a_value() {
        let to = "Fqdn=\"pc01<x.fabrikam.com\"";
        rejects(TOPOLOGY, PC01, to, 10, &["malformed Fqdn attribute", "`<`"]);
    }

    #[test]
    fn stray_less_than_inside_a_machine_start_tag() {
        let from = "<Machine OrdinalInCluster=\"1\" Fqdn=\"pc01.fabrikam.com\">";
        let to = "<Machine OrdinalInCluster=\"1\" < Fqdn=\"pc01.fabrikam.com\">";
        rejects(TOPOLOGY, from, to, 30, &["malformed XML", "`<`"]);
        let to = "<Machine OrdinalInCluster=\"1\"<x Fqdn=\"pc01.fabrikam.com\">";
        rejects(TOPOLOGY, from, to, 29, &["malformed XML"]);
        let to = "<Machine OrdinalInCluster=1 Fqdn=\"pc01.fabrikam.com\">";
        rejects(TOPOLOGY, from, to, 26, &["malformed XML", "not quoted"]);
    }

    #[test]
    fn machine_without_fqdn_is_an_error_at_the_machine() {
        let from = "<Machine OrdinalInCluster=\"1\" Fqdn=\"pc01.fabrikam.com\">";
        let to = "<Machine OrdinalInCluster=\"1\">";
        rejects(TOPOLOGY, from, to, 0, &["Machine has no Fqdn attribute"]);
    }

    #[test]
    fn cluster_without_fqdn_is_an_error_at_the_cluster() {
        let from = "<Cluster RequiresReplication=\"true\" RequiresSetup=\"true\" Fqdn=\"pchat01.fabrikam.com\">";
        let to = "<Cluster RequiresReplication=\"true\" RequiresSetup=\"true\">";
        rejects(TOPOLOGY, from, to, 0, &["Cluster has no Fqdn attribute"]);
    }

    #[test]
    fn builder_machine_without_fqdn_only_in_a_single_machine_cluster() {
        // the sample's single-machine clusters read (tests/it/topology.rs); another one does not
        let from = "IsSingleMachineOnly=\"true\" UniqueId=\"a1aa0a53";
        let to = "IsSingleMachineOnly=\"false\" UniqueId=\"a1aa0a53";
        let base =
            fs::read_to_string(sample("enterprise-multisite/topology.tbxml")).expect("sample");
        let machine = base[base.find(from).expect("cluster")..]
            .find("<Machine />")
            .expect("machine");
        // `to` is one byte longer than `from`
        rejects(
            "enterprise-multisite/topology.tbxml",
            from,
            to,
            machine + 1,
            &["Machine has no Fqdn attribute"],
        );
    }
}
