//! The log phase: exactly one line per request (method, path without query, ConnectWise host,
//! status, latency), and the subscriber setup for the binary.
//!
//! The request lines (target [`ACCESS_TARGET`]) are written through a per-thread buffer: each worker
//! writes its lines in batches ([`flush_periodically`] every [`FLUSH_EVERY`], or at [`FLUSH_AT`] bytes)
//! instead of one `write` per request, the syscall that cost the most after the sockets' own. Every other
//! event (start, warnings, shutdown) is written at once, after the buffered lines, so the order holds. A
//! crash can lose at most the last [`FLUSH_EVERY`] of request lines.
//!
//! Nothing here ever sees a header value or a query string, so no `RUST_LOG` level can leak a key.

use crate::error::ProxyError;
use hyper::{Method, StatusCode};
use std::cell::RefCell;
use std::io::{self, Write};
use std::time::Duration;

/// The target of the one line per request.
pub const ACCESS_TARGET: &str = "cw_proxy::access";
/// How often a worker writes out its buffered request lines.
pub const FLUSH_EVERY: Duration = Duration::from_millis(200);
/// A worker's buffer is written out once it holds this much.
pub const FLUSH_AT: usize = 16 * 1024;

/// The longest path logged; longer ones are cut (paths are attacker-chosen on 404s).
const MAX_LOGGED_PATH: usize = 200;

/// What is known about a request so far; logged once when its response is ready.
#[derive(Debug)]
pub struct RequestLog {
    method: Method,
    path: String,
    cw_host: Option<String>,
    error: Option<String>,
}

impl RequestLog {
    /// Starts the record from the method and the path (never the query).
    pub fn new(method: &Method, path: &str) -> RequestLog {
        let end = path.char_indices().nth(MAX_LOGGED_PATH).map_or(path.len(), |(i, _)| i);
        RequestLog { method: method.clone(), path: path[..end].to_owned(), cw_host: None, error: None }
    }

    /// Records the ConnectWise host once it is known to be allowed.
    pub fn set_cw_host(&mut self, host: String) {
        self.cw_host = Some(host);
    }

    /// Records why the proxy answered itself.
    pub fn set_error(&mut self, error: &ProxyError) {
        self.error = Some(match error.log_detail() {
            Some(detail) => format!("{}: {detail}", error.code()),
            None => error.code().to_owned(),
        });
    }

    /// Emits the line.
    pub fn emit(&self, status: StatusCode, latency: Duration) {
        tracing::info!(
            target: ACCESS_TARGET,
            method = %self.method,
            path = %self.path,
            cw_host = %self.cw_host.as_deref().unwrap_or("-"),
            status = status.as_u16(),
            latency_ms = %format_args!("{:.3}", latency.as_secs_f64() * 1000.0),
            error = self.error.as_deref().map(tracing::field::display),
            "request"
        );
    }
}

/// Logs to stderr, filtered by `RUST_LOG` (default `info`); colours only on a terminal (a log file or
/// journald gets plain text, which is also cheaper to write).
pub fn init() {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(BatchedStderr)
        .init();
}

thread_local! {
    /// This thread's request lines not yet written.
    static PENDING: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Writes out this thread's buffered request lines.
pub fn flush() {
    PENDING.with(|pending| {
        let mut pending = pending.borrow_mut();
        if !pending.is_empty() {
            let _ = io::stderr().lock().write_all(&pending);
            pending.clear();
        }
    });
}

/// Runs on each worker's event loop: writes out its request lines every [`FLUSH_EVERY`].
pub async fn flush_periodically() {
    let mut tick = tokio::time::interval(FLUSH_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        flush();
    }
}

/// stderr with the request lines batched per thread (see the module documentation).
struct BatchedStderr;

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for BatchedStderr {
    type Writer = LineWriter;

    fn make_writer(&'a self) -> LineWriter {
        LineWriter { batched: false }
    }

    fn make_writer_for(&'a self, meta: &tracing::Metadata<'_>) -> LineWriter {
        LineWriter { batched: meta.target() == ACCESS_TARGET }
    }
}

/// One event's writer: into this thread's buffer (request lines) or straight to stderr after it.
struct LineWriter {
    batched: bool,
}

impl Write for LineWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.batched {
            let full = PENDING.with(|pending| {
                let mut pending = pending.borrow_mut();
                pending.extend_from_slice(buf);
                pending.len() >= FLUSH_AT
            });
            if full {
                flush();
            }
            Ok(buf.len())
        } else {
            flush();
            io::stderr().lock().write(buf)
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending() -> usize {
        PENDING.with(|p| p.borrow().len())
    }

    #[test]
    fn request_lines_wait_in_the_thread_buffer_and_other_events_flush_them_first() {
        let mut line = LineWriter { batched: true };
        line.write_all(b"request line\n").unwrap();
        assert_eq!(pending(), 13, "held back");
        let mut other = LineWriter { batched: false };
        other.write_all(b"a warning\n").unwrap();
        assert_eq!(pending(), 0, "written out before the warning, so the order holds");
        line.write_all(&vec![b'x'; FLUSH_AT]).unwrap();
        assert_eq!(pending(), 0, "a full buffer is written out at once");
        line.write_all(b"again\n").unwrap();
        flush();
        assert_eq!(pending(), 0);
    }
}
