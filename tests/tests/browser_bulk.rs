//! The Bulk Operations panel in demo mode, end to end in real headless Chromium against the built dist/:
//! one PATCH per contact to the in-browser store, the log/counter/progress, skip on re-run, Stop and
//! Resume without redoing finished records.

mod support;

use cw_tests::dist_server::DistServer;
use fantoccini::{Client, Locator};
use std::time::{Duration, Instant};
use support::browser::*;

async fn open(query: &str) -> (Browser, DistServer) {
    let server = DistServer::start(std::net::TcpListener::bind("127.0.0.1:0").unwrap(), dist_dir()).unwrap();
    let b = start().await;
    b.client.goto(&format!("http://{}/{query}", server.addr())).await.unwrap();
    wait_text(&b.client, "#mode-label", "DEMO", |t| t == "DEMO").await;
    (b, server)
}

async fn tick(c: &Client, company: &str) {
    let row = row_with_text(c, ".client-row[data-id]", company).await;
    row.find(Locator::Css("input.client-check")).await.unwrap().click().await.unwrap();
}

async fn select(c: &Client, css: &str, value: &str) {
    c.find(Locator::Css(css)).await.unwrap().select_by_value(value).await.unwrap();
}

async fn enabled(c: &Client, css: &str) -> bool {
    c.find(Locator::Css(css)).await.unwrap().is_enabled().await.unwrap()
}

async fn count(c: &Client, css: &str) -> usize {
    c.find_all(Locator::Css(css)).await.unwrap().len()
}

/// The texts of every log row.
async fn log_texts(c: &Client, css: &str) -> Vec<String> {
    let mut out = Vec::new();
    for el in c.find_all(Locator::Css(css)).await.unwrap() {
        out.push(el.text().await.unwrap());
    }
    out
}

/// (done, total) from `#bulk-counter`.
async fn counter(c: &Client) -> (usize, usize) {
    let text = c.find(Locator::Css("#bulk-counter")).await.unwrap().text().await.unwrap();
    let (done, total) = text.split_once(" / ").unwrap_or_else(|| panic!("counter {text:?}"));
    (done.trim().parse().unwrap(), total.trim().parse().unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_deactivates_the_contacts_of_two_clients_and_skips_them_on_a_rerun() {
    let (b, _server) = open("").await;
    let c = &b.client;
    wait_count(c, ".client-row[data-id]", "the client rows", |n| n >= 2).await;
    tick(c, "Summit Ridge Dental Group").await;
    tick(c, "Harborview Logistics").await;
    wait_text(c, "#selected-count", "2 selected", |t| t.contains('2')).await;
    click(c, "#bulk-open").await;
    wait_text(c, "#panel-bulk", "the selection", |t| t.contains("2 clients selected")).await;
    assert!(!enabled(c, "#bulk-execute").await, "no field chosen yet");

    // Contact types cannot be PATCHed: the shared reason is shown and Execute stays disabled.
    select(c, "#bulk-field", "type/name").await;
    wait_text(c, "#panel-bulk", "why types are refused", |t| t.contains("only when a contact is created")).await;
    assert!(!enabled(c, "#bulk-execute").await);

    select(c, "#bulk-field", "inactiveFlag").await;
    wait_text(c, "#bulk-hint", "the flag hint", |t| t.contains("true to deactivate")).await;
    fill(c, "#bulk-value", "yes").await;
    wait_text(c, "#bulk-error", "the parse error", |t| t.contains("true or false")).await;
    assert!(!enabled(c, "#bulk-execute").await, "an invalid value keeps Execute disabled");
    fill(c, "#bulk-value", "true").await;
    wait_gone(c, "#bulk-error").await;
    select(c, "#bulk-filter", "active").await;
    assert!(enabled(c, "#bulk-execute").await);

    // 2 + 3 active contacts: five PATCHes (fewer than ten, so no rate-limit pause).
    click(c, "#bulk-execute").await;
    wait_text(c, "#bulk-counter", "5 / 5", |t| t.trim() == "5 / 5").await;
    wait_text(c, "#bulk-summary", "the summary", |t| t.contains("Done: 5 updated, 0 errors, 0 skipped")).await;
    assert_eq!(count(c, "#bulk-log .log-ok").await, 5);
    assert_eq!(count(c, "#bulk-log .log-error").await, 0);
    let ok = log_texts(c, "#bulk-log .log-ok").await;
    assert!(ok.contains(&"✓ Summit Ridge Dental Group — Karen Whitfield".to_string()), "{ok:?}");
    assert!(ok.contains(&"✓ Harborview Logistics — Priya Raman".to_string()), "{ok:?}");
    let progress = c.find(Locator::Css("#bulk-progress")).await.unwrap();
    assert_eq!(progress.attr("value").await.unwrap().as_deref(), Some("5"));
    wait_text(c, "#toasts", "a [DEMO] toast", |t| t.contains("[DEMO]")).await;
    screenshot(c, "demo-bulk-done").await;

    // Run again over all contacts: everyone already has the value, so nothing is sent.
    select(c, "#bulk-filter", "all").await;
    click(c, "#bulk-execute").await;
    wait_count(c, "#bulk-log .log-skip", "five skipped rows", |n| n == 5).await;
    assert_eq!(count(c, "#bulk-log .log-ok").await, 0);
    assert_eq!(counter(c).await, (5, 5));

    // ConnectWise (the demo store) has the change: the detail shows both contacts inactive.
    row_with_text(c, ".client-row", "Summit Ridge Dental Group").await.click().await.unwrap();
    wait_text(c, "#panel-detail", "the company", |t| t.contains("Summit Ridge Dental Group")).await;
    wait_count(c, ".contact-row .badge-inactive", "both contacts inactive", |n| n == 2).await;
    assert!(page_errors(c).await.is_empty(), "{:?}", page_errors(c).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_stop_then_resume_sends_each_remaining_record_once() {
    let (b, _server) = open("?demo=large:40").await;
    let c = &b.client;
    wait_count(c, ".client-row[data-id] input.client-check", "the client rows", |n| n >= 8).await;
    let checks = c.find_all(Locator::Css(".client-row[data-id] input.client-check")).await.unwrap();
    for check in checks.iter().take(8) {
        check.click().await.unwrap();
    }
    wait_text(c, "#selected-count", "8 selected", |t| t.contains('8')).await;
    click(c, "#tab-bulk").await;
    select(c, "#bulk-field", "disablePortalLoginFlag").await;
    fill(c, "#bulk-value", "true").await;
    click(c, "#bulk-execute").await;

    // Eight contact reads and then PATCHes: the run pauses 3 s after every 10 requests, so Stop lands
    // mid-run.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if c.find(Locator::Css("#bulk-stop")).await.is_ok() && counter(c).await.0 > 0 {
            break;
        }
        assert!(Instant::now() < deadline, "the run never started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    click(c, "#bulk-stop").await;
    let resume = wait_text(c, "#bulk-resume", "a Resume button", |t| t.trim() == "Resume").await;
    assert_eq!(resume.trim(), "Resume");
    let (done, total) = counter(c).await;
    assert!(done < total, "stopped mid-run: {done} / {total}");
    assert!(total >= 16, "8 clients with several contacts each: {total}");
    let before: Vec<String> = log_texts(c, "#bulk-log .log-ok").await;
    assert_eq!(before.len(), done, "one ok row per finished record");
    screenshot(c, "demo-bulk-stopped").await;

    click(c, "#bulk-resume").await;

    // Leaving the tab mid-run stops it too; back on the tab, Resume is offered again.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if c.find(Locator::Css("#bulk-stop")).await.is_ok() && counter(c).await.0 > done {
            break;
        }
        assert!(Instant::now() < deadline, "the resumed run never progressed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    click(c, "#tab-detail").await;
    click(c, "#tab-bulk").await;
    wait_text(c, "#bulk-resume", "Resume after leaving the tab", |t| t.trim() == "Resume").await;
    wait_text(c, "#bulk-summary", "why it stopped", |t| t.contains("tab was left")).await;
    let (done_again, _) = counter(c).await;
    assert!(done < done_again && done_again < total, "{done} < {done_again} < {total}");
    click(c, "#bulk-resume").await;

    let want = format!("{total} / {total}");
    wait_text(c, "#bulk-counter", "every record", |t| t.trim() == want).await;
    wait_gone(c, "#bulk-resume").await;
    let rows = log_texts(c, "#bulk-log .log-ok").await;
    assert_eq!(rows.len(), total, "every record updated exactly once");
    assert_eq!(&rows[..before.len()], &before[..], "finished rows kept, in order");
    assert_eq!(count(c, "#bulk-log .log-error").await, 0);
    wait_text(c, "#bulk-summary", "the summary", |t| t.contains(&format!("Done: {total} updated"))).await;
}
