//! The wizard's view-independent pieces: which call each page makes, the lookup defaults, the effective
//! draft (skip switches applied), where a problem is shown, and how a run's outcome is worded. The draft,
//! its validation and the run itself live in `cw_shared::plan::onboarding`.

use cw_shared::api::ApiError;
use cw_shared::plan::onboarding::{DEFAULT_BOARD, DEFAULT_STATUS};
use cw_shared::plan::{DraftProblem, OnboardingDraft, OnboardingStep, OnboardingSummary, StepOutcome, WizardStep};

/// One drop-down's options from a ConnectWise lookup, and the one CW flags as default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Choices {
    /// The names, in CW's order.
    pub names: Vec<String>,
    /// The default, when CW flags one.
    pub default: Option<String>,
    /// Why the list could not be loaded (the field then takes free text).
    pub error: Option<String>,
}

impl Choices {
    /// True when `name` is one of the options (case-insensitive, as CW resolves names).
    pub fn contains(&self, name: &str) -> bool {
        self.names.iter().any(|n| n.eq_ignore_ascii_case(name.trim()))
    }
}

/// Every lookup the wizard's drop-downs use.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lookups {
    /// `/company/companies/statuses`.
    pub statuses: Choices,
    /// `/company/companies/types`.
    pub company_types: Choices,
    /// `/system/timeZoneSetups`.
    pub time_zones: Choices,
    /// `/finance/agreements/types` (active ones).
    pub agreement_types: Choices,
    /// `/service/boards` (active service boards).
    pub boards: Choices,
}

/// Fills the draft's empty or unknown choices from the lookups: status "Active" (else CW's default), the
/// default company type, the default time zone, the default agreement type, and the "Service Desk" board
/// (else the first board). Values the user picked that exist are kept.
pub fn apply_lookup_defaults(draft: &mut OnboardingDraft, lookups: &Lookups) {
    fn pick(value: &mut String, choices: &Choices, preferred: Option<&str>) {
        if choices.names.is_empty() || (!value.trim().is_empty() && choices.contains(value)) {
            return;
        }
        let preferred = preferred.filter(|p| choices.contains(p)).map(str::to_owned);
        if let Some(name) = preferred.or_else(|| choices.default.clone()) {
            *value = choices.names.iter().find(|n| n.eq_ignore_ascii_case(&name)).cloned().unwrap_or(name);
        }
    }
    pick(&mut draft.company.status, &lookups.statuses, Some(DEFAULT_STATUS));
    if draft.company.company_type.trim().is_empty() {
        pick(&mut draft.company.company_type, &lookups.company_types, None);
    }
    if draft.site.time_zone.trim().is_empty() {
        pick(&mut draft.site.time_zone, &lookups.time_zones, None);
    }
    if let Some(a) = draft.agreement.as_mut() {
        pick(&mut a.type_name, &lookups.agreement_types, None);
    }
    if let Some(t) = draft.ticket.as_mut() {
        let first = lookups.boards.names.first().cloned();
        if !lookups.boards.names.is_empty() && !lookups.boards.contains(&t.board) {
            t.board = if lookups.boards.contains(DEFAULT_BOARD) {
                DEFAULT_BOARD.to_owned()
            } else {
                first.unwrap_or_default()
            };
        }
    }
}

/// The draft the run gets: the form's values with the skipped agreement or ticket removed.
pub fn effective(draft: &OnboardingDraft, skip_agreement: bool, skip_ticket: bool) -> OnboardingDraft {
    let mut d = draft.clone();
    if skip_agreement {
        d.agreement = None;
    }
    if skip_ticket {
        d.ticket = None;
    }
    d
}

/// The auto-fill done on leaving step 1: the site takes the company's address (empty fields only) and the
/// ticket summary becomes "Onboarding — {name}" unless the user typed their own. `previous_auto` is the
/// summary this function set last time; returns the one it sets now.
pub fn autofill_after_company(draft: &mut OnboardingDraft, previous_auto: Option<&str>) -> String {
    draft.prefill_site();
    let auto = format!("Onboarding — {}", draft.company.name.trim());
    if let Some(t) = draft.ticket.as_mut() {
        let typed = t.summary.trim();
        if typed.is_empty() || previous_auto.is_some_and(|p| p == typed) {
            t.summary = auto.clone();
        }
    }
    auto
}

/// The call a wizard page makes on submit, as "METHOD path" (`None` for Review).
pub fn page_call(step: WizardStep, draft: &OnboardingDraft) -> Option<String> {
    let text = match step {
        WizardStep::Company => "POST /company/companies".to_owned(),
        WizardStep::Site => "POST /company/companies/{companyId}/sites".to_owned(),
        WizardStep::Contacts => match draft.contacts.len() {
            0 => "POST /company/contacts — none: no contacts added".to_owned(),
            1 => "POST /company/contacts × 1".to_owned(),
            n => format!("POST /company/contacts × {n} (one per contact)"),
        },
        WizardStep::Agreement if draft.agreement.is_none() => "POST /finance/agreements — skipped".to_owned(),
        WizardStep::Agreement => "POST /finance/agreements".to_owned(),
        WizardStep::Ticket if draft.ticket.is_none() => "POST /service/tickets — skipped".to_owned(),
        WizardStep::Ticket => "POST /service/tickets".to_owned(),
        WizardStep::Review => return None,
    };
    Some(text)
}

/// The path one step of the run POSTs to (with the created company's id when known).
pub fn step_call(step: OnboardingStep, company: Option<i32>) -> String {
    let company = company.map(|id| id.to_string()).unwrap_or_else(|| "{companyId}".into());
    match step {
        OnboardingStep::Company => "POST /company/companies".into(),
        OnboardingStep::Site => format!("POST /company/companies/{company}/sites"),
        OnboardingStep::Contact(_) => "POST /company/contacts".into(),
        OnboardingStep::Agreement => "POST /finance/agreements".into(),
        OnboardingStep::Ticket => "POST /service/tickets".into(),
    }
}

/// One section of the Review page.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewSection {
    /// "1. Company".
    pub title: String,
    /// The call it makes.
    pub call: String,
    /// `(label, value)` lines; empty values are shown as "—".
    pub lines: Vec<(String, String)>,
}

/// The Review page: every step's values and call.
pub fn review(draft: &OnboardingDraft) -> Vec<ReviewSection> {
    let v = |s: &str| if s.trim().is_empty() { "—".to_owned() } else { s.trim().to_owned() };
    let line = |label: &str, value: &str| (label.to_owned(), v(value));
    let title = |step: WizardStep| format!("{}. {}", step.number(), step.title());
    let call = |step: WizardStep| page_call(step, draft).unwrap_or_default();
    let c = &draft.company;
    let address =
        |parts: &[&str]| parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(", ");
    let mut sections = vec![
        ReviewSection {
            title: title(WizardStep::Company),
            call: call(WizardStep::Company),
            lines: vec![
                line("Name", &c.name),
                line("Identifier", &c.identifier),
                line("Status", &c.status),
                line("Type", &c.company_type),
                line("Phone", &c.phone_number),
                line("Website", &c.website),
                line("Address", &address(&[&c.address_line1, &c.city, &c.state, &c.zip])),
                line("Country id", &c.country_id.to_string()),
            ],
        },
        ReviewSection {
            title: title(WizardStep::Site),
            call: call(WizardStep::Site),
            lines: vec![
                line("Name", &draft.site.name),
                line(
                    "Address",
                    &address(&[&draft.site.address_line1, &draft.site.city, &draft.site.state, &draft.site.zip]),
                ),
                line("Time zone", &draft.site.time_zone),
            ],
        },
    ];
    let primary = draft.primary_index();
    let contacts = if draft.contacts.is_empty() {
        vec![("Contacts".to_owned(), "none".to_owned())]
    } else {
        draft
            .contacts
            .iter()
            .enumerate()
            .map(|(i, ct)| {
                let mut text = v(&ct.full_name());
                for extra in [&ct.title, &ct.email] {
                    if !extra.trim().is_empty() {
                        text.push_str(&format!(" · {}", extra.trim()));
                    }
                }
                if primary == Some(i) {
                    text.push_str(" · primary");
                }
                (format!("Contact {}", i + 1), text)
            })
            .collect()
    };
    sections.push(ReviewSection {
        title: title(WizardStep::Contacts),
        call: call(WizardStep::Contacts),
        lines: contacts,
    });
    let agreement = match &draft.agreement {
        None => vec![("Agreement".to_owned(), "skipped".to_owned())],
        Some(a) => vec![
            line("Name", &a.name),
            line("Type", &a.type_name),
            line("Start", &a.start_date),
            line("Monthly amount", &a.bill_amount),
        ],
    };
    sections.push(ReviewSection {
        title: title(WizardStep::Agreement),
        call: call(WizardStep::Agreement),
        lines: agreement,
    });
    let ticket = match &draft.ticket {
        None => vec![("Ticket".to_owned(), "skipped".to_owned())],
        Some(t) => vec![line("Summary", &draft.ticket_summary()), line("Board", &t.board)],
    };
    sections.push(ReviewSection { title: title(WizardStep::Ticket), call: call(WizardStep::Ticket), lines: ticket });
    sections
}

/// The draft field a ConnectWise field error of `step` belongs to (to show CW's message next to it).
pub fn draft_field(step: OnboardingStep, cw_field: &str) -> Option<String> {
    let f = cw_field.trim();
    let pick = |pairs: &[(&str, &str)]| {
        pairs.iter().find(|(cw, _)| cw.eq_ignore_ascii_case(f)).map(|(_, draft)| (*draft).to_owned())
    };
    match step {
        OnboardingStep::Company => pick(&[
            ("identifier", "company.identifier"),
            ("name", "company.name"),
            ("status", "company.status"),
            ("types", "company.type"),
            ("phoneNumber", "company.phoneNumber"),
            ("website", "company.website"),
            ("addressLine1", "company.addressLine1"),
            ("city", "company.city"),
            ("state", "company.state"),
            ("zip", "company.zip"),
        ]),
        OnboardingStep::Site => pick(&[
            ("name", "site.name"),
            ("addressLine1", "site.addressLine1"),
            ("city", "site.city"),
            ("stateReference", "site.state"),
            ("zip", "site.zip"),
            ("timeZone", "site.timeZone"),
        ]),
        OnboardingStep::Contact(i) => {
            let field = match f.to_ascii_lowercase().as_str() {
                "firstname" => "firstName",
                "lastname" => "lastName",
                "title" => "title",
                "communicationitems" | "email" => "email",
                _ => return None,
            };
            Some(format!("contacts[{i}].{field}"))
        }
        OnboardingStep::Agreement => pick(&[
            ("name", "agreement.name"),
            ("type", "agreement.type"),
            ("startDate", "agreement.startDate"),
            ("billAmount", "agreement.billAmount"),
        ]),
        OnboardingStep::Ticket => pick(&[("summary", "ticket.summary"), ("board", "ticket.board")]),
    }
}

/// The problems ConnectWise reported for the failed step, as draft problems (field-level when CW named a
/// field it maps to, else on the step as a whole).
pub fn server_problems(step: OnboardingStep, error: &ApiError) -> Vec<DraftProblem> {
    let page = step.wizard_step();
    let mut out: Vec<DraftProblem> = error
        .field_errors()
        .iter()
        .filter_map(|e| {
            let field = draft_field(step, e.field.as_deref()?)?;
            Some(DraftProblem { step: page, field, message: e.to_string() })
        })
        .collect();
    if out.is_empty() {
        out.push(DraftProblem { step: page, field: String::new(), message: error.to_string() });
    }
    out
}

/// What to fix after a failed step, in one sentence.
pub fn fix_hint(step: OnboardingStep, error: &ApiError) -> String {
    let page = step.wizard_step();
    let on_page = format!("on step {} ({})", page.number(), page.title());
    if matches!(error, ApiError::Transport { .. }) || error.is_retryable() {
        return "Check the connection (proxy running, ConnectWise reachable), then click Resume.".into();
    }
    if error.is_auth() {
        return "Check the credentials and the API member's security role, then click Resume.".into();
    }
    let fields: Vec<String> = error.field_errors().iter().filter_map(|e| e.field.clone()).collect();
    match step {
        OnboardingStep::Company if fields.iter().any(|f| f.eq_ignore_ascii_case("identifier")) => format!(
            "Change the company identifier {on_page}: it must be letters and digits only and unique in ConnectWise. \
             Then click Resume."
        ),
        OnboardingStep::Agreement => format!(
            "Check the agreement {on_page}: the type must match an agreement type in ConnectWise (Finance → \
             Agreement Types). Then click Resume; the records already created are kept."
        ),
        OnboardingStep::Ticket => format!(
            "Check the ticket {on_page}: the board must match a service board in ConnectWise exactly. Then click \
             Resume; the records already created are kept."
        ),
        _ if !fields.is_empty() => {
            format!("Correct {} {on_page}, then click Resume; the records already created are kept.", fields.join(", "))
        }
        _ => format!("Correct the values {on_page}, then click Resume; the records already created are kept."),
    }
}

/// One line of `#wz-result`.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultLine {
    /// `ok`, `error`, `skip` or `pending` (a CSS class).
    pub class: &'static str,
    /// What a person reads: "Created Company Acme Corp — id 250 (POST /company/companies)".
    pub text: String,
}

/// The run's rows as result lines.
pub fn result_lines(summary: &OnboardingSummary, company: Option<i32>) -> Vec<ResultLine> {
    summary
        .rows
        .iter()
        .map(|(step, label, outcome)| {
            let call = step_call(*step, company);
            match outcome {
                StepOutcome::Created { id } => {
                    ResultLine { class: "ok", text: format!("Created {label} — id {id} ({call})") }
                }
                StepOutcome::Skipped { reason } => ResultLine { class: "skip", text: format!("Skipped: {reason}") },
                StepOutcome::Failed { message } => {
                    ResultLine { class: "error", text: format!("Failed {label} ({call}): {message}") }
                }
                StepOutcome::Pending => ResultLine { class: "pending", text: format!("Not run: {label}") },
            }
        })
        .collect()
}

/// The headline of `#wz-result`.
pub fn headline(summary: &OnboardingSummary, complete: bool, failed: Option<&str>) -> String {
    let created = summary.created().len();
    if complete {
        let s = if created == 1 { "" } else { "s" };
        format!("Onboarding complete: success — {created} record{s} created in ConnectWise.")
    } else if let Some(label) = failed {
        format!(
            "Onboarding failed at {label}. {created} record(s) created so far; nothing after the failed step was sent."
        )
    } else {
        format!("Onboarding in progress… {created} record(s) created.")
    }
}

/// Where a problem is shown: the input's id (`wz-identifier`), `wz-contact-{i}` for a contact's fields, or the
/// step section (`wz-{n}`) when no single field fits.
pub fn anchor(problem: &DraftProblem) -> String {
    let f = problem.field.as_str();
    let id = match f {
        "company.identifier" => "wz-identifier",
        "company.name" => "wz-name",
        "company.status" => "wz-status",
        "company.type" => "wz-type",
        "company.phoneNumber" => "wz-phone",
        "company.website" => "wz-website",
        "company.address" | "company.addressLine1" | "company.addressLine2" => "wz-address1",
        "company.city" => "wz-city",
        "company.state" => "wz-state",
        "company.zip" => "wz-zip",
        "site.name" => "wz-site-name",
        "site.addressLine1" | "site.addressLine2" => "wz-site-address1",
        "site.city" => "wz-site-city",
        "site.state" => "wz-site-state",
        "site.zip" => "wz-site-zip",
        "site.timeZone" => "wz-site-timezone",
        "agreement.name" => "wz-agreement-name",
        "agreement.type" => "wz-agreement-type",
        "agreement.startDate" | "agreement.endDate" => "wz-agreement-start",
        "agreement.billAmount" => "wz-agreement-amount",
        "ticket.summary" => "wz-ticket-summary",
        "ticket.board" => "wz-ticket-board",
        _ => {
            if let Some(rest) = f.strip_prefix("contacts[")
                && let Some((index, _)) = rest.split_once(']')
                && index.parse::<usize>().is_ok()
            {
                return format!("wz-contact-{index}");
            }
            return format!("wz-{}", problem.step.number());
        }
    };
    id.to_owned()
}

/// `YYYY-MM-DD` from a year, a 1-based month and a day.
pub fn ymd(year: u32, month: u32, day: u32) -> String {
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use cw_shared::http::Response;
    use cw_shared::plan::OnboardingRun;

    fn choices(names: &[&str], default: Option<&str>) -> Choices {
        Choices {
            names: names.iter().map(|s| s.to_string()).collect(),
            default: default.map(str::to_owned),
            error: None,
        }
    }

    fn lookups() -> Lookups {
        Lookups {
            statuses: choices(&["Active", "Inactive"], Some("Active")),
            company_types: choices(&["Client", "Prospect"], Some("Client")),
            time_zones: choices(&["Eastern Standard Time", "Central Standard Time"], Some("Eastern Standard Time")),
            agreement_types: choices(&["Managed Service", "Block Hours"], Some("Managed Service")),
            boards: choices(&["Projects Desk", "Service Desk"], None),
        }
    }

    fn filled() -> OnboardingDraft {
        let mut d = OnboardingDraft::new("2026-11-27");
        d.company.name = "Acme Corp".into();
        d.company.identifier = "AcmeCorp".into();
        d.company.address_line1 = "1 Main St".into();
        d.company.city = "Plano".into();
        d.company.state = "TX".into();
        d.add_contact().first_name = "Ann".into();
        d.agreement.as_mut().unwrap().name = "Managed".into();
        d.agreement.as_mut().unwrap().type_name = "Managed Service".into();
        d
    }

    #[test]
    fn lookups_fill_defaults_and_keep_valid_choices() {
        let mut d = OnboardingDraft::new("2026-11-27");
        apply_lookup_defaults(&mut d, &lookups());
        assert_eq!(d.company.status, "Active");
        assert_eq!(d.company.company_type, "Client");
        assert_eq!(d.site.time_zone, "Eastern Standard Time");
        assert_eq!(d.agreement.as_ref().unwrap().type_name, "Managed Service");
        assert_eq!(d.ticket.as_ref().unwrap().board, "Service Desk");

        d.agreement.as_mut().unwrap().type_name = "Block Hours".into();
        d.ticket.as_mut().unwrap().board = "Nope".into();
        let mut l = lookups();
        l.boards = choices(&["Helpdesk", "Onboarding"], None);
        apply_lookup_defaults(&mut d, &l);
        assert_eq!(d.agreement.as_ref().unwrap().type_name, "Block Hours", "a valid choice is kept");
        assert_eq!(d.ticket.as_ref().unwrap().board, "Helpdesk", "no Service Desk: the first board");

        let mut d = OnboardingDraft::new("2026-11-27");
        apply_lookup_defaults(&mut d, &Lookups::default());
        assert_eq!(d.ticket.as_ref().unwrap().board, "Service Desk", "no lookups: the spec's defaults stay");
        assert_eq!(d.company.status, "Active");
    }

    #[test]
    fn leaving_step_one_prefills_site_and_ticket_summary() {
        let mut d = filled();
        let auto = autofill_after_company(&mut d, None);
        assert_eq!(d.site.city, "Plano");
        assert_eq!(d.site.address_line1, "1 Main St");
        assert_eq!(d.ticket.as_ref().unwrap().summary, "Onboarding — Acme Corp");
        d.company.name = "Acme Corporation".into();
        let auto = autofill_after_company(&mut d, Some(&auto));
        assert_eq!(d.ticket.as_ref().unwrap().summary, "Onboarding — Acme Corporation", "the auto summary follows");
        d.ticket.as_mut().unwrap().summary = "Kickoff".into();
        autofill_after_company(&mut d, Some(&auto));
        assert_eq!(d.ticket.as_ref().unwrap().summary, "Kickoff", "a typed summary is kept");
    }

    #[test]
    fn each_page_names_its_call_and_skips_show() {
        let d = filled();
        assert_eq!(page_call(WizardStep::Company, &d).unwrap(), "POST /company/companies");
        assert_eq!(page_call(WizardStep::Site, &d).unwrap(), "POST /company/companies/{companyId}/sites");
        assert_eq!(page_call(WizardStep::Contacts, &d).unwrap(), "POST /company/contacts × 1");
        assert_eq!(page_call(WizardStep::Review, &d), None);
        let e = effective(&d, true, true);
        assert!(e.agreement.is_none() && e.ticket.is_none());
        assert!(page_call(WizardStep::Agreement, &e).unwrap().contains("skipped"));
        assert!(d.agreement.is_some(), "the form keeps its values");
        let sections = review(&d);
        assert_eq!(sections.len(), 5);
        assert_eq!(sections[0].title, "1. Company");
        assert!(sections[2].lines[0].1.contains("Ann") && sections[2].lines[0].1.contains("primary"));
        assert_eq!(sections[4].lines[0].1, "Onboarding — Acme Corp");
    }

    #[test]
    fn problems_are_anchored_next_to_their_fields() {
        let p = |field: &str, step| DraftProblem { step, field: field.into(), message: String::new() };
        assert_eq!(anchor(&p("company.identifier", WizardStep::Company)), "wz-identifier");
        assert_eq!(anchor(&p("company.address", WizardStep::Company)), "wz-address1");
        assert_eq!(anchor(&p("contacts[2].firstName", WizardStep::Contacts)), "wz-contact-2");
        assert_eq!(anchor(&p("contacts", WizardStep::Contacts)), "wz-3");
        assert_eq!(anchor(&p("agreement.contact", WizardStep::Agreement)), "wz-4");
    }

    #[test]
    fn a_refused_company_is_explained_with_cws_words() {
        let mut run = OnboardingRun::start(filled()).unwrap();
        let body = r#"{"code":"InvalidObject","message":"company object is invalid","errors":[
            {"code":"ObjectExists","message":"Company ID already in use.","resource":"company","field":"identifier"}]}"#;
        let error = run.record(&Response { status: 400, headers: Vec::new(), body: body.into() }).unwrap_err();
        let problems = server_problems(OnboardingStep::Company, &error);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "company.identifier");
        assert!(problems[0].message.contains("Company ID already in use."));
        assert!(fix_hint(OnboardingStep::Company, &error).contains("identifier"));
        let summary = run.summary();
        let lines = result_lines(&summary, None);
        assert_eq!(lines[0].class, "error");
        assert!(lines[0].text.contains("Company ID already in use."), "{:?}", lines[0]);
        assert_eq!(lines[1].class, "pending");
        assert!(headline(&summary, false, Some("Company Acme Corp")).contains("failed"));

        let transport = ApiError::Transport { message: "down".into() };
        assert!(fix_hint(OnboardingStep::Site, &transport).contains("connection"));
        assert_eq!(server_problems(OnboardingStep::Site, &transport)[0].field, "");
        assert_eq!(draft_field(OnboardingStep::Contact(1), "lastName").unwrap(), "contacts[1].lastName");
        assert_eq!(draft_field(OnboardingStep::Ticket, "board").unwrap(), "ticket.board");
    }

    #[test]
    fn a_complete_run_says_success_with_ids() {
        let mut d = filled();
        d.agreement = None;
        d.ticket = None;
        let mut run = OnboardingRun::start(d).unwrap();
        for (i, body) in [r#"{"id":250}"#, r#"{"id":31,"name":"Main Office"}"#, r#"{"id":900}"#].iter().enumerate() {
            run.record(&Response { status: 201, headers: Vec::new(), body: body.to_string() })
                .unwrap_or_else(|e| panic!("{i}: {e}"));
        }
        assert!(run.is_complete());
        let summary = run.summary();
        let lines = result_lines(&summary, Some(250));
        assert_eq!(lines[0].text, "Created Company Acme Corp — id 250 (POST /company/companies)");
        assert!(lines[1].text.contains("/company/companies/250/sites"));
        assert_eq!(lines[3].class, "skip");
        let h = headline(&summary, true, None);
        assert!(h.contains("success") && h.contains("3 records created"), "{h}");
        assert_eq!(ymd(2026, 3, 7), "2026-03-07");
    }
}
