//! The onboarding wizard in demo mode, end to end in headless Chromium against the built dist/: the six
//! pages, auto-fill, the run through the in-browser ConnectWise store, a refusal with ConnectWise's own
//! message, and Resume.

mod support;

use cw_tests::dist_server::DistServer;
use fantoccini::{Client, Locator};
use std::time::{Duration, Instant};
use support::browser::*;

async fn open_wizard() -> (Browser, DistServer) {
    let server = DistServer::start(std::net::TcpListener::bind("127.0.0.1:0").unwrap(), dist_dir()).unwrap();
    let b = start().await;
    b.client.goto(&format!("http://{}/", server.addr())).await.unwrap();
    let c = &b.client;
    wait_text(c, "#mode-label", "DEMO", |t| t == "DEMO").await;
    c.find(Locator::Css("#filter-status")).await.unwrap().select_by_value("all").await.unwrap();
    wait_text(c, "#client-count", "8 of 8", |t| t.trim() == "8 of 8").await;
    click(c, "#tab-onboard").await;
    wait_visible(c, "#wz-1").await;
    (b, server)
}

/// Waits until `css` is displayed (the wizard shows one page at a time).
async fn wait_visible(c: &Client, css: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(el) = c.find(Locator::Css(css)).await
            && el.is_displayed().await.unwrap_or(false)
        {
            return;
        }
        assert!(Instant::now() < deadline, "waited 30 s for {css} to be shown");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// An input's current value.
async fn value(c: &Client, css: &str) -> String {
    let el = c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("no {css}: {e}"));
    el.prop("value").await.unwrap().unwrap_or_default()
}

/// Waits until an input's value satisfies `check`.
async fn wait_value(c: &Client, css: &str, what: &str, check: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let v = value(c, css).await;
        if check(&v) {
            return v;
        }
        assert!(Instant::now() < deadline, "waited 30 s for {css} to hold {what}; it holds {v:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn next(c: &Client, page: usize) {
    click(c, "#wz-next").await;
    wait_visible(c, &format!("#wz-{page}")).await;
}

async fn fill_company(c: &Client, name: &str, identifier: &str) {
    fill(c, "#wz-name", name).await;
    fill(c, "#wz-identifier", identifier).await;
    fill(c, "#wz-address1", "200 Lake Street").await;
    fill(c, "#wz-city", "Madison").await;
    fill(c, "#wz-state", "WI").await;
    fill(c, "#wz-zip", "53703").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn onboarding_creates_a_complete_client_and_opens_it() {
    let (b, _server) = open_wizard().await;
    let c = &b.client;
    let page1 = c.find(Locator::Css("#wz-1")).await.unwrap().text().await.unwrap();
    assert!(page1.contains("POST /company/companies"), "page 1 names its call: {page1}");

    // Next is blocked while the page has problems, shown next to their fields.
    click(c, "#wz-next").await;
    wait_count(c, "#wz-1 .wz-problem", "the page's problems", |n| n >= 2).await;
    assert!(c.find(Locator::Css("#wz-1")).await.unwrap().is_displayed().await.unwrap(), "still on page 1");

    fill_company(c, "Northwind Dental Partners", "NorthwindDental").await;
    wait_count(c, "#wz-1 .wz-problem", "the problems to clear", |n| n == 0).await;
    next(c, 2).await;
    // The site is prefilled from the company's address.
    assert_eq!(value(c, "#wz-site-name").await, "Main Office");
    assert_eq!(value(c, "#wz-site-address1").await, "200 Lake Street");
    assert_eq!(value(c, "#wz-site-city").await, "Madison");
    assert_eq!(value(c, "#wz-site-zip").await, "53703");
    let page2 = c.find(Locator::Css("#wz-2")).await.unwrap().text().await.unwrap();
    assert!(page2.contains("POST /company/companies/{companyId}/sites"), "{page2}");

    next(c, 3).await;
    click(c, "#wz-contact-add").await;
    wait_count(c, ".wz-contact", "one contact row", |n| n == 1).await;
    fill(c, ".wz-contact .wz-first", "Nora").await;
    fill(c, ".wz-contact .wz-last", "Quinn").await;
    fill(c, ".wz-contact .wz-title", "Office Manager").await;
    fill(c, ".wz-contact .wz-email", "nora.quinn@northwinddental.com").await;
    let primary = c.find(Locator::Css(".wz-contact .wz-primary")).await.unwrap();
    assert!(primary.is_selected().await.unwrap(), "the first contact is primary");

    next(c, 4).await;
    let start = value(c, "#wz-agreement-start").await;
    assert!(start.len() == 10 && start.as_bytes()[4] == b'-', "the start date defaults to today: {start:?}");
    fill(c, "#wz-agreement-name", "Managed Services - Gold").await;
    c.find(Locator::Css("#wz-agreement-type")).await.unwrap().select_by_value("Block Hours").await.unwrap();
    wait_value(c, "#wz-agreement-type", "Block Hours", |v| v == "Block Hours").await;
    fill(c, "#wz-agreement-amount", "2500").await;

    next(c, 5).await;
    assert_eq!(value(c, "#wz-ticket-summary").await, "Onboarding — Northwind Dental Partners");
    wait_value(c, "#wz-ticket-board", "Service Desk", |v| v == "Service Desk").await;

    next(c, 6).await;
    let review = c.find(Locator::Css("#wz-6")).await.unwrap().text().await.unwrap();
    for expected in ["Northwind Dental Partners", "NorthwindDental", "Nora Quinn", "Block Hours", "Service Desk"] {
        assert!(review.contains(expected), "the review shows {expected}: {review}");
    }
    screenshot(c, "onboard-review").await;
    click(c, "#wz-submit").await;
    let result = wait_text(c, "#wz-result", "success", |t| t.contains("success")).await;
    assert!(result.contains("created"), "{result}");
    for record in ["Company", "Site", "Contact", "Agreement", "Ticket"] {
        assert!(result.contains(&format!("Created {record}")), "{record} created: {result}");
    }
    wait_text(c, "#toasts", "a [DEMO] toast", |t| t.contains("[DEMO]")).await;
    screenshot(c, "onboard-success").await;

    // The list reloads with the new company; Open client shows it with its primary contact.
    wait_text(c, "#client-count", "9 of 9", |t| t.trim() == "9 of 9").await;
    click(c, "#wz-open-client").await;
    wait_text(c, "#panel-detail", "the new client", |t| t.contains("Northwind Dental Partners")).await;
    wait_count(c, ".contact-row", "its contact", |n| n == 1).await;
    let nora = row_with_text(c, ".contact-row", "Nora Quinn").await;
    assert!(nora.find(Locator::Css(".badge-primary")).await.is_ok(), "Nora is PRIMARY");
    wait_count(c, ".agreement-row", "its agreement", |n| n == 1).await;
    wait_count(c, ".site-row", "its site", |n| n >= 1).await;
    row_with_text(c, ".client-row", "Northwind Dental Partners").await;

    // Start another: a fresh wizard.
    click(c, "#tab-onboard").await;
    click(c, "#wz-restart").await;
    wait_visible(c, "#wz-1").await;
    assert_eq!(value(c, "#wz-name").await, "");
    assert!(page_errors(c).await.is_empty(), "{:?}", page_errors(c).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_identifier_fails_with_cws_message_and_resume_finishes() {
    let (b, _server) = open_wizard().await;
    let c = &b.client;
    fill_company(c, "Summit Ridge Dental North", "SummitRidgeDental").await;
    next(c, 2).await;
    next(c, 3).await;
    next(c, 4).await;
    click(c, "#wz-agreement-skip").await;
    next(c, 5).await;
    next(c, 6).await;
    click(c, "#wz-submit").await;

    let result = wait_text(c, "#wz-result", "the failure", |t| t.contains("failed")).await;
    assert!(result.contains("Company ID already in use."), "CW's own message: {result}");
    assert!(result.contains("identifier"), "says what to fix: {result}");
    assert!(c.find(Locator::Css("#wz-resume")).await.unwrap().is_displayed().await.unwrap(), "Resume is offered");
    assert_eq!(c.find(Locator::Css("#wz-resume")).await.unwrap().text().await.unwrap(), "Resume");
    // The wizard is back on the company page with CW's message next to the identifier.
    wait_visible(c, "#wz-1").await;
    wait_text(c, "#wz-1", "the message by the field", |t| t.contains("Company ID already in use.")).await;
    screenshot(c, "onboard-failed").await;

    fill(c, "#wz-identifier", "SummitRidgeNorth").await;
    click(c, "#wz-resume").await;
    let result = wait_text(c, "#wz-result", "success after Resume", |t| t.contains("success")).await;
    assert!(result.contains("Created Company Summit Ridge Dental North"), "{result}");
    assert!(result.contains("Skipped"), "the agreement was skipped: {result}");
    assert!(!result.contains("failed"), "{result}");
    wait_text(c, "#client-count", "9 of 9", |t| t.trim() == "9 of 9").await;
    row_with_text(c, ".client-row", "SummitRidgeNorth").await;
}
