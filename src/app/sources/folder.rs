//! `--certs DIR`: a folder of certificate files (or one `topocert fetch` wrote, with its
//! `manifest.csv`).

use super::CertSource;
use crate::app::{AppError, Loaded};
use crate::certs::CertStore;
use crate::error::CannotRun;
use std::path::Path;

/// `--certs DIR`.
pub const FLAG: super::Flag = super::Flag {
    name: "--certs",
    value: Some("DIR"),
    connects: false,
};

/// A certificate folder.
pub struct CertsFolder<'a>(pub &'a Path);

impl CertSource for CertsFolder<'_> {
    fn flag(&self) -> super::Flag {
        FLAG
    }
    fn describe_none(&self) -> String {
        format!("no file in {}", self.0.display())
    }
    fn add_to(&self, _: &Loaded, store: &mut CertStore) -> Result<Vec<String>, AppError> {
        let (files, unreadable) = (store.files.len(), store.unreadable.len());
        crate::certs::load_dir_into(self.0, store).map_err(CannotRun::from)?;
        crate::fetch::manifest::read_into(self.0, store);
        // Said once, up front, instead of only through every server's missing certificate.
        let mut warnings = Vec::new();
        if store.files.len() == files && store.unreadable.len() == unreadable {
            warnings.push(format!(
                "no certificate files in {}: every checked server will be missing its certificate",
                self.0.display()
            ));
        }
        Ok(warnings)
    }
}
