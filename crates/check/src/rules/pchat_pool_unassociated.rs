//! `pchat-pool-unassociated`: a Persistent Chat pool that no web-services pool serves.

use super::{
    CheckContext, Citation, Finding, Needs, Remedy, Rule, RuleId, RuleMeta, Severity, Subject,
};

/// This rule's id.
pub const ID: RuleId = RuleId::new("pchat-pool-unassociated");

/// A Persistent Chat pool without a pool running its file upload/download web service.
pub(crate) struct PchatPoolUnassociated;

/// This rule's facts: the one place they are written.
pub(crate) static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Warning,
    summary: "a Persistent Chat pool that no web-services pool with PersistentChatWeb serves",
    why: "File upload/download for Persistent Chat runs on the web services of the Front End pool the Persistent Chat pool uses as its next hop; without one, there is no server to prepare a certificate for and file transfer will not work.",
    fix: "In Topology Builder, set the Persistent Chat pool's next-hop Front End pool (whose web services include Persistent Chat file upload/download), then publish and export again.",
    source: Citation::Input("which Front End pool's web services serve file upload/download for the Persistent Chat pool"),
    needs: Needs::Facts,
    remedy: Remedy::None,
};

impl Rule for PchatPoolUnassociated {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        for p in ctx.graph.unassociated_pchat_pools() {
            let pool = &ctx.topology.pools[p.0];
            out.push(self.about(Subject::Pool(p), None, format!(
                    "Persistent Chat pool {} depends on no pool whose web services run Persistent Chat file upload/download",
                    pool.fqdn
                ), Some(pool.span)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::finding::{Effect, Severity, Subject};
    use crate::test_pki::*;

    #[test]
    fn persistent_chat_pools_served_by_a_web_services_pool_pass() {
        for sample in [
            "standard-edition/topology.xml",
            "enterprise-multisite/topology.xml",
            "no-persistent-chat/topology.xml",
        ] {
            let r = run(sample, &Folder::new(), &[]);
            assert!(
                !rules(&r).contains(&ID.as_str()),
                "{sample}: {:?}",
                rules(&r)
            );
        }
    }

    #[test]
    fn a_persistent_chat_pool_no_web_services_pool_serves_is_a_warning_on_the_pool() {
        let r = run("unassociated-pchat/topology.xml", &Folder::new(), &[]);
        let f: Vec<_> = r.findings.iter().filter(|f| f.rule == ID).collect();
        assert_eq!(f.len(), 1, "{:?}", rules(&r));
        assert_eq!(
            (f[0].severity, f[0].effect),
            (Severity::Warning, Effect::Advises)
        );
        assert!(
            matches!(f[0].subject, Subject::Pool(_)),
            "{:?}",
            f[0].subject
        );
        assert!(f[0].span.is_some());
        assert_eq!(
            &*f[0].message,
            "Persistent Chat pool pchat99.fabrikam.com depends on no pool whose web services run Persistent Chat file upload/download"
        );
    }
}
