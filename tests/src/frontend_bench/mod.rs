//! The frontend benchmark behind `cargo xtask bench frontend` (binary `cw-bench-frontend`): the built
//! console in Debian's headless Chromium on this machine, measured, never a timed test.
//!
//! - [`size`]: what a first visit transfers, `gzip -9` of every file in `dist/`;
//! - [`first_list`]: navigation → the demo client list painted, in fresh browsers and in a reused one;
//! - [`live_load`]: Connect → 10,000 companies painted, through cw-proxy and cw-sim in-process
//!   ([`crate::live::LiveStack`]);
//! - [`keystroke`]: search keystroke → painted result with 10,000 companies (`?demo=large:10000`);
//! - [`stats`]: medians and percentiles; [`report`]: the `## cw-console (frontend)` section of
//!   BENCHMARKS.md.
//!
//! Times come from inside the page (`performance.now()`, milliseconds since navigation started), so
//! WebDriver's own round trips never count. The first-row times come from a small inline script in
//! `frontend/index.html` that sets `window.__cwFirstRow` and `window.__cwFirstRowPainted`.

pub mod first_list;
pub mod keystroke;
pub mod live_load;
pub mod report;
pub mod size;
pub mod stats;

use fantoccini::Client;
use serde_json::Value;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What to run and where to write.
#[derive(Debug, Clone)]
pub struct Options {
    /// The built console (`trunk build --release` output).
    pub dist: PathBuf,
    /// Page loads for the first-list figure (each in a fresh browser, and as many reloads in one browser).
    pub loads: usize,
    /// Live loads of all companies (each in a fresh browser).
    pub live_runs: usize,
    /// Companies in the live tenant and the large demo tenant.
    pub companies: usize,
    /// Contacts per company in the live tenant.
    pub contacts: usize,
    /// Search keystrokes per measurement.
    pub keystrokes: usize,
}

/// Everything measured in one run.
#[derive(Debug, Clone)]
pub struct Results {
    pub sizes: Vec<size::FileSize>,
    pub first_list: first_list::FirstList,
    pub live: live_load::LiveLoad,
    pub keystrokes: keystroke::Keystrokes,
}

/// Runs every measurement, in order, printing progress to stderr.
pub async fn run(options: &Options) -> Result<Results, String> {
    eprintln!("cw-bench-frontend: sizes of {}", options.dist.display());
    let sizes = size::measure(&options.dist)?;
    eprintln!("cw-bench-frontend: first list, {} loads", options.loads);
    let first_list = first_list::measure(&options.dist, options.loads).await?;
    eprintln!("cw-bench-frontend: live load of {} companies, {} runs", options.companies, options.live_runs);
    let live = live_load::measure(&options.dist, options.companies, options.contacts, options.live_runs).await?;
    eprintln!("cw-bench-frontend: search keystrokes at {} companies", options.companies);
    let keystrokes = keystroke::measure(&options.dist, options.companies, options.keystrokes).await?;
    Ok(Results { sizes, first_list, live, keystrokes })
}

/// Evaluates `expression` in the page every 20 ms until it is neither `null` nor `undefined`; fails
/// after `timeout` with `what`, the last value and the page's errors.
pub async fn poll_js(c: &Client, expression: &str, what: &str, timeout: Duration) -> Result<Value, String> {
    let script = format!("return ({expression}) ?? null;");
    let deadline = Instant::now() + timeout;
    loop {
        match c.execute(&script, vec![]).await {
            Ok(Value::Null) => {}
            Ok(value) => return Ok(value),
            Err(e) if Instant::now() > deadline => return Err(format!("{what}: {e}")),
            Err(_) => {}
        }
        if Instant::now() > deadline {
            let errors = crate::browser::page_errors(c).await;
            return Err(format!("waited {timeout:?} for {what}; page errors: {errors:?}"));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A JSON number as milliseconds, or an error naming `what`.
pub fn ms_of(value: &Value, what: &str) -> Result<f64, String> {
    value.as_f64().ok_or_else(|| format!("{what}: expected a number of milliseconds, got {value}"))
}

/// Ends the WebDriver session (and so Chromium), then chromedriver.
pub async fn close(browser: crate::browser::Browser) {
    let _ = browser.client.clone().close().await;
    drop(browser);
}
