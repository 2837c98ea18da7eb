//! The onboarding wizard live, in headless Chromium through cw-proxy to cw-sim: a full run read back and
//! linked into ConnectWise Manage; agreement and ticket skipped; duplicates caught by pre-flight before any
//! POST; a failure at the agreement, a page reload and Resume; a POST whose answer was lost but whose write
//! landed; and a rollback. cw-sim's request log is the witness of what ConnectWise received.

mod support;

use cw_shared::http::{Method, Request};
use cw_tests::dist_server::DistServer;
use cw_tests::sim::Faults;
use fantoccini::{Client, Locator};
use serde_json::Value;
use support::browser::*;
use support::live::{ConsoleCredentials, LiveStack};
use support::wizard::*;

const API: &str = "/v4_6_release/apis/3.0";

/// The console in live mode against a demo-dataset stack, on the wizard's first page, with an empty log.
async fn open_live() -> (Browser, DistServer, LiveStack) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let stack = LiveStack::builder().dataset("demo").origin(&origin).start().await;
    let console = DistServer::start(listener, dist_with_proxy(&stack.proxy_url())).unwrap();
    let b = start().await;
    let c = &b.client;
    c.goto(&format!("http://{}/", console.addr())).await.unwrap();
    wait_text(c, "#mode-label", "DEMO first", |t| t == "DEMO").await;
    connect(c, &stack.credentials()).await;
    wait_text(c, "#mode-label", "LIVE", |t| t == "LIVE").await;
    wait_count(c, ".client-row[data-id]", "the client rows", |n| n >= 5).await;
    click(c, "#tab-onboard").await;
    wait_visible(c, "#wz-1").await;
    stack.sim.state.clear_requests();
    (b, console, stack)
}

async fn connect(c: &Client, creds: &ConsoleCredentials) {
    fill(c, "#cfg-host", &creds.host).await;
    fill(c, "#cfg-company", &creds.company).await;
    fill(c, "#cfg-pub", &creds.public_key).await;
    fill(c, "#cfg-priv", &creds.private_key).await;
    fill(c, "#cfg-cid", &creds.client_id).await;
    click(c, "#cfg-connect").await;
}

/// `METHOD path` (below the API root, no query) of every request cw-sim received, with its status.
fn log(stack: &LiveStack) -> Vec<(String, Option<u16>)> {
    stack
        .sim
        .state
        .requests()
        .into_iter()
        .map(|r| {
            let path = r.path.strip_prefix(API).unwrap_or(&r.path);
            let path = path.split('?').next().unwrap_or(path);
            (format!("{} {path}", r.method), r.status)
        })
        .collect()
}

/// How many `POST`s to a path that ConnectWise carried out (answered or not).
fn posts(stack: &LiveStack, path: &str) -> usize {
    log(stack)
        .iter()
        .filter(|(call, status)| call == &format!("POST {path}") && status.is_some_and(|s| s < 300))
        .count()
}

fn all_posts(stack: &LiveStack) -> usize {
    log(stack).iter().filter(|(call, _)| call.starts_with("POST ")).count()
}

fn sim_get(stack: &LiveStack, path: &str, query: &str) -> (u16, Value) {
    let r = stack.sim.state.with_store(|s| s.handle(&Request::new(Method::Get, path).with_query(query)));
    (r.status, serde_json::from_str(&r.body).unwrap_or(Value::Null))
}

/// The new company's id, from cw-sim's store.
fn company_id(stack: &LiveStack, identifier: &str) -> i64 {
    let (_, v) = sim_get(stack, "/company/companies", &format!("conditions=identifier%3D%22{identifier}%22"));
    v[0]["id"].as_i64().unwrap_or_else(|| panic!("{identifier} exists in cw-sim"))
}

fn site_posts(stack: &LiveStack, company: i64) -> usize {
    posts(stack, &format!("/company/companies/{company}/sites"))
}

const TWO: &[(&str, &str, &str)] =
    &[("Nora", "Quinn", "nora.quinn@lakeside.example"), ("Omar", "Haddad", "omar@lakeside.example")];

#[tokio::test(flavor = "multi_thread")]
async fn live_onboarding_creates_reads_back_and_links_every_record() {
    let (b, _console, stack) = open_live().await;
    let c = &b.client;
    fill_wizard(c, "Lakeside Orthodontics", "LakesideOrtho", TWO, true, true).await;
    let status = preflight_status(c).await;
    assert!(status.contains("Pre-flight passed"), "{status}");
    assert_eq!(all_posts(&stack), 0, "pre-flight only reads");
    click(c, "#wz-submit").await;
    let verified = wait_text(c, "#wz-verify", "the read-back", |t| t.contains("Verified")).await;
    assert!(verified.contains("all 6 records read back from ConnectWise match"), "{verified}");
    screenshot(c, "live-onboard-verified").await;

    let company = company_id(&stack, "LakesideOrtho");
    assert_eq!(posts(&stack, "/company/companies"), 1);
    assert_eq!(site_posts(&stack, company), 1);
    assert_eq!(posts(&stack, "/company/contacts"), 2);
    assert_eq!(posts(&stack, "/finance/agreements"), 1);
    assert_eq!(posts(&stack, "/service/tickets"), 1);
    // The read-back GETs each record after the writes.
    let calls: Vec<String> = log(&stack).into_iter().map(|(c, _)| c).collect();
    let last_post = calls.iter().rposition(|c| c.starts_with("POST ")).unwrap();
    assert!(calls[last_post..].contains(&format!("GET /company/companies/{company}")), "{calls:?}");
    assert!(calls[last_post..].iter().any(|c| c.starts_with("GET /service/tickets/")), "{calls:?}");

    // Each record links into ConnectWise Manage; the company's link opens it by id.
    wait_count(c, ".wz-verify-row.wz-verify-ok", "six verified rows", |n| n == 6).await;
    let links = c.find_all(Locator::Css("#wz-verify a.wz-cw-link")).await.unwrap();
    assert_eq!(links.len(), 6);
    let first = links[0].attr("href").await.unwrap().unwrap();
    let creds = stack.credentials();
    assert_eq!(
        first,
        format!(
            "https://{}/v4_6_release/services/system_io/router/openrecord.rails?locale=en_US&recordType=CompanyFV\
             &recid={company}&companyName={}",
            creds.host, creds.company
        )
    );
    let ticket = links[5].attr("href").await.unwrap().unwrap();
    assert!(ticket.contains("recordType=ServiceFv"), "{ticket}");
    // Nothing is left to resume: a reload shows no banner.
    c.refresh().await.unwrap();
    wait_text(c, "#mode-label", "LIVE again", |t| t == "LIVE").await;
    assert!(c.find(Locator::Css("#onboard-recover")).await.is_err(), "no banner after a finished run");
}

#[tokio::test(flavor = "multi_thread")]
async fn live_onboarding_with_agreement_and_ticket_skipped_posts_neither() {
    let (b, _console, stack) = open_live().await;
    let c = &b.client;
    fill_wizard(c, "Pinecrest Vet Clinic", "PinecrestVet", &TWO[..1], false, false).await;
    preflight_status(c).await;
    click(c, "#wz-submit").await;
    let result = wait_text(c, "#wz-result", "success", |t| t.contains("success")).await;
    assert!(
        result.contains("No agreement was requested.") && result.contains("No onboarding ticket was requested."),
        "{result}"
    );
    wait_text(c, "#wz-verify", "the read-back", |t| t.contains("Verified: all 3 records")).await;
    assert_eq!(posts(&stack, "/company/companies"), 1);
    assert_eq!(posts(&stack, "/company/contacts"), 1);
    assert_eq!(posts(&stack, "/finance/agreements"), 0);
    assert_eq!(posts(&stack, "/service/tickets"), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn live_preflight_catches_a_taken_identifier_and_a_known_email_before_any_post() {
    let (b, _console, stack) = open_live().await;
    let c = &b.client;
    let (_, companies) = sim_get(&stack, "/company/companies", "pageSize=1&orderBy=id%20asc");
    let taken = companies[0]["identifier"].as_str().unwrap().to_owned();
    let (_, contacts) = sim_get(&stack, "/company/contacts", "pageSize=1&orderBy=id%20asc");
    let known = contacts[0]["communicationItems"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|i| i["value"].as_str().filter(|v| v.contains('@')))
        .unwrap()
        .to_owned();
    fill_wizard(c, "Brand New Client LLC", &taken, &[("Dana", "Reyes", &known)], true, true).await;
    let status = preflight_status(c).await;
    assert!(status.contains("2 problem(s) block Submit"), "{status}");
    let codes: Vec<String> = {
        let mut out = Vec::new();
        for el in c.find_all(Locator::Css(".wz-finding-blocking")).await.unwrap() {
            out.push(el.attr("data-code").await.unwrap().unwrap_or_default());
        }
        out
    };
    assert_eq!(codes, vec!["identifier-taken", "email-exists"]);
    let text = c.find(Locator::Css("#wz-preflight")).await.unwrap().text().await.unwrap();
    assert!(text.contains(&taken) && text.contains(&known), "{text}");
    assert!(!enabled(c, "#wz-submit").await, "Submit is blocked");
    screenshot(c, "live-onboard-preflight").await;

    assert_eq!(all_posts(&stack), 0, "nothing was written: {:?}", log(&stack));
    let raw: Vec<String> = stack.sim.state.requests().into_iter().map(|r| r.path).collect();
    assert!(
        raw.iter().any(|p| p.contains("childConditions=communicationItems%2Fvalue")),
        "the email is looked up with childConditions: {raw:?}"
    );
}

/// Sets faults aimed at one call.
fn aim(stack: &LiveStack, call: &str, faults: Faults) {
    stack.sim.state.set_faults(Faults { next_only: Some(call.into()), ..faults });
}

#[tokio::test(flavor = "multi_thread")]
async fn live_failure_at_the_agreement_then_reload_and_resume_creates_nothing_twice() {
    let (b, _console, stack) = open_live().await;
    let c = &b.client;
    fill_wizard(c, "Harbor Point Marine", "HarborPoint", TWO, true, true).await;
    preflight_status(c).await;
    aim(&stack, "POST /finance/agreements", Faults { fail_next: 1, ..Faults::default() });
    click(c, "#wz-submit").await;
    let result = wait_text(c, "#wz-result", "the failure", |t| t.contains("failed")).await;
    assert!(result.contains("failed at Agreement Managed Services - Gold"), "{result}");
    assert!(result.contains("A timeout has occured"), "ConnectWise's own words: {result}");

    // The page goes away; the journal brings the run back.
    c.refresh().await.unwrap();
    wait_text(c, "#mode-label", "LIVE again", |t| t == "LIVE").await;
    let banner = wait_text(c, "#onboard-recover", "the banner", |t| t.contains("Unfinished onboarding")).await;
    assert!(banner.contains("Harbor Point Marine") && banner.contains("4 of 6 records created"), "{banner}");
    screenshot(c, "live-onboard-recover").await;
    assert_eq!(c.find(Locator::Css("#onboard-recover-resume")).await.unwrap().text().await.unwrap(), "Resume");
    click(c, "#onboard-recover-resume").await;
    wait_text(c, "#wz-verify", "the read-back", |t| t.contains("Verified: all 6 records")).await;

    let company = company_id(&stack, "HarborPoint");
    assert_eq!(posts(&stack, "/company/companies"), 1, "no duplicate company: {:?}", log(&stack));
    assert_eq!(site_posts(&stack, company), 1, "no duplicate site");
    assert_eq!(posts(&stack, "/company/contacts"), 2, "no duplicate contact");
    assert_eq!(posts(&stack, "/finance/agreements"), 1, "the agreement once it could be");
    let calls: Vec<String> = log(&stack).into_iter().map(|(c, _)| c).collect();
    assert!(calls.contains(&"GET /finance/agreements".to_owned()), "a 500 may have written: searched first: {calls:?}");
    wait_gone(c, "#onboard-recover").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn live_a_lost_answer_to_a_post_that_landed_is_found_on_resume_without_a_duplicate() {
    let (b, _console, stack) = open_live().await;
    let c = &b.client;
    fill_wizard(c, "Cedar Hollow Farms", "CedarHollow", TWO, false, true).await;
    preflight_status(c).await;
    aim(&stack, "POST /company/contacts", Faults { drop_after_next: 1, ..Faults::default() });
    click(c, "#wz-submit").await;
    let result = wait_text(c, "#wz-result", "the failure", |t| t.contains("failed")).await;
    assert!(result.contains("Contact Nora Quinn"), "{result}");
    assert_eq!(posts(&stack, "/company/contacts"), 1, "the write landed, its answer did not");

    click(c, "#wz-resume").await;
    let result = wait_text(c, "#wz-result", "success", |t| t.contains("success")).await;
    assert!(result.contains("was not created again"), "{result}");
    wait_text(c, "#wz-verify", "the read-back", |t| t.contains("Verified: all 5 records")).await;
    assert_eq!(posts(&stack, "/company/contacts"), 2, "Nora once, Omar once: {:?}", log(&stack));
    let company = company_id(&stack, "CedarHollow");
    let (_, contacts) = sim_get(&stack, "/company/contacts", &format!("conditions=company%2Fid%3D{company}"));
    assert_eq!(contacts.as_array().unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn live_rollback_removes_what_a_stopped_run_created_newest_first() {
    let (b, _console, stack) = open_live().await;
    let c = &b.client;
    fill_wizard(c, "Willow Bend Pediatrics", "WillowBend", TWO, true, true).await;
    preflight_status(c).await;
    aim(&stack, "POST /finance/agreements", Faults { fail_next: 1, ..Faults::default() });
    click(c, "#wz-submit").await;
    wait_text(c, "#wz-result", "the failure", |t| t.contains("failed")).await;
    let company = company_id(&stack, "WillowBend");

    click(c, "#wz-rollback").await;
    let confirm = wait_text(c, "#wz-rollback-confirm", "the confirmation", |t| !t.is_empty()).await;
    assert!(confirm.contains("4 record(s)"), "{confirm}");
    click(c, "#wz-rollback-confirm").await;
    let done = wait_text(c, "#wz-rollback-result", "the rollback", |t| t.contains("Rolled back:")).await;
    assert!(done.contains("4 removed, 0 deactivated, 0 left in ConnectWise"), "{done}");
    wait_count(c, ".wz-undo-row[data-state=removed]", "four removed rows", |n| n == 4).await;
    screenshot(c, "live-onboard-rollback").await;

    let deletes: Vec<String> =
        log(&stack).into_iter().filter(|(c, _)| c.starts_with("DELETE ")).map(|(c, _)| c).collect();
    assert_eq!(deletes.len(), 4, "{deletes:?}");
    assert!(deletes[0].starts_with("DELETE /company/contacts/") && deletes[1].starts_with("DELETE /company/contacts/"));
    assert!(deletes[2].starts_with(&format!("DELETE /company/companies/{company}/sites/")), "{deletes:?}");
    assert_eq!(deletes[3], format!("DELETE /company/companies/{company}"));
    assert_eq!(sim_get(&stack, &format!("/company/companies/{company}"), "").0, 404, "the company is gone");
    let (_, contacts) = sim_get(&stack, "/company/contacts", &format!("conditions=company%2Fid%3D{company}"));
    assert_eq!(contacts.as_array().map(Vec::len), Some(0));
    // Nothing is left to resume or undo.
    assert!(c.find(Locator::Css("#wz-resume")).await.is_err());
    c.refresh().await.unwrap();
    wait_text(c, "#mode-label", "LIVE again", |t| t == "LIVE").await;
    assert!(c.find(Locator::Css("#onboard-recover")).await.is_err(), "no banner after a clean rollback");
}
