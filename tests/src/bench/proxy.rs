//! The proxy benchmark: the upstream, cw-proxy, nginx and cors-anywhere started on loopback, the same
//! load sent through each, the figures gathered into a [`Report`]. Every process is stopped at the end,
//! also on error.

use crate::bench::load::{self, Target, Transport};
use crate::bench::nginx::{self, NginxVars};
use crate::bench::process::{Service, free_port, version_of};
use crate::bench::report::{self, MemoryFigures, Report, Role, Row, Setup};
use crate::bench::rss::{self, Sampler};
use crate::bench::stats::Summary;
use crate::bench::upstream;
use bytes::Bytes;
use hyper::header::{HeaderName, HeaderValue};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::ServerName;

/// The browser's credentials in the benchmark (made up): `base64("bench+pub:priv")`.
const AUTH: &str = "YmVuY2grcHViOnByaXY=";
const CLIENT_ID: &str = "00000000-0000-4000-8000-000000000000";
const ORIGIN: &str = "http://localhost:8080";
/// The ConnectWise call every target is sent.
const CALL: &str = "company/companies?pageSize=10";
const API: &str = "/v4_6_release/apis/3.0/";

/// What to run and how long.
#[derive(Debug, Clone)]
pub struct Options {
    pub proxy_bin: PathBuf,
    pub nginx_bin: PathBuf,
    pub node_bin: PathBuf,
    /// `bench/cors-anywhere.js` (its `node_modules` beside it).
    pub cors_anywhere_js: PathBuf,
    /// `auto` or a count.
    pub nginx_workers: String,
    /// cw-proxy's `--workers`; `None`: one per core, its default.
    pub proxy_threads: Option<usize>,
    /// The load generator's runtime threads (for the report; the caller builds the runtime).
    pub client_threads: usize,
    /// The upstream's runtime threads (0: one per core).
    pub upstream_threads: usize,
    pub warmup: Duration,
    pub measure: Duration,
    pub rounds: usize,
    /// The "many connections" count (64).
    pub many: usize,
    /// The memory scenario's connection count (1,000).
    pub hold: usize,
    pub hold_rounds: usize,
    pub hold_delay_ms: u64,
    /// Scratch directory (logs, nginx prefix, CA file); created, and removed after a clean run.
    pub work_dir: PathBuf,
}

/// One target under test, with the process serving it (none for the direct row).
struct Contender {
    role: Role,
    target: Arc<Target>,
    service: Option<Service>,
    idle: Option<rss::Memory>,
    rounds_one: Vec<Summary>,
    rounds_many: Vec<Summary>,
    memory: Option<MemoryFigures>,
}

/// Runs the whole benchmark.
pub async fn run(opts: &Options) -> Result<Report, String> {
    std::fs::create_dir_all(&opts.work_dir).map_err(|e| format!("{}: {e}", opts.work_dir.display()))?;
    let work = std::fs::canonicalize(&opts.work_dir).map_err(|e| e.to_string())?;
    let load_before = load_average();
    println!("cw-bench proxy: scratch directory {}", work.display());

    // The upstream, in its own process so that its work is not mixed with the load generator's.
    let ca_file = work.join("ca.pem");
    let (mut upstream_service, upstream_addr) = start_upstream(&work, &ca_file, opts.upstream_threads)?;
    let ca_pem = std::fs::read_to_string(&ca_file).map_err(|e| format!("{}: {e}", ca_file.display()))?;
    let body = upstream::company_list();

    let mut contenders = Vec::new();
    let connector = TlsConnector::from(upstream::client_config(&ca_pem)?);
    let upstream_host = format!("localhost:{}", upstream_addr.port());
    contenders.push(contender(
        Role::Direct,
        Target {
            name: "upstream direct (TLS)".into(),
            addr: upstream_addr,
            transport: Transport::Tls {
                connector,
                server_name: ServerName::try_from("localhost").map_err(|e| e.to_string())?.to_owned(),
            },
            path: format!("{API}{CALL}"),
            headers: headers(&[
                ("host", &upstream_host),
                ("authorization", &format!("Basic {AUTH}")),
                ("clientid", CLIENT_ID),
                ("accept", "application/json"),
            ])?,
            expect_body: body.clone(),
        },
        None,
    ));

    // cw-proxy.
    let port = free_port()?;
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let mut command = Command::new(&opts.proxy_bin);
    // Its default: one log line per request at info, one worker per core.
    command.env("RUST_LOG", "info").env_remove("CW_PROXY_WORKERS");
    if let Some(workers) = opts.proxy_threads {
        command.arg("--workers").arg(workers.to_string());
    }
    command
        .arg("--listen")
        .arg(addr.to_string())
        .arg("--allow-host")
        .arg(&upstream_host)
        .arg("--ca-file")
        .arg(&ca_file);
    let mut service = Service::spawn("cw-proxy", command, &work.join("cw-proxy.log"))?;
    service.wait_listening(addr)?;
    let name = match opts.proxy_threads {
        Some(n) => format!("cw-proxy ({n} worker{})", if n == 1 { "" } else { "s" }),
        None => "cw-proxy".to_owned(),
    };
    contenders.push(contender(Role::CwProxy, proxied(&name, addr, &upstream_host, &body)?, Some(service)));

    // nginx.
    let port = free_port()?;
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let prefix = work.join("nginx");
    std::fs::create_dir_all(&prefix).map_err(|e| e.to_string())?;
    let conf = nginx::render(
        nginx::TEMPLATE,
        &NginxVars {
            workers: &opts.nginx_workers,
            prefix: &prefix,
            listen: addr,
            upstream: upstream_addr,
            upstream_name: "localhost",
            ca_file: &ca_file,
        },
    )?;
    let conf_file = prefix.join("nginx.conf");
    std::fs::write(&conf_file, conf).map_err(|e| e.to_string())?;
    let nginx_args = |c: &mut Command| {
        c.arg("-p").arg(&prefix).arg("-c").arg(&conf_file).arg("-e").arg(prefix.join("error.log"));
        c.arg("-g").arg("daemon off;");
    };
    let mut check = Command::new(&opts.nginx_bin);
    nginx_args(&mut check);
    let checked = check.arg("-t").stdin(Stdio::null()).output().map_err(|e| format!("nginx -t: {e}"))?;
    if !checked.status.success() {
        return Err(format!("nginx rejects the rendered configuration:\n{}", String::from_utf8_lossy(&checked.stderr)));
    }
    let mut command = Command::new(&opts.nginx_bin);
    nginx_args(&mut command);
    let mut service = Service::spawn("nginx", command, &work.join("nginx.log"))?;
    service.wait_listening(addr)?;
    let name = format!("nginx (worker_processes {})", opts.nginx_workers);
    contenders.push(contender(Role::Nginx, proxied(&name, addr, &upstream_host, &body)?, Some(service)));

    // cors-anywhere.
    let port = free_port()?;
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let mut command = Command::new(&opts.node_bin);
    command.arg(&opts.cors_anywhere_js).env("PORT", port.to_string()).env("NODE_EXTRA_CA_CERTS", &ca_file);
    for var in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy", "NODE_OPTIONS"] {
        command.env_remove(var);
    }
    let mut service = Service::spawn("cors-anywhere", command, &work.join("cors-anywhere.log"))?;
    service.wait_listening(addr)?;
    let target = Target {
        name: "cors-anywhere (node)".into(),
        addr,
        transport: Transport::Plain,
        path: format!("/https://127.0.0.1:{}{API}{CALL}", upstream_addr.port()),
        headers: headers(&[
            ("host", &addr.to_string()),
            ("origin", ORIGIN),
            ("authorization", &format!("Basic {AUTH}")),
            ("clientid", CLIENT_ID),
            ("accept", "application/json"),
        ])?,
        expect_body: body.clone(),
    };
    contenders.push(contender(Role::CorsAnywhere, target, Some(service)));

    // Every target answers correctly (and the proxies with CORS) before anything is measured.
    for c in &mut contenders {
        probe(&c.target, c.role != Role::Direct).await?;
        c.idle = c.service.as_ref().map(|s| rss::memory(s.pid));
    }

    // Throughput and latency: rounds alternate between targets, so slow drift hits all alike.
    for round in 1..=opts.rounds {
        for c in &mut contenders {
            for conns in [1, opts.many] {
                let pid = c.service.as_ref().map(|s| s.pid);
                let cpu_before = pid.map(rss::cpu_time);
                let (mut summary, failures, completed) =
                    load::run(c.target.clone(), conns, opts.warmup, opts.measure).await?;
                if let (Some(pid), Some(before)) = (pid, cpu_before)
                    && completed > 0
                {
                    let used = rss::cpu_time(pid).saturating_sub(before);
                    summary.cpu_per_request = Some(Duration::from_secs_f64(used.as_secs_f64() / completed as f64));
                }
                println!(
                    "  round {round}/{}  {:<32} {conns:>3} conns  {:>7.0} req/s  p50 {:>7.3} ms  p99 {:>7.3} ms  \
                     cpu {:>8}/req  errors {}",
                    opts.rounds,
                    c.target.name,
                    summary.rps,
                    summary.p50.as_secs_f64() * 1e3,
                    summary.p99.as_secs_f64() * 1e3,
                    summary.cpu_per_request.map_or("—".to_owned(), report::us),
                    summary.errors
                );
                if let Some(first) = &failures.first {
                    println!("    first error: {first}");
                }
                if conns == 1 { c.rounds_one.push(summary) } else { c.rounds_many.push(summary) }
            }
        }
    }

    // Memory under many simultaneous connections, one proxy at a time.
    for c in &mut contenders {
        let Some(service) = &c.service else { continue };
        let pid = service.pid;
        let sampler = Sampler::start(pid);
        let held = load::hold(c.target.clone(), opts.hold, opts.hold_rounds, opts.hold_delay_ms).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let peak_kb = sampler.finish();
        let after = rss::memory(pid);
        let held = held?;
        println!(
            "  memory  {:<32} {} of {} conns open, {} ok, {} errors: peak RSS {} kB, VmHWM {} kB ({} processes)",
            c.target.name,
            held.connected,
            opts.hold,
            held.ok,
            held.failures.count,
            peak_kb,
            after.hwm_kb,
            after.processes
        );
        if let Some(first) = &held.failures.first {
            println!("    first error: {first}");
        }
        c.memory = Some(MemoryFigures {
            idle_kb: c.idle.map_or(0, |m| m.rss_kb),
            peak_kb,
            hwm_kb: after.hwm_kb,
            processes: after.processes,
            connected: held.connected,
            ok: held.ok,
            errors: held.failures.count + (opts.hold - held.connected) as u64,
        });
        drop(held);
    }

    let versions = versions(opts);
    for c in &mut contenders {
        if let Some(service) = &mut c.service {
            service.stop();
        }
    }
    upstream_service.stop();

    let rows = contenders
        .into_iter()
        .map(|c| Row {
            role: c.role,
            name: c.target.name.clone(),
            one: Summary::median_of(&c.rounds_one).expect("at least one round"),
            many: Summary::median_of(&c.rounds_many).expect("at least one round"),
            rounds_one: c.rounds_one,
            rounds_many: c.rounds_many,
            memory: c.memory,
        })
        .collect();
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let setup = Setup {
        date: command_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_else(|| "an unknown date".into()),
        cpus,
        cpu_model: cpu_model().unwrap_or_else(|| "CPU model unknown".into()),
        kernel: std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default().trim().to_owned(),
        load_before,
        load_after: load_average(),
        versions,
        warmup: opts.warmup,
        measure: opts.measure,
        rounds: opts.rounds,
        many: opts.many,
        hold: opts.hold,
        hold_rounds: opts.hold_rounds,
        hold_delay_ms: opts.hold_delay_ms,
        nginx_workers: opts.nginx_workers.clone(),
        proxy_threads: opts.proxy_threads,
        client_threads: opts.client_threads,
        upstream_threads: opts.upstream_threads,
        body_len: body.len(),
    };
    Ok(Report { setup, rows })
}

fn contender(role: Role, target: Target, service: Option<Service>) -> Contender {
    Contender {
        role,
        target: Arc::new(target),
        service,
        idle: None,
        rounds_one: Vec::new(),
        rounds_many: Vec::new(),
        memory: None,
    }
}

/// The browser's request to a cw-proxy-style `/cw/` endpoint at `addr`.
fn proxied(name: &str, addr: SocketAddr, upstream_host: &str, body: &Bytes) -> Result<Target, String> {
    Ok(Target {
        name: name.to_owned(),
        addr,
        transport: Transport::Plain,
        path: format!("/cw/{CALL}"),
        headers: headers(&[
            ("host", &addr.to_string()),
            ("origin", ORIGIN),
            ("x-cw-host", upstream_host),
            ("x-cw-auth", AUTH),
            ("x-cw-client-id", CLIENT_ID),
            ("accept", "application/json"),
        ])?,
        expect_body: body.clone(),
    })
}

fn headers(pairs: &[(&str, &str)]) -> Result<Vec<(HeaderName, HeaderValue)>, String> {
    pairs
        .iter()
        .map(|(n, v)| {
            Ok((
                HeaderName::from_bytes(n.as_bytes()).map_err(|e| e.to_string())?,
                HeaderValue::from_str(v).map_err(|e| e.to_string())?,
            ))
        })
        .collect()
}

/// One request on a fresh connection: the right body, and for a proxy a CORS header (cors-anywhere
/// answers `*`, the others the origin).
async fn probe(target: &Target, cors: bool) -> Result<(), String> {
    let mut sender = target.connect().await?;
    let headers = target.exchange(&mut sender, &target.path).await?;
    let allowed = headers.get("access-control-allow-origin").and_then(|v| v.to_str().ok());
    if cors && !matches!(allowed, Some(ORIGIN | "*")) {
        return Err(format!(
            "{}: no Access-Control-Allow-Origin for {ORIGIN} in the answer ({headers:?})",
            target.name
        ));
    }
    Ok(())
}

/// Starts `cw-bench upstream` (this same binary) and reads the address it prints.
fn start_upstream(work: &Path, ca_file: &Path, threads: usize) -> Result<(Service, SocketAddr), String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find cw-bench itself: {e}"))?;
    let addr_file = work.join("upstream.addr");
    let _ = std::fs::remove_file(&addr_file);
    let mut command = Command::new(exe);
    command
        .arg("upstream")
        .arg("--ca-out")
        .arg(ca_file)
        .arg("--addr-out")
        .arg(&addr_file)
        .arg("--threads")
        .arg(threads.to_string());
    let mut service = Service::spawn("upstream", command, &work.join("upstream.log"))?;
    for _ in 0..200 {
        if let Ok(text) = std::fs::read_to_string(&addr_file)
            && let Ok(addr) = text.trim().parse::<SocketAddr>()
        {
            service.wait_listening(addr)?;
            return Ok((service, addr));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!("the upstream did not start:\n{}", service.log_tail()))
}

fn versions(opts: &Options) -> Vec<String> {
    let mut out = Vec::new();
    let proxy = command_line(&opts.proxy_bin.display().to_string(), &["--version"]);
    out.push(format!("{} (release build)", proxy.unwrap_or_else(|| "cw-proxy".into())));
    if let Some(v) = version_of(&opts.nginx_bin.display().to_string(), &["-v"]) {
        out.push(v.trim_start_matches("nginx version: ").to_owned());
    }
    let node = command_line(&opts.node_bin.display().to_string(), &["--version"]).unwrap_or_else(|| "?".into());
    let package =
        opts.cors_anywhere_js.parent().unwrap_or(Path::new(".")).join("node_modules/cors-anywhere/package.json");
    let cors = std::fs::read_to_string(package)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v["version"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "?".into());
    out.push(format!("cors-anywhere {cors} on node {node}"));
    out
}

pub(crate) fn command_line(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).stdin(Stdio::null()).stderr(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

pub(crate) fn cpu_model() -> Option<String> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    info.lines().find_map(|l| l.strip_prefix("model name")?.split_once(':').map(|(_, v)| v.trim().to_owned()))
}

fn load_average() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    text.split_whitespace().take(3).collect::<Vec<_>>().join(" / ")
}
