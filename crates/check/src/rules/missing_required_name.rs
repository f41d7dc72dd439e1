//! `missing-required-name`: the certificate lacks a name other than the server FQDN that
//! Microsoft requires of it for a usage Persistent Chat needs (pool FQDN, internal web services
//! FQDN, simple URLs). The other names `plan` asks for are `missing-recommended-name`'s.

use super::{
    for_each_certificate, CheckContext, Finding, Needs, Remedy, Rule, RuleId, RuleMeta, Severity,
};
use crate::citation::{self, Citation};

/// This rule's id.
pub const ID: RuleId = RuleId::new("missing-required-name");

/// A certificate without a pool, web services or simple URL name its server needs.
pub(crate) struct MissingRequiredName;

/// This rule's facts: the one place they are written.
pub(crate) static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Error,
    summary: "the certificate lacks a pool, internal web services or simple URL name Microsoft requires for a usage Persistent Chat needs",
    why: "Microsoft's certificate requirements for Lync Server 2013 internal servers: a Front End's Default certificate carries the pool FQDN and the server FQDN; its internal web services certificate (which the Persistent Chat file upload/download web service presents) carries the internal web services FQDN and the simple URLs (meet, dial-in, admin). Only these usages count here (Default and WebServicesInternal on a file upload/download server, Default on a Persistent Chat server); each name in a finding says which topology element requires it. A certificate without them fails TLS for clients that use those names.",
    fix: "Reissue the certificate from the reference CA with every name `topocert plan` lists for the server as a DNS subject alternative name, then assign it with Set-CsCertificate.",
    source: Citation::Microsoft {
        page: citation::INTERNAL_SERVERS,
        states: "the Default row (subject the pool FQDN; alternative names the pool and server FQDNs) and the WebServicesInternal row (alternative names the internal web services FQDN and the simple URLs) of a Front End server's certificates",
    },
    needs: Needs::Facts,
    // the finding carries the names
    remedy: Remedy::AddNames(Vec::new()),
};

impl Rule for MissingRequiredName {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        for_each_certificate(ctx, |s, file| {
            let fqdn = ctx.fqdn(s);
            let missing = crate::required::missing_names(
                ctx.topology,
                ctx.graph,
                s,
                fqdn,
                &file.leaf,
                crate::required::Need::Required,
            );
            if missing.is_empty() {
                return;
            }
            let list: Vec<String> = missing
                .iter()
                .map(|n| format!("{} ({})", n.name, n.reason.describe()))
                .collect();
            let msg = format!(
                "certificate of {fqdn} lacks {} required name{}: {}",
                missing.len(),
                if missing.len() == 1 { "" } else { "s" },
                list.join("; ")
            );
            let names = || missing.iter().map(|n| n.name.as_str());
            let key = crate::required::names_key(names());
            out.push(
                self.at_server(ctx, s, msg)
                    .with_key(key)
                    .with_remedy(Remedy::add_names(names())),
            );
        });
    }
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::finding::{Effect, Severity};
    use crate::test_pki::*;

    #[test]
    fn every_required_name_passes_even_without_a_recommended_one() {
        let ca = root("Fabrikam Issuing CA");
        assert_eq!(
            rules(&standard_edition(&Leaf::se(), &ca, &ca)),
            Vec::<&str>::new()
        );
        // Without webext.fabrikam.com (recommended only): not this rule.
        let leaf = Leaf::se_without("webext.fabrikam.com");
        let r = standard_edition(&leaf, &ca, &ca);
        assert!(!rules(&r).contains(&ID.as_str()), "{:?}", rules(&r));
    }

    #[test]
    fn one_simple_url_missing_blocks_and_is_named() {
        let ca = root("Fabrikam Issuing CA");
        let leaf = Leaf::se_without("dialin.fabrikam.com");
        let r = standard_edition(&leaf, &ca, &ca);
        assert_eq!(rules(&r), [ID.as_str()]);
        let f = &r.findings[0];
        assert_eq!((f.severity, f.effect), (Severity::Error, Effect::Blocks));
        assert!(
            f.message.starts_with(
                "certificate of lyncse01.fabrikam.com lacks 1 required name: dialin.fabrikam.com ("
            ),
            "{}",
            f.message
        );
        assert_eq!(f.key, "dialin.fabrikam.com");
    }
}
