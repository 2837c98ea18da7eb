//! Test harness shared by the integration tests: a real TLS upstream on loopback that records exactly
//! what it received, the proxy started through `cw_proxy::run` on `127.0.0.1:0`, and small clients.
#![allow(dead_code)] // each test binary uses a different part of the harness

use bytes::Bytes;
use clap::Parser;
use cw_proxy::{Args, Config};
use http_body_util::{BodyExt, Full};
use hyper::body::{Body, Frame, Incoming};
use hyper::header::{HeaderMap, HeaderValue};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore, oneshot};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;

/// The browser's test credentials: `base64("mycompany+abc123PUBLIC:xyz789PRIVATE")`.
pub const AUTH: &str = "bXljb21wYW55K2FiYzEyM1BVQkxJQzp4eXo3ODlQUklWQVRF";
/// The private key inside [`AUTH`], which must never show up anywhere.
pub const PRIVATE_KEY: &str = "xyz789PRIVATE";
/// A client id.
pub const CLIENT_ID: &str = "0b3f2a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
/// The console origin allowed by default.
pub const ORIGIN: &str = "http://localhost:8080";

/// Nothing in these tests should take this long; waits for conditions give up after it.
pub const PATIENCE: Duration = Duration::from_secs(10);

static UNIQUE: AtomicUsize = AtomicUsize::new(0);

/// A file under cargo's per-test scratch directory.
pub fn scratch_file(name: &str, contents: &str) -> PathBuf {
    let n = UNIQUE.fetch_add(1, Ordering::Relaxed);
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cw-proxy-{}-{n}-{name}", std::process::id()));
    std::fs::write(&path, contents).unwrap();
    path
}

/// A private CA and a `localhost` server certificate it signed.
pub struct TestPki {
    /// The CA certificate, PEM (what `--ca-file` points at).
    pub ca_pem: String,
    /// The upstream's TLS configuration.
    pub server: Arc<rustls::ServerConfig>,
}

impl TestPki {
    pub fn new() -> TestPki {
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.distinguished_name.push(DnType::CommonName, "cw-proxy test CA");
        ca_params.key_usages =
            vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let leaf_key = KeyPair::generate().unwrap();
        let leaf_params = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
        let leaf = leaf_params.signed_by(&leaf_key, &ca, &ca_key).unwrap();
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into());
        let server = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![leaf.der().clone(), ca.der().clone()], key)
            .unwrap();
        TestPki { ca_pem: ca.pem(), server: Arc::new(server) }
    }
}

/// What the upstream received, exactly.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// The raw request target (path and query) as it arrived.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn header_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        names.sort_unstable();
        names
    }
}

/// How the upstream answers one request.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait for a permit before answering (never released = never answer).
    pub hold: Option<Arc<Semaphore>>,
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
            hold: None,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn held_by(mut self, gate: Arc<Semaphore>) -> Reply {
        self.hold = Some(gate);
        self
    }
}

type Script = Arc<dyn Fn(&Recorded) -> Reply + Send + Sync>;

enum Mode {
    Http(Script),
    /// Reads the request head, writes these bytes, then closes the connection or keeps it open silently.
    Raw {
        bytes: Vec<u8>,
        close: bool,
    },
    /// Answers the first request on each connection with these bytes (a keep-alive response), then
    /// reads the next request head and drops the connection without a word (no TLS close_notify).
    AnswerOnceThenDrop(Vec<u8>),
}

/// Reads from `tls` until a complete request head has arrived; false if the connection ended first.
async fn read_request_head(tls: &mut tokio_rustls::server::TlsStream<tokio::net::TcpStream>) -> bool {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match tls.read(&mut buf).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    true
}

/// A TLS server on 127.0.0.1 standing in for ConnectWise.
pub struct Upstream {
    pub addr: SocketAddr,
    /// A PEM file with the CA that signed this upstream's certificate.
    pub ca_file: PathBuf,
    recorded: Arc<Mutex<Vec<Recorded>>>,
    arrived: Arc<Notify>,
    connections: Arc<AtomicUsize>,
    handshakes: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl Drop for Upstream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Upstream {
    /// Answers 200 with the request body echoed (or `[]`).
    pub async fn echo() -> Upstream {
        Upstream::start(|r: &Recorded| {
            let body = if r.body.is_empty() { "[]".to_owned() } else { String::from_utf8_lossy(&r.body).into_owned() };
            Reply::json(200, &body)
        })
        .await
    }

    /// Answers with `script`.
    pub async fn start(script: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Upstream {
        Upstream::launch(Mode::Http(Arc::new(script)), TestPki::new()).await
    }

    /// Writes `bytes` verbatim after the request head, then closes the connection.
    pub async fn raw(bytes: &[u8]) -> Upstream {
        Upstream::launch(Mode::Raw { bytes: bytes.to_vec(), close: true }, TestPki::new()).await
    }

    /// Answers the first request on each connection with `bytes`, then drops the connection when the
    /// next request arrives (the race of a server closing a kept-alive connection as it is reused).
    pub async fn answer_once_then_drop(bytes: &[u8]) -> Upstream {
        Upstream::launch(Mode::AnswerOnceThenDrop(bytes.to_vec()), TestPki::new()).await
    }

    /// Writes `bytes` verbatim after the request head, then keeps the connection open and silent.
    pub async fn raw_then_silence(bytes: &[u8]) -> Upstream {
        Upstream::launch(Mode::Raw { bytes: bytes.to_vec(), close: false }, TestPki::new()).await
    }

    async fn launch(mode: Mode, pki: TestPki) -> Upstream {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let ca_file = scratch_file("ca.pem", &pki.ca_pem);
        let recorded = Arc::new(Mutex::new(Vec::new()));
        let arrived = Arc::new(Notify::new());
        let connections = Arc::new(AtomicUsize::new(0));
        let handshakes = Arc::new(AtomicUsize::new(0));
        let acceptor = TlsAcceptor::from(pki.server);
        let mode = Arc::new(mode);
        let task = {
            let (recorded, arrived, connections, handshakes) =
                (recorded.clone(), arrived.clone(), connections.clone(), handshakes.clone());
            tokio::spawn(async move {
                loop {
                    let Ok((tcp, _)) = listener.accept().await else { return };
                    connections.fetch_add(1, Ordering::SeqCst);
                    let (acceptor, mode, recorded, arrived, handshakes) =
                        (acceptor.clone(), mode.clone(), recorded.clone(), arrived.clone(), handshakes.clone());
                    tokio::spawn(async move {
                        let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                        handshakes.fetch_add(1, Ordering::SeqCst);
                        match &*mode {
                            Mode::AnswerOnceThenDrop(bytes) => {
                                if !read_request_head(&mut tls).await {
                                    return;
                                }
                                let _ = tls.write_all(bytes).await;
                                let _ = tls.flush().await;
                                read_request_head(&mut tls).await;
                                drop(tls);
                            }
                            Mode::Raw { bytes, close } => {
                                if !read_request_head(&mut tls).await {
                                    return;
                                }
                                let _ = tls.write_all(bytes).await;
                                let _ = tls.flush().await;
                                if *close {
                                    let _ = tls.shutdown().await;
                                } else {
                                    std::future::pending::<()>().await;
                                }
                            }
                            Mode::Http(script) => {
                                let script = script.clone();
                                let service = hyper::service::service_fn(move |request: Request<Incoming>| {
                                    let (script, recorded, arrived) =
                                        (script.clone(), recorded.clone(), arrived.clone());
                                    async move {
                                        let (parts, body) = request.into_parts();
                                        let body =
                                            body.collect().await.map(|b| b.to_bytes().to_vec()).unwrap_or_default();
                                        let record = Recorded {
                                            method: parts.method.to_string(),
                                            target: parts.uri.to_string(),
                                            headers: parts
                                                .headers
                                                .iter()
                                                .map(|(n, v)| {
                                                    (n.to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned())
                                                })
                                                .collect(),
                                            body,
                                        };
                                        let reply = script(&record);
                                        recorded.lock().unwrap().push(record);
                                        arrived.notify_waiters();
                                        if let Some(gate) = &reply.hold {
                                            let _permit = gate.acquire().await;
                                        }
                                        let mut response = Response::new(Full::new(Bytes::from(reply.body)));
                                        *response.status_mut() = StatusCode::from_u16(reply.status).unwrap();
                                        for (name, value) in reply.headers {
                                            response.headers_mut().append(
                                                hyper::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                                                HeaderValue::from_str(&value).unwrap(),
                                            );
                                        }
                                        Ok::<_, Infallible>(response)
                                    }
                                });
                                let _ = hyper::server::conn::http1::Builder::new()
                                    .serve_connection(TokioIo::new(tls), service)
                                    .await;
                            }
                        }
                    });
                }
            })
        };
        Upstream { addr, ca_file, recorded, arrived, connections, handshakes, task }
    }

    /// `localhost:PORT`, what the browser puts in `x-cw-host`.
    pub fn host(&self) -> String {
        format!("localhost:{}", self.addr.port())
    }

    /// Proxy flags that allow and trust this upstream.
    pub fn proxy_args(&self) -> Vec<String> {
        vec!["--allow-host".into(), self.host(), "--ca-file".into(), self.ca_file.display().to_string()]
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.recorded.lock().unwrap().clone()
    }

    /// Waits until `n` requests have arrived.
    pub async fn wait_for_requests(&self, n: usize) {
        tokio::time::timeout(PATIENCE, async {
            loop {
                let notified = self.arrived.notified();
                if self.recorded.lock().unwrap().len() >= n {
                    return;
                }
                notified.await;
            }
        })
        .await
        .expect("the upstream never received the expected requests");
    }

    /// TCP connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// TLS handshakes completed so far.
    pub fn handshakes(&self) -> usize {
        self.handshakes.load(Ordering::SeqCst)
    }
}

/// Parses proxy flags into a checked config.
pub fn config(args: &[String]) -> Config {
    let argv = std::iter::once("cw-proxy".to_owned()).chain(args.iter().cloned());
    Args::try_parse_from(argv).unwrap().validate().unwrap()
}

/// A proxy served by `cw_proxy::run` on 127.0.0.1:0.
pub struct Proxy {
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    pub task: Option<JoinHandle<std::io::Result<()>>>,
}

impl Proxy {
    pub async fn start(args: &[String]) -> Proxy {
        Proxy::start_with(config(args)).await
    }

    pub async fn start_with(config: Config) -> Proxy {
        let listener = cw_proxy::server::bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(cw_proxy::run(listener, config, async move {
            let _ = rx.await;
        }));
        Proxy { addr, shutdown: Some(tx), task: Some(task) }
    }

    /// `127.0.0.1:PORT`, the Host header a local browser sends.
    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    /// Starts the graceful shutdown.
    pub fn begin_shutdown(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }

    /// A request builder with the Host header and the browser's usual headers for `upstream`.
    pub fn cw(&self, method: &str, path: &str, upstream: &Upstream) -> hyper::http::request::Builder {
        Request::builder()
            .method(method)
            .uri(path)
            .header("host", self.host())
            .header("origin", ORIGIN)
            .header("x-cw-host", upstream.host())
            .header("x-cw-auth", AUTH)
            .header("x-cw-client-id", CLIENT_ID)
    }

    /// A request builder with only the Host header.
    pub fn bare(&self, method: &str, path: &str) -> hyper::http::request::Builder {
        Request::builder().method(method).uri(path).header("host", self.host())
    }

    /// Sends one request on a new connection and reads the whole answer.
    pub async fn send(&self, request: Request<Full<Bytes>>) -> Answer {
        send_on_new_connection(self.addr, request).await
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

/// A response read to its end.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    /// The `code` of a proxy error body.
    pub fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or_default().to_owned()
    }
}

pub async fn send_on_new_connection<B>(addr: SocketAddr, request: Request<B>) -> Answer
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let response = response_on_new_connection(addr, request).await;
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("the response body ended early").to_bytes();
    Answer { status: parts.status, headers: parts.headers, body }
}

/// Sends a request and returns the response with its body unread.
pub async fn response_on_new_connection<B>(addr: SocketAddr, request: Request<B>) -> Response<Incoming>
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let tcp = TcpStream::connect(addr).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tcp)).await.unwrap();
    tokio::spawn(connection);
    tokio::time::timeout(PATIENCE, sender.send_request(request)).await.expect("no answer in time").unwrap()
}

/// Writes raw bytes and reads until the proxy closes the connection.
pub async fn send_raw(addr: SocketAddr, bytes: &[u8]) -> String {
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    tcp.write_all(bytes).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(PATIENCE, tcp.read_to_end(&mut out))
        .await
        .expect("the proxy kept the connection open")
        .unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

/// The status code of a raw HTTP/1.1 response.
pub fn raw_status(response: &str) -> u16 {
    response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("not a response: {response:?}"))
}

pub fn full(data: impl Into<Bytes>) -> Full<Bytes> {
    Full::new(data.into())
}

pub fn empty() -> Full<Bytes> {
    Full::new(Bytes::new())
}

/// A body sent in chunks with no declared length (`Transfer-Encoding: chunked`).
pub struct Chunked(pub Vec<Bytes>);

impl Body for Chunked {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.0.is_empty() { Poll::Ready(None) } else { Poll::Ready(Some(Ok(Frame::data(self.0.remove(0))))) }
    }
}
