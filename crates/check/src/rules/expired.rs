//! `expired`: the certificate's validity has ended.

use super::{
    Citation, CheckContext, Finding, Needs, Remedy, Rule, RuleMeta, RuleId, Severity, for_each_certificate,
};

/// This rule's id.
pub const ID: RuleId = RuleId::new("expired");

/// A certificate past its notAfter.
pub struct Expired;

/// This rule's facts: the one place they are written.
pub static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Error,
    summary: "the certificate has expired",
    why: "An expired certificate cannot be assigned to the web services; file upload/download fails.",
    fix: "Renew the certificate with the same CA and names, then assign it with Set-CsCertificate.",
    source: Citation::Rfc {
        number: 5280,
        section: "4.1.2.5",
        states: "a certificate is valid only from notBefore through notAfter; path validation rejects it outside that period",
    },
    needs: Needs::Facts,
    remedy: Remedy::Reissue,
};

impl Rule for Expired {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        for_each_certificate(ctx, |s, file| {
            if file.leaf.not_after < ctx.options.now {
                out.push(self.at_server(
                    ctx,
                    s,
                    format!(
                        "certificate of {} expired on {}",
                        ctx.fqdn(s),
                        crate::time::format_date(file.leaf.not_after)
                    ),
                ));
            }
        });
    }
}
