//! The CORS phase: preflights answered locally, and CORS headers added to every response from an
//! allowed origin (errors included, so the console can read them).

use crate::body::{self, ProxyBody};
use crate::origin_policy::OriginDecision;
use hyper::header::{self, HeaderMap, HeaderName, HeaderValue};
use hyper::{Response, StatusCode};

/// Methods the browser may use (`Access-Control-Allow-Methods`).
pub const ALLOWED_METHODS: &str = "GET, POST, PATCH, PUT, DELETE";

/// Request headers the browser may send (`Access-Control-Allow-Headers`).
pub const ALLOWED_HEADERS: &str = "x-cw-host, x-cw-auth, x-cw-client-id, x-cw-proxy-token, pagination-type, \
     content-type, accept, if-match, if-none-match, if-modified-since, if-unmodified-since, cache-control";

/// Response headers the browser may read (`Access-Control-Expose-Headers`).
pub const EXPOSED_HEADERS: &str = "Link, Retry-After, x-cw-request-id, api-current-version";

/// How long a browser may cache a preflight, in seconds (Chromium caps this at 7200).
pub const PREFLIGHT_MAX_AGE_SECS: &str = "7200";

const ALLOW_PRIVATE_NETWORK: &str = "access-control-allow-private-network";
const REQUEST_PRIVATE_NETWORK: &str = "access-control-request-private-network";

/// Answers an `OPTIONS` preflight without contacting ConnectWise. (A denied origin never gets here.)
pub fn preflight(request_headers: &HeaderMap) -> Response<ProxyBody> {
    let mut response = Response::new(body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static(ALLOWED_METHODS));
    headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static(ALLOWED_HEADERS));
    headers.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static(PREFLIGHT_MAX_AGE_SECS));
    // Chromium's Private Network Access asks before a public page may call a proxy on loopback/LAN.
    if request_headers.get(REQUEST_PRIVATE_NETWORK).is_some_and(|v| v == "true") {
        headers.insert(HeaderName::from_static(ALLOW_PRIVATE_NETWORK), HeaderValue::from_static("true"));
    }
    headers.append(header::VARY, HeaderValue::from_static("Access-Control-Request-Method"));
    headers.append(header::VARY, HeaderValue::from_static("Access-Control-Request-Headers"));
    response
}

/// Adds the CORS headers for this origin to a finished response. Upstream CORS headers were already
/// dropped, so exactly one `Access-Control-Allow-Origin` goes out.
pub fn finish(response: &mut Response<ProxyBody>, origin: &OriginDecision) {
    let headers = response.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    if let OriginDecision::Allowed(value) = origin {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value.clone());
        headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static(EXPOSED_HEADERS));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preflight_lists_methods_headers_and_private_network() {
        let mut request = HeaderMap::new();
        request.insert(HeaderName::from_static(REQUEST_PRIVATE_NETWORK), HeaderValue::from_static("true"));
        let mut response = preflight(&request);
        finish(&mut response, &OriginDecision::Allowed(HeaderValue::from_static("http://localhost:8080")));
        let h = response.headers();
        assert_eq!(response.status(), 204);
        assert_eq!(h[header::ACCESS_CONTROL_ALLOW_ORIGIN], "http://localhost:8080");
        assert!(h[header::ACCESS_CONTROL_ALLOW_HEADERS].to_str().unwrap().contains("pagination-type"));
        assert_eq!(h[ALLOW_PRIVATE_NETWORK], "true");
        assert!(h.get_all(header::VARY).iter().any(|v| v == "Origin"));
    }

    #[test]
    fn no_allow_origin_without_an_allowed_origin() {
        let mut response = Response::new(body::empty());
        finish(&mut response, &OriginDecision::Absent);
        assert!(response.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
    }
}
