//! Reading topology files: bytes → text ([`decode`]) → raw records ([`scan`]) → the resolved
//! [`crate::model::Topology`] ([`build`]).

pub mod build;
pub use topocert_base::decode;
pub(crate) mod placeholder;
pub mod scan;

use crate::error::LoadError;
use crate::input::{NotRegular, ReadError};
use crate::model::Topology;
use std::sync::Arc;

/// Largest topology accepted, in bytes (real exports are a few megabytes).
pub const MAX_INPUT_BYTES: u64 = 1 << 30;

/// Reads a topology from a path; `-` reads standard input. Only a regular file is read
/// ([`crate::input::read_file`]), and at most [`MAX_INPUT_BYTES`].
pub fn load_path(path: &str) -> Result<Topology, LoadError> {
    let read = if path == "-" {
        crate::input::read_stdin(path, MAX_INPUT_BYTES)
    } else {
        crate::input::read_file(std::path::Path::new(path), MAX_INPUT_BYTES)
    };
    let bytes = read.map_err(|e| match e {
        ReadError::Io { cause, .. } => LoadError::Io {
            path: path.to_string(),
            cause,
        },
        ReadError::NotAFile {
            kind: NotRegular::Folder,
            ..
        } => LoadError::IsAFolder {
            path: path.to_string(),
        },
        ReadError::NotAFile { kind, .. } => LoadError::NotAFile {
            path: path.to_string(),
            kind: kind.describe(),
        },
        ReadError::TooLarge { size, limit, .. } => LoadError::TooLarge {
            path: path.to_string(),
            size,
            limit,
        },
    })?;
    load_vec(path, bytes)
}

/// Reads a topology from bytes in any supported encoding; `name` is used in diagnostics.
pub fn load_bytes(name: &str, bytes: &[u8]) -> Result<Topology, LoadError> {
    load_vec(name, bytes.to_vec())
}

/// Like [`load_bytes`], taking the bytes: UTF-8 input is not copied. A certificate, key or
/// PKCS#12 file is refused as such ([`LoadError::CertificateFile`]).
pub fn load_vec(name: &str, bytes: Vec<u8>) -> Result<Topology, LoadError> {
    if let Some(kind) = crate::sniff::sniff(&bytes) {
        return Err(LoadError::certificate_file(name, kind));
    }
    let decoded = decode::decode_vec(bytes).map_err(|error| LoadError::Encoding {
        path: name.to_string(),
        error,
    })?;
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
    // the model is built while the text is searched for characters XML does not allow
    scan::scan_then(&source, |raw| build::build(source.clone(), raw))
}
