//! One parsed X.509 certificate ([`Certificate`]), holding owned data only; its signature
//! checked against a candidate issuer.

use super::facts::CertFacts;
use serde::Serialize;
use sha1::{Digest, Sha1};
use std::fmt::Write as _;
use thiserror::Error;
use x509_parser::certificate::{X509Certificate, X509CertificateParser};
use x509_parser::error::X509Error;
use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};
use x509_parser::nom::Parser as _;
use x509_parser::prelude::FromDer;
use x509_parser::public_key::PublicKey as X509PublicKey;
use x509_parser::signature_algorithm::RsaSsaPssParams;

/// Why DER bytes could not be parsed as one X.509 certificate.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CertParseError {
    /// No bytes at all.
    #[error("no certificate data (0 bytes)")]
    Empty,
    /// The outer DER header announces more bytes than there are.
    #[error("truncated DER: the certificate announces {declared} bytes but only {available} are present")]
    Truncated {
        /// Total length (header + content) the DER header announces.
        declared: usize,
        /// Bytes present.
        available: usize,
    },
    /// The bytes are not a well-formed X.509 certificate.
    #[error("not a valid X.509 certificate: {detail}")]
    Invalid {
        /// What the parser reported.
        detail: String,
    },
    /// A certificate was parsed but bytes follow it.
    #[error("{extra} unexpected bytes after the certificate")]
    TrailingData {
        /// Number of extra bytes.
        extra: usize,
    },
}

/// The extended key usage extension, reduced to what the checks need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Eku {
    /// Server Authentication (1.3.6.1.5.5.7.3.1) is listed.
    pub server_auth: bool,
    /// anyExtendedKeyUsage (2.5.29.37.0) is listed.
    pub any: bool,
}

/// The subject public key, reduced to algorithm and size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum PublicKey {
    /// An RSA key with its modulus size in bits.
    Rsa {
        /// Modulus size in bits (leading zero bytes and bits not counted).
        bits: u32,
    },
    /// An elliptic curve key.
    Ec {
        /// Field size in bits.
        bits: u32,
        /// Curve name ("P-256", "P-384", "P-521") or the curve OID.
        curve: Box<str>,
    },
    /// Anything else (DSA, Ed25519, GOST, unknown), by algorithm OID or name.
    Other {
        /// Algorithm name or dotted OID.
        algorithm: Box<str>,
    },
}

/// The certificate's signature algorithm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum SignatureAlgorithm {
    /// md5WithRSAEncryption.
    Md5Rsa,
    /// sha1WithRSAEncryption.
    Sha1Rsa,
    /// ecdsa-with-SHA1.
    Sha1Ecdsa,
    /// sha256WithRSAEncryption.
    Sha256Rsa,
    /// sha384WithRSAEncryption.
    Sha384Rsa,
    /// sha512WithRSAEncryption.
    Sha512Rsa,
    /// ecdsa-with-SHA256.
    Sha256Ecdsa,
    /// ecdsa-with-SHA384.
    Sha384Ecdsa,
    /// ecdsa-with-SHA512.
    Sha512Ecdsa,
    /// RSASSA-PSS (hash in the parameters).
    RsaPss,
    /// Any other algorithm, by dotted OID.
    Other(Box<str>),
}

impl SignatureAlgorithm {
    /// Maps a dotted signature algorithm OID.
    pub(crate) fn from_oid(oid: &str) -> Self {
        match oid {
            "1.2.840.113549.1.1.4" => Self::Md5Rsa,
            "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => Self::Sha1Rsa,
            "1.2.840.10045.4.1" => Self::Sha1Ecdsa,
            "1.2.840.113549.1.1.11" => Self::Sha256Rsa,
            "1.2.840.113549.1.1.12" => Self::Sha384Rsa,
            "1.2.840.113549.1.1.13" => Self::Sha512Rsa,
            "1.2.840.10045.4.3.2" => Self::Sha256Ecdsa,
            "1.2.840.10045.4.3.3" => Self::Sha384Ecdsa,
            "1.2.840.10045.4.3.4" => Self::Sha512Ecdsa,
            "1.2.840.113549.1.1.10" => Self::RsaPss,
            other => Self::Other(other.into()),
        }
    }

    /// The name Windows shows in the certificate dialog ("sha256RSA"), or the OID.
    pub fn name(&self) -> &str {
        match self {
            Self::Md5Rsa => "md5RSA",
            Self::Sha1Rsa => "sha1RSA",
            Self::Sha1Ecdsa => "sha1ECDSA",
            Self::Sha256Rsa => "sha256RSA",
            Self::Sha384Rsa => "sha384RSA",
            Self::Sha512Rsa => "sha512RSA",
            Self::Sha256Ecdsa => "sha256ECDSA",
            Self::Sha384Ecdsa => "sha384ECDSA",
            Self::Sha512Ecdsa => "sha512ECDSA",
            Self::RsaPss => "RSASSA-PSS",
            Self::Other(oid) => oid,
        }
    }
}

/// The hash function of a certificate's signature (for RSASSA-PSS, from its parameters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureHash {
    /// MD5.
    Md5,
    /// SHA-1.
    Sha1,
    /// A SHA-2 hash with its digest size in bits (224, 256, 384 or 512).
    Sha2(u16),
    /// Anything else or unknown, by dotted OID.
    Other(Box<str>),
}

impl SignatureHash {
    /// Maps a dotted hash algorithm OID (as found in RSASSA-PSS parameters).
    pub(crate) fn from_hash_oid(oid: &str) -> Self {
        match oid {
            "1.2.840.113549.2.5" => Self::Md5,
            "1.3.14.3.2.26" => Self::Sha1,
            "2.16.840.1.101.3.4.2.4" => Self::Sha2(224),
            "2.16.840.1.101.3.4.2.1" => Self::Sha2(256),
            "2.16.840.1.101.3.4.2.2" => Self::Sha2(384),
            "2.16.840.1.101.3.4.2.3" => Self::Sha2(512),
            other => Self::Other(other.into()),
        }
    }

    /// "MD5", "SHA-1", "SHA-256", or the OID.
    pub fn name(&self) -> String {
        match self {
            Self::Md5 => "MD5".into(),
            Self::Sha1 => "SHA-1".into(),
            Self::Sha2(bits) => format!("SHA-{bits}"),
            Self::Other(oid) => oid.to_string(),
        }
    }
}

/// The key usage extension's bits (RFC 5280 4.2.1.3), bit 0 = digitalSignature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyUsage(pub u16);

/// Names of the key usage bits in bit order, as RFC 5280 spells them.
const KEY_USAGE_NAMES: [&str; 9] = [
    "digitalSignature",
    "nonRepudiation",
    "keyEncipherment",
    "dataEncipherment",
    "keyAgreement",
    "keyCertSign",
    "cRLSign",
    "encipherOnly",
    "decipherOnly",
];

impl KeyUsage {
    /// digitalSignature (bit 0).
    pub fn digital_signature(self) -> bool {
        self.0 & 1 != 0
    }
    /// keyEncipherment (bit 2).
    pub fn key_encipherment(self) -> bool {
        self.0 & (1 << 2) != 0
    }
    /// The names of the bits set, in bit order.
    pub fn names(self) -> Vec<&'static str> {
        KEY_USAGE_NAMES
            .iter()
            .enumerate()
            .filter(|(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, n)| *n)
            .collect()
    }
}

impl Serialize for KeyUsage {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.names())
    }
}

/// Outcome of checking one certificate's signature against a candidate issuer's key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureCheck {
    /// The issuer's key verifies the signature.
    Valid,
    /// The signature does not verify with the issuer's key (or a DER could not be re-parsed).
    Invalid,
    /// The verifier cannot check this algorithm (e.g. sha1ECDSA, MD5, P-521).
    Unsupported,
}

/// A Name as compared ([`super::dn::name_key`]), shared by the certificates that carry it.
pub type NameKey = std::sync::Arc<[u8]>;

/// A parsed X.509 certificate. Owns all its data; times are unix seconds and are only compared.
/// Its [`CertFacts`] (subject, issuer, names, serial, validity, thumbprint) are reachable
/// directly through `Deref` (`cert.subject`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Certificate {
    /// The facts an inventory row would also have.
    #[serde(flatten)]
    pub facts: CertFacts,
    /// The DER encoding, exactly as parsed.
    #[serde(skip)]
    pub der: Box<[u8]>,
    /// The subject Name as compared (RFC 5280 §7.1: string type, case and whitespace ignored;
    /// see [`super::dn::name_key`]).
    #[serde(skip)]
    pub subject_name: NameKey,
    /// The issuer Name as compared, like `subject_name` (one shared copy per name among the
    /// certificates of a folder: most have the same issuer).
    #[serde(skip)]
    pub issuer_name: NameKey,
    /// basicConstraints cA is true.
    pub is_ca: bool,
    /// X.509 version, 1 to 3.
    pub version: u32,
    /// Extended key usage, `None` when the extension is absent (any usage allowed).
    pub eku: Option<Eku>,
    /// The subject public key.
    pub key: PublicKey,
    /// The signature algorithm.
    pub signature: SignatureAlgorithm,
    /// The hash of the signature (for RSASSA-PSS, from its parameters; SHA-1 when absent).
    pub signature_hash: SignatureHash,
    /// Key usage extension, `None` when absent (every usage allowed).
    pub key_usage: Option<KeyUsage>,
    /// CRL distribution points extension: `None` when absent, else the URIs it lists (may be
    /// empty when the points are given only as directory names).
    pub crl_distribution_points: Option<Box<[String]>>,
    /// Subject key identifier extension value.
    #[serde(skip)]
    pub subject_key_id: Option<Box<[u8]>>,
    /// Key identifier of the authority key identifier extension.
    #[serde(skip)]
    pub authority_key_id: Option<Box<[u8]>>,
    /// The OIDs of the critical extensions Windows does not recognise ([`KNOWN_EXTENSIONS`]),
    /// dotted, in certificate order.
    #[serde(skip)]
    pub unknown_critical_extensions: Box<[String]>,
}

/// The extensions a certificate may mark critical: those of RFC 5280 §4.2 and the Microsoft
/// (AD CS) extensions Windows reads.
pub const KNOWN_EXTENSIONS: &[&str] = &[
    "2.5.29.9",                // subject directory attributes
    "2.5.29.14",               // subject key identifier
    "2.5.29.15",               // key usage
    "2.5.29.17",               // subject alternative name
    "2.5.29.18",               // issuer alternative name
    "2.5.29.19",               // basic constraints
    "2.5.29.30",               // name constraints
    "2.5.29.31",               // CRL distribution points
    "2.5.29.32",               // certificate policies
    "2.5.29.33",               // policy mappings
    "2.5.29.35",               // authority key identifier
    "2.5.29.36",               // policy constraints
    "2.5.29.37",               // extended key usage
    "2.5.29.46",               // freshest CRL
    "2.5.29.54",               // inhibit anyPolicy
    "1.3.6.1.5.5.7.1.1",       // authority information access
    "1.3.6.1.5.5.7.1.11",      // subject information access
    "1.3.6.1.5.5.7.1.24",      // TLS feature (RFC 7633)
    "1.3.6.1.4.1.311.20.2",    // certificate template name (AD CS)
    "1.3.6.1.4.1.311.21.1",    // CA version (AD CS)
    "1.3.6.1.4.1.311.21.2",    // previous CA certificate hash (AD CS)
    "1.3.6.1.4.1.311.21.7",    // certificate template information (AD CS)
    "1.3.6.1.4.1.311.21.10",   // application policies (AD CS)
    "1.3.6.1.4.1.311.25.2",    // NTDS CA security extension (AD CS)
    "1.3.6.1.4.1.11129.2.4.2", // certificate transparency SCT list
];

impl std::ops::Deref for Certificate {
    type Target = CertFacts;
    fn deref(&self) -> &CertFacts {
        &self.facts
    }
}

/// Upper-case hex of `bytes` without separators.
fn hex_upper(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02X}");
    }
    s
}

/// Upper-case hex SHA-1 of a DER certificate: the Windows "thumbprint".
pub fn sha1_thumbprint(der: &[u8]) -> String {
    hex_upper(&Sha1::digest(der))
}

/// Upper-case hex of a key identifier (SKI/AKI), as Windows shows it without spaces.
pub fn key_id_hex(bytes: &[u8]) -> String {
    hex_upper(bytes)
}

pub(crate) use super::sniff::der_total_len;

/// Bit length of a big-endian unsigned integer, ignoring leading zero bytes and bits.
fn bit_len(be: &[u8]) -> u32 {
    let trimmed: &[u8] = match be.iter().position(|b| *b != 0) {
        Some(i) => &be[i..],
        None => return 0,
    };
    let lead = trimmed.first().map_or(0, |b| b.leading_zeros());
    let bits = (trimmed.len() as u64) * 8 - u64::from(lead);
    u32::try_from(bits).unwrap_or(u32::MAX)
}

fn curve_name(oid: &str) -> (String, Option<u32>) {
    match oid {
        "1.2.840.10045.3.1.7" => ("P-256".into(), Some(256)),
        "1.3.132.0.34" => ("P-384".into(), Some(384)),
        "1.3.132.0.35" => ("P-521".into(), Some(521)),
        "1.3.132.0.10" => ("secp256k1".into(), Some(256)),
        other => (other.to_string(), None),
    }
}

fn public_key_of(x: &X509Certificate<'_>) -> PublicKey {
    let spki = x.public_key();
    let alg = spki.algorithm.algorithm.to_id_string();
    match spki.parsed() {
        Ok(X509PublicKey::RSA(rsa)) => PublicKey::Rsa {
            bits: bit_len(rsa.modulus),
        },
        Ok(X509PublicKey::EC(point)) => {
            let curve_oid = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.clone().oid().ok())
                .map(|o| o.to_id_string());
            let (curve, known_bits) = match curve_oid {
                Some(o) => curve_name(&o),
                None => ("unknown".to_string(), None),
            };
            let bits =
                known_bits.unwrap_or_else(|| u32::try_from(point.key_size()).unwrap_or(u32::MAX));
            PublicKey::Ec {
                bits,
                curve: curve.into(),
            }
        }
        _ => PublicKey::Other {
            algorithm: match alg.as_str() {
                "1.3.101.112" => "Ed25519".into(),
                "1.3.101.113" => "Ed448".into(),
                "1.2.840.10040.4.1" => "DSA".into(),
                _ => alg.into(),
            },
        },
    }
}

/// The hash of `x`'s signature: from the algorithm OID, or from the RSASSA-PSS parameters
/// (SHA-1 when they name none, as RFC 4055 defines).
fn signature_hash_of(x: &X509Certificate<'_>) -> SignatureHash {
    let alg = &x.signature_algorithm;
    let oid = alg.algorithm.to_id_string();
    let from_alg = match SignatureAlgorithm::from_oid(&oid) {
        SignatureAlgorithm::Md5Rsa => Some(SignatureHash::Md5),
        SignatureAlgorithm::Sha1Rsa | SignatureAlgorithm::Sha1Ecdsa => Some(SignatureHash::Sha1),
        SignatureAlgorithm::Sha256Rsa | SignatureAlgorithm::Sha256Ecdsa => {
            Some(SignatureHash::Sha2(256))
        }
        SignatureAlgorithm::Sha384Rsa | SignatureAlgorithm::Sha384Ecdsa => {
            Some(SignatureHash::Sha2(384))
        }
        SignatureAlgorithm::Sha512Rsa | SignatureAlgorithm::Sha512Ecdsa => {
            Some(SignatureHash::Sha2(512))
        }
        SignatureAlgorithm::RsaPss => None,
        SignatureAlgorithm::Other(_) => match oid.as_str() {
            "1.2.840.113549.1.1.14" | "1.2.840.10045.4.3.1" => Some(SignatureHash::Sha2(224)),
            _ => Some(SignatureHash::Other(oid.as_str().into())),
        },
    };
    if let Some(h) = from_alg {
        return h;
    }
    match alg.parameters.as_ref().map(RsaSsaPssParams::try_from) {
        Some(Ok(params)) => {
            SignatureHash::from_hash_oid(&params.hash_algorithm_oid().to_id_string())
        }
        Some(Err(_)) => SignatureHash::Other(oid.into()),
        None => SignatureHash::Sha1,
    }
}

fn parse_error(e: x509_parser::nom::Err<X509Error>, len: usize) -> CertParseError {
    match e {
        x509_parser::nom::Err::Incomplete(_) => CertParseError::Truncated {
            declared: 0,
            available: len,
        },
        x509_parser::nom::Err::Error(e) | x509_parser::nom::Err::Failure(e) => {
            CertParseError::Invalid {
                detail: e.to_string(),
            }
        }
    }
}

/// Parses exactly one certificate at the start of `data`; returns it and the bytes it used.
pub(crate) fn parse_prefix(data: &[u8]) -> Result<(Certificate, usize), CertParseError> {
    if data.is_empty() {
        return Err(CertParseError::Empty);
    }
    if let Some(total) = der_total_len(data) {
        if total > data.len() {
            return Err(CertParseError::Truncated {
                declared: total,
                available: data.len(),
            });
        }
    }
    let (rest, x) = X509Certificate::from_der(data).map_err(|e| parse_error(e, data.len()))?;
    let used = data.len() - rest.len();
    let der = data.get(..used).unwrap_or(data).into();
    Ok((build(&x, der), used))
}

fn build(x: &X509Certificate<'_>, der: Box<[u8]>) -> Certificate {
    let mut dns_names = Vec::new();
    let mut eku = None;
    let mut is_ca = false;
    let mut subject_key_id = None;
    let mut authority_key_id = None;
    let mut key_usage = None;
    let mut crl_distribution_points: Option<Vec<String>> = None;
    let mut unknown_critical_extensions = Vec::new();
    for ext in x.extensions() {
        if ext.critical {
            let oid = ext.oid.to_id_string();
            if !KNOWN_EXTENSIONS.contains(&oid.as_str()) {
                unknown_critical_extensions.push(oid);
            }
        }
        match ext.parsed_extension() {
            ParsedExtension::SubjectAlternativeName(san) => {
                for gn in &san.general_names {
                    if let GeneralName::DNSName(name) = gn {
                        dns_names.push((*name).to_string());
                    }
                }
            }
            ParsedExtension::ExtendedKeyUsage(e) => {
                let prev: Eku = eku.unwrap_or(Eku {
                    server_auth: false,
                    any: false,
                });
                eku = Some(Eku {
                    server_auth: prev.server_auth || e.server_auth,
                    any: prev.any || e.any,
                });
            }
            ParsedExtension::BasicConstraints(bc) => is_ca = is_ca || bc.ca,
            ParsedExtension::KeyUsage(k) => {
                key_usage = Some(KeyUsage(key_usage.map_or(0, |p: KeyUsage| p.0) | k.flags));
            }
            ParsedExtension::CRLDistributionPoints(points) => {
                let uris = crl_distribution_points.get_or_insert_with(Vec::new);
                for point in points.iter() {
                    if let Some(DistributionPointName::FullName(names)) = &point.distribution_point
                    {
                        for gn in names {
                            if let GeneralName::URI(u) = gn {
                                uris.push((*u).to_string());
                            }
                        }
                    }
                }
            }
            ParsedExtension::SubjectKeyIdentifier(k) => {
                subject_key_id.get_or_insert_with(|| k.0.into());
            }
            ParsedExtension::AuthorityKeyIdentifier(aki) => {
                if let Some(k) = &aki.key_identifier {
                    authority_key_id.get_or_insert_with(|| k.0.into());
                }
            }
            _ => {}
        }
    }
    let common_name = x
        .subject()
        .iter_common_name()
        .next()
        .and_then(|a| a.as_str().ok())
        .map(str::to_string);
    let sha1_thumbprint = super::facts::Thumbprint(Sha1::digest(&der).into());
    Certificate {
        facts: CertFacts {
            subject: super::dn::windows_text(x.subject()).into(),
            issuer: super::dn::windows_text(x.issuer()).into(),
            common_name: common_name.map(String::into_boxed_str),
            dns_names: dns_names.into_boxed_slice(),
            serial: hex_upper(x.raw_serial()).into(),
            not_before: x.validity().not_before.timestamp(),
            not_after: x.validity().not_after.timestamp(),
            sha1_thumbprint,
        },
        subject_name: super::dn::name_key(x.subject()).into(),
        issuer_name: super::dn::name_key(x.issuer()).into(),
        is_ca,
        version: x.version().0.saturating_add(1),
        eku,
        key: public_key_of(x),
        signature: SignatureAlgorithm::from_oid(&x.signature_algorithm.algorithm.to_id_string()),
        signature_hash: signature_hash_of(x),
        key_usage,
        crl_distribution_points: crl_distribution_points.map(Vec::into_boxed_slice),
        subject_key_id,
        authority_key_id,
        unknown_critical_extensions: unknown_critical_extensions.into_boxed_slice(),
        der,
    }
}

impl Certificate {
    /// Parses one DER certificate; the input must hold exactly one certificate.
    pub fn from_der(der: &[u8]) -> Result<Certificate, CertParseError> {
        let (cert, used) = parse_prefix(der)?;
        let extra = der.len().saturating_sub(used);
        if extra > 0 {
            return Err(CertParseError::TrailingData { extra });
        }
        Ok(cert)
    }

    /// Checks this certificate's signature with `issuer`'s public key.
    pub fn signature_check(&self, issuer: &Certificate) -> SignatureCheck {
        // Extensions are not parsed again: the signature covers the raw TBS bytes, and both
        // certificates parsed in full when they were read.
        let mut parser = X509CertificateParser::new().with_deep_parse_extensions(false);
        let (Ok((_, child)), Ok((_, parent))) =
            (parser.parse(&self.der), parser.parse(&issuer.der))
        else {
            return SignatureCheck::Invalid;
        };
        match child.verify_signature(Some(parent.public_key())) {
            Ok(()) => SignatureCheck::Valid,
            Err(X509Error::SignatureUnsupportedAlgorithm) => SignatureCheck::Unsupported,
            Err(_) => SignatureCheck::Invalid,
        }
    }

    /// True when `issuer`'s public key verifies this certificate's signature; false on any
    /// error, including algorithms the verifier does not support (see [`Self::signature_check`]).
    pub fn verify_signed_by(&self, issuer: &Certificate) -> bool {
        self.signature_check(issuer) == SignatureCheck::Valid
    }

    /// True when the subject and issuer names are the same name (self-issued).
    pub fn is_self_issued(&self) -> bool {
        self.subject_name == self.issuer_name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_len_ignores_leading_zeros() {
        assert_eq!(bit_len(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(bit_len(&[0x01, 0x00]), 9);
        assert_eq!(bit_len(&[0, 0]), 0);
        assert_eq!(bit_len(&[]), 0);
    }

    #[test]
    fn signature_names() {
        assert_eq!(
            SignatureAlgorithm::from_oid("1.2.840.113549.1.1.5").name(),
            "sha1RSA"
        );
        assert_eq!(
            SignatureAlgorithm::from_oid("1.2.840.10045.4.1").name(),
            "sha1ECDSA"
        );
        assert_eq!(SignatureAlgorithm::from_oid("1.2.3").name(), "1.2.3");
    }

    #[test]
    fn der_len_header() {
        assert_eq!(der_total_len(&[0x30, 0x03]), Some(5));
        assert_eq!(der_total_len(&[0x30, 0x82, 0x01, 0x00]), Some(260));
        assert_eq!(der_total_len(&[0x30, 0x82, 0x01]), None);
        assert_eq!(der_total_len(&[0x30, 0x80]), None);
        assert!(matches!(
            Certificate::from_der(&[0x30, 0x82, 0x01, 0x00, 0x01]),
            Err(CertParseError::Truncated { .. })
        ));
        assert!(Certificate::from_der(b"hello world").is_err());
        assert_eq!(Certificate::from_der(&[]), Err(CertParseError::Empty));
    }
}
