//! The options of a fetch, the same for `topocert fetch` and `--fetch`: `--resolve`, `--port`,
//! `--timeout` and `--concurrency`, parsed from their command-line text.

use super::dns_name::DnsName;
use crate::certs::Usage;
use std::net::IpAddr;
use std::time::Duration;

/// Default `--timeout`: for the TCP connect, and again for the TLS handshake.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// Shortest `--timeout` accepted, in seconds: time for a handshake on a loaded machine.
pub(crate) const MIN_TIMEOUT_SECS: f64 = 0.1;
/// Longest `--timeout` accepted, in seconds.
pub(crate) const MAX_TIMEOUT_SECS: f64 = 300.0;
/// Default `--concurrency`: endpoints fetched at the same time.
pub const DEFAULT_CONCURRENCY: usize = 16;
/// Largest `--concurrency` accepted.
pub(crate) const MAX_CONCURRENCY: usize = 256;

/// `--resolve FQDN=ADDRESS`: connect to `address` for `name` instead of asking DNS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveOverride {
    /// The server name.
    pub name: DnsName,
    /// The IPv4 or IPv6 address to connect to.
    pub address: IpAddr,
}

impl std::str::FromStr for ResolveOverride {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (name, address) = s
            .split_once('=')
            .ok_or_else(|| "expected FQDN=ADDRESS, e.g. fe01.fabrikam.com=10.0.0.5".to_string())?;
        let name = DnsName::new(name.trim()).map_err(|e| format!("{name:?}: {e}"))?;
        let addr = address.trim();
        let bare = addr
            .strip_prefix('[')
            .and_then(|a| a.strip_suffix(']'))
            .unwrap_or(addr);
        let address = bare
            .parse::<IpAddr>()
            .map_err(|_| format!("{address:?} is not an IPv4 or IPv6 address"))?;
        Ok(ResolveOverride { name, address })
    }
}

/// `--port USAGE=PORT`: connect to `port` for every server's `usage` endpoint instead of the
/// port the topology declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortOverride {
    /// The certificate use (`default`, `webservicesinternal`, `webservicesexternal`).
    pub usage: Usage,
    /// The TCP port.
    pub port: u16,
}

impl std::str::FromStr for PortOverride {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let uses = || {
            super::endpoints::FETCHED
                .iter()
                .map(|u| u.key())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let (usage, port) = s
            .split_once('=')
            .ok_or_else(|| format!("expected USAGE=PORT, USAGE one of {}", uses()))?;
        let usage = super::endpoints::fetched_usage(usage.trim())
            .ok_or_else(|| format!("{usage:?} is not a usage; one of {}", uses()))?;
        let port = match port.trim().parse::<u16>() {
            Ok(p) if p > 0 => p,
            _ => return Err(format!("{port:?} is not a TCP port (1-65535)")),
        };
        Ok(PortOverride { usage, port })
    }
}

/// `--timeout SECONDS`: a number of seconds (decimals allowed) from `MIN_TIMEOUT_SECS` to
/// `MAX_TIMEOUT_SECS`.
pub fn parse_timeout(s: &str) -> Result<Duration, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if (MIN_TIMEOUT_SECS..=MAX_TIMEOUT_SECS).contains(&v) => {
            Ok(Duration::from_secs_f64(v))
        }
        _ => Err(format!(
            "{:?} is not a number of seconds from {MIN_TIMEOUT_SECS} to {MAX_TIMEOUT_SECS}",
            crate::escape::terminal(s)
        )),
    }
}

/// `--concurrency N`: 1 to `MAX_CONCURRENCY`.
pub fn parse_concurrency(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_CONCURRENCY).contains(&n) => Ok(n),
        _ => Err(format!("{s:?} is not a number from 1 to {MAX_CONCURRENCY}")),
    }
}

/// How to fetch.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Addresses to use instead of DNS, by server name.
    pub resolve: Vec<ResolveOverride>,
    /// Ports to use instead of the topology's, by usage.
    pub ports: Vec<PortOverride>,
    /// Limit of the TCP connect, and again of the TLS handshake.
    pub timeout: Duration,
    /// Endpoints fetched at the same time.
    pub concurrency: usize,
    /// The caller shows a progress bar (on a terminal only); the library only tells a
    /// [`super::Progress`].
    pub progress: bool,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            resolve: Vec::new(),
            ports: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
            concurrency: DEFAULT_CONCURRENCY,
            progress: false,
        }
    }
}

impl FetchOptions {
    /// The `--resolve` address of a server, if one was given (the last one given wins).
    pub fn resolved(&self, name: &DnsName) -> Option<IpAddr> {
        self.resolve
            .iter()
            .rev()
            .find(|r| r.name.as_str().eq_ignore_ascii_case(name.as_str()))
            .map(|r| r.address)
    }

    /// The `--port` of a usage, if one was given (the last one given wins).
    pub fn port(&self, usage: Usage) -> Option<u16> {
        self.ports
            .iter()
            .rev()
            .find(|p| p.usage == usage)
            .map(|p| p.port)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_takes_a_dns_name_and_an_address() {
        let r: ResolveOverride = "FE01.fabrikam.com=127.0.0.1".parse().expect("valid");
        assert_eq!(r.name.as_str(), "FE01.fabrikam.com");
        assert_eq!(r.address, IpAddr::from([127, 0, 0, 1]));
        let v6: ResolveOverride = "fe01.fabrikam.com=[::1]".parse().expect("valid");
        assert_eq!(v6.address, "::1".parse::<IpAddr>().expect("ip"));
        for bad in [
            "fe01.fabrikam.com",
            "fe01.fabrikam.com=",
            "fe01.fabrikam.com=fe02.fabrikam.com",
            "fe01.fabrikam.com=127.0.0.1:5061",
            "../x=127.0.0.1",
            "1.2.3.4=127.0.0.1",
            "=127.0.0.1",
        ] {
            assert!(bad.parse::<ResolveOverride>().is_err(), "{bad}");
        }
    }

    #[test]
    fn port_takes_a_usage_and_a_port() {
        let p: PortOverride = "WebServicesInternal=8443".parse().expect("valid");
        assert_eq!(p.usage, Usage::WebServicesInternal);
        assert_eq!(p.port, 8443);
        for bad in [
            "default",
            "default=0",
            "default=65536",
            "sip=5061",
            "default=x",
        ] {
            assert!(bad.parse::<PortOverride>().is_err(), "{bad}");
        }
        let o = FetchOptions {
            ports: vec![
                "default=1".parse().expect("v"),
                "default=2".parse().expect("v"),
            ],
            ..FetchOptions::default()
        };
        assert_eq!(o.port(Usage::Default), Some(2));
        assert_eq!(o.port(Usage::WebServicesExternal), None);
    }

    #[test]
    fn timeout_and_concurrency_are_bounded() {
        assert_eq!(parse_timeout("1"), Ok(Duration::from_secs(1)));
        assert_eq!(parse_timeout("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_timeout("0.1"), Ok(Duration::from_millis(100)));
        assert_eq!(parse_timeout("300"), Ok(Duration::from_secs(300)));
        for bad in [
            "0", "-1", "1e-12", "0.09", "300.5", "601", "nan", "inf", "x",
        ] {
            assert!(parse_timeout(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_concurrency("16"), Ok(16));
        for bad in ["0", "257", "-1", "x"] {
            assert!(parse_concurrency(bad).is_err(), "{bad}");
        }
    }
}
