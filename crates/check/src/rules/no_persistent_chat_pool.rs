//! `no-persistent-chat-pool`: the topology has no Persistent Chat pool.

use super::{
    Citation, Subject, CheckContext, Finding, Needs, Remedy, Rule, RuleMeta, RuleId, Severity,
};

/// This rule's id.
pub const ID: RuleId = RuleId::new("no-persistent-chat-pool");

/// Nothing to check: the topology has no Persistent Chat.
pub struct NoPersistentChatPool;

/// This rule's facts: the one place they are written.
pub static META: RuleMeta = RuleMeta {
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
