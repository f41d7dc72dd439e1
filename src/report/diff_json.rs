//! `topocert diff --format json` (docs/diff.md): the diff, and with certificates the `check`
//! JSON of the servers the change adds or moves.

use crate::certs::CertStore;
use crate::check::CheckResult;
use crate::diff::{ElementChange, Readiness, TopologyDiff};
use crate::model::Topology;
use serde::Serialize;

/// Version of this JSON shape.
pub const SCHEMA_VERSION: u32 = 1;

/// The document.
#[derive(Debug, Serialize)]
pub struct DiffJson<'a> {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// OLD as given.
    pub old: &'a str,
    /// NEW as given.
    pub new: &'a str,
    /// True when nothing differs.
    pub empty: bool,
    /// Element changes.
    pub changes: &'a [ElementChange],
    /// The readiness delta.
    pub readiness: &'a Readiness,
    /// With `--certs`: the `check` JSON restricted to the added or moved servers.
    pub verdicts: Option<super::check_json::CheckJson>,
}

/// Builds the document.
pub fn build<'a>(
    old: &'a str,
    new: &'a str,
    diff: &'a TopologyDiff,
    verdicts: Option<(&Topology, &CertStore, &CheckResult)>,
) -> DiffJson<'a> {
    DiffJson {
        schema_version: SCHEMA_VERSION,
        old,
        new,
        empty: diff.is_empty(),
        changes: &diff.changes,
        readiness: &diff.readiness,
        verdicts: verdicts.map(|(t, s, r)| super::check_json::build(t, s, r)),
    }
}
