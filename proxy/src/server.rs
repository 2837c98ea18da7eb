//! The accept loop and graceful shutdown.

use crate::config::Config;
use crate::host_policy::GuardedResolver;
use crate::pipeline::{self, State};
use crate::upstream::Upstream;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// The largest request head (request line plus headers) accepted from a browser.
const MAX_REQUEST_HEAD: usize = 64 * 1024;

/// Serves on `listener` until `shutdown` completes, then stops accepting (new connections are
/// refused), lets in-flight requests finish (up to `config.shutdown_grace`) and returns.
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
    let hosts = Arc::new(config.hosts.clone());
    let upstream = Upstream::new(&config, GuardedResolver::system(hosts));
    let state = Arc::new(State {
        hosts: config.hosts,
        origins: config.origins,
        credentials: config.credentials,
        upstream,
        max_body: config.max_body,
        loopback_port: loopback.then_some(local.port()),
    });
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(config.header_read_timeout)
        .max_buf_size(MAX_REQUEST_HEAD)
        .keep_alive(true);
    let graceful = GracefulShutdown::new();
    let mode = if state.credentials.is_some() { "proxy" } else { "browser" };
    tracing::info!(listen = %local, credentials = %mode, "cw-proxy listening");
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _peer) = match accepted {
                    Ok(accepted) => accepted,
                    Err(err) => {
                        // Typically EMFILE: back off instead of spinning.
                        tracing::warn!(error = %err, "accept failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let state = state.clone();
                let service = service_fn(move |request| {
                    let state = state.clone();
                    async move { Ok::<_, Infallible>(pipeline::handle(state, request).await) }
                });
                let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
                tokio::spawn(async move {
                    if let Err(err) = connection.await {
                        tracing::debug!(error = %err, "connection ended with an error");
                    }
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    tracing::info!("shutting down: no new connections; waiting for in-flight requests");
    if tokio::time::timeout(config.shutdown_grace, graceful.shutdown()).await.is_err() {
        tracing::warn!(grace_secs = config.shutdown_grace.as_secs(), "in-flight requests did not finish in time");
    }
    tracing::info!("stopped");
    Ok(())
}
