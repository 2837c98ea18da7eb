//! `#panel-detail`: the open client — hero with eight summary fields, contacts, agreements and sites —
//! plus the edit/add modals and Set as Primary.
//!
//! The detail is a `LocalResource` keyed on the open client: company, contacts, sites and agreements are
//! fetched in parallel (every page). Writes are actions; on success the panel and the list take
//! ConnectWise's answer (the PATCH/POST response, or the contacts read back), never what was typed.

use crate::api::{Cw, agreements, companies, contacts, sites};
use crate::components::error_view::ErrorView;
use crate::error::AppError;
use crate::modals::add_contact::AddContactModal;
use crate::modals::edit_company::EditCompanyModal;
use crate::modals::edit_contact::EditContactModal;
use crate::state::list::{location, status_class};
use crate::state::primary;
use crate::state::{Console, Modal};
use cw_shared::ids::{CompanyId, ContactId};
use cw_shared::model::{Agreement, Company, Contact, Site};
use cw_shared::plan::{PrimaryFailure, PrimaryPlan, PrimaryState, check_primaries, fix_plan, plan_set_primary};
use leptos::prelude::*;

/// Everything the panel shows for one client. Sections fail independently.
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    /// The company as CW has it now.
    pub company: Company,
    /// Its contacts.
    pub contacts: Result<Vec<Contact>, AppError>,
    /// Its sites.
    pub sites: Result<Vec<Site>, AppError>,
    /// Its agreements.
    pub agreements: Result<Vec<Agreement>, AppError>,
}

/// Loads a client: the four reads run in parallel.
pub async fn load_detail(cw: &Cw, id: CompanyId) -> Result<Detail, AppError> {
    let (company, contacts, sites, agreements) = futures::join!(
        companies::get(cw, id),
        contacts::for_company(cw, id),
        sites::for_company(cw, id),
        agreements::for_company(cw, id)
    );
    Ok(Detail { company: company?, contacts, sites, agreements })
}

/// What running a primary plan left behind.
#[derive(Debug, Clone)]
pub struct PrimaryOutcome {
    /// The failed step's consequence and fix, with CW's error, if a step failed (later steps are not sent).
    pub failure: Option<(PrimaryFailure, AppError)>,
    /// The contacts read back afterwards.
    pub read_back: Result<Vec<Contact>, AppError>,
}

/// Sends a primary plan's PATCHes in order (set the new one, then clear the old), stopping at the first
/// failure, then reads the company's contacts back.
pub async fn run_primary_plan(cw: &Cw, company: CompanyId, plan: &PrimaryPlan) -> PrimaryOutcome {
    let mut failure = None;
    for (i, step) in plan.steps.iter().enumerate() {
        if let Err(e) = cw.call(step.call(), "the contact").await {
            failure = Some((plan.after_failure(i), e));
            break;
        }
    }
    PrimaryOutcome { failure, read_back: contacts::for_company(cw, company).await }
}

/// The resource value: which client, and what loading it gave.
type Loaded = Option<(CompanyId, Result<Detail, AppError>)>;

/// The detail panel.
#[component]
pub fn DetailPage() -> impl IntoView {
    let console = expect_context::<Console>();
    let detail: LocalResource<Loaded> = LocalResource::new(move || {
        let open = console.open.get();
        let cw = console.session.with(|s| s.cw.clone());
        async move {
            match open {
                Some(id) => Some((id, load_detail(&cw, id).await)),
                None => None,
            }
        }
    });
    // The contact the last Set as Primary meant to leave as the only primary.
    let intended = RwSignal::new(None::<ContactId>);
    let primary_error = RwSignal::new(None::<AppError>);

    let update_detail = move |f: &dyn Fn(&mut Detail)| {
        detail.update(|value| {
            if let Some(Some((_, Ok(d)))) = value {
                f(d);
            }
        });
    };
    let set_contacts = move |list: Vec<Contact>| update_detail(&|d: &mut Detail| d.contacts = Ok(list.clone()));

    let set_primary = Action::new_local(move |args: &(CompanyId, PrimaryPlan)| {
        let (company, plan) = args.clone();
        let cw = console.cw();
        async move {
            let target = plan.new;
            intended.set(Some(target));
            primary_error.set(None);
            let outcome = run_primary_plan(&cw, company, &plan).await;
            if let Some((failure, e)) = &outcome.failure {
                console.toasts.error(format!("Set as Primary stopped: {}", failure.state));
                primary_error.set(Some(e.clone()));
            }
            match outcome.read_back {
                Ok(list) => {
                    let ok = plan.verify(&list);
                    let name = list.iter().find(|c| c.id == target).map(Contact::full_name).unwrap_or_default();
                    set_contacts(list);
                    if ok {
                        intended.set(None);
                        if outcome.failure.is_none() {
                            console.toasts.ok(format!("{name} is now the primary contact"));
                        }
                    } else if outcome.failure.is_none() {
                        console.toasts.error("ConnectWise did not end with exactly one primary contact");
                    }
                }
                Err(e) => {
                    console.toasts.error(format!("Could not read the contacts back: {}", e.title()));
                    if outcome.failure.is_none() {
                        primary_error.set(Some(e));
                    }
                }
            }
        }
    });
    let busy = set_primary.pending();

    let on_company_saved = Callback::new(move |company: Company| {
        console.update_row(&company);
        update_detail(&|d: &mut Detail| d.company = company.clone());
    });
    let on_contact_saved = Callback::new(move |contact: Contact| {
        update_detail(&|d: &mut Detail| {
            if let Ok(list) = &mut d.contacts
                && let Some(c) = list.iter_mut().find(|c| c.id == contact.id)
            {
                *c = contact.clone();
            }
        });
    });
    let on_contacts_reloaded = Callback::new(move |list: Vec<Contact>| set_contacts(list));
    let on_intended = Callback::new(move |id: Option<ContactId>| intended.set(id));

    let body = move || {
        let open = console.open.get();
        let value = detail.get().flatten();
        match (open, value) {
            (None, _) => view! {
                <div class="empty-panel">
                    <h2>"Select a client"</h2>
                    <p>"Pick a client in the list (or press / to search, ↑ ↓ to move, Enter to open)."</p>
                </div>
            }
            .into_any(),
            (Some(id), Some((loaded_id, result))) if id == loaded_id => match result {
                Ok(d) => view! {
                    <DetailView
                        detail=d
                        set_primary=set_primary
                        busy=busy
                        intended=intended
                        primary_error=primary_error
                    />
                }
                .into_any(),
                Err(e) => view! {
                    <div class="panel-error">
                        <ErrorView error=e />
                        <button class="btn" on:click=move |_| detail.refetch()>"Retry"</button>
                    </div>
                }
                .into_any(),
            },
            (Some(_), _) => view! {
                <div class="loading" role="status">
                    <span class="spinner" aria-hidden="true"></span>
                    "Loading contacts, sites and agreements…"
                </div>
            }
            .into_any(),
        }
    };

    let modal = move || match console.modal.get() {
        Modal::Closed => ().into_any(),
        Modal::EditCompany(company) => {
            view! { <EditCompanyModal company=*company on_saved=on_company_saved /> }.into_any()
        }
        Modal::EditContact(contact) => {
            view! { <EditContactModal contact=*contact on_saved=on_contact_saved /> }.into_any()
        }
        Modal::AddContact(company) => view! {
            <AddContactModal company=company on_contacts=on_contacts_reloaded on_intended=on_intended />
        }
        .into_any(),
    };

    view! {
        <section id="panel-detail" class="panel" role="tabpanel" aria-labelledby="tab-detail">
            {body}
            {modal}
        </section>
    }
}

/// One summary field of the hero.
fn summary(key: &'static str, label: &'static str, value: String, class: &'static str) -> impl IntoView {
    view! {
        <div class="summary-field" data-field=key>
            <div class="summary-label">{label}</div>
            <div class=format!("summary-value {class}")>{value}</div>
        </div>
    }
}

/// The loaded client.
#[component]
fn DetailView(
    /// What was loaded.
    detail: Detail,
    /// The Set as Primary action.
    set_primary: Action<(CompanyId, PrimaryPlan), ()>,
    /// True while Set as Primary runs.
    busy: Memo<bool>,
    /// The contact a Set as Primary meant to leave as the only primary.
    intended: RwSignal<Option<ContactId>>,
    /// A failed PATCH of the last Set as Primary.
    primary_error: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let console = expect_context::<Console>();
    let Detail { company, contacts, sites, agreements } = detail;
    let company_id = company.id;
    let status = company.status_name().unwrap_or_default().to_string();
    let types = company.types.iter().map(|t| t.label()).collect::<Vec<_>>().join(", ");
    let count_or_dash = |r: &Result<usize, ()>| r.map(|n| n.to_string()).unwrap_or_else(|_| "—".into());
    let contact_count = count_or_dash(&contacts.as_ref().map(Vec::len).map_err(|_| ()));
    let agreement_count = count_or_dash(&agreements.as_ref().map(Vec::len).map_err(|_| ()));
    let mrr = agreements.as_ref().map(|a| agreements::money(agreements::total_mrr(a))).unwrap_or_else(|_| "—".into());
    let dash = |s: Option<&str>| s.filter(|s| !s.trim().is_empty()).unwrap_or("—").to_string();
    let employees = company.number_of_employees.map(|n| n.to_string()).unwrap_or_else(|| "—".into());
    let place = {
        let l = location(company.city.as_deref().unwrap_or_default(), company.state.as_deref().unwrap_or_default());
        if l.is_empty() { "—".to_string() } else { l }
    };

    let edit_company = {
        let company = company.clone();
        move |_| console.modal.set(Modal::EditCompany(Box::new(company.clone())))
    };
    let add_contact = move |_| console.modal.set(Modal::AddContact(company_id));

    let contact_list = contacts.clone().unwrap_or_default();
    let problem = primary::describe_problem(&contact_list);
    let several = matches!(check_primaries(&contact_list), PrimaryState::Several(_));
    let fix_view = {
        let contact_list = contact_list.clone();
        move || {
            let problem = problem.clone()?;
            let target = intended.get();
            let candidates: Vec<(ContactId, String)> = match target {
                Some(t) => contact_list.iter().filter(|c| c.id == t).map(|c| (c.id, c.full_name())).collect(),
                None if several => {
                    contact_list.iter().filter(|c| c.default_flag).map(|c| (c.id, c.full_name())).collect()
                }
                None => Vec::new(),
            };
            let list = contact_list.clone();
            Some(view! {
                <div id="primary-warning" class="warning" role="alert">
                    <div>{problem}</div>
                    {candidates
                        .into_iter()
                        .map(|(id, name)| {
                            let list = list.clone();
                            view! {
                                <button
                                    class="btn btn-small btn-warn btn-fix-primary"
                                    disabled=move || busy.get()
                                    on:click=move |_| {
                                        if let Ok(plan) = fix_plan(&list, id) {
                                            set_primary.dispatch_local((company_id, plan));
                                        }
                                    }
                                >
                                    {format!("Fix: keep {name} as the only primary")}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
            })
        }
    };

    let contacts_view = match contacts {
        Err(e) => view! { <ErrorView error=e compact=true /> }.into_any(),
        Ok(list) if list.is_empty() => {
            view! { <div class="section-empty">"No contacts in ConnectWise for this client."</div> }.into_any()
        }
        Ok(list) => {
            let all = list.clone();
            list.into_iter()
                .map(|c| {
                    let id = c.id;
                    let is_primary = c.default_flag;
                    let edit = {
                        let c = c.clone();
                        move |_| console.modal.set(Modal::EditContact(Box::new(c.clone())))
                    };
                    let plan = plan_set_primary(&all, id).ok();
                    view! {
                        <div class="contact-row" data-id=id.0 class:inactive=c.inactive_flag>
                            <div class="avatar" aria-hidden="true">{c.initials()}</div>
                            <div class="contact-main">
                                <div class="contact-name">
                                    <span class="contact-full-name">{c.full_name()}</span>
                                    {is_primary.then(|| view! { <span class="badge-primary">"PRIMARY"</span> })}
                                    {c.inactive_flag.then(|| view! { <span class="badge-inactive">"INACTIVE"</span> })}
                                </div>
                                <div class="contact-sub">
                                    <span class="contact-title">{c.title.clone().unwrap_or_default()}</span>
                                    <span class="contact-email">{c.default_email().unwrap_or_default().to_string()}</span>
                                </div>
                            </div>
                            <div class="row-actions">
                                <button class="btn btn-small btn-edit-contact" on:click=edit>"Edit"</button>
                                <button
                                    class="btn btn-small btn-set-primary"
                                    disabled=move || is_primary || busy.get()
                                    on:click=move |_| {
                                        if let Some(plan) = plan.clone() {
                                            set_primary.dispatch_local((company_id, plan));
                                        }
                                    }
                                >
                                    "Set as Primary"
                                </button>
                            </div>
                        </div>
                    }
                })
                .collect_view()
                .into_any()
        }
    };

    let agreements_view = match agreements {
        Err(e) => view! { <ErrorView error=e compact=true /> }.into_any(),
        Ok(list) if list.is_empty() => view! { <div class="section-empty">"No agreements."</div> }.into_any(),
        Ok(list) => list
            .into_iter()
            .map(|a| {
                view! {
                    <div class="agreement-row" data-id=a.id.0>
                        <span class="agr-name">{a.name.clone()}</span>
                        <span class="agr-type">{a.kind.as_ref().map(|k| k.label()).unwrap_or_default()}</span>
                        <span class="agr-start">{agreements::date_only(a.start_date.as_deref().unwrap_or_default()).to_string()}</span>
                        <span class="agr-mrr">{agreements::money(a.bill_amount.unwrap_or_default())}</span>
                    </div>
                }
            })
            .collect_view()
            .into_any(),
    };

    let sites_view = match sites {
        Err(e) => view! { <ErrorView error=e compact=true /> }.into_any(),
        Ok(list) if list.is_empty() => view! { <div class="section-empty">"No sites."</div> }.into_any(),
        Ok(list) => list
            .into_iter()
            .map(|s| {
                let state = s
                    .state_reference
                    .as_ref()
                    .and_then(|r| r.identifier.clone().or_else(|| r.name.clone()))
                    .unwrap_or_default();
                let address = [
                    s.address_line1.clone().unwrap_or_default(),
                    location(s.city.as_deref().unwrap_or_default(), &state),
                    s.zip.clone().unwrap_or_default(),
                ]
                .into_iter()
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(", ");
                view! {
                    <div class="site-row" data-id=s.id.0>
                        <span class="site-name">{s.name.clone()}</span>
                        {s.primary_address_flag.then(|| view! { <span class="badge-site">"PRIMARY ADDRESS"</span> })}
                        <span class="site-address">{address}</span>
                        <span class="site-phone">{s.phone_number.clone().unwrap_or_default()}</span>
                    </div>
                }
            })
            .collect_view()
            .into_any(),
    };

    view! {
        <div class="hero">
            <div class="hero-top">
                <div>
                    <h1 class="hero-name">{company.name.clone()}</h1>
                    <div class="hero-meta">
                        <span class="hero-id">{format!("CW ID {}", company.id)}</span>
                        <span class="hero-ident">{company.identifier.clone()}</span>
                    </div>
                </div>
                <div class="hero-actions">
                    <button id="btn-edit-company" class="btn" on:click=edit_company>"Edit Company"</button>
                    <button id="btn-add-contact" class="btn btn-primary" on:click=add_contact>"+ Add Contact"</button>
                </div>
            </div>
            <div class="summary-grid">
                {summary("status", "Status", if status.is_empty() { "—".into() } else { status.clone() }, status_class(&status))}
                {summary("type", "Type", if types.is_empty() { "—".into() } else { types }, "")}
                {summary("phone", "Phone", dash(company.phone_number.as_deref()), "")}
                {summary("location", "Location", place, "")}
                {summary("employees", "Employees", employees, "")}
                {summary("contacts", "Contacts", contact_count, "")}
                {summary("agreements", "Agreements", agreement_count, "")}
                {summary("mrr", "Total MRR", mrr, "")}
            </div>
        </div>
        {fix_view}
        {move || primary_error.get().map(|e| view! { <ErrorView error=e compact=true /> })}
        <details id="contacts-section" class="section" open>
            <summary>{format!("Contacts ({})", contact_list.len())}</summary>
            <div class="section-body">{contacts_view}</div>
        </details>
        <details id="agreements-section" class="section" open>
            <summary>"Agreements"</summary>
            <div class="section-body">{agreements_view}</div>
        </details>
        <details id="sites-section" class="section" open>
            <summary>"Sites"</summary>
            <div class="section-body">{sites_view}</div>
        </details>
    }
}
