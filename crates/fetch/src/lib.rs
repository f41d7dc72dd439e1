//! topocert-fetch: reading the chains the checked servers present over TLS (rustls with a
//! recording verifier that trusts nothing), the fetched-folder layout and `manifest.csv`. It
//! returns data and never exits; it knows nothing of the rules' judgements, the command line or
//! output formats (only the progress bar draws, on a terminal's standard error).

pub mod fetch;

// The lower crates' modules under their names in topocert, so `crate::certs::…` paths resolve.
use topocert_base::{escape, input, time};
use topocert_check::check;
use topocert_topology::{graph, model};
use topocert_x509::certs;
#[cfg(test)]
use topocert_x509::test_pki;
