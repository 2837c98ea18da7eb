//! `cw-proxy`: the CORS proxy between the cw-console and ConnectWise Manage.
//!
//! The browser cannot call ConnectWise directly (CORS), so it calls `{proxy}/cw/{path}?{query}` and
//! the proxy forwards to `https://{host}/v4_6_release/apis/3.0/{path}?{query}` with the ConnectWise
//! `Authorization` and `clientId` headers. It carries API keys, so it is strict: only allowed hosts and
//! origins, byte-exact paths, bounded bodies and times, no credential in any log.
//!
//! What lives where, in the order a request meets it:
//!
//! - [`server`]: the workers (one single-threaded event loop per core, each with its own `SO_REUSEPORT`
//!   socket), their accept loops ([`run`]) and graceful shutdown; `main.rs` only parses flags and
//!   calls it. [`connection`]: one browser connection's header-read and keep-alive deadlines, and the
//!   503 past `--max-connections`.
//! - [`pipeline`]: one request through the fixed phases, and the one place errors become responses.
//! - [`request_check`] (validate): routing, path traversal, `Host` header, `x-cw-*` header shapes.
//! - [`authorize`]: browser-sent or server-held ([`credentials`]) ConnectWise credentials;
//!   [`host_policy`] decides which hosts (and, at connect time, which addresses) are allowed.
//! - [`strip`]: the request-header allowlist and response-header hygiene.
//! - [`upstream`]: the HTTPS client (timeouts, no redirects, in-flight and per-host connection limits)
//!   over [`upstream_pool`], each worker's keep-alive TLS connections per host, which speak
//!   [`upstream_http`], the proxy's own HTTP/1.1 exchange run in the request's task; [`body`]: size
//!   limit, body timeout and idle timeout.
//! - [`cors`] and [`origin_policy`]: preflights and CORS headers.
//! - [`logging`]: one line per request; [`error`]: [`ProxyError`] → status + ConnectWise-shaped JSON.
//! - [`config`]: the command line ([`Args`]) validated into a [`Config`]; [`healthz`]: `GET /healthz`.

pub mod authorize;
pub mod body;
pub mod config;
pub mod connection;
pub mod cors;
pub mod credentials;
pub mod error;
pub mod healthz;
pub mod host_policy;
pub mod logging;
pub mod origin_policy;
pub mod pipeline;
pub mod request_check;
pub mod server;
pub mod strip;
pub mod upstream;
pub mod upstream_http;
pub mod upstream_pool;

pub use config::{Args, Config, ConfigError};
pub use error::ProxyError;
pub use server::run;
