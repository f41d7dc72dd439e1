//! `unreachable-endpoint`: a TLS endpoint of a checked server presented no certificate when
//! fetched (`--fetch`, or the `manifest.csv` of a folder `topocert fetch` wrote).

use super::{Finding, Rule, Severity};
use crate::check::CheckContext;
use crate::model::NoCase;
use std::collections::HashMap;

/// An endpoint that could not be read: the cause is in the finding's endpoint record.
pub struct UnreachableEndpoint;

impl Rule for UnreachableEndpoint {
    fn id(&self) -> &'static str {
        "unreachable-endpoint"
    }
    fn severity(&self) -> Severity {
        // an error when no endpoint of the server answered (see `check`)
        Severity::Warning
    }
    fn summary(&self) -> &'static str {
        "a server's TLS endpoint presented no certificate when fetched (error when none of its endpoints did)"
    }
    fn why(&self) -> &'static str {
        "What a server presents over TLS is the certificate Lync really uses. An endpoint that could not be read is not checked; a server none of whose endpoints could be read cannot be judged at all, so it is never reported ready."
    }
    fn fix(&self) -> &'static str {
        "Act on the cause in the message. dns: give --resolve FQDN=ADDRESS. refused, timeout: open the port from this machine, or give --port USAGE=PORT. not-tls: give the TLS port with --port. closed, tls-alert, tls: the server may speak only TLS 1.0/1.1 (topocert speaks 1.2 and 1.3); give its certificate with --certs or --inventory. invalid-name: correct the FQDN in the topology."
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        if ctx.store.endpoints.is_empty() {
            return;
        }
        let servers: HashMap<NoCase<'_>, &crate::check::CheckedServer> = ctx
            .servers
            .iter()
            .map(|s| (NoCase(ctx.fqdn(s)), s))
            .collect();
        // Whether any endpoint of each server presented a certificate.
        let mut reached: HashMap<NoCase<'_>, bool> = HashMap::new();
        for e in &ctx.store.endpoints {
            *reached.entry(NoCase(&e.server)).or_default() |= e.result.is_ok();
        }
        for e in &ctx.store.endpoints {
            let (Err(failure), Some(s)) = (&e.result, servers.get(&NoCase(&e.server))) else {
                continue;
            };
            let none = !reached.get(&NoCase(&e.server)).copied().unwrap_or(false);
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
            if none {
                message.push_str(&format!(
                    "; no endpoint of {} presented a certificate, so its readiness is unknown",
                    ctx.fqdn(s)
                ));
            }
            out.push(Finding {
                rule: self.id(),
                severity: if none {
                    Severity::Error
                } else {
                    self.severity()
                },
                machine: Some(s.machine),
                file: None,
                message,
                span: Some(ctx.topology.machines[s.machine.0].span),
                endpoint: Some(Box::new(e.clone())),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::certs::CertStore;
    use crate::fetch::{Cause, EndpointRecord, Failure, PortFrom};
    use crate::model::CertUse;
    use crate::rules::{Finding, Severity};

    fn record(server: &str, usage: CertUse, result: Result<String, Failure>) -> EndpointRecord {
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
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
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
        crate::check::run(&topo, &graph, &store, &[], &options)
            .findings
            .into_iter()
            .filter(|f| f.rule == "unreachable-endpoint")
            .collect()
    }

    #[test]
    fn failed_endpoints_are_findings_with_their_cause() {
        let refused = Failure::new(Cause::Refused, "");
        let found = findings(vec![
            record("fe01.fabrikam.com", CertUse::Default, Ok("AB".into())),
            record("FE01.fabrikam.com", CertUse::WebServicesExternal, Err(refused.clone())),
            record("pc02.fabrikam.com", CertUse::Default, Err(Failure::new(Cause::Timeout, ""))),
        ]);
        assert_eq!(found.len(), 2, "{found:?}");
        // fe01 answered on another endpoint: a warning about that endpoint
        let fe01 = &found[0];
        assert_eq!(fe01.severity, Severity::Warning);
        let e = fe01.endpoint.as_deref().expect("typed endpoint");
        assert_eq!((e.usage, e.port, e.result.clone()), (CertUse::WebServicesExternal, 443, Err(refused)));
        assert!(fe01.message.contains("refused"), "{}", fe01.message);
        // pc02 answered nowhere: an error, its readiness unknown
        let pc02 = &found[1];
        assert_eq!(pc02.severity, Severity::Error);
        assert!(pc02.message.contains("timeout") && pc02.message.contains("unknown"), "{}", pc02.message);
    }

    #[test]
    fn reached_endpoints_and_unchecked_servers_are_not_findings() {
        assert!(findings(Vec::new()).is_empty());
        let found = findings(vec![
            record("fe01.fabrikam.com", CertUse::Default, Ok("AB".into())),
            // fe04 is not a checked server (pool02 serves no Persistent Chat pool)
            record("fe04.fabrikam.com", CertUse::Default, Err(Failure::new(Cause::Dns, ""))),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }
}
