//! `ca-certificate-as-server`: the server's certificate is a CA certificate.

use super::{
    Citation, CheckContext, Finding, Needs, Remedy, Rule, RuleMeta, RuleId, Severity, for_each_certificate_file,
};

/// This rule's id.
pub const ID: RuleId = RuleId::new("ca-certificate-as-server");

/// A certificate with basic constraints `CA=TRUE` offered as a server certificate.
pub struct CaCertificateAsServer;

/// This rule's facts: the one place they are written.
pub static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Error,
    summary: "the server's certificate is a CA certificate, not a server certificate",
    why: "A certificate with basic constraints CA=TRUE is meant to sign other certificates, not to identify a server: the file upload/download web service needs an end-entity certificate (CA=FALSE), and some TLS clients reject a CA certificate presented by a server.",
    fix: "Request a server certificate (Web Server template, CA=FALSE) for the server FQDN from the internal servers' CA and replace this one.",
    source: Citation::Rfc {
        number: 5280,
        section: "4.2.1.9",
        states: "the cA flag of basic constraints marks a certificate whose key signs certificates; a server's own certificate is an end-entity certificate",
    },
    needs: Needs::CertificateFile,
    remedy: Remedy::Reissue,
};

impl Rule for CaCertificateAsServer {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        for_each_certificate_file(ctx, |s, cert| {
            if cert.is_ca {
                out.push(self.at_server(
                    ctx,
                    s,
                    format!(
                        "certificate of {} is a CA certificate (basic constraints CA=TRUE), not a server certificate",
                        ctx.fqdn(s)
                    ),
                ));
            }
        });
    }
}
