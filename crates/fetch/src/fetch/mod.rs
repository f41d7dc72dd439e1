//! Live certificates: `topocert fetch` and `--fetch` read the chain every checked server
//! presents on its TLS ports, instead of (or as well as) certificate files.
//!
//! [`endpoints::plan`] lists the endpoints (ports from the topology, the Lync defaults or
//! `--port`), [`runner::run`] fetches them concurrently with `tls::Capturer`, and the
//! results go to a folder ([`layout::write_dir`], with [`manifest`]) or straight into a
//! [`crate::certs::CertStore`] ([`layout::add_to`]). What is sent on the wire: docs/fetch.md.
//! A server name that is not a [`DnsName`] is never connected to nor used as a file name.

pub mod capture;
pub mod dns_name;
pub mod endpoints;
pub mod layout;
pub mod manifest;
pub mod options;
pub mod progress;
pub mod runner;
pub mod tls;

#[cfg(test)]
mod origin_tests;

pub use capture::{Capture, Cause, EndpointRecord, EndpointResult, Failure};
pub use dns_name::{DnsName, NameError};
pub use endpoints::{Endpoint, PortFrom};
pub use options::{FetchOptions, PortOverride, ResolveOverride};
pub use progress::Progress;

use crate::graph::ServerGraph;
use crate::model::Topology;

/// Plans and fetches every endpoint of the checked servers, telling `progress` as it goes.
pub fn fetch(
    topo: &Topology,
    graph: &ServerGraph,
    options: &FetchOptions,
    progress: &mut dyn Progress,
) -> Vec<EndpointResult> {
    let endpoints = endpoints::plan(topo, graph, options);
    progress.start(endpoints.len());
    let results = runner::run(endpoints, options, &mut |r| progress.finished(r));
    progress.end();
    results
}

/// `--fetch`: the fetched certificates added to those of `--certs`/`--inventory` (if any).
pub fn add_fetched(
    loaded: Option<crate::check::LoadedCertificates>,
    results: &[EndpointResult],
) -> crate::check::LoadedCertificates {
    let mut loaded = loaded.map_or_else(
        || crate::check::LoadedCertificates {
            store: crate::certs::CertStore::default(),
            sources: crate::check::CertSources::Fetched(None),
            other_uses: 0,
        },
        |l| crate::check::LoadedCertificates {
            sources: crate::check::CertSources::Fetched(Some(Box::new(l.sources))),
            ..l
        },
    );
    layout::add_to(results, &mut loaded.store);
    loaded
}

/// Counts of a fetch, for its summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Endpoints tried.
    pub endpoints: usize,
    /// Endpoints that presented a certificate and proved they hold its key.
    pub captured: usize,
    /// Servers tried.
    pub servers: usize,
    /// Servers of which no endpoint presented a certificate with proof of its key.
    pub unreached_servers: usize,
}

impl Summary {
    /// The counts of `results`.
    pub fn of(results: &[EndpointResult]) -> Summary {
        let mut reached = std::collections::BTreeMap::new();
        for r in results {
            let ok = matches!(r.capture, Capture::Captured(_));
            *reached.entry(r.endpoint.machine).or_insert(false) |= ok;
        }
        Summary {
            endpoints: results.len(),
            captured: results
                .iter()
                .filter(|r| matches!(r.capture, Capture::Captured(_)))
                .count(),
            servers: reached.len(),
            unreached_servers: reached.values().filter(|ok| !**ok).count(),
        }
    }
}
