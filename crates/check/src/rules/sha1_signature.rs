//! `sha1-signature`: the certificate is signed with SHA-1.

use super::{
    for_each_certificate_file, CheckContext, Citation, Finding, Needs, Remedy, Rule, RuleId,
    RuleMeta, Severity,
};
use crate::certs::SignatureHash;

/// This rule's id.
pub const ID: RuleId = RuleId::new("sha1-signature");

/// A certificate with a SHA-1 signature: supported by Lync, deprecated by Windows.
pub(crate) struct Sha1Signature;

/// This rule's facts: the one place they are written.
pub(crate) static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Warning,
    summary: "the certificate is signed with SHA-1",
    why: "Microsoft, \"Certificate infrastructure requirements for Lync Server 2013\": Lync Server 2013 supports the SHA-1 and SHA-2 digests, so the installation works. But Windows has deprecated SHA-1 signatures for TLS server certificates, and current clients and browsers distrust them: expect warnings or failures from newer clients.",
    fix: "Have the CA reissue the certificate with a SHA-256 signature when convenient.",
    source: Citation::BestPractice("Lync Server 2013 supports SHA-1 signatures, but Windows deprecates SHA-1 for TLS server certificates; sign with SHA-256"),
    needs: Needs::CertificateFile,
    remedy: Remedy::Reissue,
};

impl Rule for Sha1Signature {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        for_each_certificate_file(ctx, |s, cert| {
            if cert.signature_hash == SignatureHash::Sha1 {
                out.push(self.at_server(
                    ctx,
                    s,
                    format!(
                        "certificate of {} is signed with SHA-1 ({}): Lync supports it, Windows deprecates it",
                        ctx.fqdn(s),
                        cert.signature.name()
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
    fn a_sha256_signature_passes() {
        let ca = root("Fabrikam Issuing CA");
        assert_eq!(
            rules(&standard_edition(&Leaf::se(), &ca, &ca)),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn a_sha1_signature_is_a_warning_not_an_error() {
        let folder = Folder::new().file("lab06.fabrikam.com.cer", fixtures::SHA1);
        let r = run(
            "rules-lab/topology.xml",
            &folder,
            &given_der(&[fixtures::ECDSA_CA]),
        );
        let lab06: Vec<_> = r
            .findings
            .iter()
            // The fixture is about its signature; its names are not the point here.
            .filter(|f| {
                f.certificate.is_some() && f.rule != crate::rules::missing_required_name::ID
            })
            .map(|f| (f.rule.as_str(), f.severity))
            .collect();
        assert_eq!(lab06, [(ID.as_str(), crate::rules::Severity::Warning)]);
        assert!(message(&r, ID.as_str()).contains("sha1ECDSA"));
    }
}
