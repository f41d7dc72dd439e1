//! Fetching many endpoints at once: a fixed number of worker threads (`--concurrency`) take
//! endpoints in order; each resolves the name (`--resolve` first, else the system resolver,
//! within `--timeout`), connects within `--timeout` and reads the chain (see [`super::tls`]). A failure is the
//! endpoint's result; the run always goes on.

use super::capture::{Capture, Cause, EndpointResult, Failure};
use super::dns_name::DnsName;
use super::endpoints::Endpoint;
use super::options::FetchOptions;
use super::tls::{io_failure, Capturer};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// Most addresses of one name tried (in the resolver's order).
pub(crate) const MAX_ADDRESSES: usize = 4;

/// How names become addresses: `--resolve`, else the system resolver.
pub trait Resolver: Sync {
    /// The addresses of `name` on `port`, in the order to try them.
    fn resolve(&self, name: &DnsName, port: u16) -> std::io::Result<Vec<SocketAddr>>;
}

/// The system resolver (`getaddrinfo`), given at most `timeout` for an answer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SystemResolver {
    /// How long a lookup may take (`--timeout`).
    pub timeout: std::time::Duration,
}

impl Resolver for SystemResolver {
    fn resolve(&self, name: &DnsName, port: u16) -> std::io::Result<Vec<SocketAddr>> {
        let host = name.as_str().to_string();
        within(self.timeout, move || {
            Ok((host.as_str(), port).to_socket_addrs()?.collect())
        })
    }
}

/// The answer of `lookup`, or a `TimedOut` error when it has none within `timeout`.
/// `getaddrinfo` cannot be cancelled: the lookup runs on a thread of its own, which is left to
/// finish by itself (bounded by the system resolver's own timeouts) when the answer comes too
/// late, and its answer is then dropped.
pub fn within(
    timeout: std::time::Duration,
    lookup: impl FnOnce() -> std::io::Result<Vec<SocketAddr>> + Send + 'static,
) -> std::io::Result<Vec<SocketAddr>> {
    let (tx, rx) = mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("topocert-dns".into())
        .spawn(move || {
            let _ = tx.send(lookup());
        })?;
    match rx.recv_timeout(timeout) {
        Ok(answer) => answer,
        Err(_) => Err(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!(
                "no answer from the resolver within {} s",
                timeout.as_secs_f64()
            ),
        )),
    }
}

/// Fetches every endpoint with the system resolver (bounded by `--timeout`); results in the
/// order of `endpoints`. `progress` is called once per finished endpoint, from the calling
/// thread.
pub fn run(
    endpoints: Vec<Endpoint>,
    options: &FetchOptions,
    progress: &mut dyn FnMut(&EndpointResult),
) -> Vec<EndpointResult> {
    let resolver = SystemResolver {
        timeout: options.timeout,
    };
    run_with(endpoints, options, &resolver, progress)
}

/// [`run`] with another resolver for names without a `--resolve` address.
pub fn run_with(
    endpoints: Vec<Endpoint>,
    options: &FetchOptions,
    resolver: &dyn Resolver,
    progress: &mut dyn FnMut(&EndpointResult),
) -> Vec<EndpointResult> {
    let total = endpoints.len();
    let workers = options.concurrency.clamp(1, total.max(1));
    let next = AtomicUsize::new(0);
    let mut results: Vec<Option<EndpointResult>> = vec![None; total];
    let (tx, rx) = mpsc::channel::<(usize, EndpointResult)>();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let tx = tx.clone();
            let (next, endpoints) = (&next, &endpoints);
            scope.spawn(move || {
                let capturer = Capturer::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(e) = endpoints.get(i) else { break };
                    let r = fetch_one(e, options, resolver, &capturer);
                    if tx.send((i, r)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for (i, r) in rx {
            progress(&r);
            results[i] = Some(r);
        }
    });
    results.into_iter().flatten().collect()
}

/// Fetches one endpoint.
fn fetch_one(
    e: &Endpoint,
    options: &FetchOptions,
    resolver: &dyn Resolver,
    capturer: &Result<Capturer, Failure>,
) -> EndpointResult {
    let time = crate::time::now();
    let done = |address, capture| EndpointResult {
        endpoint: e.clone(),
        address,
        time,
        capture,
    };
    let name = match &e.name {
        Ok(n) => n,
        Err(why) => {
            return done(
                None,
                Capture::Failed(Failure::new(Cause::InvalidName, why.to_string())),
            )
        }
    };
    let addresses = match options.resolved(name) {
        Some(ip) => vec![SocketAddr::new(ip, e.port)],
        None => match resolver.resolve(name, e.port) {
            Ok(a) if !a.is_empty() => a,
            Ok(_) => {
                return done(
                    None,
                    Capture::Failed(Failure::new(Cause::Dns, "no address")),
                )
            }
            Err(err) => {
                // A resolver that does not answer within --timeout is a timeout, not a name
                // that does not exist.
                let cause = if err.kind() == std::io::ErrorKind::TimedOut {
                    Cause::Timeout
                } else {
                    Cause::Dns
                };
                return done(None, Capture::Failed(Failure::new(cause, err.to_string())));
            }
        },
    };
    let mut last = None;
    for address in addresses.into_iter().take(MAX_ADDRESSES) {
        match TcpStream::connect_timeout(&address, options.timeout) {
            Ok(sock) => {
                let capture = match capturer {
                    Ok(c) => c.capture(sock, name, options.timeout),
                    Err(f) => Capture::Failed(f.clone()),
                };
                return done(Some(address), capture);
            }
            Err(err) => last = Some((address, io_failure(&err))),
        }
    }
    match last {
        Some((address, f)) => done(Some(address), Capture::Failed(f)),
        None => done(
            None,
            Capture::Failed(Failure::new(Cause::Dns, "no address")),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_lookup_that_answers_in_time_gives_its_answer() {
        let address: SocketAddr = "127.0.0.1:5061".parse().expect("address");
        let got = within(Duration::from_secs(30), move || Ok(vec![address]));
        assert_eq!(got.expect("answer"), vec![address]);
        let failed = within(Duration::from_secs(30), || {
            Err(std::io::Error::other("no such host"))
        });
        assert_eq!(failed.expect_err("error").to_string(), "no such host");
    }

    #[test]
    fn a_lookup_that_does_not_answer_within_the_timeout_is_timed_out() {
        // The lookup waits until the test lets it go, after the answer was given up on.
        let (release, wait) = mpsc::channel::<()>();
        let got = within(Duration::from_millis(20), move || {
            let _ = wait.recv();
            Ok(Vec::new())
        });
        let err = got.expect_err("timed out");
        assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
        assert_eq!(err.to_string(), "no answer from the resolver within 0.02 s");
        let _ = release.send(());
    }
}
