//! The console in live mode, end to end: real headless Chromium → cw-proxy → cw-sim over HTTPS, asserting
//! on what the page shows and on exactly what ConnectWise (the simulator) received.

mod support;

use cw_shared::http::{Method, Request};
use cw_tests::dist_server::DistServer;
use cw_tests::sim::RecordedRequest;
use fantoccini::{Client, Locator};
use serde_json::{Value, json};
use support::browser::*;
use support::live::{ConsoleCredentials, LiveStack};

/// The console served from a copy of dist/ whose config.json names `proxy_url`.
fn serve_console(listener: std::net::TcpListener, proxy_url: &str) -> DistServer {
    DistServer::start(listener, dist_with_proxy(proxy_url)).unwrap()
}

async fn connect(c: &Client, creds: &ConsoleCredentials) {
    fill(c, "#cfg-host", &creds.host).await;
    fill(c, "#cfg-company", &creds.company).await;
    fill(c, "#cfg-pub", &creds.public_key).await;
    fill(c, "#cfg-priv", &creds.private_key).await;
    let connect = c.find(Locator::Css("#cfg-connect")).await.unwrap();
    assert!(!connect.is_enabled().await.unwrap(), "Connect stays disabled until all five fields are filled");
    fill(c, "#cfg-cid", &creds.client_id).await;
    click(c, "#cfg-connect").await;
}

fn api_requests(stack: &LiveStack, method: &str, path_prefix: &str) -> Vec<RecordedRequest> {
    let full = format!("/v4_6_release/apis/3.0{path_prefix}");
    stack.sim.state.requests().into_iter().filter(|r| r.method == method && r.path.starts_with(&full)).collect()
}

fn body_json(r: &RecordedRequest) -> Value {
    serde_json::from_str(&r.body)
        .unwrap_or_else(|e| panic!("{} {} body is not JSON ({e}): {}", r.method, r.path, r.body))
}

/// Waits (bounded) until the simulator has recorded a request matching `what`.
async fn wait_recorded(stack: &LiveStack, what: &str, matches: impl Fn(&RecordedRequest) -> bool) -> RecordedRequest {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        if let Some(r) = stack.sim.state.requests().into_iter().find(&matches) {
            return r;
        }
        assert!(std::time::Instant::now() < deadline, "ConnectWise never received {what}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn live_mode_lists_2500_companies_and_edits_through_proxy_and_sim() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let stack = LiveStack::builder().dataset("large:2500x3").origin(&origin).start().await;
    let console = serve_console(listener, &stack.proxy_url());
    let b = start().await;
    let c = &b.client;
    c.goto(&format!("http://{}/", console.addr())).await.unwrap();
    wait_text(c, "#mode-label", "DEMO first", |t| t == "DEMO").await;

    connect(c, &stack.credentials()).await;
    wait_text(c, "#mode-label", "LIVE", |t| t == "LIVE").await;
    assert!(c.find(Locator::Css("#mode-dot.live")).await.is_ok(), "the mode dot turns green (class live)");
    c.find(Locator::Css("#filter-status")).await.unwrap().select_by_value("all").await.unwrap();
    wait_text(c, "#client-count", "all 2500 companies, past the 1000 page limit", |t| t.trim() == "2500 of 2500").await;
    screenshot(c, "live-client-list-2500").await;
    let pages = api_requests(&stack, "GET", "/company/companies?");
    assert!(
        pages.iter().any(|r| r.path.contains("page=3")),
        "the console fetched page 3 of 3: {:?}",
        pages.iter().map(|r| &r.path).collect::<Vec<_>>()
    );
    assert!(pages.iter().all(|r| r.path.contains("pageSize=1000")), "pages of 1000");
    assert!(!api_requests(&stack, "GET", "/company/companies/count").is_empty(), "the total came from /count");

    // Pick a company with three contacts straight from ConnectWise, find it by its identifier and open it.
    let listed = stack.sim.state.with_store(|s| {
        s.handle(&Request::new(Method::Get, "/company/companies").with_query("pageSize=1&orderBy=id%20desc"))
    });
    let company: Value = serde_json::from_str::<Vec<Value>>(&listed.body).unwrap().remove(0);
    let id = company["id"].as_i64().unwrap();
    let identifier = company["identifier"].as_str().unwrap().to_string();
    let name = company["name"].as_str().unwrap().to_string();
    fill(c, "#search-in", &identifier).await;
    let row = c.find(Locator::Css(&format!(".client-row[data-id=\"{id}\"]"))).await;
    let row = match row {
        Ok(row) => row,
        Err(_) => row_with_text(c, ".client-row", &identifier).await,
    };
    row.click().await.unwrap();
    wait_text(c, "#panel-detail", "the company's name", |t| t.contains(&name)).await;
    wait_count(c, ".contact-row", "its 3 contacts", |n| n == 3).await;
    wait_recorded(&stack, "the contacts of the company, conditions byte-exact", |r| {
        r.method == "GET" && r.path.contains(&format!("/company/contacts?conditions=company%2Fid%3D{id}"))
    })
    .await;
    screenshot(c, "live-client-detail").await;

    // Edit company: exactly one PATCH with only the changed field.
    stack.sim.state.clear_requests();
    click(c, "#btn-edit-company").await;
    fill(c, "#ec-phone", "555-010-2500").await;
    click(c, "#ec-save").await;
    wait_gone(c, "#modal-edit-company").await;
    wait_text(c, "#panel-detail", "the phone ConnectWise now holds", |t| t.contains("555-010-2500")).await;
    let patches = api_requests(&stack, "PATCH", &format!("/company/companies/{id}"));
    assert_eq!(patches.len(), 1, "one PATCH for one edit");
    assert_eq!(body_json(&patches[0]), json!([{"op": "replace", "path": "phoneNumber", "value": "555-010-2500"}]));

    // Edit contact: one PATCH, the title only.
    let first = c.find(Locator::Css(".contact-row")).await.unwrap();
    let contact_id = first.attr("data-id").await.unwrap().expect("contact rows carry data-id");
    first.find(Locator::Css(".btn-edit-contact")).await.unwrap().click().await.unwrap();
    fill(c, "#ect-title", "Chief Technology Officer").await;
    click(c, "#ect-save").await;
    wait_gone(c, "#modal-edit-contact").await;
    row_with_text(c, ".contact-row", "Chief Technology Officer").await;
    let patches = api_requests(&stack, "PATCH", &format!("/company/contacts/{contact_id}"));
    assert_eq!(patches.len(), 1);
    assert_eq!(
        body_json(&patches[0]),
        json!([{"op": "replace", "path": "title", "value": "Chief Technology Officer"}])
    );

    // Add contact: a real CW contact, the email as a communication item.
    click(c, "#btn-add-contact").await;
    fill(c, "#ac-first", "Morgan").await;
    fill(c, "#ac-last", "Lee").await;
    fill(c, "#ac-email", "morgan.lee@example.com").await;
    click(c, "#ac-save").await;
    wait_gone(c, "#modal-add-contact").await;
    wait_count(c, ".contact-row", "4 contacts", |n| n == 4).await;
    let post = api_requests(&stack, "POST", "/company/contacts");
    assert_eq!(post.len(), 1);
    let body = body_json(&post[0]);
    assert_eq!(body["firstName"], "Morgan");
    assert_eq!(body["company"]["id"], json!(id));
    assert!(body.get("email").is_none(), "ConnectWise has no email field on contacts");
    let items = body["communicationItems"].as_array().expect("communicationItems");
    assert!(items.iter().any(|i| i["value"] == "morgan.lee@example.com"), "{items:?}");

    // Set as Primary: set the new one first, then clear the old one; exactly one primary afterwards.
    stack.sim.state.clear_requests();
    let morgan = row_with_text(c, ".contact-row", "Morgan Lee").await;
    let morgan_id = morgan.attr("data-id").await.unwrap().unwrap();
    morgan.find(Locator::Css(".btn-set-primary")).await.unwrap().click().await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let morgan = row_with_text(c, ".contact-row", "Morgan Lee").await;
        let badges = c.find_all(Locator::Css(".contact-row .badge-primary")).await.unwrap().len();
        if badges == 1 && morgan.find(Locator::Css(".badge-primary")).await.is_ok() {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "Morgan never became the only primary");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let patches = api_requests(&stack, "PATCH", "/company/contacts/");
    assert!(patches.len() >= 2, "two PATCHes: {:?}", patches.iter().map(|r| &r.path).collect::<Vec<_>>());
    assert!(patches[0].path.ends_with(&format!("/company/contacts/{morgan_id}")), "the new primary is set first");
    assert_eq!(body_json(&patches[0]), json!([{"op": "replace", "path": "defaultFlag", "value": true}]));
    assert_eq!(body_json(&patches[1]), json!([{"op": "replace", "path": "defaultFlag", "value": false}]));
    let state = stack.sim.state.with_store(|s| {
        s.handle(
            &Request::new(Method::Get, "/company/contacts")
                .with_query(format!("conditions=company%2Fid%3D{id}%20and%20defaultFlag%3Dtrue")),
        )
    });
    let primaries: Vec<Value> = serde_json::from_str(&state.body).unwrap();
    assert_eq!(primaries.len(), 1, "ConnectWise holds exactly one primary");
    assert_eq!(primaries[0]["id"].to_string(), morgan_id);
    screenshot(c, "live-after-edits").await;

    drop(b);
    stack.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_key_is_explained_and_the_console_stays_in_demo() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let stack = LiveStack::builder().origin(&origin).start().await;
    let console = serve_console(listener, &stack.proxy_url());
    let b = start().await;
    let c = &b.client;
    c.goto(&format!("http://{}/", console.addr())).await.unwrap();
    let mut creds = stack.credentials();
    creds.private_key = "not-the-key".into();
    connect(c, &creds).await;
    let status = wait_text(c, "#cfg-status", "a 401 explanation", |t| t.contains("401")).await;
    let lower = status.to_lowercase();
    assert!(lower.contains("client id") || lower.contains("clientid"), "names the client id cause: {status}");
    assert!(lower.contains("key") || lower.contains("auth"), "names the auth string cause: {status}");
    assert_eq!(c.find(Locator::Css("#mode-label")).await.unwrap().text().await.unwrap(), "DEMO");
    assert!(!status.contains("not-the-key"), "the private key is never shown");
    screenshot(c, "live-401").await;
    drop(b);
    stack.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_proxy_that_is_down_is_named_in_the_error() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_proxy = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let console = serve_console(std::net::TcpListener::bind("127.0.0.1:0").unwrap(), &dead_proxy);
    let b = start().await;
    let c = &b.client;
    c.goto(&format!("http://{}/", console.addr())).await.unwrap();
    let creds = ConsoleCredentials {
        host: "na.myconnectwise.net".into(),
        company: "demo".into(),
        public_key: "pub".into(),
        private_key: "priv".into(),
        client_id: support::live::LIVE_CLIENT_ID.into(),
    };
    connect(c, &creds).await;
    let status = wait_text(c, "#cfg-status", "the unreachable proxy", |t| t.contains(&dead_proxy)).await;
    assert!(status.to_lowercase().contains("proxy"), "{status}");
    assert_eq!(c.find(Locator::Css("#mode-label")).await.unwrap().text().await.unwrap(), "DEMO");
    screenshot(c, "live-proxy-down").await;
}
