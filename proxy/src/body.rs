//! Body plumbing: one boxed body type for both directions, the `--max-body` limit, and an idle
//! timeout on streamed upstream bodies.

use crate::error::ProxyError;
use bytes::Bytes;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Empty, Full, LengthLimitError, Limited};
use hyper::body::{Body, Frame, Incoming, SizeHint};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::{Instant, Sleep};

/// Any error a body can fail with.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The body type of every request the proxy sends and every response it gives.
pub type ProxyBody = UnsyncBoxBody<Bytes, BoxError>;

/// A complete body.
pub fn full(data: impl Into<Bytes>) -> ProxyBody {
    Full::new(data.into()).map_err(|never| match never {}).boxed_unsync()
}

/// An empty body.
pub fn empty() -> ProxyBody {
    Empty::new().map_err(|never| match never {}).boxed_unsync()
}

/// Reads the browser's body whole, within `--max-body` bytes and `--body-timeout`, before anything is
/// sent upstream.
///
/// A declared `Content-Length` over the limit is refused at once; a chunked body is cut off at the
/// limit. Reading it whole first means a slow or oversized body never holds a connection to
/// ConnectWise (whose bodies are small JSON documents) and ConnectWise always gets a `Content-Length`.
pub async fn read_request_body(body: Incoming, max: u64, timeout: Duration) -> Result<Bytes, ProxyError> {
    if body.size_hint().exact().is_some_and(|len| len > max) {
        return Err(ProxyError::PayloadTooLarge { limit: max });
    }
    if body.is_end_stream() {
        return Ok(Bytes::new());
    }
    let limit = usize::try_from(max).unwrap_or(usize::MAX);
    match tokio::time::timeout(timeout, Limited::new(body, limit).collect()).await {
        Err(_elapsed) => Err(ProxyError::BodyTimeout),
        // Copied: a body that arrived in one piece is a slice of the connection's read buffer, which
        // would otherwise stay alive (beside a new one) while the request waits upstream.
        Ok(Ok(collected)) => Ok(Bytes::copy_from_slice(&collected.to_bytes())),
        Ok(Err(err)) if err.is::<LengthLimitError>() => Err(ProxyError::PayloadTooLarge { limit: max }),
        Ok(Err(_)) => Err(ProxyError::BodyRead),
    }
}

/// The error a streamed upstream body fails with when ConnectWise stalls mid-body.
#[derive(Debug)]
pub struct BodyStalled;

impl std::fmt::Display for BodyStalled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("upstream body stalled longer than the timeout")
    }
}

impl std::error::Error for BodyStalled {}

/// Wraps an upstream body so that a pause longer than `idle` (counted from the first poll that has to
/// wait) ends it with an error: the browser then sees a truncated response rather than a connection
/// that never finishes.
///
/// It can also hold something until the body is dropped (`H`: the upstream request's capacity slots).
pub struct IdleTimeoutBody<B, H = ()> {
    inner: B,
    idle: Duration,
    /// Armed only once the body has to wait (a body that is already buffered never needs a timer).
    sleep: Option<Pin<Box<Sleep>>>,
    _held: H,
}

impl<B> IdleTimeoutBody<B> {
    /// Limits the pauses of `inner` to `idle`.
    pub fn new(inner: B, idle: Duration) -> Self {
        Self { inner, idle, sleep: None, _held: () }
    }

    /// Keeps `held` alive until the body is dropped.
    pub fn holding<H>(self, held: H) -> IdleTimeoutBody<B, H> {
        IdleTimeoutBody { inner: self.inner, idle: self.idle, sleep: self.sleep, _held: held }
    }
}

impl<B, H: Unpin> Body for IdleTimeoutBody<B, H>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                if let Some(sleep) = this.sleep.as_mut() {
                    sleep.as_mut().reset(Instant::now() + this.idle);
                }
                Poll::Ready(frame.map(|f| f.map_err(Into::into)))
            }
            Poll::Pending => {
                let idle = this.idle;
                let sleep = this.sleep.get_or_insert_with(|| Box::pin(tokio::time::sleep(idle)));
                match sleep.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyStalled)))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Yields one frame, then never anything again.
    struct OneFrameThenSilence(Option<Bytes>);

    impl Body for OneFrameThenSilence {
        type Data = Bytes;
        type Error = std::convert::Infallible;
        fn poll_frame(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
            match self.0.take() {
                Some(data) => Poll::Ready(Some(Ok(Frame::data(data)))),
                None => Poll::Pending,
            }
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_stalled_body_fails_after_the_idle_timeout() {
        let inner = OneFrameThenSilence(Some(Bytes::from_static(b"part")));
        let mut body = IdleTimeoutBody::new(inner, Duration::from_secs(5));
        let first = body.frame().await.unwrap().unwrap();
        assert_eq!(first.into_data().unwrap(), "part");
        // Nothing more arrives: the paused clock jumps to the deadline and the body errors.
        let err = body.frame().await.unwrap().unwrap_err();
        assert!(err.is::<BodyStalled>());
    }
}
