//! topocert-topology: reading a topology export (published XML, `.tbxml`, config export;
//! decode → scan → build) into the [`model`], the server graph (pools, Persistent Chat links,
//! file upload/download servers) and the server rows. It knows nothing of certificate parsing
//! (only the certificate usages and file sniffing of topocert-base), checks, rules or output
//! formats.

pub mod error;
pub mod graph;
pub mod model;
pub mod servers;
pub mod topology;

// The lower crate's modules under their names in topocert, so `crate::source::…` paths resolve.
use topocert_base::{input, sniff, source, term, usage};
