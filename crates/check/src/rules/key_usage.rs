//! `key-usage`: the key usage extension lacks a bit a TLS server needs for its key type.
//!
//! What a TLS server's key is used for, by key type:
//! - RSA: with RSA key exchange (TLS_RSA_* suites) the client encrypts the premaster secret to
//!   the server key: keyEncipherment (RFC 5246 7.4.2, RFC 5280 4.2.1.3). With (EC)DHE_RSA
//!   suites, and always in TLS 1.3, the server signs: digitalSignature (RFC 5246 7.4.2,
//!   RFC 8446 4.4.2.2). A Lync server negotiates both kinds (older clients and IP phones use
//!   RSA key exchange), and Lync's certificate wizard (Request-CsCertificate) asks for both, so
//!   both are required.
//! - EC (ECDSA): the server signs in ECDHE_ECDSA and TLS 1.3: digitalSignature (RFC 8422 5.3,
//!   RFC 8446 4.4.2.2). keyEncipherment does not apply to EC keys (RFC 5480 3); keyAgreement
//!   alone serves only static ECDH suites, which Windows does not offer.
//! - Other key types are not checked here (the weak-key rule reports them).
//!
//! An absent extension allows every use and passes.

use super::{
    for_each_certificate_file, CheckContext, Citation, Finding, Needs, Remedy, Rule, RuleId,
    RuleMeta, Severity,
};
use crate::certs::{KeyUsage, PublicKey};

/// This rule's id.
pub const ID: RuleId = RuleId::new("key-usage");

/// A key usage extension without digitalSignature (and, for RSA, keyEncipherment).
pub(crate) struct KeyUsageRule;

/// The key usage bits a TLS server certificate needs for `key`, by name, that `ku` lacks.
pub(crate) fn missing_bits(key: &PublicKey, ku: KeyUsage) -> Vec<&'static str> {
    let mut missing = Vec::new();
    match key {
        PublicKey::Rsa { .. } => {
            if !ku.digital_signature() {
                missing.push("digitalSignature");
            }
            if !ku.key_encipherment() {
                missing.push("keyEncipherment");
            }
        }
        PublicKey::Ec { .. } => {
            if !ku.digital_signature() {
                missing.push("digitalSignature");
            }
        }
        PublicKey::Other { .. } => {}
    }
    missing
}

/// This rule's facts: the one place they are written.
pub(crate) static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Error,
    summary: "the key usage extension lacks digitalSignature (RSA and EC) or keyEncipherment (RSA)",
    why: "A TLS server signs its key exchange with its key (digitalSignature: ECDHE suites and TLS 1.3, RFC 5246 7.4.2, RFC 8446 4.4.2.2) and, with RSA key exchange, decrypts the premaster secret (keyEncipherment). Lync Server 2013 serves clients and IP phones that use either, and its certificate wizard requests a web server certificate with Digital Signature and Key Encipherment; clients that honour key usage refuse the TLS handshake when a needed bit is missing. An EC key needs digitalSignature only (keyEncipherment does not apply to EC keys, RFC 5480). A certificate without the extension allows every use.",
    fix: "Reissue the certificate from a template whose key usage includes Digital Signature and, for RSA keys, Key Encipherment (the Web Server template does; Lync's Request-CsCertificate uses it).",
    source: Citation::Rfc {
        number: 5280,
        section: "4.2.1.3",
        states: "a key usage extension, when present, limits the key to the uses it lists; a TLS server key signs (digitalSignature) and, with RSA key exchange, decrypts (keyEncipherment)",
    },
    needs: Needs::CertificateFile,
    remedy: Remedy::Reissue,
};

impl Rule for KeyUsageRule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        for_each_certificate_file(ctx, |s, cert| {
            let Some(ku) = cert.key_usage else {
                return;
            };
            let missing = missing_bits(&cert.key, ku);
            if missing.is_empty() {
                return;
            }
            let has = ku.names();
            let has = if has.is_empty() {
                "none".to_string()
            } else {
                has.join(", ")
            };
            let key = match &cert.key {
                PublicKey::Rsa { .. } => "an RSA",
                _ => "an EC",
            };
            out.push(self.at_server(
                ctx,
                s,
                format!(
                    "certificate of {} has {key} key and a key usage without {} (it has {has})",
                    ctx.fqdn(s),
                    missing.join(" and "),
                ),
            ));
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_pki::*;
    use rcgen::KeyUsagePurpose;

    #[test]
    fn needs_per_key_type() {
        let rsa = PublicKey::Rsa { bits: 2048 };
        let ec = PublicKey::Ec {
            bits: 256,
            curve: "P-256".into(),
        };
        assert_eq!(missing_bits(&rsa, KeyUsage(0b101)), Vec::<&str>::new());
        assert_eq!(missing_bits(&rsa, KeyUsage(0b100)), ["digitalSignature"]);
        assert_eq!(missing_bits(&rsa, KeyUsage(0b1)), ["keyEncipherment"]);
        assert_eq!(missing_bits(&ec, KeyUsage(0b1)), Vec::<&str>::new());
        assert_eq!(missing_bits(&ec, KeyUsage(0b1_0000)), ["digitalSignature"]);
        let other = PublicKey::Other {
            algorithm: "Ed25519".into(),
        };
        assert_eq!(missing_bits(&other, KeyUsage(0)), Vec::<&str>::new());
    }

    #[test]
    fn digital_signature_on_an_ec_key_or_no_extension_passes() {
        let ca = root("Fabrikam Issuing CA");
        let mut leaf = Leaf::se();
        leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        assert_eq!(
            rules(&standard_edition(&leaf, &ca, &ca)),
            Vec::<&str>::new()
        );
        leaf.key_usages.clear();
        assert_eq!(
            rules(&standard_edition(&leaf, &ca, &ca)),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn key_agreement_only_on_an_ec_key_fails() {
        let ca = root("Fabrikam Issuing CA");
        let mut leaf = Leaf::se();
        leaf.key_usages = vec![KeyUsagePurpose::KeyAgreement];
        let r = standard_edition(&leaf, &ca, &ca);
        assert_eq!(rules(&r), [ID.as_str()]);
        let m = message(&r, ID.as_str());
        assert!(
            m.contains("an EC key and a key usage without digitalSignature (it has keyAgreement)"),
            "{m}"
        );
    }
}
