//! `no-crl-distribution-point`: the certificate has no CRL distribution point extension.

use super::{
    for_each_certificate_file, CheckContext, Citation, Finding, Needs, Remedy, Rule, RuleId,
    RuleMeta, Severity,
};

/// This rule's id.
pub const ID: RuleId = RuleId::new("no-crl-distribution-point");

/// A server certificate without a CRL distribution point (CDP).
pub(crate) struct NoCrlDistributionPoint;

/// This rule's facts: the one place they are written.
pub(crate) static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Error,
    summary: "the certificate has no CRL distribution point (CDP)",
    why: "Lync Server 2013 requires a CRL distribution point (CDP) in every server certificate (\"Certificate infrastructure requirements for Lync Server 2013\"). Lync servers and clients check revocation through it; without one the certificate is not supported.",
    fix: "Publish a CDP on the issuing CA (Certification Authority > Properties > Extensions > CRL Distribution Point, \"Include in the CDP extension of issued certificates\") and reissue the certificate.",
    source: Citation::Microsoft {
        page: crate::citation::INFRASTRUCTURE,
        states: "every server certificate has a CRL distribution point (CDP)",
    },
    needs: Needs::CertificateFile,
    remedy: Remedy::Reissue,
};

impl Rule for NoCrlDistributionPoint {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        for_each_certificate_file(ctx, |s, cert| {
            if cert.crl_distribution_points.is_none() {
                out.push(self.at_server(
                    ctx,
                    s,
                    format!(
                        "certificate of {} has no CRL distribution point extension",
                        ctx.fqdn(s)
                    ),
                ));
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::test_pki::*;

    #[test]
    fn a_certificate_with_a_cdp_passes() {
        let ca = root("Fabrikam Issuing CA");
        let r = standard_edition(&Leaf::se(), &ca, &ca);
        assert_eq!(rules(&r), Vec::<&str>::new());
    }

    #[test]
    fn a_certificate_without_a_cdp_fails() {
        let ca = root("Fabrikam Issuing CA");
        let mut leaf = Leaf::se();
        leaf.crl.clear();
        let r = standard_edition(&leaf, &ca, &ca);
        assert_eq!(rules(&r), [ID.as_str()]);
        assert!(message(&r, ID.as_str()).contains("lyncse01.fabrikam.com"));
    }
}
