//! When ConnectWise misbehaves: refused connections, untrusted certificates, silence, truncation,
//! stalls, kept-alive connections closed under the proxy — and slow browsers. The proxy answers 502/504 quickly or cuts the response off visibly.

mod common;

use common::*;
use http_body_util::BodyExt;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn a_refused_connection_is_502() {
    let port = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap().port()
    }; // closed again: nothing listens there now
    let upstream = Upstream::echo().await; // only for its CA file
    let proxy = Proxy::start(&[
        "--allow-host".into(),
        format!("localhost:{port}"),
        "--ca-file".into(),
        upstream.ca_file.display().to_string(),
    ])
    .await;
    let mut request = proxy.cw("GET", "/cw/company/companies", &upstream).body(empty()).unwrap();
    request.headers_mut().insert("x-cw-host", format!("localhost:{port}").parse().unwrap());
    let answer = proxy.send(request).await;
    assert_eq!(answer.status, 502);
    assert_eq!(answer.code(), "UpstreamUnreachable");
    assert_eq!(answer.header("access-control-allow-origin"), Some(ORIGIN));
}

#[tokio::test]
async fn an_untrusted_certificate_is_502() {
    let upstream = Upstream::echo().await;
    let stranger = TestPki::new(); // a CA that did not sign the upstream's certificate
    let other_ca = scratch_file("other-ca.pem", &stranger.ca_pem);
    let proxy =
        Proxy::start(&["--allow-host".into(), upstream.host(), "--ca-file".into(), other_ca.display().to_string()])
            .await;
    let answer = proxy.send(proxy.cw("GET", "/cw/company/companies", &upstream).body(empty()).unwrap()).await;
    assert_eq!(answer.status, 502);
    assert!(answer.json()["message"].as_str().unwrap().contains("TLS"), "{:?}", answer.json());
    assert!(upstream.requests().is_empty(), "no request was sent over the unverified connection");

    // Without --ca-file only the public roots are trusted.
    let proxy = Proxy::start(&["--allow-host".into(), upstream.host()]).await;
    let answer = proxy.send(proxy.cw("GET", "/cw/company/companies", &upstream).body(empty()).unwrap()).await;
    assert_eq!(answer.status, 502);
}

#[tokio::test]
async fn a_silent_upstream_is_504_after_the_timeout() {
    let never = std::sync::Arc::new(tokio::sync::Semaphore::new(0));
    let upstream = Upstream::start(move |_: &Recorded| Reply::json(200, "[]").held_by(never.clone())).await;
    let mut config = config(&upstream.proxy_args());
    config.timeout = Duration::from_millis(300);
    let proxy = Proxy::start_with(config).await;
    let started = Instant::now();
    let answer = proxy.send(proxy.cw("GET", "/cw/company/companies", &upstream).body(empty()).unwrap()).await;
    assert_eq!(answer.status, 504);
    assert_eq!(answer.code(), "UpstreamTimeout");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_truncated_upstream_body_is_not_passed_off_as_complete() {
    let upstream =
        Upstream::raw(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n[{\"id\":1}")
            .await;
    let proxy = Proxy::start(&upstream.proxy_args()).await;
    let request = proxy.cw("GET", "/cw/company/companies", &upstream).body(empty()).unwrap();
    // The head and the short body arrive together, so the proxy may meet the end of the connection
    // before it has written anything: then the browser's connection is cut before the head;
    // otherwise after it. Either way the browser sees a failure, never a short success.
    let tcp = tokio::net::TcpStream::connect(proxy.addr).await.unwrap();
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(tcp)).await.unwrap();
    tokio::spawn(connection);
    let outcome = tokio::time::timeout(PATIENCE, async {
        let response = sender.send_request(request).await?;
        assert_eq!(response.status(), 200);
        response.into_body().collect().await.map(|_| ())
    })
    .await
    .expect("the response never ended");
    let err = outcome.expect_err("the browser must see the response fail, not a short success");
    assert!(err.is_incomplete_message() || err.is_body_write_aborted() || err.to_string().contains("closed"), "{err}");
}

#[tokio::test]
async fn an_upstream_stalling_mid_body_is_cut_off() {
    // Headers and part of the body, then silence with the connection left open.
    let upstream = Upstream::raw_then_silence(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n[{\"id\":1}").await;
    let mut config = config(&upstream.proxy_args());
    // Long enough for the TLS handshake and headers on a busy machine; the body then stalls for good.
    config.timeout = Duration::from_millis(1500);
    let proxy = Proxy::start_with(config).await;
    let request = proxy.cw("GET", "/cw/company/companies", &upstream).body(empty()).unwrap();
    let response = response_on_new_connection(proxy.addr, request).await;
    assert_eq!(response.status(), 200);
    let result = tokio::time::timeout(PATIENCE, response.into_body().collect()).await.expect("the stall was never cut");
    assert!(result.is_err());
}

#[tokio::test]
async fn a_slow_browser_is_disconnected_after_the_header_timeout() {
    let mut config = config(&[]);
    config.header_read_timeout = Duration::from_millis(200);
    let proxy = Proxy::start_with(config).await;
    let mut tcp = tokio::net::TcpStream::connect(proxy.addr).await.unwrap();
    tcp.write_all(b"GET /healthz HTTP/1.1\r\nHost: ").await.unwrap();
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(PATIENCE, tcp.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "the proxy kept a half-sent request open");
}

#[tokio::test]
async fn a_get_on_a_kept_alive_connection_dropped_without_an_answer_is_sent_again_but_a_post_is_not() {
    let ok = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]";
    for (method, status, connections) in [("GET", 200, 2), ("POST", 502, 1)] {
        let upstream = Upstream::answer_once_then_drop(ok).await;
        let mut args = upstream.proxy_args();
        args.extend(["--workers".to_owned(), "1".to_owned()]);
        let proxy = Proxy::start(&args).await;
        let first = proxy.send(proxy.cw(method, "/cw/company/companies", &upstream).body(empty()).unwrap()).await;
        assert_eq!(first.status, 200, "{method}: {:?}", first.body);
        // The connection looks open, so the proxy sends on it; ConnectWise drops it instead of answering.
        let second = proxy.send(proxy.cw(method, "/cw/company/companies", &upstream).body(empty()).unwrap()).await;
        assert_eq!(second.status, status, "{method}: {:?}", second.body);
        assert_eq!(upstream.connections(), connections, "{method}: repeated on a new connection only if idempotent");
        if status == 502 {
            assert!(
                second.json()["message"].as_str().unwrap().contains("closed before the answer"),
                "{:?}",
                second.json()
            );
        }
    }
}

#[tokio::test]
async fn a_kept_alive_connection_closed_by_connectwise_is_not_reused() {
    // A complete keep-alive response, then the upstream closes the connection while the proxy keeps it
    // for the next request: that request must go out on a new connection and succeed.
    let upstream =
        Upstream::raw(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]").await;
    let mut args = upstream.proxy_args();
    args.extend(["--workers".to_owned(), "1".to_owned()]);
    let proxy = Proxy::start(&args).await;
    for round in 0..3 {
        let answer = proxy.send(proxy.cw("GET", "/cw/company/companies", &upstream).body(empty()).unwrap()).await;
        assert_eq!(answer.status, 200, "round {round}: {:?}", answer.body);
        assert_eq!(answer.body, "[]");
    }
    assert_eq!(upstream.connections(), 3, "one connection per response, each closed after it");
}
