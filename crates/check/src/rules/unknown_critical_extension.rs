//! `unknown-critical-extension`: the certificate has a critical extension Windows does not
//! recognise ([`crate::certs::KNOWN_EXTENSIONS`]), so certificate validation rejects it.

use super::{
    for_each_certificate_file, CheckContext, Citation, Finding, Needs, Remedy, Rule, RuleId,
    RuleMeta, Severity,
};

/// This rule's id.
pub const ID: RuleId = RuleId::new("unknown-critical-extension");

/// A certificate with a critical extension no validator here knows.
pub(crate) struct UnknownCriticalExtension;

/// This rule's facts: the one place they are written.
pub(crate) static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Error,
    summary: "the certificate has a critical extension that is not one of RFC 5280 or AD CS",
    why: "A validator that meets a critical extension it does not recognise must reject the certificate. The Lync servers and clients (Windows CryptoAPI) know the RFC 5280 extensions and those AD CS writes; any other critical extension makes them refuse the certificate of the file upload/download web service.",
    fix: "Reissue the certificate from a template that does not add the extension, or marks it non-critical.",
    source: Citation::Rfc {
        number: 5280,
        section: "4.2",
        states: "a system that uses certificates must reject one with a critical extension it does not recognise, and may ignore an unrecognised non-critical one",
    },
    needs: Needs::CertificateFile,
    remedy: Remedy::Reissue,
};

impl Rule for UnknownCriticalExtension {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        for_each_certificate_file(ctx, |s, cert| {
            if cert.unknown_critical_extensions.is_empty() {
                return;
            }
            let list = cert.unknown_critical_extensions.join(", ");
            out.push(
                self.at_server(
                    ctx,
                    s,
                    format!(
                        "certificate of {} has a critical extension Windows does not recognise: {list}",
                        ctx.fqdn(s)
                    ),
                )
                .with_key(list),
            );
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_pki::*;

    // A private arc (the documentation OID arc of RFC 5612's example enterprise number).
    const PRIVATE: &[u64] = &[1, 3, 6, 1, 4, 1, 32473, 1];

    #[test]
    fn a_non_critical_unknown_or_a_critical_known_extension_passes() {
        let ca = root("Fabrikam Issuing CA");
        let mut leaf = Leaf::se();
        leaf.extra.push((PRIVATE.to_vec(), false, vec![0x05, 0x00]));
        // rcgen writes key usage and basic constraints critical: known critical extensions.
        leaf.is_ca = rcgen::IsCa::ExplicitNoCa;
        let r = standard_edition(&leaf, &ca, &ca);
        assert_eq!(rules(&r), Vec::<&str>::new());
    }

    #[test]
    fn a_critical_unknown_extension_fails() {
        let ca = root("Fabrikam Issuing CA");
        let mut leaf = Leaf::se();
        leaf.extra.push((PRIVATE.to_vec(), true, vec![0x05, 0x00]));
        let r = standard_edition(&leaf, &ca, &ca);
        assert_eq!(rules(&r), [ID.as_str()]);
        assert!(message(&r, ID.as_str()).contains("1.3.6.1.4.1.32473.1"));
    }
}
