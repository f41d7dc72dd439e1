//! The synthetic topology generator produces exactly what the reader then finds.

use crate::support;

use topocert::graph::{PoolKind, ServerGraph};
use topocert::model::TopologyFormat;
use topocert_testkit::synth::{write_topology, CertRole, SynthOptions, SynthSummary};

fn generate(opts: &SynthOptions) -> (Vec<u8>, SynthSummary) {
    let mut bytes = Vec::new();
    let summary = write_topology(&mut bytes, opts).expect("writing to a Vec cannot fail");
    assert_eq!(summary.bytes, bytes.len() as u64);
    (bytes, summary)
}

fn check(opts: &SynthOptions) {
    let (bytes, summary) = generate(opts);
    let topo =
        topocert::topology::load_bytes("synthetic", &bytes).expect("generated topology loads");
    assert!(topo.problems.is_empty(), "problems: {:?}", topo.problems);
    assert_eq!(topo.format, opts.format);
    let k = opts.machines_per_pool;
    let per_site_pools = opts.pools_per_site + 3 + usize::from(opts.pchat);
    let single = |n: usize| if n == 1 { 1 } else { n };
    let per_site_machines =
        opts.pools_per_site * single(k) + 2 + single(k) * (1 + usize::from(opts.pchat));
    assert_eq!(topo.sites.len(), opts.sites);
    assert_eq!(topo.pools.len(), opts.sites * per_site_pools);
    assert_eq!(topo.machines.len(), opts.sites * per_site_machines);
    assert_eq!(topo.sql_instances.len(), opts.sites);
    assert_eq!(
        topo.services.len(),
        opts.sites * (4 * opts.pools_per_site + 3 + 2 * usize::from(opts.pchat))
    );
    assert_eq!(
        (
            summary.sites,
            summary.pools,
            summary.machines,
            summary.sql_instances,
            summary.services
        ),
        (
            topo.sites.len(),
            topo.pools.len(),
            topo.machines.len(),
            topo.sql_instances.len(),
            topo.services.len()
        )
    );

    let graph = ServerGraph::build(&topo);
    let kinds = |kind| graph.pool_kinds.iter().filter(|&&k| k == kind).count();
    assert_eq!(kinds(PoolKind::FrontEnd), opts.sites * opts.pools_per_site);
    assert_eq!(kinds(PoolKind::Sql), opts.sites);
    assert_eq!(kinds(PoolKind::FileStore), opts.sites);
    assert_eq!(kinds(PoolKind::Edge), opts.sites);
    let pchat_sites = if opts.pchat { opts.sites } else { 0 };
    assert_eq!(kinds(PoolKind::PersistentChat), pchat_sites);
    assert_eq!(graph.file_transfer_machines.len(), pchat_sites * k);
    assert_eq!(graph.pchat_machines.len(), pchat_sites * k);
    assert_eq!(summary.count(CertRole::FileTransfer), pchat_sites * k);
    assert_eq!(summary.count(CertRole::PersistentChat), pchat_sites * k);
    assert_eq!(graph.unassociated_pchat_pools().count(), 0);

    // The summary names exactly the machines the graph found.
    let names = |set: &std::collections::BTreeSet<topocert::model::MachineIdx>| {
        let mut v: Vec<String> = set
            .iter()
            .map(|m| topo.machines[m.0].fqdn.folded().to_string())
            .collect();
        v.sort();
        v
    };
    let expected = |role| {
        let mut v: Vec<String> = summary
            .cert_machines
            .iter()
            .filter(|m| m.1 == role)
            .map(|m| m.0.to_ascii_lowercase())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        names(&graph.file_transfer_machines),
        expected(CertRole::FileTransfer)
    );
    assert_eq!(
        names(&graph.pchat_machines),
        expected(CertRole::PersistentChat)
    );
}

fn opts(format: TopologyFormat, utf16: bool) -> SynthOptions {
    SynthOptions {
        sites: 3,
        pools_per_site: 2,
        machines_per_pool: 3,
        pchat: true,
        format,
        utf16,
        seed: 42,
        ..SynthOptions::default()
    }
}

#[test]
fn published_topology_reads_back() {
    check(&opts(TopologyFormat::Published, false));
}

#[test]
fn topology_builder_file_reads_back() {
    check(&opts(TopologyFormat::TopologyBuilder, false));
}

#[test]
fn utf16_files_read_back_in_both_schemas() {
    check(&opts(TopologyFormat::Published, true));
    check(&opts(TopologyFormat::TopologyBuilder, true));
}

#[test]
fn single_machine_pools_and_no_persistent_chat() {
    for format in [TopologyFormat::Published, TopologyFormat::TopologyBuilder] {
        check(&SynthOptions {
            machines_per_pool: 1,
            ..opts(format, false)
        });
        check(&SynthOptions {
            pchat: false,
            ..opts(format, false)
        });
    }
}

#[test]
fn output_is_deterministic_per_seed_and_uses_crlf() {
    let o = opts(TopologyFormat::TopologyBuilder, false);
    let (a, _) = generate(&o);
    let (b, _) = generate(&o);
    assert_eq!(a, b);
    let (c, _) = generate(&SynthOptions { seed: 43, ..o });
    assert_ne!(a, c);
    let text = std::str::from_utf8(&a).expect("UTF-8");
    assert!(text.ends_with("\r\n"));
    assert_eq!(text.matches('\n').count(), text.matches("\r\n").count());
}

#[test]
fn utf16_output_has_a_bom() {
    let (bytes, _) = generate(&opts(TopologyFormat::Published, true));
    assert_eq!(&bytes[..4], &[0xFF, 0xFE, b'<', 0]);
}

#[test]
fn zero_counts_are_rejected() {
    let mut sink = Vec::new();
    let err = write_topology(
        &mut sink,
        &SynthOptions {
            sites: 0,
            ..SynthOptions::default()
        },
    )
    .expect_err("zero sites");
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
}

use crate::synth_certs;

/// The generator's faulty certificates: `check` finds exactly the planned fault on exactly the
/// planned servers, and nothing on the others.
#[test]
fn planned_certificate_faults_are_exactly_what_check_finds() {
    use std::collections::BTreeMap;
    let opts = SynthOptions {
        sites: 3,
        pools_per_site: 2,
        machines_per_pool: 3,
        pchat: true,
        seed: 77,
        ..SynthOptions::default()
    };
    let (bytes, summary) = generate(&opts);
    let plan = topocert_testkit::synth::plan_certificates(&summary, 77, 0.5);
    assert!(plan
        .iter()
        .any(|(_, f)| *f != topocert_testkit::synth::Fault::None));
    assert!(plan
        .iter()
        .any(|(_, f)| *f == topocert_testkit::synth::Fault::None));
    let dir = tempfile::tempdir().expect("tmp");
    let (certs, ca) =
        synth_certs::write_certificates(dir.path(), &plan, &bytes).expect("certificates");
    let topo_path = dir.path().join("t.xml");
    std::fs::write(&topo_path, &bytes).expect("write");

    let out = support::topocert()
        .args(["check", topo_path.to_str().expect("utf-8"), "--certs"])
        .arg(&certs)
        .arg("--ca")
        .arg(&ca)
        .args(["--now", "2026-12-01T00:00:00Z", "--format", "json"])
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in v["findings"].as_array().expect("findings") {
        let server = f["server"]
            .as_str()
            .expect("every finding names a server")
            .to_string();
        found
            .entry(server)
            .or_default()
            .push(f["rule"].as_str().expect("rule").to_string());
    }
    let expected: BTreeMap<String, Vec<String>> = plan
        .iter()
        .filter_map(|(fqdn, fault)| {
            synth_certs::expected_rule(*fault).map(|r| (fqdn.clone(), vec![r.to_string()]))
        })
        .collect();
    assert_eq!(found, expected);
    assert_eq!(out.status.code(), Some(1));
}

/// `--jobs`: certificate files are read and chains verified on N threads, and the output is
/// the same for every N.
mod jobs {
    use super::{generate, support, synth_certs};
    use std::path::Path;
    use topocert_testkit::synth::{plan_certificates, SynthOptions};

    /// `check --format json` output and exit code with `--jobs N`.
    fn check_json(topology: &Path, certs: &Path, ca: &Path, jobs: &str) -> (Vec<u8>, Option<i32>) {
        let out = support::topocert()
            .arg("check")
            .arg(topology)
            .arg("--certs")
            .arg(certs)
            .arg("--ca")
            .arg(ca)
            .args([
                "--now",
                "2026-12-01T00:00:00Z",
                "--format",
                "json",
                "--jobs",
                jobs,
            ])
            .output()
            .expect("runs");
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (out.stdout, out.status.code())
    }

    #[test]
    fn one_and_two_threads_give_the_same_json_on_the_rules_lab() {
        let lab = support::root().join("sample-topologies/rules-lab");
        let (topology, certs, ca) = (
            lab.join("topology.xml"),
            lab.join("certs"),
            lab.join("ca/fabrikam-issuing-ca.cer"),
        );
        let one = check_json(&topology, &certs, &ca, "1");
        let two = check_json(&topology, &certs, &ca, "2");
        assert_eq!(one.1, Some(1));
        assert!(one.0.len() > 1000);
        assert!(one == two, "--jobs 1 and --jobs 2 differ");
    }

    #[test]
    fn one_and_two_threads_give_the_same_json_on_2000_generated_certificates() {
        let opts = SynthOptions {
            sites: 20,
            pools_per_site: 2,
            machines_per_pool: 50,
            pchat: true,
            seed: 2013,
            ..SynthOptions::default()
        };
        let (bytes, summary) = generate(&opts);
        let plan = plan_certificates(&summary, 2013, 0.2);
        assert_eq!(plan.len(), 2000);
        let dir = tempfile::tempdir().expect("tmp");
        let (certs, ca) =
            synth_certs::write_certificates(dir.path(), &plan, &bytes).expect("certificates");
        let topology = dir.path().join("t.xml");
        std::fs::write(&topology, &bytes).expect("write");
        let one = check_json(&topology, &certs, &ca, "1");
        let two = check_json(&topology, &certs, &ca, "2");
        let v: serde_json::Value = serde_json::from_slice(&one.0).expect("json");
        assert_eq!(v["servers"].as_array().map(Vec::len), Some(2000));
        assert!(one == two, "--jobs 1 and --jobs 2 differ");
    }

    #[test]
    fn zero_jobs_is_refused() {
        let out = support::topocert()
            .args(["check", "t.xml", "--certs", "c", "--jobs", "0"])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2));
    }
}
