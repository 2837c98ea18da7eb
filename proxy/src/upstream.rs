//! The forward phase: one pooled HTTPS client to ConnectWise.
//!
//! hyper-util's legacy client over hyper-rustls: HTTPS only, certificates always verified against the
//! webpki roots plus `--ca-file`, keep-alive connections pooled per host (N sequential requests reuse
//! one TLS connection), TCP connect and response timeouts, and redirects never followed (the client
//! has no redirect logic; a 3xx goes back to the browser as it came). Names are resolved by
//! [`GuardedResolver`], which applies the public-address rule at connect time.

use crate::body::{IdleTimeoutBody, ProxyBody};
use crate::config::Config;
use crate::error::ProxyError;
use crate::host_policy::{GuardedResolver, NonPublicAddress};
use http_body_util::BodyExt;
use hyper::{Request, Response};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use rustls::pki_types::CertificateDer;
use std::error::Error as StdError;
use std::io;
use std::sync::Arc;
use std::time::Duration;

/// The connector stack: guarded DNS, TCP, then TLS.
pub type Connector = HttpsConnector<HttpConnector<GuardedResolver>>;

/// The client every request to ConnectWise goes through.
#[derive(Clone)]
pub struct Upstream {
    client: Client<Connector, ProxyBody>,
    timeout: Duration,
}

impl Upstream {
    /// Builds the client from the configuration and a resolver.
    pub fn new(config: &Config, resolver: GuardedResolver) -> Upstream {
        let mut http = HttpConnector::new_with_resolver(resolver);
        http.enforce_http(false); // the TLS layer on top insists on https
        http.set_nodelay(true);
        http.set_connect_timeout(Some(config.connect_timeout));
        let https = HttpsConnectorBuilder::new()
            .with_tls_config(tls_config(&config.extra_roots))
            .https_only()
            .enable_http1()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(config.pool_idle_timeout)
            .build(https);
        Upstream { client, timeout: config.timeout }
    }

    /// Sends one request; the response headers must arrive within `--timeout`, and the body may not
    /// pause longer than that between frames.
    pub async fn send(&self, request: Request<ProxyBody>) -> Result<Response<ProxyBody>, ProxyError> {
        match tokio::time::timeout(self.timeout, self.client.request(request)).await {
            Err(_elapsed) => Err(ProxyError::UpstreamTimeout),
            Ok(Err(err)) => Err(classify(&err)),
            Ok(Ok(response)) => {
                let timeout = self.timeout;
                Ok(response.map(|body| IdleTimeoutBody::new(body, timeout).boxed_unsync()))
            }
        }
    }
}

/// TLS to ConnectWise: ring, the webpki roots and the extra roots, TLS 1.2 and 1.3, HTTP/1.1 ALPN.
fn tls_config(extra_roots: &[CertificateDer<'static>]) -> rustls::ClientConfig {
    let mut roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    // `Args::validate` already refused unparsable certificates.
    roots.add_parsable_certificates(extra_roots.iter().cloned());
    rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("ring supports the default TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth()
}

/// Maps a client error to what the browser is told: a host resolving privately is a refusal (403), a
/// timeout 504, anything else (refused, reset, DNS, TLS) 502.
fn classify(err: &(dyn StdError + 'static)) -> ProxyError {
    let mut tls = false;
    let mut timed_out = false;
    let mut dns = false;
    for e in causes(err) {
        if let Some(refused) = e.downcast_ref::<NonPublicAddress>() {
            return ProxyError::HostNotPublic(refused.host.clone());
        }
        tls |= e.is::<rustls::Error>();
        timed_out |= e.downcast_ref::<io::Error>().is_some_and(|io| io.kind() == io::ErrorKind::TimedOut);
        dns |= e.to_string().starts_with("dns error");
    }
    if timed_out {
        return ProxyError::UpstreamTimeout;
    }
    let reason = if tls {
        "TLS handshake failed (is the certificate trusted? see --ca-file)"
    } else if dns {
        "the host name could not be resolved"
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
    use crate::body::{self, BoxError};
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
        let upstream = Upstream::new(&config(), GuardedResolver::with_lookup(policy, lookup));
        let request = Request::get("https://rebind.myconnectwise.net/v4_6_release/apis/3.0/system/info")
            .body(body::empty())
            .unwrap();
        let err = upstream.send(request).await.unwrap_err();
        assert_eq!(err, ProxyError::HostNotPublic("rebind.myconnectwise.net".into()));
        assert_eq!(err.status(), 403);
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
