//! `ambiguous-internal-ca`: no `--ca` and no single issuer of most internal certificates.

use super::{
    Citation, Subject, CheckContext, Finding, Needs, Remedy, Rule, RuleMeta, RuleId, Severity,
};
use crate::check::ca::CaResolution;

/// This rule's id.
pub const ID: RuleId = RuleId::new("ambiguous-internal-ca");

/// The reference CA cannot be inferred.
pub struct AmbiguousInternalCa;

/// This rule's facts: the one place they are written.
pub static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Error,
    summary: "without --ca, no single CA issued most certificates of the internal servers",
    why: "The check needs to know the internal servers' CA to tell whether a certificate comes from it; a tie makes that guess unsafe, so no foreign-ca verdicts are given.",
    fix: "Name the internal servers' CA with --ca FILE (its root or issuing CA certificate).",
    source: Citation::Input("which CA issues the internal servers' certificates: --ca, or a strict majority of the internal servers' certificates"),
    needs: Needs::Facts,
    remedy: Remedy::None,
};

impl Rule for AmbiguousInternalCa {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        if let CaResolution::Ambiguous { tied } = ctx.reference_ca {
            let list: Vec<String> = tied
                .iter()
                .map(|c| {
                    let servers = c.server_names(ctx.topology);
                    format!("{} issued {}", c.describe(), servers.join(", "))
                })
                .collect();
            let key: Vec<String> = tied.iter().map(|c| c.describe()).collect();
            let total: usize = tied.iter().map(|c| c.servers.len()).sum();
            let msg = format!(
                "cannot decide the internal servers' CA: no issuer issued more than half of the {total} certificates of internal servers ({}); give the CA with --ca FILE",
                list.join("; ")
            );
            out.push(
                self.about(Subject::Topology, None, msg, None)
                    .with_key(key.join("\n"))
                    .undecided(),
            );
        }
    }
}
