//! The HTTPS server: TLS on loopback, fixed request phases, one place that turns outcomes into responses.
//!
//! Phases for a ConnectWise request: read and record it, wait the configured latency, maybe drop the
//! connection or answer 429 (before authentication, like a CDN), route `/login/companyinfo/{company}`
//! without authentication, strip the codebase prefix, authenticate (401), maybe inject the 500 timeout,
//! and hand the call to the store. `/__sim/...` admin calls skip all of that.

use super::auth::Credentials;
use super::config::SimConfig;
use super::faults::{FaultState, Faults, Verdict};
use super::tls::{self, SimCert};
use bytes::Bytes;
use cw_shared::http::{Method, Request as CwRequest, Response as CwResponse};
use cw_shared::store::{API_VERSION, DATED_CODEBASE, Store};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

/// One request as the simulator received it, exactly as ConnectWise would have seen it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// Sequence number from 1.
    pub seq: u64,
    /// The request-line method.
    pub method: String,
    /// The raw path and query, e.g. `/v4_6_release/apis/3.0/company/companies?pageSize=1000`.
    pub path: String,
    /// Every header, names lower-cased, in arrival order (including `authorization`).
    pub headers: Vec<(String, String)>,
    /// The body as text (empty when none).
    pub body: String,
    /// The status the simulator decided on (`None` when the connection was dropped before processing). For a
    /// drop after processing it is the status of what was done, though the client never saw it.
    #[serde(default)]
    pub status: Option<u16>,
    /// True when the answer was sent; false when the connection was dropped (before or after processing).
    #[serde(default)]
    pub answered: bool,
}

impl RecordedRequest {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Everything the running simulator shares between connections.
#[derive(Debug)]
pub struct SimState {
    config: SimConfig,
    credentials: Credentials,
    host: String,
    store: Mutex<Store>,
    faults: Mutex<FaultState>,
    requests: Mutex<Vec<RecordedRequest>>,
    seq: AtomicU64,
}

impl SimState {
    /// A copy of every recorded request, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.requests.lock().expect("not poisoned").clone()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.requests.lock().expect("not poisoned").clear();
    }

    /// The current fault settings.
    pub fn faults(&self) -> Faults {
        self.faults.lock().expect("not poisoned").faults.clone()
    }

    /// Replaces the fault settings.
    pub fn set_faults(&self, faults: Faults) {
        self.faults.lock().expect("not poisoned").set(faults);
    }

    /// Runs a closure on the store (e.g. to seed or inspect data in a test).
    pub fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> T) -> T {
        f(&mut self.store.lock().expect("not poisoned"))
    }

    /// Back to the configured dataset and faults, with no recorded requests.
    pub fn reset(&self) {
        let mut store = self.config.build_store();
        store.set_host(&self.host);
        *self.store.lock().expect("not poisoned") = store;
        self.set_faults(self.config.faults());
        self.clear_requests();
    }

    /// Notes how request `seq` ended.
    fn outcome(&self, seq: u64, status: Option<u16>, answered: bool) {
        let mut list = self.requests.lock().expect("not poisoned");
        if let Some(r) = list.iter_mut().rev().find(|r| r.seq == seq) {
            r.status = status;
            r.answered = answered;
        }
    }

    fn record(&self, req: RecordedRequest) {
        let mut list = self.requests.lock().expect("not poisoned");
        list.push(req);
        let limit = self.config.record_limit.max(1);
        if list.len() > limit {
            let excess = list.len() - limit;
            list.drain(..excess);
        }
    }
}

/// A running simulator.
pub struct SimHandle {
    /// The bound address.
    pub addr: SocketAddr,
    /// The CA certificate (PEM) that signed the server certificate: trust it to talk to the simulator.
    pub cert_pem: String,
    /// Where the CA PEM was written, if it was.
    pub cert_path: Option<PathBuf>,
    /// Shared state: recorded requests, faults, the store.
    pub state: Arc<SimState>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl SimHandle {
    /// `https://127.0.0.1:PORT` (or whatever was bound).
    pub fn base_url(&self) -> String {
        format!("https://{}", self.addr)
    }

    /// The host:port to give `cw-proxy` / the console as the ConnectWise host.
    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    /// `Authorization` value for the configured credentials.
    pub fn authorization(&self) -> String {
        let c = &self.state.credentials;
        super::auth::basic_auth(&c.company, &c.public_key, &c.private_key)
    }

    /// A client that trusts this simulator's CA and sends its credentials and a clientId.
    pub fn client(&self) -> super::client::SimClient {
        let c = &self.state.config;
        super::client::SimClient::new(self.addr, &self.cert_pem)
            .expect("the generated CA is valid")
            .with_credentials(&c.company, &c.public_key, &c.private_key)
            .with_client_id(c.client_id.as_deref().unwrap_or(super::client::TEST_CLIENT_ID))
    }

    /// Stops accepting, lets open connections finish (up to 5 s), and waits for the server task.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Errors starting the simulator.
pub type StartError = Box<dyn std::error::Error + Send + Sync>;

/// Binds, generates the certificates, writes the CA PEM (unless disabled) and serves until shut down.
pub async fn start(config: SimConfig) -> Result<SimHandle, StartError> {
    if let Err(problems) = config.validate() {
        return Err(problems.join("; ").into());
    }
    let listener = TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let SimCert { ca_pem, server_config, .. } = tls::generate()?;
    let cert_path = if config.no_cert_file {
        None
    } else {
        let path = config.cert_out.clone().unwrap_or_else(|| std::env::temp_dir().join("cw-sim-ca.pem"));
        std::fs::write(&path, &ca_pem)?;
        Some(path)
    };
    let host = config.host_name.clone().unwrap_or_else(|| addr.to_string());
    let mut store = config.build_store();
    store.set_host(&host);
    let state = Arc::new(SimState {
        credentials: Credentials {
            company: config.company.clone(),
            public_key: config.public_key.clone(),
            private_key: config.private_key.clone(),
            client_id: config.client_id.clone(),
        },
        faults: Mutex::new(FaultState::new(config.faults())),
        host,
        store: Mutex::new(store),
        requests: Mutex::new(Vec::new()),
        seq: AtomicU64::new(0),
        config,
    });
    let (tx, rx) = oneshot::channel();
    let task = tokio::spawn(serve(listener, TlsAcceptor::from(server_config), state.clone(), rx));
    Ok(SimHandle { addr, cert_pem: ca_pem, cert_path, state, shutdown: Some(tx), task: Some(task) })
}

async fn serve(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    state: Arc<SimState>,
    mut shutdown: oneshot::Receiver<()>,
) {
    let graceful = GracefulShutdown::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((tcp, peer)) = accepted else { continue };
                let acceptor = acceptor.clone();
                let state = state.clone();
                let watcher = graceful.watcher();
                tokio::spawn(async move {
                    let tls = match acceptor.accept(tcp).await {
                        Ok(tls) => tls,
                        Err(e) => {
                            tracing::debug!(%peer, error = %e, "TLS handshake failed");
                            return;
                        }
                    };
                    let service = service_fn(move |req| handle(state.clone(), req));
                    let conn = http1::Builder::new().serve_connection(TokioIo::new(tls), service);
                    if let Err(e) = watcher.watch(conn).await {
                        tracing::debug!(%peer, error = %e, "connection ended");
                    }
                });
            }
            _ = &mut shutdown => break,
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(Duration::from_secs(5), graceful.shutdown()).await;
}

/// Returned by the service to make hyper close the connection without a response.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for Dropped {}

type Answer = Result<Response<Full<Bytes>>, Dropped>;

async fn handle(state: Arc<SimState>, req: Request<Incoming>) -> Answer {
    let started = Instant::now();
    let method = req.method().as_str().to_string();
    let path_and_query = req.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into());
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let headers: Vec<(String, String)> = req
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_ascii_lowercase(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let body = match req.into_body().collect().await {
        Ok(b) => String::from_utf8_lossy(&b.to_bytes()).into_owned(),
        Err(_) => return Err(Dropped),
    };
    if let Some(admin) = path.strip_prefix("/__sim/") {
        return Ok(admin_call(&state, &method, admin, &body));
    }
    let seq = state.seq.fetch_add(1, Ordering::Relaxed) + 1;
    state.record(RecordedRequest {
        seq,
        method: method.clone(),
        path: path_and_query,
        headers: headers.clone(),
        body: body.clone(),
        status: None,
        answered: false,
    });

    let latency = state.faults.lock().expect("not poisoned").faults.latency_ms;
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let call = format!("{method} {path}");
    let verdict = state.faults.lock().expect("not poisoned").before_auth(&call);
    let answer = match verdict {
        Verdict::Drop => {
            tracing::info!(%method, %path, "dropped connection (fault injection)");
            return Err(Dropped);
        }
        Verdict::RateLimited(retry) => {
            let mut r =
                sim_error(seq, 429, "TooManyRequests", "Too many requests. Please retry after the indicated delay.");
            r.headers.push(("retry-after".into(), retry.to_string()));
            r
        }
        Verdict::Proceed => answer(&state, seq, &method, &path, &query, headers, body),
    };
    if verdict == Verdict::Proceed && state.faults.lock().expect("not poisoned").drop_after(&call) {
        state.outcome(seq, Some(answer.status), false);
        tracing::info!(%method, %path, status = answer.status, "processed, then dropped the connection (fault injection)");
        return Err(Dropped);
    }
    state.outcome(seq, Some(answer.status), true);
    tracing::info!(%method, %path, status = answer.status, elapsed_ms = started.elapsed().as_millis() as u64, "request");
    Ok(to_hyper(answer))
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

fn answer(
    state: &SimState,
    seq: u64,
    method: &str,
    path: &str,
    query: &str,
    headers: Vec<(String, String)>,
    body: String,
) -> CwResponse {
    let lower = path.to_ascii_lowercase();
    if let Some(company) = lower.strip_prefix("/login/companyinfo/") {
        let company = &path[path.len() - company.len()..];
        return state.store.lock().expect("not poisoned").company_info(company.trim_end_matches('/'));
    }
    let dated = format!("/{DATED_CODEBASE}/apis/3.0");
    let rest = ["/v4_6_release/apis/3.0", dated.as_str()].iter().find_map(|prefix| {
        lower.starts_with(prefix).then(|| &path[prefix.len()..]).filter(|r| r.is_empty() || r.starts_with('/'))
    });
    let Some(rest) = rest else {
        return sim_error(seq, 404, "ConnectWiseApi", "The endpoint does not exist.");
    };
    if !state.credentials.accepts(header(&headers, "authorization"), header(&headers, "clientid")) {
        return sim_error(seq, 401, "ConnectWiseApi", "UserNotAuthenticated");
    }
    if state.faults.lock().expect("not poisoned").fail_now(&format!("{method} {path}")) {
        return sim_error(seq, 500, "ConnectWiseApi", "A timeout has occured. Please try again.");
    }
    let Some(m) = Method::parse(method) else {
        let message = format!("The requested resource does not support http method '{method}'.");
        return sim_error(seq, 405, "ConnectWiseApi", &message);
    };
    let request = CwRequest {
        method: m,
        path: if rest.is_empty() { "/".into() } else { rest.to_string() },
        query: query.to_string(),
        headers,
        body: (!body.is_empty()).then_some(body),
    };
    state.store.lock().expect("not poisoned").handle(&request)
}

/// An error answered by the simulator itself, with the headers CW sends on every response.
fn sim_error(seq: u64, status: u16, code: &str, message: &str) -> CwResponse {
    let body = serde_json::to_string_pretty(&json!({"code": code, "message": message}))
        .unwrap_or_default()
        .replace('\n', "\r\n");
    CwResponse {
        status,
        headers: vec![
            ("content-type".into(), "application/json; charset=utf-8".into()),
            ("api-current-version".into(), API_VERSION.into()),
            ("x-cw-request-id".into(), format!("5e3d0000-0000-4000-8000-{seq:012x}")),
        ],
        body,
    }
}

fn admin_call(state: &SimState, method: &str, what: &str, body: &str) -> Response<Full<Bytes>> {
    let (status, value) = match (method, what.trim_end_matches('/')) {
        ("GET", "health") => (200, json!({"ok": true})),
        ("GET", "faults") => (200, serde_json::to_value(state.faults()).unwrap_or(Value::Null)),
        ("POST", "faults") | ("PUT", "faults") => match merge_faults(state.faults(), body) {
            Ok(f) => {
                state.set_faults(f.clone());
                (200, serde_json::to_value(f).unwrap_or(Value::Null))
            }
            Err(e) => (400, json!({"error": e})),
        },
        ("GET", "requests") => (200, serde_json::to_value(state.requests()).unwrap_or(Value::Null)),
        ("DELETE", "requests") => {
            state.clear_requests();
            (200, json!({"ok": true}))
        }
        ("POST", "reset") => {
            state.reset();
            (200, json!({"ok": true}))
        }
        (_, "health" | "faults" | "requests" | "reset") => (405, json!({"error": "method not allowed"})),
        _ => (404, json!({"error": "unknown admin endpoint"})),
    };
    let mut r = Response::new(Full::new(Bytes::from(value.to_string())));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut().insert(hyper::header::CONTENT_TYPE, hyper::header::HeaderValue::from_static("application/json"));
    r
}

/// Applies the fields present in a JSON object onto the current faults.
fn merge_faults(current: Faults, body: &str) -> Result<Faults, String> {
    let patch: Value =
        serde_json::from_str(if body.trim().is_empty() { "{}" } else { body }).map_err(|e| e.to_string())?;
    let Value::Object(patch) = patch else { return Err("expected a JSON object".into()) };
    let mut merged = serde_json::to_value(current).map_err(|e| e.to_string())?;
    for (k, v) in patch {
        if merged.get(&k).is_none() && !matches!(k.as_str(), "rate_limit" | "retry_after_secs") {
            return Err(format!("unknown fault '{k}'"));
        }
        merged[k] = v;
    }
    let faults: Faults = serde_json::from_value(merged).map_err(|e| e.to_string())?;
    for p in [faults.fail_rate, faults.drop_rate, faults.drop_after_rate] {
        if !(0.0..=1.0).contains(&p) {
            return Err(format!("rates must be between 0 and 1, not {p}"));
        }
    }
    Ok(faults)
}

fn to_hyper(r: CwResponse) -> Response<Full<Bytes>> {
    let mut out = Response::new(Full::new(Bytes::from(r.body)));
    *out.status_mut() = StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in r.headers {
        if let (Ok(n), Ok(v)) =
            (hyper::header::HeaderName::from_bytes(name.as_bytes()), hyper::header::HeaderValue::from_str(&value))
        {
            out.headers_mut().append(n, v);
        }
    }
    out
}
