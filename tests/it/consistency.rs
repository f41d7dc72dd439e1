//! One verdict everywhere: for every shipped sample with certificates (and the reference
//! topologies, when present), every format of every command in the registry
//! (`report::FORMATS`: `check`, `plan`, `report`, `diff`, and `servers`/`graph`, which name the
//! servers) gives each server the same status, the same overall verdict and the same exit code
//! as `check --format json` (for `diff`: as `diff --format json`), with and without a baseline
//! that accepts every finding. A registered format without a reader here fails
//! [`every_registered_format_has_a_reader`].

use crate::support;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use support::{root, run_in_root};
use topocert::report::{self, CommandOutput};

const NOW: &str = "2026-12-01T00:00:00Z";

/// Servers counted by status: (ready, not ready, unknown).
type Counts = (usize, usize, usize);

/// What one command in one format says: verdict, status per server (when the format states
/// it per server), the counts, and the exit code. `None` is what a format does not state.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Said {
    verdict: Option<String>,
    servers: Option<BTreeMap<String, String>>,
    counts: Counts,
    code: i32,
}

impl Said {
    /// From statuses per server.
    fn of(verdict: Option<String>, servers: BTreeMap<String, String>, code: i32) -> Said {
        let n = |w: &str| servers.values().filter(|s| *s == w).count();
        Said {
            verdict,
            counts: (n("ready"), n("not-ready"), n("unknown")),
            servers: Some(servers),
            code,
        }
    }
    /// The statuses, for a format that states them.
    fn servers(&self) -> &BTreeMap<String, String> {
        self.servers.as_ref().expect("statuses per server")
    }
}

/// How this test reads a format's output.
#[derive(Clone, Copy)]
enum Reader {
    /// The verdict, statuses and exit code: from (output, the checked servers, exit code).
    Readiness(fn(&str, &[String], i32) -> Said),
    /// The output names every server the check checks (`servers`, `graph`).
    Names,
}

/// The reader of every format in the registry; `None` for a format this test cannot read yet.
fn reader(command: CommandOutput, format: &str) -> Option<Reader> {
    use Reader::*;
    Some(match (command, format) {
        (CommandOutput::Servers, "table" | "json") => Names,
        (CommandOutput::Graph, "dot" | "mermaid" | "json") => Names,
        (CommandOutput::Check, "json") => Readiness(read_check_json),
        (CommandOutput::Check, "sarif") | (CommandOutput::Diff, "sarif") => Readiness(read_sarif),
        (CommandOutput::Check, "junit") | (CommandOutput::Diff, "junit") => Readiness(read_junit),
        (CommandOutput::Check | CommandOutput::Plan | CommandOutput::Diff, "markdown") => {
            Readiness(read_markdown)
        }
        (CommandOutput::Check, "human") => Readiness(read_check_human),
        (CommandOutput::Check, "github") | (CommandOutput::Diff, "github") => {
            Readiness(read_github)
        }
        (CommandOutput::Plan, "json") => Readiness(read_plan_json),
        (CommandOutput::Plan, "csv") => Readiness(read_plan_csv),
        (CommandOutput::Plan, "human") => Readiness(read_plan_human),
        (CommandOutput::Diff, "json") => Readiness(read_diff_json),
        (CommandOutput::Diff, "human") => Readiness(read_diff_human),
        (CommandOutput::Report, "html") => Readiness(read_html),
        _ => return None,
    })
}

/// The command line name of a command.
fn command_name(command: CommandOutput) -> &'static str {
    match command {
        CommandOutput::Servers => "servers",
        CommandOutput::Graph => "graph",
        CommandOutput::Check => "check",
        CommandOutput::Plan => "plan",
        CommandOutput::Diff => "diff",
        CommandOutput::Report => "report",
    }
}

#[test]
fn every_registered_format_has_a_reader() {
    for f in report::FORMATS {
        assert!(
            reader(f.command, f.name).is_some(),
            "add an extractor for {} --format {} to tests/it/consistency.rs",
            command_name(f.command),
            f.name
        );
    }
}

fn run(command: &str, args: &[String]) -> (i32, String, String) {
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    run_in_root(command, &a)
}

fn json(out: &str) -> Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn from_json_servers(v: &Value, code: i32, verdict: &Value) -> Said {
    let servers = v
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| {
                    (
                        s["fqdn"].as_str().unwrap_or("?").to_string(),
                        s["status"].as_str().unwrap_or("?").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Said::of(
        Some(verdict.as_str().unwrap_or("?").to_string()),
        servers,
        code,
    )
}

fn read_check_json(out: &str, _: &[String], code: i32) -> Said {
    let v = json(out);
    from_json_servers(&v["servers"], code, &v["verdict"])
}

fn read_plan_json(out: &str, _: &[String], code: i32) -> Said {
    let v = json(out);
    assert_eq!(
        v["exit_code"].as_i64(),
        Some(i64::from(code)),
        "plan json exit_code"
    );
    from_json_servers(&v["servers"], code, &v["verdict"])
}

fn read_diff_json(out: &str, _: &[String], code: i32) -> Said {
    let v = json(out);
    from_json_servers(&v["verdicts"]["servers"], code, &v["verdicts"]["verdict"])
}

fn read_sarif(out: &str, _: &[String], code: i32) -> Said {
    let v = json(out);
    let props = &v["runs"][0]["properties"];
    from_json_servers(&props["servers"], code, &props["verdict"])
}

fn read_junit(out: &str, fqdns: &[String], code: i32) -> Said {
    let verdict = value_after(out, None, "name=\"verdict\" value=\"");
    let servers = statuses_after(
        out,
        fqdns,
        |f| format!("<testcase name=\"{f}\""),
        "name=\"status\" value=\"",
    );
    Said::of(Some(verdict), servers, code)
}

fn read_html(out: &str, fqdns: &[String], code: i32) -> Said {
    let verdict = value_after(out, None, "<span class=\"verdict ");
    let servers = statuses_after(
        out,
        fqdns,
        |f| format!("<tr data-server=\"{f}\">"),
        "<span class=\"verdict ",
    );
    Said::of(Some(verdict), servers, code)
}

/// Markdown: the status column of the first table row of each server; the verdict line.
fn read_markdown(out: &str, fqdns: &[String], code: i32) -> Said {
    let lines: Vec<&str> = out.lines().collect();
    let mut servers = BTreeMap::new();
    for f in fqdns {
        let at = lines
            .iter()
            .position(|l| l.starts_with(&format!("| {f} |")));
        // The header of that row's table: the line above its `|---` line.
        let header = at.and_then(|i| {
            lines[..i]
                .iter()
                .rposition(|l| l.starts_with("|---"))
                .and_then(|s| s.checked_sub(1))
                .map(|h| lines[h])
        });
        let column = header.and_then(|h| {
            h.split('|')
                .position(|c| c.trim().eq_ignore_ascii_case("status"))
        });
        let cell = at
            .zip(column)
            .and_then(|(i, c)| lines[i].split('|').nth(c))
            .unwrap_or("");
        servers.insert(f.clone(), status_value(cell).unwrap_or("?").to_string());
    }
    let headline = lines.iter().find(|l| {
        ["❌ **", "✅ **", "❔ **", "➖ **"]
            .iter()
            .any(|m| l.starts_with(m))
    });
    Said::of(headline.map(|l| verdict_value(l)), servers, code)
}

/// The headline of a human output ("NOT READY: ...").
fn human_verdict(out: &str) -> Option<String> {
    out.lines()
        .find(|l| {
            ["READY:", "NOT READY:", "UNKNOWN:", "NOT APPLICABLE:"]
                .iter()
                .any(|w| l.starts_with(w))
        })
        .map(|l| verdict_value(l.split(':').next().unwrap_or("")))
}

fn read_check_human(out: &str, fqdns: &[String], code: i32) -> Said {
    let mut servers = BTreeMap::new();
    let summary = out.split("\nSummary\n").nth(1).unwrap_or("");
    let cells = |l: &str| -> Vec<String> {
        l.split("  ")
            .filter(|c| !c.trim().is_empty())
            .map(|c| c.trim().to_string())
            .collect()
    };
    // The table fits the width: its columns are found by their headers.
    let header = summary
        .lines()
        .find(|l| l.starts_with("SERVER"))
        .unwrap_or("");
    let status_at = cells(header).iter().position(|c| c == "STATUS");
    for f in fqdns {
        let row = summary
            .lines()
            .find(|l| l.starts_with(&format!("{f} ")))
            .unwrap_or("");
        let row = cells(row);
        let status_col = status_at.and_then(|i| row.get(i));
        servers.insert(
            f.clone(),
            status_col
                .and_then(|c| status_value(c))
                .unwrap_or("?")
                .to_string(),
        );
    }
    Said::of(human_verdict(out), servers, code)
}

/// `plan`: each server's block starts with its FQDN; its `status:` line follows.
fn read_plan_human(out: &str, fqdns: &[String], code: i32) -> Said {
    let mut servers = BTreeMap::new();
    for f in fqdns {
        let status = out
            .split(&format!("\n{f} ("))
            .nth(1)
            .and_then(|block| block.lines().find(|l| l.starts_with("  status: ")))
            .and_then(status_value)
            .unwrap_or("?");
        servers.insert(f.clone(), status.to_string());
    }
    Said::of(human_verdict(out), servers, code)
}

/// `diff`: the readiness of each added or moved server ("  not ready FQDN").
fn read_diff_human(out: &str, fqdns: &[String], code: i32) -> Said {
    let mut servers = BTreeMap::new();
    for f in fqdns {
        let status = out
            .lines()
            .find(|l| l.starts_with("  ") && l.trim_end().ends_with(&format!(" {f}")))
            .and_then(|l| l.trim().strip_suffix(f.as_str()))
            .and_then(status_value)
            .unwrap_or("?");
        servers.insert(f.clone(), status.to_string());
    }
    Said::of(human_verdict(out), servers, code)
}

/// The fields of one CSV line (quotes as RFC 4180 writes them).
fn csv_fields(line: &str) -> Vec<String> {
    let (mut fields, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    fields.push(cur);
    fields
}

/// `plan --format csv`: the `status` column of each server's row; no verdict.
fn read_plan_csv(out: &str, fqdns: &[String], code: i32) -> Said {
    let mut lines = out.lines();
    let header = csv_fields(lines.next().unwrap_or(""));
    let column = header.iter().position(|h| h == "status");
    let rows: Vec<Vec<String>> = lines.map(csv_fields).collect();
    let mut servers = BTreeMap::new();
    for f in fqdns {
        let status = rows
            .iter()
            .find(|r| r.first() == Some(f))
            .zip(column)
            .and_then(|(r, c)| r.get(c))
            .map_or("?", String::as_str);
        servers.insert(f.clone(), status.to_string());
    }
    Said::of(None, servers, code)
}

/// GitHub annotations: the last line holds the verdict (unless the run fails for another
/// reason) and the counts; statuses are not stated per server.
fn read_github(out: &str, _: &[String], code: i32) -> Said {
    let last = out.lines().last().unwrap_or("");
    let number_before = |word: &str| -> usize {
        last.split(word)
            .next()
            .filter(|s| s.len() < last.len())
            .and_then(|s| s.rsplit([' ', ':']).next().map(str::to_string))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    let counts = (
        number_before(" of "),
        number_before(" not ready"),
        number_before(" unknown"),
    );
    let servers: usize = last
        .split(" of ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let title = value_after(last, None, "title=topocert%3A ");
    let title = title.split("::").next().unwrap_or("");
    let verdict = match title {
        "run fails" if servers == 0 => "not-applicable".to_string(),
        "run fails" if counts.0 == servers => "ready".to_string(),
        w => verdict_value(w),
    };
    Said {
        verdict: Some(verdict),
        servers: None,
        counts,
        code,
    }
}

/// The status word of a server as a people-facing output writes it, as the JSON value.
fn status_value(text: &str) -> Option<&'static str> {
    if text.contains("not ready") || text.contains("not-ready") {
        Some("not-ready")
    } else if text.contains("unknown") {
        Some("unknown")
    } else if text.contains("ready") {
        Some("ready")
    } else {
        None
    }
}

fn verdict_value(text: &str) -> String {
    for (word, v) in [
        ("NOT APPLICABLE", "not-applicable"),
        ("Nothing to check", "not-applicable"),
        ("NOT READY", "not-ready"),
        ("Not ready", "not-ready"),
        ("UNKNOWN", "unknown"),
        ("Cannot decide", "unknown"),
        ("READY", "ready"),
        ("Ready", "ready"),
    ] {
        if text.contains(word) {
            return v.to_string();
        }
    }
    format!("? {text}")
}

/// The quoted value that follows `key` in `text`, after `anchor` when one is given: e.g. a
/// server's `status` property after its `<testcase name="...">`.
fn value_after(text: &str, anchor: Option<&str>, key: &str) -> String {
    let rest = match anchor {
        Some(a) => text.split(a).nth(1),
        None => Some(text),
    };
    rest.and_then(|r| r.split(key).nth(1))
        .and_then(|r| r.split('"').next())
        .unwrap_or("?")
        .to_string()
}

/// The status value after each server's anchor.
fn statuses_after(
    text: &str,
    fqdns: &[String],
    anchor: impl Fn(&str) -> String,
    key: &str,
) -> BTreeMap<String, String> {
    fqdns
        .iter()
        .map(|f| (f.clone(), value_after(text, Some(&anchor(f)), key)))
        .collect()
}

/// Runs `command` in format `format` with `args`: (exit code, output). `report` writes its
/// file with `--out`.
fn output_of(command: CommandOutput, format: &str, args: &[String]) -> (i32, String) {
    let mut a = args.to_vec();
    if command != CommandOutput::Report {
        a.extend(["--format".to_string(), format.to_string()]);
        let (code, out, err) = run(command_name(command), &a);
        assert!(
            code != 2,
            "{} --format {format}: {err}",
            command_name(command)
        );
        return (code, out);
    }
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("r.html");
    a.extend(["--out".to_string(), path.to_string_lossy().into_owned()]);
    let (code, _, err) = run("report", &a);
    let html = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}: {err}"));
    (code, html)
}

/// What every format of `commands` says about one set of inputs (`args`: the topologies, then
/// the certificate and gate arguments), `reference` first; each listed server named in every
/// `servers`/`graph` output of `topology`.
fn every_format(
    reference: (CommandOutput, &str),
    commands: &[CommandOutput],
    args: &[String],
    topology: &str,
) -> Vec<(String, Said)> {
    let read = |command: CommandOutput, format: &str, fqdns: &[String]| -> Said {
        let Some(Reader::Readiness(read)) = reader(command, format) else {
            panic!(
                "add an extractor for {} --format {format}",
                command_name(command)
            )
        };
        let (code, out) = output_of(command, format, args);
        read(&out, fqdns, code)
    };
    let first = read(reference.0, reference.1, &[]);
    let fqdns: Vec<String> = first.servers().keys().cloned().collect();
    let mut said = vec![(
        format!("{} {}", command_name(reference.0), reference.1),
        first,
    )];
    for f in report::FORMATS {
        if (f.command, f.name) == reference {
            continue;
        }
        match reader(f.command, f.name) {
            _ if !commands.contains(&f.command)
                && !matches!(f.command, CommandOutput::Servers | CommandOutput::Graph) => {}
            Some(Reader::Names) => {
                let (code, out, err) = run(
                    command_name(f.command),
                    &[topology.to_string(), "--format".into(), f.name.into()],
                );
                assert_eq!(code, 0, "{err}");
                for fqdn in &fqdns {
                    assert!(
                        out.contains(fqdn.as_str()),
                        "{} --format {} does not name {fqdn}",
                        command_name(f.command),
                        f.name
                    );
                }
            }
            Some(Reader::Readiness(_)) => said.push((
                format!("{} {}", command_name(f.command), f.name),
                read(f.command, f.name, &fqdns),
            )),
            None => panic!(
                "add an extractor for {} --format {}",
                command_name(f.command),
                f.name
            ),
        }
    }
    said
}

/// Everything each command and format says about one set of inputs.
fn everything(topology: &str, cert_args: &[String], gate: &[String]) -> Vec<(String, Said)> {
    let mut args: Vec<String> = vec![topology.to_string()];
    args.extend(cert_args.iter().cloned());
    args.extend(["--now".into(), NOW.into()]);
    args.extend(gate.iter().cloned());

    let (code, out, err) = run(
        "check",
        &[&args[..], &["--format".into(), "json".into()]].concat(),
    );
    assert!(code != 2, "{topology}: {err}");
    let v = json(&out);
    // A server's action fits its status: nothing to do only when ready, never when not ready.
    for srv in v["servers"].as_array().into_iter().flatten() {
        let (status, action) = (
            srv["status"].as_str().unwrap_or("?"),
            srv["action"].as_str().unwrap_or("?"),
        );
        let fits = match status {
            "ready" => ["ready", "reissue"].contains(&action),
            "not-ready" => ["reissue", "request"].contains(&action),
            "unknown" => ["verify", "reissue"].contains(&action),
            _ => false,
        };
        assert!(
            fits,
            "{topology}: {} is {status} but its action is {action}",
            srv["fqdn"]
        );
    }
    every_format(
        (CommandOutput::Check, "json"),
        &[
            CommandOutput::Check,
            CommandOutput::Plan,
            CommandOutput::Report,
        ],
        &args,
        topology,
    )
}

fn assert_agree(case: &str, said: &[(String, Said)]) {
    let (first_name, first) = &said[0];
    assert!(
        first.servers().values().all(|s| s != "?"),
        "{case}: {first_name} {first:?}"
    );
    for (name, s) in &said[1..] {
        let what = format!("{case}: {name} disagrees with {first_name}");
        if s.verdict.is_some() {
            assert_eq!(s.verdict, first.verdict, "{what}: verdict");
        }
        if s.servers.is_some() {
            assert_eq!(s.servers, first.servers, "{what}: statuses");
        }
        assert_eq!(s.counts, first.counts, "{what}: counts");
        assert_eq!(s.code, first.code, "{what}: exit code");
    }
}

/// The inputs: (name, topology, certificate arguments).
fn cases() -> Vec<(String, String, Vec<String>)> {
    let s = |p: &str| format!("sample-topologies/{p}");
    let v = |a: &[&str]| a.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let ent_ca = s("enterprise-multisite/ca/fabrikam-issuing-ca.cer");
    let lab_ca = s("rules-lab/ca/fabrikam-issuing-ca.cer");
    let se_ca = s("standard-edition/ca/fabrikam-issuing-ca.cer");
    let mut cases = vec![
        (
            "standard-edition".into(),
            s("standard-edition/topology.xml"),
            v(&["--certs", &s("standard-edition/certs"), "--ca", &se_ca]),
        ),
        (
            "nested".into(),
            s("nested/config-export.xml"),
            v(&["--certs", &s("standard-edition/certs"), "--ca", &se_ca]),
        ),
        (
            "enterprise --ca".into(),
            s("enterprise-multisite/topology.xml"),
            v(&["--certs", &s("enterprise-multisite/certs"), "--ca", &ent_ca]),
        ),
        (
            "enterprise inferred CA".into(),
            s("enterprise-multisite/topology.xml"),
            v(&["--certs", &s("enterprise-multisite/certs")]),
        ),
        (
            "enterprise tbxml".into(),
            s("enterprise-multisite/topology.tbxml"),
            v(&["--certs", &s("enterprise-multisite/certs"), "--ca", &ent_ca]),
        ),
        (
            "enterprise inventory csv".into(),
            s("enterprise-multisite/topology.xml"),
            v(&[
                "--inventory",
                &s("enterprise-multisite/inventory.csv"),
                "--ca",
                &ent_ca,
            ]),
        ),
        (
            "enterprise inventory json".into(),
            s("enterprise-multisite/topology-utf16le.xml"),
            v(&["--inventory", &s("enterprise-multisite/inventory.json")]),
        ),
        (
            "rules-lab --ca".into(),
            s("rules-lab/topology.xml"),
            v(&["--certs", &s("rules-lab/certs"), "--ca", &lab_ca]),
        ),
        (
            "rules-lab inferred CA".into(),
            s("rules-lab/topology.xml"),
            v(&["--certs", &s("rules-lab/certs")]),
        ),
        (
            "rules-lab inventory".into(),
            s("rules-lab/topology.xml"),
            v(&[
                "--inventory",
                &s("rules-lab/inventory.csv"),
                "--certs",
                &s("rules-lab/certs"),
            ]),
        ),
        (
            "unassociated-pchat".into(),
            s("unassociated-pchat/topology.xml"),
            v(&["--certs", &s("rules-lab/certs")]),
        ),
        (
            "three-tier inferred CA".into(),
            s("three-tier-pki/topology.xml"),
            v(&["--certs", &s("three-tier-pki/certs")]),
        ),
        (
            "three-tier --ca root".into(),
            s("three-tier-pki/topology.xml"),
            v(&[
                "--certs",
                &s("three-tier-pki/certs"),
                "--ca",
                &s("three-tier-pki/ca/fabrikam-root-ca.cer"),
            ]),
        ),
        (
            "enterprise --ignore foreign-ca".into(),
            s("enterprise-multisite/topology.xml"),
            v(&[
                "--certs",
                &s("enterprise-multisite/certs"),
                "--ca",
                &ent_ca,
                "--ignore",
                "foreign-ca",
            ]),
        ),
        (
            "no-persistent-chat".into(),
            s("no-persistent-chat/topology.xml"),
            v(&["--certs", &s("standard-edition/certs")]),
        ),
    ];
    if let Some(dir) = support::reference_dir() {
        let empty = root().join("tests/fixtures/certs");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .map(|r| r.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        for f in files {
            cases.push((
                format!("reference {}", f.display()),
                f.to_string_lossy().into_owned(),
                v(&["--certs", &empty.to_string_lossy()]),
            ));
        }
    }
    cases
}

#[test]
fn every_command_and_format_agrees_with_and_without_a_baseline() {
    for (name, topology, certs) in cases() {
        let plain = everything(&topology, &certs, &[]);
        assert_agree(&name, &plain);

        let dir = tempfile::tempdir().expect("tmp");
        let baseline = dir.path().join("baseline.json");
        let mut args = vec![topology.clone()];
        args.extend(certs.iter().cloned());
        args.extend([
            "--now".into(),
            NOW.into(),
            "--format".into(),
            "json".into(),
            "--write-baseline".into(),
            baseline.to_string_lossy().into_owned(),
        ]);
        let (code, _, err) = run("check", &args);
        assert!(code == 0 || code == 1, "{name}: {err}");
        let gate = vec![
            "--baseline".to_string(),
            baseline.to_string_lossy().into_owned(),
        ];
        let known = everything(&topology, &certs, &gate);
        assert_agree(&format!("{name} with baseline"), &known);
        // The baseline changes the exit code only, never a server's status or the verdict.
        assert_eq!(known[0].1.servers, plain[0].1.servers, "{name}");
        assert_eq!(known[0].1.verdict, plain[0].1.verdict, "{name}");
        assert_eq!(
            known[0].1.code, 0,
            "{name}: a baseline of every finding passes"
        );
    }
}

#[test]
fn no_persistent_chat_pool_is_not_applicable_everywhere() {
    let said = everything(
        "sample-topologies/no-persistent-chat/topology.xml",
        &[
            "--certs".into(),
            "sample-topologies/standard-edition/certs".into(),
        ],
        &[],
    );
    for (name, s) in &said {
        if let Some(v) = &s.verdict {
            assert_eq!(v, "not-applicable", "{name}");
        }
        assert_eq!(s.code, 0, "{name}");
        assert!(s.servers.as_ref().is_none_or(BTreeMap::is_empty), "{name}");
        assert_eq!(s.counts, (0, 0, 0), "{name}");
    }
}

#[test]
fn an_undecidable_reference_ca_leaves_servers_unknown_never_ready() {
    // Without --ca and without pc01's certificate, three issuers tie (see
    // sample-topologies/README.md): no server with a certificate may be ready.
    let dir = tempfile::tempdir().expect("tmp");
    let src = root().join("sample-topologies/enterprise-multisite/certs");
    for e in std::fs::read_dir(&src).expect("certs") {
        let p = e.expect("entry").path();
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name != "pc01.fabrikam.com.cer" {
            std::fs::copy(&p, dir.path().join(&name)).expect("copy");
        }
    }
    let certs = vec![
        "--certs".to_string(),
        dir.path().to_string_lossy().into_owned(),
    ];
    let said = everything(
        "sample-topologies/enterprise-multisite/topology.xml",
        &certs,
        &[],
    );
    assert_agree("ambiguous CA", &said);
    let check = &said[0].1;
    assert!(!check.servers().values().any(|s| s == "ready"), "{check:?}");
    assert_ne!(check.verdict.as_deref(), Some("ready"));
    assert_eq!(check.code, 1, "an undecidable CA fails the run");
    let (_, out, _) = run_in_root(
        "check",
        &[
            "sample-topologies/enterprise-multisite/topology.xml",
            "--certs",
            &dir.path().to_string_lossy(),
            "--now",
            NOW,
        ],
    );
    // Each candidate by DN and key id, with its servers; what to provide.
    assert!(out.contains("key id"), "{out}");
    assert!(out.contains("--ca FILE"), "{out}");
    assert!(Path::new(&src).is_dir());
}

mod every_diff_format {
    use super::*;

    const OLD: &str = "sample-topologies/enterprise-multisite/topology.xml";
    const CHANGE: &str = "sample-topologies/enterprise-multisite-change/topology.xml";

    /// Every `diff` format says what `diff --format json` says of the servers the change adds
    /// or moves, with certificate files, with an inventory, and with a baseline of everything.
    #[test]
    fn every_diff_format_agrees_with_diff_json() {
        let s = |p: &str| format!("sample-topologies/enterprise-multisite/{p}");
        let ca = s("ca/fabrikam-issuing-ca.cer");
        for (name, certs) in [
            (
                "certs --ca",
                vec!["--certs".to_string(), s("certs"), "--ca".into(), ca.clone()],
            ),
            (
                "inventory",
                vec!["--inventory".to_string(), s("inventory.csv")],
            ),
        ] {
            let mut args = vec![OLD.to_string(), CHANGE.to_string()];
            args.extend(certs);
            args.extend(["--now".into(), NOW.into()]);
            let said = every_format(
                (CommandOutput::Diff, "json"),
                &[CommandOutput::Diff],
                &args,
                CHANGE,
            );
            assert!(!said[0].1.servers().is_empty(), "{name}: {said:?}");
            assert_agree(name, &said);

            let dir = tempfile::tempdir().expect("tmp");
            let baseline = dir.path().join("baseline.json");
            let b = baseline.to_string_lossy().into_owned();
            let (code, _, err) = run(
                "diff",
                &[&args[..], &["--write-baseline".into(), b.clone()]].concat(),
            );
            assert!(code == 0 || code == 1, "{name}: {err}");
            args.extend(["--baseline".into(), b]);
            let known = every_format(
                (CommandOutput::Diff, "json"),
                &[CommandOutput::Diff],
                &args,
                CHANGE,
            );
            assert_agree(&format!("{name} with baseline"), &known);
            assert_eq!(known[0].1.servers, said[0].1.servers, "{name}");
            assert_eq!(known[0].1.code, 0, "{name}");
        }
    }
}

mod streamed_json {
    use topocert::app::{self, CertificateInputs, GateInputs};
    use topocert::report::{check_json, render_to_string, to_json, View};

    /// `check --format json` written as it is made (each server and finding made when written)
    /// is the document built whole.
    #[test]
    fn check_json_streamed_is_the_document_built_whole() {
        let mut ignore = |_r: miette::Report| {};
        for sample in ["rules-lab", "enterprise-multisite"] {
            let name = format!("sample-topologies/{sample}/topology.xml");
            let path = super::root().join(&name).to_string_lossy().into_owned();
            let loaded = app::load_topology(&path, &mut ignore).expect("loads");
            let inputs = CertificateInputs {
                certs: Some(super::root().join(format!("sample-topologies/{sample}/certs"))),
                now: Some(1_796_083_200),
                expiry_warn_days: 30,
                ..Default::default()
            };
            let checked =
                app::check(&loaded, &inputs, &GateInputs::default(), &mut ignore).expect("checks");
            let view = View {
                checked: Some(&checked),
                ..View::new(&loaded.topology, &name, &loaded.graph)
            };
            let built = to_json(&check_json::build(&view).expect("builds"));
            assert!(!checked.result.findings.is_empty(), "{sample}");
            let streamed = render_to_string(check_json::render, &view).expect("renders");
            assert_eq!(streamed, built, "{sample}");
        }
    }
}
