//! Writes a synthetic, realistic topology (see `topocert_testkit::synth`).
//!
//! `cargo run --release --example gen-topology -- --out big.xml --sites 20 --pools-per-site 5
//! --machines-per-pool 4 --pchat --certs certs/ --faulty-share 0.2`; then
//! `topocert check big.xml --certs certs/certs --ca certs/ca.cer` shows the planned faults.

use clap::Parser;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use topocert::model::TopologyFormat;
use topocert_testkit::synth::{plan_certificates, write_topology, SynthOptions, SynthSummary};

#[path = "../benches/support/synth_certs.rs"]
mod synth_certs;

/// Generate a Lync Server 2013 / Skype for Business topology for tests and benchmarks.
#[derive(Parser)]
struct Args {
    /// File to write.
    #[arg(long)]
    out: PathBuf,
    /// Central sites.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    sites: u32,
    /// Front End pools per site.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pools_per_site: u32,
    /// Machines per Front End, Edge and Persistent Chat pool.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..))]
    machines_per_pool: u32,
    /// Add a Persistent Chat pool to every site.
    #[arg(long)]
    pchat: bool,
    /// Write the Topology Builder (.tbxml) form instead of a published topology.
    #[arg(long)]
    tbxml: bool,
    /// Write UTF-16LE with a byte order mark.
    #[arg(long)]
    utf16: bool,
    /// Seed for GUIDs, names, addresses and the certificate plan.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Directory for the certificates: `ca.cer`, `certs/<fqdn>.cer` per file upload/download and
    /// Persistent Chat server (a planned share of them faulty), and `manifest.csv` (fqdn, role,
    /// fault). Check them with `topocert check OUT --certs DIR/certs --ca DIR/ca.cer`.
    #[arg(long)]
    certs: Option<PathBuf>,
    /// Share of certificate machines whose certificate should be faulty (0 to 1).
    #[arg(long, default_value_t = 0.2, value_parser = parse_share, requires = "certs")]
    faulty_share: f64,
}

fn parse_share(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("{s} is not a number between 0 and 1")),
    }
}

fn run(args: &Args) -> std::io::Result<SynthSummary> {
    let opts = SynthOptions {
        sites: args.sites as usize,
        pools_per_site: args.pools_per_site as usize,
        machines_per_pool: args.machines_per_pool as usize,
        pchat: args.pchat,
        format: if args.tbxml {
            TopologyFormat::TopologyBuilder
        } else {
            TopologyFormat::Published
        },
        utf16: args.utf16,
        seed: args.seed,
        ..SynthOptions::default()
    };
    let mut w = BufWriter::with_capacity(1 << 20, File::create(&args.out)?);
    let summary = write_topology(&mut w, &opts)?;
    w.flush()?;
    if let Some(dir) = &args.certs {
        std::fs::create_dir_all(dir)?;
        let mut m = BufWriter::new(File::create(dir.join("manifest.csv"))?);
        writeln!(m, "fqdn,role,fault")?;
        let plan = plan_certificates(&summary, args.seed, args.faulty_share);
        for ((fqdn, fault), (_, role)) in plan.iter().zip(&summary.cert_machines) {
            writeln!(m, "{fqdn},{},{}", role.as_str(), fault.as_str())?;
        }
        m.flush()?;
        synth_certs::write_certificates(dir, &plan, &std::fs::read(&args.out)?)?;
    }
    Ok(summary)
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(s) => {
            eprintln!(
                "{}: {} bytes, {} sites, {} pools, {} machines, {} services, {} certificate machines",
                args.out.display(),
                s.bytes,
                s.sites,
                s.pools,
                s.machines,
                s.services,
                s.cert_machines.len()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen-topology: {}: {e}", args.out.display());
            ExitCode::FAILURE
        }
    }
}
