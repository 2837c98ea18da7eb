//! Navigation → the demo client list painted: the eight demo clients, read from the inline script in
//! `frontend/index.html` (`window.__cwFirstRow`, `__cwFirstRowPainted`, `__cwFirstRowPresented`).
//!
//! Cold: each load in a fresh Chromium (empty cache and profile: a first visit). Warm: the same page
//! loaded again in one browser (one load first to warm it, not counted); `dist_server` sends
//! `Cache-Control: no-cache` without validators, so files are fetched again but Chromium may reuse
//! compiled code.

use super::{close, ms_of, poll_js};
use crate::browser;
use crate::dist_server::DistServer;
use fantoccini::Client;
use std::path::Path;
use std::time::Duration;

/// One page load, in ms since navigation started.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Load {
    /// First contentful paint (presented).
    pub fcp: Option<f64>,
    /// The wasm file fully received.
    pub wasm_received: Option<f64>,
    /// The first `.client-row` entered the DOM.
    pub first_row: f64,
    /// The frame showing it was rendered by the main thread (after the next animation frame).
    pub rendered: f64,
    /// The row was presented on screen (Element Timing's `renderTime`), when Chromium reported it.
    pub presented: Option<f64>,
}

impl Load {
    /// The list painted: on screen when known, else rendered.
    pub fn painted(&self) -> f64 {
        self.presented.unwrap_or(self.rendered)
    }
}

/// Cold and warm loads.
#[derive(Debug, Clone, PartialEq)]
pub struct FirstList {
    pub cold: Vec<Load>,
    pub warm: Vec<Load>,
}

const READ: &str = "window.__cwFirstRowPainted === undefined ? null : {
    firstRow: window.__cwFirstRow,
    rendered: window.__cwFirstRowPainted,
}";

/// Element Timing and first contentful paint arrive after the frame, with its presentation.
const READ_PRESENTED: &str = "window.__cwFirstRowPresented === undefined ? null : (() => {
    const fcp = performance.getEntriesByType('paint').find((p) => p.name === 'first-contentful-paint');
    const wasm = performance.getEntriesByType('resource').find((r) => r.name.endsWith('.wasm'));
    return {
        presented: window.__cwFirstRowPresented,
        fcp: fcp ? fcp.startTime : null,
        wasm: wasm ? wasm.responseEnd : null,
    };
})()";

/// Loads the demo console `loads` times cold and `loads` times warm.
pub async fn measure(dist: &Path, loads: usize) -> Result<FirstList, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let server = DistServer::start(listener, dist.to_path_buf()).map_err(|e| e.to_string())?;
    let url = format!("http://{}/", server.addr());
    let mut cold = Vec::new();
    for i in 0..loads {
        let b = browser::start().await;
        let load = load(&b.client, &url).await;
        close(b).await;
        let load = load?;
        eprintln!("  cold load {}: list painted at {:.1} ms", i + 1, load.painted());
        cold.push(load);
    }
    let b = browser::start().await;
    let mut warm = Vec::new();
    let mut result = Ok(());
    for i in 0..=loads {
        match load(&b.client, &url).await {
            Ok(l) if i > 0 => {
                eprintln!("  warm load {i}: list painted at {:.1} ms", l.painted());
                warm.push(l);
            }
            Ok(_) => {}
            Err(e) => {
                result = Err(e);
                break;
            }
        }
    }
    close(b).await;
    result?;
    Ok(FirstList { cold, warm })
}

async fn load(c: &Client, url: &str) -> Result<Load, String> {
    c.goto("about:blank").await.map_err(|e| format!("about:blank: {e}"))?;
    c.goto(url).await.map_err(|e| format!("{url}: {e}"))?;
    let v = poll_js(c, READ, "the first client row (window.__cwFirstRowPainted)", Duration::from_secs(30)).await?;
    let later = poll_js(c, READ_PRESENTED, "the first row on screen", Duration::from_secs(3)).await;
    let later = later.unwrap_or(serde_json::Value::Null);
    Ok(Load {
        fcp: later["fcp"].as_f64(),
        wasm_received: later["wasm"].as_f64(),
        first_row: ms_of(&v["firstRow"], "__cwFirstRow")?,
        rendered: ms_of(&v["rendered"], "__cwFirstRowPainted")?,
        presented: later["presented"].as_f64(),
    })
}
