//! `unreadable-certificate`: a file under the certificate folder could not be read.

use super::{Citation, Subject, CheckContext, Finding, Rule, RuleId, Severity};

/// This rule's id.
pub const ID: RuleId = RuleId::new("unreadable-certificate");

/// A file that is not a readable certificate (the others are still used).
pub struct UnreadableCertificate;

impl Rule for UnreadableCertificate {
    fn id(&self) -> RuleId {
        ID
    }
    fn severity(&self) -> Severity {
        Severity::Error
    }
    fn summary(&self) -> &'static str {
        "a file in the certificate folder could not be read as a certificate"
    }
    fn why(&self) -> &'static str {
        "A certificate that cannot be read cannot be checked; it may be the one a server needs."
    }
    fn fix(&self) -> &'static str {
        "Export the certificate without its private key (.cer, DER or Base-64) or as a .p7b; remove files that are not certificates."
    }
    fn source(&self) -> Citation {
        Citation::Input("a certificate file that cannot be read cannot be checked")
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        for u in &ctx.store.unreadable {
            // A file named after a checked server is about that server: it may be the
            // certificate the server needs.
            let owner = ctx
                .servers
                .iter()
                .find(|s| crate::certs::file_stem_matches(&u.path, ctx.fqdn(s)));
            let f = match owner {
                Some(s) => self.about(
                    Subject::Server(s.machine),
                    Some(u.path.clone()),
                    u.error.to_string(),
                    Some(ctx.topology.machines[s.machine.0].span),
                ),
                None => self.about(
                    Subject::CertificateFile(u.path.clone()),
                    Some(u.path.clone()),
                    u.error.to_string(),
                    None,
                ),
            };
            out.push(f.with_key(crate::certs::load::short_name(&u.path).to_ascii_lowercase()));
        }
    }
}
