//! One story per run: the headline counts what is ready, the gate sentence never contradicts
//! it, an inferred reference CA is said in every format, and a server whose deciding finding
//! the settings set aside says so in its status.

use crate::support;
use support::*;

const SE: &str = "sample-topologies/standard-edition/topology.xml";
const SE_CERTS: &str = "sample-topologies/standard-edition/certs";
const SE_CA: &str = "sample-topologies/standard-edition/ca/fabrikam-issuing-ca.cer";
const ENT: &str = "sample-topologies/enterprise-multisite/topology.xml";
const ENT_CERTS: &str = "sample-topologies/enterprise-multisite/certs";
const ENT_CA: &str = "sample-topologies/enterprise-multisite/ca/fabrikam-issuing-ca.cer";
const TIER: &str = "sample-topologies/three-tier-pki/topology.xml";
const TIER_CERTS: &str = "sample-topologies/three-tier-pki/certs";
const NOW: &str = "2026-12-01T00:00:00Z";

fn check(args: &[&str]) -> (i32, String) {
    let (code, out, err) = run_in_root("check", args);
    (code, format!("{out}{err}"))
}

#[test]
fn a_warning_that_fails_the_run_never_reads_as_not_ready() {
    // 17 days before the certificate ends: one expiring-soon warning, the server is ready.
    let base = [
        SE,
        "--certs",
        SE_CERTS,
        "--ca",
        SE_CA,
        "--now",
        "2027-12-15",
        "--fail-on",
        "warning",
    ];
    let (code, out) = check(&[&base[..], &["--quiet"]].concat());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("READY: 1 of 1 server ready;"), "{out}");
    assert!(
        flat(&out).contains("The run fails because of 1 finding at or above --fail-on warning, although every server is ready."),
        "{out}"
    );
    assert!(
        !out.contains("not ready") && !out.contains("new finding"),
        "{out}"
    );
    let (_, gh) = check(&[&base[..], &["--format", "github"]].concat());
    assert!(!gh.contains("::error title=topocert%3A READY"), "{gh}");
    assert!(
        gh.contains("::error title=topocert%3A run fails::1 of 1 server ready."),
        "{gh}"
    );
    let (_, md) = check(&[&base[..], &["--format", "markdown"]].concat());
    assert!(
        md.contains("Ready for Persistent Chat, but the run fails"),
        "{md}"
    );
    // Pass: at the default --fail-on error the same run passes and says nothing of failing.
    let (code, out) = check(&[
        SE,
        "--certs",
        SE_CERTS,
        "--ca",
        SE_CA,
        "--now",
        "2027-12-15",
        "-q",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("fails"), "{out}");
}

#[test]
fn new_findings_are_new_only_against_a_baseline() {
    let (_, out) = check(&[
        ENT, "--certs", ENT_CERTS, "--ca", ENT_CA, "--now", NOW, "-q",
    ]);
    assert!(
        out.contains("findings at or above --fail-on error"),
        "{out}"
    );
    assert!(!out.contains("new finding"), "{out}");
    let dir = tempfile::tempdir().expect("tmp");
    let b = dir.path().join("baseline.json");
    let b = b.to_string_lossy().into_owned();
    let args = [
        ENT, "--certs", ENT_CERTS, "--ca", ENT_CA, "--now", NOW, "-q",
    ];
    let _ = check(&[&args[..], &["--write-baseline", &b]].concat());
    let (code, out) = check(&[&args[..], &["--baseline", &b]].concat());
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("in the baseline"), "{out}");
}

#[test]
fn an_ignored_deciding_finding_shows_in_the_status_everywhere() {
    let base = [
        ENT,
        "--certs",
        ENT_CERTS,
        "--ca",
        ENT_CA,
        "--ignore",
        "foreign-ca",
    ];
    let (_, v) = check_json(&base, NOW);
    let fe02 = json_server(&v, "fe02.fabrikam.com");
    assert_eq!(fe02["status"], "ready");
    assert_eq!(fe02["status_note"], "foreign-ca ignored by --ignore");
    // A server no setting touched has no note.
    assert!(json_server(&v, "fe01.fabrikam.com")
        .get("status_note")
        .is_none());
    let (_, out) = check(&[&base[..], &["--now", NOW]].concat());
    assert!(
        flat(&out).contains("site Redmond): ready (foreign-ca ignored by --ignore)"),
        "{out}"
    );
    let (_, md) = check(&[&base[..], &["--now", NOW, "--format", "markdown"]].concat());
    assert!(
        md.contains("✅ ready (foreign-ca ignored by --ignore)"),
        "{md}"
    );
    let html = report(&[&base[..], &["--now", NOW]].concat());
    assert!(
        html.contains("ready (foreign-ca ignored by --ignore)"),
        "{html}"
    );
    // --quiet and github list a server that is ready only because of the setting.
    let (_, quiet) = check(&[&base[..], &["--now", NOW, "--quiet"]].concat());
    assert!(
        quiet.contains("fe02.fabrikam.com: ready (foreign-ca ignored by --ignore)\n"),
        "{quiet}"
    );
    let (_, gh) = check(&[&base[..], &["--now", NOW, "--format", "github"]].concat());
    assert!(
        gh.contains("::fe02.fabrikam.com: ready (foreign-ca ignored by --ignore)\n"),
        "{gh}"
    );
    for (format, says) in [
        (
            "junit",
            "name=\"status-note\" value=\"foreign-ca ignored by --ignore\"",
        ),
        (
            "sarif",
            "\"statusNote\": \"foreign-ca ignored by --ignore\"",
        ),
    ] {
        let (_, out) = check(&[&base[..], &["--now", NOW, "--format", format]].concat());
        assert!(out.contains(says), "{format}: {out}");
    }
    // The same from topocert.toml.
    let dir = tempfile::tempdir().expect("tmp");
    let toml = dir.path().join("topocert.toml");
    std::fs::write(&toml, "ignore = [\"foreign-ca\"]\n").expect("write");
    let toml = toml.to_string_lossy().into_owned();
    let (_, v) = check_json(
        &[ENT, "--certs", ENT_CERTS, "--ca", ENT_CA, "--config", &toml],
        NOW,
    );
    assert_eq!(
        json_server(&v, "fe02.fabrikam.com")["status_note"],
        "foreign-ca ignored by topocert.toml"
    );
}

/// `topocert report ARGS --out FILE`: the page.
fn report(args: &[&str]) -> String {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("report.html");
    let o = out.to_string_lossy().into_owned();
    let (code, text, err) = run_in_root("report", &[args, &["--out", &o]].concat());
    assert!(code == 0 || code == 1, "{text}{err}");
    read(&out)
}

trait IntoPair {
    fn into_pair(self) -> (i32, String);
}
impl IntoPair for (i32, String, String) {
    fn into_pair(self) -> (i32, String) {
        (self.0, self.1)
    }
}

#[test]
fn an_inferred_reference_ca_is_said_in_every_format() {
    let base = [TIER, "--certs", TIER_CERTS, "--now", NOW];
    for format in ["human", "json", "markdown", "sarif", "junit", "github"] {
        let (_, out) = check(&[&base[..], &["--format", format]].concat());
        assert!(
            flat(&out)
                .contains("CN=Fabrikam Issuing CA 1, O=Fabrikam was inferred, not given with --ca"),
            "{format}: {out}"
        );
    }
    let (_, q) = check(&[&base[..], &["--quiet"]].concat());
    assert!(
        flat(&q).contains("was inferred, not given with --ca"),
        "{q}"
    );
    let (_, v) = check_json(&[TIER, "--certs", TIER_CERTS], NOW);
    assert_eq!(
        v["gate"]["inferred_ca"],
        "CN=Fabrikam Issuing CA 1, O=Fabrikam"
    );
    assert_eq!(
        json_server(&v, "fe01.fabrikam.com")["status_note"],
        "if CA CN=Fabrikam Issuing CA 1, O=Fabrikam is the internal servers' CA"
    );
    let html = report(&base);
    assert!(html.contains("was inferred, not given with --ca"), "{html}");
    let (_, plan) = run_in_root("plan", &base).into_pair();
    assert!(
        flat(&plan).contains("if CA CN=Fabrikam Issuing CA 1, O=Fabrikam is the internal servers"),
        "{plan}"
    );
    // Given with --ca, nothing is said of inference.
    let (_, v) = check_json(
        &[
            TIER,
            "--certs",
            TIER_CERTS,
            "--ca",
            "sample-topologies/three-tier-pki/ca/fabrikam-issuing-ca-1.cer",
        ],
        NOW,
    );
    assert!(v["gate"].get("inferred_ca").is_none(), "{v:#}");
    assert!(!v["gate"]["reason"]
        .as_str()
        .unwrap_or("")
        .contains("inferred"));
}

#[test]
fn a_plurality_is_no_reference_ca() {
    // Fabrikam Issuing CA issued 2 of the 4 internal certificates: no strict majority.
    let (code, v) = check_json(&[ENT, "--certs", ENT_CERTS], NOW);
    assert_eq!(code, 1);
    assert_eq!(v["verdict"], "not-ready", "{v:#}");
    assert_eq!(json_server(&v, "fe02.fabrikam.com")["status"], "unknown");
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(rules.contains(&"ambiguous-internal-ca"), "{rules:?}");
    assert!(!rules.contains(&"foreign-ca"), "{rules:?}");
    assert!(
        v["reference_ca_candidates"]
            .as_array()
            .is_some_and(|c| c.len() == 3),
        "{v:#}"
    );
}

/// `--quiet` says what would decide an unknown server right under it, so "see cannot decide
/// above" is true there too.
#[test]
fn quiet_says_what_decides_an_unknown_server() {
    let (code, out) = check(&[
        TIER,
        "--certs",
        TIER_CERTS,
        "--ca",
        "sample-topologies/three-tier-pki/ca/fabrikam-root-ca.cer",
        "--now",
        NOW,
        "--quiet",
    ]);
    assert_eq!(code, 1, "{out}");
    let flat = flat(&out);
    assert!(
        flat.contains("fe03.fabrikam.com: unknown (missing-intermediate) cannot decide:"),
        "{out}"
    );
    assert!(
        flat.contains("CN=Fabrikam Issuing CA 3, O=Fabrikam (key id"),
        "{out}"
    );
}
