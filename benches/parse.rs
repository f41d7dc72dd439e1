//! Parse throughput against a raw quick-xml scan, and peak memory, on synthetic topologies.
//!
//! `cargo bench --bench parse` (sizes in MB can be overridden: `TOPOCERT_BENCH_MB=1,10`; rounds per
//! size: `TOPOCERT_BENCH_ROUNDS`).
//! A plain `main` timing with `Instant`: raw scan and full parse run in alternation, and the
//! ratio printed is the median of the per-round ratios.

#[path = "support/raw_scan.rs"]
mod raw_scan;

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use topocert::graph::ServerGraph;
use topocert::model::{SourceText, Topology};
use topocert_testkit::synth::{write_topology, SynthOptions};

/// Counts live heap bytes and their high-water mark, only while `COUNTING` is set: two shared
/// atomic updates on every allocation of both threads would slow the full parse (which
/// allocates its model) and not the raw scan (which does not), so the timed runs go uncounted.
struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
/// Bytes allocated less bytes freed while counting (below zero when more was freed).
static CURRENT: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

fn changed(by: isize) {
    if COUNTING.load(Ordering::Relaxed) {
        let now = CURRENT.fetch_add(by, Ordering::Relaxed) + by;
        PEAK.fetch_max(now, Ordering::Relaxed);
    }
}

fn signed(bytes: usize) -> isize {
    isize::try_from(bytes).unwrap_or(isize::MAX)
}

// SAFETY: every call is forwarded unchanged to the system allocator; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            changed(signed(layout.size()));
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            changed(signed(layout.size()));
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) };
        changed(-signed(layout.size()));
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            changed(signed(new_size) - signed(layout.size()));
        }
        p
    }
}

/// The most heap `f` holds at once above what was allocated before it, in bytes.
fn peak_heap_of(f: impl FnOnce()) -> usize {
    CURRENT.store(0, Ordering::SeqCst);
    PEAK.store(0, Ordering::SeqCst);
    COUNTING.store(true, Ordering::SeqCst);
    f();
    COUNTING.store(false, Ordering::SeqCst);
    usize::try_from(PEAK.load(Ordering::SeqCst)).unwrap_or(0)
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

/// Medians of the raw scan, of the full parse on every core, of the full parse on one thread,
/// and of the ratios of the latter two to the scan, over `iters` rounds. In each round the
/// three run one after the other, each on a fresh copy of the bytes made just before (so all
/// start from the same cache state) and on the same machine state (this machine is shared and
/// its speed drifts from minute to minute).
fn time_rounds<O: Send>(
    iters: usize,
    bytes: &[u8],
    raw: impl Fn(&[u8]) -> usize,
    full: impl Fn(Vec<u8>) -> O + Sync,
) -> [(Duration, f64); 3] {
    let one_thread = match rayon::ThreadPoolBuilder::new().num_threads(1).build() {
        Ok(pool) => pool,
        Err(e) => {
            eprintln!("no thread pool: {e}");
            std::process::exit(1);
        }
    };
    let input = || bytes.to_vec();
    let raw_run = |b: Vec<u8>| (raw(&b), b);
    let single = |b: Vec<u8>| one_thread.install(|| full(b));
    drop(black_box(raw_run(input())));
    drop(black_box(full(input())));
    drop(black_box(single(input())));
    let rounds: Vec<[Duration; 3]> = (0..iters)
        .map(|_| {
            [
                once(&input, &raw_run),
                once(&input, &full),
                once(&input, &single),
            ]
        })
        .collect();
    std::array::from_fn(|i| {
        let mut ratios: Vec<f64> = rounds
            .iter()
            .map(|r| r[i].as_secs_f64() / r[0].as_secs_f64())
            .collect();
        ratios.sort_by(f64::total_cmp);
        (
            median(rounds.iter().map(|r| r[i]).collect()),
            ratios[ratios.len() / 2],
        )
    })
}

fn main() {
    let sizes: Vec<f64> = std::env::var("TOPOCERT_BENCH_MB")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1.0, 10.0, 100.0]);
    println!(
        "full: on every core ({} threads); 1 thread: on a pool of one, as with --jobs 1",
        rayon::current_num_threads()
    );
    println!(
        "{:>8} {:>6} {:>9} {:>9} {:>9} {:>9} {:>7} {:>10} {:>9} {:>10}",
        "size MB",
        "iters",
        "raw ms",
        "raw MB/s",
        "full ms",
        "full MB/s",
        "ratio",
        "1thread ms",
        "ratio",
        "full ms/MB"
    );
    let mut memory = None;
    let mut steps = Vec::new();
    let mut points = Vec::new();
    for &mb in &sizes {
        let bytes = topology_of(mb);
        let size = bytes.len() as f64 / MB;
        // rounds enough that the median ratio holds on a shared machine, whose speed drifts
        let iters = std::env::var("TOPOCERT_BENCH_ROUNDS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(if size < 5.0 {
                21
            } else if size < 50.0 {
                15
            } else {
                11
            });
        let [(raw, _), (full, ratio), (single, single_ratio)] =
            time_rounds(iters, &bytes, raw_scan::raw_scan, full_parse);
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "{:>8.1} {:>6} {:>9.1} {:>9.0} {:>9.1} {:>9.0} {:>7.2} {:>10.1} {:>9.2} {:>10.2}",
            size,
            iters,
            ms(raw),
            size / raw.as_secs_f64(),
            ms(full),
            size / full.as_secs_f64(),
            ratio,
            ms(single),
            single_ratio,
            ms(full) / size
        );
        points.push((size, full.as_secs_f64(), raw.as_secs_f64()));
        let runs: Vec<[Duration; 5]> = (0..iters).map(|_| phases(bytes.clone())).collect();
        steps.push((
            size,
            std::array::from_fn::<_, 5, _>(|i| median(runs.iter().map(|r| r[i]).collect())),
        ));
        if mb == sizes.iter().copied().fold(0.0, f64::max) {
            let input = bytes.clone();
            let extra = peak_heap_of(|| drop(black_box(full_parse(input))));
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
