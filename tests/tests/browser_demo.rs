//! The console in demo mode, end to end in real headless Chromium against the built dist/:
//! the in-browser ConnectWise store answers the same requests live mode sends.

mod support;

use cw_tests::dist_server::DistServer;
use fantoccini::Locator;
use fantoccini::key::Key;
use support::browser::*;

async fn open_demo() -> (Browser, DistServer) {
    let server = DistServer::start(std::net::TcpListener::bind("127.0.0.1:0").unwrap(), dist_dir()).unwrap();
    let b = start().await;
    b.client.goto(&format!("http://{}/", server.addr())).await.unwrap();
    wait_text(&b.client, "#mode-label", "DEMO", |t| t == "DEMO").await;
    (b, server)
}

async fn show_all(c: &fantoccini::Client) {
    c.find(Locator::Css("#filter-status")).await.unwrap().select_by_value("all").await.unwrap();
    wait_text(c, "#client-count", "8 of 8", |t| t.trim() == "8 of 8").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_lists_filters_and_searches_the_eight_clients() {
    let (b, _server) = open_demo().await;
    let c = &b.client;
    assert!(c.find(Locator::Css("#mode-dot.demo")).await.is_ok(), "the mode dot is yellow (class demo)");
    let clock = wait_text(c, "#clock", "HH:MM:SS", |t| t.len() == 8 && t.as_bytes()[2] == b':').await;
    assert!(clock.chars().filter(char::is_ascii_digit).count() == 6, "clock {clock:?}");

    c.find(Locator::Css("#filter-status")).await.unwrap().select_by_value("active").await.unwrap();
    wait_text(c, "#client-count", "only the 6 active clients", |t| t.trim() == "6 of 6").await;
    show_all(c).await;
    assert_eq!(wait_count(c, ".client-row", "8 rows", |n| n == 8).await, 8);

    let row = row_with_text(c, ".client-row", "Summit Ridge Dental Group").await;
    let text = row.text().await.unwrap();
    assert!(text.contains("Denver, CO"), "row shows City, ST: {text:?}");
    assert!(text.contains("SummitRidgeDental") && text.contains("Active"), "{text:?}");

    fill(c, "#search-in", "MILWAUKEE").await;
    wait_text(c, "#client-count", "1 of 8", |t| t.trim() == "1 of 8").await;
    let rows = c.find_all(Locator::Css(".client-row")).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].text().await.unwrap().contains("Lakeshore Family Medicine"));
    assert!(rows[0].text().await.unwrap().contains("Inactive"));

    fill(c, "#search-in", "copperlinemfg").await;
    wait_text(c, "#client-count", "identifier search", |t| t.trim() == "1 of 8").await;
    fill(c, "#search-in", "zzz-nothing").await;
    wait_text(c, "#client-count", "0 of 8", |t| t.trim() == "0 of 8").await;
    screenshot(c, "demo-search-empty").await;

    // Selection and the bulk bar.
    fill(c, "#search-in", "").await;
    wait_text(c, "#client-count", "8 of 8", |t| t.trim() == "8 of 8").await;
    let bulk = c.find(Locator::Css("#bulk-open")).await.unwrap();
    assert!(!bulk.is_enabled().await.unwrap(), "Bulk Ops is disabled with nothing selected");
    click(c, "#select-all").await;
    wait_text(c, "#selected-count", "8 selected", |t| t.contains('8')).await;
    assert!(c.find(Locator::Css("#bulk-open")).await.unwrap().is_enabled().await.unwrap());
    screenshot(c, "demo-client-list").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_detail_edits_company_and_contacts_and_moves_the_primary() {
    let (b, _server) = open_demo().await;
    let c = &b.client;
    show_all(c).await;
    row_with_text(c, ".client-row", "Summit Ridge Dental Group").await.click().await.unwrap();
    wait_text(c, "#panel-detail", "the company", |t| t.contains("Summit Ridge Dental Group")).await;
    assert_eq!(wait_count(c, ".contact-row", "2 contacts", |n| n == 2).await, 2);
    assert_eq!(wait_count(c, ".site-row", "2 sites", |n| n == 2).await, 2);
    assert_eq!(wait_count(c, ".agreement-row", "1 agreement", |n| n == 1).await, 1);
    let karen = row_with_text(c, ".contact-row", "Karen Whitfield").await;
    assert!(karen.find(Locator::Css(".badge-primary")).await.is_ok(), "Karen is the primary contact");
    assert!(karen.text().await.unwrap().contains('@'), "the email comes from communicationItems");
    let detail = c.find(Locator::Css("#panel-detail")).await.unwrap().text().await.unwrap();
    assert!(detail.contains("3,450") || detail.contains("3450"), "total MRR shown: {detail}");
    screenshot(c, "demo-client-detail").await;

    // Edit company: one PATCH with the changed field; the screen shows CW's answer.
    click(c, "#btn-edit-company").await;
    wait_text(c, "#modal-edit-company", "the modal", |t| !t.is_empty()).await;
    fill(c, "#ec-phone", "303-555-0199").await;
    screenshot(c, "demo-edit-company").await;
    click(c, "#ec-save").await;
    wait_gone(c, "#modal-edit-company").await;
    wait_text(c, "#toasts", "a [DEMO] toast", |t| t.contains("[DEMO]")).await;
    wait_text(c, "#panel-detail", "the new phone", |t| t.contains("303-555-0199")).await;

    // Set as Primary: exactly one PRIMARY badge afterwards, on Luis.
    let luis = row_with_text(c, ".contact-row", "Luis Ortega").await;
    luis.find(Locator::Css(".btn-set-primary")).await.unwrap().click().await.unwrap();
    wait_count(c, ".contact-row .badge-primary", "one primary", |n| n == 1).await;
    let luis = row_with_text(c, ".contact-row", "Luis Ortega").await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while luis.find(Locator::Css(".badge-primary")).await.is_err() {
        assert!(std::time::Instant::now() < deadline, "Luis never became the primary");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(c.find_all(Locator::Css(".contact-row .badge-primary")).await.unwrap().len(), 1);

    // Add a contact with an email; it is listed from CW's answer.
    click(c, "#btn-add-contact").await;
    fill(c, "#ac-first", "Dana").await;
    fill(c, "#ac-last", "Reyes").await;
    fill(c, "#ac-title", "IT Coordinator").await;
    fill(c, "#ac-email", "dana.reyes@summitridgedental.com").await;
    click(c, "#ac-save").await;
    wait_gone(c, "#modal-add-contact").await;
    wait_count(c, ".contact-row", "3 contacts", |n| n == 3).await;
    let dana = row_with_text(c, ".contact-row", "Dana Reyes").await;
    assert!(dana.text().await.unwrap().contains("dana.reyes@summitridgedental.com"));

    // Edit that contact's title.
    dana.find(Locator::Css(".btn-edit-contact")).await.unwrap().click().await.unwrap();
    fill(c, "#ect-title", "IT Lead").await;
    click(c, "#ect-save").await;
    wait_gone(c, "#modal-edit-contact").await;
    row_with_text(c, ".contact-row", "IT Lead").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_keyboard_slash_searches_and_escape_closes_modals() {
    let (b, _server) = open_demo().await;
    let c = &b.client;
    show_all(c).await;
    c.find(Locator::Css("body")).await.unwrap().send_keys("/").await.unwrap();
    assert_eq!(focused_id(c).await, "search-in", "/ focuses the search box");
    let search = c.find(Locator::Css("#search-in")).await.unwrap();
    search.send_keys("harbor").await.unwrap();
    wait_text(c, "#client-count", "1 of 8", |t| t.trim() == "1 of 8").await;
    search.send_keys(&format!("{}", char::from(Key::Down))).await.unwrap();
    press(c, &format!("{}", char::from(Key::Enter))).await;
    wait_text(c, "#panel-detail", "Harborview opened with the keyboard", |t| t.contains("Harborview Logistics")).await;

    click(c, "#btn-edit-company").await;
    wait_text(c, "#modal-edit-company", "the modal", |t| !t.is_empty()).await;
    press(c, &format!("{}", char::from(Key::Escape))).await;
    wait_gone(c, "#modal-edit-company").await;

    // Invalid edits are refused with CW's own message, and nothing changes.
    click(c, "#btn-edit-company").await;
    fill(c, "#ec-name", "").await;
    click(c, "#ec-save").await;
    let modal =
        wait_text(c, "#modal-edit-company", "that a name is required", |t| t.to_lowercase().contains("required")).await;
    screenshot(c, "demo-edit-company-error").await;
    assert!(modal.to_lowercase().contains("name"), "names the field: {modal}");
    press(c, &format!("{}", char::from(Key::Escape))).await;
    wait_gone(c, "#modal-edit-company").await;
    wait_text(c, "#panel-detail", "the name unchanged", |t| t.contains("Harborview Logistics")).await;
}
