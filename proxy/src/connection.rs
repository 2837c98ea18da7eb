//! One browser connection: its header-read and keep-alive deadlines, and the answer a connection
//! beyond `--max-connections` gets.
//!
//! hyper's own header-read timer is re-armed for every request; here each connection carries one
//! deadline instead ([`Deadline`]): a new connection must deliver its first complete request head
//! within `--header-read-timeout`, and after each response the next head must be complete within
//! `--keep-alive-timeout`. While a request is being served there is no deadline (the body and upstream
//! timeouts apply). A single timer per connection checks it, so the hot path only stores a number.

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

/// "A request is being served": no deadline.
const BUSY: u64 = u64::MAX;

/// When a connection must have delivered its next complete request head, in milliseconds since the
/// connection was accepted (or `BUSY`).
pub struct Deadline {
    opened: Instant,
    keep_alive: Duration,
    at_ms: AtomicU64,
}

impl Deadline {
    /// A new connection: its first request head is due within `header_read`.
    pub fn new(header_read: Duration, keep_alive: Duration) -> Arc<Deadline> {
        let at_ms = AtomicU64::new(millis(header_read));
        Arc::new(Deadline { opened: Instant::now(), keep_alive, at_ms })
    }

    /// A request head arrived: no deadline until its response ends.
    pub fn request_started(&self) {
        self.at_ms.store(BUSY, Ordering::Relaxed);
    }

    /// A response ended: the next request head is due within the keep-alive timeout.
    pub fn response_ended(&self) {
        let due = self.opened.elapsed() + self.keep_alive;
        self.at_ms.store(millis(due), Ordering::Relaxed);
    }

    /// When to look again, or `None` when the deadline has passed and the connection should close.
    ///
    /// Never later than one keep-alive period from now: an idle period that starts after this look
    /// cannot end before that, so the next look is never too late for it.
    pub fn next_check(&self) -> Option<Instant> {
        let now = Instant::now();
        let soonest_idle_end = now + self.keep_alive;
        match self.at_ms.load(Ordering::Relaxed) {
            BUSY => Some(soonest_idle_end),
            at => {
                let due = self.opened + Duration::from_millis(at);
                (due > now).then_some(due.min(soonest_idle_end))
            }
        }
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(BUSY - 1)
}

/// A response body that tells its connection's [`Deadline`] when it is done (dropped by hyper once
/// written, or when the connection ends).
pub struct Tracked<B> {
    inner: B,
    deadline: Arc<Deadline>,
}

impl<B> Tracked<B> {
    /// Wraps `inner`.
    pub fn new(inner: B, deadline: Arc<Deadline>) -> Self {
        Tracked { inner, deadline }
    }
}

impl<B> Drop for Tracked<B> {
    fn drop(&mut self) {
        self.deadline.response_ended();
    }
}

impl<B: Body<Data = Bytes> + Unpin> Body for Tracked<B> {
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The answer of a connection over `--max-connections` (no request was read, so it has no CORS headers).
const TOO_MANY_CONNECTIONS: &str = concat!(
    "HTTP/1.1 503 Service Unavailable\r\n",
    "content-type: application/json\r\n",
    "cache-control: no-store\r\n",
    "retry-after: 1\r\n",
    "connection: close\r\n",
    "content-length: 102\r\n",
    "\r\n",
    r#"{"code":"ProxyBusy","message":"cw-proxy: too many open connections (--max-connections); retry in 1 s"}"#,
);

/// How long a refused connection is drained after the answer, so the client reads it rather than a reset.
const LINGER: Duration = Duration::from_secs(1);

/// Answers 503 on a connection over the limit and closes it: write, half-close, then read and discard
/// what the client sent (at most `LINGER`, 1 s) so the close does not reset the answer away.
pub async fn refuse(mut stream: TcpStream) {
    if stream.write_all(TOO_MANY_CONNECTIONS.as_bytes()).await.is_err() || stream.shutdown().await.is_err() {
        return;
    }
    let mut sink = [0u8; 512];
    let _ = tokio::time::timeout(LINGER, async {
        while let Ok(n) = stream.read(&mut sink).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_refusal_declares_its_exact_length() {
        let (head, body) = TOO_MANY_CONNECTIONS.split_once("\r\n\r\n").unwrap();
        assert!(head.contains(&format!("content-length: {}", body.len())), "{head}");
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["code"], "ProxyBusy");
    }

    #[tokio::test(start_paused = true)]
    async fn deadlines_follow_the_connection_phases() {
        let deadline = Deadline::new(Duration::from_secs(10), Duration::from_secs(30));
        let first = deadline.next_check().unwrap();
        assert_eq!(first - Instant::now(), Duration::from_secs(10));
        let quick = Deadline::new(Duration::from_secs(60), Duration::from_secs(5));
        assert_eq!(quick.next_check().unwrap() - Instant::now(), Duration::from_secs(5), "looks again in time");
        deadline.request_started();
        tokio::time::advance(Duration::from_secs(20)).await;
        assert!(deadline.next_check().is_some(), "a busy connection never expires");
        deadline.response_ended();
        tokio::time::advance(Duration::from_secs(29)).await;
        assert!(deadline.next_check().is_some());
        tokio::time::advance(Duration::from_secs(2)).await;
        assert!(deadline.next_check().is_none(), "idle longer than the keep-alive timeout");
    }
}
