//! Parse throughput against a raw quick-xml scan, and peak memory, on synthetic topologies.
//!
//! `cargo bench --bench parse` (sizes in MB can be overridden: `TOPOCERT_BENCH_MB=1,10`).
//! A plain `main` timing with `Instant`: raw scan and full parse run in alternation, and the
//! ratio printed is the median of the per-round ratios.

#[path = "support/raw_scan.rs"]
mod raw_scan;

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use topocert::graph::ServerGraph;
use topocert::model::{SourceText, Topology};
use topocert_testkit::synth::{write_topology, SynthOptions};

/// Counts live heap bytes and their high-water mark.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = CURRENT.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is forwarded unchanged to the system allocator; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const MB: f64 = 1024.0 * 1024.0;

fn shape(sites: usize) -> SynthOptions {
    SynthOptions {
        sites,
        pools_per_site: 4,
        machines_per_pool: 4,
        pchat: true,
        seed: 2013,
        ..SynthOptions::default()
    }
}

fn generate(opts: &SynthOptions) -> Vec<u8> {
    let mut v = Vec::new();
    if let Err(e) = write_topology(&mut v, opts) {
        eprintln!("generating failed: {e}");
        std::process::exit(1);
    }
    v
}

/// A published topology of about `mb` megabytes.
fn topology_of(mb: f64) -> Vec<u8> {
    let one = generate(&shape(1)).len() as f64;
    let two = generate(&shape(2)).len() as f64;
    let per_site = two - one;
    let sites = ((mb * MB - (one - per_site)) / per_site).round().max(1.0) as usize;
    generate(&shape(sites))
}

/// What topocert does with the bytes of a file: decode, scan, build the model and the server
/// graph. The result is returned so that dropping it stays outside the timing.
fn full_parse(bytes: Vec<u8>) -> (Topology, ServerGraph) {
    match topocert::topology::load_vec("bench", bytes) {
        Ok(topo) => {
            let graph = ServerGraph::build(&topo);
            (topo, graph)
        }
        Err(e) => {
            eprintln!("parse failed: {e}");
            std::process::exit(1);
        }
    }
}

/// Times of the four steps of [`full_parse`] and of dropping its result, in that order.
fn phases(bytes: Vec<u8>) -> [Duration; 5] {
    let t = Instant::now();
    let decoded = match topocert::topology::decode::decode_vec(bytes) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("decoding failed: {e}");
            std::process::exit(1);
        }
    };
    let decode = t.elapsed();
    let source = SourceText::new("bench", Arc::new(decoded.text), decoded.encoding);
    let t = Instant::now();
    let raw = match topocert::topology::scan::scan(&source) {
        Ok(raw) => raw,
        Err(e) => {
            eprintln!("scan failed: {e}");
            std::process::exit(1);
        }
    };
    let scan = t.elapsed();
    let t = Instant::now();
    let topo = topocert::topology::build::build(source, raw);
    let build = t.elapsed();
    let t = Instant::now();
    let graph = ServerGraph::build(&topo);
    let graph_time = t.elapsed();
    let t = Instant::now();
    drop(black_box((topo, graph)));
    [decode, scan, build, graph_time, t.elapsed()]
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// One timed run of `f` on a fresh input from `input` (made untimed), its output dropped untimed.
fn once<I, O>(input: &impl Fn() -> I, f: &impl Fn(I) -> O) -> Duration {
    let i = input();
    let t = Instant::now();
    let out = black_box(f(i));
    let elapsed = t.elapsed();
    drop(out);
    elapsed
}

/// Medians of the raw scan, of the full parse and of their ratio over `iters` rounds. In each
/// round both run, one after the other, on a fresh copy of the bytes made just before (so both
/// start from the same cache state) and on the same machine state (this machine is shared and
/// its speed drifts from minute to minute).
fn time_pair<O>(
    iters: usize,
    bytes: &[u8],
    raw: impl Fn(&[u8]) -> usize,
    full: impl Fn(Vec<u8>) -> O,
) -> (Duration, Duration, f64) {
    let input = || bytes.to_vec();
    let raw_run = |b: Vec<u8>| (raw(&b), b);
    drop(black_box(raw_run(input())));
    drop(black_box(full(input())));
    let rounds: Vec<(Duration, Duration)> = (0..iters)
        .map(|_| (once(&input, &raw_run), once(&input, &full)))
        .collect();
    let mut ratios: Vec<f64> = rounds
        .iter()
        .map(|(r, f)| f.as_secs_f64() / r.as_secs_f64())
        .collect();
    ratios.sort_by(f64::total_cmp);
    (
        median(rounds.iter().map(|r| r.0).collect()),
        median(rounds.iter().map(|r| r.1).collect()),
        ratios[ratios.len() / 2],
    )
}

fn main() {
    let sizes: Vec<f64> = std::env::var("TOPOCERT_BENCH_MB")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1.0, 10.0, 100.0]);
    println!(
        "{:>8} {:>6} {:>10} {:>10} {:>10} {:>10} {:>7} {:>10}",
        "size MB", "iters", "raw ms", "raw MB/s", "full ms", "full MB/s", "ratio", "full ms/MB"
    );
    let mut memory = None;
    let mut steps = Vec::new();
    let mut points = Vec::new();
    for &mb in &sizes {
        let bytes = topology_of(mb);
        let size = bytes.len() as f64 / MB;
        let iters = if size < 5.0 {
            21
        } else if size < 50.0 {
            9
        } else {
            5
        };
        let (raw, full, ratio) = time_pair(iters, &bytes, raw_scan::raw_scan, full_parse);
        let (raw_ms, full_ms) = (raw.as_secs_f64() * 1e3, full.as_secs_f64() * 1e3);
        println!(
            "{:>8.1} {:>6} {:>10.1} {:>10.0} {:>10.1} {:>10.0} {:>7.2} {:>10.2}",
            size,
            iters,
            raw_ms,
            size / raw.as_secs_f64(),
            full_ms,
            size / full.as_secs_f64(),
            ratio,
            full_ms / size
        );
        points.push((size, full.as_secs_f64(), raw.as_secs_f64()));
        let runs: Vec<[Duration; 5]> = (0..iters).map(|_| phases(bytes.clone())).collect();
        steps.push((
            size,
            std::array::from_fn::<_, 5, _>(|i| median(runs.iter().map(|r| r[i]).collect())),
        ));
        if mb == sizes.iter().copied().fold(0.0, f64::max) {
            let input = bytes.clone();
            let before = CURRENT.load(Ordering::Relaxed);
            PEAK.store(before, Ordering::Relaxed);
            drop(black_box(full_parse(input)));
            let extra = PEAK.load(Ordering::Relaxed).saturating_sub(before);
            memory = Some((bytes.len(), extra));
        }
    }
    if let (Some(first), Some(last)) = (points.first(), points.last()) {
        if last.0 > first.0 {
            let slope = |t1: f64, t0: f64| (t1 / t0).ln() / (last.0 / first.0).ln();
            println!(
                "slope of time against size from {:.1} to {:.1} MB (1.00 = linear): full {:.2}, raw {:.2}",
                first.0,
                last.0,
                slope(last.1, first.1),
                slope(last.2, first.2)
            );
        }
    }
    println!(
        "\n{:>8} {:>10} {:>10} {:>10} {:>10} {:>10}",
        "size MB", "decode ms", "scan ms", "build ms", "graph ms", "drop ms"
    );
    for (size, [decode, scan, build, graph, dropped]) in steps {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "{:>8.1} {:>10.2} {:>10.2} {:>10.2} {:>10.2} {:>10.2}",
            size,
            ms(decode),
            ms(scan),
            ms(build),
            ms(graph),
            ms(dropped)
        );
    }
    if let Some((len, extra)) = memory {
        println!(
            "peak heap during load_vec + ServerGraph::build on {:.1} MB: {:.1} MB above the input = {:.2}x the file size",
            len as f64 / MB,
            extra as f64 / MB,
            extra as f64 / len as f64
        );
    }
}
