//! The validate phase: the request target, the `Host` header and the shape of each `x-cw-*` header.
//! Nothing here looks at allowlists or credentials; it only refuses what is malformed.

use crate::error::ProxyError;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hyper::Uri;
use hyper::header::{HeaderMap, HeaderName};

/// The prefix of every proxied path.
pub const CW_PREFIX: &str = "/cw/";

/// The health endpoint.
pub const HEALTHZ_PATH: &str = "/healthz";

/// Where a request goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route<'a> {
    /// `GET /healthz`.
    Healthz,
    /// `/cw/{rest}`: `rest` is the path below the ConnectWise API root plus `?query`, byte for byte.
    ConnectWise(&'a str),
}

/// Routes a request target, refusing anything but a clean origin-form path below `/cw/`.
pub fn route(uri: &Uri) -> Result<Route<'_>, ProxyError> {
    if uri.scheme().is_some() || uri.authority().is_some() {
        return Err(ProxyError::InvalidPath("must be a path, not an absolute URL"));
    }
    let path_and_query = uri.path_and_query().map_or("/", |pq| pq.as_str());
    if uri.path() == HEALTHZ_PATH {
        return Ok(Route::Healthz);
    }
    let rest = path_and_query.strip_prefix(CW_PREFIX).ok_or(ProxyError::NotFound)?;
    let path = rest.split_once('?').map_or(rest, |(path, _)| path);
    if path.is_empty() {
        return Err(ProxyError::NotFound);
    }
    check_path(path)?;
    Ok(Route::ConnectWise(rest))
}

/// Refuses traversal and encoded separators in the path (the query is forwarded untouched, since
/// `conditions=company%2Fid%3D5` is exactly what ConnectWise expects there).
fn check_path(path: &str) -> Result<(), ProxyError> {
    if path.split('/').any(|segment| segment == "." || segment == "..") || path.contains("..") {
        return Err(ProxyError::InvalidPath("must not contain '..' or '.' segments"));
    }
    if path.contains('\\') {
        return Err(ProxyError::InvalidPath("must not contain a backslash"));
    }
    let bytes = path.as_bytes();
    for (at, _) in path.match_indices('%') {
        let escaped = bytes.get(at + 1..at + 3).map(|hex| [hex[0].to_ascii_lowercase(), hex[1].to_ascii_lowercase()]);
        if matches!(escaped, Some([b'2', b'e' | b'f'] | [b'5', b'c'] | [b'0', b'0'])) {
            return Err(ProxyError::InvalidPath("must not contain encoded dots, slashes, backslashes or NUL"));
        }
    }
    Ok(())
}

/// True when the one `Host` header names this proxy on loopback: `localhost`, `127.0.0.1` or `[::1]`
/// with the listening port (the port may be left out only when it is 80). Anything else is a page
/// that reached us through a DNS name it controls (DNS rebinding).
pub fn is_loopback_host_header(headers: &HeaderMap, port: u16) -> bool {
    let mut values = headers.get_all(hyper::header::HOST).iter();
    let (Some(host), None) = (values.next(), values.next()) else { return false };
    let Ok(host) = host.to_str() else { return false };
    let (name, given_port) = match host.rsplit_once(':') {
        Some((name, p)) if !name.ends_with(':') && (name.ends_with(']') || !name.contains(':')) => (name, Some(p)),
        _ => (host, None),
    };
    let port_ok = match given_port {
        Some(p) => p.parse::<u16>().ok() == Some(port) && !p.starts_with('0'),
        None => port == 80,
    };
    port_ok && ["localhost", "127.0.0.1", "[::1]"].iter().any(|loopback| name.eq_ignore_ascii_case(loopback))
}

/// The single value of a header as visible ASCII, `None` when absent. Control characters (CR, LF,
/// NUL, TAB...), non-ASCII bytes and repeated headers are refused.
pub fn single_header<'a>(headers: &'a HeaderMap, header: &'static HeaderName) -> Result<Option<&'a str>, ProxyError> {
    let name = header.as_str();
    let mut values = headers.get_all(header).iter();
    let Some(value) = values.next() else { return Ok(None) };
    if values.next().is_some() {
        return Err(ProxyError::MalformedHeader { name, reason: "is sent more than once" });
    }
    if value.as_bytes().iter().any(|b| !(0x20..0x7f).contains(b)) {
        return Err(ProxyError::MalformedHeader { name, reason: "contains control or non-ASCII characters" });
    }
    let text = value.to_str().map_err(|_| ProxyError::MalformedHeader { name, reason: "is not ASCII" })?;
    if text.trim().is_empty() {
        return Err(ProxyError::MalformedHeader { name, reason: "is empty" });
    }
    Ok(Some(text))
}

/// Like [`single_header`], but absence is an error.
pub fn required_header<'a>(headers: &'a HeaderMap, header: &'static HeaderName) -> Result<&'a str, ProxyError> {
    single_header(headers, header)?.ok_or(ProxyError::MissingHeader(header.as_str()))
}

/// A ConnectWise client id: a UUID in its 8-4-4-4-12 hex form.
pub fn check_client_id(value: &str) -> Result<(), ProxyError> {
    let groups: Vec<&str> = value.split('-').collect();
    let lengths_ok = groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12]);
    if lengths_ok && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_hexdigit())) {
        Ok(())
    } else {
        Err(ProxyError::MalformedHeader { name: "x-cw-client-id", reason: "is not a UUID" })
    }
}

/// `x-cw-auth`: standard base64 of `company+publicKey:privateKey`, each part non-empty and printable.
pub fn check_auth(value: &str) -> Result<(), ProxyError> {
    const NAME: &str = "x-cw-auth";
    let decoded =
        STANDARD.decode(value).map_err(|_| ProxyError::MalformedHeader { name: NAME, reason: "is not base64" })?;
    let shape = || ProxyError::MalformedHeader { name: NAME, reason: "must be base64 of company+publicKey:privateKey" };
    let text = std::str::from_utf8(&decoded).map_err(|_| shape())?;
    if text.chars().any(char::is_control) {
        return Err(shape());
    }
    let (user, private_key) = text.split_once(':').ok_or_else(shape)?;
    let (company, public_key) = user.split_once('+').ok_or_else(shape)?;
    if company.is_empty() || public_key.is_empty() || private_key.is_empty() {
        return Err(shape());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::header::HeaderValue;

    fn route_of(target: &str) -> Result<Route<'static>, ProxyError> {
        let uri: &'static Uri = Box::leak(Box::new(target.parse().unwrap()));
        route(uri)
    }

    #[test]
    fn the_query_is_kept_byte_for_byte() {
        assert_eq!(
            route_of("/cw/company/contacts?conditions=company%2Fid%3D5&pageSize=100").unwrap(),
            Route::ConnectWise("company/contacts?conditions=company%2Fid%3D5&pageSize=100")
        );
        assert_eq!(route_of("/healthz").unwrap(), Route::Healthz);
        assert_eq!(route_of("/healthz?x=1").unwrap(), Route::Healthz);
    }

    #[test]
    fn traversal_and_encoded_separators_are_refused() {
        for bad in [
            "/cw/../admin",
            "/cw/company/../../x",
            "/cw/./company",
            "/cw/company/%2e%2e/x",
            "/cw/company/%2E%2E/x",
            "/cw/company%2fcompanies",
            "/cw/company%2Fcompanies",
            "/cw/company%5ccompanies",
            "/cw/company%5Ccompanies",
            "/cw/company%00",
            "/cw/a..b",
        ] {
            assert_eq!(route_of(bad).unwrap_err().status(), 400, "{bad}");
        }
    }

    #[test]
    fn only_cw_and_healthz_exist() {
        for missing in ["/", "/cw", "/cw/", "/cw/?x=1", "/api/company", "/CW/company/companies", "/healthz/x"] {
            assert_eq!(route_of(missing).unwrap_err(), ProxyError::NotFound, "{missing}");
        }
        assert_eq!(route_of("http://evil.example/cw/company").unwrap_err().status(), 400);
    }

    #[test]
    fn loopback_host_headers() {
        let ok = |h: &str, port| {
            let mut headers = HeaderMap::new();
            headers.insert(hyper::header::HOST, HeaderValue::from_str(h).unwrap());
            is_loopback_host_header(&headers, port)
        };
        assert!(ok("localhost:3001", 3001));
        assert!(ok("127.0.0.1:3001", 3001));
        assert!(ok("[::1]:3001", 3001));
        assert!(ok("LOCALHOST:3001", 3001));
        assert!(ok("localhost", 80));
        assert!(!ok("localhost", 3001));
        assert!(!ok("localhost:3002", 3001));
        assert!(!ok("evil.example:3001", 3001));
        assert!(!ok("localhost.evil.example:3001", 3001));
        assert!(!ok("127.0.0.2:3001", 3001));
        assert!(!is_loopback_host_header(&HeaderMap::new(), 3001));
        let mut two = HeaderMap::new();
        two.append(hyper::header::HOST, HeaderValue::from_static("localhost:3001"));
        two.append(hyper::header::HOST, HeaderValue::from_static("evil.example:3001"));
        assert!(!is_loopback_host_header(&two, 3001), "a second Host header is refused");
    }

    #[test]
    fn client_ids_must_be_uuids() {
        assert!(check_client_id("0b3f2a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b").is_ok());
        assert!(check_client_id("0B3F2A4E-1C2D-4E5F-8A9B-0C1D2E3F4A5B").is_ok());
        for bad in [
            "",
            "not-a-uuid",
            "0b3f2a4e1c2d4e5f8a9b0c1d2e3f4a5b",
            "0b3f2a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5",
            "0b3f2a4g-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
        ] {
            assert!(check_client_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn auth_must_be_base64_of_the_compound_user() {
        let encode = |s: &str| STANDARD.encode(s);
        assert!(check_auth(&encode("mycompany+abc123PUBLIC:xyz789PRIVATE")).is_ok());
        assert!(check_auth(&encode("co+pub:priv:with:colons")).is_ok());
        assert!(check_auth("not base64!").is_err());
        for bad in ["mycompany:priv", "mycompany+pub", "+pub:priv", "co+:priv", "co+pub:", "co+pub:pr\niv"] {
            assert!(check_auth(&encode(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn headers_with_control_characters_or_repeats_are_refused() {
        let mut headers = HeaderMap::new();
        headers.insert("x-cw-host", HeaderValue::from_bytes(b"na.myconnectwise.net\t").unwrap());
        assert_eq!(single_header(&headers, &crate::authorize::HOST_HEADER).unwrap_err().status(), 400);
        headers.insert("x-cw-host", HeaderValue::from_static("a"));
        headers.append("x-cw-host", HeaderValue::from_static("b"));
        assert_eq!(single_header(&headers, &crate::authorize::HOST_HEADER).unwrap_err().status(), 400);
        assert_eq!(
            required_header(&HeaderMap::new(), &crate::authorize::HOST_HEADER).unwrap_err(),
            ProxyError::MissingHeader("x-cw-host")
        );
    }
}
