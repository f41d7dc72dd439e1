//! topocert-check: which servers are checked and which names they need (with the requirement
//! each rests on), certificate assignment, the reference CA and chains, the rules and their
//! findings, the one outcome (statuses, verdict, gate, baseline), the plan data and topology
//! diffs. It knows nothing of the command line, TLS, configuration files or output formats: it
//! returns typed data and never prints or exits.

pub mod check;
pub mod checked;
pub mod citation;
pub mod diff;
pub mod finding;
pub mod gate;
pub mod outcome;
pub mod plan;
pub mod required;
pub mod rules;
#[cfg(test)]
mod test_pki;

// The lower crates' modules under their names in topocert, so `crate::certs::…` paths resolve.
use topocert_base::{escape, input, time, usage};
#[cfg(test)]
use topocert_topology::topology;
use topocert_topology::{graph, model};
use topocert_x509::certs;
