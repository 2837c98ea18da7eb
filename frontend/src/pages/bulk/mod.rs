//! `#panel-bulk`: bulk contact updates across the clients ticked in the list.
//!
//! ConnectWise has no bulk endpoint. Preview reads each selected company's contacts and lists every targeted
//! contact with its current and new value (those already at the value are skipped); Execute runs exactly
//! that plan, one call per contact, through the shared job (`cw_shared::plan::bulk_job`): a token bucket at
//! the rate set here, a few requests in flight, 429s slow it down, lost answers are read back before a retry.
//! The job is journalled in `localStorage` ([`crate::state::bulk`]), so a reload offers Resume; a finished
//! job can be undone and exported as CSV. Demo mode sends the same requests to the in-browser store.

pub mod form;
pub mod runner;

use crate::api::contacts;
use crate::api::transport::sleep_ms;
use crate::state::bulk::{BulkState, now_ms};
use crate::state::toasts::ToastKind;
use crate::state::{Console, Mode};
use cw_shared::ids::CompanyId;
use cw_shared::plan::bulk_job::{
    BulkJob, DEFAULT_RATE_PER_MIN, JobKind, JobMeta, MAX_RATE_PER_MIN, MIN_RATE_PER_MIN, Phase, RecordState, Settings,
    TokenBucket, to_csv,
};
use cw_shared::plan::{BulkField, BulkFilter};
use form::{Names, field_from, field_value, filter_from, filter_value, validate};
use leptos::prelude::*;

/// The selected companies (id, name), in list order.
fn selected_companies(console: Console) -> Vec<(CompanyId, String)> {
    console.selected.with_untracked(|selected| {
        console.rows.with_untracked(|rows| {
            rows.iter().filter(|r| selected.contains(&r.id)).map(|r| (r.id, r.name.clone())).collect()
        })
    })
}

/// The rate typed into `#bulk-rate`, clamped; anything unreadable is the default.
pub fn parse_rate(raw: &str) -> u32 {
    raw.trim().parse::<u32>().map(|r| r.clamp(MIN_RATE_PER_MIN, MAX_RATE_PER_MIN)).unwrap_or(DEFAULT_RATE_PER_MIN)
}

/// How long `requests` take at `per_min`, for the note under the rate.
pub fn duration_text(requests: usize, per_min: u32) -> String {
    let secs = (requests as f64 * 60.0 / per_min.max(1) as f64).ceil() as u64;
    if secs < 90 { format!("about {secs} s") } else { format!("about {} min", secs.div_ceil(60)) }
}

/// The class of a plan row's state cell.
fn state_class(state: &RecordState) -> &'static str {
    match state {
        RecordState::Ok => "plan-ok",
        RecordState::Failed { .. } | RecordState::Changed { .. } => "plan-error",
        RecordState::Skipped { .. } | RecordState::NotSent => "plan-skip",
        RecordState::InFlight { .. } => "plan-busy",
        _ => "plan-pending",
    }
}

/// The bulk operations panel.
#[component]
pub fn BulkPage() -> impl IntoView {
    let console = expect_context::<Console>();
    let bulk = expect_context::<BulkState>();
    let filter = RwSignal::new(BulkFilter::All);
    let field = RwSignal::new(None::<BulkField>);
    let value = RwSignal::new(String::new());
    let rate = RwSignal::new(DEFAULT_RATE_PER_MIN);
    // Contact reads for the preview: (read, of).
    let reading = RwSignal::new(None::<(usize, usize)>);
    let read_errors = RwSignal::new(Vec::<String>::new());
    let notice = RwSignal::new(None::<String>);

    let names = LocalResource::new(move || {
        let f = field.get();
        let cw = console.session.with(|s| s.cw.clone());
        async move { Names::load(&cw, f).await }
    });
    let change = Memo::new(move |_| {
        let names = names.get().flatten();
        let f = field.get();
        value.with(|v| validate(f, v, names.as_ref()))
    });
    let choices = move || names.get().flatten().and_then(Result::ok).map(|n| n.labels()).unwrap_or_default();

    // What the preview was made from; a different form makes the preview stale.
    let form_key = Memo::new(move |_| {
        let mut ids: Vec<i32> = console.selected.with(|s| s.iter().map(|c| c.0).collect());
        ids.sort_unstable();
        let target = console.session.with(|s| s.target.clone());
        format!("{:?}|{:?}|{}|{ids:?}|{target}", filter.get(), field.get(), value.get().trim())
    });
    let stale = move || bulk.planned_for.with(|p| p.as_deref() != Some(form_key.get().as_str()));

    let selected_count = move || console.selected.with(|s| s.len());
    let phase = move || bulk.job.with(|j| j.as_ref().map(|j| j.phase().clone()));
    let is_ready = move || matches!(phase(), Some(Phase::Ready));
    let is_running = move || matches!(phase(), Some(Phase::Running));
    let is_open = move || matches!(phase(), Some(Phase::Running | Phase::Paused { .. }));
    let driving = move || bulk.driving.get();
    let can_preview = move || {
        selected_count() > 0 && change.with(Result::is_ok) && reading.with(Option::is_none) && !is_open() && !driving()
    };
    let can_execute = move || {
        is_ready() && !stale() && !driving() && bulk.job.with(|j| j.as_ref().is_some_and(|j| j.summary().open > 0))
    };
    let can_resume = move || bulk.job.with(|j| j.as_ref().is_some_and(BulkJob::can_resume)) && !driving();
    let can_cancel = is_open;
    let can_undo = move || {
        !driving()
            && bulk.job.with(|j| {
                j.as_ref().is_some_and(|j| j.kind() == JobKind::Apply && j.is_finished() && j.summary().ok > 0)
            })
    };

    let preview = move |_| {
        let Ok(change) = change.get_untracked() else { return };
        let companies = selected_companies(console);
        if companies.is_empty() || !can_preview() {
            return;
        }
        let filter = filter.get_untracked();
        let per_min = rate.get_untracked();
        let key = form_key.get_untracked();
        let (cw, session, target) = console.session.with_untracked(|s| (s.cw.clone(), s.id, s.target.clone()));
        notice.set(None);
        read_errors.set(Vec::new());
        reading.set(Some((0, companies.len())));
        leptos::task::spawn_local(async move {
            // The reads go at the job's rate too: they count against ConnectWise's limit.
            let mut bucket = TokenBucket::new(per_min, now_ms());
            let mut read = Vec::new();
            let mut failures = Vec::new();
            for (i, (id, name)) in companies.iter().enumerate() {
                if console.session.with_untracked(|s| s.id) != session {
                    reading.set(None);
                    return;
                }
                while let Err(at) = bucket.take(now_ms()) {
                    sleep_ms(at.saturating_sub(now_ms()).max(1) as i32).await;
                }
                match contacts::for_company(&cw, *id).await {
                    Ok(list) => read.push((name.clone(), list)),
                    Err(e) => failures
                        .push(format!("✕ {name}: its contacts could not be read, so it is not in the plan: {e}")),
                }
                reading.set(Some((i + 1, companies.len())));
            }
            reading.set(None);
            if console.session.with_untracked(|s| s.id) != session {
                return;
            }
            let now = now_ms();
            let meta = JobMeta { id: format!("bulk-{now}"), target, now };
            let job =
                BulkJob::plan(meta, &read, filter, &change, Settings { rate_per_min: per_min, ..Settings::default() });
            read_errors.set(failures);
            bulk.job.set(Some(job));
            bulk.planned_for.set(Some(key));
            bulk.save();
        });
    };

    let execute = move |_| {
        if !can_execute() {
            return;
        }
        let (to_send, skipped) = bulk
            .job
            .with_untracked(|j| j.as_ref().map(|j| (j.summary().open, j.summary().skipped)))
            .unwrap_or_default();
        if let Err(e) = runner::resume(console, bulk) {
            notice.set(Some(e));
            return;
        }
        console.toasts.push(
            ToastKind::Info,
            format!("Bulk update started: {to_send} contact(s) to update, {skipped} already set"),
        );
    };

    let pause = move |_| {
        bulk.job.update(|j| {
            if let Some(j) = j {
                j.pause("Paused.");
            }
        });
        bulk.save();
    };

    let resume = move |_| {
        notice.set(runner::resume(console, bulk).err());
    };

    let cancel = move |_| {
        bulk.job.update(|j| {
            if let Some(j) = j {
                j.cancel();
            }
        });
        bulk.save();
        // A paused job has no driver: start one for the read-backs a cancel still owes.
        if !bulk.driving.get_untracked() {
            let cw = console.session.with_untracked(|s| s.cw.clone());
            leptos::task::spawn_local(runner::drive(console, bulk, cw));
        }
    };

    let undo = move |_| {
        let target = console.session.with_untracked(|s| s.target.clone());
        let now = now_ms();
        let per_min = rate.get_untracked();
        let made = bulk.job.with_untracked(|j| {
            let j = j.as_ref()?;
            if j.target() != target {
                return Some(Err(format!("This job wrote to {}; connect to it first to undo it.", j.target())));
            }
            j.undo(
                JobMeta { id: format!("undo-{now}"), target, now },
                Settings { rate_per_min: per_min, ..Settings::default() },
            )
            .map(Ok)
        });
        match made {
            Some(Ok(job)) => {
                let n = job.total();
                bulk.job.set(Some(job));
                bulk.planned_for.set(None);
                if runner::resume(console, bulk).is_ok() {
                    console.toasts.push(ToastKind::Info, format!("Undo started: {n} contact(s) to check and restore"));
                }
            }
            Some(Err(e)) => notice.set(Some(e)),
            None => {}
        }
    };

    let set_rate = move |raw: String| {
        let r = parse_rate(&raw);
        rate.set(r);
        bulk.job.update(|j| {
            if let Some(j) = j {
                j.set_rate(r);
            }
        });
    };

    let export = move |ev: leptos::ev::MouseEvent| {
        let Some(csv) = bulk.job.with_untracked(|j| j.as_ref().map(to_csv)) else { return };
        let href = format!("data:text/csv;charset=utf-8,{}", js_sys::encode_uri_component(&csv));
        if let Some(a) = ev.current_target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok()) {
            let _ = a.set_attribute("href", &href);
        }
    };
    let export_name = move || bulk.job.with(|j| j.as_ref().map(|j| format!("{}.csv", j.id())).unwrap_or_default());

    let field_options = BulkField::ALL
        .into_iter()
        .map(|f| view! { <option value=field_value(f)>{format!("{} — {}", field_value(f), f.label())}</option> })
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
        (!message.is_empty() && !message.starts_with("Reading")).then(|| {
            view! {
                <div id="bulk-error" class="bulk-error" role="alert">
                    {message}
                </div>
            }
        })
    };

    let counter = move || bulk.job.with(|j| j.as_ref().map(BulkJob::counter).unwrap_or_else(|| "0 / 0".to_string()));
    let progress_max = move || bulk.job.with(|j| j.as_ref().map(|j| j.total().max(1)).unwrap_or(1)).to_string();
    let progress_value = move || {
        bulk.job
            .with(|j| j.as_ref().filter(|j| *j.phase() != Phase::Ready).map(BulkJob::finished).unwrap_or(0))
            .to_string()
    };
    let log_rows = move || {
        bulk.job.with(|j| {
            j.as_ref()
                .filter(|j| *j.phase() != Phase::Ready)
                .map(|j| j.log().iter().cloned().enumerate().collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    let plan_rows = move || {
        bulk.job.with(|j| {
            j.as_ref()
                .map(|j| {
                    j.records()
                        .iter()
                        .map(|r| {
                            (
                                r.contact.0,
                                r.company.clone(),
                                r.name.clone(),
                                r.before.text(),
                                r.after.text(),
                                r.state.clone(),
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let plan_head = move || {
        bulk.job.with(|j| {
            let j = j.as_ref()?;
            let s = j.summary();
            let what = match j.kind() {
                JobKind::Apply => "Plan",
                JobKind::Undo => "Undo plan",
            };
            let to_write = s.open;
            Some(format!(
                "{what}: {} — {} contact(s) targeted, {} to update, {} already set (skipped). {}",
                j.change(),
                j.total(),
                to_write,
                s.skipped,
                duration_text(to_write, j.bucket().configured())
            ))
        })
    };
    let status = move || {
        if let Some((read, of)) = reading.get() {
            return Some(format!("Reading contacts: {read} / {of} clients…"));
        }
        bulk.job.with(|j| {
            let j = j.as_ref()?;
            let s = j.summary();
            Some(match j.phase() {
                Phase::Ready | Phase::Done if j.total() == 0 => {
                    "No contacts of the selected clients match the filter.".to_string()
                }
                Phase::Ready => "Preview ready: check the plan, then Execute.".to_string(),
                Phase::Running => format!("Updating… {} left, {} in flight", s.open, j.in_flight()),
                Phase::Paused { reason } => format!(
                    "{reason} {} updated, {} failed, {} skipped, {} remaining.",
                    s.ok, s.failed, s.skipped, s.open
                ),
                Phase::Cancelled if s.open > 0 => {
                    "Cancelling: reading back the writes whose answer was lost…".to_string()
                }
                Phase::Cancelled => format!(
                    "Cancelled: {} updated, {} failed, {} skipped, {} changed by someone else, {} not sent.",
                    s.ok, s.failed, s.skipped, s.changed, s.not_sent
                ),
                Phase::Done if j.stats().writes + j.stats().reads == 0 => {
                    format!("Preview: nothing to update, all {} targeted contact(s) already have the value.", s.skipped)
                }
                Phase::Done => format!(
                    "Done: {} updated, {} errors, {} skipped, {} changed by someone else.",
                    s.ok, s.failed, s.skipped, s.changed
                ),
            })
        })
    };
    let stats = move || {
        bulk.job.with(|j| {
            let j = j.as_ref().filter(|j| *j.phase() != Phase::Ready)?;
            let st = j.stats();
            Some(format!(
                "Rate {} of {} requests/min · {} writes, {} read-backs · {} × 429 · {} unanswered",
                j.bucket().current(),
                j.bucket().configured(),
                st.writes,
                st.reads,
                st.rate_limited,
                st.unanswered
            ))
        })
    };

    view! {
        <section id="panel-bulk" class="panel" role="tabpanel" aria-labelledby="tab-bulk">
            <div class="bulk-head">
                <h2>"Bulk Operations"</h2>
                <p class="muted">
                    "ConnectWise has no bulk endpoint: each contact gets its own call (PATCH /company/contacts/{id}, "
                    "or a contact type association), paced to the rate below, with nothing written twice."
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
                {move || {
                    bulk.journal_problem
                        .get()
                        .map(|p| {
                            view! {
                                <p id="bulk-journal-warning" class="bulk-error" role="alert">
                                    {p}
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
                            list="bulk-choices"
                            prop:value=move || value.get()
                            on:input=move |ev| value.set(event_target_value(&ev))
                        />
                        <datalist id="bulk-choices">
                            <For each=choices key=|c| c.clone() let(c)>
                                <option value=c.clone()></option>
                            </For>
                        </datalist>
                    </div>
                    <div class="form-field">
                        <label for="bulk-rate">"Requests per minute"</label>
                        <input
                            id="bulk-rate"
                            type="number"
                            min=MIN_RATE_PER_MIN
                            max=MAX_RATE_PER_MIN
                            prop:value=move || rate.get().to_string()
                            on:change=move |ev| set_rate(event_target_value(&ev))
                        />
                    </div>
                </div>
                <div id="bulk-hint" class="field-note">
                    {hint}
                </div>
                {move || {
                    let list = choices();
                    (!list.is_empty())
                        .then(|| {
                            view! {
                                <div id="bulk-choice-list" class="field-note">
                                    {format!("ConnectWise has: {}", list.join(", "))}
                                </div>
                            }
                        })
                }}
                {error}
                <div class="bulk-actions">
                    <button id="bulk-preview" class="btn" disabled=move || !can_preview() on:click=preview>
                        "Preview"
                    </button>
                    <button id="bulk-execute" class="btn btn-primary" disabled=move || !can_execute() on:click=execute>
                        "Execute"
                    </button>
                    <Show when=is_running>
                        <button id="bulk-pause" class="btn" on:click=pause>
                            "Pause"
                        </button>
                    </Show>
                    <Show when=can_resume>
                        <button id="bulk-resume" class="btn btn-warn" on:click=resume>
                            "Resume"
                        </button>
                    </Show>
                    <Show when=can_cancel>
                        <button id="bulk-cancel" class="btn" on:click=cancel>
                            "Cancel"
                        </button>
                    </Show>
                    <Show when=can_undo>
                        <button id="bulk-undo" class="btn btn-warn" on:click=undo>
                            "Undo this job"
                        </button>
                    </Show>
                    <Show when=move || bulk.job.with(|j| j.as_ref().is_some_and(|j| j.total() > 0))>
                        <a id="bulk-export" class="btn" href="#" download=export_name on:click=export>
                            "Export CSV"
                        </a>
                    </Show>
                </div>
                {move || notice.get().map(|n| view! { <div id="bulk-notice" class="bulk-error" role="alert">{n}</div> })}
            </div>
            <div class="bulk-progress-row">
                <progress id="bulk-progress" max=progress_max value=progress_value></progress>
                <span id="bulk-counter">{counter}</span>
            </div>
            <div id="bulk-summary" class="bulk-summary" role="status">
                {status}
            </div>
            <div id="bulk-stats" class="field-note">
                {stats}
            </div>
            <div id="bulk-log" class="bulk-log" role="log" aria-live="polite">
                <For each=log_rows key=|(i, row)| (*i, row.text.clone()) let((_, row))>
                    <div class=format!("log-row {}", row.kind.class())>{row.text}</div>
                </For>
            </div>
            {move || {
                let errors = read_errors.get();
                (!errors.is_empty())
                    .then(|| {
                        view! {
                            <ul id="bulk-plan-errors" class="bulk-error">
                                {errors.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}
                            </ul>
                        }
                    })
            }}
            <Show when=move || bulk.job.with(Option::is_some)>
                <div class="bulk-plan-head" id="bulk-plan-head">
                    {plan_head}
                    {move || {
                        (is_ready() && stale())
                            .then(|| {
                                view! {
                                    <span id="bulk-stale" class="bulk-error">
                                        " The form or the selection changed since this preview: Preview again."
                                    </span>
                                }
                            })
                    }}
                </div>
                <table id="bulk-plan" class="bulk-plan">
                    <thead>
                        <tr>
                            <th>"Company"</th>
                            <th>"Contact"</th>
                            <th>"Current value"</th>
                            <th>"New value"</th>
                            <th>"Result"</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=plan_rows key=|row| format!("{}:{:?}", row.0, row.5) let((id, company, name, before, after, state))>
                            <tr class="bulk-plan-row" data-contact=id.to_string()>
                                <td class="plan-company">{company}</td>
                                <td class="plan-contact">{name}</td>
                                <td class="plan-current">{before}</td>
                                <td class="plan-new">{after}</td>
                                <td class=format!("plan-state {}", state_class(&state))>
                                    {match state.detail() {
                                        Some(d) => format!("{}: {d}", state.word()),
                                        None => state.word().to_string(),
                                    }}
                                </td>
                            </tr>
                        </For>
                    </tbody>
                </table>
            </Show>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_is_clamped_and_defaults_when_unreadable() {
        assert_eq!(parse_rate("300"), 300);
        assert_eq!(parse_rate(" 1 "), MIN_RATE_PER_MIN);
        assert_eq!(parse_rate("999999"), MAX_RATE_PER_MIN);
        assert_eq!(parse_rate("fast"), DEFAULT_RATE_PER_MIN);
    }

    #[test]
    fn durations_read_in_seconds_or_minutes() {
        assert_eq!(duration_text(10, 200), "about 3 s");
        assert_eq!(duration_text(500, 200), "about 3 min");
    }
}
