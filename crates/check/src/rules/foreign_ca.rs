//! `foreign-ca`: the certificate was not issued by the reference CA.

use super::{
    Citation, for_each_certificate, CheckContext, Finding, Needs, Remedy, Rule, RuleMeta, RuleId, Severity,
};
use crate::check::ca::{reference_names, CaVerdict};

/// This rule's id.
pub const ID: RuleId = RuleId::new("foreign-ca");

/// A certificate from another CA than the internal servers' CA.
pub struct ForeignCa;

/// This rule's facts: the one place they are written.
pub static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Error,
    summary: "the certificate is not from the CA used by the internal Lync servers",
    why: "Lync Server 2013 requires the Persistent Chat file upload/download web service certificate to be issued by the same CA as the internal servers' certificates; a certificate from another CA, or from a CA with the same name but another key, fails the installation.",
    fix: "Request a new certificate from the internal servers' issuing CA (the reference CA in this report) and assign it with Set-CsCertificate.",
    source: Citation::Microsoft {
        page: crate::citation::GROUP_CHAT_2010,
        states: "each server that runs the Group Chat lookup, channel and web services (Persistent Chat's predecessor) needs a certificate from the same CA as the internal Lync servers",
    },
    needs: Needs::Partly(
        "compared issuer names only (a CA with the same name but another key is caught only with the certificate file)",
    ),
    remedy: Remedy::Reissue,
};

impl Rule for ForeignCa {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        for_each_certificate(ctx, |s, file| {
            if let CaVerdict::Foreign { why } = ctx.verdict(file) {
                let cas = ctx.reference_ca.cas();
                let ca = reference_names(ctx.reference_ca);
                let is = if cas.len() > 1 { "CAs are" } else { "CA is" };
                out.push(self.at_server(
                    ctx,
                    s,
                    format!("certificate of {} is {why}; the reference {is} {ca}", ctx.fqdn(s)),
                ));
            }
        });
    }
}
