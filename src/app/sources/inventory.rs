//! `--inventory FILE`: the rows of a `Get-CsCertificate` export.

use super::CertSource;
use crate::app::{AppError, Loaded};
use crate::certs::CertStore;
use crate::error::CannotRun;
use std::path::Path;

/// `--inventory FILE`.
pub const FLAG: super::Flag = super::Flag {
    name: "--inventory",
    value: Some("FILE"),
    connects: false,
};

/// A certificate inventory.
pub struct InventoryFile<'a>(pub &'a Path);

impl CertSource for InventoryFile<'_> {
    fn flag(&self) -> super::Flag {
        FLAG
    }
    fn describe_none(&self) -> String {
        format!("no row of {}", self.0.display())
    }
    fn add_to(&self, _: &Loaded, store: &mut CertStore) -> Result<Vec<String>, AppError> {
        let inv = crate::certs::inventory::load(self.0).map_err(CannotRun::from)?;
        let other = inv.other_uses.len();
        inv.add_to(store);
        Ok(if other > 0 {
            vec![format!(
                "{other} inventory row{} of other uses (WebServicesExternal, OAuthTokenIssuer...) not checked",
                if other == 1 { "" } else { "s" }
            )]
        } else {
            Vec::new()
        })
    }
}
