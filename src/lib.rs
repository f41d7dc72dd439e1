//! topocert: certificate readiness checks for Lync Server 2013 / Skype for Business Server
//! Persistent Chat file upload/download servers.
//!
//! Pipeline: [`topology`] reads a topology export into the [`model`]; [`graph`] builds the
//! server graph and finds the file upload/download servers; `certs` loads certificates; `rules`
//! check them; `report` renders the results.

pub mod error;
pub mod graph;
pub mod model;
pub mod synth;
pub mod topology;
