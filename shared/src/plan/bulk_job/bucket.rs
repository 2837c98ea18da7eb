//! The request pace: a token bucket in requests per minute that slows down when ConnectWise answers 429 and
//! creeps back up while it does not. Time is the caller's clock in milliseconds (tests pass a fake one).

use serde::{Deserialize, Serialize};

/// The rate a new job starts at: CW's commonly quoted guidance of about 200 requests a minute.
pub const DEFAULT_RATE_PER_MIN: u32 = 200;
/// The slowest pace a 429 can push the bucket to.
pub const MIN_RATE_PER_MIN: u32 = 10;
/// The fastest pace the panel accepts.
pub const MAX_RATE_PER_MIN: u32 = 6_000;
/// How long to wait after a 429 that carries no `Retry-After`.
pub const DEFAULT_RETRY_AFTER_SECS: u32 = 5;
/// A 429 multiplies the rate by this.
const SLOWDOWN: f64 = 0.75;
/// Successes in a row after which the rate rises by [`SPEEDUP`] (up to the configured rate).
const STREAK: u32 = 20;
const SPEEDUP: f64 = 1.1;

/// A token bucket holding at most one token: requests leave at the rate, never in bursts, so a fixed-window
/// limit at the same rate is never exceeded by the bucket itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenBucket {
    configured: u32,
    rate: f64,
    tokens: f64,
    last_ms: u64,
    blocked_until: u64,
    streak: u32,
    slowdowns: u32,
}

impl TokenBucket {
    /// A full bucket at `per_min` requests a minute (clamped to the accepted range).
    pub fn new(per_min: u32, now: u64) -> Self {
        let configured = per_min.clamp(MIN_RATE_PER_MIN, MAX_RATE_PER_MIN);
        Self {
            configured,
            rate: configured as f64,
            tokens: 1.0,
            last_ms: now,
            blocked_until: 0,
            streak: 0,
            slowdowns: 0,
        }
    }

    /// The configured rate (requests per minute).
    pub fn configured(&self) -> u32 {
        self.configured
    }

    /// The rate now, after any 429 slowdowns.
    pub fn current(&self) -> u32 {
        self.rate.round() as u32
    }

    /// How many times a 429 slowed the bucket.
    pub fn slowdowns(&self) -> u32 {
        self.slowdowns
    }

    /// Until when a `Retry-After` holds every request back (0: not held).
    pub fn blocked_until(&self) -> u64 {
        self.blocked_until
    }

    /// Sets a new configured rate; the current rate follows it (a slowdown in force stays, capped).
    pub fn set_rate(&mut self, per_min: u32) {
        self.configured = per_min.clamp(MIN_RATE_PER_MIN, MAX_RATE_PER_MIN);
        self.rate = self.rate.min(self.configured as f64).max(MIN_RATE_PER_MIN as f64);
        if self.slowdowns == 0 || self.streak >= STREAK {
            self.rate = self.configured as f64;
        }
    }

    fn refill(&mut self, now: u64) {
        if now > self.last_ms {
            let earned = (now - self.last_ms) as f64 * self.rate / 60_000.0;
            self.tokens = (self.tokens + earned).min(1.0);
            self.last_ms = now;
        }
    }

    /// Takes a token if one is there; else `Err(when)`: the time at which one will be.
    pub fn take(&mut self, now: u64) -> Result<(), u64> {
        if now < self.blocked_until {
            return Err(self.blocked_until);
        }
        self.refill(now);
        // A little slack for float rounding, so a request at exactly the due time goes.
        if self.tokens >= 1.0 - 1e-9 {
            self.tokens = (self.tokens - 1.0).max(0.0);
            return Ok(());
        }
        let wait = ((1.0 - self.tokens) * 60_000.0 / self.rate).ceil() as u64;
        Err(now + wait.max(1))
    }

    /// ConnectWise answered 429: hold everything until `Retry-After` has passed and slow down. Several 429s
    /// for requests that were already in flight count once.
    pub fn rate_limited(&mut self, now: u64, retry_after_secs: Option<u32>) {
        let secs = retry_after_secs.unwrap_or(DEFAULT_RETRY_AFTER_SECS).clamp(1, 300) as u64;
        let until = now + secs * 1000;
        let fresh = now >= self.blocked_until;
        self.blocked_until = self.blocked_until.max(until);
        // The first request after the hold goes exactly when Retry-After ends.
        self.tokens = 1.0;
        self.last_ms = self.blocked_until;
        self.streak = 0;
        if fresh {
            self.rate = (self.rate * SLOWDOWN).max(MIN_RATE_PER_MIN as f64);
            self.slowdowns += 1;
        }
    }

    /// A request was answered without a 429: after a streak, the rate climbs back towards the configured one.
    pub fn answered(&mut self) {
        self.streak += 1;
        if self.streak >= STREAK && self.rate < self.configured as f64 {
            self.rate = (self.rate * SPEEDUP).min(self.configured as f64);
            self.streak = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sends as fast as the bucket allows from `start` for `n` requests; the send times.
    fn drain(bucket: &mut TokenBucket, start: u64, n: usize) -> Vec<u64> {
        let mut now = start;
        let mut sent = Vec::new();
        while sent.len() < n {
            match bucket.take(now) {
                Ok(()) => sent.push(now),
                Err(when) => {
                    assert!(when > now, "the bucket names a later time");
                    now = when;
                }
            }
        }
        sent
    }

    #[test]
    fn requests_leave_at_the_configured_rate_without_bursts() {
        let mut bucket = TokenBucket::new(200, 1_000);
        let sent = drain(&mut bucket, 1_000, 201);
        assert_eq!(sent[0], 1_000, "the first request goes at once");
        assert_eq!(sent[1], 1_300, "then one every 300 ms");
        // 200 more requests take one minute.
        assert!((60_000..=60_010).contains(&(sent[200] - sent[0])), "{}", sent[200] - sent[0]);
        // No 60 s window holds more than 200 + 1.
        for (i, t) in sent.iter().enumerate() {
            let in_window = sent[i..].iter().take_while(|s| **s < t + 60_000).count();
            assert!(in_window <= 201, "{in_window} requests in one minute");
        }
    }

    #[test]
    fn an_idle_bucket_does_not_save_up_a_burst() {
        let mut bucket = TokenBucket::new(600, 0);
        assert!(bucket.take(0).is_ok());
        assert_eq!(bucket.take(1_000_000).map(|_| 0), Ok(0));
        assert_eq!(bucket.take(1_000_000), Err(1_000_100), "one token at most, then 100 ms apart");
    }

    #[test]
    fn a_429_waits_for_retry_after_and_slows_down_once_per_burst() {
        let mut bucket = TokenBucket::new(200, 0);
        bucket.rate_limited(10_000, Some(7));
        assert_eq!(bucket.take(10_000), Err(17_000));
        assert_eq!(bucket.take(16_999), Err(17_000));
        assert_eq!(bucket.current(), 150);
        // Two more 429s for requests already in flight do not slow it again.
        bucket.rate_limited(10_050, Some(7));
        bucket.rate_limited(10_100, Some(1));
        assert_eq!(bucket.current(), 150);
        assert_eq!(bucket.slowdowns(), 1);
        // The longest Retry-After holds; then requests go at the slower rate (400 ms apart).
        assert_eq!(bucket.blocked_until(), 17_050);
        let sent = drain(&mut bucket, 17_000, 3);
        assert_eq!(sent, vec![17_050, 17_450, 17_850]);
        // No Retry-After: the default wait.
        bucket.rate_limited(20_000, None);
        assert_eq!(bucket.blocked_until(), 20_000 + DEFAULT_RETRY_AFTER_SECS as u64 * 1000);
        assert_eq!(bucket.current(), 113);
    }

    #[test]
    fn the_rate_recovers_after_a_streak_but_never_passes_the_configured_rate() {
        let mut bucket = TokenBucket::new(200, 0);
        bucket.rate_limited(0, Some(1));
        assert_eq!(bucket.current(), 150);
        for _ in 0..STREAK {
            bucket.answered();
        }
        assert_eq!(bucket.current(), 165);
        for _ in 0..STREAK * 10 {
            bucket.answered();
        }
        assert_eq!(bucket.current(), 200);
        for _ in 0..20 {
            bucket.rate_limited(bucket.blocked_until(), Some(1));
        }
        assert_eq!(bucket.current(), MIN_RATE_PER_MIN, "never slower than the floor");
    }

    #[test]
    fn the_rate_is_clamped_and_can_be_changed_mid_run() {
        assert_eq!(TokenBucket::new(0, 0).configured(), MIN_RATE_PER_MIN);
        assert_eq!(TokenBucket::new(1_000_000, 0).configured(), MAX_RATE_PER_MIN);
        let mut bucket = TokenBucket::new(200, 0);
        bucket.set_rate(1200);
        assert_eq!((bucket.configured(), bucket.current()), (1200, 1200));
        assert!(bucket.take(0).is_ok());
        assert_eq!(bucket.take(0), Err(50));
    }
}
