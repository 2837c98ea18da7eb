//! `cw-bench`: the benchmarks behind `cargo xtask bench` (which installs the peers, builds, and runs
//! `cw-bench proxy` with the right paths).
//!
//! - `cw-bench proxy --proxy-bin … --nginx … --node … --cors-anywhere bench/cors-anywhere.js --out BENCHMARKS.md`
//! - `cw-bench bulk --out BENCHMARKS.md`: the bulk job engine against the spec's fixed-pause loop on cw-sim.
//! - `cw-bench upstream --ca-out ca.pem --addr-out addr` (started by `proxy`): the HTTPS upstream.

use clap::{Args, Parser, Subcommand};
use cw_tests::bench::{bulk, bulk_report, proxy, report, upstream};
use cw_tests::benchmarks_md;
use cw_tests::sim::RateLimit;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser)]
#[command(name = "cw-bench", about = "cw-console's benchmarks (run them with `cargo xtask bench`)")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// The upstream direct vs cw-proxy vs nginx vs cors-anywhere: req/s, p50/p99, RSS.
    Proxy(ProxyArgs),
    /// The bulk job's engine vs the spec's fixed-pause loop on cw-sim: wall time against the minimum, 429s.
    Bulk(BulkArgs),
    /// The HTTPS upstream alone, on 127.0.0.1 (an ephemeral port), until killed.
    Upstream {
        /// Where to write the CA certificate (PEM) clients must trust.
        #[arg(long)]
        ca_out: PathBuf,
        /// Where to write the address it listens on, once it does.
        #[arg(long)]
        addr_out: PathBuf,
        /// Runtime threads (0: one per core).
        #[arg(long, default_value_t = 0)]
        threads: usize,
    },
}

#[derive(Args)]
struct ProxyArgs {
    /// The cw-proxy release binary.
    #[arg(long, default_value = "target/release/cw-proxy")]
    proxy_bin: PathBuf,
    #[arg(long, default_value = "/usr/sbin/nginx")]
    nginx: PathBuf,
    #[arg(long, default_value = "node")]
    node: PathBuf,
    /// The cors-anywhere launcher, with its node_modules beside it.
    #[arg(long, default_value = "bench/cors-anywhere.js")]
    cors_anywhere: PathBuf,
    /// nginx worker_processes: a count or auto.
    #[arg(long, default_value = "auto")]
    nginx_workers: String,
    /// The load generator's runtime threads (0: one per core).
    #[arg(long, default_value_t = 1)]
    client_threads: usize,
    /// The upstream's runtime threads (0: one per core).
    #[arg(long, default_value_t = 0)]
    upstream_threads: usize,
    /// cw-proxy's `--workers` (default: its own default, one per core).
    #[arg(long)]
    proxy_threads: Option<usize>,
    /// Seconds of warm-up before each measurement.
    #[arg(long, default_value_t = 1.0)]
    warmup: f64,
    /// Seconds measured per target and connection count.
    #[arg(long, default_value_t = 5.0)]
    duration: f64,
    /// Rounds over all targets (figures are medians).
    #[arg(long, default_value_t = 5)]
    rounds: usize,
    /// The many-connections count.
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Connections of the memory scenario.
    #[arg(long, default_value_t = 1000)]
    hold: usize,
    /// Requests per connection in the memory scenario (all connections at once each time).
    #[arg(long, default_value_t = 3)]
    hold_rounds: usize,
    /// How long the upstream holds each memory-scenario request, ms.
    #[arg(long, default_value_t = 250)]
    hold_delay_ms: u64,
    /// Scratch directory (default: a new one under the system temp directory).
    #[arg(long)]
    work_dir: Option<PathBuf>,
    /// The BENCHMARKS.md whose `## cw-proxy` section is rewritten (omit to only print).
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Args)]
struct BulkArgs {
    /// Clients in the generated tenant.
    #[arg(long, default_value_t = 50)]
    companies: usize,
    /// Contacts per client.
    #[arg(long, default_value_t = 10)]
    contacts: usize,
    /// cw-sim's fixed-window rate limit, `N/SECONDS`.
    #[arg(long, default_value = "50/10")]
    limit: RateLimit,
    /// cw-sim's latency on every answer, ms.
    #[arg(long, default_value_t = 150)]
    latency_ms: u64,
    /// The engine's rate, requests per minute (set just under the limit, as a user would).
    #[arg(long, default_value_t = 290)]
    rate: u32,
    /// A second engine run above the limit, requests per minute (0: skip it).
    #[arg(long, default_value_t = 400)]
    above_rate: u32,
    /// The engine's requests in flight.
    #[arg(long, default_value_t = 4)]
    in_flight: usize,
    /// The fixed loop pauses after this many requests.
    #[arg(long, default_value_t = 10)]
    pause_every: usize,
    /// The fixed loop's pause, seconds.
    #[arg(long, default_value_t = 3.0)]
    pause: f64,
    /// The BENCHMARKS.md whose `## Bulk updates` section is rewritten (omit to only print).
    #[arg(long)]
    out: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let threads = match &cli.command {
        Cmd::Proxy(args) => args.client_threads,
        Cmd::Upstream { threads, .. } => *threads,
        Cmd::Bulk(_) => 0,
    };
    let mut builder = match threads {
        1 => tokio::runtime::Builder::new_current_thread(),
        0 => tokio::runtime::Builder::new_multi_thread(),
        n => {
            let mut builder = tokio::runtime::Builder::new_multi_thread();
            builder.worker_threads(n);
            builder
        }
    };
    let runtime = match builder.enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cw-bench: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command {
        Cmd::Upstream { ca_out, addr_out, .. } => runtime.block_on(serve_upstream(ca_out, addr_out)),
        Cmd::Proxy(args) => runtime.block_on(run_proxy(args)),
        Cmd::Bulk(args) => runtime.block_on(run_bulk(args)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cw-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve_upstream(ca_out: PathBuf, addr_out: PathBuf) -> Result<(), String> {
    let pki = upstream::pki()?;
    std::fs::write(&ca_out, &pki.ca_pem).map_err(|e| format!("{}: {e}", ca_out.display()))?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| format!("bind: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    std::fs::write(&addr_out, addr.to_string()).map_err(|e| format!("{}: {e}", addr_out.display()))?;
    println!("upstream listening on https://{addr} (localhost and 127.0.0.1 certificate)");
    upstream::serve(listener, pki.server, upstream::company_list()).await;
    Ok(())
}

async fn run_bulk(args: BulkArgs) -> Result<(), String> {
    if !(args.pause.is_finite() && (0.0..=60.0).contains(&args.pause)) {
        return Err("--pause must be between 0 and 60 seconds".into());
    }
    let options = bulk::Options {
        companies: args.companies,
        contacts: args.contacts,
        limit: args.limit,
        latency_ms: args.latency_ms,
        engine_rate: args.rate,
        above_rate: args.above_rate,
        in_flight: args.in_flight,
        pause_every: args.pause_every,
        pause: Duration::from_secs_f64(args.pause),
    };
    let section = bulk::run(&options).await?.render();
    println!("\n{section}");
    if let Some(out) = &args.out {
        write_section(out, bulk_report::HEADING, &section)?;
    }
    Ok(())
}

/// Rewrites one section of a BENCHMARKS.md and says so.
fn write_section(out: &std::path::Path, heading: &str, section: &str) -> Result<(), String> {
    benchmarks_md::write_section(out, heading, section)?;
    println!("wrote the {heading} section of {}", out.display());
    Ok(())
}

async fn run_proxy(args: ProxyArgs) -> Result<(), String> {
    let seconds = |s: f64, what: &str| {
        if s.is_finite() && (0.0..=600.0).contains(&s) {
            Ok(Duration::from_secs_f64(s))
        } else {
            Err(format!("--{what} must be between 0 and 600 seconds"))
        }
    };
    if args.rounds == 0 || args.connections == 0 || args.hold == 0 || args.hold_rounds == 0 {
        return Err("--rounds, --connections, --hold and --hold-rounds must be at least 1".into());
    }
    let measure = seconds(args.duration, "duration")?;
    if measure.is_zero() {
        return Err("--duration must be above 0".into());
    }
    let own_dir = args.work_dir.is_none();
    let work_dir =
        args.work_dir.unwrap_or_else(|| std::env::temp_dir().join(format!("cw-bench-{}", std::process::id())));
    let options = proxy::Options {
        proxy_bin: args.proxy_bin,
        nginx_bin: args.nginx,
        node_bin: args.node,
        cors_anywhere_js: args.cors_anywhere,
        nginx_workers: args.nginx_workers,
        proxy_threads: args.proxy_threads,
        client_threads: args.client_threads,
        upstream_threads: args.upstream_threads,
        warmup: seconds(args.warmup, "warmup")?,
        measure,
        rounds: args.rounds,
        many: args.connections,
        hold: args.hold,
        hold_rounds: args.hold_rounds,
        hold_delay_ms: args.hold_delay_ms,
        work_dir: work_dir.clone(),
    };
    let report = match proxy::run(&options).await {
        Ok(report) => report,
        Err(e) => return Err(format!("{e}\n(logs are in {})", work_dir.display())),
    };
    let section = report.render();
    println!("\n{section}");
    if let Some(out) = &args.out {
        write_section(out, report::HEADING, &section)?;
    }
    if own_dir {
        let _ = std::fs::remove_dir_all(&work_dir);
    }
    Ok(())
}
