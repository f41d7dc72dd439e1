//! topocert: certificate readiness checks for Lync Server 2013 / Skype for Business Server
//! Persistent Chat file upload/download servers.
//!
//! Pipeline: [`topology`] reads a topology export into the [`model`]; [`graph`] builds the
//! server graph and finds the file upload/download servers; [`certs`] loads certificates;
//! [`rules`] make [`finding`]s; [`outcome`] decides every server's status and the verdict once;
//! [`app`] runs each command; [`report`] renders results; [`cli`] maps the command line.

pub use topocert_base::{input, output, snippet, source, term, time};
pub use topocert_check::{check, citation, diff, finding, gate, outcome, required, rules};
pub use topocert_topology::{graph, model, servers, topology};
pub use topocert_x509::certs;

pub use topocert_report::{plan, report};

pub mod app;
pub mod cli;
pub mod config;
pub mod error;
pub mod explain;
pub mod fetch;
