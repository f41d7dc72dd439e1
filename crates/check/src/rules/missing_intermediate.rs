//! `missing-intermediate`: the chain from a server certificate to the reference CA breaks at a
//! CA certificate that is nowhere to be found.

use super::{
    for_each_certificate, CheckContext, Citation, Finding, Needs, Remedy, Rule, RuleId, RuleMeta,
    Severity,
};
use crate::check::ca::{reference_names, CaVerdict};

/// This rule's id.
pub const ID: RuleId = RuleId::new("missing-intermediate");

/// A certificate whose chain to a root or policy reference CA lacks an intermediate.
pub(crate) struct MissingIntermediate;

/// This rule's facts: the one place they are written.
pub(crate) static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Error,
    summary: "an intermediate CA certificate between the server certificate and the reference CA is missing",
    why: "With a root or policy CA as the reference, the server certificate is from \"the same CA\" only if every CA certificate between it and the reference is known and verifies; a missing intermediate means the chain cannot be proven here (Lync servers also need the intermediates in their Intermediate Certification Authorities store to build the chain: Microsoft, \"Certificate infrastructure requirements for Lync Server 2013\").",
    fix: "Export the named CA certificate (the issuer DN and key id below; certutil -ca.chain, or the CA's Certificate > Copy to File) and put it in the certificate folder, in the server's file or .p7b, or give it with --ca.",
    source: Citation::Microsoft {
        page: crate::citation::INFRASTRUCTURE,
        states: "Lync relies on the Windows PKI to validate the chain of trust from a server's certificate to its CA",
    },
    needs: Needs::CertificateFile,
    remedy: Remedy::Reissue,
};

impl Rule for MissingIntermediate {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        for_each_certificate(ctx, |s, file| {
            if let CaVerdict::MissingIntermediate {
                missing,
                below,
                found,
                note,
            } = ctx.verdict(file)
            {
                let through = if found.is_empty() {
                    String::new()
                } else {
                    format!(" (found so far: {})", found.join(", "))
                };
                let note = if note.is_empty() {
                    String::new()
                } else {
                    format!("; {note}")
                };
                out.push(
                    self.at_server(
                        ctx,
                        s,
                        format!(
                            "cannot tell whether the certificate of {} chains to the reference CA {}: the CA certificate of {missing}, the issuer of {below}, is not in --ca, the folder or the file{through}{note}; that certificate decides it (add it to the folder or give it with --ca)",
                            ctx.fqdn(s),
                            reference_names(ctx.reference_ca)
                        ),
                    )
                    .undecided(),
                );
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::test_pki::*;

    #[test]
    fn a_complete_chain_passes() {
        let top = root("Fabrikam Root CA");
        let policy = intermediate("Fabrikam Policy CA", &top);
        let issuing = intermediate("Fabrikam Issuing CA 1", &policy);
        let leaf = Leaf::se().signed_by(&issuing);
        let folder = Folder::new().file(
            "lyncse01.fabrikam.com.cer",
            &pem(&[&policy.der, &leaf, &issuing.der]),
        );
        let r = run("standard-edition/topology.xml", &folder, &given(&[&top]));
        assert_eq!(rules(&r), Vec::<&str>::new());
    }

    #[test]
    fn a_missing_issuing_ca_is_named_with_its_key_id_not_foreign() {
        let top = root("Fabrikam Root CA");
        let policy = intermediate("Fabrikam Policy CA", &top);
        let issuing = intermediate("Fabrikam Issuing CA 1", &policy);
        let leaf = Leaf::se().signed_by(&issuing);
        let folder = Folder::new()
            .file("lyncse01.fabrikam.com.cer", &leaf)
            .file("policy.cer", &policy.der);
        let r = run("standard-edition/topology.xml", &folder, &given(&[&top]));
        assert_eq!(rules(&r), [ID.as_str()]);
        let m = message(&r, ID.as_str());
        let kid = crate::certs::key_id_hex(
            issuing
                .cert()
                .subject_key_id
                .as_deref()
                .expect("the CA has a key id"),
        );
        assert!(
            m.contains(&format!(
                "CN=Fabrikam Issuing CA 1, O=Fabrikam (key id {kid})"
            )),
            "{m}"
        );
        assert!(m.contains("reference CA CN=Fabrikam Root CA"), "{m}");
    }
}
