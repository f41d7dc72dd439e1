//! `no-server-auth-eku`: an EKU extension without Server Authentication.

use super::{
    Citation, CheckContext, Finding, Needs, Remedy, Rule, RuleMeta, RuleId, Severity, for_each_certificate_file,
};

/// This rule's id.
pub const ID: RuleId = RuleId::new("no-server-auth-eku");

/// A certificate whose extended key usage does not allow TLS server use.
pub struct NoServerAuthEku;

/// This rule's facts: the one place they are written.
pub static META: RuleMeta = RuleMeta {
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
