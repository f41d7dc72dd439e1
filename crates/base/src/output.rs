//! Writing output files safely: never onto a file the run read ([`crate::input::was_read`]),
//! always whole (a temporary file in the same folder renamed into place, so a symbolic link at
//! the target is replaced, never written through), and with names every system can hold
//! ([`portable_file_name`]).

use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why an output file was not written.
#[derive(Debug, Error)]
pub enum WriteError {
    /// The target is one of the run's inputs.
    #[error("refusing to write {}: it is an input of this run", path.display())]
    IsAnInput {
        /// The target.
        path: PathBuf,
    },
    /// The target is a folder.
    #[error("cannot write {}: it is a folder", path.display())]
    IsAFolder {
        /// The target.
        path: PathBuf,
    },
    /// Creating, writing or renaming failed.
    #[error("cannot write {}: {cause}", path.display())]
    Io {
        /// The target.
        path: PathBuf,
        /// Why.
        cause: std::io::Error,
    },
}

/// Refuses `path` when it names a file this run read, or a folder.
pub fn check_target(path: &Path) -> Result<(), WriteError> {
    if crate::input::was_read(path) {
        return Err(WriteError::IsAnInput {
            path: path.to_path_buf(),
        });
    }
    if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
        return Err(WriteError::IsAFolder {
            path: path.to_path_buf(),
        });
    }
    Ok(())
}

/// Writes `path` atomically with what `fill` writes: into a temporary file in the same folder,
/// then renamed onto `path` (replacing a file or a symbolic link there, never following it);
/// a device or FIFO (`/dev/null`, `/dev/stdout`) is written to directly instead.
/// Refused when `path` is an input of the run ([`check_target`]). Nothing is left behind when
/// `fill` fails.
pub fn write_atomic<T>(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<T>,
) -> Result<T, WriteError> {
    check_target(path)?;
    write_unchecked(path, fill)
}

fn write_unchecked<T>(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<T>,
) -> Result<T, WriteError> {
    let io = |cause| WriteError::Io {
        path: path.to_path_buf(),
        cause,
    };
    // A device, FIFO or socket (`/dev/null`, `/dev/stdout`) is written to as it is: renaming a
    // file onto it would replace the device itself.
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(io)?;
        let mut w = std::io::BufWriter::new(file);
        let value = fill(&mut w).map_err(io)?;
        w.flush().map_err(io)?;
        return Ok(value);
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".topocert-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(io)?;
    let value = {
        let mut w = std::io::BufWriter::new(tmp.as_file_mut());
        let value = fill(&mut w).map_err(io)?;
        w.flush().map_err(io)?;
        value
    };
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(value)
}

/// Writes `bytes` to `path` with [`write_atomic`].
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write_atomic(path, |w| w.write_all(bytes))
}

/// [`write_file`], also allowed when `path` is the input `replaces` (a baseline written over
/// the baseline it was checked against); never onto any other input.
pub fn write_file_replacing(
    path: &Path,
    replaces: Option<&Path>,
    bytes: &[u8],
) -> Result<(), WriteError> {
    match replaces {
        Some(input) if same_file(path, input) => write_unchecked(path, |w| w.write_all(bytes)),
        _ => write_file(path, bytes),
    }
}

/// True when `a` and `b` name one existing file: the same canonical path or (on Unix) the
/// same device and inode.
pub(crate) fn same_file(a: &Path, b: &Path) -> bool {
    let canonical = |p: &Path| std::fs::canonicalize(p).ok();
    if canonical(a).is_some() && canonical(a) == canonical(b) {
        return true;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
    }
    false
}

/// `name` as a file name Windows, macOS and Linux can all hold, and the name itself when it
/// already is one. The characters Windows forbids (`<>:"/\|?*`, control characters), a
/// trailing dot or space, and the first letter of a reserved device name (`CON`, `PRN`, `AUX`,
/// `NUL`, `COM1`–`COM9`, `LPT1`–`LPT9`, alone or before a dot, as in `con.fabrikam.com.inf`)
/// are written as `%XX` (their UTF-8 bytes in hex); `%` itself too, so that two names never
/// map to one.
pub fn portable_file_name(name: &str) -> Cow<'_, str> {
    let reserved = is_reserved_device_name(name);
    let last = name.len().saturating_sub(1);
    let needs = |i: usize, c: char| {
        matches!(
            c,
            '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*' | '%'
        ) || c.is_control()
            || (i == 0 && reserved)
            || (i == last && matches!(c, '.' | ' '))
    };
    if !name.char_indices().any(|(i, c)| needs(i, c)) && !name.is_empty() {
        return Cow::Borrowed(name);
    }
    if name.is_empty() {
        return Cow::Owned("%00".into());
    }
    let mut out = String::with_capacity(name.len() + 8);
    for (i, c) in name.char_indices() {
        if needs(i, c) {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// True when the part of `name` before its first dot (trailing spaces ignored) is a Windows
/// device name, case-insensitively.
pub(crate) fn is_reserved_device_name(name: &str) -> bool {
    let first = name.split('.').next().unwrap_or_default().trim_end();
    let upper = first.to_ascii_uppercase();
    matches!(upper.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (upper.len() == 4
            && (upper.starts_with("COM") || upper.starts_with("LPT"))
            && matches!(upper.as_bytes()[3], b'1'..=b'9'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portable_names() {
        for (name, want) in [
            ("fe01.fabrikam.com.inf", "fe01.fabrikam.com.inf"),
            ("*.fabrikam.com.inf", "%2A.fabrikam.com.inf"),
            ("con.fabrikam.com.inf", "%63on.fabrikam.com.inf"),
            ("CON", "%43ON"),
            ("nul", "%6Eul"),
            ("com1.x", "%63om1.x"),
            ("lpt9", "%6Cpt9"),
            ("com0.x", "com0.x"),
            ("console.x", "console.x"),
            ("a?b:c<d>e|f\"g", "a%3Fb%3Ac%3Cd%3Ee%7Cf%22g"),
            ("trailing.", "trailing%2E"),
            ("trailing ", "trailing%20"),
            ("100%", "100%25"),
            ("", "%00"),
        ] {
            assert_eq!(portable_file_name(name), want, "{name}");
        }
        // `con` lower case maps its first byte: 'c' is 0x63.
        assert_eq!(portable_file_name("con.fabrikam.com"), "%63on.fabrikam.com");
    }

    #[test]
    fn atomic_write_replaces_a_symlink_instead_of_following_it() {
        let dir = tempfile::tempdir().expect("dir");
        let outside = tempfile::tempdir().expect("outside");
        let victim = outside.path().join("victim");
        std::fs::write(&victim, b"keep").expect("write");
        let link = dir.path().join("out.txt");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&victim, &link).expect("symlink");
            write_file(&link, b"new").expect("written");
            assert_eq!(std::fs::read(&victim).expect("read"), b"keep");
            assert_eq!(std::fs::read(&link).expect("read"), b"new");
        }
        #[cfg(not(unix))]
        {
            write_file(&link, b"new").expect("written");
            assert_eq!(std::fs::read(&link).expect("read"), b"new");
        }
    }

    #[test]
    fn an_input_is_never_overwritten() {
        let dir = tempfile::tempdir().expect("dir");
        let p = dir.path().join("in.txt");
        std::fs::write(&p, b"input").expect("write");
        crate::input::read_file(&p, 100).expect("read");
        assert!(matches!(
            write_file(&p, b"x"),
            Err(WriteError::IsAnInput { .. })
        ));
        assert_eq!(std::fs::read(&p).expect("read"), b"input");
        // Nor through a hard link.
        let hard = dir.path().join("hard.txt");
        std::fs::hard_link(&p, &hard).expect("hard link");
        #[cfg(unix)]
        assert!(matches!(
            write_file(&hard, b"x"),
            Err(WriteError::IsAnInput { .. })
        ));
        assert_eq!(std::fs::read(&p).expect("read"), b"input");
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_written_to_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let null = Path::new("/dev/null");
        write_file(null, b"report").unwrap_or_else(|e| panic!("{e}"));
        let meta = std::fs::metadata(null).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            meta.file_type().is_char_device(),
            "/dev/null is still a device"
        );
    }
}
