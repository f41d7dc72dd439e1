//! `unsupported-key-algorithm`: a key Schannel and Lync cannot use: anything but RSA (1024 to
//! 4096 bits) and ECDSA on P-256, P-384 or P-521 (DSA, Ed25519, Ed448, other curves, others).

use super::{
    for_each_certificate_file, CheckContext, Citation, Finding, Needs, Remedy, Rule, RuleId,
    RuleMeta, Severity,
};
use crate::certs::PublicKey;

/// This rule's id.
pub const ID: RuleId = RuleId::new("unsupported-key-algorithm");

/// A certificate whose key Lync cannot use.
pub(crate) struct UnsupportedKeyAlgorithm;

/// Why `key` is not one Lync can use, if it is not.
pub fn unsupported(key: &PublicKey) -> Option<String> {
    match key {
        PublicKey::Rsa { bits } if (1024..=4096).contains(bits) => None,
        PublicKey::Rsa { bits } => Some(format!("RSA {bits} bits (Lync supports 1024 to 4096)")),
        PublicKey::Ec { curve, .. } if matches!(&**curve, "P-256" | "P-384" | "P-521") => None,
        PublicKey::Ec { curve, .. } => Some(format!(
            "EC on curve {curve} (Lync supports P-256, P-384 and P-521)"
        )),
        PublicKey::Other { algorithm } => Some(algorithm.to_string()),
    }
}

/// This rule's facts: the one place they are written.
pub(crate) static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Error,
    summary: "the key is not RSA (1024 to 4096 bits) or ECDSA P-256, P-384 or P-521 (DSA, Ed25519, Ed448, other curves)",
    why: "Lync Server 2013 uses RSA keys by default and also supports the ECDH P-256, P-384 and P-521 curves, with RSA key lengths from 1024 to 4096 bits; Windows Schannel on the Lync servers cannot serve TLS with a DSA, Ed25519 or Ed448 certificate, so the file upload/download web service would fail every handshake.",
    fix: "Request a new certificate with an RSA 2048-bit key (Request-CsCertificate's default, or the Web Server template), or ECDSA P-256/P-384, and assign it with Set-CsCertificate.",
    source: Citation::Microsoft {
        page: crate::citation::INFRASTRUCTURE,
        states: "RSA is the default algorithm, ECDH P-256, P-384 and P-521 are also supported, and key lengths of 1024, 2048 and 4096 bits are supported",
    },
    needs: Needs::CertificateFile,
    remedy: Remedy::Reissue,
};

impl Rule for UnsupportedKeyAlgorithm {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        for_each_certificate_file(ctx, |s, cert| {
            if let Some(what) = unsupported(&cert.key) {
                out.push(self.at_server(
                    ctx,
                    s,
                    format!(
                        "certificate of {} has a key Lync cannot use: {what}",
                        ctx.fqdn(s)
                    ),
                ));
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_pki::*;

    #[test]
    fn rsa_and_the_nist_curves_pass() {
        let ca = root("Fabrikam Issuing CA");
        for alg in [
            &rcgen::PKCS_ECDSA_P256_SHA256,
            &rcgen::PKCS_ECDSA_P384_SHA384,
        ] {
            let mut leaf = Leaf::se();
            leaf.key_alg = Some(alg);
            let r = standard_edition(&leaf, &ca, &ca);
            assert!(!rules(&r).contains(&ID.as_str()), "{:?}", rules(&r));
        }
        assert_eq!(unsupported(&PublicKey::Rsa { bits: 2048 }), None);
        assert_eq!(unsupported(&PublicKey::Rsa { bits: 4096 }), None);
        assert_eq!(
            unsupported(&PublicKey::Ec {
                bits: 521,
                curve: "P-521".into()
            }),
            None
        );
    }

    #[test]
    fn ed25519_dsa_and_other_curves_fail() {
        let ca = root("Fabrikam Issuing CA");
        let mut leaf = Leaf::se();
        leaf.key_alg = Some(&rcgen::PKCS_ED25519);
        let r = standard_edition(&leaf, &ca, &ca);
        assert_eq!(rules(&r), [ID.as_str()]);
        assert!(
            message(&r, ID.as_str()).contains("Ed25519"),
            "{}",
            message(&r, ID.as_str())
        );
        // A DSA certificate made by openssl (tests/fixtures/certs/dsa-key.der).
        let dsa = crate::certs::Certificate::from_der(fixtures::DSA).expect("DSA fixture parses");
        assert_eq!(
            dsa.key,
            PublicKey::Other {
                algorithm: "DSA".into()
            }
        );
        let folder = Folder::new().file("lyncse01.fabrikam.com.cer", fixtures::DSA);
        let r = run(
            "standard-edition/topology.xml",
            &folder,
            &given_der(&[fixtures::DSA]),
        );
        assert!(rules(&r).contains(&ID.as_str()), "{:?}", rules(&r));
        assert!(message(&r, ID.as_str()).ends_with("a key Lync cannot use: DSA"));
        assert!(unsupported(&PublicKey::Ec {
            bits: 256,
            curve: "secp256k1".into()
        })
        .is_some());
        assert!(unsupported(&PublicKey::Rsa { bits: 8192 }).is_some());
    }
}
