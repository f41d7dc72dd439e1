//! `wildcard-for-server-name`: a wildcard stands in for the server or pool FQDN, or is the
//! subject CN.

use super::{
    for_each_certificate, CheckContext, Citation, Finding, Needs, Remedy, Rule, RuleId, RuleMeta,
    Severity,
};
use crate::certs::NameMatch;
use crate::check::CheckedKind;

/// This rule's id.
pub const ID: RuleId = RuleId::new("wildcard-for-server-name");

/// A certificate that covers the server or pool FQDN only through a wildcard, or whose subject
/// CN is a wildcard.
pub(crate) struct WildcardForServerName;

/// This rule's facts: the one place they are written.
pub(crate) static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Error,
    summary: "a wildcard name stands in for the server or pool FQDN, or is the subject CN",
    why: "Microsoft, \"Certificate requirements for internal servers in Lync Server 2013\": wildcard certificates are supported only for the subject alternative names of the simple URLs on a Front End pool, Front End Server or Director; \"Wildcard certificate support in Lync Server 2013\": a wildcard is never supported as the subject name (CN) for any role, and Front End web components accept wildcard SANs only for the simple URLs (meet, dialin) and lyncdiscover/lyncdiscoverinternal. A server or pool FQDN covered only by *.domain is not supported: servers and devices match those names strictly.",
    fix: "Reissue the certificate with the server FQDN and the pool FQDN as explicit DNS subject alternative names and the pool FQDN (or server FQDN) as the subject CN; a wildcard SAN may stay for the simple URLs.",
    source: Citation::Microsoft {
        page: crate::citation::WILDCARD,
        states: "wildcards are supported for the subject alternative names of the simple URLs only; the pool and server FQDNs are listed by name",
    },
    needs: Needs::Facts,
    remedy: Remedy::Reissue,
};

impl Rule for WildcardForServerName {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        for_each_certificate(ctx, |s, file| {
            let machine = &ctx.topology.machines[s.machine.0];
            let pool = &ctx.topology.pools[machine.pool.0];
            let mut names: Vec<(&str, &str)> = vec![(machine.fqdn.as_str(), "server FQDN")];
            let pool_needed = match s.kind {
                CheckedKind::FileTransfer => true,
                CheckedKind::PersistentChat => pool.machines.len() > 1,
            };
            if pool_needed && pool.fqdn != machine.fqdn {
                names.push((pool.fqdn.as_str(), "pool FQDN"));
            }
            let mut problems = Vec::new();
            for (name, what) in names {
                if let NameMatch::Wildcard(w) = file.leaf.name_match(name) {
                    problems.push(format!(
                        "the {what} {name} is covered only by the wildcard {w}"
                    ));
                }
            }
            if let Some(cn) = file
                .leaf
                .common_name
                .as_deref()
                .filter(|cn| cn.contains('*'))
            {
                problems.push(format!("the subject CN is the wildcard {cn}"));
            }
            if !problems.is_empty() {
                out.push(self.at_server(
                    ctx,
                    s,
                    format!(
                        "certificate of {}: {} (Lync supports wildcards only for the simple URLs)",
                        ctx.fqdn(s),
                        problems.join("; ")
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
    fn explicit_names_with_a_wildcard_for_simple_urls_pass() {
        let ca = root("Fabrikam Issuing CA");
        let mut leaf = Leaf::se();
        leaf.sans.push("*.fabrikam.com".into());
        let r = standard_edition(&leaf, &ca, &ca);
        assert_eq!(rules(&r), Vec::<&str>::new());
    }

    #[test]
    fn a_wildcard_for_the_server_fqdn_or_as_cn_fails() {
        let ca = root("Fabrikam Issuing CA");
        let mut leaf = Leaf::good("*.fabrikam.com", &[]);
        leaf.sans = vec!["*.fabrikam.com".into()];
        let r = standard_edition(&leaf, &ca, &ca);
        assert_eq!(rules(&r), [ID.as_str()]);
        let m = message(&r, ID.as_str());
        assert!(
            m.contains(
                "server FQDN lyncse01.fabrikam.com is covered only by the wildcard *.fabrikam.com"
            ),
            "{m}"
        );
        assert!(
            m.contains("subject CN is the wildcard *.fabrikam.com"),
            "{m}"
        );
    }

    #[test]
    fn a_wildcard_for_the_pool_fqdn_fails() {
        let ca = root("Fabrikam Issuing CA");
        let der = Leaf::good("fe01.fabrikam.com", &["*.fabrikam.com"]).signed_by(&ca);
        let folder = Folder::new().file("fe01.fabrikam.com.cer", &der);
        let r = run("enterprise-multisite/topology.xml", &folder, &given(&[&ca]));
        let m = message(&r, ID.as_str());
        assert!(
            m.contains("pool FQDN pool01.fabrikam.com is covered only by the wildcard"),
            "{m}"
        );
        assert!(!m.contains("server FQDN"), "{m}");
    }
}
