//! Certificate folders: walked recursively in sorted order, each file read by [`super::read`].

use super::read::{load_file, CertLoadError};
use super::store::{add_file, CertStore, Unreadable};
use miette::Diagnostic;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Deepest folder nesting [`load_dir`] descends into.
pub const MAX_DEPTH: usize = 32;
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
