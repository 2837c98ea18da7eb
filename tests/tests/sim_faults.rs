//! Fault injection over real HTTPS: 429 with Retry-After, 500 timeouts, dropped connections, latency,
//! configured both by flag and at run time through `/__sim/faults`.

use cw_tests::sim::{self, Faults, RateLimit, SimConfig};
use serde_json::json;
use std::time::{Duration, Instant};

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let s = sim::start(SimConfig::for_tests()).await.unwrap();
    let c = s.client();
    let set =
        c.send("POST", "/__sim/faults", &[], Some(r#"{"rate_limit":{"requests":2,"window_secs":30}}"#)).await.unwrap();
    assert_eq!(set.status, 200);
    assert_eq!(set.json()["rate_limit"], json!({"requests": 2, "window_secs": 30}));
    assert_eq!(c.get("/system/info").await.unwrap().status, 200);
    assert_eq!(c.get("/system/info").await.unwrap().status, 200);
    let limited = c.get("/system/info").await.unwrap();
    assert_eq!(limited.status, 429);
    let retry: u64 = limited.header("retry-after").unwrap().parse().expect("numeric Retry-After");
    assert!((1..=30).contains(&retry));
    assert_eq!(limited.json()["code"], "TooManyRequests");
    // Turning it off at run time takes effect at once.
    c.send("POST", "/__sim/faults", &[], Some(r#"{"rate_limit":null}"#)).await.unwrap();
    assert_eq!(c.get("/system/info").await.unwrap().status, 200);
    s.shutdown().await;
}

#[tokio::test]
async fn next_n_500s_by_flag_then_at_run_time() {
    let s = sim::start(SimConfig { fail_next: 1, ..SimConfig::for_tests() }).await.unwrap();
    let c = s.client();
    let failed = c.get("/company/companies").await.unwrap();
    assert_eq!(failed.status, 500);
    assert_eq!(failed.json(), json!({"code": "ConnectWiseApi", "message": "A timeout has occured. Please try again."}));
    assert_eq!(c.get("/company/companies").await.unwrap().status, 200);
    s.state.set_faults(Faults { fail_next: 2, ..Faults::default() });
    assert_eq!(c.get("/company/companies").await.unwrap().status, 500);
    assert_eq!(c.get("/company/companies").await.unwrap().status, 500);
    assert_eq!(c.get("/company/companies").await.unwrap().status, 200);
    // A 500 is injected only after authentication: bad credentials still get 401.
    s.state.set_faults(Faults { fail_rate: 1.0, ..Faults::default() });
    assert_eq!(c.clone().anonymous().get("/company/companies").await.unwrap().status, 401);
    assert_eq!(c.get("/company/companies").await.unwrap().status, 500);
    s.shutdown().await;
}

#[tokio::test]
async fn dropped_connections_get_no_answer_but_are_recorded() {
    let s = sim::start(SimConfig::for_tests()).await.unwrap();
    let c = s.client();
    let set = c.send("POST", "/__sim/faults", &[], Some(r#"{"drop_next":1}"#)).await.unwrap();
    assert_eq!(set.json()["drop_next"], 1);
    let dropped = c.get("/company/companies").await;
    assert!(dropped.is_err(), "the connection closes without a response");
    assert_eq!(c.get("/company/companies").await.unwrap().status, 200);
    let recorded = s.state.requests();
    assert_eq!(recorded.len(), 2, "CW saw the dropped request too");
    assert_eq!(recorded[0].path, "/v4_6_release/apis/3.0/company/companies");
    assert_eq!((recorded[0].status, recorded[0].answered), (None, false), "dropped before processing");
    assert_eq!((recorded[1].status, recorded[1].answered), (Some(200), true));
    // A 429 is logged with its status.
    s.state.set_faults(Faults { rate_limit: Some(RateLimit { requests: 0, window_secs: 30 }), ..Faults::default() });
    assert_eq!(c.get("/company/companies").await.unwrap().status, 429);
    assert_eq!(s.state.requests().last().map(|r| (r.status, r.answered)), Some((Some(429), true)));
    s.shutdown().await;
}

#[tokio::test]
async fn a_write_whose_answer_was_dropped_still_landed() {
    let s = sim::start(SimConfig::for_tests()).await.unwrap();
    let c = s.client();
    let contacts = c.get("/company/contacts?pageSize=1&orderBy=id%20asc").await.unwrap().json();
    let id = contacts[0]["id"].as_i64().unwrap();
    let was = contacts[0]["inactiveFlag"].as_bool().unwrap_or(false);
    let set = c.send("POST", "/__sim/faults", &[], Some(r#"{"drop_after_next":1}"#)).await.unwrap();
    assert_eq!(set.json()["drop_after_next"], 1);
    let patch = json!([{"op": "replace", "path": "inactiveFlag", "value": !was}]).to_string();
    let lost = c.send("PATCH", &format!("/v4_6_release/apis/3.0/company/contacts/{id}"), &[], Some(&patch)).await;
    assert!(lost.is_err(), "the client never sees the answer");
    let now = c.get(&format!("/company/contacts/{id}")).await.unwrap();
    assert_eq!(now.json()["inactiveFlag"], json!(!was), "but the PATCH was applied");
    let log = s.state.requests();
    let patch = log.iter().find(|r| r.method == "PATCH").unwrap();
    assert_eq!((patch.status, patch.answered), (Some(200), false));
    s.shutdown().await;
}

#[tokio::test]
async fn latency_is_added() {
    let s = sim::start(SimConfig { latency_ms: 150, ..SimConfig::for_tests() }).await.unwrap();
    let c = s.client();
    let started = Instant::now();
    assert_eq!(c.get("/system/info").await.unwrap().status, 200);
    assert!(started.elapsed() >= Duration::from_millis(150));
    let current = c.send("GET", "/__sim/faults", &[], None).await.unwrap();
    assert_eq!(current.json()["latency_ms"], 150);
    let bad = c.send("POST", "/__sim/faults", &[], Some(r#"{"fail_rate":3}"#)).await.unwrap();
    assert_eq!(bad.status, 400);
    let unknown = c.send("POST", "/__sim/faults", &[], Some(r#"{"explode":true}"#)).await.unwrap();
    assert_eq!(unknown.status, 400);
    assert_eq!(s.state.faults().rate_limit, None::<RateLimit>);
    s.shutdown().await;
}
