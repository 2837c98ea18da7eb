//! Pre-flight: what is checked in ConnectWise before the run's first write, shown on the Review page.
//!
//! - The identifier is not used by any company (deleted ones included: CW keeps their identifiers). Blocking.
//! - No live company has the same name. A warning naming the existing one, which the user can open or
//!   acknowledge (two clients can share a name).
//! - No contact already has a contact's email (`childConditions` on `communicationItems`). Blocking: the same
//!   person would exist twice, with two portal logins.
//! - Two contacts of the draft do not share an email. Blocking.
//! - Every name picked from a lookup (status, company type, time zone, agreement type, board) exists in this
//!   tenant. Blocking, since CW would refuse the POST; a lookup that could not be loaded is a warning.
//!
//! A check whose call failed is a warning that says so: the user decides whether to submit without it.

use serde::{Deserialize, Serialize};

use super::draft::{OnboardingDraft, some};
use crate::api::{self, ApiError, not_deleted, parse_response};
use crate::http::{Request, Response};
use crate::ids::CompanyId;
use crate::model::{Company, Contact};
use crate::plan::WizardStep;
use crate::query::{Condition, Page};

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Severity {
    /// Submit is blocked until the draft changes.
    Blocking,
    /// Submit waits until the user acknowledges it.
    Warning,
}

/// One thing pre-flight found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Blocking or a warning.
    pub severity: Severity,
    /// A stable code: `identifier-taken`, `name-exists`, `email-exists`, `email-twice`, `lookup-unknown`,
    /// `lookup-unchecked`, `check-failed`.
    pub code: String,
    /// The wizard page to fix it on.
    pub step: WizardStep,
    /// The draft field (`company.identifier`, `contacts[0].email`...).
    pub field: String,
    /// What was found and what to do.
    pub message: String,
    /// The existing company involved, to offer "Open".
    pub company: Option<CompanyId>,
}

/// The name lists of this tenant's lookups; `Err` when a list could not be loaded.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TenantNames {
    /// Company statuses.
    pub statuses: Option<Result<Vec<String>, String>>,
    /// Company types.
    pub company_types: Option<Result<Vec<String>, String>>,
    /// Time zone setups.
    pub time_zones: Option<Result<Vec<String>, String>>,
    /// Agreement types.
    pub agreement_types: Option<Result<Vec<String>, String>>,
    /// Service boards.
    pub boards: Option<Result<Vec<String>, String>>,
}

/// What a pre-flight call checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckKind {
    /// Companies with the draft's identifier.
    Identifier,
    /// Live companies with the draft's name.
    Name,
    /// Contacts with the email of draft contact `n`.
    Email(usize),
}

/// One pre-flight call.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// What it checks.
    pub kind: CheckKind,
    /// The GET to send.
    pub request: Request,
}

/// The calls pre-flight makes for `draft` (all GETs; send them in any order).
pub fn preflight_checks(draft: &OnboardingDraft) -> Vec<Check> {
    let page = Page::first(25);
    let mut checks = Vec::new();
    if let Some(identifier) = some(&draft.company.identifier) {
        let filter = Condition::eq("identifier", identifier);
        checks.push(Check {
            kind: CheckKind::Identifier,
            request: api::list_companies(Some(&filter), page).into_request(),
        });
    }
    if let Some(name) = some(&draft.company.name) {
        let filter = Condition::eq("name", name).and(not_deleted());
        checks.push(Check { kind: CheckKind::Name, request: api::list_companies(Some(&filter), page).into_request() });
    }
    for (i, contact) in draft.contacts.iter().enumerate() {
        if let Some(email) = some(&contact.email) {
            checks
                .push(Check { kind: CheckKind::Email(i), request: api::find_contacts_by_email(&email).into_request() });
        }
    }
    checks
}

/// The findings of one pre-flight call's answer (`Err` when no answer came).
pub fn read_check(draft: &OnboardingDraft, kind: CheckKind, answer: Result<&Response, &ApiError>) -> Vec<Finding> {
    let failed = |what: &str, step: WizardStep, field: &str, e: &ApiError| Finding {
        severity: Severity::Warning,
        code: "check-failed".into(),
        step,
        field: field.into(),
        message: format!("Could not check {what}: {e}. Acknowledge to submit without this check, or try again."),
        company: None,
    };
    match kind {
        CheckKind::Identifier | CheckKind::Name => {
            let identifier = draft.company.identifier.trim();
            let name = draft.company.name.trim();
            let (what, field) = match kind {
                CheckKind::Identifier => {
                    (format!("whether the identifier \"{identifier}\" is free"), "company.identifier")
                }
                _ => (format!("for another company named \"{name}\""), "company.name"),
            };
            let companies = match answer.map_err(Clone::clone).and_then(parse_response::<Vec<Company>>) {
                Ok(c) => c,
                Err(e) => return vec![failed(&what, WizardStep::Company, field, &e)],
            };
            let hit = companies.into_iter().find(|c| match kind {
                CheckKind::Identifier => c.identifier.trim().eq_ignore_ascii_case(identifier),
                _ => c.name.trim().eq_ignore_ascii_case(name) && !c.deleted_flag,
            });
            let Some(c) = hit else { return Vec::new() };
            let finding = match kind {
                CheckKind::Identifier => Finding {
                    severity: Severity::Blocking,
                    code: "identifier-taken".into(),
                    step: WizardStep::Company,
                    field: field.into(),
                    message: format!(
                        "The identifier \"{identifier}\" is already used by {}{} (id {}). Identifiers are unique in \
                         ConnectWise: choose another on step 1, or open the existing company.",
                        c.name.trim(),
                        if c.deleted_flag { ", a deleted company" } else { "" },
                        c.id
                    ),
                    company: Some(c.id),
                },
                _ => Finding {
                    severity: Severity::Warning,
                    code: "name-exists".into(),
                    step: WizardStep::Company,
                    field: field.into(),
                    message: format!(
                        "A company named \"{}\" already exists (id {}, identifier {}). Open it to make sure this is \
                         not the same client, or acknowledge to create another one.",
                        c.name.trim(),
                        c.id,
                        c.identifier.trim()
                    ),
                    company: Some(c.id),
                },
            };
            vec![finding]
        }
        CheckKind::Email(i) => {
            let Some(contact) = draft.contacts.get(i) else { return Vec::new() };
            let email = contact.email.trim();
            let field = format!("contacts[{i}].email");
            let contacts = match answer.map_err(Clone::clone).and_then(parse_response::<Vec<Contact>>) {
                Ok(c) => c,
                Err(e) => {
                    return vec![failed(
                        &format!("whether {email} is already a contact"),
                        WizardStep::Contacts,
                        &field,
                        &e,
                    )];
                }
            };
            let hit = contacts
                .into_iter()
                .find(|c| c.communication_items.iter().any(|item| item.value.trim().eq_ignore_ascii_case(email)));
            let Some(c) = hit else { return Vec::new() };
            let name = [c.first_name.as_deref(), c.last_name.as_deref()]
                .into_iter()
                .flatten()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            let company = c.company.as_ref().and_then(|r| r.id);
            let at = c.company.as_ref().map(|r| format!(" at {}", r.label())).unwrap_or_default();
            vec![Finding {
                severity: Severity::Blocking,
                code: "email-exists".into(),
                step: WizardStep::Contacts,
                field,
                message: format!(
                    "{email} already belongs to the contact {name}{at} (contact id {}). Use another email on step 3, \
                     or leave it empty and add it to the existing contact in ConnectWise.",
                    c.id
                ),
                company,
            }]
        }
    }
}

/// The findings that need no call: emails used twice in the draft and lookup names unknown to this tenant.
pub fn local_findings(draft: &OnboardingDraft, names: &TenantNames) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, contact) in draft.contacts.iter().enumerate() {
        let email = contact.email.trim();
        if email.is_empty() {
            continue;
        }
        if let Some(first) = draft.contacts[..i].iter().position(|c| c.email.trim().eq_ignore_ascii_case(email)) {
            out.push(Finding {
                severity: Severity::Blocking,
                code: "email-twice".into(),
                step: WizardStep::Contacts,
                field: format!("contacts[{i}].email"),
                message: format!(
                    "Contacts {} and {} both have the email {email}: give each its own.",
                    first + 1,
                    i + 1
                ),
                company: None,
            });
        }
    }
    let c = &draft.company;
    let mut lookup = |list: &Option<Result<Vec<String>, String>>, value: &str, what: &str, step, field: &str| {
        let Some(value) = some(value) else { return };
        match list {
            Some(Ok(list)) if !list.iter().any(|n| n.trim().eq_ignore_ascii_case(&value)) => out.push(Finding {
                severity: Severity::Blocking,
                code: "lookup-unknown".into(),
                step,
                field: field.into(),
                message: format!(
                    "\"{value}\" is not a {what} in this ConnectWise; ConnectWise would refuse it. Pick one from the \
                     list."
                ),
                company: None,
            }),
            Some(Err(e)) => out.push(Finding {
                severity: Severity::Warning,
                code: "lookup-unchecked".into(),
                step,
                field: field.into(),
                message: format!(
                    "The {what} \"{value}\" could not be checked ({e}); ConnectWise will refuse the call if it does \
                     not exist."
                ),
                company: None,
            }),
            _ => {}
        }
    };
    lookup(&names.statuses, &c.status, "company status", WizardStep::Company, "company.status");
    lookup(&names.company_types, &c.company_type, "company type", WizardStep::Company, "company.type");
    lookup(&names.time_zones, &draft.site.time_zone, "time zone", WizardStep::Site, "site.timeZone");
    if let Some(a) = &draft.agreement {
        lookup(&names.agreement_types, &a.type_name, "agreement type", WizardStep::Agreement, "agreement.type");
    }
    if let Some(t) = &draft.ticket {
        lookup(&names.boards, &t.board, "service board", WizardStep::Ticket, "ticket.board");
    }
    out
}

/// The findings a submit must wait for: blocking ones, and warnings not in `acknowledged` (by code and field).
pub fn unresolved<'a>(findings: &'a [Finding], acknowledged: &[String]) -> Vec<&'a Finding> {
    findings.iter().filter(|f| f.severity == Severity::Blocking || !acknowledged.contains(&f.key())).collect()
}

impl Finding {
    /// The key an acknowledgement is kept under: `code:field`.
    pub fn key(&self) -> String {
        format!("{}:{}", self.code, self.field)
    }
}
