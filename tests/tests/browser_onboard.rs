//! The onboarding wizard in demo mode, end to end in headless Chromium against the built dist/: the six
//! pages, auto-fill, pre-flight, the run through the in-browser ConnectWise store, the read-back, and a
//! duplicate caught by pre-flight before anything is written. (Live runs through cw-proxy to cw-sim, with
//! failures, reloads, lost answers and rollback: `browser_onboard_live.rs`.)

mod support;

use cw_tests::dist_server::DistServer;
use fantoccini::Locator;
use support::browser::*;
use support::wizard::*;

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
    let status = preflight_status(c).await;
    assert!(status.contains("Pre-flight passed"), "{status}");
    screenshot(c, "onboard-review").await;
    click(c, "#wz-submit").await;
    let result = wait_text(c, "#wz-result", "success", |t| t.contains("success")).await;
    assert!(result.contains("created"), "{result}");
    for record in ["Company", "Site", "Contact", "Agreement", "Ticket"] {
        assert!(result.contains(&format!("Created {record}")), "{record} created: {result}");
    }
    let verified = wait_text(c, "#wz-verify", "the read-back", |t| t.contains("Verified")).await;
    assert!(verified.contains("all 5 records"), "{verified}");
    wait_count(c, ".wz-verify-row.wz-verify-ok", "a verified row per record", |n| n == 5).await;
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
async fn preflight_blocks_a_taken_identifier_and_a_same_name_waits_for_an_acknowledgement() {
    let (b, _server) = open_wizard().await;
    let c = &b.client;
    fill_wizard(
        c,
        "Summit Ridge Dental Group",
        "SummitRidgeDental",
        &[("Rita", "Moss", "rita@summitnorth.com")],
        false,
        true,
    )
    .await;
    let status = preflight_status(c).await;
    assert!(status.contains("1 problem(s) block Submit"), "{status}");
    let blocking = wait_text(c, ".wz-finding-blocking", "the identifier finding", |t| !t.is_empty()).await;
    assert!(blocking.contains("\"SummitRidgeDental\" is already used by Summit Ridge Dental Group"), "{blocking}");
    let warning = c.find(Locator::Css(".wz-finding-warning")).await.unwrap().text().await.unwrap();
    assert!(warning.contains("A company named \"Summit Ridge Dental Group\" already exists"), "{warning}");
    assert!(!enabled(c, "#wz-submit").await, "Submit is blocked");
    screenshot(c, "onboard-preflight-blocked").await;

    // Open shows the existing company.
    click(c, ".wz-finding-blocking .wz-finding-open").await;
    wait_text(c, "#panel-detail", "the existing company", |t| t.contains("Summit Ridge Dental Group")).await;

    // A new identifier clears the blocking finding; the name warning waits for an acknowledgement.
    click(c, "#tab-onboard").await;
    for _ in 0..5 {
        click(c, "#wz-back").await;
    }
    wait_visible(c, "#wz-1").await;
    fill(c, "#wz-identifier", "SummitRidgeNorth").await;
    for page in 2..=6 {
        next(c, page).await;
    }
    let status = preflight_status(c).await;
    assert!(status.contains("acknowledge 1 warning"), "{status}");
    assert_eq!(c.find_all(Locator::Css(".wz-finding-blocking")).await.unwrap().len(), 0);
    assert!(!enabled(c, "#wz-submit").await, "Submit waits for the acknowledgement");
    click(c, ".wz-finding-warning .wz-finding-ack").await;
    wait_text(c, "#wz-preflight-status", "ready", |t| t.contains("ready to submit")).await;
    click(c, "#wz-submit").await;
    let result = wait_text(c, "#wz-result", "success", |t| t.contains("success")).await;
    assert!(result.contains("Created Company Summit Ridge Dental Group"), "{result}");
    assert!(result.contains("Skipped"), "the agreement was skipped: {result}");
    wait_text(c, "#wz-verify", "the read-back", |t| t.contains("Verified: all 4 records")).await;
    wait_text(c, "#client-count", "9 of 9", |t| t.trim() == "9 of 9").await;
    row_with_text(c, ".client-row", "SummitRidgeNorth").await;
    assert!(page_errors(c).await.is_empty(), "{:?}", page_errors(c).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreadable_saved_run_is_reported_and_can_be_discarded() {
    let (b, _server) = open_wizard().await;
    let c = &b.client;
    c.execute("localStorage.setItem('cw-console.onboard-run', '{\"version\": 2, \"draft\": ')", vec![]).await.unwrap();
    c.refresh().await.unwrap();
    let banner = wait_text(c, "#onboard-recover-problem", "the problem", |t| !t.is_empty()).await;
    assert!(banner.contains("cannot be read"), "{banner}");
    click(c, "#onboard-recover-discard").await;
    wait_gone(c, "#onboard-recover-problem").await;
    let saved = c.execute("return localStorage.getItem('cw-console.onboard-run')", vec![]).await.unwrap();
    assert!(saved.is_null(), "discarded: {saved}");
}
