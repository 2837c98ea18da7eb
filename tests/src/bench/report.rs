//! The results table: rendered as the `## cw-proxy` section of BENCHMARKS.md, with ratios against
//! each peer and the goals checked (met or missed, both said plainly).

use crate::bench::stats::Summary;
use std::fmt::Write as _;
use std::time::Duration;

/// The heading of this benchmark's section in BENCHMARKS.md.
pub const HEADING: &str = "## cw-proxy";

/// Who a row measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Direct,
    CwProxy,
    Nginx,
    CorsAnywhere,
}

/// Memory of a target under the many-connections scenario.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemoryFigures {
    /// `VmRSS` (summed over the process group) before any load, kB.
    pub idle_kb: u64,
    /// The largest `VmRSS` sum sampled while the connections were open and their requests in flight, kB.
    pub peak_kb: u64,
    /// `VmHWM` sum right after (the lifetime peak, so it includes the throughput runs), kB.
    pub hwm_kb: u64,
    /// Processes summed (nginx: master and workers).
    pub processes: usize,
    /// Connections that opened, of those asked for.
    pub connected: usize,
    /// Requests answered correctly during the scenario.
    pub ok: u64,
    /// Failed connections and requests.
    pub errors: u64,
}

/// One target's figures.
#[derive(Debug, Clone)]
pub struct Row {
    pub role: Role,
    pub name: String,
    /// Median over rounds at 1 connection.
    pub one: Summary,
    /// Median over rounds at the many-connections count.
    pub many: Summary,
    /// Every round, for the record.
    pub rounds_one: Vec<Summary>,
    pub rounds_many: Vec<Summary>,
    pub memory: Option<MemoryFigures>,
}

/// How the run was set up, and on what.
#[derive(Debug, Clone)]
pub struct Setup {
    pub date: String,
    pub cpus: usize,
    pub cpu_model: String,
    pub kernel: String,
    pub load_before: String,
    pub load_after: String,
    pub versions: Vec<String>,
    pub warmup: Duration,
    pub measure: Duration,
    pub rounds: usize,
    pub many: usize,
    pub hold: usize,
    pub hold_rounds: usize,
    pub hold_delay_ms: u64,
    pub nginx_workers: String,
    /// cw-proxy's tokio worker threads: a count, or `None` for its default (one per core).
    pub proxy_threads: Option<usize>,
    /// Runtime threads of the load generator and of the upstream (0: one per core).
    pub client_threads: usize,
    pub upstream_threads: usize,
    pub body_len: usize,
}

/// The full benchmark result.
#[derive(Debug, Clone)]
pub struct Report {
    pub setup: Setup,
    pub rows: Vec<Row>,
}

/// A throughput goal: cw-proxy's req/s at least `factor` times the peer's.
pub const NGINX_FACTOR: f64 = 1.0;
pub const CORS_ANYWHERE_FACTOR: f64 = 5.0;
/// Latency goal: at most this much p99 on top of going direct.
pub const ADDED_P99_LIMIT: Duration = Duration::from_millis(1);
/// Memory goal, bytes (30 MB).
pub const RSS_LIMIT_BYTES: u64 = 30_000_000;

impl Report {
    fn row(&self, role: Role) -> Option<&Row> {
        self.rows.iter().find(|r| r.role == role)
    }

    /// The `## cw-proxy` section, ending with a newline.
    pub fn render(&self) -> String {
        let s = &self.setup;
        let mut out = String::new();
        let _ = writeln!(out, "{HEADING}\n");
        let _ = writeln!(
            out,
            "Measured by `cargo xtask bench proxy` on {} on this machine: {} cores ({}), Linux {}, load average \
             {} before and {} after. {}.\n",
            s.date,
            s.cpus,
            s.cpu_model,
            s.kernel,
            s.load_before,
            s.load_after,
            s.versions.join(", ")
        );
        let _ = writeln!(
            out,
            "Each target gets the same request, `GET company/companies?pageSize=10`, answered by the benchmark's \
             upstream (hyper + rustls, TLS 1.3, keep-alive) with a {}-byte JSON company list. Every connection \
             sends its requests one after the other on one keep-alive connection; {} s warm-up, then {} s \
             measured; figures are the median of {} rounds (the rounds alternate between targets). Latency is \
             from sending the request to the last body byte, as the client sees it. Everything runs on \
             127.0.0.1 and shares the same {} cores: the load generator ({}), the upstream ({}) and the proxy \
             under test (the others idle meanwhile).\n",
            s.body_len,
            secs(s.warmup),
            secs(s.measure),
            s.rounds,
            s.cpus,
            threads(s.client_threads, s.cpus),
            threads(s.upstream_threads, s.cpus),
        );
        let m = s.many;
        let _ = writeln!(
            out,
            "| target | req/s, 1 conn | p50 | p99 | req/s, {m} conns | p50 | p99 | added p99 vs direct (1 / {m}) | proxy CPU per request (1 / {m}) | RSS idle | RSS at {} conns | errors |",
            thousands(s.hold as f64)
        );
        let _ = writeln!(out, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        let direct = self.row(Role::Direct);
        for row in &self.rows {
            let added = match (direct, row.role) {
                (Some(d), role) if role != Role::Direct => {
                    format!("{} / {}", signed_ms(row.one.p99, d.one.p99), signed_ms(row.many.p99, d.many.p99))
                }
                _ => "—".to_owned(),
            };
            let (idle, peak) = match &row.memory {
                Some(mem) => (mb(mem.idle_kb), mb(mem.peak_kb)),
                None => ("—".to_owned(), "—".to_owned()),
            };
            let errors = row.one.errors + row.many.errors + row.memory.as_ref().map_or(0, |mem| mem.errors);
            let cpu = match (row.one.cpu_per_request, row.many.cpu_per_request) {
                (Some(one), Some(many)) => format!("{} / {}", us(one), us(many)),
                _ => "—".to_owned(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {added} | {cpu} | {idle} | {peak} | {errors} |",
                row.name,
                thousands(row.one.rps),
                ms(row.one.p50),
                ms(row.one.p99),
                thousands(row.many.rps),
                ms(row.many.p50),
                ms(row.many.p99),
            );
        }
        out.push('\n');

        if let Some(cw) = self.row(Role::CwProxy) {
            let _ = writeln!(
                out,
                "cw-proxy against each peer (throughput: cw-proxy ÷ peer; p99 and memory: peer ÷ cw-proxy; so above \
                 1.00x always means cw-proxy does better):\n"
            );
            let _ = writeln!(
                out,
                "| cw-proxy vs | req/s, 1 conn | req/s, {m} conns | p99, 1 conn | p99, {m} conns | CPU per request, {m} conns | RSS at {} conns |",
                thousands(s.hold as f64)
            );
            let _ = writeln!(out, "|---|--:|--:|--:|--:|--:|--:|");
            for peer in self.rows.iter().filter(|r| matches!(r.role, Role::Nginx | Role::CorsAnywhere | Role::Direct)) {
                let memory = match (&cw.memory, &peer.memory) {
                    (Some(c), Some(p)) => ratio(p.peak_kb as f64, c.peak_kb as f64),
                    _ => "—".to_owned(),
                };
                let cpu = match (peer.many.cpu_per_request, cw.many.cpu_per_request) {
                    (Some(p), Some(c)) => ratio(p.as_secs_f64(), c.as_secs_f64()),
                    _ => "—".to_owned(),
                };
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {cpu} | {memory} |",
                    peer.name,
                    ratio(cw.one.rps, peer.one.rps),
                    ratio(cw.many.rps, peer.many.rps),
                    ratio(secs_f(peer.one.p99), secs_f(cw.one.p99)),
                    ratio(secs_f(peer.many.p99), secs_f(cw.many.p99)),
                );
            }
            out.push('\n');
            out.push_str("### Goals\n\n");
            for line in self.goals(cw) {
                let _ = writeln!(out, "- {line}");
            }
            out.push('\n');
        }

        out.push_str("### Setup and caveats\n\n");
        let _ = writeln!(
            out,
            "- cw-proxy: the release build, `--allow-host localhost:PORT --ca-file ca.pem`, default origins, \
             {}, and its default limits: among them at most {} connections to the upstream host (requests \
             beyond wait for one), where nginx opens as many as there are requests in flight. Its one log \
             line per request goes to a file.\n\
             - nginx: Debian's package, `worker_processes {}`, \
             configuration `bench/nginx.conf.template`: TLS to the upstream with `proxy_ssl_verify on`, an \
             upstream block with `keepalive 64`, `proxy_http_version 1.1`, `Connection \"\"`, the same header \
             rewrite (x-cw-auth → Authorization, x-cw-client-id → clientId) and CORS headers for the allowed \
             origins, access log to a file. It is told the upstream's address; cw-proxy resolves and checks \
             `x-cw-host` per request.\n\
             - cors-anywhere: `bench/cors-anywhere.js` with node (one process, one thread for JavaScript), \
             `https://127.0.0.1:PORT/…` in the path, `NODE_EXTRA_CA_CERTS` for the upstream's CA and a \
             keep-alive agent (its default sends `Connection: close` upstream, a TLS handshake per request, \
             which would be slower still).\n\
             - Proxy CPU per request: user + system CPU time of the proxy's processes (nginx: master and \
             workers) over a whole run, warm-up included, divided by the requests answered; the load \
             generator's and the upstream's are not in it. It depends much less on what else runs on the \
             machine than req/s and latency do.\n\
             - Direct: the load generator talks TLS to the upstream itself, so \"added p99\" is the extra hop \
             (plain HTTP to the proxy, the proxy's work, its own TLS upstream) minus the client TLS it saves.\n\
             - Memory: {} connections opened, then {} times a request on every connection at once, each held \
             {} ms by the upstream, so all {} are in flight together (the proxy holds as many upstream \
             connections too). \"RSS at {} conns\" is the largest `VmRSS` sampled every 20 ms meanwhile, \
             summed over the process and its children (nginx: master and workers, shared pages counted in each); \
             MB = 10^6 bytes.\n\
             - The load generator and the upstream compete with the proxy for the same {} cores, and other \
             work on the machine shows up in the figures (see the load average above): compare the rows of one \
             run, not runs of different days. At 1 connection each hop waits for the previous one, so \
             scheduling and wake-up latency dominate and a target's figures can differ several-fold between \
             rounds and runs on this machine: the rounds below show that spread, the medians hide it.",
            match s.proxy_threads {
                Some(n) => format!("`--workers {n}`"),
                None => format!(
                    "its default of one worker (a single-threaded event loop on its own `SO_REUSEPORT` socket) \
                     per core ({})",
                    s.cpus
                ),
            },
            cw_proxy::config::DEFAULT_MAX_UPSTREAM_PER_HOST,
            s.nginx_workers,
            thousands(s.hold as f64),
            s.hold_rounds,
            s.hold_delay_ms,
            thousands(s.hold as f64),
            thousands(s.hold as f64),
            s.cpus
        );
        for row in &self.rows {
            if let Some(mem) = &row.memory
                && (mem.connected < s.hold || mem.errors > 0)
            {
                let _ = writeln!(
                    out,
                    "- {}: in the memory scenario {} of {} connections opened and {} requests failed.",
                    row.name, mem.connected, s.hold, mem.errors
                );
            }
        }
        out.push('\n');

        out.push_str("### Every round\n\n");
        let _ = writeln!(out, "| target | conns | req/s | p50 | p99 | max | proxy CPU per request | errors |");
        let _ = writeln!(out, "|---|--:|--:|--:|--:|--:|--:|--:|");
        for row in &self.rows {
            for (conns, runs) in [(1, &row.rounds_one), (m, &row.rounds_many)] {
                for run in runs {
                    let _ = writeln!(
                        out,
                        "| {} | {conns} | {} | {} | {} | {} | {} | {} |",
                        row.name,
                        thousands(run.rps),
                        ms(run.p50),
                        ms(run.p99),
                        ms(run.max),
                        run.cpu_per_request.map_or("—".to_owned(), us),
                        run.errors
                    );
                }
            }
        }
        let mems: Vec<&Row> = self.rows.iter().filter(|r| r.memory.is_some()).collect();
        if !mems.is_empty() {
            out.push('\n');
            let _ = writeln!(
                out,
                "| target | processes | RSS idle | RSS peak, {} conns | VmHWM after (lifetime) |",
                s.hold
            );
            let _ = writeln!(out, "|---|--:|--:|--:|--:|");
            for row in mems {
                let mem = row.memory.as_ref().expect("filtered");
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    row.name,
                    mem.processes,
                    mb(mem.idle_kb),
                    mb(mem.peak_kb),
                    mb(mem.hwm_kb)
                );
            }
        }
        out
    }

    /// One line per goal, each saying met or missed with the figure.
    fn goals(&self, cw: &Row) -> Vec<String> {
        let m = self.setup.many;
        let mut lines = Vec::new();
        let throughput = |peer: &Row, factor: f64, what: &str| {
            let r1 = cw.one.rps / peer.one.rps;
            let rm = cw.many.rps / peer.many.rps;
            format!(
                "{what}: {} at 1 connection ({r1:.2}x), {} at {m} connections ({rm:.2}x).",
                verdict(r1 >= factor),
                verdict(rm >= factor)
            )
        };
        if let Some(nginx) = self.row(Role::Nginx) {
            lines.push(throughput(nginx, NGINX_FACTOR, "At least as fast as nginx (req/s)"));
        }
        if let Some(cors) = self.row(Role::CorsAnywhere) {
            lines.push(throughput(cors, CORS_ANYWHERE_FACTOR, "At least 5x cors-anywhere (req/s)"));
        }
        if let Some(direct) = self.row(Role::Direct) {
            let a1 = cw.one.p99.saturating_sub(direct.one.p99);
            let am = cw.many.p99.saturating_sub(direct.many.p99);
            lines.push(format!(
                "Under 1 ms added p99: {} at 1 connection ({}), {} at {m} connections ({}).",
                verdict(a1 < ADDED_P99_LIMIT),
                signed_ms(cw.one.p99, direct.one.p99),
                verdict(am < ADDED_P99_LIMIT),
                signed_ms(cw.many.p99, direct.many.p99),
            ));
        }
        if let Some(mem) = &cw.memory {
            lines.push(format!(
                "Under 30 MB RSS at {} connections: {} ({} peak; {} idle).",
                thousands(self.setup.hold as f64),
                verdict(mem.peak_kb * 1024 < RSS_LIMIT_BYTES && mem.connected == self.setup.hold),
                mb(mem.peak_kb),
                mb(mem.idle_kb)
            ));
        }
        lines
    }
}

/// Replaces the `## cw-proxy` section of a BENCHMARKS.md text with `section`, or appends it.
pub fn replace_section(doc: &str, section: &str) -> String {
    crate::benchmarks_md::replace_section(doc, HEADING, section)
}

/// "1 thread", "2 threads"; 0 means one per core.
fn threads(n: usize, cpus: usize) -> String {
    let n = if n == 0 { cpus } else { n };
    if n == 1 { "1 thread".to_owned() } else { format!("{n} threads") }
}

fn verdict(met: bool) -> &'static str {
    if met { "**met**" } else { "**missed**" }
}

fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 { format!("{s:.0}") } else { format!("{s:.1}") }
}

fn secs_f(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// `12,345` (rounded).
pub fn thousands(x: f64) -> String {
    crate::benchmarks_md::thousands(x.round().max(0.0) as u64)
}

/// Milliseconds: 3 decimals below 10 ms, 1 above.
pub fn ms(d: Duration) -> String {
    let v = d.as_secs_f64() * 1000.0;
    if v < 10.0 { format!("{v:.3} ms") } else { format!("{v:.1} ms") }
}

/// Microseconds, 1 decimal.
pub fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

/// `a - b` in milliseconds with a sign.
pub fn signed_ms(a: Duration, b: Duration) -> String {
    let v = (a.as_secs_f64() - b.as_secs_f64()) * 1000.0;
    let sign = if v < 0.0 { "−" } else { "+" };
    let v = v.abs();
    if v < 10.0 { format!("{sign}{v:.3} ms") } else { format!("{sign}{v:.1} ms") }
}

/// kB (KiB, as /proc counts) to MB.
pub fn mb(kb: u64) -> String {
    format!("{:.1} MB", kb as f64 * 1024.0 / 1e6)
}

fn ratio(a: f64, b: f64) -> String {
    if b > 0.0 && a.is_finite() { format!("{:.2}x", a / b) } else { "—".to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(rps: f64, p99_us: u64) -> Summary {
        Summary {
            requests: (rps * 5.0) as u64,
            errors: 0,
            elapsed: Duration::from_secs(5),
            rps,
            p50: Duration::from_micros(p99_us / 2),
            p99: Duration::from_micros(p99_us),
            max: Duration::from_micros(p99_us * 3),
            cpu_per_request: Some(Duration::from_micros(p99_us / 10)),
        }
    }

    fn row(role: Role, name: &str, rps: f64, p99_us: u64, peak_kb: Option<u64>) -> Row {
        Row {
            role,
            name: name.into(),
            one: summary(rps / 10.0, p99_us),
            many: summary(rps, p99_us * 20),
            rounds_one: vec![summary(rps / 10.0, p99_us)],
            rounds_many: vec![summary(rps, p99_us * 20)],
            memory: peak_kb.map(|peak_kb| MemoryFigures {
                idle_kb: peak_kb / 4,
                peak_kb,
                hwm_kb: peak_kb,
                processes: 1,
                connected: 1000,
                ok: 3000,
                errors: 0,
            }),
        }
    }

    fn report() -> Report {
        Report {
            setup: Setup {
                date: "2026-11-27 23:00 UTC".into(),
                cpus: 2,
                cpu_model: "Test CPU".into(),
                kernel: "6.1".into(),
                load_before: "0.10".into(),
                load_after: "1.20".into(),
                versions: vec!["nginx/1.22.1".into()],
                warmup: Duration::from_secs(1),
                measure: Duration::from_secs(5),
                rounds: 3,
                many: 64,
                hold: 1000,
                hold_rounds: 3,
                hold_delay_ms: 250,
                nginx_workers: "auto".into(),
                proxy_threads: None,
                client_threads: 1,
                upstream_threads: 0,
                body_len: 1024,
            },
            rows: vec![
                row(Role::Direct, "upstream direct (TLS)", 20_000.0, 200, None),
                row(Role::CwProxy, "cw-proxy", 12_000.0, 500, Some(20_000)),
                row(Role::Nginx, "nginx", 10_000.0, 600, Some(40_000)),
                row(Role::CorsAnywhere, "cors-anywhere", 2_000.0, 2_000, Some(90_000)),
            ],
        }
    }

    #[test]
    fn the_section_has_the_table_ratios_and_goals() {
        let text = report().render();
        assert!(text.starts_with("## cw-proxy\n"));
        assert_eq!(text.lines().filter(|l| l.starts_with("## ")).count(), 1, "one level-2 heading only");
        assert!(text.contains("| cw-proxy | 1,200 | 0.250 ms | 0.500 ms | 12,000 |"), "{text}");
        assert!(text.contains("| +0.300 ms / +6.000 ms |"), "{text}");
        assert!(text.contains("| +0.300 ms / +6.000 ms | 50.0 µs / 1000.0 µs | 5.1 MB | 20.5 MB | 0 |"), "{text}");
        assert!(text.contains("| nginx | 1.20x | 1.20x | 1.20x | 1.20x | 1.20x | 2.00x |"), "{text}");
        assert!(text.contains("| cors-anywhere | 6.00x | 6.00x | 4.00x | 4.00x | 4.00x | 4.50x |"), "{text}");
        assert!(text.contains("At least as fast as nginx (req/s): **met** at 1 connection (1.20x)"), "{text}");
        assert!(text.contains("At least 5x cors-anywhere (req/s): **met** at 1 connection (6.00x)"), "{text}");
        assert!(text.contains("Under 1 ms added p99: **met** at 1 connection (+0.300 ms), **missed** at 64"), "{text}");
        assert!(text.contains("Under 30 MB RSS at 1,000 connections: **met** (20.5 MB peak"), "{text}");
    }

    #[test]
    fn a_missed_goal_is_said_so() {
        let mut r = report();
        r.rows[1].many.rps = 9_000.0;
        r.rows[1].memory.as_mut().unwrap().peak_kb = 40_000;
        let text = r.render();
        assert!(text.contains("**missed** at 64 connections (0.90x)"), "{text}");
        assert!(text.contains("Under 30 MB RSS at 1,000 connections: **missed** (41.0 MB peak"), "{text}");
    }

    #[test]
    fn sections_are_replaced_or_appended_and_others_kept() {
        let section = "## cw-proxy\n\nnew figures\n";
        let fresh = replace_section("", section);
        assert!(fresh.starts_with("# Benchmarks\n") && fresh.ends_with("## cw-proxy\n\nnew figures\n"));

        let doc = "# Benchmarks\n\nintro\n\n## frontend\n\nfast\n\n## cw-proxy\n\nold\n\n### Goals\n\nold goals\n\n## store\n\nsmall\n";
        let out = replace_section(doc, section);
        assert_eq!(
            out,
            "# Benchmarks\n\nintro\n\n## frontend\n\nfast\n\n## cw-proxy\n\nnew figures\n\n## store\n\nsmall\n"
        );
        assert_eq!(replace_section(&out, section), out, "idempotent");

        let last = "# Benchmarks\n\n## cw-proxy\n\nold\n";
        assert_eq!(replace_section(last, section), "# Benchmarks\n\n## cw-proxy\n\nnew figures\n");

        let without = "# Benchmarks\n\n## frontend\n\nfast\n";
        assert_eq!(
            replace_section(without, section),
            "# Benchmarks\n\n## frontend\n\nfast\n\n## cw-proxy\n\nnew figures\n"
        );
    }

    #[test]
    fn number_formats() {
        assert_eq!(thousands(0.4), "0");
        assert_eq!(thousands(999.6), "1,000");
        assert_eq!(thousands(1_234_567.0), "1,234,567");
        assert_eq!(ms(Duration::from_micros(412)), "0.412 ms");
        assert_eq!(ms(Duration::from_micros(12_345)), "12.3 ms");
        assert_eq!(signed_ms(Duration::from_micros(100), Duration::from_micros(350)), "−0.250 ms");
        assert_eq!(mb(29_297), "30.0 MB");
    }
}
