//! Growth with the number of machines: each command, run through the library as the CLI runs
//! it, against raw baselines over the same inputs, with the log–log slope of each.
//!
//! `cargo bench --bench scale` times topologies of about 1k, 4k and 16k machines (also 64k and
//! 100k with `TOPOCERT_BENCH_LARGE=1`; any list with `TOPOCERT_BENCH_MACHINES=1000,8000`), every
//! certificate machine with a certificate (20 % faulty; generated once under
//! target/bench-certs, shared with `benches/check.rs`). In every round each step runs once, one
//! after the other, so that all see the same machine state; the figures are medians over the
//! rounds. The steps:
//! - `scan` (baseline): `from_utf8` and every quick-xml event of the topology bytes;
//! - `floor` (baseline): read every certificate file, parse it with x509-parser and verify its
//!   signature with the CA's key (the floor for any certificate checker);
//! - `load`: the topology model and its server graph;
//! - `servers`: `servers --format json` (rows and JSON);
//! - `check`: `check --format json` (load the certificates, run the check, decide the outcome,
//!   render);
//! - `report`: the HTML renderer on that check;
//! - `plan`: `plan --format json` without certificates (`plan::build` and JSON);
//! - `diff`: `diff --format json` of the topology against itself with one machine removed.
//!
//! The steps after `load` start from the loaded topology. The slope is
//! ln(t_largest / t_smallest) / ln(machines_largest / machines_smallest): 1 is linear, 2
//! quadratic; each command's is printed next to its baseline's (`floor` for `check`, `scan`
//! for the others). Nothing is asserted about time.

#[path = "support/cert_floor.rs"]
mod cert_floor;
#[path = "support/raw_scan.rs"]
mod raw_scan;
#[path = "support/synth_certs.rs"]
mod synth_certs;

use cert_floor::{fail, floor, shape};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use topocert::app::{CertificateInputs, GateInputs, Loaded};
use topocert::graph::ServerGraph;
use topocert::report::{CommandOutput, View};
use topocert_testkit::synth::{plan_certificates, write_topology};

struct Fixture {
    machines: usize,
    topology: Vec<u8>,
    /// The topology without one machine (the NEW side of `diff`).
    smaller: Vec<u8>,
    certs: PathBuf,
    ca: PathBuf,
    certificates: usize,
}

fn generate(sites: usize) -> (Vec<u8>, topocert_testkit::synth::SynthSummary) {
    let mut topology = Vec::new();
    let summary = write_topology(&mut topology, &shape(sites)).unwrap_or_else(|e| fail(e));
    (topology, summary)
}

/// The bytes without the second machine of the middle pool that has one.
fn without_one_machine(topology: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(topology).unwrap_or_else(|e| fail(e));
    let second: Vec<usize> = text
        .match_indices("<Machine OrdinalInCluster=\"2\"")
        .map(|(i, _)| i)
        .collect();
    let Some(&start) = second.get(second.len() / 2) else {
        fail("no pool with two machines")
    };
    let end_tag = "</Machine>";
    let Some(end) = text[start..]
        .find(end_tag)
        .map(|e| start + e + end_tag.len())
    else {
        fail("unclosed machine")
    };
    let mut out = Vec::with_capacity(topology.len());
    out.extend_from_slice(&topology[..start]);
    out.extend_from_slice(&topology[end..]);
    out
}

fn fixture(root: &Path, machines: usize, per_site: usize) -> Fixture {
    let sites = machines.div_ceil(per_site).max(1);
    let (topology, summary) = generate(sites);
    let plan = plan_certificates(&summary, 2013, 0.2);
    let dir = root.join(format!("n{}", plan.len()));
    let (certs, ca) = if dir.join("ca.cer").is_file() {
        (dir.join("certs"), dir.join("ca.cer"))
    } else {
        eprintln!("generating {} certificates…", plan.len());
        synth_certs::write_certificates(&dir, &plan, &topology).unwrap_or_else(|e| fail(e))
    };
    Fixture {
        machines: summary.machines,
        smaller: without_one_machine(&topology),
        topology,
        certs,
        ca,
        certificates: plan.len(),
    }
}

fn load(bytes: &[u8]) -> Loaded {
    let topology = topocert::topology::load_bytes("bench.xml", bytes).unwrap_or_else(|e| fail(e));
    let graph = ServerGraph::build(&topology);
    Loaded { topology, graph }
}

fn render(command: CommandOutput, format: &str, view: &View<'_>) -> usize {
    let Some(f) = topocert::report::find(command, format) else {
        fail(format!("no format {format}"))
    };
    let mut written = Counted(0);
    (f.render)(view, &mut written).unwrap_or_else(|e| fail(e));
    written.0
}

/// A writer that counts what it is given (the output is written as it is made, as the CLI
/// writes it, and then dropped).
struct Counted(usize);

impl std::io::Write for Counted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const STEPS: [&str; 8] = [
    "scan", "floor", "load", "servers", "check", "report", "plan", "diff",
];

/// One round: every step once, in order; the times in the order of [`STEPS`].
fn round(fx: &Fixture, ca_der: &[u8], certs: &CertificateInputs) -> [Duration; 8] {
    let mut times = [Duration::ZERO; 8];
    let mut timed = |i: usize, f: &mut dyn FnMut() -> usize| {
        let t = Instant::now();
        black_box(f());
        times[i] = t.elapsed();
    };
    let mut quiet = |_: miette::Report| {};
    let gate = GateInputs::default();
    timed(0, &mut || raw_scan::raw_scan(&fx.topology));
    timed(1, &mut || floor(&fx.certs, ca_der));
    let mut loaded = None;
    timed(2, &mut || {
        let l = load(&fx.topology);
        let n = l.topology.machines.len();
        loaded = Some(l);
        n
    });
    let Some(l) = loaded else { fail("not loaded") };
    let name = "bench.xml";
    timed(3, &mut || {
        render(
            CommandOutput::Servers,
            "json",
            &View::new(&l.topology, name, &l.graph),
        )
    });
    let mut checked = None;
    timed(4, &mut || {
        let c = topocert::app::check(&l, certs, &gate, &mut quiet).unwrap_or_else(|e| fail(e.0));
        let view = View {
            checked: Some(&c),
            ..View::new(&l.topology, name, &l.graph)
        };
        let n = render(CommandOutput::Check, "json", &view);
        checked = Some(c);
        n
    });
    let Some(c) = checked else {
        fail("not checked")
    };
    if c.result.servers.len() != fx.certificates {
        fail(format!(
            "{} servers checked for {} certificates",
            c.result.servers.len(),
            fx.certificates
        ));
    }
    timed(5, &mut || {
        let view = View {
            checked: Some(&c),
            ..View::new(&l.topology, name, &l.graph)
        };
        render(CommandOutput::Report, "html", &view)
    });
    let none = CertificateInputs::default();
    timed(6, &mut || {
        let (plan, _) =
            topocert::app::plan(&l, &none, &gate, &mut quiet).unwrap_or_else(|e| fail(e.0));
        let view = View {
            plan: Some(&plan),
            ..View::new(&l.topology, name, &l.graph)
        };
        render(CommandOutput::Plan, "json", &view)
    });
    // NEW is loaded outside the timing, as OLD is: the step is the comparison and its output.
    let new = load(&fx.smaller);
    timed(7, &mut || {
        let (d, _) =
            topocert::app::diff(&l, &new, &none, &gate, &mut quiet).unwrap_or_else(|e| fail(e.0));
        let view = View {
            diff: Some(topocert::report::DiffView {
                diff: &d,
                old_name: name,
                new_name: "smaller.xml",
            }),
            ..View::new(&new.topology, "smaller.xml", &new.graph)
        };
        render(CommandOutput::Diff, "json", &view)
    });
    times
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let mut counts: Vec<usize> = std::env::var("TOPOCERT_BENCH_MACHINES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 4_000, 16_000]);
    if std::env::var_os("TOPOCERT_BENCH_LARGE").is_some_and(|v| v == "1") {
        counts.extend([64_000, 100_000]);
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-certs");
    let per_site = generate(2).1.machines - generate(1).1.machines;
    println!(
        "{:>8} {:>6} {:>6} {}",
        "machines",
        "certs",
        "rounds",
        STEPS.map(|s| format!("{:>11}", format!("{s} ms"))).join("")
    );
    let mut rows: Vec<(usize, [Duration; 8])> = Vec::new();
    for &wanted in &counts {
        let fx = fixture(&root, wanted, per_site);
        let ca_der = std::fs::read(&fx.ca).unwrap_or_else(|e| fail(e));
        let certs = CertificateInputs {
            certs: Some(fx.certs.clone()),
            ca: vec![fx.ca.clone()],
            now: Some(1_796_083_200), // 2026-12-01T00:00:00Z
            expiry_warn_days: 30,
            ..CertificateInputs::default()
        };
        let rounds = if fx.machines <= 2_000 {
            15
        } else if fx.machines <= 5_000 {
            9
        } else if fx.machines <= 20_000 {
            5
        } else {
            3
        };
        // One untimed round first: file cache, allocator, and the check of the fixture.
        black_box(round(&fx, &ca_der, &certs));
        let runs: Vec<[Duration; 8]> = (0..rounds).map(|_| round(&fx, &ca_der, &certs)).collect();
        let med: [Duration; 8] =
            std::array::from_fn(|i| median(runs.iter().map(|r| r[i]).collect()));
        println!(
            "{:>8} {:>6} {:>6} {}",
            fx.machines,
            fx.certificates,
            rounds,
            med.map(|d| format!("{:>10.1}", d.as_secs_f64() * 1e3))
                .join("")
        );
        rows.push((fx.machines, med));
    }
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return;
    };
    if last.0 <= first.0 {
        return;
    }
    let slope = |i: usize| {
        (last.1[i].as_secs_f64() / first.1[i].as_secs_f64()).ln()
            / (last.0 as f64 / first.0 as f64).ln()
    };
    println!(
        "\nlog–log slope of time against machines, {} to {} (1.00 = linear, 2.00 = quadratic):",
        first.0, last.0
    );
    println!("{:>10} slope {:.2}", STEPS[0], slope(0));
    println!("{:>10} slope {:.2}", STEPS[1], slope(1));
    for (i, step) in STEPS.iter().enumerate().skip(2) {
        let base = if *step == "check" { 1 } else { 0 };
        println!(
            "{:>10} slope {:.2} (baseline {:.2}, {})",
            step,
            slope(i),
            slope(base),
            STEPS[base]
        );
    }
}
