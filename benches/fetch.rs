//! `fetch` from 1,000 loopback endpoints against a bare rustls handshake loop over the same
//! endpoints, measured in the same run.
//!
//! `cargo bench --bench fetch` (`TOPOCERT_BENCH_ROUNDS=N`, default 5). A synthetic topology
//! with five sites (per site 50 file upload/download servers with three endpoints each and 50
//! Persistent Chat servers with one) gives 1,000 endpoints; every name is `--resolve`d to
//! 127.0.0.1 and every use `--port`ed to one listener in this process (rustls, a thread per
//! connection) that presents one certificate covering every name. Each round times, one after
//! the other:
//! - bare: for each endpoint, connect, a rustls client handshake (standard webpki
//!   verification against the bench CA, SNI = the name), close_notify: the floor for any TLS
//!   client, one connection at a time;
//! - bare, no verification: the same with a verifier that accepts everything (as fetch's
//!   does), so that the difference to fetch 1 is what topocert adds;
//! - fetch 1: `fetch::fetch` (plan, resolve, connect, capture, close) with `--concurrency 1`,
//!   plus `layout::add_to` (what `--fetch` puts in the store): the same work, one at a time;
//! - fetch 16: the same with the default concurrency.
//!
//! It prints the median of each and the median of the per-round ratios to bare.

#[path = "../tests/it/support/tls_server.rs"]
mod tls_server;

use rustls::pki_types::{CertificateDer, ServerName};
use std::io::Write;
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tls_server::{Behaviour, Ca, Listener, Mode};
use topocert::fetch::{Capture, FetchOptions};
use topocert_testkit::synth::{write_topology, SynthOptions};

fn fail(e: impl std::fmt::Display) -> ! {
    eprintln!("bench setup failed: {e}");
    std::process::exit(1)
}

/// Accepts every chain and signature (the bench's second baseline).
#[derive(Debug)]
struct AcceptAll;

impl rustls::client::danger::ServerCertVerifier for AcceptAll {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        Ok(rustls::client::danger::HandshakeSignatureValid::assertion())
    }
    fn verify_tls13_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        Ok(rustls::client::danger::HandshakeSignatureValid::assertion())
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        rustls::crypto::ring::default_provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// One bare handshake: connect, complete the handshake, close_notify.
fn bare_handshake(config: &Arc<rustls::ClientConfig>, name: &str, port: u16) -> bool {
    let Ok(server) = ServerName::try_from(name.to_string()) else {
        return false;
    };
    let Ok(mut conn) = rustls::ClientConnection::new(config.clone(), server) else {
        return false;
    };
    let Ok(mut sock) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    while conn.is_handshaking() {
        if conn.complete_io(&mut sock).is_err() {
            return false;
        }
    }
    conn.send_close_notify();
    let _ = conn.complete_io(&mut sock);
    let _ = sock.flush();
    true
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let rounds: usize = std::env::var("TOPOCERT_BENCH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let shape = SynthOptions {
        sites: 5,
        pools_per_site: 1,
        machines_per_pool: 50,
        pchat: true,
        seed: 2013,
        ..SynthOptions::default()
    };
    let mut xml = Vec::new();
    write_topology(&mut xml, &shape).unwrap_or_else(|e| fail(e));
    let topo = topocert::topology::load_bytes("bench.xml", &xml).unwrap_or_else(|e| fail(e));
    let graph = topocert::graph::ServerGraph::build(&topo);
    let planned = topocert::fetch::endpoints::plan(&topo, &graph, &FetchOptions::default());
    let names: Vec<String> = planned.iter().map(|e| e.server.clone()).collect();

    // One certificate for every name: a wildcard per parent domain.
    let mut parents: Vec<String> = names
        .iter()
        .filter_map(|n| n.split_once('.').map(|(_, p)| format!("*.{p}")))
        .collect();
    parents.sort();
    parents.dedup();
    let ca = Ca::root("Bench Issuing CA", "Fabrikam");
    let parent_refs: Vec<&str> = parents.iter().map(String::as_str).collect();
    let served = ca.leaf("bench", &parent_refs, &[]);
    let listener = Listener::start(Mode::BySni {
        names: Default::default(),
        fallback: Behaviour::present(&served),
    });
    let port = listener.port;

    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from(ca.der.clone()))
        .unwrap_or_else(|e| fail(e));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let bare_config = Arc::new(
        rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .unwrap_or_else(|e| fail(e))
            .with_root_certificates(roots)
            .with_no_client_auth(),
    );
    let mut unverified = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap_or_else(|e| fail(e))
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AcceptAll))
        .with_no_client_auth();
    unverified.resumption = rustls::client::Resumption::disabled();
    let unverified = Arc::new(unverified);

    let options = |concurrency| FetchOptions {
        resolve: names
            .iter()
            .filter_map(|n| format!("{n}=127.0.0.1").parse().ok())
            .collect(),
        ports: ["default", "webservicesinternal", "webservicesexternal"]
            .iter()
            .filter_map(|u| format!("{u}={port}").parse().ok())
            .collect(),
        timeout: Duration::from_secs(10),
        concurrency,
        progress: false,
    };
    let (one, sixteen) = (
        options(1),
        options(topocert::fetch::options::DEFAULT_CONCURRENCY),
    );
    let run_fetch = |o: &FetchOptions| {
        let results = topocert::fetch::fetch(&topo, &graph, o);
        let mut store = topocert::certs::CertStore::default();
        topocert::fetch::layout::add_to(&results, &mut store);
        let ok = results
            .iter()
            .filter(|r| matches!(r.capture, Capture::Captured(_)))
            .count();
        (ok, results.len())
    };

    println!(
        "{} endpoints ({} servers) on 127.0.0.1:{port}, {rounds} rounds",
        planned.len(),
        topocert::check::checked_servers(&topo, &graph).len()
    );
    let bare_loop = |config: &Arc<rustls::ClientConfig>| {
        let t = Instant::now();
        let ok = planned
            .iter()
            .filter(|e| bare_handshake(config, &e.server, port))
            .count();
        if ok != planned.len() {
            fail(format!("bare: {ok} of {} handshakes", planned.len()));
        }
        t.elapsed().as_secs_f64()
    };
    let (mut bare_s, mut nv_s, mut one_s, mut six_s) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut r1, mut r16, mut rnv1) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let bare = bare_loop(&bare_config);
        let nv = bare_loop(&unverified);
        let t = Instant::now();
        let (ok1, n1) = run_fetch(&one);
        let f1 = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let (ok16, n16) = run_fetch(&sixteen);
        let f16 = t.elapsed().as_secs_f64();
        if ok1 != n1 || ok16 != n16 || n1 != planned.len() {
            fail(format!(
                "fetch: {ok1}/{n1} and {ok16}/{n16} endpoints captured"
            ));
        }
        println!(
            "round {round}: bare {bare:.3} s, bare unverified {nv:.3} s, fetch 1 {f1:.3} s ({:.2}x bare, {:.2}x unverified), fetch 16 {f16:.3} s ({:.2}x bare)",
            f1 / bare,
            f1 / nv,
            f16 / bare
        );
        bare_s.push(bare);
        nv_s.push(nv);
        one_s.push(f1);
        six_s.push(f16);
        r1.push(f1 / bare);
        rnv1.push(f1 / nv);
        r16.push(f16 / bare);
    }
    let per = |s: f64| s * 1e3 / planned.len() as f64;
    let (b, nv) = (median(&mut bare_s), median(&mut nv_s));
    let (o, s) = (median(&mut one_s), median(&mut six_s));
    println!("median of {rounds} rounds, ms per endpoint:");
    println!("  bare rustls loop (webpki verification)   {:.3}", per(b));
    println!("  bare rustls loop (no verification)       {:.3}", per(nv));
    println!(
        "  fetch --concurrency 1                    {:.3}  ratio {:.2} to bare, {:.2} to bare unverified",
        per(o),
        median(&mut r1),
        median(&mut rnv1)
    );
    println!(
        "  fetch --concurrency 16                   {:.3}  ratio {:.2} to bare",
        per(s),
        median(&mut r16)
    );
    drop(listener);
}
