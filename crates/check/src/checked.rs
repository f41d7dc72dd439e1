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
    let ctx = crate::rules::CheckContext {
        topology: topo,
        graph,
        store,
        servers: &servers,
        reference_ca: &reference_ca,
        options,
        chains: Default::default(),
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
