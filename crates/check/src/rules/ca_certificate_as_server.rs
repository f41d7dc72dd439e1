//! `ca-certificate-as-server`: the server's certificate is a CA certificate.

use super::{
    for_each_certificate_file, CheckContext, Citation, Finding, Needs, Remedy, Rule, RuleId,
    RuleMeta, Severity,
};

/// This rule's id.
pub const ID: RuleId = RuleId::new("ca-certificate-as-server");

/// A certificate with basic constraints `CA=TRUE` offered as a server certificate.
pub(crate) struct CaCertificateAsServer;

/// This rule's facts: the one place they are written.
pub(crate) static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Error,
    summary: "the server's certificate is a CA certificate, not a server certificate",
    why: "A certificate with basic constraints CA=TRUE is meant to sign other certificates, not to identify a server: the file upload/download web service needs an end-entity certificate (CA=FALSE), and some TLS clients reject a CA certificate presented by a server.",
    fix: "Request a server certificate (Web Server template, CA=FALSE) for the server FQDN from the internal servers' CA and replace this one.",
    source: Citation::Rfc {
        number: 5280,
        section: "4.2.1.9",
        states: "the cA flag of basic constraints marks a certificate whose key signs certificates; a server's own certificate is an end-entity certificate",
    },
    needs: Needs::CertificateFile,
    remedy: Remedy::Reissue,
};

impl Rule for CaCertificateAsServer {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        for_each_certificate_file(ctx, |s, cert| {
            if cert.is_ca {
                out.push(self.at_server(
                    ctx,
                    s,
                    format!(
                        "certificate of {} is a CA certificate (basic constraints CA=TRUE), not a server certificate",
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
    use rcgen::{BasicConstraints, IsCa};

    /// lyncse01's certificate alone in its file (a file of one CA certificate that names DNS
    /// hosts is read as the server's), from the `--ca`.
    fn with_basic_constraints(is_ca: IsCa) -> crate::check::CheckResult {
        let ca = root("Fabrikam Issuing CA");
        let mut leaf = Leaf::se();
        leaf.is_ca = is_ca;
        let folder = Folder::new().file("lyncse01.fabrikam.com.cer", &pem(&[&leaf.signed_by(&ca)]));
        run("standard-edition/topology.xml", &folder, &given(&[&ca]))
    }

    #[test]
    fn basic_constraints_ca_false_passes() {
        assert_eq!(
            rules(&with_basic_constraints(IsCa::ExplicitNoCa)),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn basic_constraints_ca_true_blocks() {
        let r = with_basic_constraints(IsCa::Ca(BasicConstraints::Constrained(0)));
        let f: Vec<_> = r.findings.iter().filter(|f| f.rule == ID).collect();
        assert_eq!(f.len(), 1, "{:?}", rules(&r));
        assert_eq!(
            (f[0].severity, f[0].effect),
            (Severity::Error, Effect::Blocks)
        );
        assert!(
            f[0].message
                .starts_with("certificate of lyncse01.fabrikam.com is a CA certificate"),
            "{}",
            f[0].message
        );
    }
}
