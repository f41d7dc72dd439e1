//! Loopback TLS servers for the fetch tests and the fetch bench (through `#[path]`): a test PKI
//! made with rcgen when the test runs (no private key is committed), and listeners on
//! 127.0.0.1 that, by the SNI of the ClientHello, present a chain, close, stall or answer
//! plain HTTP, or replay a chain without its key (a handshake signed with another key, cut
//! short, followed by garbage or silence).
#![allow(dead_code)]

use rcgen::{ExtendedKeyUsagePurpose, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::{Acceptor, ServerConfig};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use topocert_x509::test_pki::{CaSpec, Leaf, TestCa};

/// A CA that signs certificates.
pub struct Ca {
    /// Its certificate, DER.
    pub der: Vec<u8>,
    /// Its certificate, PEM.
    pub pem: String,
    /// Its CRL's URL, which the certificates it issues name.
    crl: String,
    ca: TestCa,
}

fn crl_url(cn: &str) -> String {
    format!("http://pki.fabrikam.com/{}.crl", cn.replace(' ', "-"))
}

impl Ca {
    fn new(cn: &str, ca: TestCa) -> Ca {
        Ca {
            der: ca.der.clone(),
            pem: ca.pem(),
            crl: crl_url(cn),
            ca,
        }
    }

    /// A self-signed root.
    pub fn root(cn: &str, org: &str) -> Ca {
        Ca::new(
            cn,
            CaSpec::new(cn).org(Some(org)).without_aki().self_signed(),
        )
    }

    /// An intermediate CA issued by this one.
    pub fn intermediate(&self, cn: &str, org: &str) -> Ca {
        let ca = CaSpec::new(cn).org(Some(org)).crl(&self.crl);
        Ca::new(cn, ca.signed_by(&self.ca))
    }

    /// A server certificate as Lync wants it (valid 2026-01-01 to 2028-01-01, Server
    /// Authentication, digital signature and key encipherment, a CRL distribution point) with
    /// subject `cn` and DNS SANs `sans`, presented with `chain` after it.
    pub fn leaf<S: AsRef<str>>(&self, cn: &str, sans: &[S], chain: &[&Ca]) -> Served {
        let leaf = Leaf {
            sans: sans.iter().map(|s| s.as_ref().to_string()).collect(),
            eku: vec![
                ExtendedKeyUsagePurpose::ServerAuth,
                ExtendedKeyUsagePurpose::ClientAuth,
            ],
            crl: vec![self.crl.clone()],
            ..Leaf::good(cn, &[])
        };
        let key = leaf.new_key();
        let der = leaf.with_key(&key, Some(&self.ca));
        let mut pem = topocert_x509::test_pki::pem_block("CERTIFICATE", &der);
        for c in chain {
            pem.push_str(&c.pem);
        }
        let mut ders = vec![der];
        ders.extend(chain.iter().map(|c| c.der.clone()));
        Served {
            chain: ders,
            pem,
            key: key.serialize_der(),
        }
    }
}

/// A chain a server presents, with its key.
#[derive(Clone)]
pub struct Served {
    /// Leaf first, DER.
    pub chain: Vec<Vec<u8>>,
    /// The same as PEM (what a certificate file of it holds).
    pub pem: String,
    /// The leaf's key, PKCS#8 DER.
    pub key: Vec<u8>,
}

/// What a listener does on a connection.
#[derive(Clone)]
pub enum Behaviour {
    /// Completes a TLS handshake presenting this chain, then waits for the client to close.
    Present(Arc<ServerConfig>),
    /// Closes the connection after reading the ClientHello.
    Close,
    /// Reads and never answers, until the client goes away.
    Stall,
    /// Answers the ClientHello with a plain HTTP 400 response and closes.
    Http,
    /// Sends the first flight of a TLS 1.3 handshake (signed with a key that is not the
    /// leaf's) up to `cut`, then does `then`.
    Forged {
        /// The server's configuration (from [`Behaviour::forged`]).
        config: Arc<ServerConfig>,
        /// Where the flight stops.
        cut: Cut,
        /// What comes after.
        then: Then,
    },
}

/// Where a forged TLS 1.3 flight stops.
#[derive(Clone, Copy, Debug)]
pub enum Cut {
    /// After the (encrypted) Certificate message: no CertificateVerify.
    AfterCertificate,
    /// After the CertificateVerify, made with the wrong key: no Finished.
    AfterSignature,
}

/// What a forged flight does after its cut.
#[derive(Clone, Copy, Debug)]
pub enum Then {
    /// Closes the connection.
    Close,
    /// Sends bytes that are not TLS, then waits for the client to go away.
    Garbage,
    /// Says nothing until the client goes away.
    Stall,
}

/// Serves `chain` with a signing key that is not the leaf's: what a server that replays a
/// public certificate can do. rustls' `with_single_cert` would refuse the mismatch; a resolver
/// returning the [`rustls::sign::CertifiedKey`] does not check it.
#[derive(Debug)]
struct WrongKey(Arc<rustls::sign::CertifiedKey>);

impl rustls::server::ResolvesServerCert for WrongKey {
    fn resolve(
        &self,
        _: rustls::server::ClientHello<'_>,
    ) -> Option<Arc<rustls::sign::CertifiedKey>> {
        Some(self.0.clone())
    }
}

impl Behaviour {
    /// Presents `served`.
    pub fn present(served: &Served) -> Behaviour {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let chain = served
            .chain
            .iter()
            .map(|c| CertificateDer::from(c.clone()))
            .collect();
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(served.key.clone()));
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .expect("server config");
        Behaviour::Present(Arc::new(config))
    }

    /// Presents `served` and completes the handshake, signing it with a fresh key instead of
    /// the leaf's; TLS 1.2 only when `tls12`, else TLS 1.3 only.
    pub fn present_without_key(served: &Served, tls12: bool) -> Behaviour {
        Behaviour::Present(wrong_key_config(served, tls12))
    }

    /// A TLS 1.3 flight presenting `served` signed with a fresh key, cut at `cut`, then `then`.
    /// rustls sends the flight as one record; records of 32 bytes of plaintext let `cut` fall
    /// between its messages.
    pub fn forged(served: &Served, cut: Cut, then: Then) -> Behaviour {
        let mut config = wrong_key_config(served, false);
        if let Some(c) = Arc::get_mut(&mut config) {
            c.max_fragment_size = Some(32 + 5);
        }
        Behaviour::Forged { config, cut, then }
    }
}

fn wrong_key_config(served: &Served, tls12: bool) -> Arc<ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let chain = served
        .chain
        .iter()
        .map(|c| CertificateDer::from(c.clone()))
        .collect();
    let other = KeyPair::generate().expect("key").serialize_der();
    let key = provider
        .key_provider
        .load_private_key(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(other)))
        .expect("signing key");
    let certified = rustls::sign::CertifiedKey::new(chain, key);
    let version = if tls12 {
        &rustls::version::TLS12
    } else {
        &rustls::version::TLS13
    };
    let config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[version])
        .expect("versions")
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(WrongKey(Arc::new(certified))));
    Arc::new(config)
}

/// The start of the `n`th encrypted record (application_data, type 23) from the end of
/// `flight`.
fn before_last_encrypted_records(flight: &[u8], n: usize) -> usize {
    let mut starts = Vec::new();
    let mut at = 0;
    while at + 5 <= flight.len() {
        let len = usize::from(u16::from_be_bytes([flight[at + 3], flight[at + 4]]));
        if flight[at] == 23 {
            starts.push(at);
        }
        at += 5 + len;
    }
    starts.len().checked_sub(n).map_or(0, |i| starts[i])
}

/// How a listener decides.
#[derive(Clone)]
pub enum Mode {
    /// By the ClientHello's SNI (lower case); `fallback` for any other name.
    BySni {
        /// Behaviour per name.
        names: HashMap<String, Behaviour>,
        /// For names not in the table.
        fallback: Behaviour,
    },
    /// Closes every connection as soon as it is accepted, before reading anything.
    CloseAtOnce,
}

/// A listener on 127.0.0.1 and an OS-chosen port, served by a thread per connection; stops
/// when dropped.
pub struct Listener {
    /// Its port.
    pub port: u16,
    stop: Arc<AtomicBool>,
}

impl Listener {
    /// Starts listening.
    pub fn start(mode: Mode) -> Listener {
        let socket = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = socket.local_addr().expect("address").port();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let mode = Arc::new(mode);
        std::thread::spawn(move || {
            for conn in socket.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let mode = mode.clone();
                std::thread::spawn(move || serve(conn, &mode));
            }
        });
        Listener { port, stop }
    }

    /// A port on 127.0.0.1 where nothing listens (bound, then released).
    pub fn closed_port() -> u16 {
        let socket = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        socket.local_addr().expect("address").port()
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // wake the accept loop
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(mut sock: TcpStream, mode: &Mode) {
    let (names, fallback) = match mode {
        Mode::CloseAtOnce => return drop(sock.shutdown(std::net::Shutdown::Both)),
        Mode::BySni { names, fallback } => (names, fallback),
    };
    let mut acceptor = Acceptor::default();
    let accepted = loop {
        match acceptor.read_tls(&mut sock) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        match acceptor.accept() {
            Ok(Some(a)) => break a,
            Ok(None) => {}
            Err(_) => return,
        }
    };
    let sni = accepted
        .client_hello()
        .server_name()
        .map(str::to_ascii_lowercase);
    let behaviour = sni.and_then(|n| names.get(&n)).unwrap_or(fallback).clone();
    match behaviour {
        Behaviour::Close => {
            let _ = sock.shutdown(std::net::Shutdown::Both);
        }
        Behaviour::Stall => {
            let mut buf = [0u8; 1024];
            while matches!(sock.read(&mut buf), Ok(n) if n > 0) {}
        }
        Behaviour::Http => {
            let _ = sock.write_all(
                b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
            let _ = sock.shutdown(std::net::Shutdown::Write);
        }
        Behaviour::Forged { config, cut, then } => {
            let Ok(mut conn) = accepted.into_connection(config) else {
                return;
            };
            let mut flight = Vec::new();
            while conn.wants_write() {
                if conn.write_tls(&mut flight).is_err() {
                    return;
                }
            }
            // TLS 1.3, in records of 32 bytes of plaintext (see `forged`): the last record
            // holds only Finished bytes (36 or more), the last three only CertificateVerify
            // (about 80 bytes with P-256) and Finished bytes
            let end = match cut {
                Cut::AfterCertificate => before_last_encrypted_records(&flight, 3),
                Cut::AfterSignature => before_last_encrypted_records(&flight, 1),
            };
            if sock.write_all(&flight[..end]).is_err() {
                return;
            }
            match then {
                Then::Close => {
                    let _ = sock.shutdown(std::net::Shutdown::Both);
                    return;
                }
                Then::Garbage => {
                    let _ = sock.write_all(b"GARBAGE, NOT TLS\r\n\0\x01\x02");
                }
                Then::Stall => {}
            }
            let mut buf = [0u8; 1024];
            while matches!(sock.read(&mut buf), Ok(n) if n > 0) {}
        }
        Behaviour::Present(config) => {
            let Ok(mut conn) = accepted.into_connection(config) else {
                return;
            };
            while conn.is_handshaking() {
                if conn.complete_io(&mut sock).is_err() {
                    return;
                }
            }
            // until the client's close_notify or end of stream
            let _ = conn.complete_io(&mut sock);
        }
    }
}
