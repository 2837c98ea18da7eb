//! The bulk job as a state machine without I/O. The driver (the panel in the browser, the benchmark natively)
//! asks [`BulkJob::next`] what to do at time `now`, sends the [`Ticket`]'s request, and hands the answer
//! back to [`BulkJob::answer`]. The whole job serializes (serde), and that JSON is the journal: saved after
//! every change, it is what a reloaded page resumes from ([`BulkJob::from_journal`]).
//!
//! Each record holds the contact's value before and the value the job writes. Rules that keep a record
//! from being written twice or skipped:
//!
//! - A write that got no clear answer (network error, 5xx, the page closing while it was in flight) may
//!   have landed, so the record is read back before anything else: at the new value it is done, at the old
//!   value it is written again, at a third value someone else changed it and it is left alone.
//! - A 429 was not processed by CW: the same request goes again after `Retry-After`, and the bucket slows.
//! - Any other 4xx is that record's failure, with ConnectWise's message.
//! - An undo job reads every record first and writes the old value back only where the job's value is still
//!   there.

use serde::{Deserialize, Serialize};

use super::bucket::TokenBucket;
use crate::api::ApiError;
use crate::http::{Request, Response};
use crate::ids::ContactId;
use crate::model::Contact;
use crate::plan::bulk::{BulkChange, BulkField, BulkFilter, FieldValue, read_request, read_value};

/// Requests a job keeps in flight by default, to hide ConnectWise's latency.
pub const DEFAULT_IN_FLIGHT: usize = 4;
/// At most this many in flight (the panel's limit).
pub const MAX_IN_FLIGHT: usize = 16;
/// Unanswered tries (network errors, 5xx) per record before it is reported as failed.
pub const MAX_TRIES: u32 = 6;
/// The first retry waits about this long; each next one twice as long, with jitter.
pub const BACKOFF_BASE_MS: u64 = 500;
/// The longest wait between two tries.
pub const BACKOFF_CAP_MS: u64 = 30_000;
/// 429s in a row (no other answer between them) after which the job pauses and says so.
pub const MAX_RATE_LIMITED_IN_A_ROW: u32 = 12;
/// The journal format; a journal of another version is not resumed.
pub const JOURNAL_VERSION: u32 = 1;

/// A job that applies a change, or one that undoes an earlier job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum JobKind {
    /// Writes the new value.
    Apply,
    /// Writes the old values of an earlier job back.
    Undo,
}

/// Why a request is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Purpose {
    /// The write (PATCH, or POST/DELETE of a type association).
    Write,
    /// A read of the current value.
    Read,
}

/// Where one record stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum RecordState {
    /// To be written.
    Write,
    /// To be read first: `uncertain` when an earlier write may have landed.
    Check {
        /// An earlier write may have landed.
        uncertain: bool,
    },
    /// A request is out.
    InFlight {
        /// What it is for.
        purpose: Purpose,
        /// An earlier write may have landed.
        uncertain: bool,
    },
    /// ConnectWise holds the new value, written by this job.
    Ok,
    /// Nothing to write (the value was already there).
    Skipped {
        /// Why.
        reason: String,
    },
    /// Someone else changed the contact since the job read it; left alone.
    Changed {
        /// Its value now.
        now: String,
    },
    /// ConnectWise refused the write, or gave no answer after [`MAX_TRIES`].
    Failed {
        /// ConnectWise's message, or what went wrong.
        message: String,
    },
    /// The job was cancelled before this record was written.
    NotSent,
}

impl RecordState {
    /// True until the record is finished.
    pub fn is_open(&self) -> bool {
        matches!(self, RecordState::Write | RecordState::Check { .. } | RecordState::InFlight { .. })
    }

    /// The word the preview, the log and the CSV use.
    pub fn word(&self) -> &'static str {
        match self {
            RecordState::Write | RecordState::Check { .. } => "pending",
            RecordState::InFlight { .. } => "in flight",
            RecordState::Ok => "ok",
            RecordState::Skipped { .. } => "skipped",
            RecordState::Changed { .. } => "changed since",
            RecordState::Failed { .. } => "failed",
            RecordState::NotSent => "not sent",
        }
    }

    /// The message behind a skipped, changed or failed record.
    pub fn detail(&self) -> Option<String> {
        match self {
            RecordState::Skipped { reason } => Some(reason.clone()),
            RecordState::Changed { now } => Some(format!("changed in ConnectWise since (now {now}); left alone")),
            RecordState::Failed { message } => Some(message.clone()),
            RecordState::NotSent => Some("cancelled before it was sent".into()),
            _ => None,
        }
    }
}

/// One targeted contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    /// The contact.
    pub contact: ContactId,
    /// Its company's name.
    pub company: String,
    /// "First Last".
    pub name: String,
    /// Its value when the job was planned.
    pub before: FieldValue,
    /// The value the job writes.
    pub after: FieldValue,
    /// Where it stands.
    pub state: RecordState,
    /// Tries that got no clear answer.
    #[serde(default)]
    pub tries: u32,
    /// Not to be sent before this time (backoff).
    #[serde(default)]
    pub not_before: u64,
}

impl Record {
    /// "Company — First Last".
    pub fn label(&self) -> String {
        format!("{} — {}", self.company, self.name)
    }
}

/// What the job is doing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "camelCase")]
pub enum Phase {
    /// Planned and previewed; nothing sent.
    Ready,
    /// Sending.
    Running,
    /// Paused (by the user, a persistent 429, the credentials, or an interrupted page); Resume continues.
    Paused {
        /// Why.
        reason: String,
    },
    /// Cancelled: nothing more is written; writes whose answer was lost are still read back.
    Cancelled,
    /// Every record is finished.
    Done,
}

/// The kind of a log row (its class in `#bulk-log`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LogKind {
    /// `.log-ok`.
    Ok,
    /// `.log-error`.
    Error,
    /// `.log-skip`.
    Skip,
    /// `.log-info`: the job's own events (429 waits, pauses).
    Info,
}

impl LogKind {
    /// The row's class.
    pub fn class(self) -> &'static str {
        match self {
            LogKind::Ok => "log-ok",
            LogKind::Error => "log-error",
            LogKind::Skip => "log-skip",
            LogKind::Info => "log-info",
        }
    }
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogRow {
    /// Ok, error, skipped or info.
    pub kind: LogKind,
    /// The text (rendered as text).
    pub text: String,
}

/// Counts of what the job sent and got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// Writes sent.
    pub writes: u32,
    /// Reads sent (read-backs and undo checks).
    pub reads: u32,
    /// 429 answers.
    pub rate_limited: u32,
    /// Network errors and 5xx answers.
    pub unanswered: u32,
}

/// Records by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Written by the job.
    pub ok: usize,
    /// Refused or unanswered.
    pub failed: usize,
    /// Already at the value.
    pub skipped: usize,
    /// Changed by someone else.
    pub changed: usize,
    /// Cancelled before being sent.
    pub not_sent: usize,
    /// Not finished.
    pub open: usize,
}

/// How fast a job goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Requests per minute (the token bucket's rate).
    pub rate_per_min: u32,
    /// Requests in flight at once.
    pub in_flight: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self { rate_per_min: super::bucket::DEFAULT_RATE_PER_MIN, in_flight: DEFAULT_IN_FLIGHT }
    }
}

/// A request to send for record `index`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticket {
    /// The record.
    pub index: usize,
    /// Write or read.
    pub purpose: Purpose,
    /// The request.
    pub request: Request,
}

/// What the driver does next.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Send this, then call [`BulkJob::next`] again at once.
    Send(Ticket),
    /// Nothing may go before this time (the bucket, a backoff or `Retry-After`); wake then, or when an answer
    /// arrives.
    WaitUntil(u64),
    /// Wait for an answer of a request in flight.
    Busy,
    /// Nothing to send and nothing in flight: the job is paused, cancelled or done (see [`BulkJob::phase`]).
    Idle,
}

/// An answer, as the job sees it.
enum Answer<'a> {
    Success(&'a Response),
    RateLimited(Option<u32>),
    Credentials(String),
    Unanswered(String),
    Refused(u16, String),
}

fn classify<'a>(result: Result<&'a Response, &str>) -> Answer<'a> {
    let response = match result {
        Ok(r) => r,
        Err(message) => return Answer::Unanswered(message.to_string()),
    };
    if response.is_success() {
        return Answer::Success(response);
    }
    let error = crate::api::parse_response::<serde_json::Value>(response).unwrap_err();
    match error {
        ApiError::RateLimited { retry_after, .. } => Answer::RateLimited(retry_after),
        e if e.is_auth() => Answer::Credentials(e.to_string()),
        e if response.status >= 500 || response.status == 408 => Answer::Unanswered(e.to_string()),
        e => Answer::Refused(response.status, e.to_string()),
    }
}

/// What the job needs to know about where it runs and when it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobMeta {
    /// A unique id (the driver's choice, e.g. `bulk-<epoch ms>`).
    pub id: String,
    /// Which ConnectWise it writes to ("DEMO", or "host · company"); a job resumes only there.
    pub target: String,
    /// The time it is planned (the driver's clock, ms).
    pub now: u64,
}

/// A planned bulk job and its progress; serialized, it is the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkJob {
    version: u32,
    id: String,
    kind: JobKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    undoes: Option<String>,
    target: String,
    created: u64,
    field: BulkField,
    change: String,
    records: Vec<Record>,
    phase: Phase,
    bucket: TokenBucket,
    max_in_flight: usize,
    #[serde(skip)]
    in_flight: usize,
    rng: u64,
    rate_limited_in_a_row: u32,
    stats: Stats,
    log: Vec<LogRow>,
}

impl BulkJob {
    /// Plans the job over each selected company's contacts (company name, contacts), in order: the filter
    /// picks the targets, those already at the value are skipped, every other one is to be written.
    pub fn plan(
        meta: JobMeta,
        companies: &[(String, Vec<Contact>)],
        filter: BulkFilter,
        change: &BulkChange,
        settings: Settings,
    ) -> Self {
        let mut job = Self::empty(meta, JobKind::Apply, change.field(), change.describe(), settings);
        for (company, contacts) in companies {
            for contact in contacts.iter().filter(|c| filter.matches(c)) {
                let before = change.current(contact);
                let set = before.same(change.target());
                let record = Record {
                    contact: contact.id,
                    company: company.clone(),
                    name: contact.full_name(),
                    before,
                    after: change.target().clone(),
                    state: if set { RecordState::Skipped { reason: "already set".into() } } else { RecordState::Write },
                    tries: 0,
                    not_before: 0,
                };
                if set {
                    job.push_log(LogKind::Skip, format!("○ {} (already set)", record.label()));
                }
                job.records.push(record);
            }
        }
        job.settle();
        job
    }

    fn empty(meta: JobMeta, kind: JobKind, field: BulkField, change: String, settings: Settings) -> Self {
        let seed = meta.id.bytes().fold(0x9E37_79B9_7F4A_7C15_u64, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01B3));
        Self {
            version: JOURNAL_VERSION,
            id: meta.id,
            kind,
            undoes: None,
            target: meta.target,
            created: meta.now,
            field,
            change,
            records: Vec::new(),
            phase: Phase::Ready,
            bucket: TokenBucket::new(settings.rate_per_min, meta.now),
            max_in_flight: settings.in_flight.clamp(1, MAX_IN_FLIGHT),
            in_flight: 0,
            rng: seed | 1,
            rate_limited_in_a_row: 0,
            stats: Stats::default(),
            log: Vec::new(),
        }
    }

    /// The job that undoes this one: every record this job wrote gets its old value back, but only where
    /// ConnectWise still holds this job's value (each is read first). `None` while this job can still write,
    /// for an undo job, or when it wrote nothing.
    pub fn undo(&self, meta: JobMeta, settings: Settings) -> Option<BulkJob> {
        if self.kind != JobKind::Apply || !self.is_finished() {
            return None;
        }
        let mut undo = Self::empty(meta, JobKind::Undo, self.field, format!("Undo of: {}", self.change), settings);
        undo.undoes = Some(self.id.clone());
        for r in self.records.iter().filter(|r| r.state == RecordState::Ok) {
            let after = match (&r.before, &r.after) {
                // Removing the type again deletes the association this job created.
                (FieldValue::Type { of, has: false, .. }, FieldValue::Type { association, .. }) => {
                    FieldValue::Type { of: of.clone(), has: false, association: *association }
                }
                (before, _) => before.clone(),
            };
            undo.records.push(Record {
                contact: r.contact,
                company: r.company.clone(),
                name: r.name.clone(),
                before: r.after.clone(),
                after,
                state: RecordState::Check { uncertain: false },
                tries: 0,
                not_before: 0,
            });
        }
        (!undo.records.is_empty()).then_some(undo)
    }

    /// The journal: this job as JSON.
    pub fn to_journal(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A job back from its journal, ready to resume: requests that were in flight when the page went away
    /// are read back before anything else, and a running job comes back paused.
    pub fn from_journal(json: &str) -> Result<BulkJob, String> {
        let mut job: BulkJob =
            serde_json::from_str(json).map_err(|e| format!("the saved bulk job is unreadable: {e}"))?;
        if job.version != JOURNAL_VERSION {
            return Err(format!("the saved bulk job is of another version ({})", job.version));
        }
        let mut lost = 0;
        for r in &mut job.records {
            if let RecordState::InFlight { purpose, uncertain } = r.state {
                lost += 1;
                r.state = RecordState::Check { uncertain: uncertain || purpose == Purpose::Write };
                r.not_before = 0;
            }
        }
        job.in_flight = 0;
        if job.phase == Phase::Running {
            job.phase = Phase::Paused {
                reason: format!(
                    "Interrupted: the page was closed or reloaded with {lost} request(s) in flight. Resume reads \
                     those back first, so nothing is written twice."
                ),
            };
        }
        Ok(job)
    }

    /// The job id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Apply or undo.
    pub fn kind(&self) -> JobKind {
        self.kind
    }

    /// The job an undo job undoes.
    pub fn undoes(&self) -> Option<&str> {
        self.undoes.as_deref()
    }

    /// Which ConnectWise the job writes to.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// When it was planned.
    pub fn created(&self) -> u64 {
        self.created
    }

    /// The field.
    pub fn field(&self) -> BulkField {
        self.field
    }

    /// "Inactive → true".
    pub fn change(&self) -> &str {
        &self.change
    }

    /// Every targeted record, in order.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// The phase.
    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    /// The log, oldest first.
    pub fn log(&self) -> &[LogRow] {
        &self.log
    }

    /// What was sent and answered.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// The pace.
    pub fn bucket(&self) -> &TokenBucket {
        &self.bucket
    }

    /// Requests in flight now.
    pub fn in_flight(&self) -> usize {
        self.in_flight
    }

    /// Sets the rate (requests per minute), also mid-run.
    pub fn set_rate(&mut self, per_min: u32) {
        self.bucket.set_rate(per_min);
    }

    /// Records by state.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for r in &self.records {
            match r.state {
                RecordState::Ok => s.ok += 1,
                RecordState::Failed { .. } => s.failed += 1,
                RecordState::Skipped { .. } => s.skipped += 1,
                RecordState::Changed { .. } => s.changed += 1,
                RecordState::NotSent => s.not_sent += 1,
                _ => s.open += 1,
            }
        }
        s
    }

    /// Records in all.
    pub fn total(&self) -> usize {
        self.records.len()
    }

    /// Records finished.
    pub fn finished(&self) -> usize {
        self.total() - self.summary().open
    }

    /// `#bulk-counter`: "N / Total".
    pub fn counter(&self) -> String {
        format!("{} / {}", self.finished(), self.total())
    }

    /// True once nothing more will be sent: done, or cancelled with every lost answer read back.
    pub fn is_finished(&self) -> bool {
        match self.phase {
            Phase::Done => true,
            Phase::Cancelled => self.in_flight == 0 && self.summary().open == 0,
            _ => false,
        }
    }

    /// True when Resume makes sense: paused (or planned) with records left.
    pub fn can_resume(&self) -> bool {
        matches!(self.phase, Phase::Paused { .. }) && self.summary().open > 0
    }

    /// Starts or resumes the run; false when there is nothing to run or it already runs.
    pub fn start(&mut self) -> bool {
        if !matches!(self.phase, Phase::Ready | Phase::Paused { .. }) || self.summary().open == 0 {
            return false;
        }
        self.phase = Phase::Running;
        self.rate_limited_in_a_row = 0;
        true
    }

    /// Pauses: nothing new is sent; requests in flight are still answered.
    pub fn pause(&mut self, reason: impl Into<String>) {
        if matches!(self.phase, Phase::Running | Phase::Ready) {
            let reason = reason.into();
            self.push_log(LogKind::Info, format!("⏸ {reason}"));
            self.phase = Phase::Paused { reason };
        }
    }

    /// Cancels: records not written yet are not sent; writes whose answer was lost are still read back, so
    /// the result says truthfully what ConnectWise holds.
    pub fn cancel(&mut self) {
        if matches!(self.phase, Phase::Done | Phase::Cancelled) {
            return;
        }
        self.phase = Phase::Cancelled;
        let mut not_sent = 0;
        for r in &mut self.records {
            if matches!(r.state, RecordState::Write | RecordState::Check { uncertain: false }) {
                r.state = RecordState::NotSent;
                not_sent += 1;
            }
        }
        self.push_log(LogKind::Info, format!("■ Cancelled: {not_sent} record(s) not sent"));
    }

    /// What to do at time `now`.
    pub fn next(&mut self, now: u64) -> Step {
        loop {
            if self.in_flight >= self.max_in_flight {
                return Step::Busy;
            }
            let running = self.phase == Phase::Running;
            let cancelled = self.phase == Phase::Cancelled;
            let mut soonest: Option<u64> = None;
            let mut chosen = None;
            for (i, r) in self.records.iter().enumerate() {
                let eligible = match r.state {
                    RecordState::Write => running,
                    RecordState::Check { uncertain } => running || (cancelled && uncertain),
                    _ => false,
                };
                if !eligible {
                    continue;
                }
                if r.not_before <= now {
                    chosen = Some(i);
                    break;
                }
                soonest = Some(soonest.map_or(r.not_before, |s| s.min(r.not_before)));
            }
            let Some(index) = chosen else {
                if let Some(at) = soonest {
                    return Step::WaitUntil(at);
                }
                if self.in_flight > 0 {
                    return Step::Busy;
                }
                self.settle();
                return Step::Idle;
            };
            if let Err(at) = self.bucket.take(now) {
                return Step::WaitUntil(at);
            }
            let record = &mut self.records[index];
            let (purpose, uncertain, request) = match record.state {
                RecordState::Check { uncertain } => {
                    (Purpose::Read, uncertain, Some(read_request(self.field, record.contact)))
                }
                _ => (Purpose::Write, false, record.after.write(self.field, record.contact)),
            };
            let Some(request) = request else {
                record.state = RecordState::Failed {
                    message: "the type association to remove is unknown; remove the type in ConnectWise".into(),
                };
                let text = format!("✕ {}: {}", record.label(), "the type association to remove is unknown");
                self.push_log(LogKind::Error, text);
                continue;
            };
            record.state = RecordState::InFlight { purpose, uncertain };
            self.in_flight += 1;
            match purpose {
                Purpose::Write => self.stats.writes += 1,
                Purpose::Read => self.stats.reads += 1,
            }
            return Step::Send(Ticket { index, purpose, request });
        }
    }

    /// Records the answer to a [`Ticket`] (`Err`: no answer at all, with what went wrong).
    pub fn answer(&mut self, ticket: &Ticket, now: u64, result: Result<&Response, &str>) {
        let Some(record) = self.records.get(ticket.index) else { return };
        let RecordState::InFlight { purpose, uncertain } = record.state else { return };
        if purpose != ticket.purpose {
            return;
        }
        self.in_flight = self.in_flight.saturating_sub(1);
        let index = ticket.index;
        // The state to go back to when the request did nothing.
        let again = match purpose {
            Purpose::Write => RecordState::Write,
            Purpose::Read => RecordState::Check { uncertain },
        };
        match classify(result) {
            Answer::RateLimited(retry_after) => {
                self.stats.rate_limited += 1;
                self.rate_limited_in_a_row += 1;
                let fresh = now >= self.bucket.blocked_until();
                self.bucket.rate_limited(now, retry_after);
                if fresh {
                    let wait = (self.bucket.blocked_until() - now).div_ceil(1000);
                    let rate = self.bucket.current();
                    self.push_log(
                        LogKind::Info,
                        format!("⏳ ConnectWise answered 429: waiting {wait} s, then {rate} requests a minute"),
                    );
                }
                self.put_back(index, again);
                if self.rate_limited_in_a_row >= MAX_RATE_LIMITED_IN_A_ROW {
                    self.pause(format!(
                        "ConnectWise answered 429 (too many requests) {MAX_RATE_LIMITED_IN_A_ROW} times in a row. \
                         Lower the rate or wait a few minutes, then Resume."
                    ));
                }
            }
            Answer::Credentials(message) => {
                self.put_back(index, again);
                self.pause(format!("ConnectWise refused the credentials ({message}). Reconnect, then Resume."));
            }
            Answer::Unanswered(message) => {
                self.stats.unanswered += 1;
                self.rate_limited_in_a_row = 0;
                let uncertain = uncertain || purpose == Purpose::Write;
                let record = &mut self.records[index];
                record.tries += 1;
                if record.tries >= MAX_TRIES {
                    let message = if uncertain {
                        format!(
                            "no clear answer after {MAX_TRIES} tries ({message}); the change may or may not have \
                             been applied: check this contact in ConnectWise"
                        )
                    } else {
                        format!("no answer after {MAX_TRIES} tries ({message})")
                    };
                    self.fail(index, message);
                } else {
                    let wait = self.backoff(self.records[index].tries);
                    let record = &mut self.records[index];
                    record.not_before = now + wait;
                    record.state = RecordState::Check { uncertain };
                    // A read that got no answer is simply read again; so is a write (read back first).
                }
            }
            Answer::Refused(status, message) => {
                self.bucket.answered();
                self.rate_limited_in_a_row = 0;
                let message = if purpose == Purpose::Read && status == 404 {
                    "the contact no longer exists in ConnectWise".to_string()
                } else {
                    message
                };
                self.fail(index, message);
            }
            Answer::Success(response) => {
                self.bucket.answered();
                self.rate_limited_in_a_row = 0;
                match purpose {
                    Purpose::Write => {
                        let record = &mut self.records[index];
                        record.after = record.after.written(response);
                        record.state = RecordState::Ok;
                        let text = format!("✓ {}", record.label());
                        self.push_log(LogKind::Ok, text);
                    }
                    Purpose::Read => self.read_back(index, uncertain, response),
                }
            }
        }
        self.settle();
    }

    fn read_back(&mut self, index: usize, uncertain: bool, response: &Response) {
        let current = match read_value(self.field, &self.records[index].after, response) {
            Ok(v) => v,
            Err(e) => return self.fail(index, format!("could not read the contact back: {e}")),
        };
        let cancelled = self.phase == Phase::Cancelled;
        let record = &mut self.records[index];
        let label = record.label();
        if current.same(&record.after) {
            if let FieldValue::Type { has: true, .. } = current {
                record.after = current;
            }
            if uncertain {
                record.state = RecordState::Ok;
                self.push_log(LogKind::Ok, format!("✓ {label} (confirmed by reading it back)"));
            } else {
                record.state = RecordState::Skipped { reason: "already at the value".into() };
                self.push_log(LogKind::Skip, format!("○ {label} (already at the value)"));
            }
        } else if current.same(&record.before) {
            if let (FieldValue::Type { association: now, .. }, FieldValue::Type { has: false, association, .. }) =
                (&current, &mut record.after)
            {
                *association = *now;
            }
            record.state = if cancelled { RecordState::NotSent } else { RecordState::Write };
        } else {
            let now = current.text();
            record.state = RecordState::Changed { now: now.clone() };
            self.push_log(LogKind::Error, format!("≠ {label}: changed in ConnectWise since (now {now}); left alone"));
        }
    }

    fn put_back(&mut self, index: usize, state: RecordState) {
        let cancelled = self.phase == Phase::Cancelled;
        self.records[index].state = match state {
            RecordState::Write if cancelled => RecordState::NotSent,
            RecordState::Check { uncertain: false } if cancelled => RecordState::NotSent,
            other => other,
        };
    }

    fn fail(&mut self, index: usize, message: String) {
        let record = &mut self.records[index];
        let text = format!("✕ {}: {message}", record.label());
        record.state = RecordState::Failed { message };
        self.push_log(LogKind::Error, text);
    }

    /// Exponential backoff with jitter: the n-th retry waits between half and all of `base · 2^(n-1)`.
    fn backoff(&mut self, tries: u32) -> u64 {
        let full = BACKOFF_BASE_MS.saturating_mul(1 << tries.saturating_sub(1).min(16)).min(BACKOFF_CAP_MS);
        // xorshift64: deterministic per job, enough to spread retries.
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        full / 2 + self.rng % (full / 2 + 1)
    }

    fn settle(&mut self) {
        if self.phase == Phase::Running && self.in_flight == 0 && self.summary().open == 0 {
            self.phase = Phase::Done;
        }
        if self.phase == Phase::Ready && self.summary().open == 0 {
            self.phase = Phase::Done;
        }
    }

    fn push_log(&mut self, kind: LogKind, text: String) {
        self.log.push(LogRow { kind, text });
    }
}
