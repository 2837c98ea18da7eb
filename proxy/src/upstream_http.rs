//! HTTP/1.1 to ConnectWise, one exchange at a time on one connection, driven by the request's own
//! task.
//!
//! The request goes out in one write (head and body in one buffer, so one TLS record for the usual
//! small request). The response head is parsed with `httparse` (at most [`MAX_HEAD_BYTES`] and
//! [`MAX_HEADERS`]; `1xx` answers are skipped), and the body is framed as RFC 9112 §6.3 says:
//! none for 204 and 304, `Transfer-Encoding: chunked` decoded, else `Content-Length`, else until
//! the connection closes. [`ResponseBody`] reads it as the browser's connection asks for it, and
//! the moment the last byte is read hands the connection to its [`Reuse`] (the pool) if it may carry
//! another request: HTTP/1.1, no `Connection: close`, a framed body read exactly to its end.
//!
//! Reading the response where it is written to the browser, instead of in a task per upstream
//! connection, means a request wakes one task, not two, and no channel sits between them.

use crate::body::BoxError;
use bytes::{Bytes, BytesMut};
use hyper::body::{Body, Frame, SizeHint};
use hyper::header::{CONNECTION, CONTENT_LENGTH, HeaderMap, HeaderName, HeaderValue, TRANSFER_ENCODING};
use hyper::{Request, Response, StatusCode};
use std::fmt;
use std::future::Future;
use std::io;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, ready};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The largest response head accepted.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// The most response headers accepted.
pub const MAX_HEADERS: usize = 100;

/// How much the read buffer grows by when it is full.
const READ_CHUNK: usize = 8 * 1024;

/// The longest chunk-size or trailer line accepted in a chunked body.
const MAX_CHUNK_LINE: usize = 4 * 1024;

/// ConnectWise's response was not HTTP/1.1 the proxy can pass on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MalformedResponse(pub &'static str);

impl fmt::Display for MalformedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed response from ConnectWise: {}", self.0)
    }
}

impl std::error::Error for MalformedResponse {}

/// The connection closed before the response (head or body) was complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClosedEarly {
    /// Whether any byte of the response had arrived.
    pub anything_received: bool,
}

impl fmt::Display for ClosedEarly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ConnectWise closed the connection before the response was complete")
    }
}

impl std::error::Error for ClosedEarly {}

/// `request` as bytes on the wire: request line, headers (with `Content-Length` for a body that
/// does not declare one), blank line, body.
pub fn encode_request(request: &Request<Bytes>) -> Vec<u8> {
    let target = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
    let body = request.body();
    let headers_len: usize = request.headers().iter().map(|(n, v)| n.as_str().len() + v.len() + 4).sum();
    let mut out = Vec::with_capacity(request.method().as_str().len() + target.len() + headers_len + body.len() + 48);
    out.extend_from_slice(request.method().as_str().as_bytes());
    out.push(b' ');
    out.extend_from_slice(target.as_bytes());
    out.extend_from_slice(b" HTTP/1.1\r\n");
    for (name, value) in request.headers() {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    if !body.is_empty() && !request.headers().contains_key(CONTENT_LENGTH) {
        out.extend_from_slice(b"content-length: ");
        out.extend_from_slice(body.len().to_string().as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

/// One connection to ConnectWise and what has been read from it but not yet used.
///
/// The transport is boxed: a TLS connection is kilobytes, and the connection moves between the pool,
/// the exchange and the response body on every request.
pub struct Connection<S> {
    io: Box<S>,
    read: BytesMut,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Connection<S> {
    /// A connection over `io` (already connected, TLS already negotiated).
    pub fn new(io: S) -> Self {
        Connection { io: Box::new(io), read: BytesMut::new() }
    }

    /// Whether the connection can carry a new request, looking only at what is already known: data
    /// or end of stream already buffered means it cannot; otherwise one read is attempted without
    /// waiting (the event loop's readiness says whether it needs a system call at all).
    pub fn is_reusable_now(&mut self) -> bool {
        if !self.read.is_empty() {
            return false; // something ConnectWise sent unasked
        }
        let mut cx = Context::from_waker(std::task::Waker::noop());
        self.read.reserve(1);
        // Ready means closed, failed, or data nobody asked for.
        pin!(self.io.read_buf(&mut self.read)).poll(&mut cx).is_pending()
    }

    /// Writes one encoded request (see [`encode_request`]) and flushes it.
    pub async fn write_request(&mut self, request: &[u8]) -> io::Result<()> {
        self.io.write_all(request).await?;
        self.io.flush().await
    }

    /// Reads the response head (skipping `1xx` answers) and returns it with its body reader; `reuse`
    /// gets the connection back once the body has been read to its end, if it may be used again.
    pub async fn read_response<R: Reuse<S>>(mut self, reuse: R) -> Result<Response<ResponseBody<S, R>>, BoxError> {
        // Whether an interim (1xx) answer came: then ConnectWise has the request, and a close after it
        // is not "nothing received".
        let mut interim = false;
        loop {
            let mut searched = 0;
            let head = loop {
                if ends_a_head(&self.read, &mut searched)
                    && let Some(head) = parse_head(&mut self.read)?
                {
                    break head;
                }
                if self.read.len() >= MAX_HEAD_BYTES {
                    return Err(MalformedResponse("the response head is too large").into());
                }
                let nothing_yet = self.read.is_empty() && !interim;
                match self.fill().await {
                    Ok(0) => return Err(ClosedEarly { anything_received: !nothing_yet }.into()),
                    Ok(_) => {}
                    // A reset or a TCP close without TLS close_notify before any answer is a close too.
                    Err(err) if nothing_yet && is_close(&err) => {
                        return Err(ClosedEarly { anything_received: false }.into());
                    }
                    Err(err) => return Err(err.into()),
                }
            };
            let Head { status, http11, mut headers } = head;
            if status == StatusCode::SWITCHING_PROTOCOLS {
                return Err(MalformedResponse("unexpected protocol switch").into());
            }
            if status.is_informational() {
                interim = true;
                continue; // 100 Continue, 102 Processing, 103 Early Hints: the real answer follows
            }
            let framing = framing(status, http11, &mut headers)?;
            let keep_alive = http11 && framing.reusable && !asks_to_close(&headers);
            let mut body = ResponseBody { conn: Some(self), framing: framing.framing, keep_alive, reuse: Some(reuse) };
            if body.framing.is_done() {
                body.finish();
            }
            let mut response = Response::new(body);
            *response.status_mut() = status;
            *response.headers_mut() = headers;
            return Ok(response);
        }
    }

    /// Reads more into the buffer; 0 at end of stream.
    async fn fill(&mut self) -> io::Result<usize> {
        std::future::poll_fn(|cx| self.poll_fill(cx)).await
    }

    /// One read into the buffer (or `Pending`, the waker registered); 0 at end of stream.
    fn poll_fill(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        reserve_for_read(&mut self.read);
        pin!(self.io.read_buf(&mut self.read)).poll(cx)
    }
}

fn is_close(err: &io::Error) -> bool {
    use io::ErrorKind::{BrokenPipe, ConnectionAborted, ConnectionReset, UnexpectedEof};
    matches!(err.kind(), BrokenPipe | ConnectionAborted | ConnectionReset | UnexpectedEof)
}

fn reserve_for_read(buf: &mut BytesMut) {
    if buf.capacity() - buf.len() < READ_CHUNK / 4 {
        buf.reserve(READ_CHUNK);
    }
}

/// Where a connection goes once its response has been read to the end and it may be used again.
pub trait Reuse<S> {
    /// Takes the connection for the next request.
    fn reuse(self, conn: Connection<S>);
}

/// Closes the connection instead (tests, and one-off connections).
impl<S> Reuse<S> for () {
    fn reuse(self, _conn: Connection<S>) {}
}

/// Whether `buf` may hold the blank line that ends a head: the first bytes are always worth parsing
/// (the whole head usually comes in one read); after that only what arrived since the last look
/// (`searched`) is searched, so that a head trickling in is not re-parsed from its start on every read.
fn ends_a_head(buf: &[u8], searched: &mut usize) -> bool {
    if *searched == 0 {
        *searched = buf.len();
        return !buf.is_empty();
    }
    let from = searched.saturating_sub(2);
    *searched = buf.len();
    let new = &buf[from.min(buf.len())..];
    new.windows(2).any(|w| w == b"\n\n") || new.windows(3).any(|w| w == b"\n\r\n")
}

/// A parsed response head.
struct Head {
    status: StatusCode,
    http11: bool,
    headers: HeaderMap,
}

/// Parses a complete head off the front of `buf`, or `None` if more is needed. Header values are
/// slices of the head's bytes (no copy per value).
fn parse_head(buf: &mut BytesMut) -> Result<Option<Head>, MalformedResponse> {
    let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Response::new(&mut slots);
    let len = match parsed.parse(buf) {
        Ok(httparse::Status::Complete(len)) if len > MAX_HEAD_BYTES => {
            return Err(MalformedResponse("the response head is too large"));
        }
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => return Err(MalformedResponse("too many response headers")),
        Err(_) => return Err(MalformedResponse("not an HTTP/1.1 response head")),
    };
    let status =
        parsed.code.and_then(|code| StatusCode::from_u16(code).ok()).ok_or(MalformedResponse("invalid status code"))?;
    let http11 = parsed.version == Some(1);
    let base = buf.as_ptr() as usize;
    // Where each header's name and value sit in the head, so the head can be frozen and sliced.
    let mut spans = Vec::with_capacity(parsed.headers.len());
    for header in parsed.headers.iter() {
        let name = HeaderName::from_bytes(header.name.as_bytes())
            .map_err(|_| MalformedResponse("invalid response header name"))?;
        let start = header.value.as_ptr() as usize - base;
        spans.push((name, start, start + header.value.len()));
    }
    let head = buf.split_to(len).freeze();
    let mut headers = HeaderMap::with_capacity(spans.len());
    for (name, start, end) in spans {
        let value = HeaderValue::from_maybe_shared(head.slice(start..end))
            .map_err(|_| MalformedResponse("invalid response header value"))?;
        headers.append(name, value);
    }
    Ok(Some(Head { status, http11, headers }))
}

/// How a response body is delimited, and whether that lets the connection carry another request.
struct BodyFraming {
    framing: Framing,
    reusable: bool,
}

/// How the body of a response with `status` and `headers` is delimited (RFC 9112 §6.3). The only
/// transfer coding accepted is a single `chunked` in HTTP/1.1 (anything else could not be passed on
/// decoded); beside it `Content-Length` is removed, and the connection is not reused (§6.3 calls the
/// pair a possible smuggling attempt). Without either, the body runs until the connection closes.
fn framing(status: StatusCode, http11: bool, headers: &mut HeaderMap) -> Result<BodyFraming, MalformedResponse> {
    if status == StatusCode::NO_CONTENT || status == StatusCode::NOT_MODIFIED {
        return Ok(BodyFraming { framing: Framing::Length(0), reusable: true });
    }
    if headers.contains_key(TRANSFER_ENCODING) {
        let chunked_only = {
            let mut codings = headers.get_all(TRANSFER_ENCODING).iter().flat_map(comma_items);
            codings.next().is_some_and(|c| c.eq_ignore_ascii_case(b"chunked")) && codings.next().is_none()
        };
        if !http11 || !chunked_only {
            return Err(MalformedResponse("unsupported Transfer-Encoding"));
        }
        let reusable = headers.remove(CONTENT_LENGTH).is_none();
        return Ok(BodyFraming { framing: Framing::Chunked(Chunk::Size), reusable });
    }
    let mut length = None;
    for item in headers.get_all(CONTENT_LENGTH).iter().flat_map(comma_items) {
        let value = parse_decimal(item).ok_or(MalformedResponse("invalid Content-Length"))?;
        if length.is_some_and(|seen| seen != value) {
            return Err(MalformedResponse("conflicting Content-Length values"));
        }
        length = Some(value);
    }
    Ok(match length {
        Some(length) => BodyFraming { framing: Framing::Length(length), reusable: true },
        None => BodyFraming { framing: Framing::UntilClose, reusable: false },
    })
}

/// Whether `Connection` says `close`.
fn asks_to_close(headers: &HeaderMap) -> bool {
    headers.get_all(CONNECTION).iter().flat_map(comma_items).any(|token| token.eq_ignore_ascii_case(b"close"))
}

/// The trimmed, non-empty items of a comma-separated header value.
fn comma_items(value: &HeaderValue) -> impl DoubleEndedIterator<Item = &[u8]> {
    value.as_bytes().split(|&b| b == b',').map(<[u8]>::trim_ascii).filter(|item| !item.is_empty())
}

fn parse_decimal(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 19 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    digits.iter().try_fold(0u64, |n, &d| n.checked_mul(10)?.checked_add(u64::from(d - b'0')))
}

/// How a response body ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    /// This many bytes are still to come.
    Length(u64),
    /// Chunked, at this point of the chunk grammar.
    Chunked(Chunk),
    /// Everything until ConnectWise closes the connection.
    UntilClose,
    /// The body has ended.
    Done,
}

impl Framing {
    fn is_done(self) -> bool {
        matches!(self, Framing::Done | Framing::Length(0))
    }

    fn is_close_delimited(self) -> bool {
        self == Framing::UntilClose
    }
}

/// Where a chunked body's decoder is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chunk {
    /// Expecting a chunk-size line.
    Size,
    /// Inside a chunk's data, this many bytes left.
    Data(u64),
    /// Expecting the CRLF after a chunk's data.
    DataEnd,
    /// After the last chunk: trailer lines until an empty one.
    Trailers,
}

/// What decoding the buffered bytes gave.
#[derive(Debug, PartialEq, Eq)]
enum Decoded {
    Data(Bytes),
    NeedMore,
    End,
}

/// Decodes as much of `buf` as the framing allows: the next piece of body data, the end, or the need
/// for more bytes.
fn decode(framing: &mut Framing, buf: &mut BytesMut) -> Result<Decoded, MalformedResponse> {
    loop {
        match *framing {
            Framing::Done => return Ok(Decoded::End),
            Framing::Length(0) => {
                *framing = Framing::Done;
                return Ok(Decoded::End);
            }
            Framing::Length(left) => {
                let Some(data) = take_up_to(buf, left) else { return Ok(Decoded::NeedMore) };
                *framing = Framing::Length(left - data.len() as u64);
                if *framing == Framing::Length(0) {
                    *framing = Framing::Done;
                }
                return Ok(Decoded::Data(data));
            }
            Framing::UntilClose => {
                if buf.is_empty() {
                    return Ok(Decoded::NeedMore);
                }
                return Ok(Decoded::Data(buf.split().freeze()));
            }
            Framing::Chunked(Chunk::Size) => {
                let Some(line) = take_line(buf)? else { return Ok(Decoded::NeedMore) };
                let size = parse_chunk_size(&line)?;
                *framing = Framing::Chunked(if size == 0 { Chunk::Trailers } else { Chunk::Data(size) });
            }
            Framing::Chunked(Chunk::Data(left)) => {
                let Some(data) = take_up_to(buf, left) else { return Ok(Decoded::NeedMore) };
                let left = left - data.len() as u64;
                *framing = Framing::Chunked(if left == 0 { Chunk::DataEnd } else { Chunk::Data(left) });
                return Ok(Decoded::Data(data));
            }
            Framing::Chunked(Chunk::DataEnd) => {
                if buf.len() < 2 {
                    return Ok(Decoded::NeedMore);
                }
                if &buf[..2] != b"\r\n" {
                    return Err(MalformedResponse("chunk data not followed by CRLF"));
                }
                let _ = buf.split_to(2);
                *framing = Framing::Chunked(Chunk::Size);
            }
            Framing::Chunked(Chunk::Trailers) => {
                let Some(line) = take_line(buf)? else { return Ok(Decoded::NeedMore) };
                if line.is_empty() {
                    *framing = Framing::Done;
                    return Ok(Decoded::End);
                }
                // A trailer field: not passed on (the browser has no use for it).
            }
        }
    }
}

/// Up to `max` buffered bytes, or `None` if nothing is buffered.
fn take_up_to(buf: &mut BytesMut, max: u64) -> Option<Bytes> {
    if buf.is_empty() {
        return None;
    }
    let n = usize::try_from(max).unwrap_or(usize::MAX).min(buf.len());
    Some(buf.split_to(n).freeze())
}

/// One CRLF-terminated line off the front of `buf` (without the CRLF), or `None` if incomplete.
fn take_line(buf: &mut BytesMut) -> Result<Option<BytesMut>, MalformedResponse> {
    match buf.windows(2).position(|w| w == b"\r\n") {
        Some(end) => {
            let line = buf.split_to(end);
            let _ = buf.split_to(2);
            Ok(Some(line))
        }
        None if buf.len() > MAX_CHUNK_LINE => Err(MalformedResponse("chunk line too long")),
        None => Ok(None),
    }
}

/// The hexadecimal size at the start of a chunk-size line (extensions after `;` are ignored).
fn parse_chunk_size(line: &[u8]) -> Result<u64, MalformedResponse> {
    let invalid = MalformedResponse("invalid chunk size");
    let digits = line.split(|&b| b == b';').next().unwrap_or_default().trim_ascii();
    if digits.is_empty() || digits.len() > 15 {
        return Err(invalid);
    }
    digits.iter().try_fold(0u64, |n, &d| {
        let digit = (d as char).to_digit(16).ok_or(invalid)?;
        Ok(n * 16 + u64::from(digit))
    })
}

/// A response body read from its connection as the browser's side asks for it.
pub struct ResponseBody<S, R> {
    /// `None` once the connection has been handed back (or closed).
    conn: Option<Connection<S>>,
    framing: Framing,
    keep_alive: bool,
    reuse: Option<R>,
}

impl<S: AsyncRead + AsyncWrite + Unpin, R: Reuse<S>> ResponseBody<S, R> {
    /// The body has been read to its end: the connection goes back if it may carry another request
    /// (nothing read past the response), else it is closed.
    fn finish(&mut self) {
        self.framing = Framing::Done;
        if let (Some(conn), Some(reuse)) = (self.conn.take(), self.reuse.take())
            && self.keep_alive
            && conn.read.is_empty()
        {
            reuse.reuse(conn);
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin, R: Reuse<S> + Unpin> Body for ResponseBody<S, R> {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        loop {
            let Some(conn) = this.conn.as_mut() else { return Poll::Ready(None) };
            match decode(&mut this.framing, &mut conn.read) {
                Err(malformed) => {
                    this.conn = None;
                    return Poll::Ready(Some(Err(malformed.into())));
                }
                Ok(Decoded::Data(data)) => {
                    if this.framing.is_done() {
                        this.finish();
                    }
                    return Poll::Ready(Some(Ok(Frame::data(data))));
                }
                Ok(Decoded::End) => {
                    this.finish();
                    return Poll::Ready(None);
                }
                Ok(Decoded::NeedMore) => match ready!(conn.poll_fill(cx)) {
                    Ok(0) if this.framing.is_close_delimited() => {
                        this.framing = Framing::Done;
                        this.conn = None;
                        return Poll::Ready(None);
                    }
                    Ok(0) => {
                        this.conn = None;
                        return Poll::Ready(Some(Err(ClosedEarly { anything_received: true }.into())));
                    }
                    Ok(_) => {}
                    Err(err) => {
                        this.conn = None;
                        return Poll::Ready(Some(Err(err.into())));
                    }
                },
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.framing == Framing::Done
    }

    fn size_hint(&self) -> SizeHint {
        match self.framing {
            Framing::Done => SizeHint::with_exact(0),
            Framing::Length(left) => SizeHint::with_exact(left),
            Framing::Chunked(_) | Framing::UntilClose => SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;
    use std::sync::{Arc, Mutex};
    use tokio::io::{DuplexStream, duplex};

    /// Records whether the connection came back.
    #[derive(Clone, Default)]
    struct Returned(Arc<Mutex<Option<Connection<DuplexStream>>>>);

    impl Reuse<DuplexStream> for Returned {
        fn reuse(self, conn: Connection<DuplexStream>) {
            *self.0.lock().unwrap() = Some(conn);
        }
    }

    impl Returned {
        fn came_back(&self) -> bool {
            self.0.lock().unwrap().is_some()
        }
    }

    /// Sends `wire` (in pieces of `piece` bytes) as ConnectWise's answer and reads it through; the
    /// stream stays open until the body has ended unless `close` (then it closes after `wire`).
    async fn exchange_with(
        wire: &'static [u8],
        piece: usize,
        close: bool,
    ) -> (Result<(StatusCode, HeaderMap, Bytes), BoxError>, bool) {
        let (ours, mut theirs) = duplex(64 * 1024);
        let server = tokio::spawn(async move {
            for part in wire.chunks(piece.max(1)) {
                if theirs.write_all(part).await.is_err() {
                    break; // the reader gave up (a refusal)
                }
                tokio::task::yield_now().await;
            }
            (!close).then_some(theirs)
        });
        let returned = Returned::default();
        let result = async {
            let response = Connection::new(ours).read_response(returned.clone()).await?;
            let (parts, body) = response.into_parts();
            let collected = tokio::time::timeout(std::time::Duration::from_secs(5), body.collect())
                .await
                .map_err(|_| "the body did not end")??
                .to_bytes();
            Ok((parts.status, parts.headers, collected))
        }
        .await;
        drop(server.await.unwrap()); // open until here
        (result, returned.came_back())
    }

    async fn exchange(wire: &'static [u8], piece: usize) -> (Result<(StatusCode, HeaderMap, Bytes), BoxError>, bool) {
        exchange_with(wire, piece, false).await
    }

    #[tokio::test]
    async fn a_content_length_body_is_read_exactly_and_the_connection_reused() {
        let wire = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n[{\"id\":1}]\n";
        for piece in [1, 7, wire.len()] {
            let (result, reused) = exchange(wire, piece).await;
            let (status, headers, body) = result.unwrap();
            assert_eq!(status, 200);
            assert_eq!(headers["content-type"], "application/json");
            assert_eq!(headers["content-length"], "11");
            assert_eq!(body, "[{\"id\":1}]\n");
            assert!(reused, "pieces of {piece}");
        }
    }

    #[tokio::test]
    async fn a_chunked_body_is_decoded_with_extensions_and_trailers() {
        let wire = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
            4;name=x\r\n[{\"i\r\nB\r\nd\":1},{\"id\"\r\n3\r\n:2}\r\n1\r\n]\r\n0\r\nX-Trailer: 1\r\n\r\n";
        for piece in [1, 5, wire.len()] {
            let (result, reused) = exchange(wire, piece).await;
            assert_eq!(result.unwrap().2, r#"[{"id":1},{"id":2}]"#);
            assert!(reused, "pieces of {piece}");
        }
    }

    #[tokio::test]
    async fn content_length_beside_chunked_is_ignored_and_the_connection_not_reused() {
        let wire = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n[]\r\n0\r\n\r\n";
        let (result, reused) = exchange(wire, 64).await;
        let (_, headers, body) = result.unwrap();
        assert_eq!(body, "[]");
        assert!(!headers.contains_key("content-length"));
        assert!(!reused, "a possible smuggling attempt: the connection is not trusted again");
    }

    #[tokio::test]
    async fn transfer_codings_other_than_one_chunked_in_http_1_1_are_refused() {
        for wire in [
            &b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"[..],
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        ] {
            let (result, _) = exchange(wire, 64).await;
            let err = result.unwrap_err();
            assert_eq!(
                err.downcast_ref::<MalformedResponse>(),
                Some(&MalformedResponse("unsupported Transfer-Encoding"))
            );
        }
    }

    #[tokio::test]
    async fn a_close_after_an_interim_answer_is_not_a_close_before_any_answer() {
        let (result, _) = exchange_with(b"HTTP/1.1 102 Processing\r\n\r\n", 64, true).await;
        let err = result.unwrap_err();
        assert_eq!(err.downcast_ref::<ClosedEarly>(), Some(&ClosedEarly { anything_received: true }));
    }

    #[tokio::test]
    async fn a_body_without_framing_runs_until_close_and_the_connection_is_not_reused() {
        let (result, reused) = exchange_with(b"HTTP/1.1 200 OK\r\n\r\nall of it", 4, true).await;
        assert_eq!(result.unwrap().2, "all of it");
        assert!(!reused);
    }

    #[tokio::test]
    async fn connection_close_and_http_1_0_are_not_reused() {
        let (result, reused) =
            exchange(b"HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 2\r\n\r\n[]", 64).await;
        assert_eq!(result.unwrap().2, "[]");
        assert!(!reused);
        let (result, reused) = exchange(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n[]", 64).await;
        assert_eq!(result.unwrap().2, "[]");
        assert!(!reused);
    }

    #[tokio::test]
    async fn informational_answers_are_skipped_and_204_has_no_body() {
        let (result, reused) = exchange(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", 3).await;
        let (status, _, body) = result.unwrap();
        assert_eq!(status, 204);
        assert!(body.is_empty());
        assert!(reused);
    }

    #[tokio::test]
    async fn a_short_body_is_an_error_not_a_short_success() {
        let (result, reused) =
            exchange_with(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n[{\"id\":1}", 64, true).await;
        let err = result.unwrap_err();
        assert!(err.is::<ClosedEarly>(), "{err}");
        assert!(!reused);
    }

    #[tokio::test]
    async fn bytes_after_the_body_mean_the_connection_is_not_reused() {
        let (result, reused) = exchange(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]garbage", 64).await;
        assert_eq!(result.unwrap().2, "[]");
        assert!(!reused);
    }

    #[tokio::test]
    async fn malformed_heads_and_framing_are_refused() {
        for (wire, why) in [
            (&b"HTTP/1.1 200 OK\r\nContent-Length: 2, 3\r\n\r\n[]"[..], "conflicting Content-Length values"),
            (b"HTTP/1.1 200 OK\r\nContent-Length: -2\r\n\r\n[]", "invalid Content-Length"),
            (b"HTTP/1.1 101 Switching Protocols\r\n\r\n", "unexpected protocol switch"),
            (b"SSH-2.0-OpenSSH\r\n\r\n", "not an HTTP/1.1 response head"),
        ] {
            let (result, _) = exchange(wire, 64).await;
            let err = result.unwrap_err();
            assert_eq!(err.downcast_ref::<MalformedResponse>(), Some(&MalformedResponse(why)), "{err}");
        }
        let (result, _) = exchange(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 64).await;
        assert!(result.unwrap_err().to_string().contains("invalid chunk size"));
    }

    #[tokio::test]
    async fn a_close_before_any_answer_says_nothing_arrived() {
        let (result, _) = exchange_with(b"", 1, true).await;
        let err = result.unwrap_err();
        assert_eq!(err.downcast_ref::<ClosedEarly>(), Some(&ClosedEarly { anything_received: false }));
        let (result, _) = exchange_with(b"HTTP/1.1 200", 64, true).await;
        let err = result.unwrap_err();
        assert_eq!(err.downcast_ref::<ClosedEarly>(), Some(&ClosedEarly { anything_received: true }));
    }

    async fn refusal_of(wire: Vec<u8>) -> Option<&'static str> {
        let (ours, mut theirs) = duplex(256 * 1024);
        theirs.write_all(&wire).await.unwrap();
        let read = Connection::new(ours).read_response(());
        let err = tokio::time::timeout(std::time::Duration::from_secs(5), read)
            .await
            .expect("refused in time")
            .err()
            .unwrap();
        err.downcast_ref::<MalformedResponse>().map(|m| m.0)
    }

    #[tokio::test]
    async fn heads_too_large_or_with_too_many_headers_are_refused() {
        let mut long = b"HTTP/1.1 200 OK\r\nX-Padding: ".to_vec();
        long.resize(MAX_HEAD_BYTES + 10, b'a');
        assert_eq!(refusal_of(long).await, Some("the response head is too large"));
        let mut many = b"HTTP/1.1 200 OK\r\n".to_vec();
        for _ in 0..=MAX_HEADERS {
            many.extend_from_slice(b"X-A: 1\r\n");
        }
        many.extend_from_slice(b"\r\n");
        assert_eq!(refusal_of(many).await, Some("too many response headers"));
    }

    #[test]
    fn requests_are_encoded_with_their_length() {
        let request = Request::post("/v4_6_release/apis/3.0/company/companies?pageSize=1")
            .header("host", "na.myconnectwise.net")
            .header("accept", "application/json")
            .body(Bytes::from_static(b"{}"))
            .unwrap();
        assert_eq!(
            String::from_utf8(encode_request(&request)).unwrap(),
            "POST /v4_6_release/apis/3.0/company/companies?pageSize=1 HTTP/1.1\r\nhost: na.myconnectwise.net\r\n\
             accept: application/json\r\ncontent-length: 2\r\n\r\n{}"
        );
        let get = Request::get("/x").header("content-length", "0").body(Bytes::new()).unwrap();
        assert_eq!(encode_request(&get), b"GET /x HTTP/1.1\r\ncontent-length: 0\r\n\r\n");
    }

    #[tokio::test]
    async fn an_idle_connection_closed_by_its_peer_is_not_reusable() {
        let (ours, theirs) = duplex(1024);
        let mut conn = Connection::new(ours);
        assert!(conn.is_reusable_now());
        drop(theirs);
        assert!(!conn.is_reusable_now());
        let (ours, mut theirs) = duplex(1024);
        let mut conn = Connection::new(ours);
        theirs.write_all(b"HTTP/1.1 408 Request Timeout\r\n\r\n").await.unwrap();
        assert!(!conn.is_reusable_now(), "unasked data");
    }
}
