//! Every way a request can fail, mapped to a status and a JSON body in one place.
//!
//! Bodies use ConnectWise's own error shape, `{"code": "...", "message": "..."}`, so the console shows
//! a proxy refusal like any other ConnectWise error. Messages never carry header values (they may be
//! secrets); a host name appears only after it passed the syntax check.

use crate::body::{self, ProxyBody};
use hyper::header::{ALLOW, CACHE_CONTROL, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use hyper::{Response, StatusCode};
use std::fmt;

/// Why the proxy answered instead of ConnectWise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxyError {
    /// A required `x-cw-*` header is absent.
    MissingHeader(&'static str),
    /// A header is present but malformed (control characters, not base64, not a UUID, repeated...).
    MalformedHeader {
        /// The header's name.
        name: &'static str,
        /// What is wrong with it (never the value itself).
        reason: &'static str,
    },
    /// The request target is not a clean path below `/cw/`.
    InvalidPath(&'static str),
    /// `x-cw-host` names a host outside `--allow-host`. Carries the host only when it is a
    /// syntactically valid host name, so nothing odd is echoed.
    HostNotAllowed(Option<String>),
    /// A host matched by a wildcard pattern resolved only to non-public addresses.
    HostNotPublic(String),
    /// The browser's `Origin` is not in `--allow-origin` (or is missing where one is required).
    OriginNotAllowed,
    /// The `Host` header names another host while the proxy listens on loopback (DNS rebinding).
    HostHeaderNotAllowed,
    /// Server-held mode: `x-cw-proxy-token` missing or wrong.
    Unauthorized,
    /// Not `/cw/...` or `/healthz`.
    NotFound,
    /// A method this route does not serve; `allow` lists the ones it does.
    MethodNotAllowed {
        /// The value of the `Allow` header.
        allow: &'static str,
    },
    /// The request body is larger than `--max-body`.
    PayloadTooLarge {
        /// The configured limit in bytes.
        limit: u64,
    },
    /// The browser's request body could not be read.
    BodyRead,
    /// ConnectWise could not be reached, or its TLS failed. `detail` goes to the log only.
    UpstreamUnreachable {
        /// A short public explanation.
        reason: &'static str,
        /// The error chain, for the log line (contains no credentials).
        detail: String,
    },
    /// ConnectWise did not answer within `--timeout`.
    UpstreamTimeout,
    /// The browser did not send its whole body within `--body-timeout`.
    BodyTimeout,
    /// A capacity limit is reached; the browser should retry after [`RETRY_AFTER_SECS`].
    Busy(BusyLimit),
}

/// Which capacity limit turned a request away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BusyLimit {
    /// `--max-in-flight` requests are already being forwarded.
    InFlight,
    /// Every one of `--max-upstream-per-host` connections to this host stayed busy for `--timeout`.
    UpstreamConnections,
}

/// The `Retry-After` of a 503, in seconds.
pub const RETRY_AFTER_SECS: u32 = 1;

impl ProxyError {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::MissingHeader(_) | Self::MalformedHeader { .. } | Self::InvalidPath(_) | Self::BodyRead => {
                StatusCode::BAD_REQUEST
            }
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::HostNotAllowed(_) | Self::HostNotPublic(_) | Self::OriginNotAllowed | Self::HostHeaderNotAllowed => {
                StatusCode::FORBIDDEN
            }
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UpstreamUnreachable { .. } => StatusCode::BAD_GATEWAY,
            Self::UpstreamTimeout => StatusCode::GATEWAY_TIMEOUT,
            Self::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The machine-readable `code` of the JSON body.
    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingHeader(_) => "MissingHeader",
            Self::MalformedHeader { .. } => "InvalidHeader",
            Self::InvalidPath(_) => "InvalidPath",
            Self::HostNotAllowed(_) => "HostNotAllowed",
            Self::HostNotPublic(_) => "HostNotPublic",
            Self::OriginNotAllowed => "OriginNotAllowed",
            Self::HostHeaderNotAllowed => "HostHeaderNotAllowed",
            Self::Unauthorized => "Unauthorized",
            Self::NotFound => "NotFound",
            Self::MethodNotAllowed { .. } => "MethodNotAllowed",
            Self::PayloadTooLarge { .. } => "PayloadTooLarge",
            Self::BodyRead => "BodyReadFailed",
            Self::UpstreamUnreachable { .. } => "UpstreamUnreachable",
            Self::UpstreamTimeout => "UpstreamTimeout",
            Self::BodyTimeout => "BodyTimeout",
            Self::Busy(_) => "ProxyBusy",
        }
    }

    /// What goes to the log beyond the status, if anything.
    pub fn log_detail(&self) -> Option<&str> {
        match self {
            Self::UpstreamUnreachable { detail, .. } => Some(detail),
            _ => None,
        }
    }

    /// The response the browser receives (CORS headers are added later, like on every response).
    pub fn into_response(self) -> Response<ProxyBody> {
        let json = serde_json::json!({ "code": self.code(), "message": self.to_string() });
        let mut response = Response::new(body::full(json.to_string()));
        *response.status_mut() = self.status();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        match self {
            Self::MethodNotAllowed { allow } => {
                headers.insert(ALLOW, HeaderValue::from_static(allow));
            }
            Self::Busy(_) => {
                headers.insert(RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
            }
            _ => {}
        }
        response
    }
}

impl fmt::Display for ProxyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHeader(name) => write!(f, "cw-proxy: the {name} header is required"),
            Self::MalformedHeader { name, reason } => write!(f, "cw-proxy: the {name} header {reason}"),
            Self::InvalidPath(reason) => write!(f, "cw-proxy: the request path {reason}"),
            Self::HostNotAllowed(Some(host)) => {
                write!(f, "cw-proxy: the ConnectWise host {host} is not allowed by this proxy (--allow-host)")
            }
            Self::HostNotAllowed(None) => f.write_str(
                "cw-proxy: x-cw-host must be a bare host[:port] such as na.myconnectwise.net, allowed by --allow-host",
            ),
            Self::HostNotPublic(host) => write!(
                f,
                "cw-proxy: {host} resolves to a private or reserved address; list it exactly with --allow-host to permit that"
            ),
            Self::OriginNotAllowed => f.write_str("cw-proxy: this page's origin is not allowed (--allow-origin)"),
            Self::HostHeaderNotAllowed => f.write_str(
                "cw-proxy: the Host header must name this proxy (localhost, 127.0.0.1 or [::1] with its port)",
            ),
            Self::Unauthorized => f.write_str("cw-proxy: a valid x-cw-proxy-token is required"),
            Self::NotFound => f.write_str("cw-proxy: only /cw/{path} and /healthz are served"),
            Self::MethodNotAllowed { allow } => write!(f, "cw-proxy: method not allowed here; allowed: {allow}"),
            Self::PayloadTooLarge { limit } => {
                write!(f, "cw-proxy: the request body exceeds the proxy's limit of {limit} bytes (--max-body)")
            }
            Self::BodyRead => f.write_str("cw-proxy: the request body could not be read"),
            Self::UpstreamUnreachable { reason, .. } => {
                write!(f, "cw-proxy: ConnectWise could not be reached: {reason}")
            }
            Self::UpstreamTimeout => f.write_str("cw-proxy: ConnectWise did not answer in time (--timeout)"),
            Self::BodyTimeout => f.write_str("cw-proxy: the request body did not arrive in time (--body-timeout)"),
            Self::Busy(BusyLimit::InFlight) => {
                write!(f, "cw-proxy: too many requests in progress (--max-in-flight); retry in {RETRY_AFTER_SECS} s")
            }
            Self::Busy(BusyLimit::UpstreamConnections) => write!(
                f,
                "cw-proxy: every connection to this ConnectWise host stayed busy (--max-upstream-per-host); \
                 retry in {RETRY_AFTER_SECS} s"
            ),
        }
    }
}

impl std::error::Error for ProxyError {}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    #[tokio::test]
    async fn errors_are_json_in_connectwise_shape() {
        let response = ProxyError::MalformedHeader { name: "x-cw-client-id", reason: "is not a UUID" }.into_response();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(json["code"], "InvalidHeader");
        assert_eq!(json["message"], "cw-proxy: the x-cw-client-id header is not a UUID");
    }

    #[test]
    fn method_not_allowed_lists_the_allowed_methods() {
        let response = ProxyError::MethodNotAllowed { allow: "GET, HEAD" }.into_response();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(response.headers()[ALLOW], "GET, HEAD");
    }

    #[test]
    fn statuses_follow_the_contract() {
        assert_eq!(ProxyError::HostNotAllowed(None).status(), 403);
        assert_eq!(ProxyError::PayloadTooLarge { limit: 1 }.status(), 413);
        assert_eq!(ProxyError::UpstreamTimeout.status(), 504);
        assert_eq!(ProxyError::UpstreamUnreachable { reason: "x", detail: String::new() }.status(), 502);
        assert_eq!(ProxyError::BodyTimeout.status(), 408);
    }

    #[test]
    fn busy_answers_carry_retry_after() {
        for limit in [BusyLimit::InFlight, BusyLimit::UpstreamConnections] {
            let response = ProxyError::Busy(limit).into_response();
            assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(response.headers()[RETRY_AFTER], "1");
        }
    }
}
