//! Where a fetched chain goes: the folder layout `check --certs` reads, written to disk by
//! [`write_dir`] or added in memory by [`add_to`] with the same relative paths, so that both
//! give the same store and so the same verdicts.
//!
//! ```text
//! DIR/manifest.csv
//! DIR/fe01.fabrikam.com/default.cer               (SIP, 5061)
//! DIR/fe01.fabrikam.com/webservicesinternal.cer   (internal web, 443)
//! DIR/fe01.fabrikam.com/webservicesexternal.cer   (external web, 4443)
//! ```
//!
//! A file holds the presented chain in PEM, leaf first, then the other certificates in the
//! order the server sent them. Each file is named after its server (by its folder) and states
//! its usage (by its name), as `check --certs` reads them: Default and WebServicesInternal are
//! what a file upload/download server needs; the external web services' certificate is kept
//! but not needed.
//!
//! A chain presented without proof of its key (`no-key-proof`) is never a certificate file:
//! it is written as evidence to `SERVER/USAGE.no-key-proof.txt`, a name `check --certs` skips,
//! and is not added to the store.

use super::capture::{Capture, EndpointResult};
use super::dns_name::DnsName;
use crate::certs::CertStore;
use crate::certs::{Origin, Usage};
use miette::Diagnostic;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// The path of a use's file relative to the output folder.
pub(crate) fn relative_path(server: &DnsName, usage: Usage) -> PathBuf {
    PathBuf::from(server.folded()).join(format!("{}.cer", usage.key()))
}

/// A chain (DER) as PEM `CERTIFICATE` blocks, in order.
pub fn pem(chain: &[Vec<u8>]) -> String {
    chain
        .iter()
        .filter_map(|der| {
            der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, der).ok()
        })
        .collect()
}

/// The files of the captured endpoints: (relative path, PEM text), sorted by path as
/// `load_dir` reads a folder. Endpoints whose name is not a DNS name or is a Windows device
/// name get no file.
pub fn files(results: &[EndpointResult]) -> Vec<(PathBuf, String)> {
    let mut files: Vec<(PathBuf, String)> = results
        .iter()
        .filter_map(|r| match (&r.capture, &r.endpoint.name) {
            (Capture::Captured(chain), Ok(name)) if !name.is_windows_device_name() => {
                Some((relative_path(name, r.endpoint.usage), pem(chain)))
            }
            _ => None,
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    // two machines with one name (a topology problem) give one file
    files.dedup_by(|a, b| a.0 == b.0);
    files
}

/// The path of the evidence of a chain presented without proof of its key, relative to the
/// output folder: a `.txt` file, which [`crate::certs::load_dir`] skips.
pub(crate) fn evidence_path(server: &DnsName, usage: Usage) -> PathBuf {
    PathBuf::from(server.folded()).join(format!("{}.no-key-proof.txt", usage.key()))
}

/// The evidence files of the endpoints that presented a chain without proof of its key:
/// (relative path, text: a line saying so, then the chain as PEM), sorted by path.
pub fn evidence(results: &[EndpointResult]) -> Vec<(PathBuf, String)> {
    let mut files: Vec<(PathBuf, String)> = results
        .iter()
        .filter_map(|r| match (&r.capture, &r.endpoint.name) {
            (Capture::Unproven { chain, .. }, Ok(name)) if !name.is_windows_device_name() => {
                let text = format!(
                    "Presented by {name}:{} without proof that the server holds the key \
                     (no-key-proof); never used as its certificate.\n{}",
                    r.endpoint.port,
                    pem(chain)
                );
                Some((evidence_path(name, r.endpoint.usage), text))
            }
            _ => None,
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files.dedup_by(|a, b| a.0 == b.0);
    files
}

/// Adds the captured chains and every endpoint's record to `store`, as [`crate::certs::load_dir`]
/// reads a folder [`write_dir`] wrote: the same certificates at the same relative paths (so
/// they sort, and are chosen, alike), each marked with the address it was fetched from.
pub fn add_to(results: &[EndpointResult], store: &mut CertStore) {
    // the first endpoint of a path, as `files` keeps the first of two machines with one name
    let mut origins: std::collections::HashMap<PathBuf, Origin> = std::collections::HashMap::new();
    for r in results {
        if let Ok(name) = &r.endpoint.name {
            let path = relative_path(name, r.endpoint.usage);
            origins.entry(path.clone()).or_insert_with(|| {
                Origin::Fetched(Box::new(crate::certs::Fetched {
                    path,
                    server: name.folded(),
                    usage: r.endpoint.usage,
                    port: r.endpoint.port,
                    address: r.address,
                }))
            });
        }
    }
    for (path, text) in files(results) {
        match crate::certs::load_bytes(&path, text.as_bytes()) {
            Ok(certs) => {
                let origin = origins
                    .remove(&path)
                    .unwrap_or(Origin::File { path: path.clone() });
                crate::certs::add_file(store, origin, certs);
            }
            Err(error) => store
                .unreadable
                .push(crate::certs::Unreadable { path, error }),
        }
    }
    store
        .endpoints
        .extend(results.iter().map(EndpointResult::record));
}

/// The output folder could not be written.
#[derive(Debug, Error, Diagnostic)]
pub enum OutDirError {
    /// The folder exists and has files in it.
    #[error("{} is not empty", path.display())]
    #[diagnostic(
        code(topocert::fetch_out_not_empty),
        help(
            "give a new or empty folder: a file left from another run would be read as this run's"
        )
    )]
    NotEmpty {
        /// The folder.
        path: PathBuf,
    },
    /// A file system error.
    #[error("cannot write {}: {cause}", path.display())]
    #[diagnostic(code(topocert::fetch_write))]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why (in the message; not also the error's source, which miette would print again).
        cause: std::io::Error,
    },
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> OutDirError {
    let path = path.to_path_buf();
    move |cause| OutDirError::Io { path, cause }
}

/// Makes sure `dir` can take a fetch: created when missing, refused when it has files (done
/// before fetching, so that a run is not wasted).
pub fn prepare_dir(dir: &Path) -> Result<(), OutDirError> {
    let io = io_error;
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(OutDirError::NotEmpty {
                    path: dir.to_path_buf(),
                });
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(io(dir))?
        }
        Err(e) => return Err(io(dir)(e)),
    }
    Ok(())
}

/// Writes the chains, the evidence of chains presented without proof of their key, and
/// `manifest.csv` into `dir`, which must be new or empty; returns the number of certificate
/// and evidence files written. Files are created, never overwritten, and never written through
/// a symbolic link (`create_new` refuses one).
pub fn write_dir(results: &[EndpointResult], dir: &Path) -> Result<usize, OutDirError> {
    let io = io_error;
    prepare_dir(dir)?;
    let create = |path: &Path, bytes: &[u8]| -> Result<(), OutDirError> {
        if let Some(parent) = path.parent().filter(|p| *p != dir) {
            // One level below `dir`: created here, and never a symbolic link followed out.
            match std::fs::create_dir(parent) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let real = std::fs::symlink_metadata(parent).is_ok_and(|m| m.is_dir());
                    if !real {
                        return Err(io(parent)(std::io::Error::new(
                            std::io::ErrorKind::AlreadyExists,
                            "exists and is not a folder (a symbolic link is never followed)",
                        )));
                    }
                }
                Err(e) => return Err(io(parent)(e)),
            }
        }
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(io(path))?;
        f.write_all(bytes).map_err(io(path))
    };
    let files = files(results);
    let evidence = evidence(results);
    for (relative, text) in files.iter().chain(&evidence) {
        create(&dir.join(relative), text.as_bytes())?;
    }
    let records: Vec<_> = results.iter().map(EndpointResult::record).collect();
    create(
        &dir.join(super::manifest::FILE_NAME),
        super::manifest::to_csv(&records).as_bytes(),
    )?;
    Ok(files.len() + evidence.len())
}
