//! Reading the certificate chain a TLS server presents, with rustls (ring provider).
//!
//! The verifier records every chain and never validates or trusts it: the captured
//! certificates are evidence for the rules, never trust anchors. It does verify the server's
//! handshake signature (TLS 1.3 CertificateVerify, TLS 1.2 ServerKeyExchange) with the leaf's
//! public key, through rustls' own verification and the ring provider's algorithms: a chain
//! counts only once the server proved it holds the leaf's key; one presented without that
//! proof is [`Cause::NoKeyProof`]. The client sends a ClientHello with SNI set to the server
//! name (no ALPN, no session resumption, no client certificate), lets the handshake finish if
//! the server allows, sends close_notify and closes. It sends no application data. See
//! docs/fetch.md.

use super::capture::{Capture, Cause, Failure};
use super::dns_name::DnsName;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, SignatureScheme};
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Most bytes read from one server before giving up (a certificate chain is a few KiB).
pub(crate) const MAX_READ: usize = 1024 * 1024;

/// What the last handshake showed the verifier.
#[derive(Debug, Default)]
struct Seen {
    /// The presented chain, DER, leaf first.
    chain: Option<Vec<Vec<u8>>>,
    /// Whether the handshake signature verified with the leaf's public key.
    proven: bool,
}

/// Set by [`RecordingVerifier`], read by [`Capturer::capture`].
type Slot = Arc<Mutex<Seen>>;

/// Records whatever chain the server presents without validating or trusting it, and checks
/// only that the server's handshake signature verifies with the leaf's key. Used only to read
/// certificates, never to protect data.
#[derive(Debug)]
struct RecordingVerifier {
    seen: Slot,
    algorithms: WebPkiSupportedAlgorithms,
}

impl RecordingVerifier {
    /// Notes a verified signature (rustls verifies it with the leaf it passed to
    /// `verify_server_cert` just before).
    fn proved(
        &self,
        verified: Result<HandshakeSignatureValid, rustls::Error>,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        if verified.is_ok() {
            self.seen
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .proven = true;
        }
        verified
    }
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let chain = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|c| c.as_ref().to_vec())
            .collect();
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        seen.chain = Some(chain);
        seen.proven = false;
        // Recorded, not trusted: the rules judge the chain, and only once the key is proven.
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.proved(rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.algorithms,
        ))
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.proved(rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.algorithms,
        ))
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        // Only schemes that can be verified: a server that can sign with none of them fails
        // the handshake rather than being taken on its word.
        self.algorithms.supported_schemes()
    }
}

/// A TLS client that reads certificate chains, one connection at a time (one per worker).
#[derive(Debug)]
pub(crate) struct Capturer {
    config: Arc<ClientConfig>,
    seen: Slot,
}

impl Capturer {
    /// A client for TLS 1.3 and 1.2 with the ring provider and the recording verifier.
    pub fn new() -> Result<Capturer, Failure> {
        let seen: Slot = Arc::default();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let algorithms = provider.signature_verification_algorithms;
        let mut config = ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
            .map_err(|e| Failure::new(Cause::Tls, e.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(RecordingVerifier {
                seen: seen.clone(),
                algorithms,
            }))
            .with_no_client_auth();
        config.resumption = rustls::client::Resumption::disabled();
        config.enable_sni = true;
        Ok(Capturer {
            config: Arc::new(config),
            seen,
        })
    }

    /// Runs a handshake with SNI `name` on a connected socket, within `timeout`. The
    /// presented chain (DER, leaf first) is [`Capture::Captured`] only once the server's
    /// handshake signature verified with the leaf's key; any later failure of the handshake
    /// does not matter. A chain presented without that proof is [`Capture::Unproven`].
    pub fn capture(&self, sock: TcpStream, name: &DnsName, timeout: Duration) -> Capture {
        *self.seen.lock().unwrap_or_else(PoisonError::into_inner) = Seen::default();
        let server = match ServerName::try_from(name.as_str().to_string()) {
            Ok(s) => s,
            Err(e) => return Capture::Failed(Failure::new(Cause::InvalidName, e.to_string())),
        };
        let mut conn = match ClientConnection::new(self.config.clone(), server) {
            Ok(c) => c,
            Err(e) => return Capture::Failed(Failure::new(Cause::Tls, e.to_string())),
        };
        let deadline = Instant::now() + timeout;
        let mut reader = Counting {
            sock: &sock,
            first: None,
            total: 0,
        };
        let result = handshake(&mut conn, &mut reader, deadline);
        let first = reader.first;
        let seen = std::mem::take(&mut *self.seen.lock().unwrap_or_else(PoisonError::into_inner));
        if result.is_ok() {
            conn.send_close_notify();
            let _ = write_pending(&mut conn, &sock, deadline);
        }
        let _ = sock.shutdown(std::net::Shutdown::Both);
        match (seen.chain, result) {
            (Some(chain), _) if seen.proven => Capture::Captured(chain),
            (Some(chain), result) => Capture::Unproven {
                chain,
                failure: Failure::new(Cause::NoKeyProof, unproven(result)),
            },
            (None, result) => Capture::Failed(before_certificate(result, first)),
        }
    }
}

/// What stopped a handshake that presented a chain before its signature verified.
fn unproven(result: Result<(), Step>) -> String {
    match result {
        Ok(()) => "the handshake completed without a verified signature".into(),
        Err(Step::Io(e)) if matches!(io_failure(&e).cause, Cause::Timeout) => {
            "no handshake signature within the timeout".into()
        }
        Err(Step::Io(e)) => e.to_string(),
        Err(Step::Eof) => "end of stream before the handshake signature".into(),
        Err(Step::TooMuch) => format!("more than {MAX_READ} bytes"),
        Err(Step::Tls(e)) => e.to_string(),
    }
}

/// The failure of a handshake that stopped before the server presented a chain.
fn before_certificate(result: Result<(), Step>, first: Option<u8>) -> Failure {
    match result {
        Ok(()) => Failure::new(
            Cause::NoCertificate,
            "the handshake completed without a certificate",
        ),
        Err(Step::Io(e)) => io_failure(&e),
        Err(Step::Eof) => match first {
            Some(b) if !is_tls_record_type(b) => not_tls(b),
            _ => Failure::new(Cause::Closed, "end of stream before the certificate"),
        },
        Err(Step::TooMuch) => Failure::new(
            Cause::Tls,
            format!("more than {MAX_READ} bytes before the certificate"),
        ),
        Err(Step::Tls(e)) => match (first, e) {
            (Some(b), _) if !is_tls_record_type(b) => not_tls(b),
            (_, rustls::Error::AlertReceived(alert)) => {
                Failure::new(Cause::TlsAlert, format!("{alert:?}"))
            }
            (_, rustls::Error::NoCertificatesPresented) => {
                Failure::new(Cause::NoCertificate, "an empty Certificate message")
            }
            (_, e) => Failure::new(Cause::Tls, e.to_string()),
        },
    }
}

/// Why a handshake stopped.
enum Step {
    Io(io::Error),
    Eof,
    TooMuch,
    Tls(rustls::Error),
}

/// The socket as the reader of rustls, remembering the first byte and counting the rest.
struct Counting<'s> {
    sock: &'s TcpStream,
    first: Option<u8>,
    total: usize,
}

impl Read for Counting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.sock.read(buf)?;
        if self.first.is_none() && n > 0 {
            self.first = buf.first().copied();
        }
        self.total = self.total.saturating_add(n);
        Ok(n)
    }
}

/// Time left before `deadline`, or a timeout error.
fn remaining(deadline: Instant) -> io::Result<Duration> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        Err(io::Error::from(io::ErrorKind::TimedOut))
    } else {
        Ok(left)
    }
}

fn write_pending(
    conn: &mut ClientConnection,
    mut sock: &TcpStream,
    deadline: Instant,
) -> io::Result<()> {
    while conn.wants_write() {
        sock.set_write_timeout(Some(remaining(deadline)?))?;
        conn.write_tls(&mut sock)?;
    }
    sock.flush()
}

/// Drives the handshake until it completes or fails.
fn handshake(
    conn: &mut ClientConnection,
    reader: &mut Counting<'_>,
    deadline: Instant,
) -> Result<(), Step> {
    loop {
        write_pending(conn, reader.sock, deadline).map_err(Step::Io)?;
        if !conn.is_handshaking() {
            return Ok(());
        }
        reader
            .sock
            .set_read_timeout(Some(remaining(deadline).map_err(Step::Io)?))
            .map_err(Step::Io)?;
        match conn.read_tls(reader) {
            Ok(0) => return Err(Step::Eof),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Step::Io(e)),
        }
        if reader.total > MAX_READ {
            return Err(Step::TooMuch);
        }
        if let Err(e) = conn.process_new_packets() {
            return Err(Step::Tls(e));
        }
    }
}

/// True for the first byte of a TLS record: change_cipher_spec, alert, handshake,
/// application_data or heartbeat.
fn is_tls_record_type(b: u8) -> bool {
    (20..=24).contains(&b)
}

fn not_tls(first: u8) -> Failure {
    let what = if first.is_ascii_graphic() {
        format!("the answer starts with {:?}", char::from(first))
    } else {
        format!("the answer starts with byte 0x{first:02x}")
    };
    Failure::new(Cause::NotTls, what)
}

/// The cause of a failed socket operation.
pub(crate) fn io_failure(e: &io::Error) -> Failure {
    use io::ErrorKind::*;
    let cause = match e.kind() {
        ConnectionRefused => Cause::Refused,
        TimedOut | WouldBlock => Cause::Timeout,
        ConnectionReset | ConnectionAborted | UnexpectedEof | BrokenPipe | NotConnected => {
            Cause::Closed
        }
        _ => Cause::Network,
    };
    let detail = match cause {
        Cause::Timeout => String::new(),
        _ => e.to_string(),
    };
    Failure::new(cause, detail)
}
