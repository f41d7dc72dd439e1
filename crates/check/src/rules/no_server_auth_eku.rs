//! `no-server-auth-eku`: an EKU extension without Server Authentication.

use super::{
    for_each_certificate_file, CheckContext, Citation, Finding, Needs, Remedy, Rule, RuleId,
    RuleMeta, Severity,
};

/// This rule's id.
pub const ID: RuleId = RuleId::new("no-server-auth-eku");

/// A certificate whose extended key usage does not allow TLS server use.
pub struct NoServerAuthEku;

/// This rule's facts: the one place they are written.
pub(crate) static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Error,
    summary: "the certificate has an extended key usage without Server Authentication",
    why: "The web services present the certificate as a TLS server; without the Server Authentication usage clients reject it.",
    fix: "Reissue from a template that includes Server Authentication (1.3.6.1.5.5.7.3.1), such as the Web Server template.",
    source: Citation::Microsoft {
        page: crate::citation::INFRASTRUCTURE,
        states: "every server certificate supports server authentication (the Server Authentication EKU)",
    },
    needs: Needs::CertificateFile,
    remedy: Remedy::Reissue,
};

impl Rule for NoServerAuthEku {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        for_each_certificate_file(ctx, |s, cert| {
            if let Some(eku) = cert.eku {
                if !eku.server_auth && !eku.any {
                    out.push(self.at_server(
                        ctx,
                        s,
                        format!(
                            "certificate of {} does not allow Server Authentication in its extended key usage",
                            ctx.fqdn(s)
                        ),
                    ));
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::finding::{Effect, Severity};
    use crate::test_pki::*;
    use rcgen::ExtendedKeyUsagePurpose as Eku;

    fn with_eku(eku: Vec<Eku>) -> crate::check::CheckResult {
        let ca = root("Fabrikam Issuing CA");
        let mut leaf = Leaf::se();
        leaf.eku = eku;
        standard_edition(&leaf, &ca, &ca)
    }

    #[test]
    fn server_authentication_any_purpose_or_no_eku_extension_passes() {
        for eku in [
            vec![Eku::ClientAuth, Eku::ServerAuth],
            vec![Eku::Any],
            Vec::new(),
        ] {
            let r = with_eku(eku.clone());
            assert_eq!(rules(&r), Vec::<&str>::new(), "{eku:?}");
        }
    }

    #[test]
    fn client_authentication_only_blocks() {
        let r = with_eku(vec![Eku::ClientAuth]);
        assert_eq!(rules(&r), [ID.as_str()]);
        let f = &r.findings[0];
        assert_eq!((f.severity, f.effect), (Severity::Error, Effect::Blocks));
        assert_eq!(
            &*f.message,
            "certificate of lyncse01.fabrikam.com does not allow Server Authentication in its extended key usage"
        );
    }
}
