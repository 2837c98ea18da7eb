//! The onboarding run the wizard (`crate::pages::onboard`) and the start-up banner
//! (`crate::components::onboard_recover`) share, and its journal.
//!
//! The run (`cw_shared::plan::OnboardingRun`) is its own journal: its JSON is saved under [`JOURNAL_KEY`]
//! before every POST goes out and after every answer, so a reload, a closed tab or a crash leaves exactly what
//! ConnectWise got, with a POST in flight marked for a search before it is sent again. A run that finished
//! (created everything, or was rolled back) is forgotten. A demo run is not journalled: the demo tenant lives
//! in the page and starts afresh on a reload, so its ids would point at nothing.

use super::{DEMO_TARGET, storage};
use cw_shared::plan::OnboardingRun;
use leptos::prelude::*;

/// The `localStorage` key of the journal.
pub const JOURNAL_KEY: &str = "cw-console.onboard-run";

/// The shared onboarding state (a `Copy` handle, in context).
#[derive(Clone, Copy)]
pub struct OnboardState {
    /// The run, once submitted (or restored from the journal).
    pub run: RwSignal<Option<OnboardingRun>>,
    /// True while a driver sends the run's (or the rollback's) requests.
    pub running: RwSignal<bool>,
    /// True when the run came from the journal of an earlier page.
    pub restored: RwSignal<bool>,
    /// Set when the journal could not be read or written, to say so.
    pub journal_problem: RwSignal<Option<String>>,
    /// Set by the start-up banner's Resume: the wizard continues the run (or its rollback) and clears it.
    pub resume_requested: RwSignal<bool>,
}

impl OnboardState {
    /// The state, with the run of an earlier page if the journal holds one.
    pub fn restore() -> Self {
        let (run, problem) = match storage::load(JOURNAL_KEY).map(|json| OnboardingRun::from_journal(&json)) {
            Some(Ok(run)) => (Some(run), None),
            Some(Err(e)) => (None, Some(e)),
            None => (None, None),
        };
        Self {
            restored: RwSignal::new(run.is_some()),
            run: RwSignal::new(run),
            running: RwSignal::new(false),
            journal_problem: RwSignal::new(problem),
            resume_requested: RwSignal::new(false),
        }
    }

    /// Saves the run as it is now, or forgets it once nothing is left to resume or undo.
    pub fn save(&self) {
        let result = self.run.with_untracked(|run| match run {
            Some(run) if needs_journal(run) && run.target() != DEMO_TARGET => {
                storage::save(JOURNAL_KEY, &run.to_journal(), "the onboarding journal")
            }
            _ => {
                storage::clear(JOURNAL_KEY);
                Ok(())
            }
        });
        if let Err(e) = result {
            self.journal_problem.set(Some(e));
        }
    }

    /// Drops the run and its journal ("Start another").
    pub fn forget(&self) {
        self.run.set(None);
        self.restored.set(false);
        storage::clear(JOURNAL_KEY);
    }

    /// True when a run is waiting for Resume or for its rollback to continue (and nothing is sending).
    pub fn interrupted(&self) -> bool {
        !self.running.get() && self.run.with(|r| r.as_ref().is_some_and(needs_journal))
    }
}

/// True while a run has something left that a reload must not lose: records to create, or a rollback to finish.
pub fn needs_journal(run: &OnboardingRun) -> bool {
    match run.rollback() {
        Some(rollback) => !rollback.is_done(),
        None => run.can_resume(),
    }
}
