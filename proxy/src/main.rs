//! The `cw-proxy` binary: parse flags, validate, bind, serve until SIGINT or SIGTERM.

use clap::Parser;
use cw_proxy::{Args, logging, run};
use std::process::ExitCode;

/// The runtime here is worker 0's; `run` starts the other workers on threads of their own.
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = Args::parse();
    let config = match args.validate() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("cw-proxy: {err}");
            return ExitCode::from(2);
        }
    };
    logging::init();
    let listener = match cw_proxy::server::bind(config.listen) {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("cw-proxy: cannot listen on {}: {err}", config.listen);
            return ExitCode::from(1);
        }
    };
    match run(listener, config, shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("cw-proxy: {err}");
            ExitCode::from(1)
        }
    }
}

/// Completes on Ctrl-C (SIGINT) or, on Unix, SIGTERM (what systemd and container runtimes send).
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

/// mimalloc rather than the system allocator: less CPU per request (see proxy/Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
