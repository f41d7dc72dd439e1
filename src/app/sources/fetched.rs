//! `--fetch`: the chains the checked servers present over TLS ([`crate::fetch`]).

use super::CertSource;
use crate::app::{AppError, Loaded};
use crate::certs::CertStore;
use crate::fetch::FetchOptions;

/// `--fetch`.
pub const FLAG: super::Flag = super::Flag {
    name: "--fetch",
    value: None,
    connects: true,
};

/// The checked servers' TLS endpoints.
pub struct Fetched<'a>(pub &'a FetchOptions);

impl CertSource for Fetched<'_> {
    fn flag(&self) -> super::Flag {
        FLAG
    }
    fn describe_none(&self) -> String {
        "nothing fetched from the servers".into()
    }
    fn add_to(&self, topology: &Loaded, store: &mut CertStore) -> Result<Vec<String>, AppError> {
        let results = crate::fetch::fetch(&topology.topology, &topology.graph, self.0);
        crate::fetch::layout::add_to(&results, store);
        Ok(Vec::new())
    }
}
