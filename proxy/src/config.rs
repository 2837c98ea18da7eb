//! The command line (every flag also an environment variable `CW_PROXY_*`) and its validation into a
//! [`Config`]. [`Args::validate`] reports every problem at once, so an operator fixes them in one go.

use crate::credentials::ServerCredentials;
use crate::host_policy::{DEFAULT_ALLOW_HOSTS, HostPolicy};
use crate::origin_policy::{DEFAULT_ALLOW_ORIGINS, OriginPolicy};
use clap::Parser;
use rustls::pki_types::CertificateDer;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where the proxy listens by default: loopback, the port the console expects.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:3001";
/// The largest request body forwarded by default (1 MiB).
pub const DEFAULT_MAX_BODY: u64 = 1024 * 1024;
/// Seconds ConnectWise has to start answering (and the longest pause within a streamed answer).
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
/// The longest a TCP connect to ConnectWise may take (capped by `--timeout`).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Seconds a new connection has to deliver its first complete request head (slow-loris protection).
pub const DEFAULT_HEADER_READ_TIMEOUT_SECS: u64 = 10;
/// Seconds an idle keep-alive connection is kept open between requests.
pub const DEFAULT_KEEP_ALIVE_TIMEOUT_SECS: u64 = 30;
/// Seconds the browser has to send a whole request body.
pub const DEFAULT_BODY_TIMEOUT_SECS: u64 = 10;
/// Browser connections served at once; more are answered 503 and closed.
pub const DEFAULT_MAX_CONNECTIONS: usize = 4096;
/// Requests forwarded to ConnectWise at once (queued or in progress); more get 503.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 1024;
/// Connections (and so concurrent requests) to one ConnectWise host.
pub const DEFAULT_MAX_UPSTREAM_PER_HOST: usize = 32;
/// The largest request head (request line plus headers), in bytes.
pub const DEFAULT_MAX_HEADER_BYTES: usize = 16 * 1024;
/// The most request headers accepted.
pub const DEFAULT_MAX_HEADERS: usize = 64;
/// The smallest `--max-header-bytes` (hyper's smallest read buffer).
pub const MIN_HEADER_BYTES: usize = 8 * 1024;
/// The largest `--max-header-bytes`.
pub const MAX_HEADER_BYTES: usize = 1024 * 1024;
/// How long a shutdown waits for in-flight requests before giving up on them.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);
/// How long an idle pooled connection to ConnectWise is kept.
pub const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// cw-proxy: the CORS proxy between the cw-console and ConnectWise Manage.
///
/// The browser calls `{proxy}/cw/{path}?{query}`; the proxy checks the request, adds the
/// ConnectWise credentials and forwards it to `https://{host}/v4_6_release/apis/3.0/{path}?{query}`.
/// Every flag can also be set through the environment variable shown; list flags take
/// comma-separated values there.
#[derive(Debug, Clone, Parser)]
#[command(name = "cw-proxy", version, about, long_about)]
pub struct Args {
    /// Address to listen on. On a loopback address the proxy also refuses Host headers naming other
    /// hosts (DNS rebinding); on any other address server-held credentials need an access token.
    #[arg(long, env = "CW_PROXY_LISTEN", value_name = "ADDR", default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,

    /// ConnectWise hosts the browser may name in x-cw-host: exact `host[:port]` (may resolve to a
    /// private address: on-premise, simulator) or `*.domain[:port]` (must resolve to public
    /// addresses). The port defaults to 443. Repeat the flag for several.
    #[arg(
        long = "allow-host",
        env = "CW_PROXY_ALLOW_HOST",
        value_name = "PATTERN",
        value_delimiter = ',',
        default_values = DEFAULT_ALLOW_HOSTS.iter().copied()
    )]
    pub allow_host: Vec<String>,

    /// Browser origins allowed to call the proxy, as `scheme://host[:port]`. `*` allows any origin
    /// and must then be the only value. Repeat the flag for several.
    #[arg(
        long = "allow-origin",
        env = "CW_PROXY_ALLOW_ORIGIN",
        value_name = "ORIGIN",
        value_delimiter = ',',
        default_values = DEFAULT_ALLOW_ORIGINS.iter().copied()
    )]
    pub allow_origin: Vec<String>,

    /// PEM file of extra trusted root certificates (an on-premise ConnectWise with a private CA, the
    /// simulator). The public web roots stay trusted; certificates are always verified.
    #[arg(long, env = "CW_PROXY_CA_FILE", value_name = "PEM")]
    pub ca_file: Option<PathBuf>,

    /// Largest request body forwarded, in bytes; larger ones get 413 before anything is sent.
    #[arg(long, env = "CW_PROXY_MAX_BODY", value_name = "BYTES", default_value_t = DEFAULT_MAX_BODY)]
    pub max_body: u64,

    /// Seconds ConnectWise has to answer (also the longest pause inside a streamed answer); then 504.
    #[arg(long, env = "CW_PROXY_TIMEOUT", value_name = "SECS", default_value_t = DEFAULT_TIMEOUT_SECS)]
    pub timeout: u64,

    /// Worker threads, each with its own event loop and upstream pool (0: one per core).
    #[arg(long, env = "CW_PROXY_WORKERS", value_name = "N", default_value_t = 0)]
    pub workers: usize,

    /// Browser connections served at once; a connection beyond this is answered 503 with Retry-After
    /// and closed.
    #[arg(long, env = "CW_PROXY_MAX_CONNECTIONS", value_name = "N", default_value_t = DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: usize,

    /// Requests forwarded to ConnectWise at once, waiting for a connection or in progress; beyond
    /// this a request is answered 503 with Retry-After before anything is sent.
    #[arg(long, env = "CW_PROXY_MAX_IN_FLIGHT", value_name = "N", default_value_t = DEFAULT_MAX_IN_FLIGHT)]
    pub max_in_flight: usize,

    /// Connections to one ConnectWise host, split evenly over the workers; further requests wait for one
    /// (up to --timeout, then 503).
    #[arg(
        long,
        env = "CW_PROXY_MAX_UPSTREAM_PER_HOST",
        value_name = "N",
        default_value_t = DEFAULT_MAX_UPSTREAM_PER_HOST
    )]
    pub max_upstream_per_host: usize,

    /// Seconds a new connection has to send its first complete request head; then it is closed.
    #[arg(
        long,
        env = "CW_PROXY_HEADER_READ_TIMEOUT",
        value_name = "SECS",
        default_value_t = DEFAULT_HEADER_READ_TIMEOUT_SECS
    )]
    pub header_read_timeout: u64,

    /// Seconds an idle keep-alive connection may wait for its next complete request head; then it is
    /// closed.
    #[arg(
        long,
        env = "CW_PROXY_KEEP_ALIVE_TIMEOUT",
        value_name = "SECS",
        default_value_t = DEFAULT_KEEP_ALIVE_TIMEOUT_SECS
    )]
    pub keep_alive_timeout: u64,

    /// Seconds the browser has to send a whole request body; then 408.
    #[arg(long, env = "CW_PROXY_BODY_TIMEOUT", value_name = "SECS", default_value_t = DEFAULT_BODY_TIMEOUT_SECS)]
    pub body_timeout: u64,

    /// Largest request head (request line plus headers) in bytes; larger ones get 431.
    #[arg(long, env = "CW_PROXY_MAX_HEADER_BYTES", value_name = "BYTES", default_value_t = DEFAULT_MAX_HEADER_BYTES)]
    pub max_header_bytes: usize,

    /// Most request headers accepted; more get 431.
    #[arg(long, env = "CW_PROXY_MAX_HEADERS", value_name = "N", default_value_t = DEFAULT_MAX_HEADERS)]
    pub max_headers: usize,

    /// Server-held mode: a TOML file with host, company_id, public_key, private_key, client_id and
    /// access_token. The browser then sends no ConnectWise secrets, only x-cw-proxy-token.
    #[arg(long, env = "CW_PROXY_CREDENTIALS", value_name = "FILE")]
    pub credentials: Option<PathBuf>,
}

/// A checked configuration, ready for [`crate::run`]. Fields are public so tests can shorten timeouts.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where `main` binds (`run` uses whatever listener it is given).
    pub listen: SocketAddr,
    /// The `--allow-host` list (plus the credentials' host in server-held mode).
    pub hosts: HostPolicy,
    /// The `--allow-origin` list.
    pub origins: OriginPolicy,
    /// Extra trusted roots from `--ca-file`.
    pub extra_roots: Vec<CertificateDer<'static>>,
    /// `--max-body`.
    pub max_body: u64,
    /// `--timeout`: until ConnectWise's response headers, and between frames of its body.
    pub timeout: Duration,
    /// TCP connect timeout to ConnectWise.
    pub connect_timeout: Duration,
    /// Worker threads (at least 1).
    pub workers: usize,
    /// Concurrent browser connections.
    pub max_connections: usize,
    /// Requests forwarded at once.
    pub max_in_flight: usize,
    /// Connections to one ConnectWise host.
    pub max_upstream_per_host: usize,
    /// A new connection's first request head must be complete within this.
    pub header_read_timeout: Duration,
    /// An idle keep-alive connection's next request head must be complete within this.
    pub keep_alive_timeout: Duration,
    /// A request body must arrive within this.
    pub body_timeout: Duration,
    /// Largest request head in bytes.
    pub max_header_bytes: usize,
    /// Most request headers.
    pub max_headers: usize,
    /// How long shutdown waits for in-flight requests.
    pub shutdown_grace: Duration,
    /// Idle pooled upstream connections are closed after this.
    pub pool_idle_timeout: Duration,
    /// Server-held credentials, if `--credentials` was given.
    pub credentials: Option<ServerCredentials>,
}

/// Everything wrong with a command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// One line per problem.
    pub problems: Vec<String>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid configuration:")?;
        for problem in &self.problems {
            write!(f, "\n  - {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

impl Args {
    /// Checks every flag and loads the files they name, collecting every problem.
    pub fn validate(&self) -> Result<Config, ConfigError> {
        let mut problems = Vec::new();
        let mut hosts = HostPolicy::parse(&self.allow_host).map_err(|e| problems.extend(e)).ok();
        let origins = OriginPolicy::parse(&self.allow_origin).map_err(|e| problems.extend(e)).ok();
        let extra_roots = match &self.ca_file {
            Some(path) => load_roots(path).map_err(|e| problems.push(e)).unwrap_or_default(),
            None => Vec::new(),
        };
        if self.max_body == 0 {
            problems.push("--max-body must be at least 1 byte".to_owned());
        }
        for (flag, value) in [
            ("--timeout", self.timeout),
            ("--header-read-timeout", self.header_read_timeout),
            ("--keep-alive-timeout", self.keep_alive_timeout),
            ("--body-timeout", self.body_timeout),
        ] {
            if value == 0 {
                problems.push(format!("{flag} must be at least 1 second"));
            }
        }
        for (flag, value) in [
            ("--max-connections", self.max_connections),
            ("--max-in-flight", self.max_in_flight),
            ("--max-upstream-per-host", self.max_upstream_per_host),
            ("--max-headers", self.max_headers),
        ] {
            if value == 0 {
                problems.push(format!("{flag} must be at least 1"));
            }
        }
        if !(MIN_HEADER_BYTES..=MAX_HEADER_BYTES).contains(&self.max_header_bytes) {
            problems.push(format!(
                "--max-header-bytes must be between {MIN_HEADER_BYTES} and {MAX_HEADER_BYTES} (got {})",
                self.max_header_bytes
            ));
        }
        let credentials = match &self.credentials {
            Some(path) => ServerCredentials::load(path).map_err(|e| problems.extend(e)).ok(),
            None => None,
        };
        if let Some(creds) = &credentials {
            if creds.access_token.is_none() && !self.listen.ip().is_loopback() {
                problems.push(format!(
                    "--credentials: the proxy listens on {} (not loopback), so the credentials file needs an access_token",
                    self.listen
                ));
            }
            if let Some(hosts) = &mut hosts {
                hosts.allow_exact(&creds.host);
            }
        }
        let timeout = Duration::from_secs(self.timeout);
        match (hosts, origins, problems.is_empty()) {
            (Some(hosts), Some(origins), true) => Ok(Config {
                listen: self.listen,
                hosts,
                origins,
                extra_roots,
                max_body: self.max_body,
                timeout,
                connect_timeout: CONNECT_TIMEOUT.min(timeout),
                workers: match self.workers {
                    0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
                    n => n,
                },
                max_connections: self.max_connections,
                max_in_flight: self.max_in_flight,
                max_upstream_per_host: self.max_upstream_per_host,
                header_read_timeout: Duration::from_secs(self.header_read_timeout),
                keep_alive_timeout: Duration::from_secs(self.keep_alive_timeout),
                body_timeout: Duration::from_secs(self.body_timeout),
                max_header_bytes: self.max_header_bytes,
                max_headers: self.max_headers,
                shutdown_grace: SHUTDOWN_GRACE,
                pool_idle_timeout: POOL_IDLE_TIMEOUT,
                credentials,
            }),
            _ => Err(ConfigError { problems }),
        }
    }
}

/// Reads every certificate of a PEM file.
fn load_roots(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let shown = path.display();
    let pem = std::fs::read(path).map_err(|e| format!("--ca-file {shown}: cannot read: {e}"))?;
    let certs: Vec<CertificateDer<'static>> = rustls_pemfile::certs(&mut pem.as_slice())
        .collect::<Result<_, _>>()
        .map_err(|e| format!("--ca-file {shown}: not valid PEM: {e}"))?;
    if certs.is_empty() {
        return Err(format!("--ca-file {shown}: contains no CERTIFICATE block"));
    }
    let mut store = rustls::RootCertStore::empty();
    let (_, rejected) = store.add_parsable_certificates(certs.iter().cloned());
    if rejected > 0 {
        return Err(format!("--ca-file {shown}: {rejected} certificate(s) could not be parsed"));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Args {
        Args::try_parse_from(std::iter::once("cw-proxy").chain(args.iter().copied())).unwrap()
    }

    #[test]
    fn defaults_follow_the_contract() {
        let config = parse(&[]).validate().unwrap();
        assert_eq!(config.listen, "127.0.0.1:3001".parse().unwrap());
        assert!(config.hosts.check("na.myconnectwise.net").is_ok());
        assert!(config.hosts.check("x.connectwisedev.com").is_ok());
        assert_eq!(config.origins, OriginPolicy::parse(DEFAULT_ALLOW_ORIGINS).unwrap());
        assert_eq!(config.max_body, 1024 * 1024);
        assert_eq!(config.timeout, Duration::from_secs(30));
        assert!(config.credentials.is_none());
        assert!(config.workers >= 1);
        assert_eq!(config.max_connections, DEFAULT_MAX_CONNECTIONS);
        assert_eq!(config.header_read_timeout, Duration::from_secs(10));
        assert_eq!(config.keep_alive_timeout, Duration::from_secs(30));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let args = parse(&[
            "--allow-host",
            "*",
            "--allow-origin",
            "ftp://x",
            "--ca-file",
            "/nonexistent/ca.pem",
            "--max-body",
            "0",
            "--timeout",
            "0",
            "--max-in-flight",
            "0",
            "--max-header-bytes",
            "100",
            "--credentials",
            "/nonexistent/creds.toml",
        ]);
        let err = args.validate().unwrap_err();
        assert_eq!(err.problems.len(), 8, "{err}");
        let text = err.to_string();
        assert!(text.starts_with("invalid configuration:\n  - --allow-host"), "{text}");
    }

    #[test]
    fn list_flags_repeat_or_split_on_commas() {
        let args = parse(&["--allow-host", "localhost:8443,*.example.com", "--allow-host", "cw.example.org"]);
        assert_eq!(args.allow_host, ["localhost:8443", "*.example.com", "cw.example.org"]);
    }
}
