//! What fetching one endpoint gave ([`Capture`]): the presented chain, or a typed [`Cause`] of failure; and
//! the [`EndpointRecord`] kept of it (a row of `manifest.csv`, an entry of the certificate
//! store that the `unreachable-endpoint` rule reads).

use super::endpoints::Endpoint;
pub use crate::certs::endpoint::{Cause, EndpointRecord, Failure};
use std::net::SocketAddr;

/// What one endpoint gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Capture {
    /// The presented chain, DER, leaf first then the other certificates in the order sent; the
    /// server proved it holds the leaf's key.
    Captured(Vec<Vec<u8>>),
    /// A chain presented without proof of the leaf's key ([`Cause::NoKeyProof`]): kept as
    /// evidence, never used as the server's certificate.
    Unproven {
        /// The presented chain, as for [`Capture::Captured`].
        chain: Vec<Vec<u8>>,
        /// Why the proof is missing.
        failure: Failure,
    },
    /// No certificate.
    Failed(Failure),
}

/// One endpoint fetched: where it was reached, when, and what it gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointResult {
    /// The endpoint.
    pub endpoint: Endpoint,
    /// The address connected to (or tried last), when the name resolved.
    pub address: Option<SocketAddr>,
    /// When the attempt started (unix seconds).
    pub time: i64,
    /// The chain or the failure.
    pub capture: Capture,
}

impl EndpointResult {
    /// The record kept of it: the thumbprint instead of the chain.
    pub fn record(&self) -> EndpointRecord {
        EndpointRecord {
            server: self.endpoint.server.clone(),
            port: self.endpoint.port,
            usage: self.endpoint.usage,
            port_from: self.endpoint.port_from,
            address: self.address,
            time: self.time,
            result: match &self.capture {
                Capture::Captured(chain) => Ok(chain
                    .first()
                    .map(|c| crate::certs::sha1_thumbprint(c))
                    .unwrap_or_default()),
                Capture::Unproven { chain, failure } => Err(Failure {
                    presented: chain.first().map(|c| crate::certs::sha1_thumbprint(c)),
                    ..failure.clone()
                }),
                Capture::Failed(f) => Err(f.clone()),
            },
        }
    }
}
