//! `--certs DIR`: a folder of certificate files (or one `topocert fetch` wrote, with its
//! `manifest.csv`).

use super::CertSource;
use crate::app::{AppError, Loaded};
use crate::certs::CertStore;
use crate::error::CannotRun;
use std::path::Path;

/// A certificate folder.
pub struct Folder<'a>(pub &'a Path);

impl CertSource for Folder<'_> {
    fn describe_none(&self) -> String {
        format!("no file in {}", self.0.display())
    }
    fn add_to(&self, _: &Loaded, store: &mut CertStore) -> Result<Vec<String>, AppError> {
        crate::certs::load::load_dir_into(self.0, store).map_err(CannotRun::from)?;
        crate::fetch::manifest::read_into(self.0, store);
        Ok(Vec::new())
    }
}
