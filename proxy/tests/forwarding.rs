//! The contract end to end over real TLS: header rewrite, byte-exact URLs, every method with its body,
//! response passthrough and hygiene, redirects, connection reuse, `/healthz`.

mod common;

use bytes::Bytes;
use common::*;

#[tokio::test]
async fn headers_are_rewritten_and_browser_headers_dropped() {
    let upstream = Upstream::echo().await;
    let proxy = Proxy::start(&upstream.proxy_args()).await;
    let request = proxy
        .cw("GET", "/cw/company/companies", &upstream)
        .header("accept", "application/vnd.connectwise.com+json; version=2022.1")
        .header("pagination-type", "forward-only")
        .header("cookie", "session=abc")
        .header("referer", "http://localhost:8080/console")
        .header("authorization", "Bearer from-the-browser")
        .header("x-forwarded-for", "10.0.0.1")
        .header("x-cw-something-else", "1")
        .header("content-type", "text/plain")
        .body(empty())
        .unwrap();
    let answer = proxy.send(request).await;
    assert_eq!(answer.status, 200);

    let seen = &upstream.requests()[0];
    assert_eq!(seen.method, "GET");
    assert_eq!(seen.target, "/v4_6_release/apis/3.0/company/companies");
    assert_eq!(seen.header("authorization"), Some(format!("Basic {AUTH}").as_str()));
    assert_eq!(seen.header("clientid"), Some(CLIENT_ID));
    assert_eq!(seen.header("content-type"), Some("application/json"));
    assert_eq!(seen.header("accept"), Some("application/vnd.connectwise.com+json; version=2022.1"));
    assert_eq!(seen.header("pagination-type"), Some("forward-only"));
    assert_eq!(seen.header("host"), Some(upstream.host().as_str()));
    assert_eq!(
        seen.header_names(),
        ["accept", "authorization", "clientid", "content-type", "host", "pagination-type", "user-agent"],
        "only allowlisted headers reach ConnectWise"
    );
}

#[tokio::test]
async fn path_and_query_arrive_byte_for_byte() {
    let upstream = Upstream::echo().await;
    let proxy = Proxy::start(&upstream.proxy_args()).await;
    let targets = [
        "company/contacts?conditions=company%2Fid%3D5&pageSize=100",
        "company/companies?conditions=status/name=%22Active%22&pageSize=1000&orderBy=name+asc",
        "company/companies?conditions=name%20like%20%22A%25%22%20and%20id%3E%3D5",
        "company/companies?childConditions=types/name=%27Client%27&conditions=lastUpdated%3E[2026-01-01T00:00:00Z]",
        "finance/agreements?conditions=company%2fid%3d7&pageSize=50&page=2",
        "company/companies/12/sites",
        "service/tickets?fields=id,summary&customFieldConditions=caption%3D%27x%27",
        "company/companies?a=%E2%82%AC&b=%25%32%46&c=&d",
    ];
    for target in targets {
        let request = proxy.cw("GET", &format!("/cw/{target}"), &upstream).body(empty()).unwrap();
        assert_eq!(proxy.send(request).await.status, 200, "{target}");
    }
    let seen: Vec<String> = upstream.requests().into_iter().map(|r| r.target).collect();
    let expected: Vec<String> = targets.iter().map(|t| format!("/v4_6_release/apis/3.0/{t}")).collect();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn every_method_is_forwarded_with_its_body() {
    let upstream = Upstream::start(|r: &Recorded| {
        let status = match r.method.as_str() {
            "POST" => 201,
            "DELETE" => 204,
            _ => 200,
        };
        let body =
            if status == 204 { String::new() } else { format!("{{\"echo\":{}}}", String::from_utf8_lossy(&r.body)) };
        Reply::json(status, &body)
    })
    .await;
    let proxy = Proxy::start(&upstream.proxy_args()).await;
    let cases = [
        ("GET", "company/companies/5", ""),
        ("POST", "company/companies", r#"{"name":"Acme","identifier":"Acme1","status":{"name":"Active"}}"#),
        ("PATCH", "company/contacts/9", r#"[{"op":"replace","path":"/defaultContactFlag","value":true}]"#),
        ("PUT", "company/companies/5", r#"{"id":5,"name":"Acme Ltd"}"#),
        ("DELETE", "company/contacts/9", ""),
    ];
    for (method, path, body) in cases {
        let request = proxy.cw(method, &format!("/cw/{path}"), &upstream).body(full(body)).unwrap();
        let answer = proxy.send(request).await;
        match method {
            "POST" => assert_eq!(answer.status, 201),
            "DELETE" => {
                assert_eq!(answer.status, 204);
                assert!(answer.body.is_empty());
            }
            _ => assert_eq!(answer.status, 200),
        }
        if !body.is_empty() {
            assert_eq!(answer.body, format!("{{\"echo\":{body}}}"), "{method} response body");
        }
    }
    let seen = upstream.requests();
    assert_eq!(seen.len(), cases.len());
    for ((method, path, body), got) in cases.iter().zip(&seen) {
        assert_eq!(got.method, *method);
        assert_eq!(got.target, format!("/v4_6_release/apis/3.0/{path}"));
        assert_eq!(got.body, body.as_bytes(), "{method} body reached ConnectWise intact");
    }
}

#[tokio::test]
async fn large_and_chunked_bodies_under_the_limit_stream_through() {
    let upstream = Upstream::start(|r: &Recorded| Reply::json(200, &format!("{{\"len\":{}}}", r.body.len()))).await;
    let proxy = Proxy::start(&upstream.proxy_args()).await;
    let big = "x".repeat(1024 * 1024); // exactly the default limit
    let request = proxy.cw("POST", "/cw/system/documents", &upstream).body(full(big.clone())).unwrap();
    assert_eq!(proxy.send(request).await.json()["len"], 1024 * 1024);

    let chunks: Vec<Bytes> = (0..8).map(|i| Bytes::from(vec![b'a' + i; 10_000])).collect();
    let request = proxy.cw("POST", "/cw/system/documents", &upstream).body(Chunked(chunks.clone())).unwrap();
    let answer = send_on_new_connection(proxy.addr, request).await;
    assert_eq!(answer.json()["len"], 80_000);
    assert_eq!(upstream.requests()[0].body, big.as_bytes());
    assert_eq!(upstream.requests()[1].body, chunks.concat());
}

#[tokio::test]
async fn connectwise_answers_come_back_unchanged_with_useful_headers_readable() {
    let upstream = Upstream::start(|_: &Recorded| {
        Reply::json(400, r#"{"code":"InvalidObject","message":"company object is invalid","errors":[]}"#)
            .header("link", "<https://x/v4_6_release/apis/3.0/company/companies?page=2>; rel=\"next\"")
            .header("retry-after", "3")
            .header("x-cw-request-id", "req-42")
            .header("api-current-version", "2025.1")
    })
    .await;
    let proxy = Proxy::start(&upstream.proxy_args()).await;
    let request = proxy.cw("POST", "/cw/company/companies", &upstream).body(full("{}")).unwrap();
    let answer = proxy.send(request).await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.json()["code"], "InvalidObject");
    assert_eq!(answer.header("link"), Some("<https://x/v4_6_release/apis/3.0/company/companies?page=2>; rel=\"next\""));
    assert_eq!(answer.header("retry-after"), Some("3"));
    assert_eq!(answer.header("x-cw-request-id"), Some("req-42"));
    assert_eq!(answer.header("api-current-version"), Some("2025.1"));
    assert_eq!(answer.header("access-control-allow-origin"), Some(ORIGIN));
    let exposed = answer.header("access-control-expose-headers").unwrap().to_ascii_lowercase();
    for name in ["link", "retry-after", "x-cw-request-id", "api-current-version"] {
        assert!(exposed.contains(name), "{name} must be exposed: {exposed}");
    }
}

#[tokio::test]
async fn upstream_cookies_and_cors_headers_never_reach_the_browser() {
    let upstream = Upstream::start(|_: &Recorded| {
        Reply::json(200, "[]")
            .header("set-cookie", "cw-session=secret; HttpOnly")
            .header("set-cookie", "other=1")
            .header("access-control-allow-origin", "*")
            .header("access-control-allow-credentials", "true")
            .header("access-control-expose-headers", "set-cookie")
            .header("vary", "Accept-Encoding")
    })
    .await;
    let proxy = Proxy::start(&upstream.proxy_args()).await;
    let answer = proxy.send(proxy.cw("GET", "/cw/company/companies", &upstream).body(empty()).unwrap()).await;
    assert_eq!(answer.status, 200);
    assert!(answer.headers.get("set-cookie").is_none());
    assert!(answer.headers.get("access-control-allow-credentials").is_none());
    let acao: Vec<_> = answer.headers.get_all("access-control-allow-origin").iter().collect();
    assert_eq!(acao, [ORIGIN], "exactly one Access-Control-Allow-Origin");
    let vary: Vec<_> = answer.headers.get_all("vary").iter().map(|v| v.to_str().unwrap()).collect();
    assert!(vary.contains(&"Origin") && vary.contains(&"Accept-Encoding"), "{vary:?}");
    assert_eq!(answer.header("access-control-expose-headers"), Some(cw_proxy::cors::EXPOSED_HEADERS));
}

#[tokio::test]
async fn redirects_are_passed_back_not_followed() {
    let upstream = Upstream::start(|_: &Recorded| {
        Reply::json(302, "").header("location", "http://localhost/v4_6_release/apis/3.0/company/companies")
    })
    .await;
    let proxy = Proxy::start(&upstream.proxy_args()).await;
    let answer = proxy.send(proxy.cw("GET", "/cw/company/companies", &upstream).body(empty()).unwrap()).await;
    assert_eq!(answer.status, 302);
    assert_eq!(answer.header("location"), Some("http://localhost/v4_6_release/apis/3.0/company/companies"));
    assert_eq!(upstream.requests().len(), 1, "the redirect was not followed");
    assert_eq!(upstream.connections(), 1);
}

#[tokio::test]
async fn sequential_requests_reuse_one_tls_connection() {
    // Each worker has its own pool, and these requests come on new browser connections, which any
    // worker may accept: with one worker they must all share one upstream connection, with two at most two.
    for workers in [1, 2] {
        let upstream = Upstream::echo().await;
        let mut args = upstream.proxy_args();
        args.extend(["--workers".to_owned(), workers.to_string()]);
        let proxy = Proxy::start(&args).await;
        for i in 0..10 {
            let request = proxy.cw("GET", &format!("/cw/company/companies/{i}"), &upstream).body(empty()).unwrap();
            assert_eq!(proxy.send(request).await.status, 200);
        }
        assert_eq!(upstream.requests().len(), 10);
        assert!(upstream.handshakes() <= workers, "ten requests, {} TLS handshakes", upstream.handshakes());
        assert!(upstream.connections() <= workers);
    }
}

#[tokio::test]
async fn healthz_reports_the_browser_credentials_mode() {
    let proxy = Proxy::start(&[]).await;
    let answer = proxy.send(proxy.bare("GET", "/healthz").header("origin", ORIGIN).body(empty()).unwrap()).await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.json(),
        serde_json::json!({"status": "ok", "version": env!("CARGO_PKG_VERSION"), "credentials": "browser"})
    );
    assert_eq!(answer.header("access-control-allow-origin"), Some(ORIGIN));
    let post = proxy.send(proxy.bare("POST", "/healthz").body(empty()).unwrap()).await;
    assert_eq!(post.status, 405);
}

#[tokio::test]
async fn an_empty_post_still_declares_its_length() {
    let upstream = Upstream::echo().await;
    let proxy = Proxy::start(&upstream.proxy_args()).await;
    let answer = proxy.send(proxy.cw("POST", "/cw/system/members/5/tokens", &upstream).body(empty()).unwrap()).await;
    assert_eq!(answer.status, 200);
    assert_eq!(upstream.requests()[0].header("content-length"), Some("0"), "IIS answers 411 without it");
}
