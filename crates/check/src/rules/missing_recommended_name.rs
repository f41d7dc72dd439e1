//! `missing-recommended-name`: the certificate lacks a name `plan` asks for that does not
//! decide Persistent Chat readiness: a name of a usage Persistent Chat does not need (the
//! external web services FQDN) or a wizard default (the Persistent Chat pool FQDN). A warning
//! that names the service the name serves.

use super::{
    for_each_certificate, CheckContext, Finding, Needs, Remedy, Rule, RuleId, RuleMeta, Severity,
};
use crate::citation::{self, Citation};

/// This rule's id.
pub const ID: RuleId = RuleId::new("missing-recommended-name");

/// A certificate without a name another service, or the wizard's default request, puts on it.
pub(crate) struct MissingRecommendedName;

/// This rule's facts: the one place they are written.
pub(crate) static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Warning,
    summary: "the certificate lacks a name plan recommends that Persistent Chat does not need (external web services FQDN, Persistent Chat pool FQDN)",
    why: "Persistent Chat file upload/download is offered on the internal web site only, so the external web services FQDN (a name of the WebServicesExternal certificate) matters to the external web site and the reverse proxy, not to Persistent Chat. Microsoft publishes no name table for Persistent Chat servers; Request-CsCertificate adds the Persistent Chat pool FQDN by default. Neither makes the server not ready; the finding says which service the name serves.",
    fix: "When you reissue the certificate anyway, include every name `topocert plan` lists; otherwise make sure the service named in the finding (external web site behind the reverse proxy, or connections by the pool FQDN) has a certificate with the name.",
    source: Citation::Microsoft {
        page: citation::CONFIGURE_PERSISTENT_CHAT,
        states: "the Persistent Chat file upload/download service is offered on the internal web site only; the external web services FQDN is a name of the WebServicesExternal row of \"Certificate requirements for internal servers in Lync Server 2013\", and the Persistent Chat pool FQDN is Request-CsCertificate's default",
    },
    needs: Needs::Facts,
    remedy: Remedy::Reissue,
};

impl Rule for MissingRecommendedName {
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
                crate::required::Need::Recommended,
            );
            if missing.is_empty() {
                return;
            }
            let list: Vec<String> = missing
                .iter()
                .map(|n| {
                    format!(
                        "{} ({}; used by {})",
                        n.name,
                        n.reason.describe(),
                        n.reason.source.affects()
                    )
                })
                .collect();
            let msg = format!(
                "certificate of {fqdn} lacks {} recommended name{} that Persistent Chat does not need: {}",
                missing.len(),
                if missing.len() == 1 { "" } else { "s" },
                list.join("; ")
            );
            let key = crate::required::names_key(missing.iter().map(|n| n.name.as_str()));
            out.push(self.at_server(ctx, s, msg).with_key(key));
        });
    }
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::finding::Effect;
    use crate::test_pki::*;

    /// The findings that name the server `fqdn`, as (rule, effect).
    fn about(r: &crate::check::CheckResult, fqdn: &str) -> Vec<(&'static str, Effect)> {
        r.findings
            .iter()
            .filter(|f| f.machine().is_some() && f.message.contains(fqdn))
            .map(|f| (f.rule.as_str(), f.effect))
            .collect()
    }

    #[test]
    fn a_front_end_without_the_external_web_services_fqdn_is_ready_with_a_warning() {
        let ca = root("Fabrikam Issuing CA");
        // Every name but webext.fabrikam.com (the external web services FQDN).
        let leaf = Leaf::se_without("webext.fabrikam.com");
        let r = standard_edition(&leaf, &ca, &ca);
        assert_eq!(rules(&r), [ID.as_str()]);
        let f = &r.findings[0];
        assert_eq!(f.effect, Effect::Advises);
        assert!(f.message.contains("webext.fabrikam.com"), "{}", f.message);
        assert!(f.message.contains("reverse proxy"), "{}", f.message);
        // With every name, nothing.
        let r = standard_edition(&Leaf::se(), &ca, &ca);
        assert_eq!(rules(&r), Vec::<&str>::new());
    }

    #[test]
    fn a_front_end_without_a_simple_url_is_still_not_ready() {
        let ca = root("Fabrikam Issuing CA");
        let leaf = Leaf::se_without("meet.fabrikam.com");
        let r = standard_edition(&leaf, &ca, &ca);
        assert_eq!(
            rules(&r),
            [crate::rules::missing_required_name::ID.as_str()]
        );
        assert_eq!(r.findings[0].effect, Effect::Blocks);
    }

    #[test]
    fn a_persistent_chat_server_with_only_its_fqdn_is_ready_with_a_warning() {
        let ca = root("Fabrikam Issuing CA");
        let fe01 = Leaf::good("fe01.fabrikam.com", &["pool01.fabrikam.com"]).signed_by(&ca);
        let pc01 = Leaf::good("pc01.fabrikam.com", &[]).signed_by(&ca);
        let folder = Folder::new()
            .file("fe01.fabrikam.com.cer", &fe01)
            .file("pc01.fabrikam.com.cer", &pc01);
        let r = run("enterprise-multisite/topology.xml", &folder, &given(&[&ca]));
        let pc = about(&r, "pc01.fabrikam.com");
        assert_eq!(pc, [(ID.as_str(), Effect::Advises)], "{:?}", rules(&r));
        let msg = r
            .findings
            .iter()
            .find(|f| f.rule == ID && f.message.contains("pc01.fabrikam.com"))
            .map(|f| f.message.clone())
            .unwrap_or_default();
        assert!(msg.contains("Persistent Chat pool FQDN"), "{msg}");
    }
}
