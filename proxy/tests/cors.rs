//! Preflights are answered by the proxy itself; CORS headers follow `--allow-origin`.

mod common;

use common::*;

fn preflight(proxy: &Proxy, origin: &str) -> hyper::Request<http_body_util::Full<bytes::Bytes>> {
    proxy
        .bare("OPTIONS", "/cw/company/contacts/9")
        .header("origin", origin)
        .header("access-control-request-method", "PATCH")
        .header("access-control-request-headers", "x-cw-host, x-cw-auth, x-cw-client-id, content-type, pagination-type")
        .body(empty())
        .unwrap()
}

#[tokio::test]
async fn preflight_is_answered_locally() {
    let upstream = Upstream::echo().await;
    let proxy = Proxy::start(&upstream.proxy_args()).await;
    let answer = proxy.send(preflight(&proxy, ORIGIN)).await;
    assert_eq!(answer.status, 204);
    assert_eq!(answer.header("access-control-allow-origin"), Some(ORIGIN));
    assert_eq!(answer.header("access-control-allow-methods"), Some("GET, POST, PATCH, PUT, DELETE"));
    let allowed = answer.header("access-control-allow-headers").unwrap();
    for name in
        ["x-cw-host", "x-cw-auth", "x-cw-client-id", "x-cw-proxy-token", "pagination-type", "content-type", "accept"]
    {
        assert!(allowed.contains(name), "{name} missing from {allowed}");
    }
    assert_eq!(answer.header("access-control-max-age"), Some("7200"));
    let vary: Vec<_> = answer.headers.get_all("vary").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    assert!(vary.contains(&"Origin".to_owned()), "{vary:?}");
    assert_eq!(upstream.connections(), 0, "a preflight never reaches ConnectWise");
}

#[tokio::test]
async fn preflight_from_another_origin_is_refused() {
    let proxy = Proxy::start(&[]).await;
    let answer = proxy.send(preflight(&proxy, "https://evil.example")).await;
    assert_eq!(answer.status, 403);
    assert!(answer.headers.get("access-control-allow-origin").is_none());
    assert!(answer.headers.get("access-control-allow-methods").is_none());
}

#[tokio::test]
async fn private_network_access_preflights_are_allowed_for_listed_origins() {
    let proxy = Proxy::start(&[]).await;
    let mut request = preflight(&proxy, ORIGIN);
    request.headers_mut().insert("access-control-request-private-network", "true".parse().unwrap());
    let answer = proxy.send(request).await;
    assert_eq!(answer.header("access-control-allow-private-network"), Some("true"));
}

#[tokio::test]
async fn star_is_used_only_when_configured() {
    let upstream = Upstream::echo().await;
    let mut args = upstream.proxy_args();
    args.extend(["--allow-origin".into(), "*".into()]);
    let proxy = Proxy::start(&args).await;
    let mut request = proxy.cw("GET", "/cw/company/companies", &upstream).body(empty()).unwrap();
    request.headers_mut().insert("origin", "https://anywhere.example".parse().unwrap());
    let answer = proxy.send(request).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("access-control-allow-origin"), Some("*"));

    // By default the matched origin is reflected, never `*`.
    let proxy = Proxy::start(&upstream.proxy_args()).await;
    let answer = proxy.send(proxy.cw("GET", "/cw/company/companies", &upstream).body(empty()).unwrap()).await;
    assert_eq!(answer.header("access-control-allow-origin"), Some(ORIGIN));
    let mut request = proxy.cw("GET", "/cw/company/companies", &upstream).body(empty()).unwrap();
    request.headers_mut().insert("origin", "http://127.0.0.1:8080".parse().unwrap());
    assert_eq!(proxy.send(request).await.header("access-control-allow-origin"), Some("http://127.0.0.1:8080"));
}

#[tokio::test]
async fn custom_origins_replace_the_defaults() {
    let upstream = Upstream::echo().await;
    let mut args = upstream.proxy_args();
    args.extend(["--allow-origin".into(), "https://console.msp.example".into()]);
    let proxy = Proxy::start(&args).await;
    let answer = proxy.send(proxy.cw("GET", "/cw/company/companies", &upstream).body(empty()).unwrap()).await;
    assert_eq!(answer.status, 403, "the default dev origin is no longer allowed");
    let mut request = proxy.cw("GET", "/cw/company/companies", &upstream).body(empty()).unwrap();
    request.headers_mut().insert("origin", "https://console.msp.example".parse().unwrap());
    let answer = proxy.send(request).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("access-control-allow-origin"), Some("https://console.msp.example"));
}

#[tokio::test]
async fn requests_without_origin_get_no_cors_headers() {
    let upstream = Upstream::echo().await;
    let proxy = Proxy::start(&upstream.proxy_args()).await;
    let mut request = proxy.cw("GET", "/cw/company/companies", &upstream).body(empty()).unwrap();
    request.headers_mut().remove("origin");
    let answer = proxy.send(request).await;
    assert_eq!(answer.status, 200);
    assert!(answer.headers.get("access-control-allow-origin").is_none());
}
