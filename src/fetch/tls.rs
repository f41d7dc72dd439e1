//! Reading the certificate chain a TLS server presents, with rustls (ring provider).
//!
//! The verifier accepts every chain and records it: nothing is validated and nothing is
//! trusted, so the captured certificates are evidence for the rules, never trust anchors. The
//! client sends a ClientHello with SNI set to the server name (no ALPN, no session resumption,
//! no client certificate), lets the handshake finish if the server allows, sends close_notify
//! and closes. It sends no application data. See docs/fetch.md.

use super::dns_name::DnsName;
use super::outcome::{Cause, Failure};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, SignatureScheme};
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Most bytes read from one server before giving up (a certificate chain is a few KiB).
pub const MAX_READ: usize = 1024 * 1024;

/// The chain the last handshake presented, set by [`RecordingVerifier`].
type Slot = Arc<Mutex<Option<Vec<Vec<u8>>>>>;

/// Accepts and records whatever chain the server presents; checks no signature. Used only to
/// read certificates, never to protect data.
#[derive(Debug)]
struct RecordingVerifier {
    seen: Slot,
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
        *self.seen.lock().unwrap_or_else(PoisonError::into_inner) = Some(chain);
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn verify_tls13_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        // Offered so that older servers find one they can sign with; nothing is verified.
        vec![
            SignatureScheme::ECDSA_NISTP256_SHA256,
            SignatureScheme::ECDSA_NISTP384_SHA384,
            SignatureScheme::ECDSA_NISTP521_SHA512,
            SignatureScheme::ED25519,
            SignatureScheme::RSA_PSS_SHA256,
            SignatureScheme::RSA_PSS_SHA384,
            SignatureScheme::RSA_PSS_SHA512,
            SignatureScheme::RSA_PKCS1_SHA256,
            SignatureScheme::RSA_PKCS1_SHA384,
            SignatureScheme::RSA_PKCS1_SHA512,
            SignatureScheme::RSA_PKCS1_SHA1,
            SignatureScheme::ECDSA_SHA1_Legacy,
        ]
    }
}

/// A TLS client that reads certificate chains, one connection at a time (one per worker).
#[derive(Debug)]
pub struct Capturer {
    config: Arc<ClientConfig>,
    seen: Slot,
}

impl Capturer {
    /// A client for TLS 1.3 and 1.2 with the ring provider and the recording verifier.
    pub fn new() -> Result<Capturer, Failure> {
        let seen: Slot = Arc::default();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
            .map_err(|e| Failure::new(Cause::Tls, e.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(RecordingVerifier { seen: seen.clone() }))
            .with_no_client_auth();
        config.resumption = rustls::client::Resumption::disabled();
        config.enable_sni = true;
        Ok(Capturer {
            config: Arc::new(config),
            seen,
        })
    }

    /// Runs a handshake with SNI `name` on a connected socket and returns the presented chain
    /// (DER, leaf first). The handshake may take `timeout`; once the chain is read, any later
    /// failure of the handshake does not matter.
    pub fn capture(
        &self,
        sock: TcpStream,
        name: &DnsName,
        timeout: Duration,
    ) -> Result<Vec<Vec<u8>>, Failure> {
        *self.seen.lock().unwrap_or_else(PoisonError::into_inner) = None;
        let server = ServerName::try_from(name.as_str().to_string())
            .map_err(|e| Failure::new(Cause::InvalidName, e.to_string()))?;
        let mut conn = ClientConnection::new(self.config.clone(), server)
            .map_err(|e| Failure::new(Cause::Tls, e.to_string()))?;
        let deadline = Instant::now() + timeout;
        let mut reader = Counting {
            sock: &sock,
            first: None,
            total: 0,
        };
        let result = handshake(&mut conn, &mut reader, deadline);
        let first = reader.first;
        let captured = self
            .seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        match (captured, result) {
            (Some(chain), handshake) => {
                if handshake.is_ok() {
                    conn.send_close_notify();
                    let _ = write_pending(&mut conn, &sock, deadline);
                }
                let _ = sock.shutdown(std::net::Shutdown::Both);
                Ok(chain)
            }
            (None, Ok(())) => Err(Failure::new(
                Cause::NoCertificate,
                "the handshake completed without a certificate",
            )),
            (None, Err(Step::Io(e))) => Err(io_failure(&e)),
            (None, Err(Step::Eof)) => Err(match first {
                Some(b) if !is_tls_record_type(b) => not_tls(b),
                _ => Failure::new(Cause::Closed, "end of stream before the certificate"),
            }),
            (None, Err(Step::TooMuch)) => Err(Failure::new(
                Cause::Tls,
                format!("more than {MAX_READ} bytes before the certificate"),
            )),
            (None, Err(Step::Tls(e))) => Err(match (first, e) {
                (Some(b), _) if !is_tls_record_type(b) => not_tls(b),
                (_, rustls::Error::AlertReceived(alert)) => {
                    Failure::new(Cause::TlsAlert, format!("{alert:?}"))
                }
                (_, rustls::Error::NoCertificatesPresented) => {
                    Failure::new(Cause::NoCertificate, "an empty Certificate message")
                }
                (_, e) => Failure::new(Cause::Tls, e.to_string()),
            }),
        }
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

/// Drives the handshake until it completes, fails, or the verifier has the chain.
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
pub fn io_failure(e: &io::Error) -> Failure {
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
