//! Validates `check --format sarif` against the official SARIF 2.1.0 JSON schema.
//!
//! The schema text is not copied into this project. The `serde-sarif` crate (a dev-dependency
//! for this reason only) ships it as `src/schema.json`, so after `cargo fetch` it is in
//! Cargo's registry sources; we find it there. The validator is Python's `jsonschema` package,
//! which `.ci/run` installs: the Rust `jsonschema` crate would add a large dependency tree to
//! every build for one test. The test skips (with a printed note) only when the schema file is
//! absent, e.g. with a vendored or relocated registry.

use crate::support;

use std::path::PathBuf;
use std::process::Command;

/// `serde-sarif-*/src/schema.json` under `$CARGO_HOME/registry/src/*/`.
fn schema_path() -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let mut found: Vec<PathBuf> = std::fs::read_dir(home.join("registry/src"))
        .ok()?
        .flatten()
        .flat_map(|index| {
            std::fs::read_dir(index.path())
                .into_iter()
                .flatten()
                .flatten()
        })
        .filter(|e| e.file_name().to_string_lossy().starts_with("serde-sarif-"))
        .map(|e| e.path().join("src/schema.json"))
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    found.pop()
}

/// Python program: validate argv[2..] against the schema in argv[1]; print each error.
const VALIDATE: &str = r#"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1], encoding="utf-8"))
cls = jsonschema.validators.validator_for(schema)
v = cls(schema)
bad = 0
for path in sys.argv[2:]:
    for e in v.iter_errors(json.load(open(path, encoding="utf-8"))):
        bad += 1
        print(path, list(e.absolute_path), e.message)
print("checked", len(sys.argv) - 2, "documents;", bad, "errors")
sys.exit(1 if bad else 0)
"#;

fn validate(files: &[PathBuf]) -> (bool, String) {
    let schema = schema_path().expect("schema present");
    let o = Command::new("python3")
        .arg("-c")
        .arg(VALIDATE)
        .arg(&schema)
        .args(files)
        .output()
        .expect("python3 runs (.ci/run installs jsonschema)");
    let text =
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    (o.status.success(), text)
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    if !support::available(
        "the SARIF 2.1.0 schema (serde-sarif sources)",
        schema_path().is_some(),
    ) {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let empty = tempfile::tempdir().expect("tmp");
    // A baseline of the enterprise sample, so that one log carries baselineState.
    let baseline = dir.path().join("baseline.json");
    let b = baseline.to_str().expect("utf-8");
    support::run_in_root(
        "check",
        &[
            "sample-topologies/enterprise-multisite/topology.xml",
            "--certs",
            "sample-topologies/enterprise-multisite/certs",
            "--write-baseline",
            b,
        ],
    );
    let mut files = Vec::new();
    let runs: &[(&str, &[&str])] = &[
        (
            "standard-edition",
            &["--certs", "sample-topologies/standard-edition/certs"],
        ),
        (
            "enterprise-multisite",
            &["--certs", "sample-topologies/enterprise-multisite/certs"],
        ),
        (
            "rules-lab",
            &["--certs", "sample-topologies/rules-lab/certs"],
        ),
        (
            "enterprise-multisite",
            &[
                "--inventory",
                "sample-topologies/enterprise-multisite/inventory.csv",
            ],
        ),
        (
            "no-persistent-chat",
            &["--certs", empty.path().to_str().expect("utf-8")],
        ),
        (
            "enterprise-multisite",
            &[
                "--certs",
                "sample-topologies/enterprise-multisite/certs",
                "--baseline",
                b,
            ],
        ),
    ];
    for (i, (sample, extra)) in runs.iter().enumerate() {
        let topo = format!("sample-topologies/{sample}/topology.xml");
        let mut args = vec![
            &topo[..],
            "--now",
            "2026-12-01T00:00:00Z",
            "--format",
            "sarif",
        ];
        args.extend_from_slice(extra);
        let (_, sarif, _) = support::run_in_root("check", &args);
        let f = dir.path().join(format!("{i}.sarif"));
        std::fs::write(&f, sarif).expect("write");
        files.push(f);
    }
    // `diff --format sarif`: the findings of the servers a change adds or moves.
    let (_, sarif, _) = support::run_in_root(
        "diff",
        &[
            "sample-topologies/enterprise-multisite/topology.xml",
            "sample-topologies/enterprise-multisite-change/topology.xml",
            "--certs",
            "sample-topologies/enterprise-multisite/certs",
            "--now",
            "2026-12-01T00:00:00Z",
            "--format",
            "sarif",
        ],
    );
    let f = dir.path().join("diff.sarif");
    std::fs::write(&f, sarif).expect("write");
    files.push(f);
    let (ok, text) = validate(&files);
    assert!(ok, "{text}");
    assert!(text.contains("checked 7 documents; 0 errors"), "{text}");
}

#[test]
fn the_validator_rejects_an_invalid_log() {
    if !support::available(
        "the SARIF 2.1.0 schema (serde-sarif sources)",
        schema_path().is_some(),
    ) {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let f = dir.path().join("bad.sarif");
    // A result level that SARIF does not define.
    std::fs::write(
        &f,
        r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"level":"fatal"}]}]}"#,
    )
    .expect("write");
    let (ok, text) = validate(&[f]);
    assert!(!ok, "{text}");
}
