//! The errors a command can end with: the topology's (`topocert_topology::error`) and
//! [`CannotRun`], which names the inputs the binary reads (certificate folder, inventory, CA).

pub use topocert_topology::error::*;

use miette::Diagnostic;
use thiserror::Error;

/// Other reasons a command cannot run (exit code 2).
#[derive(Debug, Error, Diagnostic)]
pub enum CannotRun {
    /// The certificate folder is missing or unreadable.
    #[error(transparent)]
    #[diagnostic(
        code(topocert::certs_dir),
        help("give the folder that holds the servers' .cer/.pem/.p7b files with --certs DIR")
    )]
    CertsDir(#[from] crate::certs::CertDirError),
    /// The `--inventory` file could not be read.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Inventory(#[from] crate::certs::inventory::InventoryError),
    /// A `--ca` file could not be read.
    #[error("cannot use the reference CA (--ca): {cause}")]
    #[diagnostic(code(topocert::ca_file), help("--ca takes the CA certificate (.cer, .crt, .pem or .p7b) of the internal servers' root or issuing CA"))]
    CaFile {
        /// The file.
        path: String,
        /// Why.
        cause: crate::certs::CertLoadError,
    },
}
