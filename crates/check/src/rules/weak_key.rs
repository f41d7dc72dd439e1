//! `weak-key`: RSA under 2048 bits or EC under 256 bits.

use super::{
    for_each_certificate_file, CheckContext, Citation, Finding, Needs, Remedy, Rule, RuleId,
    RuleMeta, Severity,
};
use crate::certs::PublicKey;

/// This rule's id.
pub const ID: RuleId = RuleId::new("weak-key");

/// A certificate with a short key.
pub(crate) struct WeakKey;

/// This rule's facts: the one place they are written.
pub(crate) static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Warning,
    summary: "the key is shorter than RSA 2048 bits or EC 256 bits",
    why: "Lync certificates need RSA keys of 2048 bits or more; shorter keys are refused by current clients and CAs.",
    fix: "Request a new certificate with a 2048-bit (or larger) RSA key.",
    source: Citation::Microsoft {
        page: crate::citation::INFRASTRUCTURE,
        states: "key lengths of 1024, 2048 and 4096 bits are supported, and 2048 bits or more are recommended",
    },
    needs: Needs::CertificateFile,
    remedy: Remedy::Reissue,
};

impl Rule for WeakKey {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        for_each_certificate_file(ctx, |s, cert| {
            let weak = match &cert.key {
                PublicKey::Rsa { bits } if *bits < 2048 => Some(format!("RSA {bits} bits")),
                PublicKey::Ec { bits, curve } if *bits < 256 => {
                    Some(format!("EC {bits} bits ({curve})"))
                }
                _ => None,
            };
            if let Some(w) = weak {
                out.push(self.at_server(
                    ctx,
                    s,
                    format!("certificate of {} has a weak key: {w}", ctx.fqdn(s)),
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

    fn with_rsa(bits: usize) -> crate::check::CheckResult {
        let ca = root("Fabrikam Issuing CA");
        let mut leaf = Leaf::se();
        leaf.rsa_bits = Some(bits);
        standard_edition(&leaf, &ca, &ca)
    }

    #[test]
    fn rsa_2048_and_ec_p256_pass() {
        assert_eq!(rules(&with_rsa(2048)), Vec::<&str>::new());
        let ca = root("Fabrikam Issuing CA");
        assert_eq!(
            rules(&standard_edition(&Leaf::se(), &ca, &ca)),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn rsa_2047_is_a_warning() {
        let r = with_rsa(2047);
        assert_eq!(rules(&r), [ID.as_str()]);
        let f = &r.findings[0];
        assert_eq!((f.severity, f.effect), (Severity::Warning, Effect::Advises));
        assert_eq!(
            &*f.message,
            "certificate of lyncse01.fabrikam.com has a weak key: RSA 2047 bits"
        );
        // The RSA-1024 fixture (openssl).
        let folder = Folder::new().file("lab05.fabrikam.com.cer", fixtures::RSA1024);
        let r = run(
            "rules-lab/topology.xml",
            &folder,
            &given_der(&[fixtures::ECDSA_CA]),
        );
        assert!(
            message(&r, ID.as_str()).ends_with("RSA 1024 bits"),
            "{:?}",
            rules(&r)
        );
    }
}
