//! One request through the fixed phases: validate → authorize → strip → forward → add CORS → log.
//! Errors from any phase become a response in one place ([`handle`]), so every refusal gets the same
//! JSON shape, the same CORS headers and the same log line.

use crate::authorize::authorize;
use crate::body::{self, ProxyBody};
use crate::cors;
use crate::credentials::ServerCredentials;
use crate::error::ProxyError;
use crate::healthz::{self, CredentialsMode};
use crate::host_policy::HostPolicy;
use crate::logging::RequestLog;
use crate::origin_policy::{OriginDecision, OriginPolicy};
use crate::request_check::{self, Route};
use crate::strip;
use crate::upstream::Upstream;
use hyper::body::Incoming;
use hyper::header::{CONTENT_LENGTH, HeaderValue, ORIGIN};
use hyper::{Method, Request, Response, Uri};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Methods forwarded to ConnectWise.
const FORWARDED_METHODS: [Method; 5] = [Method::GET, Method::POST, Method::PATCH, Method::PUT, Method::DELETE];

/// The `Allow` header of `/cw/...`.
const CW_ALLOW: &str = "GET, POST, PATCH, PUT, DELETE, OPTIONS";

/// What every request needs, shared by all connections.
pub struct State {
    /// `--allow-host` (plus the credentials' host).
    pub hosts: HostPolicy,
    /// `--allow-origin`.
    pub origins: OriginPolicy,
    /// Server-held credentials, if any.
    pub credentials: Option<ServerCredentials>,
    /// The pooled client.
    pub upstream: Upstream,
    /// `--max-body`.
    pub max_body: u64,
    /// `--body-timeout`.
    pub body_timeout: Duration,
    /// The listening port when bound to loopback: then the `Host` header must name loopback.
    pub loopback_port: Option<u16>,
}

/// Serves one request; never fails (errors are responses).
pub async fn handle(state: Arc<State>, request: Request<Incoming>) -> Response<ProxyBody> {
    let started = Instant::now();
    let mut log = RequestLog::new(request.method(), request.uri());
    let origin = state.origins.decide(request.headers().get(ORIGIN));
    let mut response = match serve(&state, request, &origin, &mut log).await {
        Ok(response) => response,
        Err(error) => {
            log.set_error(&error);
            error.into_response()
        }
    };
    cors::finish(&mut response, &origin);
    log.emit(response.status(), started.elapsed());
    response
}

async fn serve(
    state: &State,
    request: Request<Incoming>,
    origin: &OriginDecision,
    log: &mut RequestLog,
) -> Result<Response<ProxyBody>, ProxyError> {
    if let Some(port) = state.loopback_port
        && !request_check::is_loopback_host_header(request.headers(), port)
    {
        return Err(ProxyError::HostHeaderNotAllowed);
    }
    if origin.is_denied() {
        return Err(ProxyError::OriginNotAllowed);
    }
    let rest = match request_check::route(request.uri())? {
        Route::Healthz => return healthz(state, request.method()),
        Route::ConnectWise(rest) => rest.to_owned(),
    };
    if request.method() == Method::OPTIONS {
        return Ok(cors::preflight(request.headers()));
    }
    if !FORWARDED_METHODS.contains(request.method()) {
        return Err(ProxyError::MethodNotAllowed { allow: CW_ALLOW });
    }
    let credentials = authorize(request.headers(), &state.hosts, state.credentials.as_ref(), origin)?;
    let authority = credentials.target.authority();
    // Built from the raw request target: the path and query reach ConnectWise byte for byte (in origin
    // form; the host goes in `Host`).
    fn invalid<E>(_: E) -> ProxyError {
        ProxyError::InvalidPath("does not form a valid ConnectWise URL")
    }
    let uri: Uri = format!("/v4_6_release/apis/3.0/{rest}").parse().map_err(invalid)?;
    let host = HeaderValue::try_from(authority.as_str()).map_err(invalid)?;
    log.set_cw_host(authority.clone());
    // Nothing that refers into the browser's request head (the connection's read buffer) outlives this
    // block: the upstream request is built from copies, so hyper can reuse that buffer while the
    // request waits upstream instead of allocating another.
    let upstream_request = {
        let (parts, incoming) = request.into_parts();
        let mut headers = strip::upstream_request_headers(&parts.headers, &credentials, host);
        let body = body::read_request_body(incoming, state.max_body, state.body_timeout).await?;
        if body.is_empty() && matches!(parts.method, Method::POST | Method::PUT | Method::PATCH) {
            // IIS (ConnectWise) answers 411 to a POST, PUT or PATCH without a length, even an empty one.
            headers.insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
        }
        let mut upstream_request = Request::new(body);
        *upstream_request.method_mut() = parts.method;
        *upstream_request.uri_mut() = uri;
        *upstream_request.headers_mut() = headers;
        upstream_request
    };
    let mut response = state.upstream.send(authority, upstream_request).await?;
    strip::clean_response_headers(response.headers_mut());
    Ok(response)
}

fn healthz(state: &State, method: &Method) -> Result<Response<ProxyBody>, ProxyError> {
    if method != Method::GET && method != Method::HEAD {
        return Err(ProxyError::MethodNotAllowed { allow: "GET, HEAD" });
    }
    let mode = if state.credentials.is_some() { CredentialsMode::Proxy } else { CredentialsMode::Browser };
    Ok(healthz::response(mode))
}
