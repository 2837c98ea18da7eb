//! The bulk job: which records a bulk update touches, what happened to each, the rate limit and
//! stop/resume — plain Rust, tested natively. The panel ([`crate::pages::bulk`]) only drives it.
//!
//! A job is planned once (with `cw_shared::plan::plan_bulk` per company): contacts already at the value
//! are finished as skipped right away, every other targeted contact is a pending record. Running sends
//! the pending records in order; stopping (the Stop button, leaving the tab, a persistent 429) leaves
//! the unsent ones pending, so Resume continues with exactly those.

use cw_shared::ids::ContactId;
use cw_shared::model::Contact;
use cw_shared::patch::PatchOp;
use cw_shared::plan::{BulkChange, BulkFilter, plan_bulk};
use std::collections::HashMap;

/// Requests between two pauses (CW's guidance is about 200 requests a minute).
pub const PAUSE_EVERY: usize = 10;
/// How long the pause after every [`PAUSE_EVERY`] requests lasts.
pub const PAUSE_MS: u32 = 3_000;
/// How many more times a record is retried after `Cw::send` gave up on repeated 429s; then the job stops
/// and offers Resume.
pub const RATE_LIMIT_ROUNDS: u32 = 2;
/// Wait when a 429 carries no `Retry-After`.
pub const DEFAULT_RETRY_MS: u32 = 5_000;

/// Pauses for [`PAUSE_MS`] after every [`PAUSE_EVERY`] requests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateLimiter {
    sent: usize,
}

impl RateLimiter {
    /// Call before each request: `Some(ms)` to wait first (after the 10th, 20th… request, before the next).
    pub fn before_request(&mut self) -> Option<u32> {
        let pause = self.sent > 0 && self.sent.is_multiple_of(PAUSE_EVERY);
        self.sent += 1;
        pause.then_some(PAUSE_MS)
    }

    /// Requests counted so far.
    pub fn sent(&self) -> usize {
        self.sent
    }
}

/// The kind of a log row (its class).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogKind {
    /// `.log-ok`.
    Ok,
    /// `.log-error`.
    Error,
    /// `.log-skip`.
    Skip,
}

impl LogKind {
    /// The row's class.
    pub fn class(self) -> &'static str {
        match self {
            LogKind::Ok => "log-ok",
            LogKind::Error => "log-error",
            LogKind::Skip => "log-skip",
        }
    }
}

/// One line of `#bulk-log`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRow {
    /// Ok, error or skipped.
    pub kind: LogKind,
    /// The text (rendered as text).
    pub text: String,
}

/// One targeted contact.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The contact.
    pub contact: ContactId,
    /// Its company's name.
    pub company: String,
    /// "First Last".
    pub name: String,
    /// The patch to send (empty for contacts already at the value).
    pub ops: Vec<PatchOp>,
}

impl Record {
    /// "Company — First Last".
    pub fn label(&self) -> String {
        format!("{} — {}", self.company, self.name)
    }
}

/// Where a record stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordState {
    /// Not sent yet (or rate-limited and to be sent again).
    Pending,
    /// CW accepted the patch.
    Ok,
    /// CW refused it, with its message.
    Error(String),
    /// Already at the value: no call.
    Skipped,
}

/// What the job is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Planned, not started.
    Ready,
    /// Sending.
    Running,
    /// Stop was asked for; the record in flight finishes first.
    Stopping(String),
    /// Stopped with records left; Resume continues.
    Stopped(String),
    /// Every record is finished.
    Done,
}

/// What a PATCH gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// 2xx.
    Ok,
    /// Refused, with the message to log.
    Failed(String),
    /// Still 429 after the transport's own retries; seconds from `Retry-After`, when given.
    RateLimited(Option<u32>),
}

/// What the runner does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Go on with the next pending record.
    Continue,
    /// Wait this long, then send the same record again.
    RetryAfter(u32),
    /// The job stopped (or finished): leave the loop.
    Halt,
}

/// Ok / errors / skipped counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Updated.
    pub ok: usize,
    /// Refused.
    pub errors: usize,
    /// Already at the value.
    pub skipped: usize,
    /// Not sent yet.
    pub remaining: usize,
}

/// A planned bulk update and its progress.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkJob {
    records: Vec<Record>,
    states: Vec<RecordState>,
    log: Vec<LogRow>,
    limiter: RateLimiter,
    phase: Phase,
    rate_rounds: u32,
    session: u64,
}

impl BulkJob {
    /// Plans the job over each selected company's contacts (company name, contacts), in order, with the
    /// shared planner. `limiter` carries the requests already made (the contact reads). `session` is the
    /// session the job belongs to: it can only run there.
    pub fn plan(
        companies: &[(String, Vec<Contact>)],
        filter: BulkFilter,
        change: &BulkChange,
        limiter: RateLimiter,
        session: u64,
    ) -> Self {
        let mut job = Self {
            records: Vec::new(),
            states: Vec::new(),
            log: Vec::new(),
            limiter,
            phase: Phase::Ready,
            rate_rounds: 0,
            session,
        };
        for (company, contacts) in companies {
            let plan = plan_bulk(contacts, filter, change);
            let mut updates: HashMap<ContactId, Vec<PatchOp>> = plan.updates.into_iter().collect();
            for contact in contacts {
                let record =
                    |ops| Record { contact: contact.id, company: company.clone(), name: contact.full_name(), ops };
                if let Some(ops) = updates.remove(&contact.id) {
                    job.records.push(record(ops));
                    job.states.push(RecordState::Pending);
                } else if plan.already_set.contains(&contact.id) {
                    let r = record(Vec::new());
                    job.log.push(LogRow { kind: LogKind::Skip, text: format!("○ {} (already set)", r.label()) });
                    job.records.push(r);
                    job.states.push(RecordState::Skipped);
                }
            }
        }
        if job.remaining() == 0 {
            job.phase = Phase::Done;
        }
        job
    }

    /// Adds an error line that is not about one record (e.g. a company whose contacts could not be read).
    pub fn note_error(&mut self, text: impl Into<String>) {
        self.log.push(LogRow { kind: LogKind::Error, text: text.into() });
    }

    /// Every targeted record.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// The log, oldest first.
    pub fn log(&self) -> &[LogRow] {
        &self.log
    }

    /// The phase.
    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    /// The session the job was planned in.
    pub fn session(&self) -> u64 {
        self.session
    }

    /// Each record's state.
    pub fn states(&self) -> &[RecordState] {
        &self.states
    }

    /// Targeted records (sent or skipped).
    pub fn total(&self) -> usize {
        self.records.len()
    }

    /// Records not finished yet.
    pub fn remaining(&self) -> usize {
        self.states.iter().filter(|s| **s == RecordState::Pending).count()
    }

    /// Records finished (ok, error or skipped).
    pub fn finished(&self) -> usize {
        self.total() - self.remaining()
    }

    /// `#bulk-counter`: "N / Total".
    pub fn counter(&self) -> String {
        format!("{} / {}", self.finished(), self.total())
    }

    /// Share finished, 0.0 to 1.0 (1.0 for an empty job).
    pub fn fraction(&self) -> f64 {
        if self.total() == 0 { 1.0 } else { self.finished() as f64 / self.total() as f64 }
    }

    /// Ok / errors / skipped / remaining.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for state in &self.states {
            match state {
                RecordState::Pending => s.remaining += 1,
                RecordState::Ok => s.ok += 1,
                RecordState::Error(_) => s.errors += 1,
                RecordState::Skipped => s.skipped += 1,
            }
        }
        s
    }

    /// True while a runner owns the job.
    pub fn is_running(&self) -> bool {
        matches!(self.phase, Phase::Running | Phase::Stopping(_))
    }

    /// True when Resume makes sense: stopped with records left.
    pub fn can_resume(&self) -> bool {
        matches!(self.phase, Phase::Stopped(_) | Phase::Ready) && self.remaining() > 0
    }

    /// Starts (or resumes) the run; false when there is nothing to run or it already runs.
    pub fn start(&mut self) -> bool {
        if self.is_running() || self.remaining() == 0 {
            return false;
        }
        self.phase = Phase::Running;
        self.rate_rounds = 0;
        true
    }

    /// Asks a running job to stop after the record in flight.
    pub fn request_stop(&mut self, reason: impl Into<String>) {
        if self.phase == Phase::Running {
            self.phase = Phase::Stopping(reason.into());
        }
    }

    /// The runner's step: the next record to send, with the pause to take first; `None` when the runner
    /// must leave (finished, or stopped — the phase says which).
    pub fn next_record(&mut self) -> Option<(usize, Option<u32>)> {
        match &self.phase {
            Phase::Running => {}
            Phase::Stopping(reason) => {
                self.phase = Phase::Stopped(reason.clone());
                return None;
            }
            _ => return None,
        }
        let Some(index) = self.states.iter().position(|s| *s == RecordState::Pending) else {
            self.phase = Phase::Done;
            return None;
        };
        Some((index, self.limiter.before_request()))
    }

    /// Records what the PATCH for record `index` gave, and says what to do next.
    pub fn finish(&mut self, index: usize, outcome: Outcome) -> Next {
        if self.states.get(index) != Some(&RecordState::Pending) {
            return Next::Continue;
        }
        let label = self.records[index].label();
        match outcome {
            Outcome::Ok => {
                self.states[index] = RecordState::Ok;
                self.log.push(LogRow { kind: LogKind::Ok, text: format!("✓ {label}") });
            }
            Outcome::Failed(message) => {
                self.log.push(LogRow { kind: LogKind::Error, text: format!("✕ {label}: {message}") });
                self.states[index] = RecordState::Error(message);
            }
            Outcome::RateLimited(retry_after) => {
                if self.rate_rounds < RATE_LIMIT_ROUNDS && self.phase == Phase::Running {
                    self.rate_rounds += 1;
                    return Next::RetryAfter(retry_after.map(|s| s.clamp(1, 120) * 1000).unwrap_or(DEFAULT_RETRY_MS));
                }
                self.rate_rounds = 0;
                self.phase = Phase::Stopped(format!(
                    "ConnectWise keeps answering 429 (too many requests) for {label}; wait a minute, then Resume."
                ));
                return Next::Halt;
            }
        }
        self.rate_rounds = 0;
        if self.remaining() == 0 {
            self.phase = Phase::Done;
            return Next::Halt;
        }
        Next::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cw_shared::plan::BulkField;
    use serde_json::json;

    fn contacts(specs: &[(i32, &str, bool)]) -> Vec<Contact> {
        specs
            .iter()
            .map(|(id, first, inactive)| {
                serde_json::from_value(
                    json!({"id": id, "firstName": first, "lastName": "Doe", "inactiveFlag": inactive}),
                )
                .unwrap()
            })
            .collect()
    }

    fn job(n: i32) -> BulkJob {
        let change = BulkChange::parse(BulkField::InactiveFlag, "true").unwrap();
        let a: Vec<(i32, &str, bool)> = (1..=n).map(|i| (i, "Pat", false)).collect();
        let companies = vec![
            ("Acme".to_string(), contacts(&a)),
            ("Beta".to_string(), contacts(&[(100, "Sam", true), (101, "Lee", false)])),
        ];
        BulkJob::plan(&companies, BulkFilter::All, &change, RateLimiter::default(), 7)
    }

    fn run(job: &mut BulkJob, until: usize, sent: &mut Vec<usize>) {
        let mut n = 0;
        while let Some((i, _)) = job.next_record() {
            sent.push(i);
            assert_eq!(job.finish(i, Outcome::Ok), if job.remaining() == 0 { Next::Halt } else { Next::Continue });
            n += 1;
            if n == until {
                job.request_stop("Stopped");
            }
        }
    }

    #[test]
    fn planning_skips_contacts_already_at_the_value_and_counts_them_as_done() {
        let job = job(3);
        assert_eq!(job.total(), 5);
        assert_eq!(job.remaining(), 4);
        assert_eq!(job.counter(), "1 / 5");
        assert_eq!(job.log().len(), 1);
        assert_eq!(job.log()[0].kind, LogKind::Skip);
        assert_eq!(job.log()[0].text, "○ Beta — Sam Doe (already set)");
        assert_eq!(job.records()[0].label(), "Acme — Pat Doe");
        assert_eq!(job.session(), 7);
        assert!(job.can_resume(), "a ready job can start");
    }

    #[test]
    fn counter_and_summary_follow_each_outcome() {
        let mut job = job(3);
        assert!(job.start());
        let (i, pause) = job.next_record().unwrap();
        assert_eq!((i, pause), (0, None));
        assert_eq!(job.finish(i, Outcome::Ok), Next::Continue);
        let (i, _) = job.next_record().unwrap();
        assert_eq!(job.finish(i, Outcome::Failed("InvalidObject".into())), Next::Continue);
        assert_eq!(job.counter(), "3 / 5");
        assert!((job.fraction() - 0.6).abs() < 1e-9);
        assert_eq!(job.summary(), Summary { ok: 1, errors: 1, skipped: 1, remaining: 2 });
        let kinds: Vec<LogKind> = job.log().iter().map(|r| r.kind).collect();
        assert_eq!(kinds, vec![LogKind::Skip, LogKind::Ok, LogKind::Error]);
        assert_eq!(job.log()[2].text, "✕ Acme — Pat Doe: InvalidObject");
        // Finishing a finished record again changes nothing.
        assert_eq!(job.finish(0, Outcome::Failed("late".into())), Next::Continue);
        assert_eq!(job.summary().ok, 1);
        let mut sent = Vec::new();
        run(&mut job, usize::MAX, &mut sent);
        assert_eq!(job.phase(), &Phase::Done);
        assert_eq!(job.counter(), "5 / 5");
        assert_eq!(job.fraction(), 1.0);
        assert!(!job.can_resume());
    }

    #[test]
    fn resume_sends_exactly_the_remaining_records() {
        let mut job = job(6);
        assert!(job.start());
        let mut sent = Vec::new();
        run(&mut job, 3, &mut sent);
        assert_eq!(job.phase(), &Phase::Stopped("Stopped".into()));
        assert_eq!(job.counter(), "4 / 8");
        assert!(job.can_resume());
        assert!(job.start(), "resume");
        assert!(!job.start(), "already running");
        run(&mut job, usize::MAX, &mut sent);
        // Every pending record exactly once, in order; the skipped one never.
        let skipped = job.states().iter().position(|s| *s == RecordState::Skipped).unwrap();
        let expected: Vec<usize> = (0..job.total()).filter(|i| *i != skipped).collect();
        assert_eq!(sent, expected);
        assert_eq!(job.summary(), Summary { ok: 7, errors: 0, skipped: 1, remaining: 0 });
        assert_eq!(job.log().iter().filter(|r| r.kind == LogKind::Ok).count(), 7);
        assert!(!job.start(), "nothing left");
    }

    #[test]
    fn the_limiter_pauses_after_every_ten_requests() {
        let mut limiter = RateLimiter::default();
        let mut when = Vec::new();
        for n in 1..=21 {
            if let Some(ms) = limiter.before_request() {
                assert_eq!(ms, PAUSE_MS);
                when.push(n);
            }
        }
        assert_eq!(when, vec![11, 21], "the 11th and 21st requests wait");
        let mut limiter = RateLimiter::default();
        assert!((0..PAUSE_EVERY).all(|_| limiter.before_request().is_none()), "ten requests never pause");
    }

    #[test]
    fn the_job_carries_the_limiter_across_stop_and_resume() {
        // Two contact reads already counted: the 9th PATCH is the 11th request and waits.
        let change = BulkChange::parse(BulkField::InactiveFlag, "true").unwrap();
        let people: Vec<(i32, &str, bool)> = (1..=12).map(|i| (i, "Pat", false)).collect();
        let mut limiter = RateLimiter::default();
        limiter.before_request();
        limiter.before_request();
        let mut job = BulkJob::plan(&[("Acme".into(), contacts(&people))], BulkFilter::All, &change, limiter, 1);
        job.start();
        let mut pauses = Vec::new();
        let mut n = 0;
        while let Some((i, pause)) = job.next_record() {
            n += 1;
            if pause.is_some() {
                pauses.push(n);
            }
            job.finish(i, Outcome::Ok);
            if n == 5 {
                job.request_stop("tab left");
            }
        }
        assert!(job.start());
        while let Some((i, pause)) = job.next_record() {
            n += 1;
            if pause.is_some() {
                pauses.push(n);
            }
            job.finish(i, Outcome::Ok);
        }
        assert_eq!(n, 12);
        assert_eq!(pauses, vec![9]);
    }

    #[test]
    fn a_rate_limited_record_is_retried_then_left_for_resume() {
        let mut job = job(2);
        job.start();
        let (i, _) = job.next_record().unwrap();
        assert_eq!(job.finish(i, Outcome::RateLimited(Some(7))), Next::RetryAfter(7000));
        assert_eq!(job.finish(i, Outcome::RateLimited(None)), Next::RetryAfter(DEFAULT_RETRY_MS));
        assert_eq!(job.finish(i, Outcome::RateLimited(None)), Next::Halt);
        assert!(matches!(job.phase(), Phase::Stopped(reason) if reason.contains("429")));
        assert_eq!(job.states()[i], RecordState::Pending, "the record is not lost");
        assert!(job.can_resume());
        assert!(job.start());
        let (again, _) = job.next_record().unwrap();
        assert_eq!(again, i, "resume retries that record first");
        assert_eq!(job.finish(again, Outcome::Ok), Next::Continue);
    }

    #[test]
    fn a_job_with_nothing_to_send_is_done_at_once() {
        let change = BulkChange::parse(BulkField::InactiveFlag, "true").unwrap();
        let job = BulkJob::plan(
            &[("Beta".into(), contacts(&[(1, "Sam", true)]))],
            BulkFilter::All,
            &change,
            RateLimiter::default(),
            0,
        );
        assert_eq!(job.phase(), &Phase::Done);
        assert_eq!(job.counter(), "1 / 1");
        assert_eq!(job.summary(), Summary { ok: 0, errors: 0, skipped: 1, remaining: 0 });
    }
}
