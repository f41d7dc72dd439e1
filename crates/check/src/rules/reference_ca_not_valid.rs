//! `reference-ca-not-valid`: the reference CA's own certificate is expired or not yet valid.

use super::{
    for_each_certificate, CheckContext, Citation, Finding, Needs, Remedy, Rule, RuleId, RuleMeta,
    Severity, Subject,
};
use crate::check::chain::Walk;

/// This rule's id.
pub const ID: RuleId = RuleId::new("reference-ca-not-valid");

/// A reference CA certificate outside its validity at `--now`.
pub(crate) struct ReferenceCaNotValid;

/// This rule's facts: the one place they are written.
pub(crate) static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Error,
    summary: "the reference CA certificate itself has expired or is not yet valid",
    why: "A chain is only as valid as its CA: when the CA certificate has expired (or is not valid yet), Windows does not build a trusted chain for the certificates it issued, so the Lync servers reject them in TLS and MTLS, whatever their own dates (Microsoft, \"Certificate infrastructure requirements for Lync Server 2013\": MTLS certificates must be issued by a trusted CA).",
    fix: "Renew the CA certificate (Certification Authority > All Tasks > Renew CA Certificate), distribute it to the servers' Trusted Root or Intermediate stores, reissue the server certificates, and pass the renewed CA certificate with --ca.",
    source: Citation::Rfc {
        number: 5280,
        section: "6.1.3",
        states: "path validation checks the validity period of every certificate of the path, the CA's included",
    },
    needs: Needs::Facts,
    remedy: Remedy::Reissue,
};

impl Rule for ReferenceCaNotValid {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        let now = ctx.options.now;
        let with_cert: Vec<&crate::check::ReferenceCa> = ctx
            .reference_ca
            .cas()
            .iter()
            .filter(|c| c.cert.is_some())
            .collect();
        for (k, ca) in with_cert.iter().enumerate() {
            let Some(cert) = &ca.cert else {
                continue;
            };
            let when = if cert.not_after < now {
                format!("expired on {}", crate::time::format_date(cert.not_after))
            } else if cert.not_before > now {
                format!(
                    "is not valid before {}",
                    crate::time::format_date(cert.not_before)
                )
            } else {
                continue;
            };
            // Every server whose certificate chains through it is not ready.
            let mut any = false;
            for_each_certificate(ctx, |s, file| {
                if let Some(Walk::Reached { reference, .. }) = ctx.chain(file) {
                    if reference == k {
                        any = true;
                        out.push(self.at_server(
                            ctx,
                            s,
                            format!(
                                "certificate of {} chains to the reference CA {}, whose certificate {when}: Windows builds no trusted chain through it",
                                ctx.fqdn(s),
                                ca.subject
                            ),
                        ));
                    }
                }
            });
            if !any {
                out.push(self.about(
                    Subject::Topology,
                    ca.path.clone(),
                    format!("the reference CA certificate {} {when}", ca.subject),
                    None,
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::test_pki::*;

    #[test]
    fn a_valid_reference_ca_passes() {
        let ca = root("Fabrikam Issuing CA");
        assert_eq!(
            rules(&standard_edition(&Leaf::se(), &ca, &ca)),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn an_expired_or_future_reference_ca_fails() {
        for (valid, says) in [
            ((2018, 2026), "expired on 2026-01-01"),
            ((2027, 2040), "is not valid before 2027-01-01"),
        ] {
            let ca = root_valid("Fabrikam Issuing CA", valid);
            let r = standard_edition(&Leaf::se(), &ca, &ca);
            assert!(rules(&r).contains(&ID.as_str()), "{:?}", rules(&r));
            let m = message(&r, ID.as_str());
            assert!(m.contains(says), "{m}");
            assert!(m.contains("CN=Fabrikam Issuing CA"), "{m}");
            // The server that chains through it is not ready, and says why.
            let f = r.findings.iter().find(|f| f.rule == ID).expect("finding");
            assert!(f.machine().is_some(), "{f:?}");
            assert_eq!(f.effect, crate::finding::Effect::Blocks);
            assert!(
                m.contains("lyncse01.fabrikam.com chains to the reference CA"),
                "{m}"
            );
        }
    }
}
