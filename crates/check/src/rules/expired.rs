//! `expired`: the certificate's validity has ended.

use super::{Citation, CheckContext, Finding, Rule, RuleId, Severity, for_each_certificate};

/// This rule's id.
pub const ID: RuleId = RuleId::new("expired");

/// A certificate past its notAfter.
pub struct Expired;

impl Rule for Expired {
    fn id(&self) -> RuleId {
        ID
    }
    fn severity(&self) -> Severity {
        Severity::Error
    }
    fn summary(&self) -> &'static str {
        "the certificate has expired"
    }
    fn why(&self) -> &'static str {
        "An expired certificate cannot be assigned to the web services; file upload/download fails."
    }
    fn fix(&self) -> &'static str {
        "Renew the certificate with the same CA and names, then assign it with Set-CsCertificate."
    }
    fn source(&self) -> Citation {
        Citation::Rfc {
            number: 5280,
            section: "4.1.2.5",
            states: "a certificate is valid only from notBefore through notAfter; path validation rejects it outside that period",
        }
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
