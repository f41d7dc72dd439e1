//! `expired`: the certificate's validity has ended.

use super::{
    for_each_certificate, CheckContext, Citation, Finding, Needs, Remedy, Rule, RuleId, RuleMeta,
    Severity,
};

/// This rule's id.
pub const ID: RuleId = RuleId::new("expired");

/// A certificate past its notAfter.
pub struct Expired;

/// This rule's facts: the one place they are written.
pub(crate) static META: RuleMeta = RuleMeta {
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

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::finding::{Effect, Severity};
    use crate::test_pki::*;

    fn ending_at(not_after: i64) -> crate::check::CheckResult {
        let ca = root("Fabrikam Issuing CA");
        let mut leaf = Leaf::se();
        leaf.validity.1 = not_after;
        standard_edition(&leaf, &ca, &ca)
    }

    #[test]
    fn a_certificate_valid_until_now_or_one_second_later_has_not_expired() {
        for end in [NOW, NOW + 1] {
            let r = ending_at(end);
            assert!(!rules(&r).contains(&ID.as_str()), "{end}: {:?}", rules(&r));
        }
    }

    #[test]
    fn a_certificate_that_ended_one_second_ago_blocks() {
        let r = ending_at(NOW - 1);
        let f: Vec<_> = r.findings.iter().filter(|f| f.rule == ID).collect();
        assert_eq!(f.len(), 1, "{:?}", rules(&r));
        assert_eq!(
            (f[0].severity, f[0].effect),
            (Severity::Error, Effect::Blocks)
        );
        assert_eq!(
            &*f[0].message,
            "certificate of lyncse01.fabrikam.com expired on 2026-11-30"
        );
    }
}
