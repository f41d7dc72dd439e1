//! One check run: every rule on the servers of a topology ([`run_check`]), and what a command
//! keeps of it ([`Checked`]).

use crate::certs::CertStore;
use crate::check::ca::GivenCa;
use crate::check::{CheckOptions, CheckResult};
use crate::graph::ServerGraph;
use crate::model::Topology;
use crate::outcome::Outcome;

/// A checked topology: the certificates, the rules' findings and the outcome.
#[derive(Debug)]
pub struct Checked {
    /// The certificates read.
    pub store: CertStore,
    /// The check.
    pub result: CheckResult,
    /// Statuses, verdict, gate and exit code.
    pub outcome: Outcome,
    /// The time validity was judged at (unix seconds).
    pub now: i64,
    /// The config file used and the rules ignored or overridden, when any (every output
    /// names them).
    pub settings_note: Option<String>,
}

/// Runs every rule on the servers of a topology: chooses the certificates, resolves the
/// reference CA, and collects the findings.
pub fn run_check(
    topo: &Topology,
    graph: &ServerGraph,
    store: &CertStore,
    given_cas: &[GivenCa],
    options: &CheckOptions,
) -> CheckResult {
    let (servers, reference_ca) = crate::check::prepare(topo, graph, store, given_cas, options);
    let ca_index = crate::check::chain::CaIndex::build(store);
    let chains = walk_chains(&reference_ca, store, &servers, &ca_index);
    let ctx = crate::rules::CheckContext {
        topology: topo,
        graph,
        store,
        servers: &servers,
        reference_ca: &reference_ca,
        options,
        chains,
        ca_index: &ca_index,
        endpoints: Default::default(),
    };
    let findings = crate::rules::run(&ctx);
    let result = CheckResult {
        servers,
        reference_ca,
        findings,
        waived: Vec::new(),
    };
    debug_assert!(result.findings_in_order());
    result
}

/// The chain to the reference CA of every certificate file a checked server uses, walked in
/// parallel (rayon's global pool; each walk verifies signatures). The walks do not depend on
/// one another, so the result is the same for any number of threads.
fn walk_chains<'a>(
    reference_ca: &'a crate::check::ca::CaResolution,
    store: &'a CertStore,
    servers: &[crate::check::CheckedServer],
    ca_index: &crate::check::chain::CaIndex<'a>,
) -> crate::rules::ChainCache<'a> {
    use rayon::prelude::*;
    let mut files: Vec<usize> = servers
        .iter()
        .flat_map(|s| s.certificates.iter().chain(s.assignment()))
        .map(|a| a.file)
        .collect();
    files.sort_unstable();
    files.dedup();
    let walks: Vec<_> = files
        .par_iter()
        .map(|&i| crate::check::ca::chain_to_reference(reference_ca, &store.files[i], ca_index))
        .collect();
    crate::rules::ChainCache(
        files
            .into_iter()
            .zip(walks)
            .map(|(i, w)| (&store.files[i] as *const crate::certs::CertFile, w))
            .collect(),
    )
}
