//! The run against the in-memory ConnectWise: the journal, lost answers, pre-flight, rollback and read-back.

use super::tests::{body, created, draft};
use super::*;
use crate::api::ApiError;
use crate::http::{Method, Request, Response};
use crate::store::Store;
use serde_json::{Value, json};

fn send(store: &mut Store, request: &Request) -> Response {
    store.handle(request)
}

/// Sends every request the run hands out until it completes or stops.
fn drive(run: &mut OnboardingRun, store: &mut Store) {
    while let Some(request) = run.begin() {
        let response = send(store, &request);
        if run.record(&response).is_err() {
            break;
        }
    }
}

fn count(store: &mut Store, path: &str, conditions: &str) -> usize {
    let request = Request::new(Method::Get, path)
        .with_query(format!("conditions={}&pageSize=1000", crate::query::encode(conditions)));
    let response = store.handle(&request);
    assert_eq!(response.status, 200, "{}", response.body);
    serde_json::from_str::<Vec<Value>>(&response.body).unwrap().len()
}

/// The records of `identifier` in the store: (companies, sites, contacts, agreements, tickets).
fn records(store: &mut Store, identifier: &str) -> (usize, usize, usize, usize, usize) {
    let companies = count(store, "/company/companies", &format!("identifier=\"{identifier}\""));
    let request = Request::new(Method::Get, "/company/companies")
        .with_query(format!("conditions={}", crate::query::encode(&format!("identifier=\"{identifier}\""))));
    let listed: Vec<Value> = serde_json::from_str(&store.handle(&request).body).unwrap();
    let Some(id) = listed.first().and_then(|c| c["id"].as_i64()) else { return (companies, 0, 0, 0, 0) };
    let sites = count(store, &format!("/company/companies/{id}/sites"), "name like \"%\"");
    let contacts = count(store, "/company/contacts", &format!("company/id={id}"));
    let agreements = count(store, "/finance/agreements", &format!("company/id={id}"));
    let tickets = count(store, "/service/tickets", &format!("company/id={id}"));
    (companies, sites, contacts, agreements, tickets)
}

/// What a run without incidents leaves: one company, its sites (CW adds one of its own with the company), two
/// contacts, one agreement, one ticket.
fn clean_records() -> (usize, usize, usize, usize, usize) {
    let mut store = Store::demo();
    full_run(&mut store);
    let clean = records(&mut store, "AcmeCorp");
    assert_eq!((clean.0, clean.2, clean.3, clean.4), (1, 2, 1, 1));
    clean
}

#[test]
fn the_journal_round_trips_and_refuses_what_it_cannot_resume() {
    let mut run = OnboardingRun::start(draft()).unwrap().with_target("DEMO");
    run.record(&created(201, json!({"id":250}))).unwrap();
    let back = OnboardingRun::from_journal(&run.to_journal()).unwrap();
    assert_eq!(back, run);
    assert_eq!(back.target(), "DEMO");
    assert_eq!(back.company_id(), Some(crate::ids::CompanyId(250)));

    let mut value: Value = serde_json::from_str(&run.to_journal()).unwrap();
    value["version"] = json!(1);
    assert!(OnboardingRun::from_journal(&value.to_string()).unwrap_err().contains("another version"));
    assert!(OnboardingRun::from_journal("{not json").unwrap_err().contains("cannot be read"));

    // A stopped run keeps its error across a reload.
    run.record(&created(400, json!({"code":"InvalidObject","message":"site object is invalid"}))).unwrap_err();
    let back = OnboardingRun::from_journal(&run.to_journal()).unwrap();
    assert_eq!(back.failure().map(|(s, _)| s), Some(OnboardingStep::Site));
    assert!(back.can_resume());
}

#[test]
fn a_post_whose_answer_was_lost_is_found_after_a_reload_and_not_created_again() {
    let mut store = Store::demo();
    let mut run = OnboardingRun::start(draft()).unwrap();
    // The company POST lands, then the tab is closed before the answer is recorded.
    let request = run.begin().unwrap();
    assert_eq!(run.unsure(), Some(OnboardingStep::Company), "a sent POST may have landed");
    let journal = run.to_journal();
    send(&mut store, &request);

    let mut run = OnboardingRun::from_journal(&journal).unwrap();
    assert!(run.can_resume());
    let search = run.next_request().unwrap();
    assert_eq!((search.method, search.path.as_str()), (Method::Get, "/company/companies"));
    assert!(crate::query::decode(&search.query).contains("identifier=\"AcmeCorp\""), "{}", search.query);
    drive(&mut run, &mut store);
    assert!(run.is_complete(), "{:?}", run.failure());
    assert_eq!(records(&mut store, "AcmeCorp"), clean_records());
    assert!(run.summary().notes.iter().any(|n| n.contains("was not created again")), "{:?}", run.summary().notes);
}

#[test]
fn a_dropped_connection_mid_run_is_searched_for_on_resume() {
    let mut store = Store::demo();
    let mut run = OnboardingRun::start(draft()).unwrap();
    for _ in 0..3 {
        let request = run.begin().unwrap();
        run.record(&send(&mut store, &request)).unwrap();
    }
    // Contact 1 (Bob) lands but the connection drops before the answer.
    let request = run.begin().unwrap();
    send(&mut store, &request);
    run.record_error(ApiError::Transport { message: "connection reset".into() });
    assert_eq!(run.next_request(), None, "stopped");
    run.resume().unwrap();
    let search = run.next_request().unwrap();
    assert_eq!((search.method, search.path.as_str()), (Method::Get, "/company/contacts"));
    drive(&mut run, &mut store);
    assert!(run.is_complete());
    assert_eq!(records(&mut store, "AcmeCorp"), clean_records());
}

#[test]
fn a_lost_post_that_never_landed_is_sent_again_and_a_5xx_leaves_the_step_unsure() {
    let mut store = Store::demo();
    let mut run = OnboardingRun::start(draft()).unwrap();
    run.begin().unwrap(); // never reached ConnectWise
    let mut run = OnboardingRun::from_journal(&run.to_journal()).unwrap();
    let search = run.begin().unwrap();
    assert_eq!(search.method, Method::Get);
    run.record(&send(&mut store, &search)).unwrap();
    assert_eq!(run.created_id(OnboardingStep::Company), None, "nothing found");
    assert_eq!(run.next_request().unwrap().method, Method::Post, "so the POST goes out again");

    let request = run.begin().unwrap();
    send(&mut store, &request);
    let timeout = created(500, json!({"code":"ConnectWiseApi","message":"A timeout has occured. Please try again."}));
    run.record(&timeout).unwrap_err();
    assert_eq!(run.unsure(), Some(OnboardingStep::Company));
    run.resume().unwrap();
    drive(&mut run, &mut store);
    assert!(run.is_complete());
    assert_eq!(records(&mut store, "AcmeCorp").0, 1);
}

fn seeded_contact(store: &mut Store) -> (String, String, i32) {
    let request = Request::new(Method::Get, "/company/contacts").with_query("pageSize=1");
    let contacts: Vec<crate::model::Contact> = serde_json::from_str(&store.handle(&request).body).unwrap();
    let c = &contacts[0];
    let email = c.communication_items.iter().find(|i| i.value.contains('@')).unwrap().value.clone();
    (email, c.first_name.clone().unwrap_or_default(), c.company.as_ref().and_then(|r| r.id).unwrap().0)
}

fn preflight(store: &mut Store, draft: &OnboardingDraft) -> Vec<Finding> {
    preflight_checks(draft)
        .into_iter()
        .flat_map(|check| {
            let response = store.handle(&check.request);
            read_check(draft, check.kind, Ok(&response))
        })
        .collect()
}

#[test]
fn preflight_finds_a_taken_identifier_a_same_name_and_a_known_email() {
    let mut store = Store::demo();
    assert_eq!(preflight(&mut store, &draft()), Vec::new(), "a new client passes");

    let request = Request::new(Method::Get, "/company/companies").with_query("pageSize=1");
    let existing: Vec<crate::model::Company> = serde_json::from_str(&store.handle(&request).body).unwrap();
    let existing = &existing[0];
    let (email, first, email_company) = seeded_contact(&mut store);
    let mut d = draft();
    d.company.identifier = existing.identifier.to_lowercase();
    d.company.name = existing.name.clone();
    d.contacts[1].email = email.to_uppercase();
    let email_request = preflight_checks(&d).into_iter().find(|c| c.kind == CheckKind::Email(1)).unwrap().request;
    assert!(
        crate::query::decode(&email_request.query).contains(&format!(
            "childConditions=communicationItems/value=\"{}\" and communicationItems/communicationType=\"Email\"",
            email.to_uppercase()
        )),
        "{}",
        email_request.query
    );

    let findings = preflight(&mut store, &d);
    let codes: Vec<(&str, Severity)> = findings.iter().map(|f| (f.code.as_str(), f.severity)).collect();
    assert_eq!(
        codes,
        vec![
            ("identifier-taken", Severity::Blocking),
            ("name-exists", Severity::Warning),
            ("email-exists", Severity::Blocking)
        ]
    );
    assert_eq!(findings[0].company, Some(existing.id));
    assert!(findings[0].message.contains(&existing.name), "{}", findings[0].message);
    assert_eq!(findings[1].company, Some(existing.id));
    assert_eq!(findings[2].field, "contacts[1].email");
    assert_eq!(findings[2].company.map(|c| c.0), Some(email_company));
    assert!(findings[2].message.contains(&first), "{}", findings[2].message);

    // Warnings wait for an acknowledgement; blocking findings do not go away with one.
    let keys: Vec<String> = findings.iter().map(Finding::key).collect();
    assert_eq!(unresolved(&findings, &[]).len(), 3);
    assert_eq!(unresolved(&findings, &keys).len(), 2);
    let warnings_only: Vec<Finding> = findings.iter().filter(|f| f.severity == Severity::Warning).cloned().collect();
    assert!(unresolved(&warnings_only, &keys).is_empty());
}

#[test]
fn preflight_reports_a_check_that_could_not_run_and_local_problems() {
    let d = draft();
    let checks = preflight_checks(&d);
    assert_eq!(
        checks.iter().map(|c| c.kind).collect::<Vec<_>>(),
        vec![CheckKind::Identifier, CheckKind::Name, CheckKind::Email(0)]
    );
    let down = ApiError::Transport { message: "proxy unreachable".into() };
    let f = read_check(&d, CheckKind::Identifier, Err(&down));
    assert_eq!((f[0].code.as_str(), f[0].severity), ("check-failed", Severity::Warning));
    assert!(f[0].message.contains("proxy unreachable"));

    let mut d = draft();
    d.contacts[1].email = "ANN@acme.com".into();
    d.ticket.as_mut().unwrap().board = "Help Desk".into();
    let names = TenantNames {
        statuses: Some(Ok(vec!["Active".into()])),
        company_types: Some(Ok(vec!["Client".into()])),
        time_zones: None,
        agreement_types: Some(Err("HTTP 403".into())),
        boards: Some(Ok(vec!["Service Desk".into()])),
    };
    let found = local_findings(&d, &names);
    let codes: Vec<(&str, &str)> = found.iter().map(|f| (f.code.as_str(), f.field.as_str())).collect();
    assert_eq!(
        codes,
        vec![
            ("email-twice", "contacts[1].email"),
            ("lookup-unchecked", "agreement.type"),
            ("lookup-unknown", "ticket.board")
        ]
    );
    assert_eq!(found[2].severity, Severity::Blocking);
    assert!(found[2].message.contains("\"Help Desk\""));
}

fn full_run(store: &mut Store) -> OnboardingRun {
    let mut run = OnboardingRun::start(draft()).unwrap();
    drive(&mut run, store);
    assert!(run.is_complete(), "{:?}", run.failure());
    run
}

#[test]
fn a_rollback_removes_everything_newest_first() {
    let mut store = Store::demo();
    let mut run = full_run(&mut store);
    run.start_rollback();
    assert!(!run.can_resume() && !run.is_complete());
    let mut sent = Vec::new();
    while let Some(request) = run.rollback_request() {
        sent.push(format!("{:?} {}", request.method, request.path));
        let response = send(&mut store, &request);
        run.rollback_record(Ok(&response));
    }
    let company = run.company_id().unwrap();
    let site = run.site_id().unwrap();
    let ids: Vec<i32> = run.created().into_iter().map(|(_, id)| id).collect();
    assert_eq!(
        sent,
        vec![
            format!("Delete /service/tickets/{}", ids[5]),
            format!("Delete /finance/agreements/{}", ids[4]),
            format!("Delete /company/contacts/{}", ids[3]),
            format!("Delete /company/contacts/{}", ids[2]),
            format!("Delete /company/companies/{company}/sites/{site}"),
            format!("Delete /company/companies/{company}"),
        ]
    );
    let rollback = run.rollback().unwrap();
    assert!(rollback.is_clean());
    assert!(rollback.items().iter().all(|i| i.state == UndoState::Removed));
    assert_eq!(records(&mut store, "AcmeCorp").0, 0);
    let back = OnboardingRun::from_journal(&run.to_journal()).unwrap();
    assert!(back.rollback().unwrap().is_clean() && back.rollback().unwrap().stopped().is_none());
}

#[test]
fn a_refused_delete_deactivates_where_cw_allows_and_says_what_is_left() {
    let mut run = OnboardingRun::start(draft()).unwrap();
    run.draft_mut().ticket = None;
    for body in [json!({"id":250}), json!({"id":31}), json!({"id":900}), json!({"id":901}), json!({"id":77})] {
        run.begin().unwrap();
        run.record(&created(201, body)).unwrap();
    }
    run.start_rollback();
    let in_use = || created(409, json!({"code":"Conflict","message":"Record possibly in use"}));
    let gone = || created(404, json!({"code":"NotFound","message":"Agreement with id 77 not found"}));
    let ok = || Response { status: 204, headers: Vec::new(), body: String::new() };

    // Agreement: already gone.
    assert_eq!(run.rollback_request().unwrap().path, "/finance/agreements/77");
    run.rollback_record(Ok(&gone()));
    // Contact 901: refused, then deactivated.
    assert_eq!(run.rollback_request().unwrap().method, Method::Delete);
    run.rollback_record(Ok(&in_use()));
    let patch = run.rollback_request().unwrap();
    assert_eq!((patch.method, patch.path.as_str()), (Method::Patch, "/company/contacts/901"));
    assert_eq!(body(&patch), json!([{"op":"replace","path":"inactiveFlag","value":true}]));
    run.rollback_record(Ok(&created(200, json!({"id":901,"inactiveFlag":true}))));
    // Contact 900: the connection drops; the rollback stops there and continues with the same DELETE.
    let delete = run.rollback_request().unwrap();
    run.rollback_record(Err(ApiError::Transport { message: "reset".into() }));
    assert_eq!(run.rollback_request(), None);
    assert!(run.rollback().unwrap().stopped().unwrap().contains("Contact Ann Lee"));
    run.rollback_mut().unwrap().resume();
    assert_eq!(run.rollback_request(), Some(delete));
    run.rollback_record(Ok(&ok()));
    // Site: deleted. Company: refused, and a company cannot be deactivated through the API.
    run.rollback_record(Ok(&ok()));
    assert_eq!(run.rollback_request().unwrap().path, "/company/companies/250");
    run.rollback_record(Ok(&in_use()));
    assert_eq!(run.rollback_request(), None);

    let r = run.rollback().unwrap();
    assert!(r.is_done() && !r.is_clean());
    let states: Vec<&UndoState> = r.items().iter().map(|i| &i.state).collect();
    assert_eq!(states[0], &UndoState::AlreadyGone);
    assert!(matches!(states[1], UndoState::Deactivated { reason } if reason.contains("in use")));
    assert_eq!(states[2], &UndoState::Removed);
    assert_eq!(states[3], &UndoState::Removed);
    assert!(matches!(states[4], UndoState::Failed { message } if message.contains("Inactive")));
}

#[test]
fn a_rollback_after_a_lost_answer_finds_the_record_first() {
    let mut store = Store::demo();
    let mut run = OnboardingRun::start(draft()).unwrap();
    let request = run.begin().unwrap();
    send(&mut store, &request);
    let mut run = OnboardingRun::from_journal(&run.to_journal()).unwrap();
    run.start_rollback();
    let search = run.rollback_request().unwrap();
    assert_eq!(search.method, Method::Get);
    run.rollback_record(Ok(&send(&mut store, &search)));
    let delete = run.rollback_request().unwrap();
    assert_eq!(delete.method, Method::Delete);
    run.rollback_record(Ok(&send(&mut store, &delete)));
    assert!(run.rollback().unwrap().is_clean());
    assert_eq!(records(&mut store, "AcmeCorp").0, 0);
}

#[test]
fn the_read_back_compares_every_record_with_the_draft() {
    let mut store = Store::demo();
    let run = full_run(&mut store);
    let checks = readback_requests(&run);
    assert_eq!(checks.len(), 6);
    let verified: Vec<Verified> =
        checks.iter().map(|(step, request)| verify(&run, *step, Ok(&send(&mut store, request)))).collect();
    assert!(verified.iter().all(Verified::matches), "{verified:#?}");

    // Someone edits the company and deletes the ticket behind the console's back.
    let company = run.company_id().unwrap();
    let patch = crate::api::patch_company(company, &[crate::patch::PatchOp::replace("city", "Dallas")]).into_request();
    assert_eq!(send(&mut store, &patch).status, 200);
    let ticket = run.created_id(OnboardingStep::Ticket).unwrap();
    send(&mut store, &crate::api::delete_ticket(crate::ids::TicketId(ticket)).into_request());
    let again: Vec<Verified> =
        checks.iter().map(|(step, request)| verify(&run, *step, Ok(&send(&mut store, request)))).collect();
    assert_eq!(again[0].differences, vec!["city: wanted Plano, ConnectWise has Dallas"]);
    assert_eq!(again[5].error.as_deref(), Some("is not in ConnectWise: it was deleted"));

    let link = manage_link("na.myconnectwise.net", "acme co", OnboardingStep::Ticket, 5001, 250);
    assert_eq!(
        link,
        "https://na.myconnectwise.net/v4_6_release/services/system_io/router/openrecord.rails?locale=en_US\
         &recordType=ServiceFv&recid=5001&companyName=acme%20co"
    );
    assert!(manage_link("x", "y", OnboardingStep::Site, 31, 250).contains("recordType=CompanyFV&recid=250"));
}

#[test]
fn a_lost_company_is_searched_for_as_it_was_sent_even_after_the_draft_changed() {
    let mut store = Store::demo();
    let mut run = OnboardingRun::start(draft()).unwrap();
    let request = run.begin().unwrap();
    send(&mut store, &request);
    let mut run = OnboardingRun::from_journal(&run.to_journal()).unwrap();
    // The user "fixes" the identifier before resuming: the lost POST created AcmeCorp all the same.
    run.draft_mut().company.identifier = "AcmeCorp2".into();
    run.resume().unwrap();
    let search = run.next_request().unwrap();
    assert!(crate::query::decode(&search.query).contains("identifier=\"AcmeCorp\""), "{}", search.query);
    drive(&mut run, &mut store);
    assert!(run.is_complete());
    assert_eq!(records(&mut store, "AcmeCorp").0, 1);
    assert_eq!(records(&mut store, "AcmeCorp2").0, 0, "no second company");
}
