//! A worker's keep-alive connections to ConnectWise: hyper's HTTP/1.1 connections (`client::conn`)
//! over the guarded TLS connector, kept per host authority, one request at a time on each.
//!
//! A request takes the most recently used idle connection to its host that is still open, or opens
//! one; when its response body has been read to the end the connection goes back for the next
//! request (see [`Checkin`]). A connection ConnectWise closed while it sat idle hands the request
//! back unsent, and the next one is tried. Idle connections are closed after
//! [`POOL_IDLE_TIMEOUT`](crate::config::POOL_IDLE_TIMEOUT) (the pruning runs on the worker's event
//! loop). How many connections there may be is not decided here: the caller holds a per-host permit
//! for each request it sends.

use crate::body::{BoxError, ProxyBody};
use crate::host_policy::GuardedResolver;
use hyper::body::Incoming;
use hyper::client::conn::http1::{self, SendRequest};
use hyper::{Request, Response, Uri};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;
use tokio::time::Instant;
use tower_service::Service;

/// The connector stack: guarded DNS, TCP, then TLS.
pub type Connector = HttpsConnector<HttpConnector<GuardedResolver>>;

/// The sending half of one upstream connection (its other half runs as a task of its own).
type Sender = SendRequest<ProxyBody>;

/// One worker's idle upstream connections.
pub struct Pool {
    connector: Connector,
    idle_timeout: Duration,
    max_idle_per_host: usize,
    idle: Mutex<HashMap<String, Vec<Idle>>>,
}

/// A connection waiting for its next request.
struct Idle {
    sender: Sender,
    since: Instant,
}

impl Idle {
    /// Still open, and not idle longer than `timeout`.
    fn usable(&self, timeout: Duration) -> bool {
        !self.sender.is_closed() && self.since.elapsed() < timeout
    }
}

impl Pool {
    /// An empty pool, and on the current event loop the task that closes connections idle too long.
    pub fn start(connector: Connector, idle_timeout: Duration, max_idle_per_host: usize) -> Arc<Pool> {
        let pool = Arc::new(Pool { connector, idle_timeout, max_idle_per_host, idle: Mutex::default() });
        tokio::spawn(Pool::prune_periodically(Arc::downgrade(&pool)));
        pool
    }

    /// Sends `request` to `authority` (the request in origin form, with its `Host` header) on an idle
    /// connection or a new one; returns the response head and what gives the connection back.
    pub async fn send(
        self: &Arc<Pool>,
        authority: String,
        mut request: Request<ProxyBody>,
    ) -> Result<(Response<Incoming>, Checkin), BoxError> {
        while let Some(mut sender) = self.take_idle(&authority) {
            if sender.ready().await.is_err() {
                continue; // closed while idle
            }
            match sender.try_send_request(request).await {
                Ok(response) => {
                    tracing::trace!(authority, "request sent on a kept-alive upstream connection");
                    return Ok((response, self.checkin(authority, sender)));
                }
                // Not written (the connection closed first): safe to send on another one.
                Err(mut failed) => match failed.take_message() {
                    Some(unsent) => request = unsent,
                    None => return Err(failed.into_error().into()),
                },
            }
        }
        let mut sender = self.connect(&authority).await?;
        let response = sender.send_request(request).await?;
        Ok((response, self.checkin(authority, sender)))
    }

    fn checkin(self: &Arc<Pool>, authority: String, sender: Sender) -> Checkin {
        Checkin { pool: self.clone(), authority, sender: Some(sender) }
    }

    /// The most recently used idle connection to `authority` that is still open.
    fn take_idle(&self, authority: &str) -> Option<Sender> {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        let list = idle.get_mut(authority)?;
        while let Some(entry) = list.pop() {
            if entry.usable(self.idle_timeout) {
                return Some(entry.sender);
            }
        }
        None
    }

    /// Opens a connection to `authority` (resolved and checked by the guarded resolver, TLS verified)
    /// and starts its task.
    async fn connect(&self, authority: &str) -> Result<Sender, BoxError> {
        let address: Uri = format!("https://{authority}/").parse()?;
        let mut connector = self.connector.clone();
        std::future::poll_fn(|cx| connector.poll_ready(cx)).await?;
        let io = connector.call(address).await?;
        let (sender, connection) = http1::handshake(io).await?;
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(error = %err, "upstream connection ended with an error");
            }
        });
        tracing::trace!(authority, "upstream connection opened");
        Ok(sender)
    }

    /// Keeps a connection whose last response was read to the end for the next request.
    fn put_back(&self, authority: String, sender: Sender) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        let list = idle.entry(authority).or_default();
        if list.len() < self.max_idle_per_host {
            list.push(Idle { sender, since: Instant::now() });
        }
    }

    /// Closes the connections idle longer than the idle timeout, or closed by ConnectWise.
    fn prune(&self) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        for list in idle.values_mut() {
            list.retain(|entry| entry.usable(self.idle_timeout));
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

/// Gives a connection back to its pool when dropped (with the response body), if it is ready for the
/// next request: hyper marks it so once the body has been read to the end. A body abandoned halfway
/// (the browser went away) leaves the connection busy, and it is closed instead.
pub struct Checkin {
    pool: Arc<Pool>,
    authority: String,
    sender: Option<Sender>,
}

impl Drop for Checkin {
    fn drop(&mut self) {
        if let Some(sender) = self.sender.take()
            && sender.is_ready()
        {
            self.pool.put_back(std::mem::take(&mut self.authority), sender);
        }
    }
}
