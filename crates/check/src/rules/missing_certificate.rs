//! `missing-certificate`: a checked server has no certificate in the folder.

use super::{CheckContext, Citation, Finding, Needs, Remedy, Rule, RuleId, RuleMeta, Severity};
use std::collections::HashMap;

/// This rule's id.
pub const ID: RuleId = RuleId::new("missing-certificate");

/// A file upload/download or Persistent Chat server without a certificate.
pub struct MissingCertificate;

/// This rule's facts: the one place they are written.
pub(crate) static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Error,
    summary: "a file upload/download or Persistent Chat server has no certificate",
    why: "Persistent Chat setup needs the certificate of every server that runs the file upload/download web service before installation; with an external CA, obtaining one takes days.",
    fix: "Request a certificate for the server FQDN from the internal servers' CA (Request-CsCertificate or certreq) and put its .cer in the certificate folder, named after the server.",
    source: Citation::Microsoft {
        page: crate::citation::INTERNAL_SERVERS,
        states: "internal servers that run Lync Server need certificates; the table lists the Default and web services certificates of each Front End server",
    },
    needs: Needs::Facts,
    remedy: Remedy::Request,
};

impl Rule for MissingCertificate {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        // The first unreadable file of each normalised name it has (`certs::name_keys`).
        let mut unreadable_by_name: HashMap<String, usize> = HashMap::new();
        for (i, u) in ctx.store.unreadable.iter().enumerate() {
            for key in crate::certs::name_keys(&u.path) {
                unreadable_by_name.entry(key).or_insert(i);
            }
        }
        for s in ctx.servers {
            // usages whose fetched endpoint could not be read: `unreachable-endpoint` says
            // their status cannot be decided
            let unreached = super::unreachable_endpoint::unreached_usages(ctx, s);
            if s.assignment().is_none() {
                if !unreached.is_empty()
                    && s.kind.needed_usages().iter().all(|u| unreached.contains(u))
                {
                    continue;
                }
                // A file named after the server that could not be read is the likely cause:
                // say that, not that no file is named after it.
                let want = crate::certs::normalize_name(ctx.fqdn(s));
                let unreadable = unreadable_by_name
                    .get(&want)
                    .filter(|_| !want.is_empty())
                    .map(|&i| &ctx.store.unreadable[i]);
                let msg = match unreadable {
                    Some(u) => format!(
                        "{} ({}) has no usable certificate: {}",
                        ctx.fqdn(s),
                        s.kind.label(),
                        super::unreadable_certificate::cause(u)
                    ),
                    None => format!(
                        "{} ({}) has no certificate: {} is named after it or covers its name",
                        ctx.fqdn(s),
                        s.kind.label(),
                        ctx.options.sources.describe_none()
                    ),
                };
                out.push(self.at_server(ctx, s, msg));
                continue;
            }
            // Certificates for some usages only (e.g. a default.cer and no
            // webservicesinternal.cer): each uncovered usage is missing.
            let mut missing = s.uncovered_usages();
            missing.retain(|u| !unreached.contains(u));
            if !missing.is_empty() {
                let what = crate::usage::describe(&missing);
                let msg = format!(
                    "{} ({}) has no {what} certificate: its certificates serve {} only",
                    ctx.fqdn(s),
                    s.kind.label(),
                    crate::usage::describe(
                        &s.certificates
                            .iter()
                            .flat_map(|a| a.usages.iter().copied())
                            .collect::<Vec<_>>()
                    )
                );
                let f = self.at_server(ctx, s, msg).with_key(what);
                out.push(crate::finding::Finding {
                    file: None,
                    certificate: None,
                    ..f
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::finding::{Effect, Severity};
    use crate::test_pki::*;

    #[test]
    fn a_file_named_otherwise_that_covers_the_server_passes() {
        let ca = root("Fabrikam Issuing CA");
        let der = Leaf::se().signed_by(&ca);
        let folder = Folder::new().file("server.cer", &pem(&[&der, &ca.der]));
        let r = run("standard-edition/topology.xml", &folder, &given(&[&ca]));
        assert_eq!(rules(&r), Vec::<&str>::new());
    }

    #[test]
    fn no_file_for_the_server_blocks_and_says_where_it_looked() {
        let ca = root("Fabrikam Issuing CA");
        // A certificate of another server only.
        let der = Leaf::good("fs01.fabrikam.com", &[]).signed_by(&ca);
        let folder = Folder::new().file("fs01.fabrikam.com.cer", &pem(&[&der, &ca.der]));
        let r = run("standard-edition/topology.xml", &folder, &given(&[&ca]));
        assert_eq!(rules(&r), [ID.as_str()]);
        let f = &r.findings[0];
        assert_eq!((f.severity, f.effect), (Severity::Error, Effect::Blocks));
        let m = &f.message;
        assert!(m.starts_with("lyncse01.fabrikam.com ("), "{m}");
        assert!(
            m.ends_with(&format!(
                "has no certificate: no file in {} is named after it or covers its name",
                folder.path().display()
            )),
            "{m}"
        );
        // A file named after it that cannot be read is named as the cause.
        let folder = Folder::new().file("lyncse01.fabrikam.com.cer", b"not a certificate");
        let r = run("standard-edition/topology.xml", &folder, &given(&[&ca]));
        let m = message(&r, ID.as_str());
        assert!(m.contains(") has no usable certificate: "), "{m}");
    }
}
