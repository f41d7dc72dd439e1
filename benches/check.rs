//! `check` with thousands of certificates: loading and matching must grow linearly with the
//! number of certificates (names are indexed, never compared server × certificate).
//!
//! `cargo bench --bench check` (counts can be overridden: `TOPOCERT_BENCH_CERTS=1000,10000`).
//! For each count N it generates a topology with about N file upload/download and Persistent
//! Chat servers and one certificate per server (20 % faulty), then times, median of a few runs:
//! - baseline: read every file and parse it with x509-parser, nothing else (the floor for any
//!   certificate checker);
//! - load: `certs::load_dir` (read, parse, PEM/DER/PKCS#7 detection, thumbprints, names);
//! - check: `app::run_check` (name index, assignment, CA identity with signature verification, rules).
//!
//! It prints microseconds per certificate and the ratio to the baseline; "slope" is the time per
//! certificate at the largest count divided by that at the smallest: about 1 means linear, a
//! quadratic matcher would show the count ratio (10 for 1,000 → 10,000).

#[path = "support/synth_certs.rs"]
mod synth_certs;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use topocert::check::{ca::GivenCa, CertSources, CheckOptions};
use topocert::graph::ServerGraph;
use topocert_testkit::synth::{plan_certificates, write_topology, SynthOptions};

/// Fifty machines per pool: each site then has 100 certificate machines (one Front End pool
/// serving file upload/download and one Persistent Chat pool).
fn shape(sites: usize) -> SynthOptions {
    SynthOptions {
        sites,
        pools_per_site: 2,
        machines_per_pool: 50,
        pchat: true,
        seed: 2013,
        ..SynthOptions::default()
    }
}

struct Fixture {
    topology: Vec<u8>,
    certs: PathBuf,
    ca: PathBuf,
    count: usize,
}

fn fixture(root: &Path, wanted: usize) -> Fixture {
    let sites = wanted.div_ceil(100).max(1);
    let mut topology = Vec::new();
    let summary = write_topology(&mut topology, &shape(sites)).unwrap_or_else(|e| fail(e));
    let plan = plan_certificates(&summary, 2013, 0.2);
    let dir = root.join(format!("n{}", plan.len()));
    let (certs, ca) = if dir.join("ca.cer").is_file() {
        (dir.join("certs"), dir.join("ca.cer"))
    } else {
        synth_certs::write_certificates(&dir, &plan, &topology).unwrap_or_else(|e| fail(e))
    };
    Fixture {
        topology,
        certs,
        ca,
        count: plan.len(),
    }
}

fn fail(e: impl std::fmt::Display) -> ! {
    eprintln!("bench setup failed: {e}");
    std::process::exit(1)
}

fn median_of(iters: usize, mut f: impl FnMut() -> usize) -> Duration {
    black_box(f());
    let mut v: Vec<Duration> = (0..iters)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed()
        })
        .collect();
    v.sort();
    v[v.len() / 2]
}

/// Read every file and parse it as DER X.509: nothing topocert-specific.
fn baseline(dir: &Path) -> usize {
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap_or_else(|e| fail(e)).flatten() {
        if let Ok(bytes) = std::fs::read(e.path()) {
            if x509_parser::parse_x509_certificate(&bytes).is_ok() {
                n += 1;
            }
        }
    }
    n
}

fn main() {
    let counts: Vec<usize> = std::env::var("TOPOCERT_BENCH_CERTS")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 5_000, 10_000]);
    // Generated once and kept under target/ (keys are random, so the files differ per
    // generation; the plan does not).
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-certs");
    println!(
        "{:>7} {:>11} {:>11} {:>11} {:>11} {:>10} {:>10}",
        "certs", "base µs/c", "load µs/c", "check µs/c", "total µs/c", "load/base", "total/base"
    );
    let mut per_cert = Vec::new();
    for &wanted in &counts {
        let fx = fixture(&root, wanted);
        let topo =
            topocert::topology::load_bytes("bench.xml", &fx.topology).unwrap_or_else(|e| fail(e));
        let graph = ServerGraph::build(&topo);
        let given = vec![GivenCa {
            path: fx.ca.clone(),
            certs: topocert::certs::load_ca_file(&fx.ca).unwrap_or_else(|e| fail(e)),
        }];
        let options = CheckOptions {
            sources: CertSources::Folder(fx.certs.clone()),
            now: topocert::time::parse_rfc3339("2026-12-01T00:00:00Z").unwrap_or_else(|e| fail(e)),
            expiry_warn_days: 30,
        };
        let iters = if fx.count <= 2_000 { 7 } else { 3 };
        let base = median_of(iters, || baseline(&fx.certs));
        let load = median_of(iters, || {
            topocert::certs::load_dir(&fx.certs)
                .map(|s| s.files.len())
                .unwrap_or_else(|e| fail(e))
        });
        let store = topocert::certs::load_dir(&fx.certs).unwrap_or_else(|e| fail(e));
        let check = median_of(iters, || {
            topocert::app::run_check(&topo, &graph, &store, &given, &options)
                .findings
                .len()
        });
        let result = topocert::app::run_check(&topo, &graph, &store, &given, &options);
        if result.servers.len() != fx.count {
            fail(format!(
                "{} servers checked for {} certificates",
                result.servers.len(),
                fx.count
            ));
        }
        let us = |d: Duration| d.as_secs_f64() * 1e6 / fx.count as f64;
        let total = load + check;
        println!(
            "{:>7} {:>11.1} {:>11.1} {:>11.1} {:>11.1} {:>10.2} {:>10.2}",
            fx.count,
            us(base),
            us(load),
            us(check),
            us(total),
            load.as_secs_f64() / base.as_secs_f64(),
            total.as_secs_f64() / base.as_secs_f64()
        );
        per_cert.push((fx.count, us(total)));
    }
    if let (Some(first), Some(last)) = (per_cert.first(), per_cert.last()) {
        if last.0 > first.0 {
            println!(
                "slope: time per certificate at {} / at {} = {:.2} (1 = linear; {:.0} would be quadratic)",
                last.0,
                first.0,
                last.1 / first.1,
                last.0 as f64 / first.0 as f64
            );
        }
    }
}
