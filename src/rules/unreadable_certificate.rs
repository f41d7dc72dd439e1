//! `unreadable-certificate`: a file under the certificate folder could not be read.

use super::{Finding, Rule, Severity};
use crate::check::CheckContext;

/// A file that is not a readable certificate (the others are still used).
pub struct UnreadableCertificate;

impl Rule for UnreadableCertificate {
    fn id(&self) -> &'static str {
        "unreadable-certificate"
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
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        for u in &ctx.store.unreadable {
            out.push(self.general(Some(u.path.clone()), u.error.to_string(), None));
        }
    }
}
