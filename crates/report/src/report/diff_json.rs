//! `topocert diff --format json` (docs/diff.md): the diff, and with certificates the `check`
//! JSON of the servers the change adds or moves.

use super::{RenderError, View};
use crate::diff::{ElementChange, ReadinessDelta};
use serde::Serialize;

/// Version of this JSON shape (2: `verdicts` is the `check` JSON of schema 2).
pub const SCHEMA_VERSION: u32 = 2;

/// The document.
#[derive(Debug, Serialize)]
pub(crate) struct DiffJson<'a> {
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
    pub readiness: &'a ReadinessDelta,
    /// With `--certs`: the `check` JSON restricted to the added or moved servers.
    pub verdicts: Option<super::check_json::CheckJson>,
}

/// `diff --format json`.
pub fn render(v: &View<'_>, out: &mut dyn std::io::Write) -> Result<(), RenderError> {
    let d = v.diff()?;
    let verdicts = match v.checked {
        Some(_) => Some(super::check_json::build(v)?),
        None => None,
    };
    super::write_json(
        &DiffJson {
            schema_version: SCHEMA_VERSION,
            old: d.old_name,
            new: d.new_name,
            empty: d.diff.is_empty(),
            changes: &d.diff.changes,
            readiness: &d.diff.readiness,
            verdicts,
        },
        out,
    )
}
