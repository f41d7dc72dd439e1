//! The certificates found: server files ([`CertFile`]), CA-only files and unreadable files,
//! gathered in a [`CertStore`].

use super::cert::Certificate;
use super::read::CertLoadError;
use std::path::{Path, PathBuf};

/// A file of [`super::load_dir`] that could not be loaded.
#[derive(Debug)]
pub struct Unreadable {
    /// The file (or folder, for [`CertLoadError::TooDeep`] and folder read errors).
    pub path: PathBuf,
    /// Why.
    pub error: CertLoadError,
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
    /// (see [`super::inventory::Inventory::add_to`]) in inventory order.
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

/// Adds the certificates of one file to `store`: a server file (its first non-CA certificate
/// is the leaf) or a CA-only file.
pub fn add_file(store: &mut CertStore, origin: super::Origin, certs: Vec<Certificate>) {
    sort_file(origin, certs).add_to(store);
}

/// The certificates of one file, sorted into a server file or a CA-only file ([`sort_file`]).
// Unboxed: a server file moves from the thread that read it into the store without an
// allocation of its own (one freed on another thread would stay unused in the reader's heap).
#[allow(clippy::large_enum_variant)]
pub(crate) enum SortedFile {
    /// A file with a server certificate.
    Server(CertFile),
    /// A file holding only CA certificates.
    CaOnly(PathBuf, Vec<Certificate>),
}

/// One copy of each Name ([`super::NameKey`]), and of each issuer's display text, among the
/// certificates of a folder.
#[derive(Default)]
pub(crate) struct SharedNames(
    std::collections::HashSet<super::NameKey>,
    std::collections::HashSet<std::sync::Arc<str>>,
);

impl SharedNames {
    /// Shares the issuer Name of every certificate (most of a folder's have the same issuer)
    /// and its display text, and the subject Name of CA certificates (the issuer Name of the
    /// certificates they sign).
    fn share_in(&mut self, cert: &mut Certificate) {
        share(&mut self.0, &mut cert.issuer_name);
        share(&mut self.1, &mut cert.facts.issuer);
        if cert.is_ca {
            share(&mut self.0, &mut cert.subject_name);
        }
    }
}

/// Replaces `value` with the copy in `set` (the first seen), or puts it there.
fn share<T: Clone + Eq + std::hash::Hash>(set: &mut std::collections::HashSet<T>, value: &mut T) {
    match set.get(value) {
        Some(shared) => *value = shared.clone(),
        None => {
            set.insert(value.clone());
        }
    }
}

impl SortedFile {
    /// Shares the Names of its certificates with those of the files before it.
    pub(crate) fn share_names(&mut self, names: &mut SharedNames) {
        let certs = match self {
            SortedFile::Server(f) => {
                if let super::Leaf::File(c) = &mut f.leaf {
                    names.share_in(c);
                }
                &mut f.chain
            }
            SortedFile::CaOnly(_, certs) => certs,
        };
        for c in certs {
            names.share_in(c);
        }
    }
    /// Adds it to `store`.
    pub(crate) fn add_to(self, store: &mut CertStore) {
        match self {
            SortedFile::Server(f) => store.files.push(f),
            SortedFile::CaOnly(path, certs) => store.ca_files.push((path, certs)),
        }
    }
}

/// Sorts the certificates of one file: the server certificate is the first non-CA
/// certificate; a file holding one CA certificate that names DNS hosts is a CA certificate
/// offered as a server's (the `ca-certificate-as-server` rule reports it) rather than a CA to
/// trust.
pub(crate) fn sort_file(origin: super::Origin, mut certs: Vec<Certificate>) -> SortedFile {
    let leaf = certs
        .iter()
        .position(|c| !c.is_ca)
        .or_else(|| (certs.len() == 1 && !certs[0].dns_names.is_empty()).then_some(0));
    match leaf {
        Some(i) => {
            let leaf = certs.remove(i);
            // Most files hold the leaf alone: no room kept for a chain they do not have.
            certs.shrink_to_fit();
            SortedFile::Server(CertFile {
                origin,
                leaf: super::Leaf::File(leaf),
                chain: certs,
            })
        }
        None => {
            let path = origin
                .path()
                .map_or_else(|| PathBuf::from(origin.name()), Path::to_path_buf);
            SortedFile::CaOnly(path, certs)
        }
    }
}
