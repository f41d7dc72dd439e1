//! `topocert fetch` and `--fetch` against TLS servers on 127.0.0.1 in this process: servers
//! that present certificates made here (rcgen), and servers that close, stall or speak plain
//! HTTP, all reached through `--resolve` and `--port`.

use crate::support;
use crate::tls_server;

use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use tls_server::{Behaviour, Ca, Listener, Mode};

const TOPOLOGY: &str = "sample-topologies/enterprise-multisite/topology.xml";
const NOW: &str = "2026-12-01T00:00:00Z";
const SERVERS: [&str; 5] = ["fe01", "fe02", "fe03", "pc01", "pc02"];

fn fqdn(short: &str) -> String {
    format!("{short}.fabrikam.com")
}

/// The sample's five checked servers behind three listeners (one per use), and the same
/// certificates as files.
struct Lab {
    root: tempfile::TempDir,
    listeners: Vec<Listener>,
    default: u16,
    internal: u16,
    external: u16,
}

/// Every name the server needs on its certificate, as `plan` lists them.
fn needed_names(short: &str) -> Vec<String> {
    let topo = topocert::topology::load_path(&support::sample("enterprise-multisite/topology.xml"))
        .expect("sample loads");
    let graph = topocert::graph::ServerGraph::build(&topo);
    let (machine, kind) = topocert::check::checked_servers(&topo, &graph)
        .into_iter()
        .find(|(m, _)| topo.machines[m.0].fqdn.as_str() == fqdn(short))
        .expect("a checked server");
    topocert::required::planned_names(&topo, &graph, machine, kind)
        .into_iter()
        .map(|n| n.name.as_str().to_string())
        .collect()
}

/// fe01: good certificate (Fabrikam Issuing CA under Fabrikam Root CA) on Default and
/// WebServicesInternal, a public-CA certificate for webext01 on WebServicesExternal.
/// fe02: Contoso's certificate on both; its external endpoint closes. fe03: Default stalls,
/// internal web speaks HTTP, external closes. pc01: good. pc02: HTTP.
fn lab() -> Lab {
    let root = Ca::root("Fabrikam Root CA", "Fabrikam");
    let issuing = root.intermediate("Fabrikam Issuing CA", "Fabrikam");
    let contoso = Ca::root("Contoso Public CA", "Contoso");
    let fe01_names = needed_names("fe01");
    let fe01 = issuing.leaf("pool01.fabrikam.com", &fe01_names, &[&issuing]);
    let fe02 = contoso.leaf("pool01.fabrikam.com", &needed_names("fe02"), &[&contoso]);
    let pc01 = issuing.leaf("pc01.fabrikam.com", &needed_names("pc01"), &[&issuing]);
    let webext = contoso.leaf(
        "webext01.fabrikam.com",
        &["webext01.fabrikam.com"],
        &[&contoso],
    );
    let table = |entries: Vec<(&str, Behaviour)>, fallback| Mode::BySni {
        names: entries
            .into_iter()
            .map(|(s, b)| (fqdn(s), b))
            .collect::<HashMap<_, _>>(),
        fallback,
    };
    let default = Listener::start(table(
        vec![
            ("fe01", Behaviour::present(&fe01)),
            ("fe02", Behaviour::present(&fe02)),
            ("fe03", Behaviour::Stall),
            ("pc01", Behaviour::present(&pc01)),
            ("pc02", Behaviour::Http),
        ],
        Behaviour::Close,
    ));
    let internal = Listener::start(table(
        vec![
            ("fe01", Behaviour::present(&fe01)),
            ("fe02", Behaviour::present(&fe02)),
            ("fe03", Behaviour::Http),
        ],
        Behaviour::Close,
    ));
    let external = Listener::start(table(
        vec![("fe01", Behaviour::present(&webext))],
        Behaviour::Close,
    ));
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |rel: &str, text: &str| {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    };
    write("ca/root.cer", &root.pem);
    write("orig/fe01.fabrikam.com.cer", &fe01.pem);
    write("orig/fe02.fabrikam.com.cer", &fe02.pem);
    write("orig/pc01.fabrikam.com.cer", &pc01.pem);
    Lab {
        default: default.port,
        internal: internal.port,
        external: external.port,
        listeners: vec![default, internal, external],
        root: dir,
    }
}

impl Lab {
    fn path(&self, rel: &str) -> String {
        self.root.path().join(rel).to_string_lossy().into_owned()
    }
    /// `--resolve` for every server, `--port` for every use, `--timeout 2` (short, for the stalling
    /// server, with room for a handshake on a busy machine).
    fn fetch_args(&self) -> Vec<String> {
        let mut a = Vec::new();
        for s in SERVERS {
            a.extend(["--resolve".to_string(), format!("{}=127.0.0.1", fqdn(s))]);
        }
        for (usage, port) in [
            ("default", self.default),
            ("webservicesinternal", self.internal),
            ("webservicesexternal", self.external),
        ] {
            a.extend(["--port".to_string(), format!("{usage}={port}")]);
        }
        a.extend(["--timeout".to_string(), "2".to_string()]);
        a
    }
}

fn run(command: &str, args: &[String]) -> (i32, String, String) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    support::run_in_root(command, &args)
}

fn check_json(lab: &Lab, source: &[String]) -> (i32, Value, String) {
    let mut a = vec![TOPOLOGY.to_string()];
    a.extend(source.iter().cloned());
    a.extend(
        [
            "--ca",
            &lab.path("ca/root.cer"),
            "--format",
            "json",
            "--now",
            NOW,
        ]
        .map(String::from),
    );
    let (code, out, err) = run("check", &a);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, v, err)
}

/// Per server: its status and its findings' (rule, severity), sorted.
type Verdicts = BTreeMap<String, (String, Vec<(String, String)>)>;

/// The [`Verdicts`] of a `check --format json` report.
fn verdicts(v: &Value) -> Verdicts {
    let mut out = Verdicts::new();
    for s in v["servers"].as_array().expect("servers") {
        out.insert(
            s["fqdn"].as_str().expect("fqdn").to_string(),
            (
                s["status"].as_str().expect("status").to_string(),
                Vec::new(),
            ),
        );
    }
    for f in v["findings"].as_array().expect("findings") {
        if let Some(entry) = f["server"].as_str().and_then(|s| out.get_mut(s)) {
            entry.1.push((
                f["rule"].as_str().expect("rule").to_string(),
                f["severity"].as_str().expect("severity").to_string(),
            ));
        }
    }
    for v in out.values_mut() {
        v.1.sort();
    }
    out
}

fn rules_of(v: &Verdicts, server: &str) -> Vec<String> {
    v[&fqdn(server)]
        .1
        .iter()
        .map(|(r, s)| format!("{r}:{s}"))
        .collect()
}

/// The messages of `server`'s unreachable-endpoint findings.
fn unreachable(v: &Value, server: &str) -> Vec<String> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "unreachable-endpoint" && f["server"] == fqdn(server).as_str())
        .map(|f| f["message"].as_str().expect("message").to_string())
        .collect()
}

#[test]
fn check_fetch_reads_the_servers_and_each_failure_is_a_finding_with_its_cause() {
    let lab = lab();
    let mut source = vec!["--fetch".to_string()];
    source.extend(lab.fetch_args());
    let (code, v, err) = check_json(&lab, &source);
    assert_eq!(code, 1, "{err}");
    assert!(
        !err.contains("fetching"),
        "no progress bar off a terminal: {err}"
    );
    let got = verdicts(&v);
    assert_eq!(rules_of(&got, "fe01"), Vec::<String>::new(), "{got:?}");
    assert_eq!(
        rules_of(&got, "fe02"),
        // one finding per certificate: the same one on Default and WebServicesInternal
        [
            "foreign-ca:error",
            "foreign-ca:error",
            "unreachable-endpoint:warning"
        ],
        "{got:?}"
    );
    assert_eq!(rules_of(&got, "pc01"), Vec::<String>::new());
    // each failure kind, with its cause, on its endpoint
    let fe02 = unreachable(&v, "fe02");
    assert!(
        fe02.len() == 1
            && fe02[0].contains("(WebServicesExternal;")
            && fe02[0].contains(": closed:"),
        "{fe02:?}"
    );
    let fe03 = unreachable(&v, "fe03");
    assert_eq!(fe03.len(), 3, "{fe03:?}");
    assert!(
        fe03[0].contains("(Default;") && fe03[0].contains(": timeout:"),
        "{fe03:?}"
    );
    assert!(
        fe03[1].contains("(WebServicesInternal;") && fe03[1].contains(": not-tls:"),
        "{fe03:?}"
    );
    assert!(
        fe03[2].contains("(WebServicesExternal;") && fe03[2].contains(": closed:"),
        "{fe03:?}"
    );
    assert!(
        fe03[..2].iter().all(|m| m.contains("readiness is unknown"))
            && !fe03[2].contains("unknown"),
        "{fe03:?}"
    );
    let pc02 = unreachable(&v, "pc02");
    assert!(
        pc02.len() == 1 && pc02[0].contains(": not-tls:") && pc02[0].contains("'H'"),
        "{pc02:?}"
    );
    // no endpoint of a needed usage answered: unknown, never ready
    for s in ["fe03", "pc02"] {
        assert_eq!(got[&fqdn(s)].0, "unknown", "{s}: {got:?}");
        assert!(
            rules_of(&got, s)
                .iter()
                .all(|r| r == "unreachable-endpoint:warning"),
            "{s}: the missing certificate is not claimed: {got:?}"
        );
    }
    // the output says where each certificate was fetched from
    let fe01 = support::json_server(&v, "fe01.fabrikam.com");
    let file = fe01["certificate"]["file"].as_str().expect("a certificate");
    assert!(
        file.starts_with("fe01.fabrikam.com/")
            && file.ends_with(&format!("fetched from 127.0.0.1:{}", lab.default)),
        "{file}"
    );
    drop(lab.listeners);
}

#[test]
fn fetch_then_check_certs_gives_the_verdicts_of_check_fetch_and_of_the_original_files() {
    let lab = lab();
    let out = lab.path("fetched");
    let mut args = vec![
        TOPOLOGY.to_string(),
        "--out".to_string(),
        out.clone(),
        "--quiet".to_string(),
    ];
    args.extend(lab.fetch_args());
    let (code, _, err) = run("fetch", &args);
    assert_eq!(code, 1, "some endpoints fail: {err}");
    assert!(
        err.contains("6 of 11 endpoints of 5 servers presented a certificate (2 servers none)"),
        "{err}"
    );

    // the layout check --certs reads
    let dir = Path::new(&out);
    for f in [
        "fe01.fabrikam.com/default.cer",
        "fe01.fabrikam.com/webservicesinternal.cer",
        "fe01.fabrikam.com/webservicesexternal.cer",
        "fe02.fabrikam.com/default.cer",
        "fe02.fabrikam.com/webservicesinternal.cer",
        "pc01.fabrikam.com/default.cer",
        "manifest.csv",
    ] {
        assert!(dir.join(f).is_file(), "{f}");
    }
    assert!(!dir.join("fe03.fabrikam.com").exists() && !dir.join("pc02.fabrikam.com").exists());
    let pem = support::read(&dir.join("fe01.fabrikam.com/default.cer"));
    assert_eq!(
        pem.matches("-----BEGIN CERTIFICATE-----").count(),
        2,
        "leaf, then the presented intermediate"
    );
    let manifest = support::read(&dir.join("manifest.csv"));
    let lines: Vec<&str> = manifest.lines().collect();
    assert_eq!(
        lines[0],
        "server,port,usage,address,time,result,thumbprint,port_from,detail"
    );
    assert_eq!(lines.len(), 12, "{manifest}");
    assert!(
        lines.iter().any(|l| l.starts_with(&format!(
            "fe03.fabrikam.com,{},default,127.0.0.1:{},",
            lab.default, lab.default
        )) && l.contains(",timeout,,option,")),
        "{manifest}"
    );
    let fe01 = lines
        .iter()
        .find(|l| l.starts_with("fe01.fabrikam.com") && l.contains(",default,"))
        .expect("fe01 row");
    assert!(
        fe01.contains(",ok,") && fe01.split(',').nth(6).is_some_and(|t| t.len() == 40),
        "{fe01}"
    );

    let fetched = verdicts(&check_json(&lab, &["--certs".to_string(), out.clone()]).1);
    let mut live_args = vec!["--fetch".to_string()];
    live_args.extend(lab.fetch_args());
    let live = verdicts(&check_json(&lab, &live_args).1);
    assert_eq!(fetched, live, "fetch + check --certs = check --fetch");

    // and the original files give the same verdicts, but for the endpoints that failed
    let orig = verdicts(&check_json(&lab, &["--certs".to_string(), lab.path("orig")]).1);
    // (as sets: a file per usage repeats a finding per certificate file)
    let without_unreachable = |v: &Verdicts| -> BTreeMap<
        String,
        std::collections::BTreeSet<(String, String)>,
    > {
        v.iter()
            .map(|(k, (_, f))| {
                (
                    k.clone(),
                    f.iter()
                        .filter(|(r, _)| r != "unreachable-endpoint" && r != "missing-certificate")
                        .cloned()
                        .collect(),
                )
            })
            .collect()
    };
    assert_eq!(without_unreachable(&live), without_unreachable(&orig));
    assert_eq!(orig[&fqdn("fe01")].0, "ready");
    drop(lab.listeners);
}

#[test]
fn plan_report_and_diff_take_fetch_too() {
    let lab = lab();
    let fetched = |command: &str, extra: &[&str]| {
        let mut a = vec![TOPOLOGY.to_string()];
        if command == "diff" {
            a.push(TOPOLOGY.to_string());
        }
        a.push("--fetch".to_string());
        a.extend(lab.fetch_args());
        a.extend(["--ca", &lab.path("ca/root.cer"), "--now", NOW].map(String::from));
        a.extend(extra.iter().map(|s| s.to_string()));
        run(command, &a)
    };
    let (code, out, err) = fetched("plan", &["--format", "json"]);
    assert_eq!(
        code, 1,
        "fe02 needs a reissue, fe03 and pc02 a certificate: {err}"
    );
    let v: Value = serde_json::from_str(&out).expect("plan json");
    let text = v.to_string();
    assert!(text.contains("fetched from 127.0.0.1"), "{text}");
    let (code, out, err) = fetched("report", &["--out", "-"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        out.contains("unreachable-endpoint") && out.contains("fetched from 127.0.0.1"),
        "{err}"
    );
    // the same topology twice: no server to verify, and no failure
    let (code, _, err) = fetched("diff", &[]);
    assert_eq!(code, 0, "{err}");
    drop(lab.listeners);
}

#[test]
fn refused_and_closed_at_once_are_causes_and_a_hostile_name_is_never_a_target_or_a_file() {
    let closer = Listener::start(Mode::CloseAtOnce);
    let refused = Listener::closed_port();
    // pc02's name smuggles a path and an address; pc01's is a valid name
    let topo_text = support::read(&support::root().join(TOPOLOGY))
        .replace("Fqdn=\"pc02.fabrikam.com\"", "Fqdn=\"../../127.0.0.1\"");
    let dir = tempfile::tempdir().expect("temp dir");
    let topo = dir.path().join("hostile.xml");
    std::fs::write(&topo, topo_text).expect("write");
    let out = dir.path().join("nested/out");
    // every name resolves to loopback, every port is the closer or a closed port
    let loopback = |port: u16| {
        let mut a: Vec<String> = Vec::new();
        for s in ["fe01", "fe02", "fe03", "pc01"] {
            a.extend(["--resolve".into(), format!("{}=127.0.0.1", fqdn(s))]);
        }
        for usage in ["default", "webservicesinternal", "webservicesexternal"] {
            a.extend(["--port".into(), format!("{usage}={port}")]);
        }
        a.extend(["--timeout".into(), "2".into()]);
        a
    };
    let mut args: Vec<String> = vec![
        topo.to_string_lossy().into_owned(),
        "--out".into(),
        out.to_string_lossy().into_owned(),
    ];
    args.extend(loopback(closer.port));
    let (code, _, err) = run("fetch", &args);
    assert_eq!(code, 1, "{err}");
    let manifest = support::read(&out.join("manifest.csv"));
    let row = |server: &str| {
        manifest
            .lines()
            .find(|l| l.starts_with(server))
            .unwrap_or_else(|| panic!("{server}: {manifest}"))
            .to_string()
    };
    assert!(row("pc01.fabrikam.com").contains(",closed,"), "{manifest}");
    // never resolved, connected to, or written
    let hostile = row("../../127.0.0.1");
    assert!(
        hostile.contains(&format!(",{},default,,", closer.port))
            && hostile.contains(",invalid-name,"),
        "{hostile}"
    );
    let entries: Vec<String> = std::fs::read_dir(&out)
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        entries,
        ["manifest.csv"],
        "no file for a failed or hostile server"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("dir").count(),
        2,
        "nothing written outside --out"
    );

    // refused, through check --fetch, with the hostile name reported as invalid-name
    let mut check_args: Vec<String> = vec![topo.to_string_lossy().into_owned(), "--fetch".into()];
    check_args.extend(loopback(refused));
    check_args.extend(["--format".into(), "json".into()]);
    let (code, out, err) = run("check", &check_args);
    assert_eq!(code, 1, "{err}");
    let v: Value = serde_json::from_str(&out).expect("json");
    let causes: Vec<String> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "unreachable-endpoint")
        .map(|f| {
            format!(
                "{} {}",
                f["server"].as_str().unwrap_or_default(),
                f["message"].as_str().unwrap_or_default()
            )
        })
        .collect();
    assert!(
        causes
            .iter()
            .any(|c| c.starts_with("pc01.fabrikam.com ") && c.contains(": refused:")),
        "{causes:?}"
    );
    assert!(
        causes
            .iter()
            .any(|c| c.starts_with("../../127.0.0.1 ") && c.contains(": invalid-name:")),
        "{causes:?}"
    );
    drop(closer);
}

#[test]
fn a_name_that_does_not_resolve_is_a_dns_finding() {
    struct NoDns;
    impl topocert::fetch::runner::Resolver for NoDns {
        fn resolve(
            &self,
            _: &topocert::fetch::DnsName,
            _: u16,
        ) -> std::io::Result<Vec<std::net::SocketAddr>> {
            Err(std::io::Error::other("no such host"))
        }
    }
    let topo = topocert::topology::load_path(&support::sample("enterprise-multisite/topology.xml"))
        .expect("loads");
    let graph = topocert::graph::ServerGraph::build(&topo);
    let options = topocert::fetch::FetchOptions::default();
    let endpoints = topocert::fetch::endpoints::plan(&topo, &graph, &options);
    assert_eq!(endpoints.len(), 11);
    let results = topocert::fetch::runner::run_with(endpoints, &options, &NoDns, &mut |_| {});
    let loaded = topocert::fetch::add_fetched(None, &results);
    let check_options = topocert::check::CheckOptions {
        sources: loaded.sources.clone(),
        now: 0,
        expiry_warn_days: 30,
    };
    let result = topocert::app::run_check(&topo, &graph, &loaded.store, &[], &check_options);
    let unreachable: Vec<_> = result
        .findings
        .iter()
        .filter(|f| f.rule == topocert::rules::unreachable_endpoint::ID)
        .collect();
    assert_eq!(unreachable.len(), 11);
    assert!(unreachable.iter().all(|f| f.message.contains(": dns:")));
    // the typed record behind each finding: no address, cause dns
    let dns = loaded
        .store
        .endpoints
        .iter()
        .filter(|e| {
            e.result
                .as_ref()
                .is_err_and(|f| f.cause == topocert::fetch::Cause::Dns)
        })
        .filter(|e| e.address.is_none())
        .count();
    assert_eq!(dns, 11);
}

/// A resolver that does not answer within `--timeout` makes the endpoint a `timeout`, never a
/// wait without end, and the servers unknown.
#[test]
fn a_resolver_that_does_not_answer_is_a_timeout() {
    struct SlowDns;
    impl topocert::fetch::runner::Resolver for SlowDns {
        fn resolve(
            &self,
            _: &topocert::fetch::DnsName,
            _: u16,
        ) -> std::io::Result<Vec<std::net::SocketAddr>> {
            let (_keep, never) = std::sync::mpsc::channel::<()>();
            topocert::fetch::runner::within(std::time::Duration::from_millis(10), move || {
                let _ = never.recv();
                Ok(Vec::new())
            })
        }
    }
    let topo = topocert::topology::load_path(&support::sample("enterprise-multisite/topology.xml"))
        .expect("loads");
    let graph = topocert::graph::ServerGraph::build(&topo);
    let options = topocert::fetch::FetchOptions::default();
    let endpoints = topocert::fetch::endpoints::plan(&topo, &graph, &options);
    let results = topocert::fetch::runner::run_with(endpoints, &options, &SlowDns, &mut |_| {});
    assert_eq!(results.len(), 11);
    for r in &results {
        match &r.capture {
            topocert::fetch::Capture::Failed(f) => {
                assert_eq!(f.cause, topocert::fetch::Cause::Timeout, "{f:?}");
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn ports_come_from_the_topology_else_the_lync_defaults_else_port() {
    use topocert::certs::Usage;
    use topocert::fetch::PortFrom;
    let plan = |sample: &str, options: &topocert::fetch::FetchOptions| {
        let topo = topocert::topology::load_path(&support::sample(sample)).expect("loads");
        let graph = topocert::graph::ServerGraph::build(&topo);
        topocert::fetch::endpoints::plan(&topo, &graph, options)
            .into_iter()
            .map(|e| (e.server, e.usage, e.port, e.port_from))
            .collect::<Vec<_>>()
    };
    let defaults = topocert::fetch::FetchOptions::default();
    let em = plan("enterprise-multisite/topology.xml", &defaults);
    assert!(em.contains(&(
        "fe01.fabrikam.com".into(),
        Usage::Default,
        5061,
        PortFrom::Topology
    )));
    assert!(em.contains(&(
        "fe01.fabrikam.com".into(),
        Usage::WebServicesInternal,
        443,
        PortFrom::Topology
    )));
    assert!(em.contains(&(
        "fe01.fabrikam.com".into(),
        Usage::WebServicesExternal,
        4443,
        PortFrom::Topology
    )));
    assert!(em.contains(&(
        "pc01.fabrikam.com".into(),
        Usage::Default,
        5041,
        PortFrom::Topology
    )));
    // the Topology Builder file declares the same ports
    assert_eq!(plan("enterprise-multisite/topology.tbxml", &defaults), em);
    // rules-lab declares no port: the Lync defaults, said so
    let lab = plan("rules-lab/topology.xml", &defaults);
    assert!(lab.contains(&(
        "lab01.fabrikam.com".into(),
        Usage::Default,
        5061,
        PortFrom::Default
    )));
    assert!(lab.contains(&(
        "labpc01.fabrikam.com".into(),
        Usage::Default,
        5041,
        PortFrom::Default
    )));
    assert!(lab.iter().all(|e| e.3 == PortFrom::Default));
    let over = topocert::fetch::FetchOptions {
        ports: vec!["webservicesinternal=8443".parse().expect("valid")],
        ..defaults
    };
    let em = plan("enterprise-multisite/topology.xml", &over);
    assert!(em.contains(&(
        "fe02.fabrikam.com".into(),
        Usage::WebServicesInternal,
        8443,
        PortFrom::Option
    )));
    assert!(em.contains(&(
        "fe02.fabrikam.com".into(),
        Usage::Default,
        5061,
        PortFrom::Topology
    )));
}

#[test]
fn fetch_refuses_an_output_folder_that_is_not_empty() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("keep.cer"), "x").expect("write");
    let (code, _, err) = support::run_in_root(
        "fetch",
        &[
            "sample-topologies/no-persistent-chat/topology.xml",
            "--out",
            dir.path().to_string_lossy().as_ref(),
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(support::flat(&err).contains("is not empty"), "{err}");
    assert_eq!(support::read(&dir.path().join("keep.cer")), "x");
}

/// Servers that present a good certificate (the real server's, public) without its key. fe01
/// holds its key: ready. Everything else replays fe0x's or pc0x's good certificate:
/// - fe02: Default completes a TLS 1.3 handshake signed with another key; WebServicesInternal
///   stops after that bad CertificateVerify and stalls; WebServicesExternal stops after the
///   Certificate and sends garbage.
/// - fe03: Default completes a TLS 1.2 handshake whose ServerKeyExchange is signed with another
///   key; WebServicesInternal stops after the Certificate and closes; WebServicesExternal stops
///   after the Certificate and stalls.
/// - pc01: stops after the bad CertificateVerify and closes. pc02: the same, then garbage.
fn impostors() -> Lab {
    use tls_server::{Cut, Then};
    let root = Ca::root("Fabrikam Root CA", "Fabrikam");
    let issuing = root.intermediate("Fabrikam Issuing CA", "Fabrikam");
    let good = |s: &str| issuing.leaf(&fqdn(s), &needed_names(s), &[&issuing]);
    let (fe01, fe02, fe03, pc01, pc02) = (
        good("fe01"),
        good("fe02"),
        good("fe03"),
        good("pc01"),
        good("pc02"),
    );
    let table = |entries: Vec<(&str, Behaviour)>| Mode::BySni {
        names: entries
            .into_iter()
            .map(|(s, b)| (fqdn(s), b))
            .collect::<HashMap<_, _>>(),
        fallback: Behaviour::Close,
    };
    let forged = Behaviour::forged;
    let default = Listener::start(table(vec![
        ("fe01", Behaviour::present(&fe01)),
        ("fe02", Behaviour::present_without_key(&fe02, false)),
        ("fe03", Behaviour::present_without_key(&fe03, true)),
        ("pc01", forged(&pc01, Cut::AfterSignature, Then::Close)),
        ("pc02", forged(&pc02, Cut::AfterSignature, Then::Garbage)),
    ]));
    let internal = Listener::start(table(vec![
        ("fe01", Behaviour::present(&fe01)),
        ("fe02", forged(&fe02, Cut::AfterSignature, Then::Stall)),
        ("fe03", forged(&fe03, Cut::AfterCertificate, Then::Close)),
    ]));
    let external = Listener::start(table(vec![
        ("fe01", Behaviour::present(&fe01)),
        ("fe02", forged(&fe02, Cut::AfterCertificate, Then::Garbage)),
        ("fe03", forged(&fe03, Cut::AfterCertificate, Then::Stall)),
    ]));
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("ca")).expect("mkdir");
    std::fs::write(dir.path().join("ca/root.cer"), &root.pem).expect("write");
    let thumbprints = [
        ("fe02", &fe02),
        ("fe03", &fe03),
        ("pc01", &pc01),
        ("pc02", &pc02),
    ]
    .map(|(s, c)| (s, topocert::certs::sha1_thumbprint(&c.chain[0])));
    std::fs::write(
        dir.path().join("thumbprints"),
        thumbprints
            .iter()
            .map(|(s, t)| format!("{s} {t}\n"))
            .collect::<String>(),
    )
    .expect("write");
    Lab {
        default: default.port,
        internal: internal.port,
        external: external.port,
        listeners: vec![default, internal, external],
        root: dir,
    }
}

/// The manifest row of `server`'s `usage` endpoint, as columns.
fn manifest_row(manifest: &str, server: &str, usage: &str) -> Vec<String> {
    manifest
        .lines()
        .map(|l| l.split(',').map(String::from).collect::<Vec<_>>())
        .find(|c| c[0] == fqdn(server) && c[2] == usage)
        .unwrap_or_else(|| panic!("{server} {usage}: {manifest}"))
}

#[test]
fn a_certificate_presented_without_proof_of_its_key_is_never_used_and_its_server_is_unknown() {
    let lab = impostors();
    let thumbprint: HashMap<String, String> = support::read(&lab.root.path().join("thumbprints"))
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(s, t)| (s.to_string(), t.to_string()))
        .collect();

    // check --fetch
    let mut source = vec!["--fetch".to_string()];
    source.extend(lab.fetch_args());
    let (code, v, err) = check_json(&lab, &source);
    assert_eq!(code, 1, "{err}");
    let live = verdicts(&v);
    assert_eq!(live[&fqdn("fe01")].0, "ready", "{live:?}");
    for s in ["fe02", "fe03", "pc01", "pc02"] {
        assert_eq!(live[&fqdn(s)].0, "unknown", "{s}: {live:?}");
        // the replayed certificate is good, yet no finding judges it: it is not used
        assert!(
            rules_of(&live, s)
                .iter()
                .all(|r| r == "unreachable-endpoint:warning"),
            "{s}: {live:?}"
        );
    }
    // every endpoint that showed a chain before its bad signature: no-key-proof, with the
    // thumbprint of what it showed
    for (s, usage) in [
        ("fe02", "(Default;"),
        ("fe02", "(WebServicesInternal;"),
        ("fe03", "(Default;"),
        ("pc01", "(Default;"),
        ("pc02", "(Default;"),
    ] {
        let messages = unreachable(&v, s);
        let m = messages
            .iter()
            .find(|m| m.contains(usage))
            .unwrap_or_else(|| panic!("{s} {usage}: {messages:?}"));
        assert!(
            m.contains(": no-key-proof:")
                && m.contains(&format!("thumbprint {}", thumbprint[s]))
                && m.contains("is unknown"),
            "{m}"
        );
    }
    // stopped right after the Certificate: rustls never shows the chain, so a plain failure
    let fe03 = unreachable(&v, "fe03");
    assert!(
        fe03.iter()
            .any(|m| m.contains("(WebServicesInternal;") && m.contains(": closed:")),
        "{fe03:?}"
    );
    assert!(
        fe03.iter()
            .any(|m| m.contains("(WebServicesExternal;") && m.contains(": timeout:")),
        "{fe03:?}"
    );
    let fe02 = unreachable(&v, "fe02");
    assert!(
        fe02.iter()
            .any(|m| m.contains("(WebServicesExternal;") && m.contains(": tls:")),
        "{fe02:?}"
    );

    // fetch, then check --certs: the same verdicts, and no file of an unproven chain is read
    let out = lab.path("fetched");
    let mut args = vec![TOPOLOGY.to_string(), "--out".to_string(), out.clone()];
    args.extend(lab.fetch_args());
    let (code, _, err) = run("fetch", &args);
    assert_eq!(code, 1, "{err}");
    let flat = support::flat(&err);
    assert!(
        flat.contains("fe02.fabrikam.com:")
            && flat.contains("no-key-proof: the server presented a certificate but did not prove")
            && flat.contains(&format!("(thumbprint {}; not used)", thumbprint["fe02"])),
        "{err}"
    );
    assert!(
        flat.contains("3 of 11 endpoints of 5 servers presented a certificate (4 servers none)"),
        "{err}"
    );
    let dir = Path::new(&out);
    let manifest = support::read(&dir.join("manifest.csv"));
    for (s, usage) in [
        ("fe02", "default"),
        ("fe02", "webservicesinternal"),
        ("fe03", "default"),
        ("pc01", "default"),
        ("pc02", "default"),
    ] {
        let row = manifest_row(&manifest, s, usage);
        assert_eq!((row[5].as_str(), &row[6]), ("no-key-proof", &thumbprint[s]));
        assert!(!dir.join(format!("{}/{usage}.cer", fqdn(s))).exists());
        let evidence = support::read(&dir.join(format!("{}/{usage}.no-key-proof.txt", fqdn(s))));
        assert!(
            evidence.contains("without proof") && evidence.contains("BEGIN CERTIFICATE"),
            "{evidence}"
        );
    }
    assert_eq!(manifest_row(&manifest, "fe01", "default")[5], "ok");
    let (code, v, err) = check_json(&lab, &["--certs".to_string(), out.clone()]);
    assert_eq!(code, 1, "{err}");
    let fetched = verdicts(&v);
    assert_eq!(fetched, live, "fetch + check --certs = check --fetch");
    assert_eq!(
        unreachable(&v, "pc01"),
        unreachable(&check_json(&lab, &source).1, "pc01")
    );
    drop(lab.listeners);
}

#[test]
fn a_timeout_out_of_range_is_an_argument_error() {
    for bad in ["1e-12", "0", "0.01", "301", "-5", "nan"] {
        let (code, _, err) = support::run_in_root(
            "check",
            &[
                TOPOLOGY,
                "--fetch",
                &format!("--timeout={bad}"),
                "--format",
                "json",
            ],
        );
        assert_eq!(code, 2, "{bad}: {err}");
        assert!(
            support::flat(&err).contains("from 0.1 to 300"),
            "{bad}: {err}"
        );
    }
}

/// A server name with C1 and bidi controls (legal in XML) reaches neither standard error nor
/// `manifest.csv` raw, and reads back from the manifest as it was.
#[test]
fn control_characters_in_a_name_reach_neither_stderr_nor_the_manifest() {
    let hostile = "pc02\u{9b}31m\u{85}x\u{202e}.fabrikam.com";
    let topo_text = support::read(&support::root().join(TOPOLOGY))
        .replace("Fqdn=\"pc02.fabrikam.com\"", &format!("Fqdn=\"{hostile}\""));
    let dir = tempfile::tempdir().expect("temp dir");
    let topo = dir.path().join("hostile.xml");
    std::fs::write(&topo, topo_text).expect("write");
    let out = dir.path().join("out\u{9b}2J");
    let refused = Listener::closed_port();
    let mut args: Vec<String> = vec![
        topo.to_string_lossy().into_owned(),
        "--out".into(),
        out.to_string_lossy().into_owned(),
        "--timeout".into(),
        "2".into(),
    ];
    for s in ["fe01", "fe02", "fe03", "pc01"] {
        args.extend(["--resolve".into(), format!("{}=127.0.0.1", fqdn(s))]);
    }
    for usage in ["default", "webservicesinternal", "webservicesexternal"] {
        args.extend(["--port".into(), format!("{usage}={refused}")]);
    }
    let (code, _, err) = run("fetch", &args);
    assert_eq!(code, 1, "{err}");
    let raw = |s: &str| s.chars().any(|c| c.is_control() && c != '\n');
    assert!(!raw(&err), "{err:?}");
    assert!(err.contains("pc02\\u{9b}31m\\u{85}x"), "{err}");
    let manifest = support::read(&out.join("manifest.csv"));
    assert!(!raw(&manifest), "{manifest:?}");
    let (records, bad) = topocert::fetch::manifest::parse(manifest.as_bytes()).expect("parse");
    assert!(bad.is_empty(), "{bad:?}");
    assert!(records.iter().any(|r| r.server == hostile), "{records:?}");
}
