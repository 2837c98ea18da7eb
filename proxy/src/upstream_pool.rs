//! A worker's keep-alive connections to ConnectWise: TLS connections speaking HTTP/1.1
//! ([`upstream_http`](crate::upstream_http)), kept per host authority, one request at a time on each.
//!
//! A request takes the most recently used idle connection to its host that is still open, or opens
//! one; when its response body has been read to the end the connection comes back for the next
//! request (see [`Checkin`]). "Still open" is checked without waiting: a connection ConnectWise
//! closed (or wrote to) while it sat idle is dropped and the next one tried. A kept-alive connection
//! that fails while the request is written (so ConnectWise cannot have acted on it), or that closes
//! without a byte of answer to a GET, PUT or DELETE (idempotent, so safe to repeat), was closed under
//! the proxy: the host's other idle connections are dropped and the request goes out once more, on a
//! new connection. A POST or PATCH is never sent twice once written. Idle connections are closed after
//! [`POOL_IDLE_TIMEOUT`](crate::config::POOL_IDLE_TIMEOUT) (the pruning runs on the worker's event
//! loop). How many connections there may be is not decided here: the caller holds a per-host permit
//! for each request it sends.

use crate::body::BoxError;
use crate::host_policy::GuardedResolver;
use crate::upstream_http::{ClosedEarly, Connection, ResponseBody, Reuse};
use hyper::{Method, Response, Uri};
use hyper_util::client::legacy::connect::HttpConnector;
use rustls::pki_types::ServerName;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::time::Instant;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tower_service::Service;

/// One upstream connection's transport.
pub type Tls = TlsStream<TcpStream>;

/// A response whose body gives its connection back to the pool.
pub type PooledResponse = Response<ResponseBody<Tls, Checkin>>;

/// One worker's idle upstream connections and how to open new ones.
pub struct Pool {
    /// Guarded DNS and TCP (with the connect timeout).
    tcp: HttpConnector<GuardedResolver>,
    tls: TlsConnector,
    idle_timeout: Duration,
    max_idle_per_host: usize,
    idle: Mutex<HashMap<String, Vec<Idle>>>,
}

/// A connection waiting for its next request.
struct Idle {
    conn: Connection<Tls>,
    since: Instant,
}

impl Idle {
    /// Still open (nothing arrived, not closed), and not idle longer than `timeout`.
    fn usable(&mut self, timeout: Duration) -> bool {
        self.since.elapsed() < timeout && self.conn.is_reusable_now()
    }
}

impl Pool {
    /// An empty pool, and on the current event loop the task that closes connections idle too long.
    pub fn start(
        tcp: HttpConnector<GuardedResolver>,
        tls: TlsConnector,
        idle_timeout: Duration,
        max_idle_per_host: usize,
    ) -> Arc<Pool> {
        let pool = Arc::new(Pool { tcp, tls, idle_timeout, max_idle_per_host, idle: Mutex::default() });
        tokio::spawn(Pool::prune_periodically(Arc::downgrade(&pool)));
        pool
    }

    /// Sends `request` (encoded, see [`encode_request`](crate::upstream_http::encode_request)) to
    /// `authority` on an idle connection or a new one, and reads the response head.
    pub async fn send(
        self: &Arc<Pool>,
        authority: String,
        method: &Method,
        request: &[u8],
    ) -> Result<PooledResponse, BoxError> {
        if let Some(mut conn) = self.take_idle(&authority) {
            // One try on a kept-alive connection; if it turns out closed under us, the request goes out
            // once more, on a new connection (the other idle ones were likely closed the same way).
            if conn.write_request(request).await.is_ok() {
                match conn.read_response(self.checkin(&authority)).await {
                    Ok(response) => {
                        tracing::trace!(authority, "request sent on a kept-alive upstream connection");
                        return Ok(response);
                    }
                    Err(err) if is_repeatable(method) && nothing_received(&*err) => {
                        tracing::debug!(authority, "kept-alive upstream connection closed without an answer; retrying");
                    }
                    Err(err) => return Err(err),
                }
            }
            self.forget_idle(&authority);
        }
        let mut conn = self.connect(&authority).await?;
        conn.write_request(request).await?;
        conn.read_response(self.checkin(&authority)).await
    }

    fn checkin(self: &Arc<Pool>, authority: &str) -> Checkin {
        Checkin { pool: self.clone(), authority: authority.to_owned() }
    }

    /// The most recently used idle connection to `authority` that is still open.
    fn take_idle(&self, authority: &str) -> Option<Connection<Tls>> {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        let list = idle.get_mut(authority)?;
        while let Some(mut entry) = list.pop() {
            if entry.usable(self.idle_timeout) {
                return Some(entry.conn);
            }
        }
        None
    }

    /// Closes the idle connections to `authority` (one of them was just found closed under the proxy).
    fn forget_idle(&self, authority: &str) {
        self.idle.lock().unwrap_or_else(PoisonError::into_inner).remove(authority);
    }

    /// Opens a connection to `authority`: resolved and checked by the guarded resolver, then TLS with
    /// the certificate verified for the host name.
    async fn connect(&self, authority: &str) -> Result<Connection<Tls>, BoxError> {
        let address: Uri = format!("https://{authority}/").parse()?;
        let host = address.host().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
        let name = ServerName::try_from(host)?.to_owned();
        let mut tcp = self.tcp.clone();
        std::future::poll_fn(|cx| tcp.poll_ready(cx)).await?;
        let stream = tcp.call(address).await?.into_inner();
        let tls = self.tls.connect(name, stream).await?;
        tracing::trace!(authority, "upstream connection opened");
        Ok(Connection::new(tls))
    }

    /// Keeps a connection whose last response was read to the end for the next request.
    fn put_back(&self, authority: String, conn: Connection<Tls>) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        let list = idle.entry(authority).or_default();
        if list.len() < self.max_idle_per_host {
            list.push(Idle { conn, since: Instant::now() });
        }
    }

    /// Closes the connections idle longer than the idle timeout, or closed by ConnectWise.
    fn prune(&self) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        for list in idle.values_mut() {
            list.retain_mut(|entry| entry.usable(self.idle_timeout));
        }
        idle.retain(|_, list| !list.is_empty());
    }

    /// Prunes every half idle timeout until the pool is gone.
    async fn prune_periodically(pool: Weak<Pool>) {
        let Some(every) = pool.upgrade().map(|p| (p.idle_timeout / 2).max(Duration::from_millis(100))) else {
            return;
        };
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match pool.upgrade() {
                Some(pool) => pool.prune(),
                None => return,
            }
        }
    }
}

/// GET, PUT and DELETE may be sent twice without changing the outcome (RFC 9110 §9.2.2); POST and
/// PATCH may not.
fn is_repeatable(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::PUT | Method::DELETE)
}

/// The connection closed before a single byte of the answer arrived.
fn nothing_received(err: &(dyn std::error::Error + 'static)) -> bool {
    err.downcast_ref::<ClosedEarly>().is_some_and(|closed| !closed.anything_received)
}

/// Where a response body gives its connection back once read to the end (a body abandoned halfway,
/// because the browser went away, closes its connection instead).
pub struct Checkin {
    pool: Arc<Pool>,
    authority: String,
}

impl Reuse<Tls> for Checkin {
    fn reuse(self, conn: Connection<Tls>) {
        self.pool.put_back(self.authority, conn);
    }
}
