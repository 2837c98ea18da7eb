//! Bad input gets a clear JSON error and never reaches ConnectWise. Each test ends with one good
//! request, so "the upstream saw exactly one request" proves none of the bad ones got through.

mod common;

use common::*;

/// Asserts that only the final good request reached the upstream.
async fn assert_only_the_good_request_arrived(proxy: &Proxy, upstream: &Upstream) {
    let good = proxy.cw("GET", "/cw/company/companies?good=1", upstream).body(empty()).unwrap();
    assert_eq!(proxy.send(good).await.status, 200);
    let seen = upstream.requests();
    assert_eq!(seen.len(), 1, "a refused request reached ConnectWise: {seen:?}");
    assert_eq!(seen[0].target, "/v4_6_release/apis/3.0/company/companies?good=1");
}

#[tokio::test]
async fn missing_or_malformed_cw_headers_are_400() {
    let upstream = Upstream::echo().await;
    let proxy = Proxy::start(&upstream.proxy_args()).await;
    let base = || proxy.bare("GET", "/cw/company/companies").header("origin", ORIGIN);
    let host = upstream.host();
    let cases: Vec<(&str, hyper::http::request::Builder, &str)> = vec![
        ("no x-cw-host", base().header("x-cw-auth", AUTH).header("x-cw-client-id", CLIENT_ID), "MissingHeader"),
        ("no x-cw-auth", base().header("x-cw-host", &host).header("x-cw-client-id", CLIENT_ID), "MissingHeader"),
        ("no client id", base().header("x-cw-host", &host).header("x-cw-auth", AUTH), "MissingHeader"),
        (
            "client id not a UUID",
            base().header("x-cw-host", &host).header("x-cw-auth", AUTH).header("x-cw-client-id", "my-client"),
            "InvalidHeader",
        ),
        (
            "auth not base64",
            base().header("x-cw-host", &host).header("x-cw-auth", "co+pub:priv").header("x-cw-client-id", CLIENT_ID),
            "InvalidHeader",
        ),
        (
            "auth without company+public:private",
            // base64("company:private")
            base()
                .header("x-cw-host", &host)
                .header("x-cw-auth", "Y29tcGFueTpwcml2YXRl")
                .header("x-cw-client-id", CLIENT_ID),
            "InvalidHeader",
        ),
        (
            "auth sent twice",
            base()
                .header("x-cw-host", &host)
                .header("x-cw-auth", AUTH)
                .header("x-cw-auth", AUTH)
                .header("x-cw-client-id", CLIENT_ID),
            "InvalidHeader",
        ),
        (
            "tab inside host",
            base()
                .header("x-cw-host", host.replacen('h', "\th", 1))
                .header("x-cw-auth", AUTH)
                .header("x-cw-client-id", CLIENT_ID),
            "InvalidHeader",
        ),
    ];
    for (what, builder, code) in cases {
        let answer = proxy.send(builder.body(empty()).unwrap()).await;
        assert_eq!(answer.status, 400, "{what}");
        assert_eq!(answer.code(), code, "{what}");
        assert!(answer.json()["message"].as_str().unwrap().starts_with("cw-proxy:"), "{what}");
        assert!(!String::from_utf8_lossy(&answer.body).contains(PRIVATE_KEY), "{what}");
        assert_eq!(answer.header("access-control-allow-origin"), Some(ORIGIN), "errors are CORS-readable");
    }
    assert_only_the_good_request_arrived(&proxy, &upstream).await;
}

#[tokio::test]
async fn cr_or_lf_inside_a_header_never_reaches_connectwise() {
    let upstream = Upstream::echo().await;
    let proxy = Proxy::start(&upstream.proxy_args()).await;
    for injected in [
        format!("x-cw-host: {}\rX-Evil: 1", upstream.host()),
        format!("x-cw-client-id: {CLIENT_ID}\r\n x-folded: continuation"),
        format!("x-cw-auth: {AUTH}\0"),
    ] {
        let raw = format!(
            "GET /cw/company/companies HTTP/1.1\r\nHost: {}\r\nx-cw-host: {}\r\nx-cw-auth: {AUTH}\r\nx-cw-client-id: {CLIENT_ID}\r\n{injected}\r\nConnection: close\r\n\r\n",
            proxy.host(),
            upstream.host()
        );
        let response = send_raw(proxy.addr, raw.as_bytes()).await;
        assert_eq!(raw_status(&response), 400, "{injected:?} -> {response}");
    }
    assert_only_the_good_request_arrived(&proxy, &upstream).await;
}

#[tokio::test]
async fn traversal_and_encoded_separators_are_400() {
    let upstream = Upstream::echo().await;
    let proxy = Proxy::start(&upstream.proxy_args()).await;
    for path in [
        "/cw/../admin",
        "/cw/company/../../system/members",
        "/cw/./company/companies",
        "/cw/company/%2e%2e/system",
        "/cw/company/%2E%2e/system",
        "/cw/company%2fcompanies",
        "/cw/company%2Fcompanies",
        "/cw/company%5ccompanies",
        "/cw/company%5Ccompanies",
    ] {
        let answer = proxy.send(proxy.cw("GET", path, &upstream).body(empty()).unwrap()).await;
        assert_eq!(answer.status, 400, "{path}");
        assert_eq!(answer.code(), "InvalidPath", "{path}");
    }
    // A literal backslash cannot even be put in a client-side URI; send it raw.
    let raw = format!(
        "GET /cw/company\\..\\system HTTP/1.1\r\nHost: {}\r\nx-cw-host: {}\r\nx-cw-auth: {AUTH}\r\nx-cw-client-id: {CLIENT_ID}\r\nConnection: close\r\n\r\n",
        proxy.host(),
        upstream.host()
    );
    assert_eq!(raw_status(&send_raw(proxy.addr, raw.as_bytes()).await), 400);
    // An absolute-form target (what an open forward proxy would accept) is refused too.
    let raw = format!(
        "GET https://evil.example/cw/company HTTP/1.1\r\nHost: {}\r\nx-cw-host: {}\r\nx-cw-auth: {AUTH}\r\nx-cw-client-id: {CLIENT_ID}\r\nConnection: close\r\n\r\n",
        proxy.host(),
        upstream.host()
    );
    assert_eq!(raw_status(&send_raw(proxy.addr, raw.as_bytes()).await), 400);
    assert_only_the_good_request_arrived(&proxy, &upstream).await;
}

#[tokio::test]
async fn hosts_outside_the_allowlist_are_403_including_tricks() {
    let upstream = Upstream::echo().await;
    let mut args = upstream.proxy_args();
    args.extend(["--allow-host".into(), "*.myconnectwise.net".into()]);
    let proxy = Proxy::start(&args).await;
    let port = upstream.addr.port();
    for host in [
        "evil.example.com".to_owned(),
        "na.myconnectwise.net.evil.com".to_owned(),
        "myconnectwise.net".to_owned(),
        "na.myconnectwise.net:8443".to_owned(),
        format!("user@localhost:{port}"),
        format!("localhost:{port}@evil.com"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
        "169.254.169.254".to_owned(),
        format!("localhost:{}", port.wrapping_add(1)),
        "localhost".to_owned(),
        format!("localhost.:{port}"),
        format!("https://localhost:{port}"),
        format!("localhost:{port}/x"),
    ] {
        let mut request = proxy.cw("GET", "/cw/company/companies", &upstream).body(empty()).unwrap();
        request.headers_mut().insert("x-cw-host", host.parse().unwrap());
        let answer = proxy.send(request).await;
        assert_eq!(answer.status, 403, "{host}");
        assert_eq!(answer.code(), "HostNotAllowed", "{host}");
    }
    assert_only_the_good_request_arrived(&proxy, &upstream).await;
}

#[tokio::test]
async fn origins_outside_the_allowlist_are_403() {
    let upstream = Upstream::echo().await;
    let proxy = Proxy::start(&upstream.proxy_args()).await;
    for origin in [
        "http://evil.example",
        "http://localhost:8081",
        "https://localhost:8080",
        "null",
        "http://localhost:8080.evil.example",
    ] {
        let mut request = proxy.cw("GET", "/cw/company/companies", &upstream).body(empty()).unwrap();
        request.headers_mut().insert("origin", origin.parse().unwrap());
        let answer = proxy.send(request).await;
        assert_eq!(answer.status, 403, "{origin}");
        assert_eq!(answer.code(), "OriginNotAllowed");
        assert!(answer.headers.get("access-control-allow-origin").is_none(), "{origin} must not be able to read it");
    }
    assert_only_the_good_request_arrived(&proxy, &upstream).await;
}

#[tokio::test]
async fn host_headers_naming_other_hosts_are_refused_on_loopback() {
    let upstream = Upstream::echo().await;
    let proxy = Proxy::start(&upstream.proxy_args()).await;
    let port = proxy.addr.port();
    for host in [
        format!("evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        "localhost".into(),
        format!("127.0.0.1:{}", port + 1),
    ] {
        let mut request = proxy.cw("GET", "/cw/company/companies", &upstream).body(empty()).unwrap();
        request.headers_mut().insert("host", host.parse().unwrap());
        let answer = proxy.send(request).await;
        assert_eq!(answer.status, 403, "{host}");
        assert_eq!(answer.code(), "HostHeaderNotAllowed");
    }
    // Two Host headers, the first one harmless: refused as a whole.
    let mut request = proxy.cw("GET", "/cw/company/companies", &upstream).body(empty()).unwrap();
    request.headers_mut().append("host", format!("evil.example:{port}").parse().unwrap());
    assert_eq!(proxy.send(request).await.status, 403);
    for host in [format!("localhost:{port}"), format!("[::1]:{port}"), format!("LocalHost:{port}")] {
        let mut request = proxy.bare("GET", "/healthz").body(empty()).unwrap();
        request.headers_mut().insert("host", host.parse().unwrap());
        assert_eq!(proxy.send(request).await.status, 200, "{host}");
    }
    assert_only_the_good_request_arrived(&proxy, &upstream).await;
}

#[tokio::test]
async fn unknown_paths_are_404_and_other_methods_405() {
    let upstream = Upstream::echo().await;
    let proxy = Proxy::start(&upstream.proxy_args()).await;
    for path in
        ["/", "/cw", "/cw/", "/api/company/companies", "/v4_6_release/apis/3.0/company/companies", "/CW/company"]
    {
        let answer = proxy.send(proxy.cw("GET", path, &upstream).body(empty()).unwrap()).await;
        assert_eq!(answer.status, 404, "{path}");
        assert_eq!(answer.code(), "NotFound");
    }
    for method in ["HEAD", "TRACE", "PROPFIND"] {
        let answer = proxy.send(proxy.cw(method, "/cw/company/companies", &upstream).body(empty()).unwrap()).await;
        assert_eq!(answer.status, 405, "{method}");
        assert_eq!(answer.header("allow"), Some("GET, POST, PATCH, PUT, DELETE, OPTIONS"));
    }
    assert_only_the_good_request_arrived(&proxy, &upstream).await;
}

#[tokio::test]
async fn bodies_over_max_body_are_413_before_anything_is_sent() {
    let upstream = Upstream::echo().await;
    let mut args = upstream.proxy_args();
    args.extend(["--max-body".into(), "1000".into()]);
    let proxy = Proxy::start(&args).await;
    let declared = proxy.cw("POST", "/cw/company/companies", &upstream).body(full(vec![b'x'; 1001])).unwrap();
    let answer = proxy.send(declared).await;
    assert_eq!(answer.status, 413);
    assert_eq!(answer.code(), "PayloadTooLarge");

    let chunks = vec![bytes::Bytes::from(vec![b'x'; 600]), bytes::Bytes::from(vec![b'y'; 600])];
    let chunked = proxy.cw("PUT", "/cw/company/companies/1", &upstream).body(Chunked(chunks)).unwrap();
    let answer = send_on_new_connection(proxy.addr, chunked).await;
    assert_eq!(answer.status, 413);
    assert_eq!(upstream.connections(), 0, "nothing was sent upstream");

    let at_limit = proxy.cw("POST", "/cw/company/companies", &upstream).body(full(vec![b'x'; 1000])).unwrap();
    assert_eq!(proxy.send(at_limit).await.status, 200);
    assert_eq!(upstream.requests().len(), 1);
}
