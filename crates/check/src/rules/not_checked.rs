//! `not-checked`: a rule could not run (or ran only in part) on a server because its
//! certificate comes from an inventory row, which lacks the certificate itself.

use super::{
    for_each_certificate, limited_by, CheckContext, Citation, Finding, Needs, Remedy, Rule, RuleId,
    RuleMeta, Severity,
};

/// This rule's id.
pub const ID: RuleId = RuleId::new("not-checked");

/// A rule that needs the certificate file, on a certificate known only from an inventory.
pub(crate) struct NotChecked;

/// This rule's facts: the one place they are written.
pub(crate) static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Info,
    summary: "a rule could not check a certificate that comes from an inventory",
    why: "An inventory (Get-CsCertificate export) has the names, issuer and dates of a certificate but not the certificate itself: its key, signature algorithm and extended key usage cannot be checked, and its CA is identified by name only.",
    fix: "Export the certificate (Certificates MMC > All Tasks > Export, .cer without the private key) and run check with --certs as well.",
    source: Citation::Input("the certificate file, for the rules an inventory row cannot answer"),
    needs: Needs::Facts,
    remedy: Remedy::None,
};

impl Rule for NotChecked {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        for_each_certificate(ctx, |s, file| {
            let Some(row) = file.leaf.inventory() else {
                return;
            };
            let (not_checked, partly) = limited_by(&file.leaf);
            let mut parts = Vec::new();
            if !not_checked.is_empty() {
                parts.push(format!(
                    "not checked: {} need the certificate file",
                    not_checked
                        .iter()
                        .map(|r| r.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            for (rule, what) in &partly {
                parts.push(format!("partly checked: {rule} {what}"));
            }
            // An error rule that could not run (or ran only in part) leaves the status undecided.
            let decides = not_checked
                .iter()
                .chain(partly.iter().map(|(id, _)| id))
                .any(|id| super::get(*id).is_some_and(|r| r.severity() == Severity::Error));
            if !parts.is_empty() {
                let msg = format!(
                    "{}; the certificate of {} is known only from {}",
                    parts.join("; "),
                    ctx.fqdn(s),
                    row.label()
                );
                let f = self.at_server(ctx, s, msg);
                out.push(if decides { f.undecided() } else { f });
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
    fn a_certificate_file_passes() {
        let ca = root("Fabrikam Issuing CA");
        let r = standard_edition(&Leaf::se(), &ca, &ca);
        assert!(!rules(&r).contains(&ID.as_str()), "{:?}", rules(&r));
    }

    #[test]
    fn an_inventory_row_leaves_the_server_undecided_and_names_the_rules_not_run() {
        let r = run_inventory("rules-lab/topology.xml", "rules-lab/inventory.csv", &[]);
        let f = r
            .findings
            .iter()
            .find(|f| f.rule == ID && f.message.contains("lab12.fabrikam.com"))
            .unwrap_or_else(|| panic!("no {ID} finding on lab12: {:?}", rules(&r)));
        assert_eq!((f.severity, f.effect), (Severity::Info, Effect::Undecided));
        let m = &f.message;
        assert!(m.starts_with("not checked: "), "{m}");
        for rule in [
            crate::rules::no_server_auth_eku::ID,
            crate::rules::weak_key::ID,
            crate::rules::ca_certificate_as_server::ID,
        ] {
            assert!(m.contains(rule.as_str()), "{rule}: {m}");
        }
        assert!(
            m.contains("need the certificate file; partly checked: foreign-ca "),
            "{m}"
        );
        assert!(
            m.contains("; the certificate of lab12.fabrikam.com is known only from "),
            "{m}"
        );
        assert!(m.contains("inventory.csv"), "{m}");
    }
}
