//! `not-yet-valid`: the certificate's validity has not started.

use super::{
    for_each_certificate, CheckContext, Citation, Finding, Needs, Remedy, Rule, RuleId, RuleMeta,
    Severity,
};

/// This rule's id.
pub const ID: RuleId = RuleId::new("not-yet-valid");

/// A certificate before its notBefore.
pub(crate) struct NotYetValid;

/// This rule's facts: the one place they are written.
pub(crate) static META: RuleMeta = RuleMeta {
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

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::finding::{Effect, Severity};
    use crate::test_pki::*;

    fn starting_at(not_before: i64) -> crate::check::CheckResult {
        let ca = root("Fabrikam Issuing CA");
        let mut leaf = Leaf::se();
        leaf.validity.0 = not_before;
        standard_edition(&leaf, &ca, &ca)
    }

    #[test]
    fn a_certificate_valid_from_now_passes() {
        assert_eq!(rules(&starting_at(NOW)), Vec::<&str>::new());
    }

    #[test]
    fn a_certificate_valid_from_tomorrow_blocks() {
        let r = starting_at(NOW + 86_400);
        assert_eq!(rules(&r), [ID.as_str()]);
        let f = &r.findings[0];
        assert_eq!((f.severity, f.effect), (Severity::Error, Effect::Blocks));
        assert_eq!(
            &*f.message,
            "certificate of lyncse01.fabrikam.com is not valid before 2026-12-02"
        );
        // One second in the future is enough.
        assert_eq!(rules(&starting_at(NOW + 1)), [ID.as_str()]);
    }
}
