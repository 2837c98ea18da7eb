//! The authorize phase: which ConnectWise credentials a request goes out with.
//!
//! In browser mode the browser sends them (`x-cw-host`, `x-cw-auth`, `x-cw-client-id`), each checked
//! for shape and the host against `--allow-host`. In server-held mode (`--credentials`) they come
//! from the file, and the browser must instead present `x-cw-proxy-token` when one is configured.

use crate::credentials::ServerCredentials;
use crate::error::ProxyError;
use crate::host_policy::{HostPolicy, Target};
use crate::origin_policy::OriginDecision;
use crate::request_check::{check_auth, check_client_id, required_header, single_header};
use hyper::header::{HeaderName, HeaderValue};

/// The browser's ConnectWise host.
pub static HOST_HEADER: HeaderName = HeaderName::from_static("x-cw-host");
/// The browser's `base64(company+public:private)`.
pub static AUTH_HEADER: HeaderName = HeaderName::from_static("x-cw-auth");
/// The browser's ConnectWise client id.
pub static CLIENT_ID_HEADER: HeaderName = HeaderName::from_static("x-cw-client-id");
/// The browser's proof that it may use server-held credentials.
pub static TOKEN_HEADER: HeaderName = HeaderName::from_static("x-cw-proxy-token");

/// Where a request goes and what it carries. `authorization` is marked sensitive, so hyper never
/// prints it and HPACK-style encoders never index it.
#[derive(Debug, Clone)]
pub struct CwCredentials {
    /// The ConnectWise host and port.
    pub target: Target,
    /// `Basic {base64}`.
    pub authorization: HeaderValue,
    /// The `clientId` value.
    pub client_id: HeaderValue,
}

impl CwCredentials {
    /// Builds the header values; fails only if a value cannot be a header (already checked upstream).
    pub fn new(target: Target, basic: &str, client_id: &str) -> Result<CwCredentials, ProxyError> {
        let invalid = |name: &'static HeaderName| ProxyError::MalformedHeader {
            name: name.as_str(),
            reason: "is not a valid header value",
        };
        let mut authorization = HeaderValue::try_from(format!("Basic {basic}")).map_err(|_| invalid(&AUTH_HEADER))?;
        authorization.set_sensitive(true);
        let client_id = HeaderValue::try_from(client_id).map_err(|_| invalid(&CLIENT_ID_HEADER))?;
        Ok(CwCredentials { target, authorization, client_id })
    }
}

/// Decides the credentials for one request.
pub fn authorize(
    headers: &hyper::HeaderMap,
    hosts: &HostPolicy,
    server: Option<&ServerCredentials>,
    origin: &OriginDecision,
) -> Result<CwCredentials, ProxyError> {
    match server {
        Some(server) => server_held(headers, server, origin),
        None => browser_sent(headers, hosts),
    }
}

fn browser_sent(headers: &hyper::HeaderMap, hosts: &HostPolicy) -> Result<CwCredentials, ProxyError> {
    let host = required_header(headers, &HOST_HEADER)?;
    let auth = required_header(headers, &AUTH_HEADER)?;
    let client_id = required_header(headers, &CLIENT_ID_HEADER)?;
    check_auth(auth)?;
    check_client_id(client_id)?;
    let target = hosts.check(host)?;
    CwCredentials::new(target, auth, client_id)
}

fn server_held(
    headers: &hyper::HeaderMap,
    server: &ServerCredentials,
    origin: &OriginDecision,
) -> Result<CwCredentials, ProxyError> {
    if single_header(headers, &AUTH_HEADER)?.is_some() {
        return Err(ProxyError::MalformedHeader {
            name: AUTH_HEADER.as_str(),
            reason: "must not be sent: this proxy holds the ConnectWise credentials",
        });
    }
    let token = single_header(headers, &TOKEN_HEADER)?;
    if !server.token_accepts(token.map(str::as_bytes)) {
        return Err(ProxyError::Unauthorized);
    }
    // Without a token (loopback only), an allowed Origin is what tells a console page from any other
    // page the user has open: a form post or <img> from elsewhere never gets to spend the keys.
    if server.access_token.is_none() && !matches!(origin, OriginDecision::Allowed(_)) {
        return Err(ProxyError::OriginNotAllowed);
    }
    CwCredentials::new(server.host.clone(), server.auth.expose(), &server.client_id)
}
