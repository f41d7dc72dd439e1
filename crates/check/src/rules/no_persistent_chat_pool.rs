//! `no-persistent-chat-pool`: the topology has no Persistent Chat pool.

use super::{Citation, Subject, CheckContext, Finding, Rule, RuleId, Severity};

/// This rule's id.
pub const ID: RuleId = RuleId::new("no-persistent-chat-pool");

/// Nothing to check: the topology has no Persistent Chat.
pub struct NoPersistentChatPool;

impl Rule for NoPersistentChatPool {
    fn id(&self) -> RuleId {
        ID
    }
    fn severity(&self) -> Severity {
        Severity::Info
    }
    fn summary(&self) -> &'static str {
        "the topology has no Persistent Chat pool"
    }
    fn why(&self) -> &'static str {
        "Without Persistent Chat there are no file upload/download servers to prepare; check the topology after adding the Persistent Chat pool."
    }
    fn fix(&self) -> &'static str {
        "Nothing to fix; add the Persistent Chat pool in Topology Builder, publish, export the topology and run the check again."
    }
    fn source(&self) -> Citation {
        Citation::Input("a Persistent Chat pool in the topology, to know which servers to check")
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        if ctx.graph.pchat_links.is_empty() {
            out.push(self.about(Subject::Topology, None, "the topology has no Persistent Chat pool: no server needs a Persistent Chat file upload/download certificate".into(), None));
        }
    }
}
