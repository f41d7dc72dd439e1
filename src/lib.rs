//! topocert: certificate readiness checks for Lync Server 2013 / Skype for Business Server
//! Persistent Chat file upload/download servers.
//!
//! Pipeline: [`topology`] reads a topology export into the [`model`]; [`graph`] builds the
//! server graph and finds the file upload/download servers; [`certs`] loads certificates;
//! [`report`] renders results; [`cli`] wires it to the command line.

pub mod certs;
pub mod check;
pub mod cli;
pub mod diff;
pub mod error;
pub mod explain;
pub mod fetch;
pub mod gate;
pub mod graph;
pub mod model;
pub mod plan;
pub mod report;
pub mod rules;
pub mod servers;
pub mod synth;
pub mod time;
pub mod topology;
