//! Bounded, non-blocking reads of input files: the one way topocert reads a file.
//!
//! [`read_file`] opens only regular files. On Unix the file is opened with `O_NONBLOCK` (so a
//! FIFO or a device never blocks the open) and its type is checked on the opened handle; on
//! other systems the type is checked before opening and again on the handle. At most
//! `limit + 1` bytes are ever read, whatever the file's reported size, so a file that grows
//! or lies about its size is refused too. Refusals name the file and the limit.
//!
//! The limits, by input:
//!
//! | input                          | limit     | constant                                   |
//! |--------------------------------|-----------|--------------------------------------------|
//! | topology (file or `-`)         | 1 GiB     | [`crate::topology::MAX_INPUT_BYTES`]       |
//! | certificate file, `--ca`       | 16 MiB    | [`crate::certs::MAX_FILE_SIZE`]      |
//! | `--inventory`                  | 64 MiB    | [`crate::certs::inventory::MAX_INVENTORY_SIZE`] |
//! | `--baseline`                   | 64 MiB    | [`crate::gate::MAX_BASELINE_SIZE`]         |
//! | `manifest.csv` of a fetch      | 16 MiB    | [`crate::fetch::manifest::MAX_SIZE`]       |
//! | `topocert.toml`                | 1 MiB     | [`crate::config::MAX_FILE_SIZE`]           |
//!
//! Every file read is noted ([`was_read`]), so that an output never overwrites an input.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use thiserror::Error;

/// What a path that is not a regular file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotRegular {
    /// A folder.
    Folder,
    /// A FIFO (named pipe).
    Fifo,
    /// A character or block device.
    Device,
    /// A socket.
    Socket,
    /// Something else.
    Other,
}

impl NotRegular {
    /// "a folder", "a FIFO (named pipe)", ...
    pub fn describe(self) -> &'static str {
        match self {
            NotRegular::Folder => "a folder",
            NotRegular::Fifo => "a FIFO (named pipe)",
            NotRegular::Device => "a device",
            NotRegular::Socket => "a socket",
            NotRegular::Other => "not a regular file",
        }
    }

    fn of(t: std::fs::FileType) -> NotRegular {
        if t.is_dir() {
            return NotRegular::Folder;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if t.is_fifo() {
                return NotRegular::Fifo;
            }
            if t.is_char_device() || t.is_block_device() {
                return NotRegular::Device;
            }
            if t.is_socket() {
                return NotRegular::Socket;
            }
        }
        NotRegular::Other
    }
}

/// Why a file was not read.
#[derive(Debug, Error)]
pub enum ReadError {
    /// Opening or reading failed.
    #[error("cannot read {}: {cause}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        cause: std::io::Error,
    },
    /// A folder, FIFO, device or socket.
    #[error("{} is {}, not a regular file", path.display(), kind.describe())]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What it is.
        kind: NotRegular,
    },
    /// More than `limit` bytes.
    #[error("{} is more than {limit} bytes (the limit)", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size as reported, or the bytes read (`limit + 1`) when that was less.
        size: u64,
        /// The limit.
        limit: u64,
    },
}

/// (canonical path, device and inode on Unix) of every file read.
type Identity = (Option<PathBuf>, Option<(u64, u64)>);

/// A set: `note` runs once per file read, so a list searched on each note grows quadratically.
static READ: Mutex<Option<std::collections::HashSet<Identity>>> = Mutex::new(None);

fn identity(meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

fn note(path: &Path, meta: &std::fs::Metadata) {
    let entry = (std::fs::canonicalize(path).ok(), identity(meta));
    if let Ok(mut read) = READ.lock() {
        read.get_or_insert_with(Default::default).insert(entry);
    }
}

/// True when `path` names a file this process read through [`read_file`]: the same canonical
/// path, or (on Unix) the same device and inode, as through a hard link.
pub(crate) fn was_read(path: &Path) -> bool {
    let canonical = std::fs::canonicalize(path).ok();
    let id = std::fs::metadata(path).ok().as_ref().and_then(identity);
    let Ok(read) = READ.lock() else {
        return false;
    };
    read.iter().flatten().any(|(c, i)| {
        if canonical.is_some() && *c == canonical {
            return true;
        }
        // The same inode, as through a hard link; only while the file read still has it (an
        // inode is reused once its file is deleted).
        let still = || {
            c.as_ref()
                .and_then(|c| std::fs::metadata(c).ok())
                .as_ref()
                .and_then(identity)
        };
        id.is_some() && *i == id && still() == id
    })
}

#[cfg(unix)]
fn open(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

#[cfg(not(unix))]
fn open(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

/// Reads the regular file at `path`, refusing anything else and anything over `limit` bytes.
pub fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let io = |cause| ReadError::Io {
        path: path.to_path_buf(),
        cause,
    };
    let not_a_file = |kind| ReadError::NotAFile {
        path: path.to_path_buf(),
        kind,
    };
    #[cfg(not(unix))]
    {
        // Without a non-blocking open, check the type first; the handle is checked again.
        let meta = std::fs::metadata(path).map_err(io)?;
        if !meta.is_file() {
            return Err(not_a_file(NotRegular::of(meta.file_type())));
        }
    }
    let file = match open(path) {
        Ok(f) => f,
        Err(e) => {
            // Windows refuses to open a folder; say what it is rather than "access denied".
            return Err(match std::fs::metadata(path) {
                Ok(m) if m.is_dir() => not_a_file(NotRegular::Folder),
                _ => io(e),
            });
        }
    };
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(not_a_file(NotRegular::of(meta.file_type())));
    }
    let too_large = |size| ReadError::TooLarge {
        path: path.to_path_buf(),
        size,
        limit,
    };
    if meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    // The reported size is a hint: never read more than the limit + 1.
    let mut data = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut data)
        .map_err(io)?;
    if data.len() as u64 > limit {
        return Err(too_large(data.len() as u64));
    }
    note(path, &meta);
    Ok(data)
}

/// Reads standard input, refusing more than `limit` bytes (`name` is used in the error).
pub fn read_stdin(name: &str, limit: u64) -> Result<Vec<u8>, ReadError> {
    let mut data = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit.saturating_add(1))
        .read_to_end(&mut data)
        .map_err(|cause| ReadError::Io {
            path: name.into(),
            cause,
        })?;
    if data.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            path: name.into(),
            size: data.len() as u64,
            limit,
        });
    }
    Ok(data)
}

/// `bytes` without a leading UTF-8 byte order mark.
pub fn strip_utf8_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_regular_file_within_the_limit() {
        let dir = tempfile::tempdir().expect("dir");
        let p = dir.path().join("a");
        std::fs::write(&p, b"hello").expect("write");
        assert_eq!(read_file(&p, 5).expect("read"), b"hello");
        assert!(was_read(&p));
        let e = read_file(&p, 4).expect_err("too large");
        assert!(e.to_string().contains("more than 4 bytes"), "{e}");
    }

    #[test]
    fn refuses_a_folder() {
        let dir = tempfile::tempdir().expect("dir");
        assert!(matches!(
            read_file(dir.path(), 10),
            Err(ReadError::NotAFile {
                kind: NotRegular::Folder,
                ..
            })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_device_and_bounds_what_it_reads() {
        let e = read_file(Path::new("/dev/zero"), 10).expect_err("device");
        assert!(
            matches!(
                e,
                ReadError::NotAFile {
                    kind: NotRegular::Device,
                    ..
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn strips_only_a_leading_bom() {
        assert_eq!(strip_utf8_bom(b"\xEF\xBB\xBF{}"), b"{}");
        assert_eq!(strip_utf8_bom(b"{}"), b"{}");
    }
}
