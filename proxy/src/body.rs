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

/// Applies `--max-body` to the browser's body before anything is sent upstream.
///
/// With a `Content-Length` (what browsers send for `fetch` bodies) the length is checked up front and
/// the body is then streamed; hyper guarantees it cannot grow past the declared length. A chunked body
/// has no declared length, so it is read into memory up to the limit first: a body over the limit is
/// refused before ConnectWise sees a single byte.
pub async fn limit_request_body(body: Incoming, max: u64) -> Result<ProxyBody, ProxyError> {
    match body.size_hint().exact() {
        Some(len) if len > max => Err(ProxyError::PayloadTooLarge { limit: max }),
        Some(0) => Ok(empty()),
        Some(_) => Ok(body.map_err(BoxError::from).boxed_unsync()),
        None => {
            let limit = usize::try_from(max).unwrap_or(usize::MAX);
            match Limited::new(body, limit).collect().await {
                Ok(collected) => Ok(full(collected.to_bytes())),
                Err(err) if err.is::<LengthLimitError>() => Err(ProxyError::PayloadTooLarge { limit: max }),
                Err(_) => Err(ProxyError::BodyRead),
            }
        }
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

/// Wraps an upstream body so that a pause longer than `idle` between frames ends it with an error
/// (the browser then sees a truncated response rather than a connection that never finishes).
pub struct IdleTimeoutBody<B> {
    inner: B,
    idle: Duration,
    sleep: Pin<Box<Sleep>>,
}

impl<B> IdleTimeoutBody<B> {
    /// Starts the idle clock now.
    pub fn new(inner: B, idle: Duration) -> Self {
        Self { inner, idle, sleep: Box::pin(tokio::time::sleep(idle)) }
    }
}

impl<B> Body for IdleTimeoutBody<B>
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
                let deadline = Instant::now() + this.idle;
                this.sleep.as_mut().reset(deadline);
                Poll::Ready(frame.map(|f| f.map_err(Into::into)))
            }
            Poll::Pending => match this.sleep.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyStalled)))),
                Poll::Pending => Poll::Pending,
            },
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
