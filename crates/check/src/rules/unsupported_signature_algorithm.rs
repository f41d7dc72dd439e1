//! `unsupported-signature-algorithm`: the certificate is signed with RSASSA-PSS.

use super::{
    for_each_certificate_file, CheckContext, Citation, Finding, Needs, Remedy, Rule, RuleId,
    RuleMeta, Severity,
};
use crate::certs::SignatureAlgorithm;

/// This rule's id.
pub const ID: RuleId = RuleId::new("unsupported-signature-algorithm");

/// A certificate whose signature algorithm Lync does not support (RSASSA-PSS).
pub(crate) struct UnsupportedSignatureAlgorithm;

/// This rule's facts: the one place they are written.
pub(crate) static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Error,
    summary: "the certificate is signed with RSASSA-PSS (1.2.840.113549.1.1.10)",
    why: "Lync Server 2013 does not support certificates signed with RSASSA-PSS: Microsoft warns that such signatures cause sign-in errors and call-forwarding problems, among others (\"Certificate infrastructure requirements for Lync Server 2013\").",
    fix: "Have the CA sign with PKCS#1 v1.5 (sha256RSA): on a Windows CA, set AlternateSignatureAlgorithm to 0 (certutil -setreg ca\\csp\\AlternateSignatureAlgorithm 0, restart the CA) and reissue the certificate.",
    source: Citation::Microsoft {
        page: crate::citation::INFRASTRUCTURE,
        states: "the RSASSA-PSS signature algorithm is not supported; it causes sign-in errors and call-forwarding problems among others",
    },
    needs: Needs::CertificateFile,
    remedy: Remedy::Reissue,
};

impl Rule for UnsupportedSignatureAlgorithm {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        for_each_certificate_file(ctx, |s, cert| {
            if cert.signature == SignatureAlgorithm::RsaPss {
                out.push(self.at_server(
                    ctx,
                    s,
                    format!(
                        "certificate of {} is signed with RSASSA-PSS ({}), which Lync does not support",
                        ctx.fqdn(s),
                        cert.signature_hash.name()
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

    fn standard_edition_with(leaf: &[u8]) -> crate::check::CheckResult {
        let folder = Folder::new().file("lyncse01.fabrikam.com.cer", leaf);
        run(
            "standard-edition/topology.xml",
            &folder,
            &given_der(&[fixtures::RSA_CA]),
        )
    }

    #[test]
    fn pkcs1_signatures_pass() {
        for der in [fixtures::RSA3072, fixtures::RSA4096] {
            assert_eq!(rules(&standard_edition_with(der)), Vec::<&str>::new());
        }
    }

    #[test]
    fn an_rsassa_pss_signature_fails() {
        let r = standard_edition_with(fixtures::PSS);
        assert_eq!(rules(&r), [ID.as_str()]);
        let m = message(&r, ID.as_str());
        assert!(m.contains("RSASSA-PSS (SHA-256)"), "{m}");
    }
}
