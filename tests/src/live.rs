//! The console's live stack in-process: cw-sim (HTTPS on a free loopback port) behind cw-proxy (HTTP on
//! another free loopback port), wired the way an MSP would wire them.
//!
//! - The proxy trusts the simulator's throw-away CA through `--ca-file` (a temporary PEM file written
//!   from [`SimHandle::cert_pem`], removed on shutdown), allows exactly the simulator's `host:port`
//!   (`--allow-host 127.0.0.1:PORT`) and exactly one browser origin (`--allow-origin`).
//! - The simulator pins the client id, so a request only succeeds when the browser's `x-cw-client-id`
//!   really reached ConnectWise as `clientId`.
//!
//! ```text
//! let stack = LiveStack::start("demo", "http://127.0.0.1:8080").await;
//! // point the console at stack.proxy_url() and type stack.credentials() into its config bar
//! stack.shutdown().await;
//! ```

use crate::sim::{self, Dataset, SimConfig, SimHandle};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use clap::Parser;
use cw_proxy::{Args, Config};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The client id the console types (the simulator accepts only this one).
pub const LIVE_CLIENT_ID: &str = "6a0f3c2e-5b7d-4e19-8c4a-2f1e0d9b7c35";

/// What a technician types into the console's config bar to reach the simulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleCredentials {
    /// The ConnectWise host, `127.0.0.1:PORT` (the simulator).
    pub host: String,
    /// The ConnectWise company id.
    pub company: String,
    /// The API public key.
    pub public_key: String,
    /// The API private key.
    pub private_key: String,
    /// The client id (a UUID).
    pub client_id: String,
}

impl ConsoleCredentials {
    /// The `x-cw-auth` value the console sends: `base64("{company}+{public}:{private}")`.
    pub fn auth(&self) -> String {
        STANDARD.encode(format!("{}+{}:{}", self.company, self.public_key, self.private_key))
    }

    /// The three `x-cw-*` headers the console sends with every call, in this order:
    /// `x-cw-host`, `x-cw-auth`, `x-cw-client-id`.
    pub fn headers(&self) -> [(&'static str, String); 3] {
        [("x-cw-host", self.host.clone()), ("x-cw-auth", self.auth()), ("x-cw-client-id", self.client_id.clone())]
    }
}

/// How to start a [`LiveStack`]; get one from [`LiveStack::builder`].
pub struct LiveStackBuilder {
    sim: SimConfig,
    origin: String,
    proxy_timeout: Option<Duration>,
}

impl LiveStackBuilder {
    /// The simulator's tenant: `"demo"` (the default: the spec's eight clients), `"empty"`, `"large:N"` or
    /// `"large:NxM"`. Panics on anything else.
    pub fn dataset(mut self, dataset: &str) -> Self {
        self.sim.dataset = dataset.parse::<Dataset>().unwrap_or_else(|e| panic!("LiveStack dataset: {e}"));
        self
    }

    /// The browser origin the proxy allows (default `http://127.0.0.1:8080`), e.g. the dist server's
    /// `http://127.0.0.1:PORT`.
    pub fn origin(mut self, origin: &str) -> Self {
        self.origin = origin.trim_end_matches('/').to_string();
        self
    }

    /// The proxy's upstream timeout (`--timeout`, which the command line only takes in whole seconds).
    pub fn proxy_timeout(mut self, timeout: Duration) -> Self {
        self.proxy_timeout = Some(timeout);
        self
    }

    /// Any other simulator setting (seed, primary mode, start-up faults...). Keep `listen` on loopback.
    pub fn sim_config(mut self, edit: impl FnOnce(&mut SimConfig)) -> Self {
        edit(&mut self.sim);
        self
    }

    /// Starts the simulator, then the proxy in front of it. Panics if either cannot start.
    pub async fn start(self) -> LiveStack {
        let typed = (self.sim.company.clone(), self.sim.public_key.clone(), self.sim.private_key.clone());
        let client_id = self.sim.client_id.clone().unwrap_or_else(|| LIVE_CLIENT_ID.to_string());
        let sim = sim::start(self.sim).await.unwrap_or_else(|e| panic!("cw-sim did not start: {e}"));
        let credentials = ConsoleCredentials {
            host: sim.host(),
            company: typed.0,
            public_key: typed.1,
            private_key: typed.2,
            client_id,
        };
        let ca_file = TempFile::with(&sim.cert_pem);
        let listener =
            cw_proxy::server::bind("127.0.0.1:0".parse().unwrap()).expect("a free loopback port for cw-proxy");
        let proxy_addr = listener.local_addr().expect("bound");
        let argv = [
            "cw-proxy".to_string(),
            "--listen".into(),
            proxy_addr.to_string(),
            "--allow-host".into(),
            sim.host(),
            "--allow-origin".into(),
            self.origin.clone(),
            "--ca-file".into(),
            ca_file.0.display().to_string(),
        ];
        let mut config: Config = Args::try_parse_from(argv)
            .expect("cw-proxy flags parse")
            .validate()
            .unwrap_or_else(|e| panic!("cw-proxy config: {e}"));
        if let Some(timeout) = self.proxy_timeout {
            config.timeout = timeout;
            config.connect_timeout = config.connect_timeout.min(timeout);
        }
        // Tests should not wait 30 s for a connection a test client left open.
        config.shutdown_grace = Duration::from_secs(5);
        let (stop, stopped) = oneshot::channel::<()>();
        let proxy_task = tokio::spawn(cw_proxy::run(listener, config, async move {
            let _ = stopped.await;
        }));
        LiveStack { sim, proxy_addr, origin: self.origin, credentials, stop, proxy_task, _ca_file: ca_file }
    }
}

/// cw-sim and cw-proxy running in this process on loopback. Dropping it starts both shutdowns without
/// waiting; [`LiveStack::shutdown`] waits for them.
pub struct LiveStack {
    /// The simulator: `sim.state` has the recorded requests (what ConnectWise received), the faults
    /// (`set_faults`) and the store (`with_store`).
    pub sim: SimHandle,
    /// Where the proxy listens.
    pub proxy_addr: SocketAddr,
    origin: String,
    credentials: ConsoleCredentials,
    stop: oneshot::Sender<()>,
    proxy_task: JoinHandle<std::io::Result<()>>,
    _ca_file: TempFile,
}

impl LiveStack {
    /// The defaults (demo dataset, origin `http://127.0.0.1:8080`, proxy timeout 30 s), to adjust.
    pub fn builder() -> LiveStackBuilder {
        LiveStackBuilder {
            sim: SimConfig { client_id: Some(LIVE_CLIENT_ID.to_string()), ..SimConfig::for_tests() },
            origin: "http://127.0.0.1:8080".to_string(),
            proxy_timeout: None,
        }
    }

    /// A stack with this dataset (`"demo"`, `"large:2500"`...) allowing this browser origin.
    pub async fn start(dataset: &str, origin: &str) -> LiveStack {
        LiveStack::builder().dataset(dataset).origin(origin).start().await
    }

    /// The proxy base the console is configured with: `http://127.0.0.1:PORT` (no trailing slash).
    pub fn proxy_url(&self) -> String {
        format!("http://{}", self.proxy_addr)
    }

    /// The one browser origin the proxy allows.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// What the technician types into the console: host, company, public key, private key, client id.
    pub fn credentials(&self) -> ConsoleCredentials {
        self.credentials.clone()
    }

    /// Stops the proxy (in-flight requests finish), then the simulator, and removes the CA file.
    pub async fn shutdown(self) {
        let LiveStack { sim, stop, proxy_task, _ca_file, .. } = self;
        let _ = stop.send(());
        match proxy_task.await {
            Ok(result) => result.expect("cw-proxy stopped cleanly"),
            Err(e) => panic!("cw-proxy task failed: {e}"),
        }
        sim.shutdown().await;
    }
}

/// A file removed when dropped.
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

static PEM_FILES: AtomicUsize = AtomicUsize::new(0);

impl TempFile {
    /// Writes `contents` (the simulator's CA) to a fresh file in the system's temporary directory.
    fn with(contents: &str) -> TempFile {
        let n = PEM_FILES.fetch_add(1, Ordering::Relaxed);
        let name = format!("cw-live-{}-{n}-ca.pem", std::process::id());
        let path = std::env::temp_dir().join(name);
        std::fs::write(&path, contents).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        TempFile(path)
    }
}
