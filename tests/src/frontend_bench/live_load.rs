//! Connect → every company of a large live tenant painted, through cw-proxy and cw-sim running in this
//! process ([`LiveStack`]) on loopback.
//!
//! Each run opens the console in a fresh Chromium (demo mode first), types the simulator's credentials
//! into the config bar, leaves the status filter on All, then one script records `performance.now()`,
//! watches `#client-count` and clicks `#cfg-connect`; the clock stops when the count reads
//! "N of N" and the frame showing it has been painted.

use super::{close, ms_of, poll_js};
use crate::browser::{self, copy_with_proxy, fill, wait_text};
use crate::dist_server::DistServer;
use crate::live::{ConsoleCredentials, LiveStack};
use fantoccini::{Client, Locator};
use std::path::Path;
use std::time::Duration;

/// One live load, in ms since the Connect click.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Run {
    /// The first page of companies shown (the count first non-zero after the switch).
    pub first_page: f64,
    /// `#client-count` reads "N of N".
    pub all_counted: f64,
    /// The frame showing it was painted.
    pub painted: f64,
    /// Requests ConnectWise (the simulator) received during the run.
    pub requests: usize,
}

/// Every run, and the tenant.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveLoad {
    pub companies: usize,
    pub contacts: usize,
    pub runs: Vec<Run>,
}

const START: &str = "
    const want = arguments[0];
    const bench = (window.__cwBench = { t0: performance.now(), zero: false, firstPage: null, done: null, painted: null });
    const check = () => {
        const el = document.getElementById('client-count');
        const text = el ? el.textContent.trim() : '';
        const shown = parseInt(text, 10);
        if (!bench.zero && shown === 0) bench.zero = true;
        if (bench.zero && bench.firstPage === null && shown > 0) bench.firstPage = performance.now() - bench.t0;
        if (bench.done === null && text === want) {
            bench.done = performance.now() - bench.t0;
            watch.disconnect();
            requestAnimationFrame(() => setTimeout(() => (bench.painted = performance.now() - bench.t0), 0));
        }
    };
    const watch = new MutationObserver(check);
    watch.observe(document.body, { childList: true, subtree: true, characterData: true });
    document.getElementById('cfg-connect').click();
";

const READ: &str = "window.__cwBench && window.__cwBench.painted !== null ? window.__cwBench : null";

/// `runs` live loads of a `large:{companies}x{contacts}` tenant.
pub async fn measure(dist: &Path, companies: usize, contacts: usize, runs: usize) -> Result<LiveLoad, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let origin = format!("http://{}", listener.local_addr().map_err(|e| e.to_string())?);
    let stack = LiveStack::builder().dataset(&format!("large:{companies}x{contacts}")).origin(&origin).start().await;
    let console_dir = copy_with_proxy(dist, &stack.proxy_url());
    let console = DistServer::start(listener, console_dir.clone()).map_err(|e| e.to_string())?;
    let url = format!("http://{}/", console.addr());
    let want = format!("{companies} of {companies}");
    let mut result = Ok(Vec::new());
    for i in 0..runs {
        let before = stack.sim.state.requests().len();
        let b = browser::start().await;
        let run = one(&b.client, &url, &stack.credentials(), &want).await;
        close(b).await;
        match run {
            Ok(mut run) => {
                run.requests = stack.sim.state.requests().len() - before;
                eprintln!("  live run {}: {want} painted at {:.1} ms ({} requests)", i + 1, run.painted, run.requests);
                if let Ok(all) = &mut result {
                    all.push(run);
                }
            }
            Err(e) => {
                result = Err(e);
                break;
            }
        }
    }
    drop(console);
    stack.shutdown().await;
    let _ = std::fs::remove_dir_all(&console_dir);
    Ok(LiveLoad { companies, contacts, runs: result? })
}

async fn one(c: &Client, url: &str, creds: &ConsoleCredentials, want: &str) -> Result<Run, String> {
    c.goto(url).await.map_err(|e| format!("{url}: {e}"))?;
    wait_text(c, "#mode-label", "DEMO first", |t| t == "DEMO").await;
    fill(c, "#cfg-host", &creds.host).await;
    fill(c, "#cfg-company", &creds.company).await;
    fill(c, "#cfg-pub", &creds.public_key).await;
    fill(c, "#cfg-priv", &creds.private_key).await;
    fill(c, "#cfg-cid", &creds.client_id).await;
    let filter = c.find(Locator::Css("#filter-status")).await.map_err(|e| format!("#filter-status: {e}"))?;
    filter.select_by_value("all").await.map_err(|e| format!("#filter-status all: {e}"))?;
    let connect = c.find(Locator::Css("#cfg-connect")).await.map_err(|e| format!("#cfg-connect: {e}"))?;
    if !connect.is_enabled().await.unwrap_or(false) {
        return Err("#cfg-connect stays disabled with all five fields filled".into());
    }
    c.execute(START, vec![serde_json::json!(want)]).await.map_err(|e| format!("starting the clock: {e}"))?;
    let v = poll_js(c, READ, &format!("#client-count to read {want:?}"), Duration::from_secs(120)).await?;
    wait_text(c, "#mode-label", "LIVE", |t| t == "LIVE").await;
    Ok(Run {
        first_page: v["firstPage"].as_f64().unwrap_or(f64::NAN),
        all_counted: ms_of(&v["done"], "done")?,
        painted: ms_of(&v["painted"], "painted")?,
        requests: 0,
    })
}
