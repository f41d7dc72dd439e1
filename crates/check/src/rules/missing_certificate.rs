//! `missing-certificate`: a checked server has no certificate in the folder.

use std::collections::HashMap;
use super::{Citation, CheckContext, Finding, Rule, RuleId, Severity};

/// This rule's id.
pub const ID: RuleId = RuleId::new("missing-certificate");

/// A file upload/download or Persistent Chat server without a certificate.
pub struct MissingCertificate;

impl Rule for MissingCertificate {
    fn id(&self) -> RuleId {
        ID
    }
    fn severity(&self) -> Severity {
        Severity::Error
    }
    fn summary(&self) -> &'static str {
        "a file upload/download or Persistent Chat server has no certificate"
    }
    fn why(&self) -> &'static str {
        "Persistent Chat setup needs the certificate of every server that runs the file upload/download web service before installation; with an external CA, obtaining one takes days."
    }
    fn fix(&self) -> &'static str {
        "Request a certificate for the server FQDN from the internal servers' CA (Request-CsCertificate or certreq) and put its .cer in the certificate folder, named after the server."
    }
    fn source(&self) -> Citation {
        Citation::Microsoft {
            page: crate::citation::INTERNAL_SERVERS,
            states: "internal servers that run Lync Server need certificates; the table lists the Default and web services certificates of each Front End server",
        }
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
            if s.assignment.is_none() {
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
                let what = crate::certs::usage::describe(&missing);
                let msg = format!(
                    "{} ({}) has no {what} certificate: its certificates serve {} only",
                    ctx.fqdn(s),
                    s.kind.label(),
                    crate::certs::usage::describe(
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
