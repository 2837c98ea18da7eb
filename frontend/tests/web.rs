//! Component tests in headless Chromium (`cargo test -p cw-console --target wasm32-unknown-unknown`):
//! the real app mounted on the demo store, driven through the DOM.
#![cfg(target_arch = "wasm32")]

use cw_console::AppWithSeed;
use cw_console::state::DemoSeed;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

/// Polls `cond` every 10 ms for up to 5 s.
async fn until(what: &str, cond: impl Fn() -> bool) {
    for _ in 0..500 {
        if cond() {
            return;
        }
        sleep(10).await;
    }
    panic!("timed out waiting for {what}");
}

struct Mounted {
    host: HtmlElement,
    _handle: leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>,
}

impl Mounted {
    fn new(seed: DemoSeed) -> Self {
        let doc = web_sys::window().unwrap().document().unwrap();
        let host: HtmlElement = doc.create_element("div").unwrap().dyn_into().unwrap();
        doc.body().unwrap().append_child(&host).unwrap();
        let handle =
            leptos::mount::mount_to(host.clone(), move || view! { <AppWithSeed seed=seed offline=true /> }.into_any());
        Self { host, _handle: handle }
    }

    fn one(&self, selector: &str) -> Element {
        self.host.query_selector(selector).unwrap().unwrap_or_else(|| panic!("no {selector}"))
    }

    fn count(&self, selector: &str) -> u32 {
        self.host.query_selector_all(selector).unwrap().length()
    }

    fn text(&self, selector: &str) -> String {
        self.one(selector).text_content().unwrap_or_default()
    }

    fn input(&self, selector: &str) -> HtmlInputElement {
        self.one(selector).dyn_into().unwrap()
    }

    fn type_into(&self, selector: &str, value: &str) {
        let input = self.input(selector);
        input.set_value(value);
        input.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    }

    fn click(&self, selector: &str) {
        self.one(selector).dyn_into::<HtmlElement>().unwrap().click();
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.host.remove();
    }
}

#[wasm_bindgen_test]
async fn demo_mode_lists_the_eight_demo_clients() {
    let app = Mounted::new(DemoSeed::Standard);
    until("8 rows", || app.count(".client-row") == 8).await;
    assert_eq!(app.text("#client-count"), "8 of 8");
    assert_eq!(app.text("#mode-label"), "DEMO");
    assert_eq!(app.one("#mode-dot").class_name(), "demo");
    let row = app.one(".client-row");
    assert!(row.get_attribute("data-id").unwrap().parse::<i32>().is_ok());
    assert!(row.query_selector("input.client-check").unwrap().is_some());
    // Location reads "City, ST".
    assert!(app.host.text_content().unwrap().contains("Austin, TX"));
    assert!(app.text("#clock").len() == 8, "HH:MM:SS");
}

#[wasm_bindgen_test]
async fn search_filters_instantly_and_case_insensitively() {
    let app = Mounted::new(DemoSeed::Standard);
    until("8 rows", || app.count(".client-row") == 8).await;
    app.type_into("#search-in", "SUMMIT");
    until("1 row", || app.count(".client-row") == 1).await;
    assert_eq!(app.text("#client-count"), "1 of 8");
    assert!(app.text(".client-row").contains("Summit Ridge Dental Group"));
    app.type_into("#search-in", "austin");
    until("the Austin client", || app.text("#client-count") == "1 of 8").await;
    app.type_into("#search-in", "no such client");
    until("no rows", || app.count(".client-row") == 0).await;
    assert_eq!(app.text("#client-count"), "0 of 8");
}

#[wasm_bindgen_test]
async fn connect_is_enabled_only_when_all_five_fields_are_filled() {
    let app = Mounted::new(DemoSeed::Standard);
    let connect = || app.one("#cfg-connect").has_attribute("disabled");
    assert!(connect());
    for (i, (id, value)) in [
        ("#cfg-host", "localhost:8443"),
        ("#cfg-company", "demo"),
        ("#cfg-pub", "demo-public"),
        ("#cfg-priv", "demo-private"),
        ("#cfg-cid", "00000000-0000-4000-8000-000000000000"),
    ]
    .into_iter()
    .enumerate()
    {
        assert!(connect(), "Connect enabled after only {i} fields");
        app.type_into(id, value);
        sleep(20).await;
    }
    assert!(!connect(), "Connect still disabled with all five fields");
    for id in ["cfg-host", "cfg-company", "cfg-pub", "cfg-priv", "cfg-cid"] {
        assert!(app.host.query_selector(&format!("label[for={id}]")).unwrap().is_some(), "{id} has a label");
    }
    app.type_into("#cfg-pub", "  ");
    sleep(20).await;
    assert!(connect());
}

#[wasm_bindgen_test]
async fn selection_and_bulk_bar() {
    let app = Mounted::new(DemoSeed::Standard);
    until("8 rows", || app.count(".client-row") == 8).await;
    assert!(app.one("#bulk-open").has_attribute("disabled"));
    app.type_into("#search-in", "legal");
    until("filtered", || app.count(".client-row") < 8).await;
    let shown = app.count(".client-row");
    app.click("#select-all");
    until("selection", || app.text("#selected-count") == format!("{shown} selected")).await;
    assert!(!app.one("#bulk-open").has_attribute("disabled"));
}

#[wasm_bindgen_test]
async fn detail_modal_and_set_primary() {
    let app = Mounted::new(DemoSeed::Standard);
    until("8 rows", || app.count(".client-row") == 8).await;
    // Open the client with the most contacts.
    let mut best = (0, String::new());
    for i in 0..8 {
        app.host.query_selector_all(".client-row").unwrap().item(i).unwrap().dyn_into::<HtmlElement>().unwrap().click();
        until("detail", || app.count("#panel-detail .hero") == 1 && app.count(".contact-row") > 0).await;
        sleep(20).await;
        let n = app.count(".contact-row");
        if n > best.0 {
            best = (n, app.text(".hero-name"));
        }
    }
    assert!(best.0 >= 2, "a demo client with two or more contacts");
    app.type_into("#search-in", &best.1);
    until("one row", || app.count(".client-row") == 1).await;
    app.click(".client-row");
    until("its contacts", || app.text(".hero-name") == best.1 && app.count(".contact-row") == best.0).await;
    assert_eq!(app.count(".summary-field"), 8);
    assert_eq!(app.count(".badge-primary"), 1);

    // Set as Primary on a contact that is not primary: exactly one PRIMARY afterwards, on that contact.
    let rows = app.host.query_selector_all(".contact-row").unwrap();
    let target = (0..rows.length())
        .map(|i| rows.item(i).unwrap().dyn_into::<Element>().unwrap())
        .find(|r| r.query_selector(".badge-primary").unwrap().is_none())
        .unwrap();
    let target_id = target.get_attribute("data-id").unwrap();
    target.query_selector(".btn-set-primary").unwrap().unwrap().dyn_into::<HtmlElement>().unwrap().click();
    until("the new primary", || {
        app.host.query_selector(&format!(".contact-row[data-id=\"{target_id}\"] .badge-primary")).unwrap().is_some()
    })
    .await;
    assert_eq!(app.count(".badge-primary"), 1);
    until("a [DEMO] toast", || app.text("#toasts").contains("[DEMO]")).await;

    // Edit Company opens with the name filled and focused; Escape closes it.
    app.click("#btn-edit-company");
    until("the modal", || app.count("#modal-edit-company") == 1).await;
    assert_eq!(app.input("#ec-name").value(), best.1);
    let esc = web_sys::KeyboardEventInit::new();
    esc.set_key("Escape");
    esc.set_bubbles(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &esc).unwrap();
    app.one("#ec-name").dispatch_event(&ev).unwrap();
    until("the modal to close", || app.count("#modal-edit-company") == 0).await;
}

#[wasm_bindgen_test]
async fn a_large_tenant_renders_only_the_visible_rows() {
    let app = Mounted::new(DemoSeed::Large { companies: 2500 });
    until("all companies", || app.text("#client-count") == "2500 of 2500").await;
    let rendered = app.count(".client-row");
    assert!(rendered > 0 && rendered < 100, "{rendered} rows in the DOM");
}

fn key(target: &Element, key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&ev).unwrap();
}

fn active_id() -> String {
    web_sys::window().unwrap().document().unwrap().active_element().map(|e| e.id()).unwrap_or_default()
}

#[wasm_bindgen_test]
async fn keyboard_slash_arrows_and_enter() {
    let app = Mounted::new(DemoSeed::Standard);
    until("8 rows", || app.count(".client-row") == 8).await;
    let body: Element = web_sys::window().unwrap().document().unwrap().body().unwrap().into();
    key(&body, "/");
    assert_eq!(active_id(), "search-in");
    let search = app.one("#search-in");
    key(&search, "ArrowDown");
    key(&search, "ArrowDown");
    until("the cursor on row 2", || app.count(".client-row.cursor") == 1).await;
    let rows = app.host.query_selector_all(".client-row").unwrap();
    let second: Element = rows.item(1).unwrap().dyn_into().unwrap();
    assert!(second.class_list().contains("cursor"));
    let name = second.query_selector(".row-name").unwrap().unwrap().text_content().unwrap();
    key(&search, "Enter");
    until("the detail of that client", || app.count(".hero-name") == 1 && app.text(".hero-name") == name).await;
    key(&search, "ArrowUp");
    until("the cursor on row 1", || {
        app.host
            .query_selector_all(".client-row")
            .unwrap()
            .item(0)
            .unwrap()
            .dyn_into::<Element>()
            .unwrap()
            .class_list()
            .contains("cursor")
    })
    .await;
}

#[wasm_bindgen_test]
async fn add_contact_as_primary_leaves_exactly_one_primary() {
    let app = Mounted::new(DemoSeed::Standard);
    until("8 rows", || app.count(".client-row") == 8).await;
    app.click(".client-row");
    until("contacts", || app.count(".contact-row") > 0).await;
    let before = app.count(".contact-row");
    app.click("#btn-add-contact");
    until("the modal", || app.count("#modal-add-contact") == 1).await;
    // Without a first name CW refuses, and the modal shows its words.
    app.click("#ac-save");
    until("CW's refusal", || app.count("#modal-add-contact .error-view") == 1).await;
    assert!(app.text("#modal-add-contact .error-view").contains("firstName"), "{}", app.text("#modal-add-contact"));
    app.type_into("#ac-first", "Zoe");
    app.type_into("#ac-last", "Quinn");
    app.type_into("#ac-email", "zoe.quinn@example.com");
    app.click("#ac-primary");
    sleep(20).await;
    app.click("#ac-save");
    until("the new contact", || app.count(".contact-row") == before + 1).await;
    assert_eq!(app.count("#modal-add-contact"), 0);
    assert_eq!(app.count(".badge-primary"), 1);
    let rows = app.host.query_selector_all(".contact-row").unwrap();
    let zoe = (0..rows.length())
        .map(|i| rows.item(i).unwrap().dyn_into::<Element>().unwrap())
        .find(|r| r.text_content().unwrap().contains("Zoe Quinn"))
        .expect("Zoe listed from CW's answer");
    assert!(zoe.query_selector(".badge-primary").unwrap().is_some());
    assert!(zoe.text_content().unwrap().contains("zoe.quinn@example.com"), "email read back from communicationItems");
    assert!(app.text("#toasts").contains("[DEMO] Added Zoe Quinn"));
}

#[wasm_bindgen_test]
async fn two_primaries_are_shown_and_fixed_in_one_click() {
    use cw_shared::http::{Method, Request};
    use cw_shared::store::Store;
    // A tenant where CW already has two primary contacts for one company.
    let mut store = Store::demo();
    let all = store.handle(&Request::new(Method::Get, "/company/contacts").with_query("pageSize=1000"));
    let contacts: Vec<serde_json::Value> = serde_json::from_str(&all.body).unwrap();
    let company_of = |c: &serde_json::Value| c["company"]["id"].as_i64().unwrap();
    let second = contacts
        .iter()
        .find(|c| {
            c["defaultFlag"] != serde_json::Value::Bool(true)
                && contacts
                    .iter()
                    .any(|p| company_of(p) == company_of(c) && p["defaultFlag"] == serde_json::Value::Bool(true))
        })
        .expect("a company with a primary and another contact");
    let company = company_of(second);
    let patched = store.handle(
        &Request::new(Method::Patch, format!("/company/contacts/{}", second["id"]))
            .with_body(r#"[{"op":"replace","path":"defaultFlag","value":true}]"#),
    );
    assert_eq!(patched.status, 200, "{}", patched.body);

    let doc = web_sys::window().unwrap().document().unwrap();
    let host: HtmlElement = doc.create_element("div").unwrap().dyn_into().unwrap();
    doc.body().unwrap().append_child(&host).unwrap();
    let store = std::cell::RefCell::new(Some(store));
    let handle = leptos::mount::mount_to(host.clone(), move || {
        let console = cw_console::state::Console::with_store(store.borrow_mut().take().unwrap());
        view! { <cw_console::Shell console=console seed=DemoSeed::Standard offline=true /> }.into_any()
    });
    let app = Mounted { host, _handle: handle };
    until("the list", || app.count(".client-row") == 8).await;
    app.click(&format!(".client-row[data-id=\"{company}\"]"));
    until("the warning", || app.count("#primary-warning") == 1).await;
    assert_eq!(app.count(".badge-primary"), 2);
    assert!(app.text("#primary-warning").contains("2 primary contacts"));
    app.click(".btn-fix-primary");
    until("one primary", || app.count(".badge-primary") == 1 && app.count("#primary-warning") == 0).await;
}
