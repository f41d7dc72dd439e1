//! `unreachable-endpoint`: a TLS endpoint of a checked server presented no certificate when
//! fetched (`--fetch`, or the `manifest.csv` of a folder `topocert fetch` wrote), or presented
//! one without proving it holds its key (`no-key-proof`: the server is then always unknown).

use super::{
    CheckContext, Citation, Finding, Needs, Remedy, Rule, RuleId, RuleMeta, Severity, Subject,
};
use crate::certs::endpoint::{Cause, EndpointRecord};
use crate::certs::Usage;
use crate::check::CheckedServer;

/// This rule's id.
pub const ID: RuleId = RuleId::new("unreachable-endpoint");

/// An endpoint that could not be read; the finding's key is `usage:port`.
pub(crate) struct UnreachableEndpoint;

/// The fetched endpoints of a server, in fetch order.
pub(crate) fn endpoints_of<'s>(
    ctx: &'s CheckContext<'_>,
    s: &CheckedServer,
) -> impl Iterator<Item = &'s EndpointRecord> + 's {
    ctx.endpoints_of(s).iter().map(|e| &**e)
}

/// The usages of a server whose fetched endpoint presented no certificate (and that no other
/// endpoint of that usage presented): whether they are covered cannot be decided.
pub(crate) fn unreached_usages(ctx: &CheckContext<'_>, s: &CheckedServer) -> Vec<Usage> {
    let mut failed: Vec<Usage> = Vec::new();
    let mut reached: Vec<Usage> = Vec::new();
    for e in endpoints_of(ctx, s) {
        if e.result.is_ok() {
            reached.push(e.usage);
        } else {
            failed.push(e.usage);
        }
    }
    failed.retain(|u| !reached.contains(u));
    failed.sort();
    failed.dedup();
    failed
}

fn key(e: &EndpointRecord) -> String {
    format!("{}:{}", e.usage.key(), e.port)
}

/// This rule's facts: the one place they are written.
pub(crate) static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Warning,
    summary: "a server's TLS endpoint presented no certificate when fetched, or one without proof of its key (its status is unknown when a usage it needs could not be read, and always after no-key-proof)",
    why: "What a server presents over TLS is the certificate Lync really uses. An endpoint that could not be read is not checked; when it is the only source of a usage the server needs (Default, WebServicesInternal), the server cannot be judged, so it is never reported ready. A certificate is public: anyone can replay it. Only a handshake signature made with its key shows that the server holds that key, so a certificate presented without that proof is never used, and whatever answers for the server cannot be judged.",
    fix: "Act on the cause in the message. dns: give --resolve FQDN=ADDRESS. refused, timeout: open the port from this machine, or give --port USAGE=PORT. not-tls: give the TLS port with --port. closed, tls-alert, tls: the server may speak only TLS 1.0/1.1 (topocert speaks 1.2 and 1.3); give its certificate with --certs or --inventory. no-key-proof: find out what answers at that address (a proxy or an impostor replaying the certificate, or a server whose key does not match its certificate) and fetch again. invalid-name: correct the FQDN in the topology.",
    source: Citation::Input("the certificate the endpoint presents over TLS"),
    needs: Needs::Facts,
    remedy: Remedy::None,
};

impl Rule for UnreachableEndpoint {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        if ctx.store.endpoints.is_empty() {
            return;
        }
        for s in ctx.servers {
            let undecidable: Vec<Usage> = unreached_usages(ctx, s)
                .into_iter()
                .filter(|u| s.uncovered_usages().contains(u))
                .collect();
            for e in endpoints_of(ctx, s) {
                let Err(failure) = &e.result else { continue };
                let at = e.address.map(|a| format!(" at {a}")).unwrap_or_default();
                let detail = if failure.detail.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", failure.detail)
                };
                let mut message = format!(
                    "{}{at}: {}: {}{detail}",
                    e.describe_endpoint(),
                    failure.cause.id(),
                    failure.cause.describe()
                );
                let unproven = failure.cause == Cause::NoKeyProof;
                if unproven {
                    let thumbprint = failure.presented.as_deref().unwrap_or("unknown");
                    message.push_str(&format!(
                        "; the certificate presented (thumbprint {thumbprint}) is not used, so the readiness of {} is unknown",
                        ctx.fqdn(s)
                    ));
                }
                let undecided = unproven || undecidable.contains(&e.usage);
                if undecided && !unproven {
                    message.push_str(&format!(
                        "; no certificate of {} serves {}, so its readiness is unknown",
                        ctx.fqdn(s),
                        e.usage.as_str()
                    ));
                }
                let f = self
                    .about(
                        Subject::Server(s.machine),
                        None,
                        message,
                        Some(ctx.topology.machines[s.machine.0].span),
                    )
                    .with_key(key(e));
                out.push(if undecided { f.undecided() } else { f });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::certs::endpoint::{Cause, EndpointRecord, Failure, PortFrom};
    use crate::certs::{CertStore, Usage};
    use crate::finding::{Effect, Finding, Severity};

    fn record(server: &str, usage: Usage, result: Result<String, Failure>) -> EndpointRecord {
        EndpointRecord {
            server: server.to_string(),
            port: 443,
            usage,
            port_from: PortFrom::Topology,
            address: Some("127.0.0.1:443".parse().expect("address")),
            time: 0,
            result,
        }
    }

    fn findings(endpoints: Vec<EndpointRecord>) -> Vec<Finding> {
        let root = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
        let path = root.join("sample-topologies/enterprise-multisite/topology.xml");
        let topo = crate::topology::load_path(&path.to_string_lossy()).expect("sample loads");
        let graph = crate::graph::ServerGraph::build(&topo);
        let store = CertStore {
            endpoints,
            ..CertStore::default()
        };
        let options = crate::check::CheckOptions {
            sources: crate::check::CertSources::Fetched(None),
            now: 0,
            expiry_warn_days: 30,
        };
        crate::checked::run_check(&topo, &graph, &store, &[], &options)
            .findings
            .into_iter()
            .filter(|f| f.rule == super::ID)
            .collect()
    }

    #[test]
    fn failed_endpoints_are_findings_with_their_cause() {
        let refused = Failure::new(Cause::Refused, "");
        let found = findings(vec![
            record("fe01.fabrikam.com", Usage::Default, Ok("AB".into())),
            record(
                "FE01.fabrikam.com",
                Usage::WebServicesExternal,
                Err(refused),
            ),
            record(
                "pc02.fabrikam.com",
                Usage::Default,
                Err(Failure::new(Cause::Timeout, "")),
            ),
        ]);
        assert_eq!(found.len(), 2, "{found:?}");
        // fe01's external web services are not needed: advice about that endpoint
        let fe01 = &found[0];
        assert_eq!(
            (fe01.severity, fe01.effect),
            (Severity::Warning, Effect::Advises)
        );
        assert_eq!(fe01.key, "webservicesexternal:443");
        assert!(fe01.message.contains("refused"), "{}", fe01.message);
        // pc02's Default could not be read and nothing else serves it: undecided
        let pc02 = &found[1];
        assert_eq!(pc02.effect, Effect::Undecided);
        assert!(
            pc02.message.contains("timeout") && pc02.message.contains("unknown"),
            "{}",
            pc02.message
        );
    }

    #[test]
    fn a_certificate_without_proof_of_its_key_leaves_the_server_unknown() {
        let unproven = Failure {
            presented: Some("AB12".into()),
            ..Failure::new(Cause::NoKeyProof, "invalid peer certificate: BadSignature")
        };
        // even on a usage the server does not need, and with another endpoint reached
        let found = findings(vec![
            record("fe01.fabrikam.com", Usage::Default, Ok("AB".into())),
            record(
                "fe01.fabrikam.com",
                Usage::WebServicesExternal,
                Err(unproven),
            ),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].effect, Effect::Undecided);
        assert!(
            found[0].message.contains(": no-key-proof:")
                && found[0].message.contains("thumbprint AB12")
                && found[0].message.contains("is unknown"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn reached_endpoints_and_unchecked_servers_are_not_findings() {
        assert!(findings(Vec::new()).is_empty());
        let found = findings(vec![
            record("fe01.fabrikam.com", Usage::Default, Ok("AB".into())),
            // fe04 is not a checked server (pool02 serves no Persistent Chat pool)
            record(
                "fe04.fabrikam.com",
                Usage::Default,
                Err(Failure::new(Cause::Dns, "")),
            ),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }
}
