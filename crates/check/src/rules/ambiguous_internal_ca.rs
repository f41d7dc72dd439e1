//! `ambiguous-internal-ca`: no `--ca` and no single issuer of most internal certificates.

use super::{
    CheckContext, Citation, Finding, Needs, Remedy, Rule, RuleId, RuleMeta, Severity, Subject,
};
use crate::check::ca::CaResolution;

/// This rule's id.
pub const ID: RuleId = RuleId::new("ambiguous-internal-ca");

/// The reference CA cannot be inferred.
pub(crate) struct AmbiguousInternalCa;

/// This rule's facts: the one place they are written.
pub(crate) static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Error,
    summary: "without --ca, no single CA issued most certificates of the internal servers",
    why: "The check needs to know the internal servers' CA to tell whether a certificate comes from it; a tie makes that guess unsafe, so no foreign-ca verdicts are given.",
    fix: "Name the internal servers' CA with --ca FILE (its root or issuing CA certificate).",
    source: Citation::Input("which CA issues the internal servers' certificates: --ca, or a strict majority of the internal servers' certificates"),
    needs: Needs::Facts,
    remedy: Remedy::None,
};

impl Rule for AmbiguousInternalCa {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        if let CaResolution::Ambiguous { tied } = ctx.reference_ca {
            let list: Vec<String> = tied
                .iter()
                .map(|c| {
                    let servers = c.server_names(ctx.topology);
                    format!("{} issued {}", c.describe(), servers.join(", "))
                })
                .collect();
            let key: Vec<String> = tied.iter().map(|c| c.describe()).collect();
            let total: usize = tied.iter().map(|c| c.servers.len()).sum();
            let msg = format!(
                "cannot decide the internal servers' CA: no issuer issued more than half of the {total} certificates of internal servers ({}); give the CA with --ca FILE",
                list.join("; ")
            );
            out.push(
                self.about(Subject::Topology, None, msg, None)
                    .with_key(key.join("\n"))
                    .undecided(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::finding::{Effect, Severity};
    use crate::test_pki::*;

    /// The enterprise sample without `--ca`, fe01, fe02, pc01 and pc02 each from the CA given.
    fn enterprise(cas: [&TestCa; 4]) -> crate::check::CheckResult {
        let mut folder = Folder::new();
        for (fqdn, ca) in ["fe01", "fe02", "pc01", "pc02"].into_iter().zip(cas) {
            let fqdn = format!("{fqdn}.fabrikam.com");
            let der =
                Leaf::good(&fqdn, &["pool01.fabrikam.com", "pchat01.fabrikam.com"]).signed_by(ca);
            folder = folder.file(&format!("{fqdn}.cer"), &pem(&[&der, &ca.der]));
        }
        run("enterprise-multisite/topology.xml", &folder, &[])
    }

    #[test]
    fn an_issuer_of_three_certificates_in_four_is_inferred() {
        let fabrikam = root("Fabrikam Issuing CA");
        let contoso = root("Contoso Issuing CA");
        let r = enterprise([&fabrikam, &fabrikam, &fabrikam, &contoso]);
        assert!(!rules(&r).contains(&ID.as_str()), "{:?}", rules(&r));
    }

    #[test]
    fn two_issuers_of_two_certificates_each_leave_every_server_undecided() {
        let fabrikam = root("Fabrikam Issuing CA");
        let contoso = root("Contoso Issuing CA");
        let r = enterprise([&fabrikam, &contoso, &fabrikam, &contoso]);
        let f: Vec<_> = r.findings.iter().filter(|f| f.rule == ID).collect();
        assert_eq!(f.len(), 1, "{:?}", rules(&r));
        assert_eq!(
            (f[0].severity, f[0].effect),
            (Severity::Error, Effect::Undecided)
        );
        let m = &f[0].message;
        assert!(
            m.starts_with("cannot decide the internal servers' CA: no issuer issued more than half of the 4 certificates of internal servers ("),
            "{m}"
        );
        assert!(m.contains("Fabrikam Issuing CA"), "{m}");
        assert!(m.contains("Contoso Issuing CA"), "{m}");
        assert!(m.contains("fe01.fabrikam.com, pc01.fabrikam.com"), "{m}");
        assert!(m.contains("fe02.fabrikam.com, pc02.fabrikam.com"), "{m}");
    }
}
