//! The live stack end to end over real loopback HTTP and HTTPS: a browser-like client calls cw-proxy
//! exactly as the console does (`{proxy}/cw/{path}?{query}` with `x-cw-*` headers and an `Origin`),
//! cw-proxy forwards to cw-sim over TLS, and each test checks both sides: what the technician's browser
//! gets back (status, body, CORS headers it may read) and what ConnectWise (the simulator) received.
//!
//! Requests come from the shared catalogue (`cw_shared::api`), so these are the console's real calls.

mod support;

use bytes::Bytes;
use cw_shared::api::{self, ApiError, Call};
use cw_shared::http::Response as CwResponse;
use cw_shared::ids::CompanyId;
use cw_shared::model::{CompanyReference, NewContact};
use cw_shared::patch::Patch;
use cw_shared::query::{Condition, Links, Page, pages_after_first};
use cw_tests::sim::{Faults, RateLimit, RecordedRequest, SimClient};
use http_body_util::{BodyExt, Full};
use hyper::header::HeaderMap;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::time::{Duration, Instant};
use support::live::{ConsoleCredentials, LiveStack};

/// The console's origin in these tests (a `trunk serve` default, allowed explicitly).
const ORIGIN: &str = "http://localhost:8080";

/// Summit Ridge Dental, the first of the demo clients.
const SUMMIT_RIDGE: CompanyId = CompanyId(250);

/// No request in these tests should take anywhere near this long.
const PATIENCE: Duration = Duration::from_secs(20);

/// What the browser got back.
#[derive(Debug)]
struct Seen {
    status: u16,
    headers: HeaderMap,
    body: Bytes,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().expect("an ASCII header"))
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// The answer as the console's transport hands it to `Call::parse`.
    fn to_cw(&self) -> CwResponse {
        CwResponse {
            status: self.status,
            headers: self
                .headers
                .iter()
                .map(|(n, v)| (n.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                .collect(),
            body: self.text(),
        }
    }

    /// Decodes as the console does.
    fn parse<T: DeserializeOwned>(&self, call: &Call<T>) -> Result<T, ApiError> {
        call.parse(&self.to_cw())
    }

    /// True when `Access-Control-Expose-Headers` lets page script read `name`.
    fn exposes(&self, name: &str) -> bool {
        self.headers
            .get_all("access-control-expose-headers")
            .iter()
            .flat_map(|v| v.to_str().unwrap_or_default().split(','))
            .any(|n| n.trim().eq_ignore_ascii_case(name))
    }

    /// The CORS headers a browser needs to hand this answer (even an error) to the console.
    fn assert_readable_by_the_console(&self) {
        assert_eq!(self.header("access-control-allow-origin"), Some(ORIGIN), "{self:?}");
        assert_eq!(self.headers.get_all("access-control-allow-origin").iter().count(), 1, "exactly one ACAO");
        assert!(self.headers.get_all("vary").iter().any(|v| v == "Origin"), "Vary: Origin: {self:?}");
        for name in ["Link", "Retry-After", "x-cw-request-id", "api-current-version"] {
            assert!(self.exposes(name), "{name} is not exposed: {:?}", self.headers);
        }
    }
}

/// A browser running the console: a plain hyper-util client (it adds `Host` from the URL, like a browser).
struct Console {
    http: Client<HttpConnector, Full<Bytes>>,
    proxy: String,
    credentials: ConsoleCredentials,
}

impl Console {
    fn new(stack: &LiveStack) -> Console {
        Console {
            http: Client::builder(TokioExecutor::new()).build_http(),
            proxy: stack.proxy_url(),
            credentials: stack.credentials(),
        }
    }

    fn with_credentials(mut self, credentials: ConsoleCredentials) -> Console {
        self.credentials = credentials;
        self
    }

    /// `METHOD {proxy}/cw{path_and_query}` with the console's headers, plus what a browser adds on its
    /// own (Origin, Referer, a cookie for the page's site, its Accept and User-Agent).
    async fn send(&self, method: &str, path_and_query: &str, extra: &[(&str, &str)], body: Option<&str>) -> Seen {
        let mut request = hyper::Request::builder()
            .method(method)
            .uri(format!("{}/cw{path_and_query}", self.proxy))
            .header("origin", ORIGIN)
            .header("referer", format!("{ORIGIN}/"))
            .header("cookie", "console_session=should-never-leave-the-browser")
            .header("accept", "*/*")
            .header("user-agent", "Mozilla/5.0 (X11; Linux x86_64) cw-console-test");
        for (name, value) in self.credentials.headers() {
            request = request.header(name, value);
        }
        if body.is_some() {
            request = request.header("content-type", "application/json");
        }
        for (name, value) in extra {
            request = request.header(*name, *value);
        }
        let request = request.body(Full::new(Bytes::from(body.unwrap_or_default().to_string()))).expect("a request");
        let response =
            tokio::time::timeout(PATIENCE, self.http.request(request)).await.expect("an answer in time").expect("sent");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.expect("the whole body").to_bytes();
        Seen { status, headers, body }
    }

    /// Sends a catalogue call the way the console's live transport does.
    async fn call<T>(&self, call: &Call<T>) -> Seen {
        let request = &call.request;
        let extra: Vec<(&str, &str)> = request.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        self.send(request.method.as_str(), &request.path_and_query(), &extra, request.body.as_deref()).await
    }
}

/// The requests ConnectWise received since the last call, which must be exactly one.
fn the_one_request(stack: &LiveStack) -> RecordedRequest {
    let mut requests = stack.sim.state.requests();
    stack.sim.state.clear_requests();
    assert_eq!(requests.len(), 1, "ConnectWise should have received exactly one request: {requests:#?}");
    requests.remove(0)
}

/// What ConnectWise must see for a call the console made: the mapped URL byte for byte, the browser's
/// credentials as `Authorization` and `clientId`, the body unchanged, and nothing browser-private.
fn assert_forwarded<T>(recorded: &RecordedRequest, call: &Call<T>, credentials: &ConsoleCredentials) {
    assert_eq!(recorded.method, call.request.method.as_str());
    assert_eq!(recorded.path, call.full_path(), "path and query must arrive byte for byte");
    assert_eq!(recorded.header("authorization"), Some(format!("Basic {}", credentials.auth()).as_str()));
    assert_eq!(recorded.header("clientid"), Some(credentials.client_id.as_str()));
    assert_eq!(recorded.header("host"), Some(credentials.host.as_str()));
    assert_eq!(recorded.header("content-type"), Some("application/json"));
    for (name, _) in &recorded.headers {
        assert!(!name.starts_with("x-cw-"), "{name} reached ConnectWise");
        assert!(!["origin", "cookie", "referer"].contains(&name.as_str()), "{name} reached ConnectWise");
    }
    assert!(!recorded.headers.iter().any(|(_, v)| v.contains("should-never-leave-the-browser")));
    assert_eq!(recorded.body, call.request.body.clone().unwrap_or_default(), "the body must arrive unchanged");
}

/// The same request sent straight to the simulator with `credentials`, bypassing the proxy.
async fn direct<T>(stack: &LiveStack, call: &Call<T>, credentials: &ConsoleCredentials) -> (u16, String) {
    let client = SimClient::new(stack.sim.addr, &stack.sim.cert_pem)
        .expect("the simulator's CA")
        .with_credentials(&credentials.company, &credentials.public_key, &credentials.private_key)
        .with_client_id(&credentials.client_id);
    let answer = client
        .send(call.request.method.as_str(), &call.full_path(), &[], call.request.body.as_deref())
        .await
        .expect("the simulator answers directly");
    (answer.status, answer.body)
}

#[tokio::test]
async fn the_consoles_reads_reach_connectwise_byte_exact_and_decode() {
    let stack = LiveStack::start("demo", ORIGIN).await;
    let console = Console::new(&stack);
    let credentials = stack.credentials();

    // The client list with a filter, as the status dropdown builds it.
    let active = Condition::eq("status/name", "Active").and(api::not_deleted());
    let list = api::list_companies(Some(&active), Page::max());
    let seen = console.call(&list).await;
    assert_eq!(seen.status, 200, "{}", seen.text());
    seen.assert_readable_by_the_console();
    assert_forwarded(&the_one_request(&stack), &list, &credentials);
    let companies = seen.parse(&list).expect("a list of companies");
    assert!(!companies.is_empty() && companies.len() < 8, "the demo has active and other clients: {companies:?}");
    assert!(companies.iter().all(|c| c.status_name() == Some("Active") && !c.deleted_flag));
    assert!(companies.iter().any(|c| c.id == SUMMIT_RIDGE));

    // Its count, for "N of M".
    let count = api::count_companies(Some(&active));
    let seen = console.call(&count).await;
    assert_eq!(seen.status, 200, "{}", seen.text());
    assert_forwarded(&the_one_request(&stack), &count, &credentials);
    assert_eq!(seen.parse(&count).expect("a count").count as usize, companies.len());

    // A client's contacts: the condition must arrive still percent-encoded.
    let contacts = api::list_company_contacts(SUMMIT_RIDGE, Page::first(100));
    let seen = console.call(&contacts).await;
    assert_eq!(seen.status, 200, "{}", seen.text());
    let recorded = the_one_request(&stack);
    assert_forwarded(&recorded, &contacts, &credentials);
    assert!(
        recorded.path.starts_with("/v4_6_release/apis/3.0/company/contacts?conditions=company%2Fid%3D250&"),
        "{}",
        recorded.path
    );
    let contacts = seen.parse(&contacts).expect("a list of contacts");
    assert!(!contacts.is_empty());
    assert!(contacts.iter().all(|c| c.belongs_to(SUMMIT_RIDGE)), "{contacts:?}");
    assert_eq!(contacts.iter().filter(|c| c.default_flag).count(), 1, "one primary contact");

    stack.shutdown().await;
}

#[tokio::test]
async fn the_consoles_writes_reach_connectwise_with_their_bodies_and_decode() {
    let stack = LiveStack::start("demo", ORIGIN).await;
    let console = Console::new(&stack);
    let credentials = stack.credentials();

    let ops = Patch::new().replace("name", "Summit Ridge Dental, PC").replace("numberOfEmployees", 44).into_ops();
    let patch = api::patch_company(SUMMIT_RIDGE, &ops);
    let seen = console.call(&patch).await;
    assert_eq!(seen.status, 200, "{}", seen.text());
    seen.assert_readable_by_the_console();
    assert_forwarded(&the_one_request(&stack), &patch, &credentials);
    let company = seen.parse(&patch).expect("the full company record");
    assert_eq!((company.id, company.name.as_str()), (SUMMIT_RIDGE, "Summit Ridge Dental, PC"));
    assert_eq!(company.number_of_employees, Some(44));
    assert_eq!(company.identifier, "SummitRidgeDental", "PATCH answers the whole record");

    let new_contact = NewContact {
        first_name: "Dana".into(),
        last_name: Some("Whitfield".into()),
        company: Some(CompanyReference::by_id(SUMMIT_RIDGE)),
        title: Some("Office Manager".into()),
        ..NewContact::default()
    };
    let post = api::post_contact(&new_contact);
    let seen = console.call(&post).await;
    assert_eq!(seen.status, 201, "{}", seen.text());
    assert_forwarded(&the_one_request(&stack), &post, &credentials);
    let contact = seen.parse(&post).expect("the created contact");
    assert_eq!(contact.full_name(), "Dana Whitfield");
    assert!(contact.belongs_to(SUMMIT_RIDGE));

    // Both writes landed in ConnectWise: the console sees them on its next read.
    let list = api::list_company_contacts(SUMMIT_RIDGE, Page::first(100));
    let contacts = console.call(&list).await.parse(&list).expect("contacts");
    let created = contacts.iter().find(|c| c.id == contact.id).expect("the new contact is listed");
    assert_eq!(created.company.as_ref().and_then(|c| c.name.as_deref()), Some("Summit Ridge Dental, PC"));

    stack.shutdown().await;
}

#[tokio::test]
async fn a_2500_company_tenant_pages_through_the_proxy() {
    let stack = LiveStack::start("large:2500", ORIGIN).await;
    let console = Console::new(&stack);
    let credentials = stack.credentials();

    let count = api::count_companies(None);
    let seen = console.call(&count).await;
    assert_eq!(seen.status, 200, "{}", seen.text());
    let total = seen.parse(&count).expect("a count").count;
    assert_eq!(total, 2500);
    stack.sim.state.clear_requests();

    let first = api::list_companies(None, Page::first(1000));
    let seen = console.call(&first).await;
    assert_eq!(seen.status, 200, "{}", seen.text());
    seen.assert_readable_by_the_console();
    assert_forwarded(&the_one_request(&stack), &first, &credentials);
    assert!(seen.exposes("Link"), "page script may read Link");
    let link = seen.header("link").expect("a Link header on page 1 of 3");
    assert!(
        link.starts_with(&format!("<https://{}/v4_6_release/apis/3.0/company/companies?", credentials.host)),
        "ConnectWise's own Link, unchanged: {link}"
    );
    let links = Links::parse(link);
    assert_eq!((links.next, links.last), (Some(2), Some(3)), "{link}");

    let mut ids: Vec<CompanyId> = seen.parse(&first).expect("companies").iter().map(|c| c.id).collect();
    assert_eq!(ids.len(), 1000);
    let rest = pages_after_first(total, 1000);
    assert_eq!(rest, [Page::new(2, 1000), Page::new(3, 1000)]);
    for page in rest {
        let call = api::list_companies(None, page);
        let seen = console.call(&call).await;
        assert_eq!(seen.status, 200, "{}", seen.text());
        let companies = seen.parse(&call).expect("companies");
        assert_eq!(companies.len(), if page.number == 3 { 500 } else { 1000 });
        let links = Links::parse(seen.header("link").unwrap_or_default());
        assert_eq!(links.has_next(), page.number < 3, "page {page:?}: {links:?}");
        ids.extend(companies.iter().map(|c| c.id));
    }
    let distinct: HashSet<CompanyId> = ids.iter().copied().collect();
    assert_eq!((ids.len(), distinct.len()), (2500, 2500), "every company exactly once");

    stack.shutdown().await;
}

#[tokio::test]
async fn a_wrong_private_key_gets_connectwises_401_readable_by_the_console() {
    let stack = LiveStack::start("demo", ORIGIN).await;
    let wrong = ConsoleCredentials { private_key: "not-the-private-key".into(), ..stack.credentials() };
    let console = Console::new(&stack).with_credentials(wrong.clone());

    let call = api::list_companies(Some(&api::not_deleted()), Page::first(25));
    let seen = console.call(&call).await;
    assert_eq!(seen.status, 401, "{}", seen.text());
    assert_eq!(seen.json(), json!({"code": "ConnectWiseApi", "message": "UserNotAuthenticated"}));
    seen.assert_readable_by_the_console();
    assert!(seen.header("x-cw-request-id").is_some(), "CW's request id comes back: {:?}", seen.headers);
    let error = seen.parse(&call).expect_err("a 401");
    assert!(error.is_auth(), "the console shows a credentials problem: {error}");

    // ConnectWise was asked with exactly the (wrong) credentials the technician typed.
    assert_forwarded(&the_one_request(&stack), &call, &wrong);
    // And the body is byte for byte what ConnectWise answers when asked directly.
    let (status, body) = direct(&stack, &call, &wrong).await;
    assert_eq!((status, body), (401, seen.text()));

    stack.shutdown().await;
}

#[tokio::test]
async fn an_invalid_patch_gets_connectwises_400_unchanged() {
    let stack = LiveStack::start("demo", ORIGIN).await;
    let console = Console::new(&stack);
    let credentials = stack.credentials();

    let ops = Patch::new().replace("status/name", "Dormant").into_ops();
    let call = api::patch_company(SUMMIT_RIDGE, &ops);
    let seen = console.call(&call).await;
    assert_eq!(seen.status, 400, "{}", seen.text());
    seen.assert_readable_by_the_console();
    assert_eq!(
        seen.json(),
        json!({"code": "InvalidObject", "message": "company object is invalid", "errors": [
            {"code": "InvalidField", "message": "Company status 'Dormant' not found.", "resource": "company", "field": "status"}
        ]})
    );
    assert_forwarded(&the_one_request(&stack), &call, &credentials);
    let error = seen.parse(&call).expect_err("a 400");
    assert_eq!(error.status(), Some(400));
    assert_eq!(error.field_errors().len(), 1);
    assert_eq!(error.field_errors()[0].field.as_deref(), Some("status"), "shown next to the status field");
    let (status, body) = direct(&stack, &call, &credentials).await;
    assert_eq!((status, body), (400, seen.text()), "the proxy passes CW's body through unchanged");

    stack.shutdown().await;
}

#[tokio::test]
async fn connectwises_429_and_retry_after_reach_the_console() {
    let stack = LiveStack::start("demo", ORIGIN).await;
    let console = Console::new(&stack);
    stack.sim.state.set_faults(Faults {
        rate_limit: Some(RateLimit { requests: 1, window_secs: 60 }),
        retry_after_secs: Some(17),
        ..Faults::default()
    });
    let call = api::count_companies(None);
    assert_eq!(console.call(&call).await.status, 200, "the first request in the window passes");

    let seen = console.call(&call).await;
    assert_eq!(seen.status, 429, "{}", seen.text());
    seen.assert_readable_by_the_console();
    assert_eq!(seen.header("retry-after"), Some("17"));
    assert!(seen.exposes("Retry-After"), "the console may read Retry-After");
    assert_eq!(seen.json()["code"], "TooManyRequests");
    match seen.parse(&call) {
        Err(ApiError::RateLimited { retry_after, .. }) => assert_eq!(retry_after, Some(17)),
        other => panic!("the console should see a rate limit, not {other:?}"),
    }
    assert_eq!(stack.sim.state.requests().len(), 2, "one request per browser call, no retries by the proxy");

    stack.shutdown().await;
}

#[tokio::test]
async fn connectwises_500_timeout_body_reaches_the_console() {
    let stack = LiveStack::start("demo", ORIGIN).await;
    let console = Console::new(&stack);
    let credentials = stack.credentials();
    stack.sim.state.set_faults(Faults { fail_next: 2, ..Faults::default() });

    let call = api::list_companies(None, Page::first(25));
    let seen = console.call(&call).await;
    assert_eq!(seen.status, 500, "{}", seen.text());
    seen.assert_readable_by_the_console();
    assert_eq!(seen.json(), json!({"code": "ConnectWiseApi", "message": "A timeout has occured. Please try again."}));
    let error = seen.parse(&call).expect_err("a 500");
    assert!(error.is_retryable(), "the console offers a retry: {error}");
    assert_forwarded(&the_one_request(&stack), &call, &credentials);
    let (status, body) = direct(&stack, &call, &credentials).await;
    assert_eq!((status, body), (500, seen.text()), "the body passes through unchanged");

    stack.sim.state.clear_requests();
    assert_eq!(console.call(&call).await.status, 200, "the next call succeeds");
    stack.shutdown().await;
}

#[tokio::test]
async fn a_dropped_connection_becomes_a_502_in_connectwises_shape() {
    let stack = LiveStack::start("demo", ORIGIN).await;
    let console = Console::new(&stack);
    let credentials = stack.credentials();
    stack.sim.state.set_faults(Faults { drop_next: 1, ..Faults::default() });

    let call = api::count_companies(None);
    let seen = console.call(&call).await;
    assert_eq!(seen.status, 502, "{}", seen.text());
    seen.assert_readable_by_the_console();
    let body = seen.json();
    assert_eq!(body["code"], "UpstreamUnreachable");
    assert!(body["message"].as_str().is_some_and(|m| m.starts_with("cw-proxy: ")), "{body}");
    assert!(!seen.text().contains(&credentials.auth()) && !seen.text().contains(&credentials.private_key));
    let error = seen.parse(&call).expect_err("a 502");
    assert_eq!(error.status(), Some(502));
    assert!(error.is_retryable(), "{error}");
    assert_forwarded(&the_one_request(&stack), &call, &credentials);

    let seen = console.call(&call).await;
    assert_eq!(seen.status, 200, "the proxy recovers on the next call: {}", seen.text());
    stack.shutdown().await;
}

#[tokio::test]
async fn connectwise_slower_than_the_proxy_timeout_becomes_a_504() {
    let stack = LiveStack::builder().origin(ORIGIN).proxy_timeout(Duration::from_secs(1)).start().await;
    let console = Console::new(&stack);
    let call = api::count_companies(None);
    assert_eq!(console.call(&call).await.status, 200, "fast enough without latency");
    stack.sim.state.clear_requests();
    stack.sim.state.set_faults(Faults { latency_ms: 4_000, ..Faults::default() });

    let started = Instant::now();
    let seen = console.call(&call).await;
    let waited = started.elapsed();
    assert_eq!(seen.status, 504, "{}", seen.text());
    seen.assert_readable_by_the_console();
    assert_eq!(seen.json()["code"], "UpstreamTimeout");
    assert!(waited < Duration::from_secs(3), "the proxy gave up at its timeout, not CW's pace: {waited:?}");
    assert_eq!(stack.sim.state.requests().len(), 1, "ConnectWise did receive the request");
    assert!(seen.parse(&call).expect_err("a 504").is_retryable());

    stack.sim.state.set_faults(Faults::default());
    assert_eq!(console.call(&call).await.status, 200, "answers again once CW is fast");
    stack.shutdown().await;
}

#[tokio::test]
async fn a_host_or_origin_not_allowed_is_refused_before_connectwise() {
    let stack = LiveStack::start("demo", ORIGIN).await;
    let credentials = stack.credentials();
    let sim_port = stack.sim.addr.port();
    let other_port = if sim_port == u16::MAX { sim_port - 1 } else { sim_port + 1 };
    let call = api::list_companies(None, Page::first(25));

    for host in [format!("127.0.0.1:{other_port}"), format!("localhost:{sim_port}"), "127.0.0.1".to_string()] {
        let console =
            Console::new(&stack).with_credentials(ConsoleCredentials { host: host.clone(), ..credentials.clone() });
        let seen = console.call(&call).await;
        assert_eq!(seen.status, 403, "x-cw-host {host}: {}", seen.text());
        seen.assert_readable_by_the_console();
        assert_eq!(seen.json()["code"], "HostNotAllowed", "x-cw-host {host}");
    }

    // A page on another origin gets no CORS grant and no answer from ConnectWise.
    let console = Console::new(&stack);
    let request = hyper::Request::get(format!("{}/cw{}", stack.proxy_url(), call.request.path_and_query()))
        .header("origin", "http://evil.example")
        .header("x-cw-host", credentials.host.as_str())
        .header("x-cw-auth", credentials.auth())
        .header("x-cw-client-id", credentials.client_id.as_str())
        .body(Full::new(Bytes::new()))
        .expect("a request");
    let response = console.http.request(request).await.expect("an answer");
    assert_eq!(response.status(), 403);
    assert!(response.headers().get("access-control-allow-origin").is_none());

    assert!(stack.sim.state.requests().is_empty(), "ConnectWise received nothing: {:#?}", stack.sim.state.requests());
    stack.shutdown().await;
}

#[tokio::test]
async fn preflights_are_answered_by_the_proxy_alone() {
    let stack = LiveStack::start("demo", ORIGIN).await;
    let console = Console::new(&stack);
    let request = hyper::Request::builder()
        .method("OPTIONS")
        .uri(format!("{}/cw/company/companies/250", stack.proxy_url()))
        .header("origin", ORIGIN)
        .header("access-control-request-method", "PATCH")
        .header("access-control-request-headers", "content-type,pagination-type,x-cw-auth,x-cw-client-id,x-cw-host")
        .body(Full::new(Bytes::new()))
        .expect("a preflight");
    let response = console.http.request(request).await.expect("an answer");
    assert_eq!(response.status(), 204);
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert_eq!(header("access-control-allow-origin"), ORIGIN);
    assert!(header("access-control-allow-methods").contains("PATCH"));
    let allowed: Vec<String> =
        header("access-control-allow-headers").split(',').map(|h| h.trim().to_ascii_lowercase()).collect();
    for name in ["content-type", "pagination-type", "x-cw-auth", "x-cw-client-id", "x-cw-host"] {
        assert!(allowed.iter().any(|h| h == name), "{name} not allowed: {allowed:?}");
    }
    assert!(stack.sim.state.requests().is_empty(), "a preflight never reaches ConnectWise");
    stack.shutdown().await;
}
