//! Resident memory of a process and its direct children (nginx's workers), read from
//! `/proc/{pid}/status`, and a sampler that records the peak while a scenario runs.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the sampler reads `/proc`.
const SAMPLE_EVERY: Duration = Duration::from_millis(20);

/// A `kB` field (`VmRSS`, `VmHWM`) of a `/proc/{pid}/status` text.
pub fn status_kb(status: &str, field: &str) -> Option<u64> {
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        rest.trim().strip_suffix("kB")?.trim().parse().ok()
    })
}

/// The parent pid in a `/proc/{pid}/stat` text (the field after the parenthesised command name,
/// which may itself hold spaces and parentheses).
pub fn stat_ppid(stat: &str) -> Option<u32> {
    let after = &stat[stat.rfind(')')? + 1..];
    after.split_whitespace().nth(1)?.parse().ok()
}

/// User plus system CPU time, in clock ticks, in a `/proc/{pid}/stat` text (fields 14 and 15).
pub fn stat_cpu_ticks(stat: &str) -> Option<u64> {
    let after = &stat[stat.rfind(')')? + 1..];
    let mut fields = after.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

/// CPU time used so far by `pid` and its direct children (nginx's workers).
pub fn cpu_time(pid: u32) -> Duration {
    let ticks: u64 = process_group(pid)
        .into_iter()
        .filter_map(|p| stat_cpu_ticks(&std::fs::read_to_string(format!("/proc/{p}/stat")).ok()?))
        .sum();
    Duration::from_secs_f64(ticks as f64 / clock_ticks_per_second() as f64)
}

/// `getconf CLK_TCK` (100 on Linux), read once.
fn clock_ticks_per_second() -> u64 {
    static TICKS: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
            .filter(|&t| t > 0)
            .unwrap_or(100)
    })
}

/// `pid` and its direct children (an nginx master and its workers; node and cw-proxy have none).
pub fn process_group(pid: u32) -> Vec<u32> {
    let mut pids = vec![pid];
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(child) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
            let stat = std::fs::read_to_string(format!("/proc/{child}/stat")).unwrap_or_default();
            if child != pid && stat_ppid(&stat) == Some(pid) {
                pids.push(child);
            }
        }
    }
    pids
}

/// Memory of a group of processes, summed (shared pages count once per process, as `ps` shows them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Memory {
    /// Resident set now, kB.
    pub rss_kb: u64,
    /// Peak resident set over each process's life, kB.
    pub hwm_kb: u64,
    /// How many processes were summed.
    pub processes: usize,
}

/// The memory of `pid` and its direct children now.
pub fn memory(pid: u32) -> Memory {
    let mut total = Memory::default();
    for p in process_group(pid) {
        let Ok(status) = std::fs::read_to_string(format!("/proc/{p}/status")) else { continue };
        total.rss_kb += status_kb(&status, "VmRSS").unwrap_or(0);
        total.hwm_kb += status_kb(&status, "VmHWM").unwrap_or(0);
        total.processes += 1;
    }
    total
}

/// Samples [`memory`] of a process group in a thread until finished; keeps the largest `VmRSS` sum.
pub struct Sampler {
    stop: Arc<AtomicBool>,
    peak: Arc<AtomicU64>,
    thread: Option<JoinHandle<()>>,
}

impl Sampler {
    pub fn start(pid: u32) -> Sampler {
        let stop = Arc::new(AtomicBool::new(false));
        let peak = Arc::new(AtomicU64::new(0));
        let thread = {
            let (stop, peak) = (stop.clone(), peak.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    peak.fetch_max(memory(pid).rss_kb, Ordering::Relaxed);
                    std::thread::sleep(SAMPLE_EVERY);
                }
                peak.fetch_max(memory(pid).rss_kb, Ordering::Relaxed);
            })
        };
        Sampler { stop, peak, thread: Some(thread) }
    }

    /// Stops sampling; the peak `VmRSS` sum seen, kB.
    pub fn finish(mut self) -> u64 {
        self.halt();
        self.peak.load(Ordering::Relaxed)
    }

    fn halt(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Sampler {
    fn drop(&mut self) {
        self.halt();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_fields_are_read_in_kilobytes() {
        let status = "Name:\tnginx\nVmPeak:\t  20000 kB\nVmHWM:\t    9876 kB\nVmRSS:\t    5432 kB\nThreads:\t1\n";
        assert_eq!(status_kb(status, "VmRSS"), Some(5432));
        assert_eq!(status_kb(status, "VmHWM"), Some(9876));
        assert_eq!(status_kb(status, "VmSwap"), None);
        assert_eq!(status_kb(status, "Threads"), None, "not a kB field");
    }

    #[test]
    fn ppid_survives_odd_command_names() {
        assert_eq!(stat_ppid("1234 (nginx) S 1200 1234 1234 0 -1"), Some(1200));
        assert_eq!(stat_ppid("99 (a) b (c) R 7 99 99 0"), Some(7));
        assert_eq!(stat_ppid("garbage"), None);
    }

    #[test]
    fn cpu_ticks_are_utime_plus_stime() {
        let stat = "42 (cw proxy) S 1 42 42 0 -1 4194560 100 0 0 0 250 31 0 0 20 0 2 0 100 1000 200";
        assert_eq!(stat_cpu_ticks(stat), Some(281));
        assert_eq!(stat_cpu_ticks("42 (x) S 1"), None);
        let spin = std::time::Instant::now();
        while spin.elapsed() < Duration::from_millis(50) {
            std::hint::black_box(0u64);
        }
        assert!(cpu_time(std::process::id()) > Duration::ZERO);
    }

    #[test]
    fn this_process_has_a_resident_set() {
        let m = memory(std::process::id());
        assert!(m.rss_kb > 0 && m.hwm_kb >= m.rss_kb, "{m:?}");
        assert!(m.processes >= 1);
    }
}
