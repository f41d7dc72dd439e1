//! `no-persistent-chat-pool`: the topology has no Persistent Chat pool.

use super::{
    CheckContext, Citation, Finding, Needs, Remedy, Rule, RuleId, RuleMeta, Severity, Subject,
};

/// This rule's id.
pub const ID: RuleId = RuleId::new("no-persistent-chat-pool");

/// Nothing to check: the topology has no Persistent Chat.
pub(crate) struct NoPersistentChatPool;

/// This rule's facts: the one place they are written.
pub(crate) static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Info,
    summary: "the topology has no Persistent Chat pool",
    why: "Without Persistent Chat there are no file upload/download servers to prepare; check the topology after adding the Persistent Chat pool.",
    fix: "Nothing to fix; add the Persistent Chat pool in Topology Builder, publish, export the topology and run the check again.",
    source: Citation::Input("a Persistent Chat pool in the topology, to know which servers to check"),
    needs: Needs::Facts,
    remedy: Remedy::None,
};

impl Rule for NoPersistentChatPool {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        if ctx.graph.pchat_links.is_empty() {
            out.push(self.about(Subject::Topology, None, "the topology has no Persistent Chat pool: no server needs a Persistent Chat file upload/download certificate".into(), None));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::finding::{Effect, Severity, Subject};
    use crate::test_pki::*;

    #[test]
    fn a_persistent_chat_pool_even_unassociated_passes() {
        for sample in [
            "standard-edition/topology.xml",
            "unassociated-pchat/topology.xml",
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
    fn a_topology_without_persistent_chat_is_a_note() {
        let r = run("no-persistent-chat/topology.xml", &Folder::new(), &[]);
        assert_eq!(rules(&r), [ID.as_str()]);
        let f = &r.findings[0];
        assert_eq!((f.severity, f.effect), (Severity::Info, Effect::Advises));
        assert_eq!(f.subject, Subject::Topology);
        assert!(
            f.message
                .starts_with("the topology has no Persistent Chat pool"),
            "{}",
            f.message
        );
    }
}
