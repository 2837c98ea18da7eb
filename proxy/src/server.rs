//! The workers, their accept loops and graceful shutdown.
//!
//! `--workers` event loops, each a single-threaded tokio runtime on its own thread, each accepting
//! on its own socket bound to the same address with `SO_REUSEPORT`, so the kernel spreads new
//! connections evenly over the workers. (On one shared socket, a burst of connections mostly went
//! to whichever worker woke first: in the benchmark, often all 64 to one worker while the other
//! idled.) A listener bound without `SO_REUSEPORT` (see [`bind`]) is shared by all workers instead.
//! A connection, the requests on it and the pooled upstream connections they use all stay on one
//! thread: no wake-ups across threads, no work stealing, no contended locks on the hot path. What
//! the workers share is read-only (policies, credentials) or a counter (the connection and
//! in-flight limits).

use crate::config::Config;
use crate::connection::{self, Deadline, Tracked};
use crate::host_policy::GuardedResolver;
use crate::pipeline::{self, State};
use crate::upstream::{Limits, Upstream};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::{oneshot, watch};

/// hyper's read buffer limit: the largest head allowed plus room to read ahead into a body.
const MAX_READ_BUFFER: usize = 64 * 1024;

/// The accept queue of each listening socket.
const BACKLOG: u32 = 1024;

/// Binds the listening socket for [`run`] with `SO_REUSEPORT` (on Unix), so that each worker can
/// bind a socket of its own to the same address; `addr` may have port 0.
pub fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = if addr.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
    #[cfg(unix)]
    {
        socket.set_reuseaddr(true)?; // (on Windows it would let another socket take the port over)
        socket.set_reuseport(true)?;
    }
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// The listening socket of each of the other `count - 1` workers: its own on `first`'s address if
/// `first` was bound with `SO_REUSEPORT` (see [`bind`]), else a handle to `first` itself.
fn other_listeners(first: &std::net::TcpListener, count: usize) -> io::Result<Vec<std::net::TcpListener>> {
    let local = first.local_addr()?;
    let mut listeners = Vec::with_capacity(count.saturating_sub(1));
    for _ in 1..count {
        #[cfg(unix)]
        let own = bind(local).and_then(TcpListener::into_std);
        #[cfg(not(unix))]
        let own: io::Result<std::net::TcpListener> = Err(io::ErrorKind::Unsupported.into());
        match own {
            Ok(listener) => listeners.push(listener),
            Err(err) => {
                if listeners.is_empty() {
                    tracing::debug!(error = %err, "the listener has no SO_REUSEPORT: the workers share it");
                }
                listeners.push(first.try_clone()?);
            }
        }
    }
    Ok(listeners)
}

/// Serves on `listener` with `config.workers` workers until `shutdown` completes, then stops
/// accepting (new connections are refused), lets in-flight requests finish (up to
/// `config.shutdown_grace`) and returns. The calling task is worker 0; the others get threads.
pub async fn run(listener: TcpListener, config: Config, shutdown: impl Future<Output = ()>) -> io::Result<()> {
    let local = listener.local_addr()?;
    let loopback = local.ip().is_loopback();
    if let Some(creds) = &config.credentials {
        if creds.access_token.is_none() && !loopback {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "server-held credentials without an access_token may only be served on loopback",
            ));
        }
        if creds.readable_by_others {
            tracing::warn!("the credentials file is readable by other users; consider chmod 600");
        }
    }
    let shared = Arc::new(Shared {
        limits: Limits::new(&config),
        config,
        connections: AtomicUsize::new(0),
        loopback_port: loopback.then_some(local.port()),
    });
    let mode = if shared.config.credentials.is_some() { "proxy" } else { "browser" };
    tracing::info!(listen = %local, credentials = %mode, workers = shared.config.workers, "cw-proxy listening");

    let (stop_tx, stop_rx) = watch::channel(false);
    let listener = listener.into_std()?;
    let mut others = Vec::new();
    for (index, listener) in (1..).zip(other_listeners(&listener, shared.config.workers)?) {
        let (shared, stop) = (shared.clone(), stop_rx.clone());
        let (done_tx, done_rx) = oneshot::channel::<io::Result<()>>();
        std::thread::Builder::new().name(format!("cw-proxy-worker-{index}")).spawn(move || {
            let result = tokio::runtime::Builder::new_current_thread().enable_all().build().and_then(|runtime| {
                runtime.block_on(async { worker(TcpListener::from_std(listener)?, shared, stop).await })
            });
            let _ = done_tx.send(result);
        })?;
        others.push(done_rx);
    }
    let own = worker(TcpListener::from_std(listener)?, shared.clone(), stop_rx);
    tokio::pin!(own);
    tokio::pin!(shutdown);
    let own_result = tokio::select! {
        result = &mut own => result,
        () = &mut shutdown => {
            let _ = stop_tx.send(true);
            own.await
        }
    };
    let _ = stop_tx.send(true);
    for done in others {
        done.await.unwrap_or_else(|_| Err(io::Error::other("a worker thread stopped unexpectedly")))?;
    }
    own_result?;
    tracing::info!("stopped");
    Ok(())
}

/// What every worker reads.
struct Shared {
    config: Config,
    limits: Arc<Limits>,
    /// Browser connections open now, over all workers.
    connections: AtomicUsize,
    loopback_port: Option<u16>,
}

/// One worker: accepts until `stop`, then drains its connections gracefully.
async fn worker(listener: TcpListener, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) -> io::Result<()> {
    let config = &shared.config;
    let resolver = GuardedResolver::system(Arc::new(config.hosts.clone()));
    let state = Arc::new(State {
        hosts: config.hosts.clone(),
        origins: config.origins.clone(),
        credentials: config.credentials.clone(),
        upstream: Upstream::new(config, resolver, shared.limits.clone()),
        max_body: config.max_body,
        body_timeout: config.body_timeout,
        loopback_port: shared.loopback_port,
    });
    let mut http = http1::Builder::new();
    // The deadlines are the connection's own (see `connection`), not hyper's per-request timer.
    http.header_read_timeout(None)
        .max_buf_size(MAX_READ_BUFFER.max(config.max_header_bytes))
        .max_header_size(config.max_header_bytes)
        .max_headers(config.max_headers)
        .keep_alive(true);
    let graceful = GracefulShutdown::new();
    let flusher = tokio::spawn(crate::logging::flush_periodically());
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _peer)) => stream,
                    Err(err) => {
                        // Typically EMFILE: back off instead of spinning.
                        tracing::warn!(error = %err, "accept failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                let Some(open) = OpenConnection::claim(&shared) else {
                    tracing::warn!(max = config.max_connections, "connection refused: --max-connections reached");
                    tokio::spawn(connection::refuse(stream));
                    continue;
                };
                serve(stream, open, &state, &http, &graceful, config);
            }
            () = stopped(&mut stop) => break,
        }
    }
    drop(listener);
    tracing::info!("shutting down: no new connections; waiting for in-flight requests");
    if tokio::time::timeout(config.shutdown_grace, graceful.shutdown()).await.is_err() {
        tracing::warn!(grace_secs = config.shutdown_grace.as_secs(), "in-flight requests did not finish in time");
    }
    flusher.abort();
    crate::logging::flush();
    Ok(())
}

/// Completes once the stop flag is set (or its sender is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stop| *stop).await;
}

/// Serves one browser connection on its own task until it ends or misses its deadline.
fn serve(
    stream: TcpStream,
    open: OpenConnection,
    state: &Arc<State>,
    http: &http1::Builder,
    graceful: &GracefulShutdown,
    config: &Config,
) {
    let _ = stream.set_nodelay(true);
    let deadline = Deadline::new(config.header_read_timeout, config.keep_alive_timeout);
    let service = {
        let (state, deadline) = (state.clone(), deadline.clone());
        service_fn(move |request| {
            deadline.request_started();
            let (state, deadline) = (state.clone(), deadline.clone());
            async move { Ok::<_, Infallible>(pipeline::handle(state, request).await.map(|b| Tracked::new(b, deadline))) }
        })
    };
    let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
    tokio::spawn(async move {
        let _open = open;
        tokio::pin!(connection);
        let mut check = match deadline.next_check() {
            Some(at) => Box::pin(tokio::time::sleep_until(at)),
            None => return,
        };
        loop {
            tokio::select! {
                biased;
                ended = &mut connection => {
                    if let Err(err) = ended {
                        tracing::debug!(error = %err, "connection ended with an error");
                    }
                    return;
                }
                () = &mut check => match deadline.next_check() {
                    Some(at) => check.as_mut().reset(at),
                    None => {
                        tracing::debug!("connection closed: no complete request head in time");
                        return;
                    }
                },
            }
        }
    });
}

/// A place under `--max-connections`, given back when the connection ends.
struct OpenConnection(Arc<Shared>);

impl OpenConnection {
    fn claim(shared: &Arc<Shared>) -> Option<OpenConnection> {
        let open = shared.connections.fetch_add(1, Ordering::AcqRel);
        let claimed = OpenConnection(shared.clone());
        (open < shared.config.max_connections).then_some(claimed)
    }
}

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.0.connections.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// Accepts whatever is queued on `listener` without waiting.
    fn drain(listener: &std::net::TcpListener) -> usize {
        listener.set_nonblocking(true).unwrap();
        std::iter::from_fn(|| listener.accept().ok()).count()
    }

    #[tokio::test]
    async fn each_worker_gets_its_own_socket_and_connections_are_spread_over_them() {
        let first = bind("127.0.0.1:0".parse().unwrap()).unwrap().into_std().unwrap();
        let port = first.local_addr().unwrap().port();
        let others = other_listeners(&first, 2).unwrap();
        assert_eq!(others.len(), 1);
        assert_eq!(others[0].local_addr().unwrap().port(), port);
        let clients: Vec<_> = (0..64).map(|_| std::net::TcpStream::connect(("127.0.0.1", port)).unwrap()).collect();
        std::thread::sleep(Duration::from_millis(50));
        let (mine, theirs) = (drain(&first), drain(&others[0]));
        assert_eq!(mine + theirs, clients.len());
        assert!(mine > 0 && theirs > 0, "the kernel spreads connections over both sockets: {mine} and {theirs}");
    }

    #[tokio::test]
    async fn a_listener_without_reuse_port_is_shared() {
        let first = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let others = other_listeners(&first, 3).unwrap();
        assert_eq!(others.len(), 2);
        let _client = std::net::TcpStream::connect(first.local_addr().unwrap()).unwrap();
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(drain(&others[1]), 1, "a handle to the same socket accepts its connections");
    }
}
