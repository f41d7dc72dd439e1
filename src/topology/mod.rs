//! Reading topology files: bytes → text ([`decode`]) → raw records ([`scan`]) → the resolved
//! [`crate::model::Topology`] ([`build`]).

pub mod build;
pub mod decode;
pub mod placeholder;
pub mod scan;

use crate::error::LoadError;
use crate::model::Topology;
use std::io::Read;
use std::sync::Arc;

/// Largest topology accepted, in bytes (real exports are a few megabytes).
pub const MAX_INPUT_BYTES: u64 = 1 << 30;

/// Reads a topology from a path; `-` reads standard input.
pub fn load_path(path: &str) -> Result<Topology, LoadError> {
    let io = |source| LoadError::Io {
        path: path.to_string(),
        cause: source,
    };
    let mut bytes = Vec::new();
    if path == "-" {
        std::io::stdin()
            .lock()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
    } else {
        let is_folder = || LoadError::IsAFolder {
            path: path.to_string(),
        };
        let file = std::fs::File::open(path).map_err(|e| {
            if std::path::Path::new(path).is_dir() {
                is_folder()
            } else {
                io(e)
            }
        })?;
        let meta = file.metadata().map_err(io)?;
        if meta.is_dir() {
            return Err(is_folder());
        }
        let size = meta.len();
        if size > MAX_INPUT_BYTES {
            return Err(LoadError::TooLarge {
                path: path.to_string(),
                size,
                limit: MAX_INPUT_BYTES,
            });
        }
        file.take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
    }
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(LoadError::TooLarge {
            path: path.to_string(),
            size: bytes.len() as u64,
            limit: MAX_INPUT_BYTES,
        });
    }
    load_vec(path, bytes)
}

/// Reads a topology from bytes in any supported encoding; `name` is used in diagnostics.
pub fn load_bytes(name: &str, bytes: &[u8]) -> Result<Topology, LoadError> {
    load_vec(name, bytes.to_vec())
}

/// Like [`load_bytes`], taking the bytes: UTF-8 input is not copied. A certificate, key or
/// PKCS#12 file is refused as such ([`LoadError::CertificateFile`]).
pub fn load_vec(name: &str, bytes: Vec<u8>) -> Result<Topology, LoadError> {
    if let Some(kind) = crate::certs::sniff::sniff(&bytes) {
        return Err(LoadError::certificate_file(name, kind));
    }
    let decoded = decode::decode_vec(name, bytes)?;
    load_shared(name, Arc::new(decoded.text), decoded.encoding)
}

/// Reads a topology from already decoded text.
pub fn load_text(name: &str, text: String, encoding: &'static str) -> Result<Topology, LoadError> {
    load_shared(name, Arc::new(text), encoding)
}

fn load_shared(
    name: &str,
    text: Arc<String>,
    encoding: &'static str,
) -> Result<Topology, LoadError> {
    let source = crate::model::SourceText::new(name, text, encoding);
    let raw = scan::scan(&source)?;
    Ok(build::build(source, raw))
}
