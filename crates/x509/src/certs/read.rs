//! One certificate file: its bytes read (bounded) and its PEM, DER and PKCS#7 blocks parsed.
//!
//! The format is detected from the content (the extension is only a hint): PEM with one or more
//! `CERTIFICATE` (or `PKCS7`) blocks, DER X.509, and PKCS#7 certificate bundles (`.p7b`/`.p7c`)
//! in DER or PEM. `.pfx`/`.p12` files are never opened: they hold a private key.

use super::cert::{der_total_len, parse_prefix, CertParseError, Certificate};
use super::pkcs7::{self, Pkcs7Error};
use super::sniff::{is_cert_label, looks_like_pkcs12};
use miette::Diagnostic;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use thiserror::Error;
use x509_parser::error::PEMError;
use x509_parser::pem::Pem;

/// Largest certificate file accepted, in bytes (16 MiB).
pub const MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;
/// A certificate file that could not be loaded.
#[derive(Debug, Error, Diagnostic)]
pub enum CertLoadError {
    /// The file could not be opened or read.
    #[error("cannot read {}: {cause}", path.display())]
    #[diagnostic(code(topocert::cert_io))]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        cause: std::io::Error,
    },
    /// Not a regular file (a FIFO, device or socket).
    #[error("{} is {kind}, not a regular file", path.display())]
    #[diagnostic(code(topocert::cert_not_a_file))]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What it is ("a FIFO (named pipe)", "a device", ...).
        kind: &'static str,
    },
    /// Larger than [`MAX_FILE_SIZE`].
    #[error("{} is {size} bytes; certificate files are limited to {limit} bytes", path.display())]
    #[diagnostic(code(topocert::cert_too_large))]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The file is empty.
    #[error("{} is empty", path.display())]
    #[diagnostic(code(topocert::cert_empty))]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// A PKCS#12 container (`.pfx`/`.p12`) or a PEM file with only a private key.
    #[error("{} holds a private key; export the certificate as .cer", path.display())]
    #[diagnostic(
        code(topocert::cert_private_key),
        help("in the Certificates MMC: All Tasks > Export > No, do not export the private key > DER or Base-64 .CER")
    )]
    PrivateKeyContainer {
        /// The file.
        path: PathBuf,
    },
    /// Neither PEM nor DER.
    #[error("{} is not a certificate (neither PEM nor DER)", path.display())]
    #[diagnostic(code(topocert::cert_not_a_certificate))]
    NotACertificate {
        /// The file.
        path: PathBuf,
    },
    /// A PEM block whose base64 body does not decode.
    #[error("{}: PEM block {block} ({label}) has an invalid base64 body", path.display())]
    #[diagnostic(code(topocert::cert_bad_base64))]
    BadPemBase64 {
        /// The file.
        path: PathBuf,
        /// 1-based block number.
        block: usize,
        /// The block label, if the header was read.
        label: String,
    },
    /// A PEM block is malformed (bad header, or `BEGIN` without `END`).
    #[error("{}: PEM block {block} is malformed: {detail}", path.display())]
    #[diagnostic(code(topocert::cert_bad_pem))]
    BadPem {
        /// The file.
        path: PathBuf,
        /// 1-based block number.
        block: usize,
        /// What is wrong.
        detail: String,
    },
    /// PEM text without any certificate block.
    #[error("{} has no certificate in it (PEM blocks found: {labels})", path.display())]
    #[diagnostic(code(topocert::cert_none))]
    NoCertificate {
        /// Labels of the blocks found, comma separated, or "none".
        labels: String,
        /// The file.
        path: PathBuf,
    },
    /// DER data that ends before the length its header announces.
    #[error("{} is truncated: the DER header announces {declared} bytes but the file has {available}", path.display())]
    #[diagnostic(
        code(topocert::cert_truncated),
        help("the file was probably cut off while copying; export it again")
    )]
    Truncated {
        /// The file.
        path: PathBuf,
        /// Bytes announced (0 when unknown).
        declared: usize,
        /// Bytes present.
        available: usize,
    },
    /// A certificate (the `index`th in the file, 1-based) is not valid X.509.
    #[error("{}: certificate {index}: {cause}", path.display())]
    #[diagnostic(code(topocert::cert_invalid))]
    InvalidCertificate {
        /// The file.
        path: PathBuf,
        /// 1-based position in the file.
        index: usize,
        /// What the parser reported.
        cause: CertParseError,
    },
    /// A row of a certificate inventory that could not be read (the other rows are used).
    #[error("{} {location}: {problem}", path.display())]
    #[diagnostic(code(topocert::inventory_row))]
    InventoryRow {
        /// The inventory file.
        path: PathBuf,
        /// The row.
        location: super::inventory::RowLocation,
        /// Why.
        problem: super::inventory::RowProblem,
    },
    /// A row (or the whole) of a fetched folder's `manifest.csv` that could not be read.
    #[error("{} line {line}: {problem}", path.display())]
    #[diagnostic(code(topocert::fetch_manifest))]
    Manifest {
        /// The manifest.
        path: PathBuf,
        /// The 1-based line (0 when the file could not be read).
        line: u64,
        /// Why.
        problem: String,
    },
    /// Bytes after the last DER certificate that are not another certificate.
    #[error("{}: {extra} unexpected bytes after the certificate at offset {offset}", path.display())]
    #[diagnostic(code(topocert::cert_trailing_data))]
    TrailingData {
        /// The file.
        path: PathBuf,
        /// Where the extra bytes start.
        offset: usize,
        /// How many.
        extra: usize,
    },
    /// A PKCS#7 bundle that could not be decoded.
    #[error("{}: {cause}", path.display())]
    #[diagnostic(code(topocert::cert_pkcs7))]
    Pkcs7 {
        /// The file.
        path: PathBuf,
        /// The decoding error.
        cause: Pkcs7Error,
    },
    /// A PKCS#7 bundle holding no certificate.
    #[error("{}: the PKCS#7 bundle holds no certificate", path.display())]
    #[diagnostic(code(topocert::cert_pkcs7_empty))]
    EmptyBundle {
        /// The file.
        path: PathBuf,
    },
    /// A folder nested deeper than [`super::MAX_DEPTH`] (reported by [`super::load_dir`], not
    /// read).
    #[error("{} is nested more than {limit} folders deep; not read", path.display())]
    #[diagnostic(code(topocert::cert_too_deep))]
    TooDeep {
        /// The folder.
        path: PathBuf,
        /// The depth limit.
        limit: usize,
    },
}

fn lower_ext(path: &Path) -> Option<String> {
    path.extension()
        .and_then(OsStr::to_str)
        .map(str::to_ascii_lowercase)
}

/// Reads a regular file of at most [`MAX_FILE_SIZE`] bytes ([`crate::input::read_file`]: a
/// FIFO or device is refused without blocking).
fn read_limited(path: &Path) -> Result<Vec<u8>, CertLoadError> {
    use crate::input::ReadError;
    crate::input::read_file(path, MAX_FILE_SIZE).map_err(|e| match e {
        ReadError::Io { path, cause } => CertLoadError::Io { path, cause },
        ReadError::NotAFile { path, kind } => CertLoadError::NotAFile {
            path,
            kind: kind.describe(),
        },
        ReadError::TooLarge { path, size, limit } => CertLoadError::TooLarge { path, size, limit },
    })
}

fn parse_cert(path: &Path, index: usize, der: &[u8]) -> Result<Certificate, CertLoadError> {
    Certificate::from_der(der).map_err(|source| CertLoadError::InvalidCertificate {
        path: path.to_path_buf(),
        index,
        cause: source,
    })
}

fn parse_pkcs7(
    path: &Path,
    der: &[u8],
    first_index: usize,
) -> Result<Vec<Certificate>, CertLoadError> {
    if let Some(total) = der_total_len(der) {
        if total > der.len() {
            return Err(CertLoadError::Truncated {
                path: path.to_path_buf(),
                declared: total,
                available: der.len(),
            });
        }
    }
    let ders = pkcs7::certificates_der(der).map_err(|source| CertLoadError::Pkcs7 {
        path: path.to_path_buf(),
        cause: source,
    })?;
    if ders.is_empty() {
        return Err(CertLoadError::EmptyBundle {
            path: path.to_path_buf(),
        });
    }
    ders.iter()
        .enumerate()
        .map(|(i, d)| parse_cert(path, first_index + i, d))
        .collect()
}

fn load_pem(path: &Path, data: &[u8]) -> Result<Vec<Certificate>, CertLoadError> {
    let mut certs = Vec::new();
    let mut labels: Vec<String> = Vec::new();
    let mut has_key = false;
    for (i, block) in Pem::iter_from_buffer(data).enumerate() {
        let block_no = i + 1;
        let pem = block.map_err(|e| match e {
            PEMError::Base64DecodeError => CertLoadError::BadPemBase64 {
                path: path.to_path_buf(),
                block: block_no,
                label: "?".to_string(),
            },
            PEMError::IncompletePEM => CertLoadError::BadPem {
                path: path.to_path_buf(),
                block: block_no,
                detail: "BEGIN line without a matching END line (truncated?)".to_string(),
            },
            other => CertLoadError::BadPem {
                path: path.to_path_buf(),
                block: block_no,
                detail: other.to_string(),
            },
        })?;
        let label = pem.label.trim().to_ascii_uppercase();
        if is_cert_label(&label) {
            if label == "TRUSTED CERTIFICATE" {
                // OpenSSL's trusted form: a certificate followed by trust settings.
                let (c, _) = parse_prefix(&pem.contents).map_err(|source| {
                    CertLoadError::InvalidCertificate {
                        path: path.to_path_buf(),
                        index: certs.len() + 1,
                        cause: source,
                    }
                })?;
                certs.push(c);
            } else {
                certs.push(parse_cert(path, certs.len() + 1, &pem.contents)?);
            }
        } else if label == "PKCS7" || label == "CMS" {
            let more = parse_pkcs7(path, &pem.contents, certs.len() + 1)?;
            certs.extend(more);
        } else if label.contains("PRIVATE KEY") {
            has_key = true;
        }
        labels.push(label);
    }
    if certs.is_empty() {
        if has_key {
            return Err(CertLoadError::PrivateKeyContainer {
                path: path.to_path_buf(),
            });
        }
        let labels = if labels.is_empty() {
            "none".to_string()
        } else {
            labels.join(", ")
        };
        return Err(CertLoadError::NoCertificate {
            labels,
            path: path.to_path_buf(),
        });
    }
    Ok(certs)
}

fn load_der(path: &Path, data: &[u8]) -> Result<Vec<Certificate>, CertLoadError> {
    if pkcs7::looks_like_pkcs7(data) {
        return parse_pkcs7(path, data, 1);
    }
    let mut certs = Vec::new();
    let mut at = 0usize;
    while at < data.len() {
        let rest = data.get(at..).unwrap_or_default();
        if !certs.is_empty() {
            if rest.iter().all(|b| *b == 0 || b.is_ascii_whitespace()) {
                break;
            }
            if rest.first() != Some(&0x30) {
                return Err(CertLoadError::TrailingData {
                    path: path.to_path_buf(),
                    offset: at,
                    extra: rest.len(),
                });
            }
        }
        match parse_prefix(rest) {
            Ok((c, used)) => {
                certs.push(c);
                at += used.max(1);
            }
            Err(CertParseError::Truncated {
                declared,
                available,
            }) => {
                return Err(CertLoadError::Truncated {
                    path: path.to_path_buf(),
                    declared,
                    available,
                })
            }
            Err(source) => {
                return Err(CertLoadError::InvalidCertificate {
                    path: path.to_path_buf(),
                    index: certs.len() + 1,
                    cause: source,
                })
            }
        }
    }
    Ok(certs)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Parses the bytes of a certificate file (see `load_file`); `path` is used for the
/// extension hint and in errors.
pub fn load_bytes(path: &Path, data: &[u8]) -> Result<Vec<Certificate>, CertLoadError> {
    if data.is_empty() {
        return Err(CertLoadError::Empty {
            path: path.to_path_buf(),
        });
    }
    let ext = lower_ext(path);
    if matches!(ext.as_deref(), Some("pfx" | "p12")) || looks_like_pkcs12(data) {
        return Err(CertLoadError::PrivateKeyContainer {
            path: path.to_path_buf(),
        });
    }
    let mut certs = if contains(data, b"-----BEGIN ") {
        load_pem(path, data)?
    } else if data.first() == Some(&0x30) {
        load_der(path, data)?
    } else {
        return Err(CertLoadError::NotACertificate {
            path: path.to_path_buf(),
        });
    };
    // Kept until the whole folder is read: no room for certificates the file does not have.
    certs.shrink_to_fit();
    Ok(certs)
}

/// Loads every certificate in one file: PEM (one or more `CERTIFICATE` or `PKCS7` blocks;
/// other blocks are ignored), DER X.509 (one or several concatenated), or a PKCS#7 bundle in
/// DER. Fails on `.pfx`/`.p12` (by extension or content), empty files, files over
/// [`MAX_FILE_SIZE`], and anything that is not a certificate.
pub(crate) fn load_file(path: &Path) -> Result<Vec<Certificate>, CertLoadError> {
    let data = read_limited(path)?;
    load_bytes(path, &data)
}

/// Loads a CA file given with `--ca`: any format `load_file` accepts; all certificates.
pub fn load_ca_file(path: &Path) -> Result<Vec<Certificate>, CertLoadError> {
    load_file(path)
}
