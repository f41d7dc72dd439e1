//! `check` with thousands of certificates, on one thread and on every core, against the
//! single-threaded floor of any certificate checker; loading and matching must grow linearly
//! with the number of certificates (names are indexed, never compared server × certificate).
//!
//! `cargo bench --bench check` (counts can be overridden: `TOPOCERT_BENCH_CERTS=1000,10000`).
//! For each count N it generates a topology with about N file upload/download and Persistent
//! Chat servers and one certificate per server (20 % faulty), then times, round by round (each
//! round runs every step once, in this order), median of a few rounds:
//! - floor: read every file, parse it with x509-parser and verify its signature with the CA's
//!   key (ring), on one thread: the floor for any certificate checker;
//! - `--jobs 1` and default jobs (a rayon pool of 1 thread, and of one per available core, as
//!   the binary sets it): `certs::load_dir` (read, parse, PEM/DER/PKCS#7 detection,
//!   thumbprints, names) then `app::run_check` (name index, assignment, chain walks with
//!   signature verification, rules).
//!
//! It prints microseconds per certificate, the median of the per-round ratios to the floor, and
//! the slope (time per certificate at the largest count divided by that at the smallest: about 1
//! means linear, a quadratic matcher would show the count ratio, 10 for 1,000 → 10,000).

#[path = "support/cert_floor.rs"]
mod cert_floor;
#[path = "support/synth_certs.rs"]
mod synth_certs;

use cert_floor::{fail, floor, shape};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;
use topocert::check::{ca::GivenCa, CertSources, CheckOptions};
use topocert::graph::ServerGraph;
use topocert_testkit::synth::{plan_certificates, write_topology};

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

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let counts: Vec<usize> = std::env::var("TOPOCERT_BENCH_CERTS")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 5_000, 10_000]);
    // Generated once and kept under target/ (keys are random, so the files differ per
    // generation; the plan does not).
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-certs");
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    // `--jobs 1`, and the default: one thread per available core.
    let pools: Vec<(String, rayon::ThreadPool)> = [
        (String::from("1"), 1),
        (format!("{cores} (default)"), cores),
    ]
    .into_iter()
    .map(|(name, n)| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap_or_else(|e| fail(e));
        (name, pool)
    })
    .collect();
    println!(
        "{:>7} {:>12} {:>12} {:>11} {:>11} {:>11} {:>12}",
        "certs", "jobs", "floor µs/c", "load µs/c", "check µs/c", "total µs/c", "total/floor"
    );
    let mut per_cert: Vec<Vec<(usize, f64)>> = vec![Vec::new(); pools.len()];
    for &wanted in &counts {
        let fx = fixture(&root, wanted);
        let topo =
            topocert::topology::load_bytes("bench.xml", &fx.topology).unwrap_or_else(|e| fail(e));
        let graph = ServerGraph::build(&topo);
        let ca_der = std::fs::read(&fx.ca).unwrap_or_else(|e| fail(e));
        let given = vec![GivenCa {
            path: fx.ca.clone(),
            certs: topocert::certs::load_ca_file(&fx.ca).unwrap_or_else(|e| fail(e)),
        }];
        let options = CheckOptions {
            sources: CertSources::Folder(fx.certs.clone()),
            now: topocert::time::parse_rfc3339("2026-12-01T00:00:00Z").unwrap_or_else(|e| fail(e)),
            expiry_warn_days: 30,
        };
        let rounds = if fx.count <= 2_000 { 7 } else { 5 };
        // Per round: the floor, then (load, check) per pool.
        let mut floors = Vec::new();
        let mut loads = vec![Vec::new(); pools.len()];
        let mut checks = vec![Vec::new(); pools.len()];
        let mut ratios = vec![Vec::new(); pools.len()];
        for round in 0..=rounds {
            let t = Instant::now();
            black_box(floor(&fx.certs, &ca_der));
            let floor_time = t.elapsed();
            for (p, (_, pool)) in pools.iter().enumerate() {
                let (load, check, servers) = pool.install(|| {
                    let t = Instant::now();
                    let store = topocert::certs::load_dir(&fx.certs).unwrap_or_else(|e| fail(e));
                    let load = t.elapsed();
                    let t = Instant::now();
                    let result = topocert::app::run_check(&topo, &graph, &store, &given, &options);
                    let check = t.elapsed();
                    black_box(result.findings.len());
                    (load, check, result.servers.len())
                });
                if servers != fx.count {
                    fail(format!(
                        "{servers} servers checked for {} certificates",
                        fx.count
                    ));
                }
                // Round 0 warms the caches and is not counted.
                if round > 0 {
                    loads[p].push(load.as_secs_f64());
                    checks[p].push(check.as_secs_f64());
                    ratios[p].push((load + check).as_secs_f64() / floor_time.as_secs_f64());
                }
            }
            if round > 0 {
                floors.push(floor_time.as_secs_f64());
            }
        }
        let us = |secs: f64| secs * 1e6 / fx.count as f64;
        let floor_us = us(median(floors));
        for (p, (name, _)) in pools.iter().enumerate() {
            let (load, check) = (median(loads[p].clone()), median(checks[p].clone()));
            let total: Vec<f64> = loads[p]
                .iter()
                .zip(&checks[p])
                .map(|(l, c)| l + c)
                .collect();
            let total = median(total);
            println!(
                "{:>7} {:>12} {:>12.1} {:>11.1} {:>11.1} {:>11.1} {:>12.2}",
                fx.count,
                name,
                floor_us,
                us(load),
                us(check),
                us(total),
                median(ratios[p].clone())
            );
            per_cert[p].push((fx.count, us(total)));
        }
    }
    for ((name, _), per_cert) in pools.iter().zip(&per_cert) {
        if let (Some(first), Some(last)) = (per_cert.first(), per_cert.last()) {
            if last.0 > first.0 {
                println!(
                    "slope, jobs {name}: time per certificate at {} / at {} = {:.2} (1 = linear; {:.0} would be quadratic)",
                    last.0,
                    first.0,
                    last.1 / first.1,
                    last.0 as f64 / first.0 as f64
                );
            }
        }
    }
}
