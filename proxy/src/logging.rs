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
use hyper::{Method, StatusCode, Uri};
use std::cell::RefCell;
use std::fmt;
use std::io::{self, Write};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

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
    /// The request's path, cut at [`MAX_LOGGED_PATH`] characters: a copy, not a slice of the `Uri`
    /// (which would keep the connection's read buffer alive while the request waits upstream).
    path: String,
    cw_host: Option<String>,
    error: Option<String>,
}

impl RequestLog {
    /// Starts the record from the method and the request target (of which only the path is logged).
    pub fn new(method: &Method, uri: &Uri) -> RequestLog {
        let path = uri.path();
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

    /// Emits the line: straight into this thread's buffer when [`init`] chose that, otherwise as a
    /// `tracing` event (on a terminal, or under a library user's own subscriber).
    pub fn emit(&self, status: StatusCode, latency: Duration) {
        match ACCESS_SINK.get() {
            Some(AccessSink::Buffered) => {
                buffered(|pending| self.write_line(pending, SystemTime::now(), status, latency));
            }
            Some(AccessSink::Off) => {}
            None => tracing::info!(
                target: ACCESS_TARGET,
                method = %self.method,
                path = %self.path,
                cw_host = %self.cw_host.as_deref().unwrap_or("-"),
                status = status.as_u16(),
                latency_ms = %Millis(latency),
                error = self.error.as_deref().map(tracing::field::display),
                "request"
            ),
        }
    }

    /// The line `tracing_subscriber`'s plain format writes for the event above, written by hand: it is
    /// the one line per request, and the formatter's generic field handling was a tenth of the proxy's
    /// own CPU time per request.
    fn write_line(&self, out: &mut Vec<u8>, now: SystemTime, status: StatusCode, latency: Duration) {
        timestamp(out, now);
        for part in [
            "  INFO ",
            ACCESS_TARGET,
            ": request method=",
            self.method.as_str(),
            " path=",
            self.path.as_str(),
            " cw_host=",
            self.cw_host.as_deref().unwrap_or("-"),
            " status=",
            status.as_str(),
            " latency_ms=",
        ] {
            out.extend_from_slice(part.as_bytes());
        }
        let _ = write!(out, "{}", Millis(latency));
        if let Some(error) = &self.error {
            out.extend_from_slice(b" error=");
            out.extend_from_slice(error.as_bytes());
        }
        out.push(b'\n');
    }
}

/// A latency in milliseconds with three decimals, from integer microseconds (no float formatting).
struct Millis(Duration);

impl fmt::Display for Millis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let micros = self.0.as_micros();
        write!(f, "{}.{:03}", micros / 1000, micros % 1000)
    }
}

/// `2026-12-07T00:45:12.123456Z`: RFC 3339 in UTC with microseconds, as `tracing_subscriber` writes it.
fn timestamp(out: &mut Vec<u8>, now: SystemTime) {
    let since_epoch = now.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    let secs = since_epoch.as_secs();
    let (year, month, day) = civil_from_days(secs / 86_400);
    let of_day = secs % 86_400;
    let (hour, minute, second) = (of_day / 3600, of_day / 60 % 60, of_day % 60);
    let micros = since_epoch.subsec_micros();
    let _ = write!(out, "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{micros:06}Z");
}

/// The calendar date of a day counted from 1970-01-01 (proleptic Gregorian; Howard Hinnant's
/// `civil_from_days`, for days on or after the epoch).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (year_of_era + era * 400 + u64::from(month <= 2), month, day)
}

/// Where the request lines go, decided once by [`init`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AccessSink {
    /// Written by [`RequestLog::emit`] into the thread's buffer: stderr is not a terminal and
    /// `RUST_LOG` lets the lines through.
    Buffered,
    /// `RUST_LOG` filters them out.
    Off,
}

/// Unset in a library user's process (the tests): the lines are then `tracing` events like any other.
static ACCESS_SINK: OnceLock<AccessSink> = OnceLock::new();

/// Logs to stderr, filtered by `RUST_LOG` (default `info`); colours only on a terminal (a log file or
/// journald gets plain text, which is also cheaper to write). Off a terminal the request lines skip
/// `tracing` and [`RequestLog::emit`] writes them itself, in the same format.
pub fn init() {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let terminal = std::io::stderr().is_terminal();
    tracing_subscriber::fmt().with_env_filter(filter).with_ansi(terminal).with_writer(BatchedStderr).init();
    if !terminal {
        let enabled = tracing::enabled!(target: ACCESS_TARGET, tracing::Level::INFO);
        let _ = ACCESS_SINK.set(if enabled { AccessSink::Buffered } else { AccessSink::Off });
    }
}

thread_local! {
    /// This thread's request lines not yet written.
    static PENDING: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Appends to this thread's buffered request lines, writing them out once they reach [`FLUSH_AT`].
fn buffered(append: impl FnOnce(&mut Vec<u8>)) {
    let full = PENDING.with(|pending| {
        let mut pending = pending.borrow_mut();
        append(&mut pending);
        pending.len() >= FLUSH_AT
    });
    if full {
        flush();
    }
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
            buffered(|pending| pending.extend_from_slice(buf));
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

    /// What `tracing_subscriber`'s plain format writes for `log`'s event.
    fn through_tracing(log: &RequestLog, status: StatusCode, latency: Duration) -> String {
        #[derive(Clone, Default)]
        struct Capture(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
        impl Write for Capture {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let capture = Capture::default();
        let writer = capture.clone();
        let subscriber = tracing_subscriber::fmt().with_ansi(false).with_writer(move || writer.clone()).finish();
        tracing::subscriber::with_default(subscriber, || log.emit(status, latency));
        String::from_utf8(capture.0.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn the_hand_written_line_is_the_one_tracing_writes() {
        let uri: Uri = "/cw/company/companies/7?conditions=secret%3D1".parse().unwrap();
        let (mut traced, mut by_hand) = (String::new(), Vec::new());
        let mut both = |log: &RequestLog, status: StatusCode, latency: Duration| {
            traced += &through_tracing(log, status, latency);
            log.write_line(&mut by_hand, SystemTime::now(), status, latency);
        };
        let mut log = RequestLog::new(&Method::PATCH, &uri);
        both(&log, StatusCode::NOT_FOUND, Duration::from_micros(12_345));
        log.set_cw_host("na.myconnectwise.net".into());
        log.set_error(&ProxyError::UpstreamTimeout);
        both(&log, StatusCode::GATEWAY_TIMEOUT, Duration::from_micros(30_000_007));
        let by_hand = String::from_utf8(by_hand).unwrap();
        // The same line after the timestamp (its first word).
        let after_time =
            |text: &str| -> Vec<String> { text.lines().map(|l| l.split_once(' ').unwrap().1.to_owned()).collect() };
        let traced = after_time(&traced);
        assert_eq!(after_time(&by_hand), traced);
        assert!(
            traced[0].ends_with("method=PATCH path=/cw/company/companies/7 cw_host=- status=404 latency_ms=12.345")
        );
        assert!(!by_hand.contains("secret"), "never the query");
    }

    #[test]
    fn timestamps_are_rfc3339_utc_with_microseconds() {
        let at = |secs: u64, micros: u32| {
            let mut out = Vec::new();
            timestamp(&mut out, SystemTime::UNIX_EPOCH + Duration::new(secs, micros * 1000));
            String::from_utf8(out).unwrap()
        };
        assert_eq!(at(0, 0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(at(951_782_400, 5), "2000-02-29T00:00:00.000005Z", "a leap day");
        assert_eq!(at(1_796_604_312, 123_456), "2026-12-07T00:45:12.123456Z");
        assert_eq!(at(4_107_542_399, 999_999), "2100-02-28T23:59:59.999999Z", "2100 is not a leap year");
    }
}
