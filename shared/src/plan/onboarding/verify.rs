//! The verified result: after the run, each created record is read back (`GET` by id) and compared with the
//! draft, so the summary shows what ConnectWise actually holds, with a link to each record in ConnectWise
//! Manage. The company's `defaultContact` is checked against the primary contact: that is what CW made of the
//! contacts' `defaultFlag`.

use super::draft::{cw_date, parse_amount};
use super::run::{OnboardingRun, OnboardingStep};
use crate::api::{self, ApiError, parse_response};
use crate::http::{Request, Response};
use crate::ids::{AgreementId, CompanyId, ContactId, SiteId, TicketId};
use crate::model::{Agreement, Company, Contact, Reference, Site, Ticket};
use crate::query::encode;

/// One record as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// The step that created it.
    pub step: OnboardingStep,
    /// "Company Acme Corp".
    pub label: String,
    /// Its id.
    pub id: i32,
    /// Each field that differs from the draft: "city: wanted Plano, ConnectWise has Dallas".
    pub differences: Vec<String>,
    /// Why it could not be read back, if it could not.
    pub error: Option<String>,
}

impl Verified {
    /// True when it was read back and matches the draft.
    pub fn matches(&self) -> bool {
        self.error.is_none() && self.differences.is_empty()
    }
}

/// The read-back GETs: one per created record, in creation order.
pub fn readback_requests(run: &OnboardingRun) -> Vec<(OnboardingStep, Request)> {
    let company = run.company_id();
    run.created()
        .into_iter()
        .filter_map(|(step, id)| {
            let request = match step {
                OnboardingStep::Company => api::get_company(CompanyId(id)).into_request(),
                OnboardingStep::Site => api::get_site(company?, SiteId(id)).into_request(),
                OnboardingStep::Contact(_) => api::get_contact(ContactId(id)).into_request(),
                OnboardingStep::Agreement => api::get_agreement(AgreementId(id)).into_request(),
                OnboardingStep::Ticket => api::get_ticket(TicketId(id)).into_request(),
            };
            Some((step, request))
        })
        .collect()
}

/// Compares one read-back answer with the draft.
pub fn verify(run: &OnboardingRun, step: OnboardingStep, answer: Result<&Response, &ApiError>) -> Verified {
    let id = run.created_id(step).unwrap_or_default();
    let mut out = Verified { step, label: run.label(step), id, differences: Vec::new(), error: None };
    let response = match answer {
        Ok(r) => r,
        Err(e) => {
            out.error = Some(format!("could not be read back: {e}"));
            return out;
        }
    };
    let result = match step {
        OnboardingStep::Company => parse_response::<Company>(response).map(|c| company(run, &c)),
        OnboardingStep::Site => parse_response::<Site>(response).map(|s| site(run, &s)),
        OnboardingStep::Contact(i) => parse_response::<Contact>(response).map(|c| contact(run, i, &c)),
        OnboardingStep::Agreement => parse_response::<Agreement>(response).map(|a| agreement(run, &a)),
        OnboardingStep::Ticket => parse_response::<Ticket>(response).map(|t| ticket(run, &t)),
    };
    match result {
        Ok(differences) => out.differences = differences,
        Err(e) if e.status() == Some(404) => out.error = Some("is not in ConnectWise: it was deleted".into()),
        Err(e) => out.error = Some(format!("could not be read back: {e}")),
    }
    out
}

/// A link that opens the record in ConnectWise Manage (`openrecord.rails`; a site opens its company).
/// `host` is the CW site (`na.myconnectwise.net`), `company` the CW company id users log in with.
pub fn manage_link(host: &str, company: &str, step: OnboardingStep, id: i32, company_id: i32) -> String {
    let (kind, recid) = match step {
        OnboardingStep::Company | OnboardingStep::Site => ("CompanyFV", company_id),
        OnboardingStep::Contact(_) => ("ContactFV", id),
        OnboardingStep::Agreement => ("AgreementFV", id),
        OnboardingStep::Ticket => ("ServiceFv", id),
    };
    let host = host.trim().trim_start_matches("https://").trim_end_matches('/');
    format!(
        "https://{host}/v4_6_release/services/system_io/router/openrecord.rails?locale=en_US&recordType={kind}\
         &recid={recid}&companyName={}",
        encode(company.trim())
    )
}

struct Diff(Vec<String>);

impl Diff {
    /// Compares a text the draft set (empty: not set, not compared) with CW's.
    fn text(&mut self, field: &str, wanted: &str, got: Option<&str>) {
        let wanted = wanted.trim();
        let got = got.unwrap_or_default().trim();
        if !wanted.is_empty() && !wanted.eq_ignore_ascii_case(got) {
            let got = if got.is_empty() { "nothing".to_owned() } else { got.to_owned() };
            self.0.push(format!("{field}: wanted {wanted}, ConnectWise has {got}"));
        }
    }

    fn name<I>(&mut self, field: &str, wanted: &str, got: Option<&Reference<I>>) {
        self.text(field, wanted, got.and_then(|r| r.name.as_deref()));
    }

    fn id(&mut self, field: &str, wanted: Option<i32>, got: Option<i32>) {
        if let Some(w) = wanted
            && got != Some(w)
        {
            let got = got.map(|g| format!("id {g}")).unwrap_or_else(|| "nothing".into());
            self.0.push(format!("{field}: wanted id {w}, ConnectWise has {got}"));
        }
    }
}

fn company(run: &OnboardingRun, c: &Company) -> Vec<String> {
    let d = &run.draft().company;
    let mut diff = Diff(Vec::new());
    diff.text("identifier", &d.identifier, Some(&c.identifier));
    diff.text("name", &d.name, Some(&c.name));
    diff.name("status", &d.status, c.status.as_ref());
    if !d.company_type.trim().is_empty()
        && !c.types.iter().any(|t| t.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(d.company_type.trim())))
    {
        diff.0.push(format!("type: wanted {}, ConnectWise has none of that name", d.company_type.trim()));
    }
    diff.text("addressLine1", &d.address_line1, c.address_line1.as_deref());
    diff.text("city", &d.city, c.city.as_deref());
    diff.text("state", &d.state, c.state.as_deref());
    diff.text("zip", &d.zip, c.zip.as_deref());
    diff.text("phoneNumber", &d.phone_number, c.phone_number.as_deref());
    diff.text("website", &d.website, c.website.as_deref());
    diff.id(
        "defaultContact (the primary contact)",
        run.primary_contact_id().map(|c| c.0),
        c.default_contact.as_ref().and_then(|r| r.id).map(|c| c.0),
    );
    diff.0
}

fn site(run: &OnboardingRun, s: &Site) -> Vec<String> {
    let d = &run.draft().site;
    let mut diff = Diff(Vec::new());
    diff.text("name", &d.name, Some(&s.name));
    diff.text("addressLine1", &d.address_line1, s.address_line1.as_deref());
    diff.text("city", &d.city, s.city.as_deref());
    diff.text("state", &d.state, s.state_reference.as_ref().and_then(|r| r.identifier.as_deref()));
    diff.text("zip", &d.zip, s.zip.as_deref());
    diff.name("timeZone", &d.time_zone, s.time_zone.as_ref());
    diff.id("company", run.company_id().map(|c| c.0), s.company.as_ref().and_then(|r| r.id).map(|c| c.0));
    diff.0
}

fn contact(run: &OnboardingRun, i: usize, c: &Contact) -> Vec<String> {
    let Some(d) = run.draft().contacts.get(i) else { return Vec::new() };
    let mut diff = Diff(Vec::new());
    diff.text("firstName", &d.first_name, c.first_name.as_deref());
    diff.text("lastName", &d.last_name, c.last_name.as_deref());
    diff.text("title", &d.title, c.title.as_deref());
    diff.id("company", run.company_id().map(|c| c.0), c.company.as_ref().and_then(|r| r.id).map(|c| c.0));
    let email = d.email.trim();
    if !email.is_empty() && !c.communication_items.iter().any(|item| item.value.trim().eq_ignore_ascii_case(email)) {
        diff.0.push(format!("email: wanted {email}, ConnectWise has no such communication item"));
    }
    let primary = run.draft().primary_index() == Some(i);
    if primary != c.default_flag {
        diff.0.push(format!("defaultFlag: wanted {primary}, ConnectWise has {}", c.default_flag));
    }
    diff.0
}

fn agreement(run: &OnboardingRun, a: &Agreement) -> Vec<String> {
    let Some(d) = run.draft().agreement.as_ref() else { return Vec::new() };
    let mut diff = Diff(Vec::new());
    diff.text("name", &d.name, Some(&a.name));
    diff.name("type", &d.type_name, a.kind.as_ref());
    diff.id("company", run.company_id().map(|c| c.0), a.company.as_ref().and_then(|r| r.id).map(|c| c.0));
    diff.id("contact", run.primary_contact_id().map(|c| c.0), a.contact.as_ref().and_then(|r| r.id).map(|c| c.0));
    let start = cw_date(&d.start_date);
    let day = |s: &str| s.get(..10).map(str::to_owned).unwrap_or_else(|| s.to_owned());
    diff.text("startDate", &day(&start), a.start_date.as_deref().map(day).as_deref());
    if let Some(amount) = parse_amount(&d.bill_amount)
        && a.bill_amount.is_none_or(|got| (got - amount).abs() > 0.005)
    {
        let got = a.bill_amount.map(|g| format!("{g:.2}")).unwrap_or_else(|| "nothing".into());
        diff.0.push(format!("billAmount: wanted {amount:.2}, ConnectWise has {got}"));
    }
    diff.0
}

fn ticket(run: &OnboardingRun, t: &Ticket) -> Vec<String> {
    let Some(d) = run.draft().ticket.as_ref() else { return Vec::new() };
    let mut diff = Diff(Vec::new());
    diff.text("summary", &run.draft().ticket_summary(), Some(&t.summary));
    diff.name("board", &d.board, t.board.as_ref());
    diff.id("company", run.company_id().map(|c| c.0), t.company.as_ref().and_then(|r| r.id).map(|c| c.0));
    diff.id("contact", run.primary_contact_id().map(|c| c.0), t.contact.as_ref().and_then(|r| r.id).map(|c| c.0));
    diff.0
}
