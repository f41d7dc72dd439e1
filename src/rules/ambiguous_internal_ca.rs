//! `ambiguous-internal-ca`: no `--ca` and no single issuer of most internal certificates.

use super::{Finding, Rule, Severity};
use crate::check::ca::CaResolution;
use crate::check::CheckContext;

/// The reference CA cannot be inferred.
pub struct AmbiguousInternalCa;

impl Rule for AmbiguousInternalCa {
    fn id(&self) -> &'static str {
        "ambiguous-internal-ca"
    }
    fn severity(&self) -> Severity {
        Severity::Error
    }
    fn summary(&self) -> &'static str {
        "without --ca, no single CA issued most certificates of the internal servers"
    }
    fn why(&self) -> &'static str {
        "The check needs to know the internal servers' CA to tell whether a certificate comes from it; a tie makes that guess unsafe, so no foreign-ca verdicts are given."
    }
    fn fix(&self) -> &'static str {
        "Name the internal servers' CA with --ca FILE (its root or issuing CA certificate)."
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        if let CaResolution::Ambiguous { tied } = ctx.reference_ca {
            let list: Vec<String> = tied
                .iter()
                .map(|(name, _, n)| format!("{name} ({n} servers)"))
                .collect();
            out.push(self.general(None, format!(
                    "cannot tell the internal servers' CA: {} issued the same number of certificates; no foreign-ca verdicts are given",
                    list.join(" and ")
                ), None));
        }
    }
}
