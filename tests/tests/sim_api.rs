//! cw-sim over real HTTPS with a real client: authentication, lists, paging links, writes, recording.

use cw_tests::sim::{self, SimConfig, SimHandle};
use serde_json::{Value, json};

async fn sim() -> SimHandle {
    sim::start(SimConfig::for_tests()).await.expect("cw-sim starts")
}

const UNAUTHENTICATED: &str = r#"{"code":"ConnectWiseApi","message":"UserNotAuthenticated"}"#;

#[tokio::test]
async fn authentication_is_enforced() {
    let s = sim().await;
    let good = s.client();
    assert_eq!(good.get("/system/info").await.unwrap().status, 200);

    let expected: Value = serde_json::from_str(UNAUTHENTICATED).unwrap();
    let no_auth = good.clone().anonymous();
    let wrong_key = good.clone().with_credentials("demo", "demo-public", "not-the-key");
    let wrong_company = good.clone().with_credentials("acme", "demo-public", "demo-private");
    let no_client_id = s.client().anonymous().with_credentials("demo", "demo-public", "demo-private");
    let bad_client_id = s.client().with_client_id("not-a-uuid");
    for (what, client) in [
        ("no credentials", no_auth),
        ("wrong private key", wrong_key),
        ("wrong company", wrong_company),
        ("no clientId", no_client_id),
        ("clientId not a UUID", bad_client_id),
    ] {
        let r = client.get("/company/companies").await.unwrap();
        assert_eq!(r.status, 401, "{what}");
        assert_eq!(r.json(), expected, "{what}");
        assert_eq!(r.header("content-type"), Some("application/json; charset=utf-8"));
        assert!(r.header("x-cw-request-id").is_some());
    }
    // The codebase lookup needs no authentication; an unknown company is a JSON null.
    let anon = s.client().anonymous();
    let r = anon.send("GET", "/login/companyinfo/demo", &[], None).await.unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["Codebase"], "v2026_4/");
    let r = anon.send("GET", "/login/companyinfo/nobody", &[], None).await.unwrap();
    assert_eq!((r.status, r.body.as_str()), (200, "null"));
    s.shutdown().await;
}

#[tokio::test]
async fn a_pinned_client_id_must_match() {
    let pinned = "0b7e5a3c-1d2f-4e6a-8b9c-0d1e2f3a4b5c";
    let s = sim::start(SimConfig { client_id: Some(pinned.into()), ..SimConfig::for_tests() }).await.unwrap();
    assert_eq!(s.client().get("/system/info").await.unwrap().status, 200);
    let other = s.client().with_client_id("11111111-2222-4333-8444-555555555555");
    assert_eq!(other.get("/system/info").await.unwrap().status, 401);
    s.shutdown().await;
}

#[tokio::test]
async fn lists_page_with_absolute_links_on_both_codebases() {
    let s = sim().await;
    let c = s.client();
    let r = c.get("/company/companies?pageSize=1000&orderBy=name+asc").await.unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("api-current-version"), Some("2026.4"));
    let names: Vec<String> =
        r.json().as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_string()).collect();
    assert_eq!(names.len(), 8);
    assert_eq!(names[0], "Bluebonnet Veterinary Clinic");
    assert_eq!(r.header("link"), None);

    let r = c.get("/company/companies?conditions=status%2Fname%3D%22Active%22&pageSize=4").await.unwrap();
    assert_eq!(r.json().as_array().unwrap().len(), 4);
    let base = format!("https://{}/v4_6_release/apis/3.0/company/companies", s.addr);
    let q = "conditions=status%2Fname%3D%22Active%22";
    assert_eq!(
        r.header("link").unwrap(),
        format!("<{base}?{q}&pageSize=4&page=2>; rel=\"next\", <{base}?{q}&pageSize=4&page=2>; rel=\"last\"")
    );

    let dated = c.send("GET", "/v2026_4/apis/3.0/company/companies/count", &[], None).await.unwrap();
    assert_eq!(dated.json(), json!({"count": 8}));
    let forward = c
        .send(
            "GET",
            "/v4_6_release/apis/3.0/company/contacts?pageSize=10",
            &[("pagination-type", "forward-only")],
            None,
        )
        .await
        .unwrap();
    assert_eq!(forward.json().as_array().unwrap().len(), 10);
    assert!(forward.header("link").unwrap().contains("pageId="));
    let nowhere = c.send("GET", "/v9_9/apis/3.0/company/companies", &[], None).await.unwrap();
    assert_eq!(nowhere.status, 404);
    assert_eq!(nowhere.json()["message"], "The endpoint does not exist.");
    s.shutdown().await;
}

#[tokio::test]
async fn writes_reach_the_store_and_every_request_is_recorded() {
    let s = sim().await;
    let c = s.client();
    let body = r#"{"name":"Northwind Dental","identifier":"NorthwindDental","status":{"name":"Active"},"addressLine1":"1 Main St","city":"Tulsa","state":"OK","zip":"74103","country":{"id":1}}"#;
    let created = c.send("POST", "/v4_6_release/apis/3.0/company/companies", &[], Some(body)).await.unwrap();
    assert_eq!(created.status, 201);
    let id = created.json()["id"].as_i64().unwrap();
    let again = c.send("POST", "/v4_6_release/apis/3.0/company/companies", &[], Some(body)).await.unwrap();
    assert_eq!(again.status, 400);
    assert_eq!(
        again.json(),
        json!({"code": "InvalidObject", "message": "company object is invalid", "errors": [
            {"code": "ObjectExists", "message": "Company ID already in use.", "resource": "company", "field": "identifier"}]})
    );
    let patch = r#"[{"op":"replace","path":"phoneNumber","value":"918-555-0100"}]"#;
    let patched =
        c.send("PATCH", &format!("/v4_6_release/apis/3.0/company/companies/{id}"), &[], Some(patch)).await.unwrap();
    assert_eq!((patched.status, patched.json()["phoneNumber"].as_str()), (200, Some("918-555-0100")));
    let got = c.get(&format!("/company/companies/{id}")).await.unwrap();
    assert_eq!(got.json()["name"], "Northwind Dental");

    let recorded = s.state.requests();
    assert_eq!(recorded.len(), 4);
    let post = &recorded[0];
    assert_eq!((post.method.as_str(), post.path.as_str()), ("POST", "/v4_6_release/apis/3.0/company/companies"));
    assert_eq!(post.body, body);
    assert_eq!(post.header("authorization"), Some(s.authorization().as_str()));
    assert_eq!(post.header("clientid"), Some(sim::client::TEST_CLIENT_ID));
    assert_eq!(recorded[2].body, patch);
    assert_eq!(recorded[3].path, format!("/v4_6_release/apis/3.0/company/companies/{id}"));

    // The same list over the admin endpoint, then reset to the demo data.
    let admin = c.send("GET", "/__sim/requests", &[], None).await.unwrap();
    assert_eq!(admin.json().as_array().unwrap().len(), 4);
    assert_eq!(admin.json()[1]["method"], "POST");
    let reset = c.send("POST", "/__sim/reset", &[], None).await.unwrap();
    assert_eq!(reset.status, 200);
    assert!(s.state.requests().is_empty(), "admin calls are not recorded and reset clears the log");
    assert_eq!(c.get(&format!("/company/companies/{id}")).await.unwrap().status, 404);
    s.shutdown().await;
}

#[tokio::test]
async fn the_ca_is_written_for_the_proxy() {
    let path = std::env::temp_dir().join(format!("cw-sim-test-ca-{}.pem", std::process::id()));
    let config = SimConfig { no_cert_file: false, cert_out: Some(path.clone()), ..SimConfig::for_tests() };
    let s = sim::start(config).await.unwrap();
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(written, s.cert_pem);
    assert!(written.starts_with("-----BEGIN CERTIFICATE-----"));
    // A client built from the file alone trusts the server.
    let c = sim::SimClient::new(s.addr, &written).unwrap().with_credentials("demo", "demo-public", "demo-private");
    let c = c.with_client_id(sim::client::TEST_CLIENT_ID);
    assert_eq!(c.get("/company/companies/count").await.unwrap().json(), json!({"count": 8}));
    s.shutdown().await;
    let _ = std::fs::remove_file(path);
}

#[test]
fn help_documents_every_flag() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cw-sim")).arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--listen",
        "--dataset",
        "--seed",
        "--host-name",
        "--company",
        "--public-key",
        "--private-key",
        "--client-id",
        "--cert-out",
        "--latency-ms",
        "--rate-limit",
        "--retry-after",
        "--fail-rate",
        "--fail-next",
        "--drop-rate",
        "--drop-next",
        "--primary-mode",
        "--today",
        "--record-limit",
    ] {
        assert!(help.contains(flag), "{flag} missing from --help");
    }
    assert!(help.contains("127.0.0.1:8443") && help.contains("demo-public"));
}
