//! Certificate folders: walked recursively in sorted order, the files read in parallel and
//! added to the store in that order.

use super::read::{load_file, CertLoadError};
use super::store::{sort_file, CertStore, SharedNames, SortedFile, Unreadable};
use miette::Diagnostic;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Deepest folder nesting [`load_dir`] descends into.
pub const MAX_DEPTH: usize = 32;

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

/// True for files [`load_dir`] skips: `README*`, `*.md` and `*.txt` (case-insensitive).
fn is_skipped(name: &OsStr) -> bool {
    let lossy = name.to_string_lossy().to_ascii_lowercase();
    lossy.starts_with("readme") || lossy.ends_with(".md") || lossy.ends_with(".txt")
}

/// Loads every file under `dir`, recursively, in sorted order. The files are read and parsed
/// in parallel (rayon's global pool) and added in sorted order, so the store is the same for
/// any number of threads.
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
    let mut found = Vec::new();
    walk(entries, 1, &mut found);
    load_found(found, store);
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

/// What the walk found at one place of the folder, in sorted order.
enum Found {
    /// A file to read.
    File(PathBuf),
    /// A folder that was not read (boxed: there are few, and the list holds every file).
    Unreadable(Box<Unreadable>),
}

/// How many files are read in parallel before they are added to the store: what is read is
/// held twice (read, then in the store) for at most this many files.
const READ_BATCH: usize = 512;

/// Reads the files `walk` found, in parallel, and adds them to `store` in the order found.
/// Each file is read, parsed and sorted ([`sort_file`]) on the thread that read it, so that
/// what it leaves behind is reused by that thread's next file. The files are read in batches
/// of [`READ_BATCH`], so the results waiting to be added stay few; each path found moves into
/// the store's entry, and the certificates share one copy of each issuer's Name.
fn load_found(found: Vec<Found>, store: &mut CertStore) {
    use rayon::prelude::*;
    // Nearly every file found is a server's: the list is made once at about its size.
    store.files.reserve(found.len());
    let mut found = found.into_iter();
    let mut names = SharedNames::default();
    loop {
        let batch: Vec<Found> = found.by_ref().take(READ_BATCH).collect();
        if batch.is_empty() {
            break;
        }
        // Indexed parallel iterators collect in input order: the store is the same whatever
        // the number of threads.
        let loaded: Vec<Loaded> = batch.into_par_iter().map(load_one).collect();
        for l in loaded {
            match l {
                Loaded::Skipped => {}
                Loaded::Sorted(mut sorted) => {
                    sorted.share_names(&mut names);
                    sorted.add_to(store);
                }
                Loaded::Unreadable(u) => store.unreadable.push(u),
            }
        }
    }
}

/// One place of the walk, read.
// Unboxed, as `SortedFile`: a file read moves into the store without an allocation of its own.
#[allow(clippy::large_enum_variant)]
enum Loaded {
    /// A symbolic link to a folder (never followed).
    Skipped,
    /// A file read and sorted.
    Sorted(SortedFile),
    /// A file or folder that could not be read.
    Unreadable(Unreadable),
}

/// Reads one place of the walk ([`read_found`]), moving its path into the result.
fn load_one(f: Found) -> Loaded {
    match f {
        Found::Unreadable(u) => Loaded::Unreadable(*u),
        Found::File(path) => match read_found(&path) {
            None => Loaded::Skipped,
            Some(Ok(certs)) => Loaded::Sorted(sort_file(super::Origin::File { path }, certs)),
            Some(Err(error)) => Loaded::Unreadable(Unreadable { path, error }),
        },
    }
}

/// One file of the walk: `None` for a symbolic link to a folder (never followed).
fn read_found(path: &Path) -> Option<Result<Vec<super::Certificate>, CertLoadError>> {
    if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
        && fs::metadata(path).is_ok_and(|m| m.is_dir())
    {
        return None;
    }
    Some(load_file(path))
}

fn walk(entries: Vec<(PathBuf, bool)>, depth: usize, found: &mut Vec<Found>) {
    for (path, is_dir) in entries {
        if is_dir {
            if depth >= MAX_DEPTH {
                found.push(Found::Unreadable(Box::new(Unreadable {
                    error: CertLoadError::TooDeep {
                        path: path.clone(),
                        limit: MAX_DEPTH,
                    },
                    path,
                })));
                continue;
            }
            match sorted_entries(&path) {
                Ok(sub) => walk(sub, depth + 1, found),
                Err(source) => found.push(Found::Unreadable(Box::new(Unreadable {
                    error: CertLoadError::Io {
                        path: path.clone(),
                        cause: source,
                    },
                    path,
                }))),
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
        // Kept in the store's entry for the whole run: no room left over from joining.
        let mut path = path;
        path.shrink_to_fit();
        found.push(Found::File(path));
    }
}
