//! Undoing a half-done onboarding run: what the run created is removed in reverse order (ticket, agreement,
//! contacts, site, company), one `DELETE` at a time. When ConnectWise refuses a delete (`400`, `403`, `409`:
//! "record possibly in use"), the record is deactivated instead where CW has a flag for it (a site's or a
//! contact's `inactiveFlag`, an agreement's `cancelledFlag`); a `404` means it is already gone. Each record's
//! outcome is kept, so the user sees exactly what is left in ConnectWise.
//!
//! A connection error or a 5xx stops the rollback on that record (DELETE is safe to repeat); Continue picks it up.

use serde::{Deserialize, Serialize};

use super::run::{OnboardingRun, OnboardingStep};
use crate::api::{self, ApiError};
use crate::http::{Request, Response};
use crate::ids::{AgreementId, CompanyId, ContactId, SiteId, TicketId};
use crate::patch::PatchOp;

/// What happened to one record of the rollback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum UndoState {
    /// Not undone yet.
    Pending,
    /// CW refused the DELETE; the deactivating PATCH is next.
    DeleteRefused {
        /// What CW said about the DELETE.
        message: String,
    },
    /// Deleted (`204`).
    Removed,
    /// CW would not delete it; it was deactivated instead.
    Deactivated {
        /// Why it could not be deleted.
        reason: String,
    },
    /// `404`: it was already gone.
    AlreadyGone,
    /// Neither deleted nor deactivated: it is still in ConnectWise.
    Failed {
        /// What CW said, and what to do by hand.
        message: String,
    },
}

impl UndoState {
    /// True when nothing more will be tried for this record.
    pub fn is_final(&self) -> bool {
        !matches!(self, UndoState::Pending | UndoState::DeleteRefused { .. })
    }
}

/// One record to undo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UndoItem {
    /// The run step that created it.
    pub step: OnboardingStep,
    /// "Contact Ann Lee".
    pub label: String,
    /// Its id.
    pub id: i32,
    /// The company it belongs to (a site's path needs it).
    pub company: i32,
    /// What happened so far.
    pub state: UndoState,
}

impl UndoItem {
    /// The deactivating PATCH, for the records CW can deactivate.
    fn deactivate(&self) -> Option<Request> {
        let request = match self.step {
            OnboardingStep::Site => {
                api::patch_site(CompanyId(self.company), SiteId(self.id), &[PatchOp::replace("inactiveFlag", true)])
                    .into_request()
            }
            OnboardingStep::Contact(_) => {
                api::patch_contact(ContactId(self.id), &[PatchOp::replace("inactiveFlag", true)]).into_request()
            }
            OnboardingStep::Agreement => {
                api::patch_agreement(AgreementId(self.id), &[PatchOp::replace("cancelledFlag", true)]).into_request()
            }
            OnboardingStep::Company | OnboardingStep::Ticket => return None,
        };
        Some(request)
    }

    fn delete(&self) -> Request {
        match self.step {
            OnboardingStep::Company => api::delete_company(CompanyId(self.id)),
            OnboardingStep::Site => api::delete_site(CompanyId(self.company), SiteId(self.id)),
            OnboardingStep::Contact(_) => api::delete_contact(ContactId(self.id)),
            OnboardingStep::Agreement => api::delete_agreement(AgreementId(self.id)),
            OnboardingStep::Ticket => api::delete_ticket(TicketId(self.id)),
        }
        .into_request()
    }

    /// What to do by hand when CW keeps the record.
    fn by_hand(&self) -> &'static str {
        match self.step {
            OnboardingStep::Company => "set its status to Inactive or delete it in ConnectWise Manage",
            OnboardingStep::Ticket => "close or delete the ticket in ConnectWise Manage",
            _ => "remove it in ConnectWise Manage",
        }
    }
}

/// The rollback of a run: its records newest first, each with its outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rollback {
    /// A step whose answer was lost: searched for first, so its record is undone too.
    pub(super) searching: Option<OnboardingStep>,
    /// The records, in the order they are undone.
    pub(super) items: Vec<UndoItem>,
    /// Why the rollback stopped before the end (connection, 5xx, a reload); cleared by
    /// [`Rollback::resume`].
    pub(super) stopped: Option<String>,
}

impl Rollback {
    /// The undo of everything `run` created, in reverse creation order.
    pub(super) fn plan(run: &OnboardingRun) -> Self {
        let company = run.company_id().map(|c| c.0).unwrap_or_default();
        let items = run
            .created()
            .into_iter()
            .rev()
            .map(|(step, id)| UndoItem { step, label: run.label(step), id, company, state: UndoState::Pending })
            .collect();
        Self { searching: None, items, stopped: None }
    }

    /// Every record and its outcome, in undo order.
    pub fn items(&self) -> &[UndoItem] {
        &self.items
    }

    /// Why the rollback is stopped, if it is.
    pub fn stopped(&self) -> Option<&str> {
        self.stopped.as_deref()
    }

    /// True when every record has its final outcome.
    pub fn is_done(&self) -> bool {
        self.searching.is_none() && self.items.iter().all(|i| i.state.is_final())
    }

    /// True when every record is gone or deactivated (nothing left by hand).
    pub fn is_clean(&self) -> bool {
        self.is_done() && !self.items.iter().any(|i| matches!(i.state, UndoState::Failed { .. }))
    }

    /// Continues a stopped rollback.
    pub fn resume(&mut self) {
        self.stopped = None;
    }

    /// Marks a rollback restored from a journal as stopped, so it continues only when the user says so.
    pub(super) fn interrupted(&mut self) {
        if !self.is_done() && self.stopped.is_none() {
            self.stopped = Some("The page was closed or reloaded during the rollback.".into());
        }
    }

    /// The current record (the first without a final outcome), skipping those with nothing left to try.
    fn current(&mut self) -> Option<&mut UndoItem> {
        self.items.iter_mut().find(|i| !i.state.is_final())
    }

    /// The DELETE, or the deactivating PATCH after a refused DELETE.
    pub(super) fn next_request(&self) -> Option<Request> {
        let item = self.items.iter().find(|i| !i.state.is_final())?;
        match item.state {
            UndoState::Pending => Some(item.delete()),
            _ => item.deactivate(),
        }
    }

    /// Records the answer to [`Rollback::next_request`].
    pub(super) fn record(&mut self, answer: Result<&Response, ApiError>) {
        let mut stop = None;
        if let Some(item) = self.current() {
            let refused_before = match &item.state {
                UndoState::DeleteRefused { message } => Some(message.clone()),
                _ => None,
            };
            let error = match answer {
                Ok(response) if response.is_success() => None,
                Ok(response) => Some(
                    api::parse_response::<()>(response)
                        .err()
                        .unwrap_or(ApiError::Http { status: response.status, body: String::new() }),
                ),
                Err(error) => Some(error),
            };
            item.state = match (error, refused_before) {
                (None, None) => UndoState::Removed,
                (None, Some(reason)) => UndoState::Deactivated { reason },
                (Some(e), _) if e.status() == Some(404) => UndoState::AlreadyGone,
                (Some(e), _) if e.is_retryable() || e.is_auth() => {
                    stop = Some(format!("Stopped at {}: {e}", item.label));
                    item.state.clone()
                }
                (Some(e), None) if item.deactivate().is_some() => UndoState::DeleteRefused { message: e.to_string() },
                (Some(e), refused) => {
                    let said = refused.map(|r| format!("{r}; then ")).unwrap_or_default();
                    UndoState::Failed { message: format!("ConnectWise kept it ({said}{e}): {}.", item.by_hand()) }
                }
            };
        }
        if stop.is_some() {
            self.stopped = stop;
        }
    }
}
