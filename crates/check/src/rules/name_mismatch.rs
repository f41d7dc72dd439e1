//! `name-mismatch`: the certificate's names do not cover the server FQDN.

use super::{
    for_each_certificate, CheckContext, Citation, Finding, Needs, Remedy, Rule, RuleId, RuleMeta,
    Severity,
};

/// This rule's id.
pub const ID: RuleId = RuleId::new("name-mismatch");

/// A certificate whose DNS SANs (or CN without SANs) do not cover the server.
pub(crate) struct NameMismatch;

/// This rule's facts: the one place they are written.
pub(crate) static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Error,
    summary: "the certificate's subject alternative names (or CN) do not cover the server FQDN",
    why: "Clients and the other servers reach the file upload/download web service by the server FQDN; a certificate without that name fails TLS.",
    fix: "Reissue the certificate with the server FQDN (and, on a Front End, the pool and web services FQDNs) as DNS subject alternative names.",
    source: Citation::Microsoft {
        page: crate::citation::INTERNAL_SERVERS,
        states: "the Default and internal web services certificates list the server's own FQDN among their subject alternative names",
    },
    needs: Needs::Facts,
    // the finding carries the name
    remedy: Remedy::AddNames(Vec::new()),
};

impl Rule for NameMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        for_each_certificate(ctx, |s, file| {
            let fqdn = ctx.fqdn(s);
            if !file.leaf.covers_name(fqdn) {
                let names = file.leaf.names();
                let has = if names.is_empty() {
                    "no DNS name at all".to_string()
                } else {
                    format!("only {}", names.join(", "))
                };
                out.push(
                    self.at_server(
                        ctx,
                        s,
                        format!("certificate does not cover {fqdn}: missing {fqdn}; it has {has}"),
                    )
                    .with_key(crate::required::names_key([fqdn]))
                    .with_remedy(Remedy::add_names([fqdn])),
                );
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
    fn the_server_fqdn_in_other_case_passes() {
        let ca = root("Fabrikam Issuing CA");
        let mut leaf = Leaf::se();
        leaf.sans[0] = "LyncSE01.Fabrikam.COM".into();
        let r = standard_edition(&leaf, &ca, &ca);
        assert_eq!(rules(&r), Vec::<&str>::new());
    }

    #[test]
    fn a_neighbour_s_fqdn_blocks_and_names_what_the_certificate_has() {
        let ca = root("Fabrikam Issuing CA");
        let mut leaf = Leaf::se();
        leaf.cn = "lyncse02.fabrikam.com".into();
        leaf.sans[0] = "lyncse02.fabrikam.com".into();
        let r = standard_edition(&leaf, &ca, &ca);
        let f: Vec<_> = r.findings.iter().filter(|f| f.rule == ID).collect();
        assert_eq!(f.len(), 1, "{:?}", rules(&r));
        assert_eq!(
            (f[0].severity, f[0].effect),
            (Severity::Error, Effect::Blocks)
        );
        assert!(
            f[0].message.starts_with(
                "certificate does not cover lyncse01.fabrikam.com: missing lyncse01.fabrikam.com; it has only lyncse02.fabrikam.com, "
            ),
            "{}",
            f[0].message
        );
    }
}
