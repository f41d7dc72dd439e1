//! `expiring-soon`: the certificate ends within the warning window.

use super::{
    Citation, CheckContext, Finding, Needs, Remedy, Rule, RuleMeta, RuleId, Severity, for_each_certificate,
};

/// This rule's id.
pub const ID: RuleId = RuleId::new("expiring-soon");

/// A valid certificate that ends within `--expiry-warn-days`.
pub struct ExpiringSoon;

/// This rule's facts: the one place they are written.
pub static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Warning,
    summary: "the certificate ends within the warning window (--expiry-warn-days, 30 by default)",
    why: "A certificate that expires soon after installation breaks file upload/download unless it is renewed in time.",
    fix: "Renew the certificate now, with the same CA and names.",
    source: Citation::BestPractice("renew a certificate before it expires, with the same CA and names, so the service keeps working"),
    needs: Needs::Facts,
    remedy: Remedy::Reissue,
};

impl Rule for ExpiringSoon {
    fn meta(&self) -> &'static RuleMeta {
        &META
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
