//! The bulk job the panel (`crate::pages::bulk`) and the start-up banner
//! (`crate::components::bulk_recover`) share, and its journal.
//!
//! The job is `cw_shared::plan::bulk_job::BulkJob`; its JSON is saved in `localStorage` under
//! [`JOURNAL_KEY`] before every request goes out and after every answer, so a reload, a closed tab or a crash
//! leaves the job exactly as far as ConnectWise got, with the requests that were in flight marked for a
//! read-back.

use super::storage;
use cw_shared::plan::bulk_job::BulkJob;
use leptos::prelude::*;

/// The `localStorage` key of the journal.
pub const JOURNAL_KEY: &str = "cw-console.bulk-job";

/// The shared bulk state (a `Copy` handle, in context).
#[derive(Clone, Copy)]
pub struct BulkState {
    /// The job: previewed, running, paused or finished.
    pub job: RwSignal<Option<BulkJob>>,
    /// The form the preview was made from (filter, field, value, selection), so a changed form is noticed.
    pub planned_for: RwSignal<Option<String>>,
    /// True while a driver sends the job's requests (one at most).
    pub driving: RwSignal<bool>,
    /// Set when the journal could not be read or written, to say so once.
    pub journal_problem: RwSignal<Option<String>>,
}

impl BulkState {
    /// The state, with the job from an earlier page if the journal holds one.
    pub fn restore() -> Self {
        let (job, problem) = match load() {
            Some(Ok(job)) => (Some(job), None),
            Some(Err(e)) => (None, Some(e)),
            None => (None, None),
        };
        Self {
            job: RwSignal::new(job),
            planned_for: RwSignal::new(None),
            driving: RwSignal::new(false),
            journal_problem: RwSignal::new(problem),
        }
    }

    /// Saves the job as it is now (or forgets it); a full or blocked storage is reported once.
    pub fn save(&self) {
        let result = self.job.with_untracked(|job| match job {
            Some(job) if job.phase() != &cw_shared::plan::bulk_job::Phase::Ready => store(&job.to_journal()),
            _ => clear(),
        });
        if let Err(e) = result
            && self.journal_problem.get_untracked().is_none()
        {
            self.journal_problem.set(Some(e));
        }
    }

    /// True when the job was interrupted and can be resumed (paused with records left).
    pub fn interrupted(&self) -> bool {
        self.job.with(|j| j.as_ref().is_some_and(BulkJob::can_resume))
    }
}

/// The driver's clock: milliseconds since the epoch, so it goes on across reloads.
pub fn now_ms() -> u64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now() as u64
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
    }
}

/// The saved job, if any; `Err` when one is saved but cannot be resumed.
fn load() -> Option<Result<BulkJob, String>> {
    storage::load(JOURNAL_KEY).map(|json| BulkJob::from_journal(&json))
}

fn store(json: &str) -> Result<(), String> {
    storage::save(JOURNAL_KEY, json, "the bulk job's journal")
}

fn clear() -> Result<(), String> {
    storage::clear(JOURNAL_KEY);
    Ok(())
}
