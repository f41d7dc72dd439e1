//! Reading certificate files and folders.
//!
//! The format is detected from the content (the extension is only a hint): PEM with one or more
//! `CERTIFICATE` (or `PKCS7`) blocks, DER X.509, and PKCS#7 certificate bundles (`.p7b`/`.p7c`)
//! in DER or PEM. `.pfx`/`.p12` files are never opened: they hold a private key.

use super::cert::{der_total_len, parse_prefix, CertParseError, Certificate};
use super::pkcs7::{self, Pkcs7Error};
use super::sniff::{is_cert_label, looks_like_pkcs12};
use miette::Diagnostic;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use thiserror::Error;
use x509_parser::error::PEMError;
use x509_parser::pem::Pem;

/// Largest certificate file accepted, in bytes (16 MiB).
pub const MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// Deepest folder nesting [`load_dir`] descends into.
pub const MAX_DEPTH: usize = 32;

/// Extensions (lower case) recognised as certificate files for [`file_stem_matches`].
pub const CERT_EXTENSIONS: &[&str] = &["cer", "crt", "pem", "der", "p7b", "p7c", "pfx", "p12"];

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
    /// A folder nested deeper than [`MAX_DEPTH`] (reported by [`load_dir`], not read).
    #[error("{} is nested more than {limit} folders deep; not read", path.display())]
    #[diagnostic(code(topocert::cert_too_deep))]
    TooDeep {
        /// The folder.
        path: PathBuf,
        /// The depth limit.
        limit: usize,
    },
}

/// The certificate folder itself could not be read.
#[derive(Debug, Error, Diagnostic)]
pub enum CertDirError {
    /// Missing or unreadable.
    #[error("cannot read certificate folder {}: {cause}", path.display())]
    #[diagnostic(code(topocert::cert_dir_io))]
    Io {
        /// The folder as given.
        path: PathBuf,
        /// The underlying error.
        cause: std::io::Error,
    },
    /// The path exists but is not a folder.
    #[error("{} is not a folder", path.display())]
    #[diagnostic(
        code(topocert::cert_dir_not_dir),
        help("give a folder of .cer/.crt/.pem/.p7b files; for a single CA file use --ca")
    )]
    NotADirectory {
        /// The path as given.
        path: PathBuf,
    },
}

/// A file of [`load_dir`] that could not be loaded.
#[derive(Debug)]
pub struct Unreadable {
    /// The file (or folder, for [`CertLoadError::TooDeep`] and folder read errors).
    pub path: PathBuf,
    /// Why.
    pub error: CertLoadError,
}

pub use super::origin::short_name;

/// How a server certificate is named for people ([`super::Origin::label`]): its file's path
/// (and where it was fetched from), or its inventory row ("inventory.csv line 3").
pub fn label(file: &CertFile) -> String {
    file.origin.label()
}

/// A server certificate: a file holding at least one non-CA certificate, an inventory row, or
/// a chain fetched from a server.
#[derive(Debug, Clone)]
pub struct CertFile {
    /// Where it was read ([`super::Origin`]: a file, an inventory row, a fetched endpoint).
    pub origin: super::Origin,
    /// The server certificate: the first certificate in the file that is not a CA, or an
    /// inventory row (then `chain` is empty).
    pub leaf: super::Leaf,
    /// Every other certificate in the file, in file order (CAs and any further leaves).
    pub chain: Vec<Certificate>,
}

impl CertFile {
    /// The name to show ([`super::Origin::label`]).
    pub fn label(&self) -> String {
        self.origin.label()
    }
    /// The short name to show ([`super::Origin::short_label`]).
    pub fn short_label(&self) -> String {
        self.origin.short_label()
    }
}

/// Everything found in a certificate folder.
#[derive(Debug, Default)]
pub struct CertStore {
    /// Files with a server (non-CA) certificate, in sorted path order, then inventory rows
    /// (see [`super::Inventory::add_to`]) in inventory order.
    pub files: Vec<CertFile>,
    /// Files holding only CA certificates (chain and reference material).
    pub ca_files: Vec<(PathBuf, Vec<Certificate>)>,
    /// Files that could not be loaded.
    pub unreadable: Vec<Unreadable>,
    /// The endpoints a fetch tried (`--fetch`, or the `manifest.csv` of a fetched folder),
    /// reached or not.
    pub endpoints: Vec<crate::certs::endpoint::EndpointRecord>,
}

impl CertStore {
    /// Every CA certificate in the store: from CA-only files and from the chains of server files.
    pub fn all_ca_certs(&self) -> impl Iterator<Item = &Certificate> {
        self.ca_files
            .iter()
            .flat_map(|(_, certs)| certs.iter())
            .chain(self.files.iter().flat_map(|f| f.chain.iter()))
            .filter(|c| c.is_ca)
    }
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

/// Parses the bytes of a certificate file (see [`load_file`]); `path` is used for the
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
    if contains(data, b"-----BEGIN ") {
        return load_pem(path, data);
    }
    if data.first() == Some(&0x30) {
        return load_der(path, data);
    }
    Err(CertLoadError::NotACertificate {
        path: path.to_path_buf(),
    })
}

/// Loads every certificate in one file: PEM (one or more `CERTIFICATE` or `PKCS7` blocks;
/// other blocks are ignored), DER X.509 (one or several concatenated), or a PKCS#7 bundle in
/// DER. Fails on `.pfx`/`.p12` (by extension or content), empty files, files over
/// [`MAX_FILE_SIZE`], and anything that is not a certificate.
pub fn load_file(path: &Path) -> Result<Vec<Certificate>, CertLoadError> {
    let data = read_limited(path)?;
    load_bytes(path, &data)
}

/// Loads a CA file given with `--ca`: any format [`load_file`] accepts; all certificates.
pub fn load_ca_file(path: &Path) -> Result<Vec<Certificate>, CertLoadError> {
    load_file(path)
}

/// True for files [`load_dir`] skips: `README*`, `*.md` and `*.txt` (case-insensitive).
fn is_skipped(name: &OsStr) -> bool {
    let lossy = name.to_string_lossy().to_ascii_lowercase();
    lossy.starts_with("readme") || lossy.ends_with(".md") || lossy.ends_with(".txt")
}

/// Loads every file under `dir`, recursively, in sorted order.
///
/// Skips files named `README*`, `*.md` and `*.txt` (case-insensitive), and `manifest.csv` at
/// the top (the record of `topocert fetch`); hidden files are not skipped. Symbolic links to files are read; symbolic links to folders are never followed
/// (so link loops cannot hang), and folders deeper than [`MAX_DEPTH`] are reported as
/// [`CertLoadError::TooDeep`]. Fails only when `dir` itself cannot be read; every other
/// problem becomes an entry of [`CertStore::unreadable`] and the remaining files still load.
pub fn load_dir(dir: &Path) -> Result<CertStore, CertDirError> {
    let mut store = CertStore::default();
    load_dir_into(dir, &mut store)?;
    Ok(store)
}

/// [`load_dir`] adding to `store`, after what it already holds.
pub fn load_dir_into(dir: &Path, store: &mut CertStore) -> Result<(), CertDirError> {
    let meta = fs::metadata(dir).map_err(|source| CertDirError::Io {
        path: dir.to_path_buf(),
        cause: source,
    })?;
    if !meta.is_dir() {
        return Err(CertDirError::NotADirectory {
            path: dir.to_path_buf(),
        });
    }
    let entries = sorted_entries(dir).map_err(|source| CertDirError::Io {
        path: dir.to_path_buf(),
        cause: source,
    })?;
    walk(entries, 1, store);
    Ok(())
}

/// (path, is a real folder) pairs of `dir`, sorted by file name.
fn sorted_entries(dir: &Path) -> std::io::Result<Vec<(PathBuf, bool)>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        // file_type() does not follow symbolic links.
        let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        out.push((entry.path(), is_dir));
    }
    out.sort_by(|a, b| a.0.file_name().cmp(&b.0.file_name()));
    Ok(out)
}

fn walk(entries: Vec<(PathBuf, bool)>, depth: usize, store: &mut CertStore) {
    for (path, is_dir) in entries {
        if is_dir {
            if depth >= MAX_DEPTH {
                store.unreadable.push(Unreadable {
                    error: CertLoadError::TooDeep {
                        path: path.clone(),
                        limit: MAX_DEPTH,
                    },
                    path,
                });
                continue;
            }
            match sorted_entries(&path) {
                Ok(sub) => walk(sub, depth + 1, store),
                Err(source) => store.unreadable.push(Unreadable {
                    error: CertLoadError::Io {
                        path: path.clone(),
                        cause: source,
                    },
                    path,
                }),
            }
            continue;
        }
        let Some(name) = path.file_name() else {
            continue;
        };
        if is_skipped(name) || (depth == 1 && name == crate::certs::endpoint::MANIFEST_FILE_NAME) {
            // a fetched folder's manifest is read by `app::sources::folder`
            continue;
        }
        if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink())
            && fs::metadata(&path).is_ok_and(|m| m.is_dir())
        {
            // A symbolic link to a folder: never followed.
            continue;
        }
        match load_file(&path) {
            Ok(certs) => add_file(store, super::Origin::File { path }, certs),
            Err(error) => store.unreadable.push(Unreadable { path, error }),
        }
    }
}

/// Adds the certificates of one file to `store`: a server file (its first non-CA certificate
/// is the leaf) or a CA-only file.
pub fn add_file(store: &mut CertStore, origin: super::Origin, mut certs: Vec<Certificate>) {
    // The server certificate is the first non-CA certificate; a file holding one CA certificate
    // that names DNS hosts is a CA certificate offered as a server's (the
    // `ca-certificate-as-server` rule reports it) rather than a CA to trust.
    let leaf = certs
        .iter()
        .position(|c| !c.is_ca)
        .or_else(|| (certs.len() == 1 && !certs[0].dns_names.is_empty()).then_some(0));
    match leaf {
        Some(i) => {
            let leaf = certs.remove(i);
            // Most files hold the leaf alone: no room kept for a chain they do not have.
            certs.shrink_to_fit();
            store.files.push(CertFile {
                origin,
                leaf: super::Leaf::File(leaf),
                chain: certs,
            });
        }
        None => {
            let path = origin
                .path()
                .map_or_else(|| PathBuf::from(origin.name()), Path::to_path_buf);
            store.ca_files.push((path, certs))
        }
    }
}

/// The lower-case names a file is "named after": its file name without a known certificate
/// extension (only the last extension is removed), and its parent folder's name.
pub fn name_keys(path: &Path) -> Vec<String> {
    let mut keys = Vec::new();
    if let Some(name) = path.file_name() {
        let name = name.to_string_lossy().to_ascii_lowercase();
        let stem = match name.rsplit_once('.') {
            Some((stem, ext)) if CERT_EXTENSIONS.contains(&ext) && !stem.is_empty() => stem,
            _ => name.as_str(),
        };
        keys.push(super::cert::normalize_name(stem));
        // `fe01.fabrikam.com.default.cer` is named after fe01 too.
        if let Some((rest, _)) = super::usage::split_stem(stem) {
            if !rest.is_empty() {
                keys.push(super::cert::normalize_name(rest));
            }
        }
    }
    if let Some(parent) = path.parent().and_then(Path::file_name) {
        let p = super::cert::normalize_name(&parent.to_string_lossy());
        if !keys.contains(&p) {
            keys.push(p);
        }
    }
    keys.retain(|k| !k.is_empty());
    keys
}

/// True when the file name without its certificate extension (`fe01.fabrikam.com.cer`), or its
/// parent folder name (`fe01.fabrikam.com/cert.pem`), equals `fqdn`, case-insensitively. Only
/// the last extension is removed, and only if it is one of [`CERT_EXTENSIONS`].
pub fn file_stem_matches(path: &Path, fqdn: &str) -> bool {
    let want = super::cert::normalize_name(fqdn);
    !want.is_empty() && name_keys(path).contains(&want)
}
