//! `weak-signature`: an MD5 signature (SHA-1 is the `sha1-signature` warning).

use super::{
    for_each_certificate_file, CheckContext, Citation, Finding, Needs, Remedy, Rule, RuleId,
    RuleMeta, Severity,
};
use crate::certs::SignatureHash;

/// This rule's id.
pub const ID: RuleId = RuleId::new("weak-signature");

/// A certificate signed with MD5.
pub(crate) struct WeakSignature;

/// This rule's facts: the one place they are written.
pub(crate) static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Error,
    summary: "the certificate is signed with MD5",
    why: "Microsoft, \"Certificate infrastructure requirements for Lync Server 2013\": certificates must be signed with an algorithm the operating system supports, and Lync Server 2013 supports the SHA-1 and SHA-2 digests only. MD5 signatures are refused by Windows and current clients; the file upload/download web service would not be trusted. (SHA-1 is reported as the sha1-signature warning.)",
    fix: "Have the CA reissue the certificate with a SHA-256 signature.",
    source: Citation::Microsoft {
        page: crate::citation::INFRASTRUCTURE,
        states: "certificates are signed with an algorithm the operating system supports; Lync supports the SHA-1 and SHA-2 digests",
    },
    needs: Needs::CertificateFile,
    remedy: Remedy::Reissue,
};

impl Rule for WeakSignature {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        for_each_certificate_file(ctx, |s, cert| {
            if cert.signature_hash == SignatureHash::Md5 {
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

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::test_pki::*;

    #[test]
    fn sha1_and_sha2_are_not_weak_signatures() {
        let ca = root("Fabrikam Issuing CA");
        assert_eq!(
            rules(&standard_edition(&Leaf::se(), &ca, &ca)),
            Vec::<&str>::new()
        );
        let folder = Folder::new().file("lab06.fabrikam.com.cer", fixtures::SHA1);
        let r = run(
            "rules-lab/topology.xml",
            &folder,
            &given_der(&[fixtures::ECDSA_CA]),
        );
        assert!(!rules(&r).contains(&ID.as_str()));
    }

    #[test]
    fn an_md5_signature_fails() {
        let folder = Folder::new().file("lyncse01.fabrikam.com.cer", fixtures::MD5);
        let r = run(
            "standard-edition/topology.xml",
            &folder,
            &given_der(&[fixtures::RSA_CA]),
        );
        assert_eq!(rules(&r), [ID.as_str()]);
        assert!(message(&r, ID.as_str()).contains("md5RSA"));
    }
}
