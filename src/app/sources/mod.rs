//! Certificate sources: where the certificates of a check come from. Each source is one module
//! implementing [`CertSource`] — [`folder`] (`--certs`), [`inventory`] (`--inventory`),
//! [`fetched`] (`--fetch`) — and [`given`] is the one list of them. Adding a source is one
//! module here, its flags in `cli.rs` / [`super::CertificateInputs`], and one line in [`given`].
//! Every certificate a source adds says where it came from ([`crate::certs::Origin`]).

pub mod fetched;
pub mod folder;
pub mod inventory;

use super::{AppError, CertificateInputs, Loaded};
use crate::certs::CertStore;

/// A source of server certificates (and CA files, unreadable entries, fetched endpoints).
pub trait CertSource {
    /// What the `missing-certificate` message says this source did not have for a server
    /// ("no file in DIR"); the descriptions of a check's sources are joined with " and ".
    fn describe_none(&self) -> String;
    /// Adds its certificates to `store` (after those of the sources before it); returns
    /// warnings that do not stop the command.
    fn add_to(&self, topology: &Loaded, store: &mut CertStore) -> Result<Vec<String>, AppError>;
}

/// The sources `c` gives, in the order their certificates enter the store: folder, inventory,
/// then fetched (a file that fits a server is preferred over an inventory row of the same
/// validity).
pub fn given(c: &CertificateInputs) -> Vec<Box<dyn CertSource + '_>> {
    let mut sources: Vec<Box<dyn CertSource + '_>> = Vec::new();
    if let Some(dir) = &c.certs {
        sources.push(Box::new(folder::Folder(dir)));
    }
    if let Some(file) = &c.inventory {
        sources.push(Box::new(inventory::Inventory(file)));
    }
    if let Some(options) = &c.fetch {
        sources.push(Box::new(fetched::Fetched(options)));
    }
    sources
}

/// Loads every source of `c` into one store, with the description of what they lack and the
/// warnings; `None` when no source is given.
pub fn load(
    c: &CertificateInputs,
    topology: &Loaded,
) -> Result<Option<(CertStore, crate::check::CertSources, Vec<String>)>, AppError> {
    let sources = given(c);
    if sources.is_empty() {
        return Ok(None);
    }
    let mut store = CertStore::default();
    let mut warnings = Vec::new();
    for s in &sources {
        warnings.extend(s.add_to(topology, &mut store)?);
    }
    let described =
        crate::check::CertSources::Listed(sources.iter().map(|s| s.describe_none()).collect());
    Ok(Some((store, described, warnings)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_listed_in_store_order_and_described_together() {
        let c = CertificateInputs {
            certs: Some("certs".into()),
            inventory: Some("inventory.csv".into()),
            fetch: Some(crate::fetch::FetchOptions::default()),
            ..CertificateInputs::default()
        };
        let described: Vec<String> = given(&c).iter().map(|s| s.describe_none()).collect();
        assert_eq!(
            crate::check::CertSources::Listed(described).describe_none(),
            "no file in certs and no row of inventory.csv and nothing fetched from the servers"
        );
        // Negative: no flag, no source (the command then does not check).
        assert!(given(&CertificateInputs::default()).is_empty());
    }
}
