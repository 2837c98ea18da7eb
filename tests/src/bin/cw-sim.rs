//! `cw-sim`: a ConnectWise Manage simulator over HTTPS. `cw-sim --help` lists every flag.

use clap::Parser;
use cw_tests::sim::{self, SimConfig};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .init();
    let config = SimConfig::parse();
    let company = config.company.clone();
    let public_key = config.public_key.clone();
    let handle = match sim::start(config).await {
        Ok(h) => h,
        Err(e) => {
            eprintln!("cw-sim: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    tracing::info!(
        url = %format!("{}/v4_6_release/apis/3.0", handle.base_url()),
        company = %company,
        public_key = %public_key,
        ca_file = ?handle.cert_path,
        "cw-sim ready (private key as configured; admin at /__sim/)"
    );
    if tokio::signal::ctrl_c().await.is_err() {
        tracing::warn!("cannot listen for Ctrl-C; stopping");
    }
    tracing::info!("shutting down");
    handle.shutdown().await;
    std::process::ExitCode::SUCCESS
}
