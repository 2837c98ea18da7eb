//! The log phase: exactly one line per request (method, path without query, ConnectWise host,
//! status, latency), and the subscriber setup for the binary.
//!
//! Nothing here ever sees a header value or a query string, so no `RUST_LOG` level can leak a key.

use crate::error::ProxyError;
use hyper::{Method, StatusCode};
use std::time::Duration;

/// The longest path logged; longer ones are cut (paths are attacker-chosen on 404s).
const MAX_LOGGED_PATH: usize = 200;

/// What is known about a request so far; logged once when its response is ready.
#[derive(Debug)]
pub struct RequestLog {
    method: Method,
    path: String,
    cw_host: Option<String>,
    error: Option<String>,
}

impl RequestLog {
    /// Starts the record from the method and the path (never the query).
    pub fn new(method: &Method, path: &str) -> RequestLog {
        let end = path.char_indices().nth(MAX_LOGGED_PATH).map_or(path.len(), |(i, _)| i);
        RequestLog { method: method.clone(), path: path[..end].to_owned(), cw_host: None, error: None }
    }

    /// Records the ConnectWise host once it is known to be allowed.
    pub fn set_cw_host(&mut self, host: String) {
        self.cw_host = Some(host);
    }

    /// Records why the proxy answered itself.
    pub fn set_error(&mut self, error: &ProxyError) {
        self.error = Some(match error.log_detail() {
            Some(detail) => format!("{}: {detail}", error.code()),
            None => error.code().to_owned(),
        });
    }

    /// Emits the line.
    pub fn emit(&self, status: StatusCode, latency: Duration) {
        tracing::info!(
            method = %self.method,
            path = %self.path,
            cw_host = %self.cw_host.as_deref().unwrap_or("-"),
            status = status.as_u16(),
            latency_ms = %format_args!("{:.3}", latency.as_secs_f64() * 1000.0),
            error = self.error.as_deref().map(tracing::field::display),
            "request"
        );
    }
}

/// Logs to stderr, filtered by `RUST_LOG` (default `info`); colours only on a terminal (a log file or
/// journald gets plain text, which is also cheaper to write).
pub fn init() {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
}
