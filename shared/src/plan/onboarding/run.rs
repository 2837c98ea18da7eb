//! The run: a state machine that hands out one request at a time, and is its own journal.
//!
//! Before a POST goes out the driver calls [`OnboardingRun::begin`], which marks the step *sent*, and saves the
//! journal ([`OnboardingRun::to_journal`]); the answer is then [`OnboardingRun::record`]ed and the journal saved
//! again. A step that was sent but has no recorded answer (the tab closed, the connection dropped, CW answered a
//! 5xx) may or may not exist in ConnectWise: it becomes *unsure*, and its next request is a search for the record
//! (company by identifier, site by name, contact by name, agreement by name, ticket by summary, all under the new
//! company). A hit is adopted and not created again; a miss sends the POST.

use serde::{Deserialize, Serialize};

use super::draft::{DraftProblem, OnboardingDraft};
use super::rollback::Rollback;
use crate::api::{self, ApiError, of_company, parse_response};
use crate::http::{Method, Request, Response};
use crate::ids::{AgreementId, CompanyId, ContactId, SiteId, TicketId};
use crate::model::{Agreement, Company, Contact, Site, Ticket};
use crate::plan::WizardStep;
use crate::query::Condition;

/// The journal format; a journal of another version is not resumed.
pub const JOURNAL_VERSION: u32 = 2;

/// One POST of the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum OnboardingStep {
    /// `POST /company/companies`.
    Company,
    /// `POST /company/companies/{id}/sites`.
    Site,
    /// `POST /company/contacts` for draft contact `n` (0-based).
    Contact(usize),
    /// `POST /finance/agreements`.
    Agreement,
    /// `POST /service/tickets`.
    Ticket,
}

impl OnboardingStep {
    /// The wizard page the step's data comes from (where to send the user to fix a failure).
    pub fn wizard_step(self) -> WizardStep {
        match self {
            OnboardingStep::Company => WizardStep::Company,
            OnboardingStep::Site => WizardStep::Site,
            OnboardingStep::Contact(_) => WizardStep::Contacts,
            OnboardingStep::Agreement => WizardStep::Agreement,
            OnboardingStep::Ticket => WizardStep::Ticket,
        }
    }
}

/// What happened to a step.
#[derive(Debug, Clone, PartialEq)]
pub enum StepOutcome {
    /// Created, with the new record's id.
    Created {
        /// The id CW gave the record.
        id: i32,
    },
    /// Not wanted (agreement or ticket switched off).
    Skipped {
        /// Why.
        reason: String,
    },
    /// CW refused it; the run stopped here.
    Failed {
        /// What CW said, readable.
        message: String,
    },
    /// Not run yet (or not reached because an earlier step failed).
    Pending,
}

/// The run's result so far, one row per step.
#[derive(Debug, Clone, PartialEq)]
pub struct OnboardingSummary {
    /// `(step, label, outcome)` in run order, e.g. `(Company, "Company Acme Ltd", Created { id: 250 })`.
    pub rows: Vec<(OnboardingStep, String, StepOutcome)>,
    /// Things worth knowing (e.g. a site CW created with the company on its own).
    pub notes: Vec<String>,
}

impl OnboardingSummary {
    /// The created records: `(label, id)`.
    pub fn created(&self) -> Vec<(&str, i32)> {
        self.rows
            .iter()
            .filter_map(|(_, label, outcome)| match outcome {
                StepOutcome::Created { id } => Some((label.as_str(), *id)),
                _ => None,
            })
            .collect()
    }

    /// The skipped steps: `(label, reason)`.
    pub fn skipped(&self) -> Vec<(&str, &str)> {
        self.rows
            .iter()
            .filter_map(|(_, label, outcome)| match outcome {
                StepOutcome::Skipped { reason } => Some((label.as_str(), reason.as_str())),
                _ => None,
            })
            .collect()
    }
}

/// The onboarding run: a state machine that hands out one request at a time.
///
/// ```text
/// let mut run = OnboardingRun::start(draft)?;
/// while let Some(request) = run.begin() {         // marks a POST as sent
///     save(run.to_journal());
///     match transport.send(request).await {
///         Ok(response) => if run.record(&response).is_err() { break },
///         Err(e) => { run.record_error(e); break }   // the step becomes unsure: looked up on resume
///     }
///     save(run.to_journal());
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OnboardingRun {
    version: u32,
    /// Where the run writes (the session's target), so a journal is resumed only against the same tenant.
    target: String,
    draft: OnboardingDraft,
    company: Option<CompanyId>,
    site: Option<SiteId>,
    contacts: Vec<Option<ContactId>>,
    agreement: Option<AgreementId>,
    ticket: Option<TicketId>,
    failure: Option<(OnboardingStep, ApiError)>,
    notes: Vec<String>,
    /// The step whose POST went out and whose answer is not recorded yet.
    sent: Option<OnboardingStep>,
    /// The step whose POST may have landed without us knowing: searched for before it is sent again.
    unsure: Option<OnboardingStep>,
    /// The draft as it was when the last POST went out: an unsure step is searched for as it was sent, even
    /// when the draft was fixed since (a new identifier must not hide the company the lost POST created).
    sent_as: Option<OnboardingDraft>,
    /// The rollback, once the user asked for one.
    rollback: Option<Rollback>,
}

impl OnboardingRun {
    /// Starts a run if the draft is valid, else returns every problem.
    pub fn start(draft: OnboardingDraft) -> Result<Self, Vec<DraftProblem>> {
        let problems = draft.validate();
        if !problems.is_empty() {
            return Err(problems);
        }
        let contacts = vec![None; draft.contacts.len()];
        Ok(Self {
            version: JOURNAL_VERSION,
            target: String::new(),
            draft,
            company: None,
            site: None,
            contacts,
            agreement: None,
            ticket: None,
            failure: None,
            notes: Vec::new(),
            sent: None,
            unsure: None,
            sent_as: None,
            rollback: None,
        })
    }

    /// Sets where the run writes (e.g. `DEMO` or `na.myconnectwise.net / acme`).
    pub fn with_target(mut self, target: impl Into<String>) -> Self {
        self.target = target.into();
        self
    }

    /// Where the run writes.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The journal: the whole run as JSON (draft, ids, failure, the step in flight, the rollback).
    pub fn to_journal(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A run from its journal. A step that was in flight when the journal was written becomes unsure: its next
    /// request searches ConnectWise for the record before anything is sent again.
    pub fn from_journal(json: &str) -> Result<Self, String> {
        let mut run: Self = serde_json::from_str(json)
            .map_err(|e| format!("the saved onboarding run cannot be read ({e}); it was left as it is"))?;
        if run.version != JOURNAL_VERSION {
            return Err(format!(
                "the saved onboarding run is from another version of the console (journal {}, this console {})",
                run.version, JOURNAL_VERSION
            ));
        }
        run.contacts.resize(run.draft.contacts.len(), None);
        if let Some(step) = run.sent.take() {
            run.unsure = Some(step);
        }
        if let Some(rollback) = run.rollback.as_mut() {
            rollback.interrupted();
        }
        Ok(run)
    }

    /// The draft being run.
    pub fn draft(&self) -> &OnboardingDraft {
        &self.draft
    }

    /// The draft, to fix after a failure. Changes to records already created have no effect; do not remove
    /// contacts that were created (see [`OnboardingRun::is_created`]).
    pub fn draft_mut(&mut self) -> &mut OnboardingDraft {
        &mut self.draft
    }

    /// Every step of this run, in order (agreement and ticket only when wanted).
    pub fn steps(&self) -> Vec<OnboardingStep> {
        let mut steps = vec![OnboardingStep::Company, OnboardingStep::Site];
        steps.extend((0..self.draft.contacts.len()).map(OnboardingStep::Contact));
        if self.draft.agreement.is_some() {
            steps.push(OnboardingStep::Agreement);
        }
        if self.draft.ticket.is_some() {
            steps.push(OnboardingStep::Ticket);
        }
        steps
    }

    /// A step's label: "Company Acme Corp", "Contact Ann Lee", "Ticket Onboarding — Acme Corp".
    pub fn label(&self, step: OnboardingStep) -> String {
        let d = &self.draft;
        match step {
            OnboardingStep::Company => format!("Company {}", d.company.name.trim()),
            OnboardingStep::Site => format!("Site {}", d.site.name.trim()),
            OnboardingStep::Contact(i) => match d.contacts.get(i) {
                Some(c) => format!("Contact {}", c.full_name()),
                None => format!("Contact {}", i + 1),
            },
            OnboardingStep::Agreement => match &d.agreement {
                Some(a) => format!("Agreement {}", a.name.trim()),
                None => "Agreement".into(),
            },
            OnboardingStep::Ticket => format!("Ticket {}", d.ticket_summary()),
        }
    }

    /// The id of the record a step created, if it did.
    pub fn created_id(&self, step: OnboardingStep) -> Option<i32> {
        match step {
            OnboardingStep::Company => self.company.map(|id| id.0),
            OnboardingStep::Site => self.site.map(|id| id.0),
            OnboardingStep::Contact(i) => self.contacts.get(i).copied().flatten().map(|id| id.0),
            OnboardingStep::Agreement => self.agreement.map(|id| id.0),
            OnboardingStep::Ticket => self.ticket.map(|id| id.0),
        }
    }

    /// Every record this run created, in creation order: `(step, id)`.
    pub fn created(&self) -> Vec<(OnboardingStep, i32)> {
        let mut all = vec![OnboardingStep::Company, OnboardingStep::Site];
        all.extend((0..self.contacts.len()).map(OnboardingStep::Contact));
        all.extend([OnboardingStep::Agreement, OnboardingStep::Ticket]);
        all.into_iter().filter_map(|s| self.created_id(s).map(|id| (s, id))).collect()
    }

    /// True when the step's record exists in CW.
    pub fn is_created(&self, step: OnboardingStep) -> bool {
        self.created_id(step).is_some()
    }

    /// The step waiting to run: `None` when the run is complete, stopped on a failure, or being rolled back.
    pub fn current_step(&self) -> Option<OnboardingStep> {
        if self.failure.is_some() || self.rollback.is_some() {
            return None;
        }
        self.steps().into_iter().find(|s| !self.is_created(*s))
    }

    /// The step that failed and why, while the run is stopped.
    pub fn failure(&self) -> Option<(OnboardingStep, &ApiError)> {
        self.failure.as_ref().map(|(step, error)| (*step, error))
    }

    /// The step whose record may exist without the run knowing its id (its answer was lost).
    pub fn unsure(&self) -> Option<OnboardingStep> {
        self.unsure.or(self.sent)
    }

    /// True when every wanted record was created.
    pub fn is_complete(&self) -> bool {
        self.failure.is_none() && self.rollback.is_none() && self.current_step().is_none()
    }

    /// True when the run has records left to create and nothing stops it but a Resume (a reload, a closed tab,
    /// a failure).
    pub fn can_resume(&self) -> bool {
        self.rollback.is_none() && !self.steps().into_iter().all(|s| self.is_created(s))
    }

    /// The created company's id.
    pub fn company_id(&self) -> Option<CompanyId> {
        self.company
    }

    /// The created site's id.
    pub fn site_id(&self) -> Option<SiteId> {
        self.site
    }

    /// The primary contact's id, once created.
    pub fn primary_contact_id(&self) -> Option<ContactId> {
        self.draft.primary_index().and_then(|i| self.contacts.get(i).copied().flatten())
    }

    /// The request for the current step, with the ids of earlier steps filled in: the search for an unsure step,
    /// else its POST.
    pub fn next_request(&self) -> Option<Request> {
        let step = self.current_step()?;
        if self.unsure == Some(step) {
            return self.search_request(step);
        }
        let company = self.company;
        let request = match step {
            OnboardingStep::Company => api::post_company(&self.draft.new_company()).into_request(),
            OnboardingStep::Site => api::post_site(company?, &self.draft.new_site()).into_request(),
            OnboardingStep::Contact(i) => {
                api::post_contact(&self.draft.new_contact(i, company?, self.site)?).into_request()
            }
            OnboardingStep::Agreement => {
                let agreement = self.draft.new_agreement(company?, self.primary_contact_id()?, self.site)?;
                api::post_agreement(&agreement).into_request()
            }
            OnboardingStep::Ticket => {
                api::post_ticket(&self.draft.new_ticket(company?, self.primary_contact_id())?).into_request()
            }
        };
        Some(request)
    }

    /// The next request, with a POST marked as sent (save the journal before sending it).
    pub fn begin(&mut self) -> Option<Request> {
        let request = self.next_request()?;
        if request.method == Method::Post {
            self.sent = self.current_step();
            self.sent_as = Some(self.draft.clone());
        }
        Some(request)
    }

    /// The search that finds the record of `step` if its POST landed: unique to this run because every search
    /// but the company's is scoped to the company it just created, and the company's identifier was free.
    fn search_request(&self, step: OnboardingStep) -> Option<Request> {
        let d = self.sent_as.as_ref().unwrap_or(&self.draft);
        let request = match step {
            OnboardingStep::Company => {
                let filter = Condition::eq("identifier", d.company.identifier.trim());
                api::list_companies(Some(&filter), crate::query::Page::first(25)).into_request()
            }
            OnboardingStep::Site => {
                api::find_sites(self.company?, &Condition::eq("name", d.site.name.trim())).into_request()
            }
            OnboardingStep::Contact(i) => {
                let first = d.contacts.get(i)?.first_name.trim().to_owned();
                let filter = of_company(self.company?).and(Condition::eq("firstName", first));
                api::list_contacts(Some(&filter), crate::query::Page::first(25)).into_request()
            }
            OnboardingStep::Agreement => {
                let name = d.agreement.as_ref()?.name.trim().to_owned();
                api::find_agreements(&of_company(self.company?).and(Condition::eq("name", name))).into_request()
            }
            OnboardingStep::Ticket => {
                let filter = of_company(self.company?).and(Condition::eq("summary", d.ticket_summary()));
                api::find_tickets(&filter).into_request()
            }
        };
        Some(request)
    }

    /// Records CW's answer to the request of [`OnboardingRun::begin`] (or [`OnboardingRun::next_request`]). On
    /// success the new (or found) id is kept for later steps and the step is returned; on failure the run stops
    /// (no further requests) until [`OnboardingRun::resume`]. A 5xx answer to a POST leaves the step unsure.
    pub fn record(&mut self, response: &Response) -> Result<OnboardingStep, ApiError> {
        let Some(step) = self.current_step() else {
            return Err(ApiError::Decode {
                status: response.status,
                message: "no onboarding step was waiting for this answer".into(),
            });
        };
        if self.unsure == Some(step) {
            return self.record_search(step, response);
        }
        self.sent = None;
        let outcome = match step {
            OnboardingStep::Company => parse_response::<Company>(response).map(|c| {
                if let Some(site) = c.site.as_ref().filter(|s| s.id.is_some()) {
                    self.notes.push(format!(
                        "ConnectWise also created the site \"{}\" with the company; the wizard's site is created \
                         separately.",
                        site.label()
                    ));
                }
                self.company = Some(c.id);
            }),
            OnboardingStep::Site => parse_response::<Site>(response).map(|s| self.site = Some(s.id)),
            OnboardingStep::Contact(i) => parse_response::<Contact>(response).map(|c| {
                if let Some(slot) = self.contacts.get_mut(i) {
                    *slot = Some(c.id);
                }
            }),
            OnboardingStep::Agreement => parse_response::<Agreement>(response).map(|a| self.agreement = Some(a.id)),
            OnboardingStep::Ticket => parse_response::<Ticket>(response).map(|t| self.ticket = Some(t.id)),
        };
        match outcome {
            Ok(()) => {
                self.sent_as = None;
                Ok(step)
            }
            Err(error) => {
                if response.status >= 500 {
                    // CW may have written the record before failing (its "timeout" 500 often has).
                    self.unsure = Some(step);
                }
                self.failure = Some((step, error.clone()));
                Err(error)
            }
        }
    }

    /// Records the answer to the search for an unsure step: a match is adopted, no match means the POST never
    /// landed and is sent next.
    fn record_search(&mut self, step: OnboardingStep, response: &Response) -> Result<OnboardingStep, ApiError> {
        let found = match self.find_in(step, response) {
            Ok(found) => found,
            Err(error) => {
                self.failure = Some((step, error.clone()));
                return Err(error);
            }
        };
        self.unsure = None;
        self.sent_as = None;
        if let Some(id) = found {
            self.adopt(step, id);
            self.notes.push(format!(
                "The answer to the {} POST was lost, but ConnectWise had created it (id {id}); it was not created \
                 again.",
                self.label(step)
            ));
        }
        Ok(step)
    }

    /// The id of the record the search answer holds for `step` (the newest when several match).
    fn find_in(&self, step: OnboardingStep, response: &Response) -> Result<Option<i32>, ApiError> {
        let d = self.sent_as.as_ref().unwrap_or(&self.draft);
        let same = |a: Option<&str>, b: &str| a.unwrap_or_default().trim().eq_ignore_ascii_case(b.trim());
        let ids: Vec<i32> = match step {
            OnboardingStep::Company => parse_response::<Vec<Company>>(response)?
                .into_iter()
                .filter(|c| same(Some(&c.identifier), &d.company.identifier))
                .map(|c| c.id.0)
                .collect(),
            OnboardingStep::Site => parse_response::<Vec<Site>>(response)?
                .into_iter()
                .filter(|s| same(Some(&s.name), &d.site.name))
                .map(|s| s.id.0)
                .collect(),
            OnboardingStep::Contact(i) => {
                let Some(want) = d.contacts.get(i) else { return Ok(None) };
                let taken: Vec<i32> = self.contacts.iter().flatten().map(|c| c.0).collect();
                parse_response::<Vec<Contact>>(response)?
                    .into_iter()
                    .filter(|c| {
                        same(c.first_name.as_deref(), &want.first_name)
                            && same(c.last_name.as_deref(), &want.last_name)
                            && !taken.contains(&c.id.0)
                    })
                    .map(|c| c.id.0)
                    .collect()
            }
            OnboardingStep::Agreement => {
                let name = d.agreement.as_ref().map(|a| a.name.clone()).unwrap_or_default();
                parse_response::<Vec<Agreement>>(response)?
                    .into_iter()
                    .filter(|a| same(Some(&a.name), &name))
                    .map(|a| a.id.0)
                    .collect()
            }
            OnboardingStep::Ticket => parse_response::<Vec<Ticket>>(response)?
                .into_iter()
                .filter(|t| same(Some(&t.summary), &d.ticket_summary()))
                .map(|t| t.id.0)
                .collect(),
        };
        Ok(ids.into_iter().max())
    }

    /// Stops the run on the current step with an error that came without a response (network, proxy down).
    /// A POST that was sent becomes unsure: it may have landed.
    pub fn record_error(&mut self, error: ApiError) {
        if let Some(step) = self.current_step() {
            if self.sent.take() == Some(step) {
                self.unsure = Some(step);
            }
            self.failure = Some((step, error));
        }
    }

    /// Continues after a failure or an interruption, from the stopped step; created records are kept and not
    /// re-created, and an unsure step is searched for first. Re-validates the (possibly fixed) draft first.
    pub fn resume(&mut self) -> Result<(), Vec<DraftProblem>> {
        let problems = self.draft.validate();
        if !problems.is_empty() {
            return Err(problems);
        }
        self.contacts.resize(self.draft.contacts.len(), None);
        if let Some(step) = self.sent.take() {
            self.unsure = Some(step);
        }
        self.failure = None;
        Ok(())
    }

    /// The rollback, once started.
    pub fn rollback(&self) -> Option<&Rollback> {
        self.rollback.as_ref()
    }

    /// The rollback, to drive.
    pub fn rollback_mut(&mut self) -> Option<&mut Rollback> {
        self.rollback.as_mut()
    }

    /// Stops creating and plans the undo of everything this run created, newest first. An unsure step is
    /// searched for first, so a record whose answer was lost is undone too.
    pub fn start_rollback(&mut self) {
        if self.rollback.is_none() {
            let searching = self.unsure();
            self.sent = None;
            self.unsure = None;
            self.failure = None;
            let mut rollback = Rollback::plan(self);
            rollback.searching = searching;
            self.rollback = Some(rollback);
        }
    }

    /// The rollback's next request: the search for an unsure step, then one DELETE (or deactivating PATCH) at a
    /// time. `None` when the rollback is finished or stopped.
    pub fn rollback_request(&self) -> Option<Request> {
        let rollback = self.rollback.as_ref()?;
        if rollback.stopped.is_some() {
            return None;
        }
        match rollback.searching {
            Some(step) => self.search_request(step),
            None => rollback.next_request(),
        }
    }

    /// Records the answer to [`OnboardingRun::rollback_request`] (`Err` when none came).
    pub fn rollback_record(&mut self, answer: Result<&Response, ApiError>) {
        let searching = self.rollback.as_ref().and_then(|r| r.searching);
        if let Some(step) = searching {
            let found = match answer {
                Ok(response) => self.find_in(step, response),
                Err(e) => Err(e),
            };
            match found {
                Ok(found) => {
                    if let Some(id) = found {
                        self.adopt(step, id);
                    }
                    self.sent_as = None;
                    let plan = Rollback::plan(self);
                    if let Some(r) = self.rollback.as_mut() {
                        r.items = plan.items;
                        r.searching = None;
                    }
                }
                Err(e) => {
                    let why = format!("Could not check for the {}: {e}", self.label(step));
                    if let Some(r) = self.rollback.as_mut() {
                        r.stopped = Some(why);
                    }
                }
            }
            return;
        }
        if let Some(r) = self.rollback.as_mut() {
            r.record(answer);
        }
    }

    /// What was created, skipped, failed or is still pending.
    pub fn summary(&self) -> OnboardingSummary {
        let d = &self.draft;
        let mut rows = Vec::new();
        let mut all = vec![OnboardingStep::Company, OnboardingStep::Site];
        all.extend((0..d.contacts.len()).map(OnboardingStep::Contact));
        all.extend([OnboardingStep::Agreement, OnboardingStep::Ticket]);
        for step in all {
            let outcome = if let Some(id) = self.created_id(step) {
                StepOutcome::Created { id }
            } else if step == OnboardingStep::Agreement && d.agreement.is_none() {
                StepOutcome::Skipped { reason: "No agreement was requested.".into() }
            } else if step == OnboardingStep::Ticket && d.ticket.is_none() {
                StepOutcome::Skipped { reason: "No onboarding ticket was requested.".into() }
            } else {
                match &self.failure {
                    Some((failed, error)) if *failed == step => StepOutcome::Failed { message: error.to_string() },
                    _ => StepOutcome::Pending,
                }
            };
            rows.push((step, self.label(step), outcome));
        }
        OnboardingSummary { rows, notes: self.notes.clone() }
    }

    /// Takes `id` as the record of `step` (found by a search).
    fn adopt(&mut self, step: OnboardingStep, id: i32) {
        match step {
            OnboardingStep::Company => self.company = Some(CompanyId(id)),
            OnboardingStep::Site => self.site = Some(SiteId(id)),
            OnboardingStep::Contact(i) => {
                if let Some(slot) = self.contacts.get_mut(i) {
                    *slot = Some(ContactId(id));
                }
            }
            OnboardingStep::Agreement => self.agreement = Some(AgreementId(id)),
            OnboardingStep::Ticket => self.ticket = Some(TicketId(id)),
        }
    }
}
