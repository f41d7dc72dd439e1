//! `expiring-soon`: the certificate ends within the warning window.

use super::{
    for_each_certificate, CheckContext, Citation, Finding, Needs, Remedy, Rule, RuleId, RuleMeta,
    Severity,
};

/// This rule's id.
pub const ID: RuleId = RuleId::new("expiring-soon");

/// A valid certificate that ends within `--expiry-warn-days`.
pub struct ExpiringSoon;

/// This rule's facts: the one place they are written.
pub(crate) static META: RuleMeta = RuleMeta {
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

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::finding::{Effect, Severity};
    use crate::test_pki::*;

    /// The end of the 30-day window `test_pki::run` checks with.
    const HORIZON: i64 = NOW + 30 * 86_400;

    fn valid(validity: (i64, i64)) -> crate::check::CheckResult {
        let ca = root("Fabrikam Issuing CA");
        let mut leaf = Leaf::se();
        leaf.validity = validity;
        standard_edition(&leaf, &ca, &ca)
    }

    #[test]
    fn a_certificate_that_ends_at_the_window_s_end_passes() {
        assert_eq!(
            rules(&valid((LEAF_VALIDITY.0, HORIZON))),
            Vec::<&str>::new()
        );
        // Expired or not yet valid: those rules speak, not this one.
        let r = valid((LEAF_VALIDITY.0, NOW - 1));
        assert_eq!(rules(&r), [crate::rules::expired::ID.as_str()]);
        let r = valid((NOW + 1, NOW + 86_400));
        assert_eq!(rules(&r), [crate::rules::not_yet_valid::ID.as_str()]);
    }

    #[test]
    fn a_certificate_that_ends_one_second_inside_the_window_is_a_warning() {
        let r = valid((LEAF_VALIDITY.0, HORIZON - 1));
        assert_eq!(rules(&r), [ID.as_str()]);
        let f = &r.findings[0];
        assert_eq!((f.severity, f.effect), (Severity::Warning, Effect::Advises));
        assert_eq!(
            &*f.message,
            "certificate of lyncse01.fabrikam.com ends on 2026-12-30 (29 days left)"
        );
        // Ending right now: still valid, 0 days left.
        let r = valid((LEAF_VALIDITY.0, NOW));
        assert_eq!(rules(&r), [ID.as_str()]);
        assert!(
            r.findings[0].message.ends_with("(0 days left)"),
            "{}",
            r.findings[0].message
        );
    }
}
