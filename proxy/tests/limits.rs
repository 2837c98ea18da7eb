//! The abuse and capacity limits, over real sockets: connections, in-flight requests, connections per
//! ConnectWise host, header size and count, header-read and keep-alive deadlines, body timeout.

mod common;

use common::*;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

fn with(upstream: &Upstream, extra: &[&str]) -> Vec<String> {
    let mut args = upstream.proxy_args();
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

async fn read_all(tcp: &mut TcpStream) -> String {
    let mut out = Vec::new();
    tokio::time::timeout(PATIENCE, tcp.read_to_end(&mut out)).await.expect("the proxy kept the connection open").ok();
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn a_connection_over_max_connections_gets_503_and_a_freed_place_is_reused() {
    let proxy = Proxy::start(&["--max-connections".into(), "1".into(), "--workers".into(), "1".into()]).await;
    let mut first = TcpStream::connect(proxy.addr).await.unwrap();
    let healthz = format!("GET /healthz HTTP/1.1\r\nHost: {}\r\n\r\n", proxy.host());
    first.write_all(healthz.as_bytes()).await.unwrap();
    let mut buf = [0u8; 1024];
    let n = first.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"), "the first connection is served");

    let mut second = TcpStream::connect(proxy.addr).await.unwrap();
    second.write_all(healthz.as_bytes()).await.unwrap();
    let refused = read_all(&mut second).await;
    assert_eq!(raw_status(&refused), 503, "{refused}");
    assert!(refused.contains("retry-after: 1\r\n"), "{refused}");
    assert!(refused.contains(r#""code":"ProxyBusy""#), "{refused}");

    drop(first);
    let answer = tokio::time::timeout(PATIENCE, async {
        loop {
            let response = send_raw(
                proxy.addr,
                format!("GET /healthz HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", proxy.host()).as_bytes(),
            )
            .await;
            if raw_status(&response) == 200 {
                return response;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the freed place was never given to a new connection");
    assert!(answer.contains("\"status\""), "{answer}");
}

#[tokio::test]
async fn requests_over_max_in_flight_get_503_with_retry_after() {
    let gate = Arc::new(Semaphore::new(0));
    let held = gate.clone();
    let upstream = Upstream::start(move |_: &Recorded| Reply::json(200, "[]").held_by(held.clone())).await;
    let proxy = Proxy::start(&with(&upstream, &["--max-in-flight", "1"])).await;
    let request = proxy.cw("GET", "/cw/company/companies", &upstream).body(empty()).unwrap();
    let addr = proxy.addr;
    let first = tokio::spawn(async move { send_on_new_connection(addr, request).await });
    upstream.wait_for_requests(1).await;

    let busy = proxy.send(proxy.cw("GET", "/cw/company/companies", &upstream).body(empty()).unwrap()).await;
    assert_eq!(busy.status, 503);
    assert_eq!(busy.header("retry-after"), Some("1"));
    assert_eq!(busy.code(), "ProxyBusy");
    assert_eq!(busy.header("access-control-allow-origin"), Some(ORIGIN), "the console can read the refusal");
    assert_eq!(upstream.requests().len(), 1, "the refused request never reached ConnectWise");

    gate.add_permits(1);
    assert_eq!(first.await.unwrap().status, 200);
    let after = proxy.send(proxy.cw("GET", "/cw/company/companies", &upstream).body(empty()).unwrap()).await;
    gate.add_permits(1);
    assert_eq!(after.status, 200, "the slot is given back when the response ends");
}

#[tokio::test]
async fn concurrent_requests_share_max_upstream_per_host_connections() {
    let gate = Arc::new(Semaphore::new(0));
    let held = gate.clone();
    let upstream = Upstream::start(move |_: &Recorded| Reply::json(200, "[]").held_by(held.clone())).await;
    let proxy = Proxy::start(&with(&upstream, &["--max-upstream-per-host", "1", "--workers", "1"])).await;
    let mut sent = Vec::new();
    for _ in 0..3 {
        let request = proxy.cw("GET", "/cw/company/companies", &upstream).body(empty()).unwrap();
        let addr = proxy.addr;
        sent.push(tokio::spawn(async move { send_on_new_connection(addr, request).await }));
    }
    upstream.wait_for_requests(1).await;
    gate.add_permits(3);
    for answer in sent {
        assert_eq!(answer.await.unwrap().status, 200);
    }
    assert_eq!(upstream.requests().len(), 3);
    assert_eq!(upstream.connections(), 1, "three requests waited for the one allowed connection");
}

#[tokio::test]
async fn oversized_heads_and_too_many_headers_get_431() {
    let proxy = Proxy::start(&["--max-header-bytes".into(), "8192".into(), "--max-headers".into(), "8".into()]).await;
    let host = proxy.host();
    let big = format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\nx-pad: {}\r\n\r\n", "a".repeat(9000));
    assert_eq!(raw_status(&send_raw(proxy.addr, big.as_bytes()).await), 431);
    let many: String = (0..12).map(|i| format!("x-h{i}: 1\r\n")).collect();
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\n{many}\r\n");
    assert_eq!(raw_status(&send_raw(proxy.addr, request.as_bytes()).await), 431);
    let fine = format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    assert_eq!(raw_status(&send_raw(proxy.addr, fine.as_bytes()).await), 200, "a normal request still passes");
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_keep_alive_timeout() {
    let mut config = config(&[]);
    config.keep_alive_timeout = Duration::from_millis(300);
    config.header_read_timeout = Duration::from_secs(120); // so only the keep-alive deadline can close it
    let proxy = Proxy::start_with(config).await;
    let mut tcp = TcpStream::connect(proxy.addr).await.unwrap();
    let healthz = format!("GET /healthz HTTP/1.1\r\nHost: {}\r\n\r\n", proxy.host());
    for _ in 0..2 {
        tcp.write_all(healthz.as_bytes()).await.unwrap();
        let mut buf = [0u8; 1024];
        let n = tcp.read(&mut buf).await.unwrap();
        assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"), "kept alive between requests");
    }
    assert_eq!(read_all(&mut tcp).await, "", "closed without another answer");
}

#[tokio::test]
async fn a_body_that_does_not_arrive_in_time_gets_408_and_nothing_is_forwarded() {
    let upstream = Upstream::echo().await;
    let mut config = config(&upstream.proxy_args());
    config.body_timeout = Duration::from_millis(300);
    let proxy = Proxy::start_with(config).await;
    let mut tcp = TcpStream::connect(proxy.addr).await.unwrap();
    let head = format!(
        "POST /cw/company/companies HTTP/1.1\r\nHost: {}\r\nOrigin: {ORIGIN}\r\nx-cw-host: {}\r\nx-cw-auth: {AUTH}\r\n\
         x-cw-client-id: {CLIENT_ID}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"na",
        proxy.host(),
        upstream.host()
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(PATIENCE, tcp.read(&mut buf)).await.expect("no answer to a stalled body").unwrap();
    let answer = String::from_utf8_lossy(&buf[..n]).into_owned();
    assert_eq!(raw_status(&answer), 408, "{answer}");
    assert!(answer.contains("BodyTimeout"), "{answer}");
    assert!(upstream.requests().is_empty(), "ConnectWise never saw the half-sent body");
}
