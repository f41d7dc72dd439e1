//! Fetching many endpoints at once: a fixed number of worker threads (`--concurrency`) take
//! endpoints in order; each resolves the name (`--resolve` first, else the system resolver),
//! connects within `--timeout` and reads the chain (see [`super::tls`]). A failure is the
//! endpoint's result; the run always goes on.

use super::dns_name::DnsName;
use super::endpoints::Endpoint;
use super::options::FetchOptions;
use super::outcome::{Cause, EndpointResult, Failure, Outcome};
use super::tls::{io_failure, Capturer};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// Most addresses of one name tried (in the resolver's order).
pub const MAX_ADDRESSES: usize = 4;

/// How names become addresses: `--resolve`, else the system resolver.
pub trait Resolver: Sync {
    /// The addresses of `name` on `port`, in the order to try them.
    fn resolve(&self, name: &DnsName, port: u16) -> std::io::Result<Vec<SocketAddr>>;
}

/// The system resolver (`getaddrinfo`): its own timeouts apply, not `--timeout`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemResolver;

impl Resolver for SystemResolver {
    fn resolve(&self, name: &DnsName, port: u16) -> std::io::Result<Vec<SocketAddr>> {
        Ok((name.as_str(), port).to_socket_addrs()?.collect())
    }
}

/// Fetches every endpoint with the system resolver; results in the order of `endpoints`.
/// `progress` is called once per finished endpoint, from the calling thread.
pub fn run(
    endpoints: Vec<Endpoint>,
    options: &FetchOptions,
    progress: &mut dyn FnMut(&EndpointResult),
) -> Vec<EndpointResult> {
    run_with(endpoints, options, &SystemResolver, progress)
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
    let done = |address, outcome| EndpointResult {
        endpoint: e.clone(),
        address,
        time,
        outcome,
    };
    let name = match &e.name {
        Ok(n) => n,
        Err(why) => {
            return done(
                None,
                Outcome::Failed(Failure::new(Cause::InvalidName, why.to_string())),
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
                    Outcome::Failed(Failure::new(Cause::Dns, "no address")),
                )
            }
            Err(err) => {
                return done(
                    None,
                    Outcome::Failed(Failure::new(Cause::Dns, err.to_string())),
                )
            }
        },
    };
    let mut last = None;
    for address in addresses.into_iter().take(MAX_ADDRESSES) {
        match TcpStream::connect_timeout(&address, options.timeout) {
            Ok(sock) => {
                let outcome = match capturer {
                    Ok(c) => match c.capture(sock, name, options.timeout) {
                        Ok(chain) => Outcome::Captured(chain),
                        Err(f) => Outcome::Failed(f),
                    },
                    Err(f) => Outcome::Failed(f.clone()),
                };
                return done(Some(address), outcome);
            }
            Err(err) => last = Some((address, io_failure(&err))),
        }
    }
    match last {
        Some((address, f)) => done(Some(address), Outcome::Failed(f)),
        None => done(
            None,
            Outcome::Failed(Failure::new(Cause::Dns, "no address")),
        ),
    }
}
