//! Search keystroke → painted result, with `?demo=large:N` companies loaded (N = 10,000).
//!
//! One in-page script types into `#search-in` the way the browser does for a key (sets the value,
//! dispatches a bubbling `input` event) and measures each keystroke twice over the same queries:
//!
//! - **in frame**: typed at the start of an animation frame (inside a `requestAnimationFrame`
//!   callback); the clock stops in a `setTimeout(0)` queued there, which runs once that frame's
//!   rendering (style, layout, paint) is done. This is the main thread's work for a keystroke: the
//!   handler, the reactive update of the list, and the frame. Under 16 ms means the result is on
//!   screen in the next frame.
//! - **to next paint**: typed at a moment spread over the frame interval (a timer 0–15 ms after a
//!   frame); the clock stops after the next frame is painted (`requestAnimationFrame`, then
//!   `setTimeout(0)`). This adds the wait for the next frame (up to one interval), as for a person
//!   typing.
//!
//! Each in-frame sample also checks that `#client-count` did not change one frame later (the update
//! really was in that frame); samples where it did are counted as `late`.

use super::stats::Summary;
use super::{close, poll_js};
use crate::browser::{self, wait_text};
use crate::dist_server::DistServer;
use std::path::Path;
use std::time::Duration;

/// The queries typed, one keystroke each, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Keystrokes {
    pub companies: usize,
    pub queries: Vec<String>,
    /// ms per keystroke, typed at the start of a frame, to that frame painted.
    pub in_frame: Vec<f64>,
    /// ms per keystroke, typed between frames, to the next frame painted.
    pub to_next_paint: Vec<f64>,
    /// In-frame samples whose result showed only in a later frame.
    pub late: usize,
    /// Frame interval of the page, ms (median of 30 `requestAnimationFrame` deltas).
    pub frame_interval: f64,
}

impl Keystrokes {
    pub fn in_frame_summary(&self) -> Option<Summary> {
        Summary::of(&self.in_frame)
    }

    pub fn to_next_paint_summary(&self) -> Option<Summary> {
        Summary::of(&self.to_next_paint)
    }
}

/// Typing these, then deleting them, character by character.
const WORDS: &[&str] = &["harbor legal", "inc", "cedar", "summit dental"];

/// `n` queries: each word typed one character at a time, then deleted one character at a time.
pub fn queries(n: usize) -> Vec<String> {
    let mut out = Vec::new();
    for word in WORDS.iter().cycle() {
        let chars: Vec<char> = word.chars().collect();
        let typed = (1..=chars.len()).map(|k| chars[..k].iter().collect::<String>());
        let deleted = (0..chars.len()).rev().map(|k| chars[..k].iter().collect::<String>());
        for q in typed.chain(deleted) {
            if out.len() == n {
                return out;
            }
            out.push(q);
        }
        if n == 0 {
            return out;
        }
    }
    out
}

const START: &str = "
    const queries = arguments[0];
    const input = document.getElementById('search-in');
    const count = () => {
        const el = document.getElementById('client-count');
        return el ? el.textContent.trim() : '';
    };
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    const task = () => new Promise((r) => setTimeout(r, 0));
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    const type = (q) => {
        input.value = q;
        input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: q.slice(-1) || null }));
    };
    const out = (window.__cwKeys = { inFrame: [], nextPaint: [], late: 0, frame: null, done: false, error: null });
    (async () => {
        input.focus();
        const stamps = [];
        for (let i = 0; i < 31; i++) stamps.push(await frame());
        const deltas = stamps.slice(1).map((t, i) => t - stamps[i]).sort((a, b) => a - b);
        out.frame = deltas[Math.floor(deltas.length / 2)];
        for (const q of queries) {
            await frame();
            await task();
            const [t0, t1, shown] = await new Promise((resolve) =>
                requestAnimationFrame(() => {
                    const t0 = performance.now();
                    type(q);
                    setTimeout(() => resolve([t0, performance.now(), count()]), 0);
                }),
            );
            out.inFrame.push(t1 - t0);
            await frame();
            await task();
            if (count() !== shown) out.late++;
        }
        if (input.value !== '') {
            type('');
            await frame();
            await task();
        }
        for (let i = 0; i < queries.length; i++) {
            await frame();
            await sleep(Math.floor((i * 16) / queries.length));
            const t0 = performance.now();
            type(queries[i]);
            await frame();
            await task();
            out.nextPaint.push(performance.now() - t0);
        }
        out.done = true;
    })().catch((e) => {
        out.error = String(e);
        out.done = true;
    });
";

const READ: &str = "window.__cwKeys && window.__cwKeys.done ? window.__cwKeys : null";

/// Loads `?demo=large:{companies}` and measures `n` keystrokes each way.
pub async fn measure(dist: &Path, companies: usize, n: usize) -> Result<Keystrokes, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let server = DistServer::start(listener, dist.to_path_buf()).map_err(|e| e.to_string())?;
    let url = format!("http://{}/?demo=large:{companies}", server.addr());
    let queries = queries(n);
    let b = browser::start().await;
    let result = async {
        let c = &b.client;
        c.goto(&url).await.map_err(|e| format!("{url}: {e}"))?;
        let want = format!("{companies} of {companies}");
        wait_text(c, "#client-count", &want, |t| t.trim() == want).await;
        c.execute(START, vec![serde_json::json!(queries)]).await.map_err(|e| format!("starting the typing: {e}"))?;
        let v = poll_js(c, READ, "the keystrokes to finish", Duration::from_secs(120)).await?;
        if let Some(e) = v["error"].as_str() {
            return Err(format!("the typing script failed: {e}"));
        }
        let numbers = |key: &str| -> Vec<f64> {
            v[key].as_array().map(|a| a.iter().filter_map(|x| x.as_f64()).collect()).unwrap_or_default()
        };
        Ok(Keystrokes {
            companies,
            queries: queries.clone(),
            in_frame: numbers("inFrame"),
            to_next_paint: numbers("nextPaint"),
            late: v["late"].as_u64().unwrap_or(0) as usize,
            frame_interval: v["frame"].as_f64().unwrap_or(f64::NAN),
        })
    }
    .await;
    close(b).await;
    let k = result?;
    if k.in_frame.len() != n || k.to_next_paint.len() != n {
        return Err(format!("expected {n} samples each way, got {} and {}", k.in_frame.len(), k.to_next_paint.len()));
    }
    Ok(k)
}

#[cfg(test)]
mod tests {
    use super::queries;

    #[test]
    fn thirty_queries_type_and_delete_two_words() {
        let q = queries(30);
        assert_eq!(q.len(), 30);
        assert_eq!(&q[..3], ["h", "ha", "har"]);
        assert_eq!(q[11], "harbor legal");
        assert_eq!(q[12], "harbor lega");
        assert_eq!(q[23], "");
        assert_eq!(&q[24..], ["i", "in", "inc", "in", "i", ""]);
        assert!(queries(0).is_empty());
    }
}
