//! `not-yet-valid`: the certificate's validity has not started.

use super::{
    Citation, CheckContext, Finding, Needs, Remedy, Rule, RuleMeta, RuleId, Severity, for_each_certificate,
};

/// This rule's id.
pub const ID: RuleId = RuleId::new("not-yet-valid");

/// A certificate before its notBefore.
pub struct NotYetValid;

/// This rule's facts: the one place they are written.
pub static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Error,
    summary: "the certificate is not valid yet",
    why: "A certificate whose validity starts after the installation date cannot be used by the web services then.",
    fix: "Check the server and CA clocks; reissue the certificate so that it is valid on the installation date.",
    source: Citation::Rfc {
        number: 5280,
        section: "4.1.2.5",
        states: "a certificate is valid only from notBefore through notAfter; path validation rejects it outside that period",
    },
    needs: Needs::Facts,
    remedy: Remedy::Reissue,
};

impl Rule for NotYetValid {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        for_each_certificate(ctx, |s, file| {
            if file.leaf.not_before > ctx.options.now {
                out.push(self.at_server(
                    ctx,
                    s,
                    format!(
                        "certificate of {} is not valid before {}",
                        ctx.fqdn(s),
                        crate::time::format_date(file.leaf.not_before)
                    ),
                ));
            }
        });
    }
}
