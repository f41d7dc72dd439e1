//! `not-checked`: a rule could not run (or ran only in part) on a server because its
//! certificate comes from an inventory row, which lacks the certificate itself.

use super::{
    Citation, CheckContext, Finding, Needs, Remedy, Rule, RuleMeta, RuleId, Severity, for_each_certificate, limited_by,
};

/// This rule's id.
pub const ID: RuleId = RuleId::new("not-checked");

/// A rule that needs the certificate file, on a certificate known only from an inventory.
pub struct NotChecked;

/// This rule's facts: the one place they are written.
pub static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Info,
    summary: "a rule could not check a certificate that comes from an inventory",
    why: "An inventory (Get-CsCertificate export) has the names, issuer and dates of a certificate but not the certificate itself: its key, signature algorithm and extended key usage cannot be checked, and its CA is identified by name only.",
    fix: "Export the certificate (Certificates MMC > All Tasks > Export, .cer without the private key) and run check with --certs as well.",
    source: Citation::Input("the certificate file, for the rules an inventory row cannot answer"),
    needs: Needs::Facts,
    remedy: Remedy::Reissue,
};

impl Rule for NotChecked {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        for_each_certificate(ctx, |s, file| {
            let Some(row) = file.leaf.inventory() else {
                return;
            };
            let (not_checked, partly) = limited_by(&file.leaf);
            let mut parts = Vec::new();
            if !not_checked.is_empty() {
                parts.push(format!(
                    "not checked: {} need the certificate file",
                    not_checked
                        .iter()
                        .map(|r| r.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            for (rule, what) in &partly {
                parts.push(format!("partly checked: {rule} {what}"));
            }
            // An error rule that could not run (or ran only in part) leaves the status undecided.
            let decides = not_checked
                .iter()
                .chain(partly.iter().map(|(id, _)| id))
                .any(|id| super::get(*id).is_some_and(|r| r.severity() == Severity::Error));
            if !parts.is_empty() {
                let msg = format!(
                    "{}; the certificate of {} is known only from {}",
                    parts.join("; "),
                    ctx.fqdn(s),
                    row.label()
                );
                let f = self.at_server(ctx, s, msg);
                out.push(if decides { f.undecided() } else { f });
            }
        });
    }
}
