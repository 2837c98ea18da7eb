//! `#panel-bulk`: bulk contact updates across the clients ticked in the list.
//!
//! ConnectWise has no bulk endpoint, so Execute reads each selected company's contacts (every page),
//! plans with the shared `cw_shared::plan::plan_bulk` and sends one `PATCH /company/contacts/{id}` per
//! targeted contact, one at a time, pausing after every ten requests. The job itself (records, log,
//! counter, rate limit, stop/resume) is [`crate::state::bulk_job::BulkJob`]; this module only drives it.
//! Stop, leaving the tab or a persistent 429 stop the run after the record in flight and offer Resume,
//! which sends exactly the records left. Demo mode sends the same requests to the in-browser store.

use crate::api::transport::sleep_ms;
use crate::api::{Cw, contacts};
use crate::error::AppError;
use crate::state::bulk_job::{BulkJob, Next, Outcome, Phase, RateLimiter};
use crate::state::toasts::ToastKind;
use crate::state::{Console, Mode, Tab};
use cw_shared::api;
use cw_shared::ids::CompanyId;
use cw_shared::model::{ContactDepartment, ContactRelationship};
use cw_shared::plan::{BulkChange, BulkField, BulkFilter};
use leptos::prelude::*;

/// The `#bulk-filter` option value of a filter.
pub fn filter_value(filter: BulkFilter) -> &'static str {
    match filter {
        BulkFilter::All => "all",
        BulkFilter::Primary => "primary",
        BulkFilter::Active => "active",
    }
}

/// The filter for a `#bulk-filter` value (anything unknown is All).
pub fn filter_from(value: &str) -> BulkFilter {
    BulkFilter::ALL.into_iter().find(|f| filter_value(*f) == value).unwrap_or(BulkFilter::All)
}

/// The `#bulk-field` option value of a field: the spec's CW field names.
pub fn field_value(field: BulkField) -> &'static str {
    match field {
        BulkField::InactiveFlag => "inactiveFlag",
        BulkField::TypeName => "type/name",
        BulkField::RelationshipName => "relationship/name",
        BulkField::Department => "department",
        BulkField::DisablePortalLoginFlag => "disablePortalLoginFlag",
    }
}

/// The field for a `#bulk-field` value (`None` for the placeholder).
pub fn field_from(value: &str) -> Option<BulkField> {
    BulkField::ALL.into_iter().find(|f| field_value(*f) == value)
}

/// The lookup list a name field is checked against, when it could be read.
#[derive(Debug, Clone, PartialEq)]
pub enum Names {
    /// `/company/contacts/relationships`.
    Relationships(Vec<ContactRelationship>),
    /// `/company/contacts/departments`.
    Departments(Vec<ContactDepartment>),
}

/// The form's change, or why Execute stays disabled (an empty message: nothing to say yet).
pub fn validate(field: Option<BulkField>, raw: &str, names: Option<&Names>) -> Result<BulkChange, String> {
    let Some(field) = field else { return Err(String::new()) };
    if let Some(reason) = field.unsupported_reason() {
        return Err(reason.to_string());
    }
    if raw.trim().is_empty() {
        return Err(String::new());
    }
    let parsed = match (field, names) {
        (BulkField::RelationshipName, Some(Names::Relationships(list))) => BulkChange::parse_in(field, raw, list),
        (BulkField::Department, Some(Names::Departments(list))) => BulkChange::parse_in(field, raw, list),
        _ => BulkChange::parse(field, raw),
    };
    parsed.map_err(|e| e.to_string())
}

/// The selected companies (id, name), in list order.
fn selected_companies(console: Console) -> Vec<(CompanyId, String)> {
    console.selected.with_untracked(|selected| {
        console.rows.with_untracked(|rows| {
            rows.iter().filter(|r| selected.contains(&r.id)).map(|r| (r.id, r.name.clone())).collect()
        })
    })
}

/// Sends the job's pending records until it finishes or stops, then says how it ended.
async fn run(console: Console, job: RwSignal<Option<BulkJob>>, cw: Cw) {
    'records: loop {
        let session = console.session.with_untracked(|s| s.id);
        let step = job
            .try_update(|j| {
                let j = j.as_mut()?;
                if j.session() != session {
                    j.request_stop("The connection changed (demo/live), so this job cannot continue.");
                }
                j.next_record()
            })
            .flatten();
        let Some((index, pause)) = step else { break };
        if let Some(ms) = pause {
            sleep_ms(ms as i32).await;
        }
        let record =
            job.with_untracked(|j| j.as_ref().and_then(|j| j.records().get(index)).map(|r| (r.contact, r.ops.clone())));
        let Some((id, ops)) = record else {
            break;
        };
        loop {
            let outcome = match contacts::patch(&cw, id, &ops).await {
                Ok(_) => Outcome::Ok,
                Err(AppError::RateLimited { retry_after }) => Outcome::RateLimited(retry_after),
                Err(e) => Outcome::Failed(e.to_string()),
            };
            match job.try_update(|j| j.as_mut().map(|j| j.finish(index, outcome))).flatten() {
                Some(Next::Continue) => continue 'records,
                Some(Next::RetryAfter(ms)) => sleep_ms(ms as i32).await,
                Some(Next::Halt) | None => break 'records,
            }
        }
    }
    let Some((phase, summary, total)) =
        job.with_untracked(|j| j.as_ref().map(|j| (j.phase().clone(), j.summary(), j.total())))
    else {
        return;
    };
    match phase {
        Phase::Done => {
            let kind = if summary.errors > 0 { ToastKind::Error } else { ToastKind::Ok };
            console.toasts.push(
                kind,
                format!(
                    "Bulk update finished: {} updated, {} errors, {} skipped",
                    summary.ok, summary.errors, summary.skipped
                ),
            );
        }
        Phase::Stopped(_) => console.toasts.push(
            ToastKind::Info,
            format!("Bulk update stopped at {} / {total}; Resume continues with the rest", total - summary.remaining),
        ),
        _ => {}
    }
    // The open client's detail shows what ConnectWise has now.
    if summary.ok > 0 && console.open.get_untracked().is_some() {
        console.open.update(|_| {});
    }
}

/// The bulk operations panel.
#[component]
pub fn BulkPage() -> impl IntoView {
    let console = expect_context::<Console>();
    let filter = RwSignal::new(BulkFilter::All);
    let field = RwSignal::new(None::<BulkField>);
    let value = RwSignal::new(String::new());
    let job = RwSignal::new(None::<BulkJob>);
    // Contact reads before the job exists: (read, of).
    let planning = RwSignal::new(None::<(usize, usize)>);

    // Relationship and department names are checked against CW's lookup lists when they can be read.
    let names = LocalResource::new(move || {
        let f = field.get();
        let cw = console.session.with(|s| s.cw.clone());
        async move {
            match f {
                Some(BulkField::RelationshipName) => cw
                    .call(api::contact_relationships(), "the contact relationships")
                    .await
                    .ok()
                    .map(Names::Relationships),
                Some(BulkField::Department) => {
                    cw.call(api::contact_departments(), "the contact departments").await.ok().map(Names::Departments)
                }
                _ => None,
            }
        }
    });
    let change = Memo::new(move |_| {
        let names = names.get().flatten();
        let f = field.get();
        value.with(|v| validate(f, v, names.as_ref()))
    });

    let selected_count = move || console.selected.with(|s| s.len());
    let running = move || job.with(|j| j.as_ref().is_some_and(BulkJob::is_running)) || planning.with(Option::is_some);
    let can_execute = move || selected_count() > 0 && change.with(Result::is_ok) && !running();
    let resumable = move || {
        let session = console.session.with(|s| s.id);
        job.with(|j| j.as_ref().is_some_and(|j| j.can_resume() && j.session() == session && j.total() > 0))
            && planning.with(Option::is_none)
    };

    // Leaving the tab mid-run stops after the record in flight; Resume picks up the rest.
    Effect::new(move |_| {
        if console.tab.get() != Tab::Bulk && job.with_untracked(|j| j.as_ref().is_some_and(BulkJob::is_running)) {
            job.update(|j| {
                if let Some(j) = j {
                    j.request_stop("Paused because the Bulk Operations tab was left.");
                }
            });
        }
    });

    let execute = move |_| {
        let Ok(change) = change.get_untracked() else { return };
        if running() {
            return;
        }
        let companies = selected_companies(console);
        if companies.is_empty() {
            return;
        }
        let filter = filter.get_untracked();
        let (cw, session) = console.session.with_untracked(|s| (s.cw.clone(), s.id));
        job.set(None);
        planning.set(Some((0, companies.len())));
        leptos::task::spawn_local(async move {
            let mut limiter = RateLimiter::default();
            let mut read = Vec::new();
            let mut failures = Vec::new();
            for (i, (id, name)) in companies.iter().enumerate() {
                if console.session.with_untracked(|s| s.id) != session {
                    planning.set(None);
                    return;
                }
                if let Some(ms) = limiter.before_request() {
                    sleep_ms(ms as i32).await;
                }
                match contacts::for_company(&cw, *id).await {
                    Ok(list) => read.push((name.clone(), list)),
                    Err(e) => failures.push(format!("✕ {name}: could not read its contacts: {e}")),
                }
                planning.set(Some((i + 1, companies.len())));
            }
            let mut planned = BulkJob::plan(&read, filter, &change, limiter, session);
            for failure in failures {
                planned.note_error(failure);
            }
            planning.set(None);
            if console.session.with_untracked(|s| s.id) != session {
                return;
            }
            let to_send = planned.remaining();
            let started = planned.start();
            if console.tab.get_untracked() != Tab::Bulk {
                planned.request_stop("Paused because the Bulk Operations tab was left.");
            }
            let skipped = planned.summary().skipped;
            job.set(Some(planned));
            if started {
                console.toasts.push(
                    ToastKind::Info,
                    format!("Bulk update started: {to_send} contact(s) to update, {skipped} already set"),
                );
                run(console, job, cw).await;
            } else {
                console.toasts.push(ToastKind::Info, format!("Nothing to update: {skipped} contact(s) already set"));
            }
        });
    };

    let stop = move |_| {
        job.update(|j| {
            if let Some(j) = j {
                j.request_stop("Stopped.");
            }
        });
    };

    let resume = move |_| {
        let (cw, session) = console.session.with_untracked(|s| (s.cw.clone(), s.id));
        let started = job
            .try_update(|j| j.as_mut().filter(|j| j.session() == session).map(BulkJob::start))
            .flatten()
            .unwrap_or(false);
        if started {
            leptos::task::spawn_local(run(console, job, cw));
        }
    };

    let field_options = BulkField::ALL
        .into_iter()
        .map(|f| {
            let label = match f.unsupported_reason() {
                Some(_) => format!("{} — {} (not available)", field_value(f), f.label()),
                None => format!("{} — {}", field_value(f), f.label()),
            };
            view! { <option value=field_value(f)>{label}</option> }
        })
        .collect_view();
    let filter_options = BulkFilter::ALL
        .into_iter()
        .map(|f| view! { <option value=filter_value(f)>{f.label()}</option> })
        .collect_view();

    let hint = move || match field.get() {
        Some(f) => f.hint().to_string(),
        None => "Choose the contact field to update.".to_string(),
    };
    let error = move || {
        let message = change.with(|c| c.as_ref().err().cloned()).unwrap_or_default();
        let hint_text = hint();
        (!message.is_empty() && message != hint_text).then(|| {
            view! {
                <div id="bulk-error" class="bulk-error" role="alert">
                    {message}
                </div>
            }
        })
    };
    let unsupported = move || field.get().and_then(BulkField::unsupported_reason).is_some();

    let counter = move || job.with(|j| j.as_ref().map(BulkJob::counter).unwrap_or_else(|| "0 / 0".to_string()));
    let progress_max = move || job.with(|j| j.as_ref().map(|j| j.total().max(1)).unwrap_or(1)).to_string();
    let progress_value = move || job.with(|j| j.as_ref().map(BulkJob::finished).unwrap_or(0)).to_string();
    let log_rows = move || {
        job.with(|j| j.as_ref().map(|j| j.log().iter().cloned().enumerate().collect::<Vec<_>>()).unwrap_or_default())
    };
    let status = move || {
        if let Some((read, of)) = planning.get() {
            return Some(format!("Reading contacts: {read} / {of} clients…"));
        }
        job.with(|j| {
            let j = j.as_ref()?;
            let s = j.summary();
            Some(match j.phase() {
                Phase::Ready | Phase::Running => format!("Updating… {} left", s.remaining),
                Phase::Stopping(_) => "Stopping after the record in flight…".to_string(),
                Phase::Stopped(reason) => {
                    format!(
                        "{reason} {} updated, {} errors, {} skipped, {} remaining.",
                        s.ok, s.errors, s.skipped, s.remaining
                    )
                }
                Phase::Done if j.total() == 0 => "No contacts of the selected clients match the filter.".to_string(),
                Phase::Done => {
                    format!("Done: {} updated, {} errors, {} skipped.", s.ok, s.errors, s.skipped)
                }
            })
        })
    };
    let is_running = move || job.with(|j| j.as_ref().is_some_and(|j| *j.phase() == Phase::Running));

    view! {
        <section id="panel-bulk" class="panel" role="tabpanel" aria-labelledby="tab-bulk">
            <div class="bulk-head">
                <h2>"Bulk Operations"</h2>
                <p class="muted">
                    "ConnectWise has no bulk endpoint: each contact is updated with its own PATCH /company/contacts/{id}, "
                    "pausing 3 s after every 10 requests."
                </p>
                {move || {
                    (console.mode() == Mode::Demo)
                        .then(|| {
                            view! {
                                <p id="bulk-demo-note" class="bulk-demo-note">
                                    "DEMO mode: updates go to the in-browser demo store, not to ConnectWise."
                                </p>
                            }
                        })
                }}
            </div>
            <div class="bulk-form">
                <div id="bulk-selected" class="bulk-selected" class:none=move || selected_count() == 0>
                    {move || match selected_count() {
                        0 => "No clients selected: tick clients in the list first.".to_string(),
                        1 => "1 client selected".to_string(),
                        n => format!("{n} clients selected"),
                    }}
                </div>
                <div class="form-row">
                    <div class="form-field">
                        <label for="bulk-filter">"Contacts"</label>
                        <select
                            id="bulk-filter"
                            prop:value=move || filter_value(filter.get())
                            on:change=move |ev| filter.set(filter_from(&event_target_value(&ev)))
                        >
                            {filter_options}
                        </select>
                    </div>
                    <div class="form-field">
                        <label for="bulk-field">"Field"</label>
                        <select
                            id="bulk-field"
                            prop:value=move || field.get().map(field_value).unwrap_or("")
                            on:change=move |ev| field.set(field_from(&event_target_value(&ev)))
                        >
                            <option value="">"Choose a field…"</option>
                            {field_options}
                        </select>
                    </div>
                    <div class="form-field">
                        <label for="bulk-value">"New value"</label>
                        <input
                            id="bulk-value"
                            type="text"
                            autocomplete="off"
                            prop:value=move || value.get()
                            disabled=unsupported
                            on:input=move |ev| value.set(event_target_value(&ev))
                        />
                    </div>
                </div>
                <div id="bulk-hint" class="field-note">
                    {hint}
                </div>
                {error}
                <div class="bulk-actions">
                    <button id="bulk-execute" class="btn btn-primary" disabled=move || !can_execute() on:click=execute>
                        "Execute"
                    </button>
                    <Show when=is_running>
                        <button id="bulk-stop" class="btn" on:click=stop>
                            "Stop"
                        </button>
                    </Show>
                    <Show when=resumable>
                        <button id="bulk-resume" class="btn btn-warn" on:click=resume>
                            "Resume"
                        </button>
                    </Show>
                </div>
            </div>
            <div class="bulk-progress-row">
                <progress id="bulk-progress" max=progress_max value=progress_value></progress>
                <span id="bulk-counter">{counter}</span>
            </div>
            <div id="bulk-summary" class="bulk-summary" role="status">
                {status}
            </div>
            <div id="bulk-log" class="bulk-log" role="log" aria-live="polite">
                <For each=log_rows key=|(i, row)| (*i, row.text.clone()) let((_, row))>
                    <div class=format!("log-row {}", row.kind.class())>{row.text}</div>
                </For>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn select_values_round_trip() {
        for f in BulkFilter::ALL {
            assert_eq!(filter_from(filter_value(f)), f);
        }
        for f in BulkField::ALL {
            assert_eq!(field_from(field_value(f)), Some(f));
        }
        assert_eq!(field_from(""), None);
        assert_eq!(filter_value(BulkFilter::Active), "active");
    }

    #[test]
    fn validation_keeps_execute_disabled_with_a_reason() {
        assert_eq!(validate(None, "true", None), Err(String::new()));
        let types = validate(Some(BulkField::TypeName), "Approver", None).unwrap_err();
        assert_eq!(types, BulkField::TypeName.unsupported_reason().unwrap());
        assert_eq!(validate(Some(BulkField::InactiveFlag), "  ", None), Err(String::new()));
        assert!(validate(Some(BulkField::InactiveFlag), "yes", None).unwrap_err().contains("true or false"));
        assert!(validate(Some(BulkField::InactiveFlag), "TRUE", None).is_ok());
        let rels: Vec<ContactRelationship> = serde_json::from_value(json!([{"id": 1, "name": "Owner"}])).unwrap();
        let names = Names::Relationships(rels);
        assert!(validate(Some(BulkField::RelationshipName), "owner", Some(&names)).is_ok());
        assert!(validate(Some(BulkField::RelationshipName), "Ownr", Some(&names)).unwrap_err().contains("Owner"));
        // Without the lookup list the name is written as typed (CW checks it).
        assert!(validate(Some(BulkField::Department), "IT", None).is_ok());
    }
}
