//! Graceful shutdown: in-flight requests finish, new connections are refused, `run` returns.

mod common;

use common::*;
use std::sync::Arc;
use tokio::sync::Semaphore;

#[tokio::test]
async fn in_flight_requests_finish_and_new_connections_are_refused() {
    let gate = Arc::new(Semaphore::new(0));
    let held = gate.clone();
    let upstream =
        Upstream::start(move |_: &Recorded| Reply::json(200, r#"{"done":true}"#).held_by(held.clone())).await;
    let mut proxy = Proxy::start(&upstream.proxy_args()).await;

    let request = proxy.cw("GET", "/cw/company/companies", &upstream).body(empty()).unwrap();
    let addr = proxy.addr;
    let in_flight = tokio::spawn(async move { send_on_new_connection(addr, request).await });
    upstream.wait_for_requests(1).await; // the request is now inside the proxy, waiting on ConnectWise

    proxy.begin_shutdown();
    tokio::time::timeout(PATIENCE, async {
        while tokio::net::TcpStream::connect(addr).await.is_ok() {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the proxy kept accepting connections after shutdown began");

    gate.add_permits(1);
    let answer = tokio::time::timeout(PATIENCE, in_flight).await.expect("in-flight request hung").unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["done"], true);

    let task = proxy.task.take().unwrap();
    let result = tokio::time::timeout(PATIENCE, task).await.expect("run did not return after shutdown").unwrap();
    assert!(result.is_ok());
}
