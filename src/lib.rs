//! topocert: certificate readiness checks for Lync Server 2013 / Skype for Business Server
//! Persistent Chat file upload/download servers.
//!
//! Pipeline: [`topology`] reads a topology export into the [`model`]; [`graph`] builds the
//! server graph and finds the file upload/download servers; [`certs`] loads certificates;
//! [`rules`] make [`finding`]s; [`outcome`] decides every server's status and the verdict once;
//! [`app`] runs each command; [`report`] renders results; [`cli`] maps the command line.

pub use topocert_base::{input, output, snippet, term, time};
pub use topocert_topology::{graph, model, servers, topology};
pub use topocert_x509::certs;

pub mod app;
pub mod check;
pub mod citation;
pub mod cli;
pub mod config;
pub mod diff;
pub mod error;
pub mod explain;
pub mod fetch;
pub mod finding;
pub mod gate;
pub mod outcome;
pub mod plan;
pub mod report;
pub mod required;
pub mod rules;

#[cfg(test)]
pub(crate) mod test_pki;
