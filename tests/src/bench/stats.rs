//! Latency percentiles (nearest rank, integer math) and the summary of one load run.

use std::time::Duration;

/// The 50th percentile, in basis points.
pub const P50: u32 = 5_000;
/// The 99th percentile, in basis points.
pub const P99: u32 = 9_900;

/// The nearest-rank percentile of sorted samples: the smallest sample such that at least `basis_points`
/// / 10,000 of all samples are at or below it. `None` for no samples; 0 means the minimum, 10,000 the
/// maximum. Integer math, so p99 of 100 samples is exactly the 99th, never the 100th.
pub fn percentile(sorted: &[u64], basis_points: u32) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len() as u128;
    let rank = (u128::from(basis_points.min(10_000)) * n).div_ceil(10_000).max(1);
    Some(sorted[(rank - 1) as usize])
}

/// What one load run (one target, one connection count) measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Requests answered correctly inside the measured window.
    pub requests: u64,
    /// Requests that failed (wrong status or body, I/O error, timeout) inside the window.
    pub errors: u64,
    /// From the start of the window until the last request started in it was answered.
    pub elapsed: Duration,
    /// Correct answers per second.
    pub rps: f64,
    /// Median latency.
    pub p50: Duration,
    /// 99th-percentile latency.
    pub p99: Duration,
    /// The slowest request.
    pub max: Duration,
    /// CPU time (user + system) the process under test spent per answered request over the whole run,
    /// warm-up included; `None` when not measured.
    pub cpu_per_request: Option<Duration>,
}

impl Summary {
    /// Summarises latencies in nanoseconds (any order).
    pub fn new(mut latencies_ns: Vec<u64>, errors: u64, elapsed: Duration) -> Summary {
        latencies_ns.sort_unstable();
        let at = |bp| Duration::from_nanos(percentile(&latencies_ns, bp).unwrap_or(0));
        let requests = latencies_ns.len() as u64;
        let secs = elapsed.as_secs_f64();
        Summary {
            requests,
            errors,
            elapsed,
            rps: if secs > 0.0 { requests as f64 / secs } else { 0.0 },
            p50: at(P50),
            p99: at(P99),
            max: at(10_000),
            cpu_per_request: None,
        }
    }

    /// The per-figure median of several runs (req/s, p50, p99 and max each on their own); errors and
    /// requests are summed.
    pub fn median_of(runs: &[Summary]) -> Option<Summary> {
        if runs.is_empty() {
            return None;
        }
        fn mid<T: Copy + PartialOrd>(mut v: Vec<T>) -> T {
            v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
            v[(v.len() - 1) / 2]
        }
        Some(Summary {
            requests: runs.iter().map(|r| r.requests).sum(),
            errors: runs.iter().map(|r| r.errors).sum(),
            elapsed: runs.iter().map(|r| r.elapsed).sum(),
            rps: mid(runs.iter().map(|r| r.rps).collect()),
            p50: mid(runs.iter().map(|r| r.p50).collect()),
            p99: mid(runs.iter().map(|r| r.p99).collect()),
            max: mid(runs.iter().map(|r| r.max).collect()),
            cpu_per_request: {
                let cpu: Vec<Duration> = runs.iter().filter_map(|r| r.cpu_per_request).collect();
                (!cpu.is_empty()).then(|| mid(cpu))
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_on_one_to_a_hundred() {
        let samples: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&samples, P50), Some(50));
        assert_eq!(percentile(&samples, P99), Some(99));
        assert_eq!(percentile(&samples, 10_000), Some(100));
        assert_eq!(percentile(&samples, 0), Some(1));
        assert_eq!(percentile(&samples, 100), Some(1), "p1 of 100 samples is the first");
        assert_eq!(percentile(&samples, 101), Some(2), "just above p1 rounds the rank up");
    }

    #[test]
    fn small_and_empty_sets() {
        assert_eq!(percentile(&[], P50), None);
        assert_eq!(percentile(&[7], P50), Some(7));
        assert_eq!(percentile(&[7], P99), Some(7));
        assert_eq!(percentile(&[1, 2], P50), Some(1));
        assert_eq!(percentile(&[1, 2, 3], P50), Some(2));
        // p99 of 10 samples needs rank ceil(9.9) = 10: the maximum.
        let ten: Vec<u64> = (1..=10).collect();
        assert_eq!(percentile(&ten, P99), Some(10));
        assert_eq!(percentile(&ten, 20_000), Some(10), "above 100% clamps to the maximum");
    }

    #[test]
    fn p99_of_a_thousand_is_the_990th() {
        let samples: Vec<u64> = (1..=1000).map(|i| i * 10).collect();
        assert_eq!(percentile(&samples, P99), Some(9_900));
        assert_eq!(percentile(&samples, P50), Some(5_000));
        assert_eq!(percentile(&samples, 9_990), Some(9_990), "p99.9");
    }

    #[test]
    fn summary_sorts_and_rates() {
        let latencies: Vec<u64> = (1..=200u64).rev().map(|i| i * 1_000).collect();
        let s = Summary::new(latencies, 3, Duration::from_secs(2));
        assert_eq!(s.requests, 200);
        assert_eq!(s.errors, 3);
        assert!((s.rps - 100.0).abs() < 1e-9);
        assert_eq!(s.p50, Duration::from_micros(100));
        assert_eq!(s.p99, Duration::from_micros(198));
        assert_eq!(s.max, Duration::from_micros(200));
    }

    #[test]
    fn median_of_runs_takes_each_figure_separately() {
        let run = |rps: f64, p99_us: u64| Summary {
            requests: 10,
            errors: 1,
            elapsed: Duration::from_secs(1),
            rps,
            p50: Duration::from_micros(p99_us / 2),
            p99: Duration::from_micros(p99_us),
            max: Duration::from_micros(p99_us * 2),
            cpu_per_request: (p99_us != 30).then(|| Duration::from_micros(p99_us)),
        };
        let m = Summary::median_of(&[run(300.0, 10), run(100.0, 30), run(200.0, 20)]).unwrap();
        assert_eq!(m.cpu_per_request, Some(Duration::from_micros(10)), "the median of the runs that have it");
        assert_eq!(m.rps, 200.0);
        assert_eq!(m.p99, Duration::from_micros(20));
        assert_eq!(m.requests, 30);
        assert_eq!(m.errors, 3);
        assert_eq!(Summary::median_of(&[]), None);
    }
}
