//! Real headless Chromium (Debian's, through chromedriver) driving the built console, for the browser
//! tests and the frontend benchmark.

use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM_ARGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,900",
];

/// A chromedriver process and a WebDriver session on it; both end when dropped or closed.
pub struct Browser {
    pub client: Client,
    driver: Child,
}

impl Drop for Browser {
    fn drop(&mut self) {
        // End the WebDriver session first so chromedriver quits Chromium: killing chromedriver alone
        // leaves the browser running. Needs a multi-threaded runtime (every browser test uses one).
        if let Ok(handle) = tokio::runtime::Handle::try_current()
            && handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread
        {
            let client = self.client.clone();
            tokio::task::block_in_place(|| {
                handle.block_on(async {
                    let _ = tokio::time::timeout(Duration::from_secs(5), client.close()).await;
                })
            });
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts chromedriver and opens a headless Chromium session.
pub async fn start() -> Browser {
    let chromedriver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let port = free_port();
    let mut driver = Command::new(&chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {chromedriver} ({e}): run `cargo xtask test`, which installs it"));
    let caps = serde_json::json!({
        "goog:chromeOptions": { "binary": chromium, "args": CHROMIUM_ARGS },
        "goog:loggingPrefs": { "browser": "ALL" }
    });
    let caps = caps.as_object().unwrap().clone();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let attempt =
            ClientBuilder::new(connector).capabilities(caps.clone()).connect(&format!("http://127.0.0.1:{port}")).await;
        match attempt {
            Ok(client) => return Browser { client, driver },
            Err(e) if Instant::now() > deadline => {
                let _ = driver.kill();
                let _ = driver.wait();
                panic!("chromedriver did not accept a session: {e}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// The built console: `CW_DIST_DIR` or `<workspace>/dist`.
pub fn dist_dir() -> PathBuf {
    let dir = std::env::var_os("CW_DIST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dist"));
    assert!(
        dir.join("index.html").is_file(),
        "no built console at {}: run `cargo xtask test` (it runs `trunk build --release` first)",
        dir.display()
    );
    dir
}

/// A copy of dist/ whose config.json points the console at `proxy_base`.
pub fn dist_with_proxy(proxy_base: &str) -> PathBuf {
    copy_with_proxy(&dist_dir(), proxy_base)
}

/// A copy of the built console in `source` whose config.json points it at `proxy_base`, in a fresh
/// temporary directory.
pub fn copy_with_proxy(source: &std::path::Path, proxy_base: &str) -> PathBuf {
    let target = std::env::temp_dir().join(format!("cw-dist-{}-{}", std::process::id(), free_port()));
    std::fs::create_dir_all(&target).unwrap();
    for entry in std::fs::read_dir(source).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), target.join(entry.file_name())).unwrap();
        }
    }
    let config = serde_json::json!({ "proxyBase": proxy_base });
    std::fs::write(target.join("config.json"), config.to_string()).unwrap();
    target
}

/// Waits until `css` matches an element whose text satisfies `check`; returns that text.
pub async fn wait_text(c: &Client, css: &str, what: &str, check: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut last = String::from("(no such element)");
    while Instant::now() < deadline {
        if let Ok(el) = c.find(Locator::Css(css)).await
            && let Ok(text) = el.text().await
        {
            if check(&text) {
                return text;
            }
            last = text;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("waited 30 s for {css} to show {what}; it shows {last:?}");
}

/// Waits until `count(css)` satisfies `check`; returns the count.
pub async fn wait_count(c: &Client, css: &str, what: &str, check: impl Fn(usize) -> bool) -> usize {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut last = 0;
    while Instant::now() < deadline {
        last = c.find_all(Locator::Css(css)).await.map(|v| v.len()).unwrap_or(0);
        if check(last) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("waited 30 s for {what} ({css}); found {last}");
}

/// The element `css` matches, waiting (at most 30 s) for it to appear: right after navigation the
/// WASM app may not have mounted yet.
pub async fn find_soon(c: &Client, css: &str) -> fantoccini::elements::Element {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match c.find(Locator::Css(css)).await {
            Ok(el) => return el,
            Err(e) if Instant::now() >= deadline => panic!("no {css} within 30 s: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

/// Replaces an input's value by typing, as a person would.
pub async fn fill(c: &Client, css: &str, value: &str) {
    let el = find_soon(c, css).await;
    // Select all and delete with keystrokes (WebDriver's clear() fires no `input` event), then type.
    let select_all = format!("{}a{}{}", char::from(Key::Control), char::from(Key::Null), char::from(Key::Backspace));
    el.send_keys(&select_all).await.unwrap();
    if !value.is_empty() {
        el.send_keys(value).await.unwrap();
    }
}

/// Clicks the element `css` matches.
pub async fn click(c: &Client, css: &str) {
    let el = find_soon(c, css).await;
    el.click().await.unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
}

/// Saves a PNG of the page under `CW_ARTIFACTS_DIR` (or target/browser-artifacts).
pub async fn screenshot(c: &Client, name: &str) {
    let dir = std::env::var_os("CW_ARTIFACTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("artifacts"));
    std::fs::create_dir_all(&dir).unwrap();
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

/// Errors the page reported (uncaught exceptions, console.error), read from the browser log.
pub async fn page_errors(c: &Client) -> Vec<String> {
    let script = "return (window.__cwErrors || []).slice()";
    match c.execute(script, vec![]).await {
        Ok(serde_json::Value::Array(items)) => items.into_iter().map(|v| v.to_string()).collect(),
        _ => Vec::new(),
    }
}

/// The first element matching `css` whose text contains `text`.
pub async fn row_with_text(c: &Client, css: &str, text: &str) -> fantoccini::elements::Element {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        for el in c.find_all(Locator::Css(css)).await.unwrap_or_default() {
            if el.text().await.map(|t| t.contains(text)).unwrap_or(false) {
                return el;
            }
        }
        assert!(Instant::now() < deadline, "waited 30 s for a {css} containing {text:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the element `css` is absent or hidden.
pub async fn wait_gone(c: &Client, css: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let visible = match c.find(Locator::Css(css)).await {
            Ok(el) => el.is_displayed().await.unwrap_or(false),
            Err(_) => false,
        };
        if !visible {
            return;
        }
        assert!(Instant::now() < deadline, "waited 30 s for {css} to close");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The id of the focused element.
pub async fn focused_id(c: &Client) -> String {
    let v = c.execute("return document.activeElement && document.activeElement.id", vec![]).await.unwrap();
    v.as_str().unwrap_or_default().to_string()
}

/// Sends a key to the focused element (or the body).
pub async fn press(c: &Client, key: &str) {
    c.active_element().await.unwrap().send_keys(key).await.unwrap();
}
