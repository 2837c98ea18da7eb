//! The forward phase: every request to ConnectWise, within the capacity limits.
//!
//! HTTPS only, certificates always verified against the webpki roots plus `--ca-file`, keep-alive
//! connections kept per host by each worker ([`upstream_pool`](crate::upstream_pool); N sequential
//! requests reuse one TLS connection), TCP connect and response timeouts, and redirects never
//! followed (there is no redirect logic; a 3xx goes back to the browser as it came). Names are
//! resolved by [`GuardedResolver`], which applies the public-address rule at connect time.

use crate::body::{IdleTimeoutBody, ProxyBody};
use crate::config::Config;
use crate::error::{BusyLimit, ProxyError};
use crate::host_policy::{GuardedResolver, NonPublicAddress};
use crate::upstream_http::{self, ClosedEarly, MalformedResponse};
use crate::upstream_pool::Pool;
use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::{Request, Response};
use hyper_util::client::legacy::connect::HttpConnector;
use rustls::pki_types::CertificateDer;
use std::collections::HashMap;
use std::error::Error as StdError;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_rustls::TlsConnector;

/// The client every request to ConnectWise goes through: one per worker (its connections live on the
/// worker's event loop), all sharing one [`Limits`].
#[derive(Clone)]
pub struct Upstream {
    pool: Arc<Pool>,
    timeout: Duration,
    limits: Arc<Limits>,
    /// This worker's connection permits per host authority.
    hosts: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
}

impl Upstream {
    /// Builds a worker's client from the configuration, a resolver and the limits all workers share;
    /// must run on the worker's event loop (which prunes its idle connections).
    pub fn new(config: &Config, resolver: GuardedResolver, limits: Arc<Limits>) -> Upstream {
        let mut tcp = HttpConnector::new_with_resolver(resolver);
        tcp.enforce_http(false); // the TLS on top is the pool's
        tcp.set_nodelay(true);
        tcp.set_connect_timeout(Some(config.connect_timeout));
        let tls = TlsConnector::from(Arc::new(tls_config(&config.extra_roots)));
        let pool = Pool::start(tcp, tls, config.pool_idle_timeout, limits.per_host_per_worker);
        Upstream { pool, timeout: config.timeout, limits, hosts: Arc::default() }
    }

    /// Sends one request (in origin form, with its `Host` header) to `authority`; the response headers
    /// must arrive within `--timeout`, and the body may not pause longer than that between frames. The
    /// request holds its in-flight slot and its host connection permit until the response body ends.
    pub async fn send(&self, authority: String, request: Request<Bytes>) -> Result<Response<ProxyBody>, ProxyError> {
        let slot = self.limits.in_flight()?;
        let permit = match tokio::time::timeout(self.timeout, self.host(&authority).acquire_owned()).await {
            Ok(Ok(permit)) => permit,
            _ => return Err(ProxyError::Busy(BusyLimit::UpstreamConnections)),
        };
        let wire = upstream_http::encode_request(&request);
        // Boxed: the exchange holds a TLS connection (kilobytes), and unboxed that space would be
        // part of every browser connection's task, in use or not.
        let exchange = Box::pin(self.pool.send(authority, request.method(), &wire));
        match tokio::time::timeout(self.timeout, exchange).await {
            Err(_elapsed) => Err(ProxyError::UpstreamTimeout),
            Ok(Err(err)) => Err(classify(&*err)),
            Ok(Ok(response)) => {
                let timeout = self.timeout;
                let held = Held { _slot: slot, _permit: permit };
                Ok(response.map(|body| IdleTimeoutBody::new(body, timeout).holding(held).boxed_unsync()))
            }
        }
    }

    /// The semaphore bounding this worker's connections to `authority`.
    fn host(&self, authority: &str) -> Arc<Semaphore> {
        let mut hosts = self.hosts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(semaphore) = hosts.get(authority) {
            return semaphore.clone();
        }
        if hosts.len() >= HOSTS_REMEMBERED {
            // Forget the hosts no request holds or waits for a permit of (every host name a browser
            // tried, even one that never resolved, would otherwise stay for good).
            hosts.retain(|_, semaphore| Arc::strong_count(semaphore) > 1);
        }
        let semaphore = Arc::new(Semaphore::new(self.limits.per_host_per_worker));
        hosts.insert(authority.to_owned(), semaphore.clone());
        semaphore
    }
}

/// How many hosts' permit counters a worker keeps before it forgets the unused ones.
const HOSTS_REMEMBERED: usize = 64;

/// The capacity limits every worker shares: requests in flight, and each worker's share of the
/// connections per ConnectWise host (each worker bounds its own pool to its share, rounded up so that
/// every worker has at least one; with at least as many connections as workers, all pools together
/// stay within `--max-upstream-per-host`).
pub struct Limits {
    in_flight: Arc<AtomicUsize>,
    max_in_flight: usize,
    /// Each worker's share of `--max-upstream-per-host`.
    per_host_per_worker: usize,
}

impl Limits {
    /// The limits of `config`, split over its workers.
    pub fn new(config: &Config) -> Arc<Limits> {
        Arc::new(Limits {
            in_flight: Arc::new(AtomicUsize::new(0)),
            max_in_flight: config.max_in_flight,
            per_host_per_worker: config.max_upstream_per_host.div_ceil(config.workers.max(1)),
        })
    }

    /// Takes an in-flight slot, or refuses with 503 when all are taken.
    fn in_flight(&self) -> Result<InFlightSlot, ProxyError> {
        let taken = self.in_flight.fetch_add(1, Ordering::AcqRel);
        let slot = InFlightSlot(self.in_flight.clone());
        if taken >= self.max_in_flight { Err(ProxyError::Busy(BusyLimit::InFlight)) } else { Ok(slot) }
    }
}

/// One taken in-flight slot; given back on drop.
struct InFlightSlot(Arc<AtomicUsize>);

impl Drop for InFlightSlot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// What a response body holds until it is dropped: its in-flight slot and its host connection permit
/// (the body gives its connection back the moment it reads the last byte, before this is dropped, so
/// the request the permit goes to next finds the connection idle).
struct Held {
    _slot: InFlightSlot,
    _permit: OwnedSemaphorePermit,
}

/// TLS to ConnectWise: ring, the webpki roots and the extra roots, TLS 1.2 and 1.3, HTTP/1.1 ALPN.
fn tls_config(extra_roots: &[CertificateDer<'static>]) -> rustls::ClientConfig {
    let mut roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    // `Args::validate` already refused unparsable certificates.
    roots.add_parsable_certificates(extra_roots.iter().cloned());
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("ring supports the default TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    config
}

/// Maps a client error to what the browser is told: a host resolving privately is a refusal (403), a
/// timeout 504, anything else (refused, reset, DNS, TLS) 502.
fn classify(err: &(dyn StdError + 'static)) -> ProxyError {
    let mut tls = false;
    let mut timed_out = false;
    let mut dns = false;
    let mut malformed = false;
    let mut closed = false;
    for e in causes(err) {
        if let Some(refused) = e.downcast_ref::<NonPublicAddress>() {
            return ProxyError::HostNotPublic(refused.host.clone());
        }
        tls |= e.is::<rustls::Error>();
        timed_out |= e.downcast_ref::<io::Error>().is_some_and(|io| io.kind() == io::ErrorKind::TimedOut);
        dns |= e.to_string().starts_with("dns error");
        malformed |= e.is::<MalformedResponse>();
        closed |= e.is::<ClosedEarly>();
    }
    if timed_out {
        return ProxyError::UpstreamTimeout;
    }
    let reason = if tls {
        "TLS handshake failed (is the certificate trusted? see --ca-file)"
    } else if dns {
        "the host name could not be resolved"
    } else if malformed {
        "its answer was not valid HTTP/1.1"
    } else if closed {
        "the connection was closed before the answer was complete"
    } else {
        "the connection failed or was closed"
    };
    ProxyError::UpstreamUnreachable { reason, detail: chain(err) }
}

/// Every error in the chain. `io::Error` hides a custom inner error from `source()` (it skips to the
/// inner error's own source), and the connector nests io errors, so look inside each one as well.
fn causes<'a>(err: &'a (dyn StdError + 'static)) -> Vec<&'a (dyn StdError + 'static)> {
    let mut found = Vec::new();
    let mut current = Some(err);
    while let Some(e) = current {
        found.push(e);
        let mut inner = e;
        while let Some(wrapped) = inner.downcast_ref::<io::Error>().and_then(io::Error::get_ref) {
            inner = wrapped;
            found.push(inner);
        }
        current = e.source();
    }
    found
}

/// `error: cause: cause...` for the log line.
fn chain(err: &(dyn StdError + 'static)) -> String {
    let mut text = err.to_string();
    let mut current = err.source();
    while let Some(e) = current {
        text.push_str(": ");
        text.push_str(&e.to_string());
        current = e.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::BoxError;
    use crate::config::Args;
    use crate::host_policy::{HostPolicy, Lookup};
    use clap::Parser;

    fn boxed(e: impl StdError + Send + Sync + 'static) -> BoxError {
        Box::new(e)
    }

    fn config() -> Config {
        Args::try_parse_from(["cw-proxy"]).unwrap().validate().unwrap()
    }

    #[tokio::test]
    async fn a_rebinding_wildcard_host_is_refused_through_the_whole_connector() {
        let lookup: Lookup = Arc::new(|_| Box::pin(async { Ok(vec!["127.0.0.1".parse().unwrap()]) }));
        let policy = Arc::new(HostPolicy::parse(crate::host_policy::DEFAULT_ALLOW_HOSTS).unwrap());
        let config = config();
        let upstream = Upstream::new(&config, GuardedResolver::with_lookup(policy, lookup), Limits::new(&config));
        let request = Request::get("/v4_6_release/apis/3.0/system/info")
            .header("host", "rebind.myconnectwise.net")
            .body(Bytes::new())
            .unwrap();
        let err = upstream.send("rebind.myconnectwise.net".into(), request).await.unwrap_err();
        assert_eq!(err, ProxyError::HostNotPublic("rebind.myconnectwise.net".into()));
        assert_eq!(err.status(), 403);
    }

    #[tokio::test]
    async fn hosts_nobody_uses_are_forgotten_and_busy_ones_kept() {
        let config = config();
        let policy = Arc::new(HostPolicy::parse(crate::host_policy::DEFAULT_ALLOW_HOSTS).unwrap());
        let upstream = Upstream::new(&config, GuardedResolver::system(policy), Limits::new(&config));
        let busy = upstream.host("busy.myconnectwise.net");
        for n in 0..1000 {
            upstream.host(&format!("r{n}.myconnectwise.net"));
        }
        let remembered = upstream.hosts.lock().unwrap().len();
        assert!(remembered <= HOSTS_REMEMBERED, "{remembered} host entries kept");
        assert!(Arc::ptr_eq(&busy, &upstream.host("busy.myconnectwise.net")), "a host in use keeps its permits");
    }

    #[test]
    fn io_timeouts_become_504_and_others_502() {
        let timeout = io::Error::new(io::ErrorKind::TimedOut, "connect timeout");
        assert_eq!(classify(&*boxed(timeout)), ProxyError::UpstreamTimeout);
        let refused = io::Error::new(io::ErrorKind::ConnectionRefused, "refused");
        assert_eq!(classify(&*boxed(refused)).status(), 502);
        let tls = io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
        );
        match classify(&*boxed(tls)) {
            ProxyError::UpstreamUnreachable { reason, .. } => assert!(reason.starts_with("TLS")),
            other => panic!("{other:?}"),
        }
    }
}
