//! The strip phase: which browser headers reach ConnectWise (an allowlist), and which ConnectWise
//! headers reach the browser (everything but hop-by-hop, cookies and CORS headers).

use crate::authorize::CwCredentials;
use hyper::header::{self, HeaderMap, HeaderName, HeaderValue};

/// Browser request headers forwarded to ConnectWise; everything else (cookies, `Origin`, `Referer`,
/// `Authorization`, every `x-cw-*`, hop-by-hop headers...) is dropped.
pub static FORWARDED_REQUEST_HEADERS: [HeaderName; 9] = [
    header::ACCEPT,
    header::ACCEPT_ENCODING,
    header::ACCEPT_LANGUAGE,
    header::CACHE_CONTROL,
    header::IF_MATCH,
    header::IF_NONE_MATCH,
    header::IF_MODIFIED_SINCE,
    header::IF_UNMODIFIED_SINCE,
    PAGINATION_TYPE,
];

/// ConnectWise's paging header (`pagination-type: forward-only`).
const PAGINATION_TYPE: HeaderName = HeaderName::from_static("pagination-type");

/// Response headers never passed back: hop-by-hop ones, cookies (the console has no use for a
/// ConnectWise session) and headers that only make sense between the browser and ConnectWise.
static DROPPED_RESPONSE_HEADERS: [HeaderName; 12] = [
    header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    HeaderName::from_static("proxy-connection"),
    header::PROXY_AUTHENTICATE,
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
    header::SET_COOKIE,
    HeaderName::from_static("set-cookie2"),
    header::ALT_SVC,
    header::STRICT_TRANSPORT_SECURITY,
];

/// ConnectWise's client id header (`clientId`; header names are case-insensitive on the wire).
const CLIENT_ID: HeaderName = HeaderName::from_static("clientid");

/// What ConnectWise is told it is talking to.
const USER_AGENT: HeaderValue = HeaderValue::from_static(concat!("cw-proxy/", env!("CARGO_PKG_VERSION")));

/// The headers ConnectWise receives: the allowlisted browser headers plus `Host`, `Authorization`,
/// `clientId`, `Content-Type: application/json` and the proxy's `User-Agent`.
///
/// The browser's values are copied, not shared: hyper parses them as slices of the connection's read
/// buffer, and a shared slice would keep that buffer alive while the request waits for an upstream
/// connection, so hyper would need a second one to go on reading (8 KB per waiting connection).
pub fn upstream_request_headers(browser: &HeaderMap, credentials: &CwCredentials, host: HeaderValue) -> HeaderMap {
    let forwarded = || browser.iter().filter(|(name, _)| FORWARDED_REQUEST_HEADERS.contains(name));
    // Sized to fit (with room for the `Content-Length` of an empty body) so it never grows.
    let mut headers = HeaderMap::with_capacity(forwarded().count() + 6);
    for (name, value) in forwarded() {
        headers.append(name.clone(), owned(value));
    }
    headers.insert(header::HOST, host);
    headers.insert(header::AUTHORIZATION, credentials.authorization.clone());
    headers.insert(CLIENT_ID, credentials.client_id.clone());
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(header::USER_AGENT, USER_AGENT);
    headers
}

/// A copy of `value` in its own allocation.
fn owned(value: &HeaderValue) -> HeaderValue {
    // Cannot fail: the bytes already form a valid value.
    HeaderValue::from_bytes(value.as_bytes()).unwrap_or_else(|_| value.clone())
}

/// Removes what must not reach the browser from ConnectWise's response headers.
pub fn clean_response_headers(headers: &mut HeaderMap) {
    // One pass over what ConnectWise sent; usually nothing matches and nothing is allocated.
    let mut dropped: Vec<HeaderName> = headers
        .keys()
        .filter(|name| DROPPED_RESPONSE_HEADERS.contains(name) || name.as_str().starts_with("access-control-"))
        .cloned()
        .collect();
    // Headers named in `Connection` are hop-by-hop too.
    dropped.extend(
        headers
            .get_all(header::CONNECTION)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|name| HeaderName::from_bytes(name.trim().as_bytes()).ok()),
    );
    for name in dropped {
        headers.remove(name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host_policy::Target;

    fn credentials() -> CwCredentials {
        CwCredentials::new(
            Target::parse("na.myconnectwise.net").unwrap(),
            "Y28rcHViOnByaXY=",
            "0b3f2a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
        )
        .unwrap()
    }

    #[test]
    fn only_allowlisted_browser_headers_are_forwarded() {
        let mut browser = HeaderMap::new();
        for (name, value) in [
            ("accept", "application/json"),
            ("pagination-type", "forward-only"),
            ("cookie", "session=1"),
            ("origin", "http://localhost:8080"),
            ("referer", "http://localhost:8080/"),
            ("authorization", "Bearer browser"),
            ("x-cw-auth", "Y28rcHViOnByaXY="),
            ("x-cw-host", "na.myconnectwise.net"),
            ("content-type", "text/plain"),
            ("x-forwarded-for", "1.2.3.4"),
        ] {
            browser.append(name, HeaderValue::from_static(value));
        }
        let out = upstream_request_headers(&browser, &credentials(), HeaderValue::from_static("na.myconnectwise.net"));
        let mut names: Vec<&str> = out.keys().map(HeaderName::as_str).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            ["accept", "authorization", "clientid", "content-type", "host", "pagination-type", "user-agent"]
        );
        assert_eq!(out[header::HOST], "na.myconnectwise.net");
        let accept = |map: &HeaderMap| map[header::ACCEPT].as_bytes().as_ptr();
        assert_ne!(accept(&out), accept(&browser), "copied, so the browser's request head can be freed");
        assert_eq!(out[header::AUTHORIZATION], "Basic Y28rcHViOnByaXY=");
        assert!(out[header::AUTHORIZATION].is_sensitive());
        assert_eq!(out[header::CONTENT_TYPE], "application/json");
    }

    #[test]
    fn cookies_cors_and_hop_by_hop_headers_are_dropped_from_responses() {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("set-cookie", "a=1"),
            ("access-control-allow-origin", "*"),
            ("access-control-allow-credentials", "true"),
            ("connection", "keep-alive, x-hop"),
            ("x-hop", "1"),
            ("transfer-encoding", "chunked"),
            ("link", "<https://x/?page=2>; rel=\"next\""),
            ("x-cw-request-id", "abc"),
            ("content-type", "application/json"),
        ] {
            headers.append(name, HeaderValue::from_static(value));
        }
        clean_response_headers(&mut headers);
        let mut names: Vec<&str> = headers.keys().map(HeaderName::as_str).collect();
        names.sort_unstable();
        assert_eq!(names, ["content-type", "link", "x-cw-request-id"]);
    }
}
