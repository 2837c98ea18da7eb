//! The console's call catalogue (`cw_shared::api`) against the store, in-process (demo mode) and through
//! cw-sim over HTTPS (live mode): every answer decodes into the typed models, and both transports give
//! the same bodies, since the same requests reach the same store logic.

use cw_shared::api::{self, Call, Root};
use cw_shared::http::Response;
use cw_shared::ids::{CompanyId, ContactId};
use cw_shared::patch::Patch;
use cw_shared::query::Page;
use cw_shared::store::Store;
use cw_tests::sim::{self, SimConfig};
use serde::de::DeserializeOwned;

fn demo_mode<T: DeserializeOwned>(store: &mut Store, call: &Call<T>) -> (Response, T) {
    let response = match call.root {
        Root::Api => store.handle(&call.request),
        Root::Host => store.company_info(call.request.path.trim_start_matches("/login/companyinfo/")),
    };
    let parsed = call.parse(&response).unwrap_or_else(|e| panic!("{} did not decode: {e}", call.full_path()));
    (response, parsed)
}

#[tokio::test]
async fn every_read_decodes_and_both_transports_agree() {
    let mut store = Store::demo();
    let s = sim::start(SimConfig::for_tests()).await.unwrap();
    store.set_host(&s.host());
    s.state.with_store(|live| live.set_today("2026-01-15T09:00:00Z"));
    let client = s.client();

    let (_, companies) = demo_mode(&mut store, &api::list_companies(Some(&api::not_deleted()), Page::max()));
    assert_eq!(companies.len(), 8);
    let first = CompanyId(250);
    let mut calls: Vec<(String, String)> = Vec::new();
    macro_rules! check {
        ($call:expr) => {{
            let call = $call;
            let (response, _) = demo_mode(&mut store, &call);
            calls.push((call.full_path(), response.body.clone()));
        }};
    }
    check!(api::list_companies(None, Page::first(3)));
    check!(api::count_companies(Some(&api::not_deleted())));
    check!(api::get_company(first));
    check!(api::list_company_contacts(first, Page::first(100)));
    check!(api::count_company_contacts(first));
    check!(api::get_contact(ContactId(1001)));
    check!(api::list_sites(first, Page::default()));
    check!(api::list_agreements(first, Page::first(50)));
    check!(api::company_statuses());
    check!(api::company_types());
    check!(api::contact_types());
    check!(api::contact_relationships());
    check!(api::contact_departments());
    check!(api::communication_types());
    check!(api::boards());
    check!(api::board_statuses(1));
    check!(api::priorities());
    check!(api::agreement_types());
    check!(api::countries());
    check!(api::states());
    check!(api::time_zone_setups());
    check!(api::system_info());
    check!(api::company_info("demo"));

    for (path, demo_body) in &calls {
        let live = client.send("GET", path, &[], None).await.unwrap();
        assert_eq!(live.status, 200, "{path}");
        assert_eq!(&live.body, demo_body, "demo and live differ for {path}");
    }
    s.shutdown().await;
}

#[tokio::test]
async fn a_typed_patch_round_trips() {
    let mut store = Store::demo();
    let ops = Patch::new().replace("name", "Summit Ridge Dental, PC").replace("numberOfEmployees", 44).into_ops();
    let (response, company) = demo_mode(&mut store, &api::patch_company(CompanyId(250), &ops));
    assert_eq!(response.status, 200);
    let body: serde_json::Value = serde_json::from_str(&response.body).unwrap();
    assert_eq!(body["name"], "Summit Ridge Dental, PC");
    assert_eq!(body["numberOfEmployees"], 44);
    let _ = company;
}

#[test]
fn the_onboarding_wizard_runs_to_completion_against_the_store() {
    use cw_shared::plan::onboarding::{AgreementDraft, OnboardingDraft, OnboardingRun};
    let mut store = Store::demo();
    let mut draft = OnboardingDraft::new("2026-01-15");
    draft.company.name = "Northwind Dental".into();
    draft.company.identifier = "NorthwindDental".into();
    draft.company.address_line1 = "1 Main St".into();
    draft.company.city = "Tulsa".into();
    draft.company.state = "OK".into();
    draft.company.zip = "74103".into();
    draft.company.phone_number = "918-555-0100".into();
    draft.prefill_site();
    draft.site.time_zone = "Central Standard Time".into();
    for (first, last, email) in [("Ann", "Lee", "ann@northwind.example"), ("Bo", "Kim", "bo@northwind.example")] {
        let c = draft.add_contact();
        c.first_name = first.into();
        c.last_name = last.into();
        c.email = email.into();
    }
    draft.set_primary(0);
    let mut agreement = AgreementDraft::starting("2026-01-15");
    agreement.name = "Managed Services".into();
    agreement.type_name = "Managed Service".into();
    agreement.bill_amount = "1500".into();
    draft.agreement = Some(agreement);
    if let Some(t) = draft.ticket.as_mut() {
        t.summary = draft_summary("Northwind Dental");
    }
    let mut run = OnboardingRun::start(draft).expect("a valid draft");
    let mut steps = 0;
    while let Some(request) = run.next_request() {
        let response = store.handle(&request);
        run.record(&response)
            .unwrap_or_else(|e| panic!("{} {} failed: {e} ({})", request.method, request.path, response.body));
        steps += 1;
        assert!(steps < 20, "the run does not end");
    }
    assert!(run.is_complete());
    let company = run.company_id().unwrap();
    let body: serde_json::Value = serde_json::from_str(&store.handle(&api::get_company(company).request).body).unwrap();
    assert_eq!(body["defaultContact"]["name"], "Ann Lee");
    let contacts: serde_json::Value =
        serde_json::from_str(&store.handle(&api::list_company_contacts(company, Page::first(100)).request).body)
            .unwrap();
    let emails: Vec<&str> = contacts
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["communicationItems"].as_array().unwrap())
        .filter(|i| i["communicationType"] == "Email")
        .map(|i| i["value"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["ann@northwind.example", "bo@northwind.example"]);
}

fn draft_summary(name: &str) -> String {
    format!("Onboarding — {name}")
}

#[test]
fn the_two_patch_primary_plan_leaves_exactly_one_primary() {
    use cw_shared::model::Contact;
    use cw_shared::plan::primary::plan_set_primary;
    let mut store = Store::demo();
    let company = CompanyId(251);
    let list = |store: &mut Store| -> Vec<Contact> {
        let call = api::list_company_contacts(company, Page::first(100));
        call.parse(&store.handle(&call.request)).unwrap()
    };
    let before = list(&mut store);
    let new = before.iter().find(|c| !c.default_flag).unwrap().id;
    let plan = plan_set_primary(&before, new).unwrap();
    assert_eq!(plan.steps.len(), 2, "set the new primary, clear the old one");
    for step in &plan.steps {
        let call = step.call();
        let response = store.handle(&call.request);
        assert_eq!(response.status, 200, "{}", response.body);
    }
    assert!(plan.verify(&list(&mut store)));
    let body: serde_json::Value = serde_json::from_str(&store.handle(&api::get_company(company).request).body).unwrap();
    assert_eq!(body["defaultContact"]["id"], new.0);
}
