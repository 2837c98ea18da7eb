use super::*;
use crate::api::ApiError;
use crate::http::{Method, Request, Response};
use crate::ids::ContactId;
use crate::plan::WizardStep;
use serde_json::{Value, json};

pub(super) fn draft() -> OnboardingDraft {
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

pub(super) fn created(status: u16, body: Value) -> Response {
    Response { status, headers: Vec::new(), body: body.to_string() }
}

pub(super) fn body(request: &Request) -> Value {
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
