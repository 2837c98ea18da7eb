//! `GET /healthz`: liveness plus the credentials mode, so the console can adapt its config bar.

use crate::body::{self, ProxyBody};
use hyper::Response;
use hyper::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};

/// Where the ConnectWise credentials come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialsMode {
    /// The browser sends them with every request.
    Browser,
    /// The proxy holds them (`--credentials`).
    Proxy,
}

impl CredentialsMode {
    /// The value of the `credentials` field.
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialsMode::Browser => "browser",
            CredentialsMode::Proxy => "proxy",
        }
    }
}

/// `{"status":"ok","version":"0.1.0","credentials":"browser"}`.
pub fn response(mode: CredentialsMode) -> Response<ProxyBody> {
    let json = serde_json::json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "credentials": mode.as_str(),
    });
    let mut response = Response::new(body::full(json.to_string()));
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
