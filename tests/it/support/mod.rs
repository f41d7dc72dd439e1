//! Shared helpers for the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A sample topology path (relative to sample-topologies/).
pub fn sample(rel: &str) -> String {
    root()
        .join("sample-topologies")
        .join(rel)
        .to_string_lossy()
        .into_owned()
}

/// `../shared/reference-topologies/` when it exists (CI has it; a user's clone does not).
pub fn reference_dir() -> Option<PathBuf> {
    let d = root().join("../shared/reference-topologies");
    d.is_dir().then_some(d)
}

/// Whether a test that needs an outside tool or input (`what`) may run: true when it is
/// `present`. When it is missing the test is skipped with a note, except under `CI=true`,
/// where `.ci/run` installs every such tool and a missing one fails the test.
pub fn available(what: &str, present: bool) -> bool {
    if present {
        return true;
    }
    assert!(
        std::env::var("CI").map_or(true, |v| v != "true"),
        "{what} is missing under CI=true: .ci/run must install it"
    );
    eprintln!("note: {what} is missing; skipping this test");
    false
}

/// The topocert binary as a command.
pub fn topocert() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("topocert").expect("binary built");
    // Output does not depend on the terminal the tests run in: no colour, width 100.
    c.env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("COLUMNS");
    c
}

/// Runs the binary from the project root at `COLUMNS` = `columns`: (exit code, stdout).
pub fn run_at_width(columns: usize, args: &[&str]) -> (i32, String) {
    let out = topocert()
        .current_dir(root())
        .env("COLUMNS", columns.to_string())
        .args(args)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.code().unwrap_or(-1), text)
}

/// Every line of `text` fits `width` columns, but a line that is one name longer than the
/// width (a path, which is never split).
pub fn assert_fits(text: &str, width: usize) {
    for line in text.lines() {
        let one_name = !line.trim().contains(' ');
        assert!(
            line.chars().count() <= width || one_name,
            "{width}: {line}\n{text}"
        );
    }
}

/// Replaces the absolute project path in output so snapshots are stable.
pub fn scrub(s: &str) -> String {
    s.replace(&root().to_string_lossy().to_string(), "[ROOT]")
}

/// Reads a file to string.
pub fn read(p: &Path) -> String {
    std::fs::read_to_string(p).expect("readable")
}

/// Diagnostic text with miette's wrapping and box drawing removed, for substring checks.
pub fn flat(s: &str) -> String {
    s.split_whitespace()
        .filter(|w| !w.chars().all(|c| "│·─╭╰┬▲⚠×".contains(c)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs the binary from the project root (so relative sample paths give stable output) with
/// `command` and `args`; returns (exit code, stdout, stderr).
pub fn run_in_root(command: &str, args: &[&str]) -> (i32, String, String) {
    let out = topocert()
        .current_dir(root())
        .arg(command)
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `topocert check ARGS --format json --now NOW` from the project root: (exit code, report).
pub fn check_json(args: &[&str], now: &str) -> (i32, serde_json::Value) {
    let mut a = args.to_vec();
    a.extend(["--format", "json", "--now", now]);
    let (code, out, err) = run_in_root("check", &a);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, v)
}

/// The entry of `fqdn` in the `servers` of a `check` JSON report.
pub fn json_server<'a>(v: &'a serde_json::Value, fqdn: &str) -> &'a serde_json::Value {
    v["servers"]
        .as_array()
        .expect("servers")
        .iter()
        .find(|s| s["fqdn"] == fqdn)
        .unwrap_or_else(|| panic!("{fqdn} not in the report's servers"))
}
