//! Loopback TLS servers for the fetch tests and the fetch bench (through `#[path]`): a test PKI
//! made with rcgen when the test runs (no private key is committed), and listeners on
//! 127.0.0.1 that, by the SNI of the ClientHello, present a chain, close, stall or answer
//! plain HTTP.
#![allow(dead_code)]

use rcgen::{
    BasicConstraints, CertificateParams, CrlDistributionPoint, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::{Acceptor, ServerConfig};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

fn dn(cn: &str, org: &str) -> DistinguishedName {
    let mut d = DistinguishedName::new();
    // DER order: O, then CN (shown by Windows as `CN=..., O=...`).
    d.push(DnType::OrganizationName, org);
    d.push(DnType::CommonName, cn);
    d
}

/// A CA that signs certificates.
pub struct Ca {
    /// Its certificate, DER.
    pub der: Vec<u8>,
    /// Its certificate, PEM.
    pub pem: String,
    /// Its CRL's URL, which the certificates it issues name.
    crl: String,
    issuer: Issuer<'static, KeyPair>,
}

fn crl_url(cn: &str) -> String {
    format!("http://pki.fabrikam.com/{}.crl", cn.replace(' ', "-"))
}

fn ca_params(cn: &str, org: &str) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = dn(cn, org);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p.not_before = rcgen::date_time_ymd(2020, 1, 1);
    p.not_after = rcgen::date_time_ymd(2040, 1, 1);
    p
}

impl Ca {
    /// A self-signed root.
    pub fn root(cn: &str, org: &str) -> Ca {
        let key = KeyPair::generate().expect("key");
        let params = ca_params(cn, org);
        let cert = params.self_signed(&key).expect("root");
        Ca {
            der: cert.der().to_vec(),
            pem: cert.pem(),
            crl: crl_url(cn),
            issuer: Issuer::new(params, key),
        }
    }

    /// An intermediate CA issued by this one.
    pub fn intermediate(&self, cn: &str, org: &str) -> Ca {
        let key = KeyPair::generate().expect("key");
        let mut params = ca_params(cn, org);
        params.use_authority_key_identifier_extension = true;
        params.crl_distribution_points = vec![CrlDistributionPoint {
            uris: vec![self.crl.clone()],
        }];
        let cert = params.signed_by(&key, &self.issuer).expect("intermediate");
        Ca {
            der: cert.der().to_vec(),
            pem: cert.pem(),
            crl: crl_url(cn),
            issuer: Issuer::new(params, key),
        }
    }

    /// A server certificate as Lync wants it (valid 2026-01-01 to 2028-01-01, Server
    /// Authentication, digital signature and key encipherment, a CRL distribution point) with
    /// subject `cn` and DNS SANs `sans`, presented with `chain` after it.
    pub fn leaf<S: AsRef<str>>(&self, cn: &str, sans: &[S], chain: &[&Ca]) -> Served {
        let key = KeyPair::generate().expect("key");
        let mut p = CertificateParams::new(
            sans.iter()
                .map(|s| s.as_ref().to_string())
                .collect::<Vec<_>>(),
        )
        .expect("names");
        p.distinguished_name = dn(cn, "Fabrikam");
        p.not_before = rcgen::date_time_ymd(2026, 1, 1);
        p.not_after = rcgen::date_time_ymd(2028, 1, 1);
        p.extended_key_usages = vec![
            ExtendedKeyUsagePurpose::ServerAuth,
            ExtendedKeyUsagePurpose::ClientAuth,
        ];
        p.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        p.crl_distribution_points = vec![CrlDistributionPoint {
            uris: vec![self.crl.clone()],
        }];
        p.use_authority_key_identifier_extension = true;
        let cert = p.signed_by(&key, &self.issuer).expect("leaf");
        let mut ders = vec![cert.der().to_vec()];
        ders.extend(chain.iter().map(|c| c.der.clone()));
        let mut pem = cert.pem();
        for c in chain {
            pem.push_str(&c.pem);
        }
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
