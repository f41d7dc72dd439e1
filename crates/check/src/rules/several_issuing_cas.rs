//! `several-issuing-cas`: the checked servers' certificates come from more than one issuing CA
//! under the same root or policy reference CA.

use super::{
    CheckContext, Citation, Finding, Needs, Remedy, Rule, RuleId, RuleMeta, Severity, Subject,
};
use crate::check::chain::{describe_ca, Walk};
use std::collections::BTreeMap;

/// This rule's id.
pub const ID: RuleId = RuleId::new("several-issuing-cas");

/// Certificates from different issuing CAs below one reference CA.
pub(crate) struct SeveralIssuingCas;

/// This rule's facts: the one place they are written.
pub(crate) static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Warning,
    summary: "the certificates come from more than one issuing CA under the reference root or policy CA",
    why: "Lync Server 2013 requires the Persistent Chat file upload/download web service certificate to be issued by the same CA as the internal servers' certificates: the same issuing CA, not merely the same root. Certificates from sibling issuing CAs under one root chain to it, but the servers may not trust each issuing CA alike.",
    fix: "Reissue the odd certificates from the issuing CA the internal servers use, or give that issuing CA (not the root) with --ca to check against it.",
    source: Citation::Microsoft {
        page: crate::citation::GROUP_CHAT_2010,
        states: "each server that runs the Group Chat lookup, channel and web services (Persistent Chat's predecessor) needs a certificate from the same CA as the internal Lync servers",
    },
    needs: Needs::Facts,
    remedy: Remedy::Reissue,
};

impl Rule for SeveralIssuingCas {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        // reference -> issuing CA (display) -> servers, in server order.
        let mut by_reference: BTreeMap<usize, BTreeMap<String, Vec<&str>>> = BTreeMap::new();
        for s in ctx.servers {
            let Some(file) = ctx.cert_of(s) else {
                continue;
            };
            if let Some(Walk::Reached {
                reference, path, ..
            }) = ctx.chain(file)
            {
                if let Some(issuing) = path.first() {
                    by_reference
                        .entry(reference)
                        .or_default()
                        .entry(describe_ca(issuing))
                        .or_default()
                        .push(ctx.fqdn(s));
                }
            }
        }
        let with_cert: Vec<_> = ctx
            .reference_ca
            .cas()
            .iter()
            .filter(|c| c.cert.is_some())
            .collect();
        for (reference, issuing) in by_reference {
            if issuing.len() < 2 {
                continue;
            }
            let list: Vec<String> = issuing
                .iter()
                .map(|(ca, servers)| format!("{ca}: {}", servers.join(", ")))
                .collect();
            let name = with_cert
                .get(reference)
                .map_or(String::new(), |c| c.subject.clone());
            out.push(self.about(
                Subject::Topology,
                None,
                format!(
                    "the certificates come from {} issuing CAs under the reference CA {name}: {}",
                    issuing.len(),
                    list.join("; ")
                ),
                None,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::test_pki::*;

    fn enterprise(second: &TestCa, first: &TestCa, top: &TestCa, chain: &[&TestCa]) -> Vec<String> {
        let fe01 = Leaf::good("fe01.fabrikam.com", &["pool01.fabrikam.com"]).signed_by(first);
        let pc01 = Leaf::good("pc01.fabrikam.com", &["pchat01.fabrikam.com"]).signed_by(second);
        let ders: Vec<&[u8]> = chain.iter().map(|c| c.der.as_slice()).collect();
        let folder = Folder::new()
            .file("fe01.fabrikam.com.cer", &fe01)
            .file("pc01.fabrikam.com.cer", &pc01)
            .file("chain.p7b", &p7b(&ders));
        let r = run("enterprise-multisite/topology.xml", &folder, &given(&[top]));
        r.findings
            .iter()
            .filter(|f| f.rule == ID)
            .map(|f| f.message.to_string())
            .collect()
    }

    #[test]
    fn one_issuing_ca_under_the_root_passes() {
        let top = root("Fabrikam Root CA");
        let one = intermediate("Fabrikam Issuing CA 1", &top);
        assert!(enterprise(&one, &one, &top, &[&one]).is_empty());
    }

    #[test]
    fn two_issuing_cas_under_the_root_are_named_with_their_servers() {
        let top = root("Fabrikam Root CA");
        let one = intermediate("Fabrikam Issuing CA 1", &top);
        let two = intermediate("Fabrikam Issuing CA 2", &top);
        let found = enterprise(&two, &one, &top, &[&one, &two]);
        assert_eq!(found.len(), 1, "{found:?}");
        let m = &found[0];
        assert!(
            m.contains("2 issuing CAs under the reference CA CN=Fabrikam Root CA"),
            "{m}"
        );
        assert!(
            m.contains("CN=Fabrikam Issuing CA 1, O=Fabrikam (key id "),
            "{m}"
        );
        assert!(m.contains("): fe01.fabrikam.com"), "{m}");
        assert!(m.contains("): pc01.fabrikam.com"), "{m}");
    }
}
