//! The bulk benchmark's figures, rendered as the `## Bulk updates` section of BENCHMARKS.md with the goals
//! checked (met or missed, both said plainly).

use crate::bench::bulk::Options;
use std::fmt::Write as _;
use std::time::Duration;

/// The heading of this benchmark's section in BENCHMARKS.md.
pub const HEADING: &str = "## Bulk updates";

/// Goal: the engine's wall time at most this much over the theoretical minimum.
pub const GOAL_OVER_MINIMUM: f64 = 0.10;
/// Goal: the engine at least this many times faster than the fixed-pause loop.
pub const GOAL_SPEED_UP: f64 = 1.4;

/// Who ran.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Contender {
    /// The bulk job's engine at this rate with this many requests in flight.
    Engine { rate_per_min: u32, in_flight: usize },
    /// One request after another, pausing `pause` after every `every`.
    FixedLoop { every: usize, pause: Duration },
}

impl Contender {
    /// A short name for the table.
    pub fn label(&self) -> String {
        match self {
            Contender::Engine { rate_per_min, in_flight } => {
                format!("engine, {rate_per_min}/min, {in_flight} in flight")
            }
            Contender::FixedLoop { every, pause } => {
                format!("fixed loop, {:.0} s pause every {every}", pause.as_secs_f64())
            }
        }
    }
}

/// What one run did, as cw-sim saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub contender: Contender,
    /// Contacts in the plan (each to be written once).
    pub records: usize,
    /// From the first request to the last answer.
    pub wall: Duration,
    /// Requests cw-sim received.
    pub requests: usize,
    /// 429s cw-sim sent.
    pub rate_limited: usize,
    /// Records the contender reports failed.
    pub failed: usize,
    /// Contacts cw-sim patched successfully more than once.
    pub patched_twice: usize,
    /// PATCHes to contacts outside the plan.
    pub outside_plan: usize,
    /// Planned contacts not holding the new value at the end.
    pub wrong_at_end: usize,
    /// Records the engine left unfinished (0 for the loop, which has no such notion).
    pub open_at_end: usize,
}

/// How the run was set up, and on what.
#[derive(Debug, Clone, PartialEq)]
pub struct Setup {
    pub date: String,
    pub cpus: usize,
    pub cpu_model: String,
    pub companies: usize,
    pub contacts: usize,
    pub limit_requests: u32,
    pub limit_window_secs: u64,
    pub latency_ms: u64,
}

impl Setup {
    /// The options plus what this machine says about itself.
    pub fn read(opts: &Options) -> Self {
        Setup {
            date: crate::bench::proxy::command_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"])
                .unwrap_or_else(|| "an unknown date".into()),
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu_model: crate::bench::proxy::cpu_model().unwrap_or_else(|| "CPU model unknown".into()),
            companies: opts.companies,
            contacts: opts.contacts,
            limit_requests: opts.limit.requests,
            limit_window_secs: opts.limit.window_secs,
            latency_ms: opts.latency_ms,
        }
    }

    /// The allowed rate, requests per second.
    pub fn limit_per_sec(&self) -> f64 {
        f64::from(self.limit_requests) / self.limit_window_secs as f64
    }
}

/// Every run's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub setup: Setup,
    pub outcomes: Vec<Outcome>,
}

impl Report {
    /// Contacts / the allowed rate: no client can write them faster without 429s.
    pub fn minimum(&self, records: usize) -> Duration {
        Duration::from_secs_f64(records as f64 / self.setup.limit_per_sec())
    }

    /// The first engine run (the one set under the limit) and the fixed loop.
    fn main_pair(&self) -> (Option<&Outcome>, Option<&Outcome>) {
        let engine = self.outcomes.iter().find(|o| matches!(o.contender, Contender::Engine { .. }));
        let fixed = self.outcomes.iter().find(|o| matches!(o.contender, Contender::FixedLoop { .. }));
        (engine, fixed)
    }

    /// Each goal and whether it was met, in words.
    pub fn goals(&self) -> Vec<String> {
        let (engine, fixed) = self.main_pair();
        let Some(engine) = engine else { return vec!["no engine run: nothing to check".into()] };
        let met = |ok: bool| if ok { "met" } else { "**missed**" };
        let over = engine.wall.as_secs_f64() / self.minimum(engine.records).as_secs_f64() - 1.0;
        let mut out = vec![format!(
            "Within {:.0}% of the minimum: {} ({:+.1}%).",
            GOAL_OVER_MINIMUM * 100.0,
            met(over <= GOAL_OVER_MINIMUM),
            over * 100.0
        )];
        let engines = self.outcomes.iter().filter(|o| matches!(o.contender, Contender::Engine { .. }));
        let (bad, total): (usize, usize) =
            engines.fold((0, 0), |(b, t), o| (b + o.failed + o.wrong_at_end + o.open_at_end + o.patched_twice, t + 1));
        out.push(format!(
            "Zero failed records, none patched twice, every contact right at the end (all {total} engine runs): {}.",
            met(bad == 0)
        ));
        if let Some(fixed) = fixed {
            let speed_up = fixed.wall.as_secs_f64() / engine.wall.as_secs_f64();
            out.push(format!(
                "At least {GOAL_SPEED_UP}x faster than the fixed-pause loop: {} ({speed_up:.2}x).",
                met(speed_up >= GOAL_SPEED_UP)
            ));
        }
        out
    }

    /// The section, starting with [`HEADING`].
    pub fn render(&self) -> String {
        let s = &self.setup;
        let mut out = format!("{HEADING}\n\n");
        let _ = writeln!(
            out,
            "`cargo xtask bench bulk`, {} on {} × {}. {} contacts ({} clients × {}) in cw-sim over HTTPS on loopback, \
             with a fixed-window rate limit of {} requests per {} s ({:.0}/min) and {} ms latency on every answer; \
             every run sets `disablePortalLoginFlag` on every contact, from a fresh tenant and a fresh rate window. \
             The engine is the bulk panel's own job state machine (cw-shared `plan::bulk_job`) driven natively; the \
             fixed loop is the spec's (one request after another with a fixed pause). Counts come from cw-sim's \
             request log and store, not from the contenders. The minimum is contacts ÷ the allowed rate.\n",
            s.date,
            s.cpus,
            s.cpu_model,
            s.companies * s.contacts,
            s.companies,
            s.contacts,
            s.limit_requests,
            s.limit_window_secs,
            s.limit_per_sec() * 60.0,
            s.latency_ms
        );
        out.push_str(
            "| Run | Records | Wall time | Minimum | Over minimum | Requests | 429s | Failed | Patched twice | \
             Outside plan | Wrong at end |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n",
        );
        for o in &self.outcomes {
            let min = self.minimum(o.records);
            let _ = writeln!(
                out,
                "| {} | {} | {:.1} s | {:.1} s | {:+.1}% | {} | {} | {} | {} | {} | {} |",
                o.contender.label(),
                o.records,
                o.wall.as_secs_f64(),
                min.as_secs_f64(),
                (o.wall.as_secs_f64() / min.as_secs_f64() - 1.0) * 100.0,
                o.requests,
                o.rate_limited,
                o.failed + o.open_at_end,
                o.patched_twice,
                o.outside_plan,
                o.wrong_at_end
            );
        }
        out.push_str("\nGoals (the first engine run against the fixed loop):\n\n");
        for goal in self.goals() {
            let _ = writeln!(out, "- {goal}");
        }
        if let Some(above) = self.outcomes.iter().filter(|o| matches!(o.contender, Contender::Engine { .. })).nth(1) {
            let _ = writeln!(
                out,
                "\nThe second engine run is set above the limit on purpose: it meets {} 429s, slows its bucket and \
                 waits out each `Retry-After`, and still ends with every contact right; the 429s and waits are what \
                 setting the rate too high costs.",
                above.rate_limited
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(contender: Contender, secs: f64) -> Outcome {
        Outcome {
            contender,
            records: 500,
            wall: Duration::from_secs_f64(secs),
            requests: 500,
            rate_limited: 0,
            failed: 0,
            patched_twice: 0,
            outside_plan: 0,
            wrong_at_end: 0,
            open_at_end: 0,
        }
    }

    fn report(engine_secs: f64, fixed_secs: f64) -> Report {
        Report {
            setup: Setup {
                date: "2026-12-06".into(),
                cpus: 2,
                cpu_model: "Test CPU".into(),
                companies: 50,
                contacts: 10,
                limit_requests: 50,
                limit_window_secs: 10,
                latency_ms: 150,
            },
            outcomes: vec![
                outcome(Contender::Engine { rate_per_min: 290, in_flight: 4 }, engine_secs),
                outcome(Contender::FixedLoop { every: 10, pause: Duration::from_secs(3) }, fixed_secs),
            ],
        }
    }

    #[test]
    fn the_minimum_is_records_over_the_allowed_rate() {
        assert_eq!(report(0.0, 0.0).minimum(500), Duration::from_secs(100));
    }

    #[test]
    fn goals_are_met_or_missed_by_the_figures() {
        let good = report(104.0, 227.0);
        let goals = good.goals();
        assert!(goals.iter().all(|g| !g.contains("missed")), "{goals:?}");
        assert!(goals[0].contains("+4.0%") && goals[2].contains("2.18x"), "{goals:?}");
        let slow = report(115.0, 150.0).goals();
        assert!(slow[0].contains("**missed**") && slow[2].contains("**missed**"), "{slow:?}");
        let mut twice = report(104.0, 227.0);
        twice.outcomes[0].patched_twice = 1;
        assert!(twice.goals()[1].contains("**missed**"));
    }

    #[test]
    fn the_section_has_a_row_per_run() {
        let text = report(104.0, 227.0).render();
        assert!(text.starts_with("## Bulk updates\n"));
        assert!(text.contains("| engine, 290/min, 4 in flight | 500 | 104.0 s | 100.0 s | +4.0% |"), "{text}");
        assert!(text.contains("| fixed loop, 3 s pause every 10 | 500 | 227.0 s |"), "{text}");
    }
}
