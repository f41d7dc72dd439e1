//! `expiring-soon`: the certificate ends within the warning window.

use super::{Citation, CheckContext, Finding, Rule, RuleId, Severity, for_each_certificate};

/// This rule's id.
pub const ID: RuleId = RuleId::new("expiring-soon");

/// A valid certificate that ends within `--expiry-warn-days`.
pub struct ExpiringSoon;

impl Rule for ExpiringSoon {
    fn id(&self) -> RuleId {
        ID
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn summary(&self) -> &'static str {
        "the certificate ends within the warning window (--expiry-warn-days, 30 by default)"
    }
    fn why(&self) -> &'static str {
        "A certificate that expires soon after installation breaks file upload/download unless it is renewed in time."
    }
    fn fix(&self) -> &'static str {
        "Renew the certificate now, with the same CA and names."
    }
    fn source(&self) -> Citation {
        Citation::BestPractice("renew a certificate before it expires, with the same CA and names, so the service keeps working")
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        let now = ctx.options.now;
        let horizon = now.saturating_add(i64::from(ctx.options.expiry_warn_days) * 86_400);
        for_each_certificate(ctx, |s, file| {
            let end = file.leaf.not_after;
            if end >= now && end < horizon && file.leaf.not_before <= now {
                let days = (end - now) / 86_400;
                out.push(self.at_server(
                    ctx,
                    s,
                    format!(
                        "certificate of {} ends on {} ({} days left)",
                        ctx.fqdn(s),
                        crate::time::format_date(end),
                        days
                    ),
                ));
            }
        });
    }
}
