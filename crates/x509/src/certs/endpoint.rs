//! The plain record of one fetched TLS endpoint: which server, port and use, where the port
//! came from, and its thumbprint or the typed [`Cause`] it failed with. `topocert fetch` writes
//! them (`manifest.csv`), the certificate store keeps them, the `unreachable-endpoint` rule
//! reads them; fetching itself is topocert-fetch.

use crate::certs::Usage;
use serde::Serialize;
use std::net::SocketAddr;

/// The file name of a fetched folder's manifest.
pub const MANIFEST_FILE_NAME: &str = "manifest.csv";

/// Why no certificate was read from an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cause {
    /// The server name is not a DNS name: it was never connected to.
    InvalidName,
    /// The name did not resolve to an address.
    Dns,
    /// The TCP connection was refused: nothing listens on the port.
    Refused,
    /// The connect or the handshake took longer than `--timeout`.
    Timeout,
    /// The server closed or reset the connection before sending a certificate.
    Closed,
    /// The server answered, but not with TLS (plain HTTP, SIP over TCP...).
    NotTls,
    /// The server sent a TLS alert before its certificate.
    TlsAlert,
    /// The TLS handshake failed otherwise (no protocol version or cipher suite in common, a
    /// malformed message).
    Tls,
    /// The server completed the handshake without a certificate.
    NoCertificate,
    /// The server presented a chain but did not prove it holds the leaf's key: its handshake
    /// signature (TLS 1.3 CertificateVerify, TLS 1.2 ServerKeyExchange) was missing or did not
    /// verify with the leaf's public key. The chain is kept as evidence, never used.
    NoKeyProof,
    /// Another network error (network unreachable, no route to host...).
    Network,
}

impl Cause {
    /// Every cause, in the order above.
    pub const ALL: [Cause; 11] = [
        Cause::InvalidName,
        Cause::Dns,
        Cause::Refused,
        Cause::Timeout,
        Cause::Closed,
        Cause::NotTls,
        Cause::TlsAlert,
        Cause::Tls,
        Cause::NoCertificate,
        Cause::NoKeyProof,
        Cause::Network,
    ];

    /// Stable kebab-case id (`manifest.csv`'s `result` column).
    pub fn id(self) -> &'static str {
        match self {
            Cause::InvalidName => "invalid-name",
            Cause::Dns => "dns",
            Cause::Refused => "refused",
            Cause::Timeout => "timeout",
            Cause::Closed => "closed",
            Cause::NotTls => "not-tls",
            Cause::TlsAlert => "tls-alert",
            Cause::Tls => "tls",
            Cause::NoCertificate => "no-certificate",
            Cause::NoKeyProof => "no-key-proof",
            Cause::Network => "network",
        }
    }

    /// The cause with id `id`.
    pub fn from_id(id: &str) -> Option<Cause> {
        Cause::ALL.into_iter().find(|c| c.id() == id)
    }

    /// A phrase for people.
    pub fn describe(self) -> &'static str {
        match self {
            Cause::InvalidName => "the server name is not a DNS name, so it was not connected to",
            Cause::Dns => "the name does not resolve",
            Cause::Refused => "the connection was refused (nothing listens on the port)",
            Cause::Timeout => "no answer within the timeout",
            Cause::Closed => "the server closed the connection before sending a certificate",
            Cause::NotTls => "the server does not speak TLS on this port",
            Cause::TlsAlert => "the server ended the TLS handshake with an alert",
            Cause::Tls => "the TLS handshake failed",
            Cause::NoCertificate => "the server sent no certificate",
            Cause::NoKeyProof => {
                "the server presented a certificate but did not prove it holds its key"
            }
            Cause::Network => "network error",
        }
    }
}

/// A failed endpoint: the cause and what the system or the TLS library said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// The cause.
    pub cause: Cause,
    /// Details (an error message, the alert's name); may be empty.
    pub detail: String,
    /// For [`Cause::NoKeyProof`]: the SHA-1 thumbprint (upper-case hex) of the leaf the
    /// server presented without proving it holds its key; evidence, never a certificate of the
    /// server.
    pub presented: Option<String>,
}

impl Failure {
    /// A failure with a detail.
    pub fn new(cause: Cause, detail: impl Into<String>) -> Failure {
        Failure {
            cause,
            detail: detail.into(),
            presented: None,
        }
    }
}

/// What is kept of one fetched endpoint: a row of `manifest.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EndpointRecord {
    /// The server name as the topology writes it.
    pub server: String,
    /// The TCP port.
    pub port: u16,
    /// The certificate use of the port.
    pub usage: Usage,
    /// Where the port comes from.
    pub port_from: PortFrom,
    /// The address connected to, when the name resolved.
    pub address: Option<SocketAddr>,
    /// When (unix seconds).
    pub time: i64,
    /// The SHA-1 thumbprint of the presented leaf (upper-case hex), or the failure (with the
    /// thumbprint of a leaf presented without proof of its key, if any).
    pub result: Result<String, Failure>,
}

impl EndpointRecord {
    /// `fe01.fabrikam.com:5061 (Default, port from the topology)`.
    pub fn describe_endpoint(&self) -> String {
        let from = match self.port_from {
            PortFrom::Topology => "port declared by the topology",
            PortFrom::Default => "Lync default port: the topology declares none",
            PortFrom::Option => "port given with --port",
        };
        format!(
            "{}:{} ({}; {from})",
            self.server,
            self.port,
            self.usage.as_str()
        )
    }
}

/// Where an endpoint's port comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PortFrom {
    /// A `Port` element of the topology.
    Topology,
    /// The Lync default: the topology declares no port for that use.
    Default,
    /// `--port`.
    Option,
}

impl PortFrom {
    /// `topology`, `default` or `option`, as in `manifest.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            PortFrom::Topology => "topology",
            PortFrom::Default => "default",
            PortFrom::Option => "option",
        }
    }

    /// The value of [`Self::as_str`].
    pub fn from_name(s: &str) -> Option<PortFrom> {
        [PortFrom::Topology, PortFrom::Default, PortFrom::Option]
            .into_iter()
            .find(|p| p.as_str() == s)
    }
}
