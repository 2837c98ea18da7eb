//! Onboarding a new client: the wizard's draft, its validation, and the run that creates the records.
//!
//! The run creates, in order and stopping at the first failure:
//!
//! 1. the company (`POST /company/companies`);
//! 2. its site (`POST /company/companies/{companyId}/sites`);
//! 3. each contact (`POST /company/contacts`, `company: {id: companyId}`; the primary one with `defaultFlag`);
//! 4. the agreement, if wanted (`POST /finance/agreements`; CW requires a contact: the primary contact's id);
//! 5. the ticket, if wanted (`POST /service/tickets`, for the company and its primary contact).
//!
//! Ids flow from each answer into the later bodies. After a failure, fix the draft and [`OnboardingRun::resume`]:
//! the run continues at the failed step and never re-creates what already exists.
//!
//! Where the product spec and real CW differ, the draft follows CW: the company's `types` are sent by name on
//! this POST (the only time CW accepts them); a contact's email goes in `communicationItems`; the site's state
//! is a `stateReference` by identifier; dates are sent as `yyyy-MM-ddT00:00:00Z`; a contact needs only a first
//! name. The company POST carries no `site`, so CW is not asked to create a second, address-less site.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::api::{self, ApiError, parse_response};
use crate::http::{Request, Response};
use crate::ids::{AgreementId, CompanyId, ContactId, SiteId, TicketId};
use crate::model::{
    Agreement, CommunicationItem, Company, CompanyReference, Contact, ContactReference, NewAgreement, NewCompany,
    NewContact, NewSite, NewTicket, Reference, Site, Ticket,
};

use super::WizardStep;

/// The default site name.
pub const DEFAULT_SITE_NAME: &str = "Main Office";
/// The default service board of the onboarding ticket; must match a board name in CW exactly.
pub const DEFAULT_BOARD: &str = "Service Desk";
/// The default company status, by name.
pub const DEFAULT_STATUS: &str = "Active";
/// The default country id (1 is the United States on a stock CW).
pub const DEFAULT_COUNTRY_ID: i32 = 1;

// ---------------------------------------------------------------------------------------------------------------
// The draft

/// Step 1: the company.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CompanyDraft {
    /// The unique short identifier: letters and digits, at most 30.
    pub identifier: String,
    /// The company name, at most 50.
    pub name: String,
    /// Status name (default "Active").
    pub status: String,
    /// Company type name ("Client"), optional; only settable on creation.
    pub company_type: String,
    /// Address line 1.
    pub address_line1: String,
    /// Address line 2.
    pub address_line2: String,
    /// City.
    pub city: String,
    /// State (a string on companies: "TX").
    pub state: String,
    /// Postal code.
    pub zip: String,
    /// Country id (default 1).
    pub country_id: i32,
    /// Phone number.
    pub phone_number: String,
    /// Web site.
    pub website: String,
}

impl Default for CompanyDraft {
    fn default() -> Self {
        Self {
            identifier: String::new(),
            name: String::new(),
            status: DEFAULT_STATUS.into(),
            company_type: String::new(),
            address_line1: String::new(),
            address_line2: String::new(),
            city: String::new(),
            state: String::new(),
            zip: String::new(),
            country_id: DEFAULT_COUNTRY_ID,
            phone_number: String::new(),
            website: String::new(),
        }
    }
}

/// Step 2: the first site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SiteDraft {
    /// Site name (default "Main Office").
    pub name: String,
    /// Address line 1.
    pub address_line1: String,
    /// Address line 2.
    pub address_line2: String,
    /// City.
    pub city: String,
    /// State identifier ("TX"), sent as `stateReference`.
    pub state: String,
    /// Postal code.
    pub zip: String,
    /// Phone number.
    pub phone_number: String,
    /// Time zone setup name, as in `/system/timeZoneSetups` (optional).
    pub time_zone: String,
}

impl Default for SiteDraft {
    fn default() -> Self {
        Self {
            name: DEFAULT_SITE_NAME.into(),
            address_line1: String::new(),
            address_line2: String::new(),
            city: String::new(),
            state: String::new(),
            zip: String::new(),
            phone_number: String::new(),
            time_zone: String::new(),
        }
    }
}

/// Step 3: one contact.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ContactDraft {
    /// First name (required).
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Job title.
    pub title: String,
    /// Email address, sent as a communication item.
    pub email: String,
    /// Phone number, sent as a communication item.
    pub phone: String,
    /// The company's primary contact.
    pub primary: bool,
}

impl ContactDraft {
    /// "First Last".
    pub fn full_name(&self) -> String {
        [self.first_name.trim(), self.last_name.trim()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Step 4: the agreement.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AgreementDraft {
    /// Agreement name, at most 100.
    pub name: String,
    /// Agreement type name; must exist in `/finance/agreements/types`.
    pub type_name: String,
    /// Start date, `YYYY-MM-DD`.
    pub start_date: String,
    /// End date, `YYYY-MM-DD`, empty for an open-ended agreement.
    pub end_date: String,
    /// Recurring bill amount, as typed (empty for none).
    pub bill_amount: String,
}

impl AgreementDraft {
    /// An agreement starting on `today` (`YYYY-MM-DD`; the caller knows the date, this crate has no clock).
    pub fn starting(today: &str) -> Self {
        Self { start_date: today.trim().to_owned(), ..Self::default() }
    }
}

/// Step 5: the onboarding ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TicketDraft {
    /// Summary; empty means "Onboarding — {company name}".
    pub summary: String,
    /// Board name (default "Service Desk"); must match a CW board exactly.
    pub board: String,
    /// Priority name, optional.
    pub priority: String,
    /// The first note (write-only `initialDescription`).
    pub description: String,
}

impl Default for TicketDraft {
    fn default() -> Self {
        Self {
            summary: String::new(),
            board: DEFAULT_BOARD.into(),
            priority: String::new(),
            description: String::new(),
        }
    }
}

/// Everything the wizard collects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OnboardingDraft {
    /// Step 1.
    pub company: CompanyDraft,
    /// Step 2.
    pub site: SiteDraft,
    /// Step 3; the first one added is primary.
    pub contacts: Vec<ContactDraft>,
    /// Step 4; `None` skips it.
    pub agreement: Option<AgreementDraft>,
    /// Step 5; `None` skips it.
    pub ticket: Option<TicketDraft>,
}

impl Default for OnboardingDraft {
    fn default() -> Self {
        Self {
            company: CompanyDraft::default(),
            site: SiteDraft::default(),
            contacts: Vec::new(),
            agreement: None,
            ticket: Some(TicketDraft::default()),
        }
    }
}

/// One thing wrong with a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftProblem {
    /// The wizard page it is on.
    pub step: WizardStep,
    /// The field: `company.identifier`, `contacts[1].firstName`, `agreement.startDate`...
    pub field: String,
    /// What to fix.
    pub message: String,
}

impl fmt::Display for DraftProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl OnboardingDraft {
    /// A fresh draft: site "Main Office", country 1, status "Active", an agreement starting `today` (set
    /// [`OnboardingDraft::agreement`] to `None` to skip it) and a ticket on "Service Desk".
    pub fn new(today: &str) -> Self {
        Self { agreement: Some(AgreementDraft::starting(today)), ..Self::default() }
    }

    /// Adds an empty contact; the first one added is primary.
    pub fn add_contact(&mut self) -> &mut ContactDraft {
        let primary = self.contacts.iter().all(|c| !c.primary);
        self.contacts.push(ContactDraft { primary, ..ContactDraft::default() });
        self.contacts.last_mut().expect("just pushed")
    }

    /// Removes a contact; if it was primary, the first remaining one becomes primary.
    pub fn remove_contact(&mut self, index: usize) {
        if index < self.contacts.len() {
            let was_primary = self.contacts.remove(index).primary;
            if was_primary && let Some(first) = self.contacts.first_mut() {
                first.primary = true;
            }
        }
    }

    /// Makes contact `index` the only primary.
    pub fn set_primary(&mut self, index: usize) {
        for (i, contact) in self.contacts.iter_mut().enumerate() {
            contact.primary = i == index;
        }
    }

    /// The primary contact's index: the one marked primary, else the first contact.
    pub fn primary_index(&self) -> Option<usize> {
        self.contacts.iter().position(|c| c.primary).or(if self.contacts.is_empty() { None } else { Some(0) })
    }

    /// Copies the company's address into the site's empty fields (done when leaving step 1).
    pub fn prefill_site(&mut self) {
        let c = &self.company;
        let s = &mut self.site;
        for (site, company) in [
            (&mut s.address_line1, &c.address_line1),
            (&mut s.address_line2, &c.address_line2),
            (&mut s.city, &c.city),
            (&mut s.state, &c.state),
            (&mut s.zip, &c.zip),
            (&mut s.phone_number, &c.phone_number),
        ] {
            if site.trim().is_empty() {
                site.clone_from(company);
            }
        }
    }

    /// The ticket summary that will be sent: the one typed, else "Onboarding — {company name}".
    pub fn ticket_summary(&self) -> String {
        match self.ticket.as_ref().map(|t| t.summary.trim()).filter(|s| !s.is_empty()) {
            Some(summary) => summary.to_owned(),
            None => format!("Onboarding — {}", self.company.name.trim()),
        }
    }

    /// Every problem, in page order. Empty means the run can start.
    pub fn validate(&self) -> Vec<DraftProblem> {
        let mut p = Problems::default();
        let c = &self.company;
        let step = WizardStep::Company;
        let identifier = c.identifier.trim();
        if identifier.is_empty() {
            p.add(step, "company.identifier", "Enter a company identifier.");
        } else if !identifier.chars().all(|ch| ch.is_ascii_alphanumeric()) {
            p.add(step, "company.identifier", "The identifier may contain only letters and digits (no spaces).");
        }
        p.max(step, "company.identifier", identifier, 30, "The identifier");
        p.required(step, "company.name", &c.name, "the company name");
        p.max(step, "company.name", &c.name, 50, "The company name");
        p.required(step, "company.status", &c.status, "a status");
        if [&c.address_line1, &c.address_line2, &c.city, &c.state, &c.zip].iter().all(|f| f.trim().is_empty()) {
            p.add(step, "company.address", "Enter at least one address field (address, city, state or zip).");
        }
        p.max(step, "company.addressLine1", &c.address_line1, 50, "Address line 1");
        p.max(step, "company.addressLine2", &c.address_line2, 50, "Address line 2");
        p.max(step, "company.city", &c.city, 50, "The city");
        p.max(step, "company.zip", &c.zip, 12, "The zip code");
        p.max(step, "company.phoneNumber", &c.phone_number, 30, "The phone number");
        p.max(step, "company.website", &c.website, 255, "The web site");
        if c.country_id <= 0 {
            p.add(step, "company.country", "Choose a country.");
        }

        let s = &self.site;
        let step = WizardStep::Site;
        p.required(step, "site.name", &s.name, "a site name");
        p.max(step, "site.name", &s.name, 50, "The site name");
        p.max(step, "site.addressLine1", &s.address_line1, 50, "Address line 1");
        p.max(step, "site.addressLine2", &s.address_line2, 50, "Address line 2");
        p.max(step, "site.city", &s.city, 50, "The city");
        p.max(step, "site.zip", &s.zip, 12, "The zip code");
        p.max(step, "site.phoneNumber", &s.phone_number, 30, "The phone number");

        let step = WizardStep::Contacts;
        for (i, contact) in self.contacts.iter().enumerate() {
            p.required(step, &format!("contacts[{i}].firstName"), &contact.first_name, "the contact's first name");
            let email = contact.email.trim();
            if !email.is_empty() && !looks_like_email(email) {
                p.add(step, &format!("contacts[{i}].email"), &format!("\"{email}\" is not an email address."));
            }
        }
        if self.contacts.iter().filter(|c| c.primary).count() > 1 {
            p.add(step, "contacts", "Only one contact can be the primary contact.");
        }

        if let Some(a) = &self.agreement {
            let step = WizardStep::Agreement;
            p.required(step, "agreement.name", &a.name, "the agreement name");
            p.max(step, "agreement.name", &a.name, 100, "The agreement name");
            p.required(step, "agreement.type", &a.type_name, "an agreement type");
            let start = parse_date(&a.start_date);
            if start.is_none() {
                p.add(step, "agreement.startDate", "Enter the start date as YYYY-MM-DD.");
            }
            if !a.end_date.trim().is_empty() {
                match parse_date(&a.end_date) {
                    None => p.add(step, "agreement.endDate", "Enter the end date as YYYY-MM-DD, or leave it empty."),
                    Some(end) if start.is_some_and(|start| end < start) => {
                        p.add(step, "agreement.endDate", "The end date is before the start date.")
                    }
                    Some(_) => {}
                }
            }
            if !a.bill_amount.trim().is_empty() && parse_amount(&a.bill_amount).is_none() {
                p.add(step, "agreement.billAmount", "Enter the bill amount as a number, e.g. 1500.00.");
            }
            if self.contacts.is_empty() {
                p.add(
                    step,
                    "agreement.contact",
                    "ConnectWise requires a contact on an agreement: add a contact or skip the agreement.",
                );
            }
        }

        if let Some(t) = &self.ticket {
            let step = WizardStep::Ticket;
            p.max(step, "ticket.summary", &self.ticket_summary(), 100, "The ticket summary");
            p.required(step, "ticket.board", &t.board, "the service board name");
        }
        p.0
    }

    /// The problems on one wizard page (to block its Next button).
    pub fn problems_for(&self, step: WizardStep) -> Vec<DraftProblem> {
        self.validate().into_iter().filter(|p| p.step == step).collect()
    }

    /// The body of the company POST.
    pub fn new_company(&self) -> NewCompany {
        let c = &self.company;
        NewCompany {
            identifier: c.identifier.trim().to_owned(),
            name: c.name.trim().to_owned(),
            status: some(&c.status).map(Reference::by_name),
            types: some(&c.company_type).map(Reference::by_name).into_iter().collect(),
            address_line1: some(&c.address_line1),
            address_line2: some(&c.address_line2),
            city: some(&c.city),
            state: some(&c.state),
            zip: some(&c.zip),
            country: Some(Reference::by_id(c.country_id)),
            phone_number: some(&c.phone_number),
            website: some(&c.website),
            ..NewCompany::default()
        }
    }

    /// The body of the site POST.
    pub fn new_site(&self) -> NewSite {
        let s = &self.site;
        NewSite {
            name: s.name.trim().to_owned(),
            address_line1: some(&s.address_line1),
            address_line2: some(&s.address_line2),
            city: some(&s.city),
            state_reference: some(&s.state).map(Reference::by_identifier),
            zip: some(&s.zip),
            country: Some(Reference::by_id(self.company.country_id)),
            phone_number: some(&s.phone_number),
            time_zone: some(&s.time_zone).map(Reference::by_name),
            primary_address_flag: true,
            ..NewSite::default()
        }
    }

    /// The body of the POST for contact `index`.
    pub fn new_contact(&self, index: usize, company: CompanyId, site: Option<SiteId>) -> Option<NewContact> {
        let c = self.contacts.get(index)?;
        let mut items = Vec::new();
        if let Some(email) = some(&c.email) {
            items.push(CommunicationItem::email(email));
        }
        if let Some(phone) = some(&c.phone) {
            items.push(CommunicationItem::phone(phone));
        }
        Some(NewContact {
            first_name: c.first_name.trim().to_owned(),
            last_name: some(&c.last_name),
            company: Some(CompanyReference::by_id(company)),
            site: site.map(Reference::by_id),
            title: some(&c.title),
            default_flag: self.primary_index() == Some(index),
            communication_items: items,
            ..NewContact::default()
        })
    }

    /// The body of the agreement POST, if an agreement is wanted.
    pub fn new_agreement(&self, company: CompanyId, contact: ContactId, site: Option<SiteId>) -> Option<NewAgreement> {
        let a = self.agreement.as_ref()?;
        let end = some(&a.end_date).map(|d| cw_date(&d));
        Some(NewAgreement {
            name: a.name.trim().to_owned(),
            kind: Reference::by_name(a.type_name.trim()),
            company: CompanyReference::by_id(company),
            contact: ContactReference::by_id(contact),
            site: site.map(Reference::by_id),
            start_date: Some(cw_date(&a.start_date)),
            no_ending_date_flag: end.is_none(),
            end_date: end,
            bill_amount: parse_amount(&a.bill_amount),
            ..NewAgreement::default()
        })
    }

    /// The body of the ticket POST, if a ticket is wanted.
    pub fn new_ticket(&self, company: CompanyId, contact: Option<ContactId>) -> Option<NewTicket> {
        let t = self.ticket.as_ref()?;
        Some(NewTicket {
            summary: self.ticket_summary(),
            record_type: Some("ServiceTicket".into()),
            board: Some(Reference::by_name(t.board.trim())),
            priority: some(&t.priority).map(Reference::by_name),
            company: CompanyReference::by_id(company),
            contact: contact.map(ContactReference::by_id),
            initial_description: some(&t.description),
            ..NewTicket::default()
        })
    }
}

#[derive(Default)]
struct Problems(Vec<DraftProblem>);

impl Problems {
    fn add(&mut self, step: WizardStep, field: &str, message: &str) {
        self.0.push(DraftProblem { step, field: field.to_owned(), message: message.to_owned() });
    }
    fn required(&mut self, step: WizardStep, field: &str, value: &str, what: &str) {
        if value.trim().is_empty() {
            self.add(step, field, &format!("Enter {what}."));
        }
    }
    fn max(&mut self, step: WizardStep, field: &str, value: &str, max: usize, what: &str) {
        let len = value.trim().chars().count();
        if len > max {
            self.add(step, field, &format!("{what} is {len} characters; ConnectWise accepts at most {max}."));
        }
    }
}

fn some(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

fn looks_like_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !text.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// `YYYY-MM-DD` → (year, month, day), checking the day exists.
fn parse_date(text: &str) -> Option<(u32, u32, u32)> {
    let text = text.trim();
    let date = text.split('T').next()?;
    let mut parts = date.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (u32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (y >= 1900 && (1..=days).contains(&d)).then_some((y, m, d))
}

/// `2026-11-27` → `2026-11-27T00:00:00Z`, CW's date-time form.
fn cw_date(text: &str) -> String {
    let text = text.trim();
    if text.contains('T') { text.to_owned() } else { format!("{text}T00:00:00Z") }
}

fn parse_amount(text: &str) -> Option<f64> {
    let cleaned: String = text.trim().trim_start_matches('$').chars().filter(|c| *c != ',').collect();
    cleaned.parse::<f64>().ok().filter(|x| x.is_finite() && *x >= 0.0)
}

// ---------------------------------------------------------------------------------------------------------------
// The run

/// One POST of the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
/// while let Some(request) = run.next_request() {
///     let response = transport.send(request).await;
///     if run.record(&response).is_err() { break; }   // stopped: show run.summary(), fix, run.resume()
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct OnboardingRun {
    draft: OnboardingDraft,
    company: Option<CompanyId>,
    site: Option<SiteId>,
    contacts: Vec<Option<ContactId>>,
    agreement: Option<AgreementId>,
    ticket: Option<TicketId>,
    failure: Option<(OnboardingStep, ApiError)>,
    notes: Vec<String>,
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
            draft,
            company: None,
            site: None,
            contacts,
            agreement: None,
            ticket: None,
            failure: None,
            notes: Vec::new(),
        })
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

    /// True when the step's record exists in CW.
    pub fn is_created(&self, step: OnboardingStep) -> bool {
        self.created_id(step).is_some()
    }

    /// The step waiting to run: `None` when the run is complete or stopped on a failure.
    pub fn current_step(&self) -> Option<OnboardingStep> {
        if self.failure.is_some() {
            return None;
        }
        self.steps().into_iter().find(|s| !self.is_created(*s))
    }

    /// The step that failed and why, while the run is stopped.
    pub fn failure(&self) -> Option<(OnboardingStep, &ApiError)> {
        self.failure.as_ref().map(|(step, error)| (*step, error))
    }

    /// True when every wanted record was created.
    pub fn is_complete(&self) -> bool {
        self.failure.is_none() && self.current_step().is_none()
    }

    /// The created company's id.
    pub fn company_id(&self) -> Option<CompanyId> {
        self.company
    }

    /// The primary contact's id, once created.
    pub fn primary_contact_id(&self) -> Option<ContactId> {
        self.draft.primary_index().and_then(|i| self.contacts.get(i).copied().flatten())
    }

    /// The request for the current step, with the ids of earlier steps filled in.
    pub fn next_request(&self) -> Option<Request> {
        let step = self.current_step()?;
        let company = self.company;
        let request = match step {
            OnboardingStep::Company => api::post_company(&self.draft.new_company()).request,
            OnboardingStep::Site => api::post_site(company?, &self.draft.new_site()).request,
            OnboardingStep::Contact(i) => api::post_contact(&self.draft.new_contact(i, company?, self.site)?).request,
            OnboardingStep::Agreement => {
                let agreement = self.draft.new_agreement(company?, self.primary_contact_id()?, self.site)?;
                api::post_agreement(&agreement).request
            }
            OnboardingStep::Ticket => {
                api::post_ticket(&self.draft.new_ticket(company?, self.primary_contact_id())?).request
            }
        };
        Some(request)
    }

    /// Records CW's answer to [`OnboardingRun::next_request`]. On success the new id is kept for later steps
    /// and the step is returned; on failure the run stops (no further requests) until [`OnboardingRun::resume`].
    pub fn record(&mut self, response: &Response) -> Result<OnboardingStep, ApiError> {
        let Some(step) = self.current_step() else {
            return Err(ApiError::Decode {
                status: response.status,
                message: "no onboarding step was waiting for this answer".into(),
            });
        };
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
            Ok(()) => Ok(step),
            Err(error) => {
                self.failure = Some((step, error.clone()));
                Err(error)
            }
        }
    }

    /// Stops the run on the current step with an error that came without a response (network, proxy down).
    pub fn record_error(&mut self, error: ApiError) {
        if let Some(step) = self.current_step() {
            self.failure = Some((step, error));
        }
    }

    /// Continues after a failure, from the failed step; created records are kept and not re-created.
    /// Re-validates the (possibly fixed) draft first.
    pub fn resume(&mut self) -> Result<(), Vec<DraftProblem>> {
        let problems = self.draft.validate();
        if !problems.is_empty() {
            return Err(problems);
        }
        self.contacts.resize(self.draft.contacts.len(), None);
        self.failure = None;
        Ok(())
    }

    /// What was created, skipped, failed or is still pending.
    pub fn summary(&self) -> OnboardingSummary {
        let d = &self.draft;
        let mut rows = Vec::new();
        let mut all = vec![OnboardingStep::Company, OnboardingStep::Site];
        all.extend((0..d.contacts.len()).map(OnboardingStep::Contact));
        all.extend([OnboardingStep::Agreement, OnboardingStep::Ticket]);
        for step in all {
            let label = match step {
                OnboardingStep::Company => format!("Company {}", d.company.name.trim()),
                OnboardingStep::Site => format!("Site {}", d.site.name.trim()),
                OnboardingStep::Contact(i) => format!("Contact {}", d.contacts[i].full_name()),
                OnboardingStep::Agreement => match &d.agreement {
                    Some(a) => format!("Agreement {}", a.name.trim()),
                    None => "Agreement".into(),
                },
                OnboardingStep::Ticket => format!("Ticket {}", d.ticket_summary()),
            };
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
            rows.push((step, label, outcome));
        }
        OnboardingSummary { rows, notes: self.notes.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Method;
    use serde_json::{Value, json};

    fn draft() -> OnboardingDraft {
        let mut d = OnboardingDraft::new("2026-11-27");
        d.company.identifier = "AcmeCorp".into();
        d.company.name = "Acme Corp".into();
        d.company.company_type = "Client".into();
        d.company.address_line1 = "1 Main St".into();
        d.company.city = "Plano".into();
        d.company.state = "TX".into();
        d.prefill_site();
        let ann = d.add_contact();
        ann.first_name = "Ann".into();
        ann.last_name = "Lee".into();
        ann.email = "ann@acme.com".into();
        let bob = d.add_contact();
        bob.first_name = "Bob".into();
        if let Some(a) = d.agreement.as_mut() {
            a.name = "Managed Services".into();
            a.type_name = "Managed Service".into();
            a.bill_amount = "1,500.00".into();
        }
        d
    }

    fn created(status: u16, body: Value) -> Response {
        Response { status, headers: Vec::new(), body: body.to_string() }
    }

    fn body(request: &Request) -> Value {
        serde_json::from_str(request.body.as_deref().unwrap()).unwrap()
    }

    #[test]
    fn defaults_follow_the_spec() {
        let d = OnboardingDraft::new("2026-11-27");
        assert_eq!(d.site.name, "Main Office");
        assert_eq!(d.company.country_id, 1);
        assert_eq!(d.company.status, "Active");
        assert_eq!(d.ticket.as_ref().unwrap().board, "Service Desk");
        assert_eq!(d.agreement.as_ref().unwrap().start_date, "2026-11-27");
        let d = draft();
        assert!(d.contacts[0].primary && !d.contacts[1].primary);
        assert_eq!(d.site.city, "Plano");
        assert_eq!(d.ticket_summary(), "Onboarding — Acme Corp");
        assert!(d.validate().is_empty(), "{:?}", d.validate());
    }

    #[test]
    fn validation_reports_every_problem_with_its_field() {
        let mut d = OnboardingDraft::new("2026-11-27");
        d.company.identifier = "Acme Corp!".into();
        d.add_contact();
        d.contacts[0].email = "not-an-email".into();
        d.agreement.as_mut().unwrap().end_date = "2026-01-01".into();
        d.ticket.as_mut().unwrap().board = " ".into();
        let fields: Vec<String> = d.validate().into_iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            vec![
                "company.identifier",
                "company.name",
                "company.address",
                "contacts[0].firstName",
                "contacts[0].email",
                "agreement.name",
                "agreement.type",
                "agreement.endDate",
                "ticket.board",
            ]
        );
        assert_eq!(d.problems_for(WizardStep::Site), Vec::new());

        d.company.identifier = "A".repeat(31);
        d.agreement.as_mut().unwrap().start_date = "2026-02-30".into();
        d.agreement.as_mut().unwrap().bill_amount = "lots".into();
        d.contacts.clear();
        let problems = d.validate();
        let message = |field: &str| problems.iter().find(|p| p.field == field).map(|p| p.message.clone());
        assert_eq!(
            message("company.identifier").unwrap(),
            "The identifier is 31 characters; ConnectWise accepts at most 30."
        );
        assert!(message("agreement.startDate").is_some());
        assert!(message("agreement.billAmount").is_some());
        assert!(message("agreement.contact").unwrap().contains("requires a contact"));
        assert!(matches!(OnboardingRun::start(d), Err(p) if !p.is_empty()));
    }

    #[test]
    fn a_full_run_feeds_ids_forward() {
        let mut run = OnboardingRun::start(draft()).unwrap();
        assert_eq!(
            run.steps(),
            vec![
                OnboardingStep::Company,
                OnboardingStep::Site,
                OnboardingStep::Contact(0),
                OnboardingStep::Contact(1),
                OnboardingStep::Agreement,
                OnboardingStep::Ticket
            ]
        );

        let r = run.next_request().unwrap();
        assert_eq!((r.method, r.path.as_str()), (Method::Post, "/company/companies"));
        assert_eq!(
            body(&r),
            json!({"identifier":"AcmeCorp","name":"Acme Corp","status":{"name":"Active"},"types":[{"name":"Client"}],
                "addressLine1":"1 Main St","city":"Plano","state":"TX","country":{"id":1}})
        );
        assert_eq!(
            run.record(&created(201, json!({"id":250,"identifier":"AcmeCorp","name":"Acme Corp"}))),
            Ok(OnboardingStep::Company)
        );

        let r = run.next_request().unwrap();
        assert_eq!(r.path, "/company/companies/250/sites");
        assert_eq!(
            body(&r),
            json!({"name":"Main Office","addressLine1":"1 Main St","city":"Plano","stateReference":{"identifier":"TX"},
                "country":{"id":1},"primaryAddressFlag":true})
        );
        run.record(&created(201, json!({"id":31,"name":"Main Office"}))).unwrap();

        let r = run.next_request().unwrap();
        assert_eq!(r.path, "/company/contacts");
        assert_eq!(
            body(&r),
            json!({"firstName":"Ann","lastName":"Lee","company":{"id":250},"site":{"id":31},"defaultFlag":true,
                "communicationItems":[{"type":{"name":"Email"},"value":"ann@acme.com","defaultFlag":true,"communicationType":"Email"}]})
        );
        run.record(&created(201, json!({"id":900,"firstName":"Ann"}))).unwrap();
        let r = run.next_request().unwrap();
        assert_eq!(body(&r), json!({"firstName":"Bob","company":{"id":250},"site":{"id":31}}));
        run.record(&created(201, json!({"id":901,"firstName":"Bob"}))).unwrap();

        let r = run.next_request().unwrap();
        assert_eq!(r.path, "/finance/agreements");
        assert_eq!(
            body(&r),
            json!({"name":"Managed Services","type":{"name":"Managed Service"},"company":{"id":250},"contact":{"id":900},
                "site":{"id":31},"startDate":"2026-11-27T00:00:00Z","noEndingDateFlag":true,"billAmount":1500.0})
        );
        run.record(&created(201, json!({"id":77,"name":"Managed Services"}))).unwrap();

        let r = run.next_request().unwrap();
        assert_eq!(r.path, "/service/tickets");
        assert_eq!(
            body(&r),
            json!({"summary":"Onboarding — Acme Corp","recordType":"ServiceTicket","board":{"name":"Service Desk"},
                "company":{"id":250},"contact":{"id":900}})
        );
        run.record(&created(201, json!({"id":5001,"summary":"Onboarding — Acme Corp"}))).unwrap();

        assert!(run.is_complete());
        assert_eq!(run.next_request(), None);
        assert_eq!(
            run.summary().created(),
            vec![
                ("Company Acme Corp", 250),
                ("Site Main Office", 31),
                ("Contact Ann Lee", 900),
                ("Contact Bob", 901),
                ("Agreement Managed Services", 77),
                ("Ticket Onboarding — Acme Corp", 5001)
            ]
        );
    }

    #[test]
    fn a_failure_stops_the_run_and_resume_continues_without_recreating() {
        let mut d = draft();
        d.agreement = None;
        d.ticket = None;
        d.contacts.truncate(1);
        let mut run = OnboardingRun::start(d).unwrap();
        run.record(&created(201, json!({"id":250}))).unwrap();
        run.record(&created(201, json!({"id":31,"name":"Main Office"}))).unwrap();

        let refusal = created(
            400,
            json!({"code":"InvalidObject","message":"contact object is invalid","errors":[
                {"code":"MissingRequiredField","message":"lastName is required.","resource":"contact","field":"lastName"}]}),
        );
        let error = run.record(&refusal).unwrap_err();
        assert_eq!(error.to_string(), "lastName is required. (lastName)");
        assert_eq!(run.next_request(), None);
        assert_eq!(run.failure().map(|(s, _)| s), Some(OnboardingStep::Contact(0)));
        assert_eq!(OnboardingStep::Contact(0).wizard_step(), WizardStep::Contacts);

        let summary = run.summary();
        assert_eq!(summary.created(), vec![("Company Acme Corp", 250), ("Site Main Office", 31)]);
        assert_eq!(
            summary.skipped(),
            vec![
                ("Agreement", "No agreement was requested."),
                ("Ticket Onboarding — Acme Corp", "No onboarding ticket was requested.")
            ]
        );
        assert_eq!(summary.rows[2].2, StepOutcome::Failed { message: "lastName is required. (lastName)".into() });

        run.draft_mut().contacts[0].last_name = "Lee".into();
        run.resume().unwrap();
        let r = run.next_request().unwrap();
        assert_eq!(r.path, "/company/contacts");
        assert_eq!(body(&r)["lastName"], "Lee");
        assert_eq!(body(&r)["company"], json!({"id":250}));
        run.record(&created(201, json!({"id":900}))).unwrap();
        assert!(run.is_complete());
        assert_eq!(run.primary_contact_id(), Some(ContactId(900)));
    }

    #[test]
    fn a_transport_error_stops_the_run_on_the_current_step() {
        let mut run = OnboardingRun::start(draft()).unwrap();
        run.record_error(ApiError::Transport { message: "proxy unreachable".into() });
        assert_eq!(run.next_request(), None);
        assert!(!run.is_complete());
        assert_eq!(
            run.summary().rows[0].2,
            StepOutcome::Failed { message: "Could not reach ConnectWise: proxy unreachable".into() }
        );
        run.resume().unwrap();
        assert_eq!(run.next_request().map(|r| r.path), Some("/company/companies".to_owned()));
    }

    #[test]
    fn a_company_created_with_its_own_site_is_noted() {
        let mut run = OnboardingRun::start(draft()).unwrap();
        run.record(&created(201, json!({"id":250,"site":{"id":30,"name":"Main"}}))).unwrap();
        assert_eq!(run.summary().notes.len(), 1);
        assert!(run.summary().notes[0].contains("\"Main\""));
        assert_eq!(run.current_step(), Some(OnboardingStep::Site));
    }

    #[test]
    fn contacts_keep_one_primary() {
        let mut d = draft();
        d.set_primary(1);
        assert_eq!(d.primary_index(), Some(1));
        assert!(!d.contacts[0].primary);
        d.remove_contact(1);
        assert!(d.contacts[0].primary);
        d.contacts[0].primary = false;
        assert_eq!(d.primary_index(), Some(0));
        d.add_contact().first_name = "Cy".into();
        d.contacts[0].primary = true;
        d.contacts[1].primary = true;
        assert!(d.problems_for(WizardStep::Contacts).iter().any(|p| p.field == "contacts"));
    }
}
