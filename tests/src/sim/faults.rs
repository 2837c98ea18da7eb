//! Fault injection: what real ConnectWise (and the Cloudflare in front of it) does to clients.
//! Set by flag at start and at run time with `POST /__sim/faults` (a JSON object with any of the
//! fields of [`Faults`]; omitted fields keep their value).

use serde::{Deserialize, Serialize};
use std::str::FromStr;
use std::time::{Duration, Instant};

/// A fixed-window request-rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimit {
    /// Requests allowed per window.
    pub requests: u32,
    /// Window length in seconds.
    pub window_secs: u64,
}

impl FromStr for RateLimit {
    type Err = String;

    /// `N/SECONDS`, e.g. `100/60`; a bare `N` means per 60 seconds.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (n, w) = s.split_once('/').unwrap_or((s, "60"));
        let requests = n.trim().parse().map_err(|_| format!("bad rate limit '{s}': use N/SECONDS"))?;
        let window_secs: u64 = w.trim().trim_end_matches('s').parse().map_err(|_| format!("bad rate limit '{s}'"))?;
        if window_secs == 0 {
            return Err("the rate-limit window must be at least one second".into());
        }
        Ok(RateLimit { requests, window_secs })
    }
}

/// The configurable faults.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// Milliseconds added before every answer.
    pub latency_ms: u64,
    /// Requests beyond this rate get 429 with `Retry-After`.
    pub rate_limit: Option<RateLimit>,
    /// Retry-After value; default: the seconds left in the window.
    pub retry_after_secs: Option<u64>,
    /// Probability of a 500 "A timeout has occured. Please try again.".
    pub fail_rate: f64,
    /// The next N API calls get that 500.
    pub fail_next: u32,
    /// Probability of closing the connection without an answer.
    pub drop_rate: f64,
    /// The next N requests are dropped without an answer.
    pub drop_next: u32,
    /// Probability of processing the request (a write lands) and then closing the connection without the
    /// answer: the case where a client cannot know whether its write happened.
    pub drop_after_rate: f64,
    /// The next N API calls are processed, then dropped without the answer.
    pub drop_after_next: u32,
    /// When set, `fail_next`, `drop_next` and `drop_after_next` count only the calls whose `METHOD /path` (the
    /// path below `/apis/3.0`, without the query) starts with this, e.g. `POST /finance/agreements`: a fault
    /// aimed at one step of a sequence.
    pub next_only: Option<String>,
}

/// What the fault layer decided for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Close the connection without answering.
    Drop,
    /// 429 with this Retry-After.
    RateLimited(u64),
    /// Proceed (a 500 may still be injected after authentication).
    Proceed,
}

/// Faults plus their running state (window counters, random numbers).
#[derive(Debug)]
pub struct FaultState {
    /// The current settings.
    pub faults: Faults,
    window_start: Instant,
    window_count: u32,
    rng: u64,
}

impl FaultState {
    /// Fresh state for these settings.
    pub fn new(faults: Faults) -> Self {
        FaultState { faults, window_start: Instant::now(), window_count: 0, rng: 0x5EED_CAFE_F00D_u64 }
    }

    /// Replaces the settings and restarts the rate window.
    pub fn set(&mut self, faults: Faults) {
        self.faults = faults;
        self.window_start = Instant::now();
        self.window_count = 0;
    }

    fn chance(&mut self, p: f64) -> bool {
        if p <= 0.0 {
            return false;
        }
        // xorshift64*: enough for "fail about this often".
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        let x = self.rng.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11;
        (x as f64 / (1u64 << 53) as f64) < p
    }

    /// True when the `*_next` counters apply to `call` (`METHOD /full/path`).
    fn aimed_at(&self, call: &str) -> bool {
        let Some(only) = self.faults.next_only.as_deref() else { return true };
        let (method, path) = call.split_once(' ').unwrap_or((call, ""));
        let path = path.find("/apis/3.0").map(|i| &path[i + "/apis/3.0".len()..]).unwrap_or(path);
        let path = path.split('?').next().unwrap_or(path);
        format!("{} {path}", method.to_ascii_uppercase()).starts_with(only.trim())
    }

    /// Drops and rate limiting, decided before authentication (as a CDN in front of CW would). `call` is
    /// `METHOD /path`.
    pub fn before_auth(&mut self, call: &str) -> Verdict {
        if self.faults.drop_next > 0 && self.aimed_at(call) {
            self.faults.drop_next -= 1;
            return Verdict::Drop;
        }
        let drop_rate = self.faults.drop_rate;
        if self.chance(drop_rate) {
            return Verdict::Drop;
        }
        if let Some(limit) = self.faults.rate_limit {
            let window = Duration::from_secs(limit.window_secs);
            let elapsed = self.window_start.elapsed();
            if elapsed >= window {
                self.window_start = Instant::now();
                self.window_count = 0;
            }
            self.window_count += 1;
            if self.window_count > limit.requests {
                let left = window.saturating_sub(self.window_start.elapsed()).as_secs_f64().ceil().max(1.0) as u64;
                return Verdict::RateLimited(self.faults.retry_after_secs.unwrap_or(left));
            }
        }
        Verdict::Proceed
    }

    /// Whether to drop the connection after processing this call (the answer is lost, the effect is not).
    pub fn drop_after(&mut self, call: &str) -> bool {
        if self.faults.drop_after_next > 0 && self.aimed_at(call) {
            self.faults.drop_after_next -= 1;
            return true;
        }
        let rate = self.faults.drop_after_rate;
        self.chance(rate)
    }

    /// Whether to answer an authenticated call with the 500 timeout.
    pub fn fail_now(&mut self, call: &str) -> bool {
        if self.faults.fail_next > 0 && self.aimed_at(call) {
            self.faults.fail_next -= 1;
            return true;
        }
        let rate = self.faults.fail_rate;
        self.chance(rate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limits_parse_and_apply() {
        assert_eq!("100/60".parse::<RateLimit>(), Ok(RateLimit { requests: 100, window_secs: 60 }));
        assert_eq!("5".parse::<RateLimit>(), Ok(RateLimit { requests: 5, window_secs: 60 }));
        assert!("x/1".parse::<RateLimit>().is_err());
        let mut f = FaultState::new(Faults {
            rate_limit: Some(RateLimit { requests: 2, window_secs: 60 }),
            ..Faults::default()
        });
        assert_eq!(f.before_auth("GET /x"), Verdict::Proceed);
        assert_eq!(f.before_auth("GET /x"), Verdict::Proceed);
        assert!(matches!(f.before_auth("GET /x"), Verdict::RateLimited(s) if (59..=60).contains(&s)));
    }

    #[test]
    fn next_n_and_rates() {
        let mut f = FaultState::new(Faults { fail_next: 2, drop_next: 1, ..Faults::default() });
        assert_eq!(f.before_auth("GET /x"), Verdict::Drop);
        assert_eq!(f.before_auth("GET /x"), Verdict::Proceed);
        assert!(f.fail_now("GET /x") && f.fail_now("GET /x") && !f.fail_now("GET /x"));
        let mut f = FaultState::new(Faults { fail_rate: 0.5, ..Faults::default() });
        let fails = (0..1000).filter(|_| f.fail_now("GET /x")).count();
        assert!((350..650).contains(&fails), "{fails}");
    }

    #[test]
    fn drops_after_processing_come_next_n_then_by_rate() {
        let mut f = FaultState::new(Faults { drop_after_next: 2, ..Faults::default() });
        assert!(f.drop_after("GET /x") && f.drop_after("GET /x") && !f.drop_after("GET /x"));
        assert_eq!(f.before_auth("GET /x"), Verdict::Proceed, "the request itself goes through");
        let mut f = FaultState::new(Faults { drop_after_rate: 0.25, ..Faults::default() });
        let drops = (0..1000).filter(|_| f.drop_after("GET /x")).count();
        assert!((150..350).contains(&drops), "{drops}");
    }

    #[test]
    fn next_n_faults_can_aim_at_one_call() {
        let mut f = FaultState::new(Faults {
            fail_next: 1,
            drop_after_next: 1,
            next_only: Some("POST /finance/agreements".into()),
            ..Faults::default()
        });
        assert!(!f.fail_now("POST /v4_6_release/apis/3.0/company/companies"));
        assert!(!f.fail_now("GET /v4_6_release/apis/3.0/finance/agreements?conditions=x"));
        assert!(f.fail_now("POST /v4_6_release/apis/3.0/finance/agreements"));
        assert!(!f.fail_now("POST /v4_6_release/apis/3.0/finance/agreements"), "only the next one");
        assert!(!f.drop_after("POST /v4_6_release/apis/3.0/company/contacts"));
        assert!(f.drop_after("post /v4_6_release/apis/3.0/finance/agreements"));
    }
}
