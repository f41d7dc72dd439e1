//! topocert-report: every output format (the `FORMATS` registry and one renderer per format,
//! the HTML report and its SVG graph), the plan as text and its request files. It only formats
//! what topocert-check decided: it never decides a status, never reads inputs and never exits.

pub mod plan;
pub mod report;

// The lower crates' modules under their names in topocert, so `crate::check::…` paths resolve.
use topocert_base::{output, snippet, source, term, time, usage};
use topocert_check::{check, checked, diff, finding, outcome, required, rules};
#[cfg(test)]
use topocert_topology::topology;
use topocert_topology::{graph, model, servers};
use topocert_x509::certs;
