//! `weak-signature`: MD5 or SHA-1 signature.

use super::{CheckContext, Finding, Needs, Rule, RuleId, Severity, for_each_certificate_file};

/// This rule's id.
pub const ID: RuleId = RuleId::new("weak-signature");

/// A certificate signed with MD5 or SHA-1.
pub struct WeakSignature;

impl Rule for WeakSignature {
    fn id(&self) -> RuleId {
        ID
    }
    fn severity(&self) -> Severity {
        Severity::Error
    }
    fn summary(&self) -> &'static str {
        "the certificate is signed with MD5 or SHA-1"
    }
    fn why(&self) -> &'static str {
        "MD5 and SHA-1 signatures are rejected by current Windows and clients; the file upload/download web service would not be trusted."
    }
    fn fix(&self) -> &'static str {
        "Have the CA reissue the certificate with a SHA-256 signature."
    }
    fn needs(&self) -> Needs {
        Needs::CertificateFile
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        for_each_certificate_file(ctx, |s, cert| {
            if cert.signature.is_weak() {
                out.push(self.at_server(
                    ctx,
                    s,
                    format!(
                        "certificate of {} is signed with {}",
                        ctx.fqdn(s),
                        cert.signature.name()
                    ),
                ));
            }
        });
    }
}
