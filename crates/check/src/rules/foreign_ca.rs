//! `foreign-ca`: the certificate was not issued by the reference CA.

use super::{
    for_each_certificate, CheckContext, Citation, Finding, Needs, Remedy, Rule, RuleId, RuleMeta,
    Severity,
};
use crate::check::ca::{reference_names, CaVerdict};

/// This rule's id.
pub const ID: RuleId = RuleId::new("foreign-ca");

/// A certificate from another CA than the internal servers' CA.
pub(crate) struct ForeignCa;

/// This rule's facts: the one place they are written.
pub(crate) static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Error,
    summary: "the certificate is not from the CA used by the internal Lync servers",
    why: "Lync Server 2013 requires the Persistent Chat file upload/download web service certificate to be issued by the same CA as the internal servers' certificates; a certificate from another CA, or from a CA with the same name but another key, fails the installation.",
    fix: "Request a new certificate from the internal servers' issuing CA (the reference CA in this report) and assign it with Set-CsCertificate.",
    source: Citation::Microsoft {
        page: crate::citation::GROUP_CHAT_2010,
        states: "each server that runs the Group Chat lookup, channel and web services (Persistent Chat's predecessor) needs a certificate from the same CA as the internal Lync servers",
    },
    needs: Needs::Partly(
        "compared issuer names only (a CA with the same name but another key is caught only with the certificate file)",
    ),
    remedy: Remedy::Reissue,
};

impl Rule for ForeignCa {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        for_each_certificate(ctx, |s, file| {
            if let CaVerdict::Foreign { why } = ctx.verdict(file) {
                let cas = ctx.reference_ca.cas();
                let ca = reference_names(ctx.reference_ca);
                let is = if cas.len() > 1 { "CAs are" } else { "CA is" };
                out.push(self.at_server(
                    ctx,
                    s,
                    format!(
                        "certificate of {} is {why}; the reference {is} {ca}",
                        ctx.fqdn(s)
                    ),
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

    #[test]
    fn a_certificate_from_the_reference_ca_or_below_it_passes() {
        let ca = root("Fabrikam Issuing CA");
        assert_eq!(
            rules(&standard_edition(&Leaf::se(), &ca, &ca)),
            Vec::<&str>::new()
        );
        // From an issuing CA under the given root, the issuing CA in the file.
        let top = root("Fabrikam Root CA");
        let issuing = intermediate("Fabrikam Issuing CA", &top);
        let r = standard_edition(&Leaf::se(), &issuing, &top);
        assert_eq!(rules(&r), Vec::<&str>::new());
    }

    #[test]
    fn a_ca_with_the_reference_ca_s_name_but_another_key_blocks() {
        let ca = root("Fabrikam Issuing CA");
        let impostor = root("Fabrikam Issuing CA");
        let r = standard_edition(&Leaf::se(), &impostor, &ca);
        assert_eq!(rules(&r), [ID.as_str()]);
        let f = &r.findings[0];
        assert_eq!((f.severity, f.effect), (Severity::Error, Effect::Blocks));
        let m = &f.message;
        assert!(
            m.starts_with("certificate of lyncse01.fabrikam.com is "),
            "{m}"
        );
        assert!(
            m.contains("; the reference CA is CN=Fabrikam Issuing CA, O=Fabrikam"),
            "{m}"
        );
    }
}
