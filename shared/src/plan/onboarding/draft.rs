//! The draft the wizard collects, its validation, and the ConnectWise bodies built from it.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::ids::{CompanyId, ContactId, SiteId};
use crate::model::{
    CommunicationItem, CompanyReference, ContactReference, NewAgreement, NewCompany, NewContact, NewSite, NewTicket,
    Reference,
};
use crate::plan::WizardStep;

/// The default site name.
pub const DEFAULT_SITE_NAME: &str = "Main Office";
/// The default service board of the onboarding ticket; must match a board name in CW exactly.
pub const DEFAULT_BOARD: &str = "Service Desk";
/// The default company status, by name.
pub const DEFAULT_STATUS: &str = "Active";
/// The default country id (1 is the United States on a stock CW).
pub const DEFAULT_COUNTRY_ID: i32 = 1;

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

pub(super) fn some(text: &str) -> Option<String> {
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
pub(super) fn cw_date(text: &str) -> String {
    let text = text.trim();
    if text.contains('T') { text.to_owned() } else { format!("{text}T00:00:00Z") }
}

pub(super) fn parse_amount(text: &str) -> Option<f64> {
    let cleaned: String = text.trim().trim_start_matches('$').chars().filter(|c| *c != ',').collect();
    cleaned.parse::<f64>().ok().filter(|x| x.is_finite() && *x >= 0.0)
}
