//! The load generator: C keep-alive connections, each sending one request after the other for a fixed
//! time, every latency recorded; and the memory scenario's many simultaneous connections.
//!
//! Each connection is its own hyper HTTP/1.1 client connection (plain TCP to a proxy, or TLS with
//! tokio-rustls straight to the upstream), so the connection count is exact: no pool in between.

use crate::bench::stats::Summary;
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{HeaderName, HeaderValue};
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio::sync::{Barrier, Semaphore};
use tokio::task::JoinSet;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::ServerName;

/// No single request may take longer; past it the request counts as an error.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// One sending side of a client connection.
pub type Sender = SendRequest<Empty<Bytes>>;

/// How to reach a target.
#[derive(Clone)]
pub enum Transport {
    /// Plain HTTP (what a browser on the same machine uses to reach a local proxy).
    Plain,
    /// TLS, verifying the server's certificate for `server_name`.
    Tls { connector: TlsConnector, server_name: ServerName<'static> },
}

/// A target of the load: where it listens and the request it is sent.
#[derive(Clone)]
pub struct Target {
    /// Shown in the table.
    pub name: String,
    pub addr: SocketAddr,
    pub transport: Transport,
    /// Path and query of the request.
    pub path: String,
    /// Request headers (including `host`).
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// The exact response body every answer must carry.
    pub expect_body: Bytes,
}

impl Target {
    /// A GET of `path` with this target's headers.
    pub fn request(&self, path: &str) -> Request<Empty<Bytes>> {
        let mut request = Request::new(Empty::new());
        *request.uri_mut() = path.parse().expect("benchmark paths are valid request targets");
        request.headers_mut().extend(self.headers.iter().cloned());
        request
    }

    /// `path` with `extra` (a `name=value`) appended to its query.
    pub fn path_with(&self, extra: &str) -> String {
        let sep = if self.path.contains('?') { '&' } else { '?' };
        format!("{}{sep}{extra}", self.path)
    }

    /// Opens one keep-alive connection.
    pub async fn connect(&self) -> Result<Sender, String> {
        let tcp =
            TcpStream::connect(self.addr).await.map_err(|e| format!("{}: connect {}: {e}", self.name, self.addr))?;
        let _ = tcp.set_nodelay(true);
        let handshake_err = |e: hyper::Error| format!("{}: HTTP handshake: {e}", self.name);
        match &self.transport {
            Transport::Plain => {
                let (sender, connection) = http1::handshake(TokioIo::new(tcp)).await.map_err(handshake_err)?;
                tokio::spawn(connection);
                Ok(sender)
            }
            Transport::Tls { connector, server_name } => {
                let tls = connector
                    .connect(server_name.clone(), tcp)
                    .await
                    .map_err(|e| format!("{}: TLS handshake: {e}", self.name))?;
                let (sender, connection) = http1::handshake(TokioIo::new(tls)).await.map_err(handshake_err)?;
                tokio::spawn(connection);
                Ok(sender)
            }
        }
    }

    /// Sends one request on `sender` and reads the whole answer, which must be a 200 with the expected
    /// body. Returns the answer's headers.
    pub async fn exchange(&self, sender: &mut Sender, path: &str) -> Result<hyper::HeaderMap, String> {
        let attempt = async {
            sender.ready().await.map_err(|e| format!("connection not ready: {e}"))?;
            let response = sender.send_request(self.request(path)).await.map_err(|e| format!("request: {e}"))?;
            let (parts, body) = response.into_parts();
            let body = body.collect().await.map_err(|e| format!("response body: {e}"))?.to_bytes();
            if parts.status != StatusCode::OK || body != self.expect_body {
                let shown = String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned();
                return Err(format!("answered {} with {} bytes: {shown}", parts.status, body.len()));
            }
            Ok(parts.headers)
        };
        match tokio::time::timeout(REQUEST_TIMEOUT, attempt).await {
            Ok(result) => result.map_err(|e| format!("{}: {e}", self.name)),
            Err(_) => Err(format!("{}: no answer within {REQUEST_TIMEOUT:?}", self.name)),
        }
    }
}

/// What a run saw go wrong, for the log (the table shows the count).
#[derive(Debug, Default)]
pub struct Failures {
    pub count: u64,
    pub first: Option<String>,
}

impl Failures {
    fn add(&mut self, error: String) {
        self.count += 1;
        self.first.get_or_insert(error);
    }
}

/// `connections` connections send requests back to back for `warmup + measure`; only requests
/// started after the warm-up are measured. A failed connection is reopened (and the failure counted).
/// Also returns how many requests were answered correctly in all, warm-up included.
pub async fn run(
    target: Arc<Target>,
    connections: usize,
    warmup: Duration,
    measure: Duration,
) -> Result<(Summary, Failures, u64), String> {
    let mut senders = Vec::with_capacity(connections);
    for _ in 0..connections {
        senders.push(target.connect().await?);
    }
    let start = Instant::now();
    let window = start + warmup;
    let end = window + measure;
    let mut tasks = JoinSet::new();
    for mut sender in senders {
        let target = target.clone();
        tasks.spawn(async move {
            let mut latencies = Vec::with_capacity(16 * 1024);
            let mut failures = Failures::default();
            let mut completed = 0u64;
            loop {
                let t0 = Instant::now();
                if t0 >= end {
                    break;
                }
                match target.exchange(&mut sender, &target.path).await {
                    Ok(_) if t0 >= window => {
                        latencies.push(t0.elapsed().as_nanos() as u64);
                        completed += 1;
                    }
                    Ok(_) => completed += 1,
                    Err(e) => {
                        if t0 >= window {
                            failures.add(e);
                        }
                        match target.connect().await {
                            Ok(fresh) => sender = fresh,
                            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
                        }
                    }
                }
            }
            (latencies, failures, completed)
        });
    }
    let mut latencies = Vec::new();
    let mut failures = Failures::default();
    let mut completed = 0;
    while let Some(joined) = tasks.join_next().await {
        let (l, f, c) = joined.map_err(|e| format!("{}: a load task failed: {e}", target.name))?;
        completed += c;
        latencies.extend(l);
        failures.count += f.count;
        if failures.first.is_none() {
            failures.first = f.first;
        }
    }
    let elapsed = Instant::now().saturating_duration_since(window);
    Ok((Summary::new(latencies, failures.count, elapsed), failures, completed))
}

/// Connections held open by [`hold`]; dropping it closes them.
pub struct Held {
    /// Connections that opened.
    pub connected: usize,
    /// Requests answered correctly.
    pub ok: u64,
    pub failures: Failures,
    _senders: Vec<Sender>,
}

/// Opens `connections` connections (at most 64 handshakes at a time), then `rounds` times sends one
/// request on every connection at once (each held `delay_ms` by the upstream, so all of them are in
/// flight together) and waits for all answers. The connections stay open in the result.
pub async fn hold(target: Arc<Target>, connections: usize, rounds: usize, delay_ms: u64) -> Result<Held, String> {
    let gate = Arc::new(Semaphore::new(64));
    let mut opening = JoinSet::new();
    for _ in 0..connections {
        let (target, gate) = (target.clone(), gate.clone());
        opening.spawn(async move {
            let _permit = gate.acquire_owned().await;
            tokio::time::timeout(REQUEST_TIMEOUT, target.connect())
                .await
                .unwrap_or_else(|_| Err("connect timed out".into()))
        });
    }
    let mut senders = Vec::with_capacity(connections);
    let mut failures = Failures::default();
    while let Some(joined) = opening.join_next().await {
        match joined.map_err(|e| e.to_string())? {
            Ok(sender) => senders.push(sender),
            Err(e) => failures.add(e),
        }
    }
    let connected = senders.len();
    if connected == 0 {
        return Err(format!("{}: no connection opened: {}", target.name, failures.first.unwrap_or_default()));
    }
    let path = target.path_with(&format!("{}={delay_ms}", crate::bench::upstream::DELAY_PARAM));
    let barrier = Arc::new(Barrier::new(connected));
    let mut tasks = JoinSet::new();
    for mut sender in senders {
        let (target, barrier, path) = (target.clone(), barrier.clone(), path.clone());
        tasks.spawn(async move {
            let mut ok = 0u64;
            let mut failures = Failures::default();
            for _ in 0..rounds {
                // Every connection takes part in every round (even a broken one), so the barrier opens.
                barrier.wait().await;
                match target.exchange(&mut sender, &path).await {
                    Ok(_) => ok += 1,
                    Err(e) => failures.add(e),
                }
            }
            (sender, ok, failures)
        });
    }
    let mut ok = 0;
    let mut kept = Vec::with_capacity(connected);
    while let Some(joined) = tasks.join_next().await {
        let (sender, n, f) = joined.map_err(|e| e.to_string())?;
        kept.push(sender);
        ok += n;
        failures.count += f.count;
        if failures.first.is_none() {
            failures.first = f.first;
        }
    }
    Ok(Held { connected, ok, failures, _senders: kept })
}
