//! `#wz-result`: how the run went, step by step; Resume and Roll back while it is stopped or interrupted; the
//! rollback's outcome per record; and, once complete, the read-back summary (`#wz-verify`) with each record's
//! id, whether ConnectWise holds what the draft said, and a link to it in ConnectWise Manage.

use super::{Wizard, driver, logic};
use crate::components::config_bar::ConfigForm;
use crate::state::Console;
use cw_shared::ids::CompanyId;
use cw_shared::plan::OnboardingRun;
use cw_shared::plan::onboarding::{UndoState, Verified, manage_link};
use leptos::prelude::*;

/// The run's outcome panel.
#[component]
pub(super) fn ResultView(w: Wizard, on_resume: Callback<()>) -> impl IntoView {
    view! {
        <div id="wz-result" class="wz-result" class:hidden=move || w.run.with(Option::is_none) role="status" aria-live="polite">
            {move || w.run.with(|r| r.as_ref().map(|r| content(w, r, on_resume)))}
        </div>
    }
}

fn content(w: Wizard, r: &OnboardingRun, on_resume: Callback<()>) -> AnyView {
    let console = expect_context::<Console>();
    let running = w.running.get();
    let summary = r.summary();
    let company = r.company_id().map(|c| c.0);
    let failure = r.failure();
    let failed_label = failure.map(|(step, _)| r.label(step));
    let complete = r.is_complete();
    let created = r.created().len();
    let headline = match r.rollback() {
        Some(_) => format!(
            "Onboarding of {} stopped and was rolled back; below, what the run had created and what became of it.",
            r.draft().company.name.trim()
        ),
        None => logic::headline(&summary, complete, failed_label.as_deref()),
    };
    let fix = failure.map(|(step, e)| (e.to_string(), logic::fix_hint(step, e)));
    let lines = logic::result_lines(&summary, company)
        .into_iter()
        .map(|l| view! { <li class=format!("wz-line wz-line-{}", l.class)>{l.text}</li> })
        .collect_view();
    let notes = summary.notes.into_iter().map(|n| view! { <li class="wz-note">{n}</li> }).collect_view();
    let headline_class = if complete {
        "wz-headline wz-ok"
    } else if fix.is_some() {
        "wz-headline wz-error"
    } else {
        "wz-headline"
    };
    let stopped = r.rollback().is_none() && r.can_resume() && !running;
    let interrupted = (stopped && failure.is_none()).then(|| {
        let unsure = r.unsure().map(|s| {
            format!(" The answer to the {} call never arrived: Resume first checks ConnectWise for it.", r.label(s))
        });
        view! {
            <div id="wz-interrupted" class="wz-failure">
                {format!(
                    "This run was interrupted (a reload, a closed tab or a lost connection) after {created} record(s) \
                     were created. Resume continues without creating them again; Roll back removes them.{}",
                    unsure.unwrap_or_default()
                )}
            </div>
        }
    });
    let actions = stopped.then(|| {
        view! {
            <div class="wz-actions">
                <button id="wz-resume" type="button" class="btn btn-primary" on:click=move |_| on_resume.run(())>
                    "Resume"
                </button>
                {(created > 0 || r.unsure().is_some()).then(|| rollback_buttons(w, created))}
            </div>
        }
    });
    let journal = w.state.journal_problem.get().map(|problem| {
        view! {
            <div id="wz-journal-problem" class="wz-failure">
                {format!("Careful: {problem}. Keep this page open until the run is finished or rolled back.")}
            </div>
        }
    });
    view! {
        <div class=headline_class>{headline}</div>
        {journal}
        {interrupted}
        {fix.map(|(message, hint)| view! {
            <div class="wz-failure">
                <div class="wz-cw-message">{format!("ConnectWise error: {message}")}</div>
                <div class="wz-fix">{format!("What to fix: {hint}")}</div>
            </div>
        })}
        {actions}
        {running.then(|| view! {
            <div class="loading" role="status">
                <span class="spinner" aria-hidden="true"></span>
                "Sending…"
            </div>
        })}
        {rollback_view(w, r)}
        <ul class="wz-result-list">{lines}{notes}</ul>
        {complete.then(|| verify_view(w, r))}
        {(complete || r.rollback().is_some_and(|rb| rb.is_done())).then(|| {
            let open = (complete && company.is_some()).then(|| {
                let id = CompanyId(company.unwrap_or_default());
                view! {
                    <button
                        id="wz-open-client"
                        type="button"
                        class="btn btn-primary"
                        on:click=move |_| {
                            console.reload();
                            console.open_client(id);
                        }
                    >
                        "Open client"
                    </button>
                }
            });
            view! {
                <div class="wz-done">
                    {open}
                    <button id="wz-restart" type="button" class="btn" on:click=move |_| w.reset()>
                        "Start another"
                    </button>
                </div>
            }
        })}
    }
    .into_any()
}

/// Roll back, with a second click to confirm.
fn rollback_buttons(w: Wizard, created: usize) -> impl IntoView {
    move || {
        if w.confirm_rollback.get() {
            let console = expect_context::<Console>();
            view! {
                <span class="wz-confirm">
                    <button id="wz-rollback-confirm" type="button" class="btn btn-danger" on:click=move |_| driver::rollback(console, w)>
                        {format!("Yes, remove the {created} record(s) this run created")}
                    </button>
                    <button id="wz-rollback-cancel" type="button" class="btn" on:click=move |_| w.confirm_rollback.set(false)>
                        "Cancel"
                    </button>
                </span>
            }
            .into_any()
        } else {
            view! {
                <button id="wz-rollback" type="button" class="btn btn-warn" on:click=move |_| w.confirm_rollback.set(true)>
                    "Roll back…"
                </button>
            }
            .into_any()
        }
    }
}

/// `#wz-rollback-result`: each record's undo outcome.
fn rollback_view(w: Wizard, r: &OnboardingRun) -> Option<impl IntoView> {
    let rb = r.rollback()?;
    let console = expect_context::<Console>();
    let removed = rb.items().iter().filter(|i| matches!(i.state, UndoState::Removed | UndoState::AlreadyGone)).count();
    let deactivated = rb.items().iter().filter(|i| matches!(i.state, UndoState::Deactivated { .. })).count();
    let left = rb.items().iter().filter(|i| matches!(i.state, UndoState::Failed { .. })).count();
    let headline = if rb.is_done() {
        format!("Rolled back: {removed} removed, {deactivated} deactivated, {left} left in ConnectWise.")
    } else if let Some(why) = rb.stopped() {
        format!("Rollback stopped: {why}")
    } else {
        "Rolling back, newest record first…".to_owned()
    };
    let rows = rb
        .items()
        .iter()
        .map(|item| {
            let (state, text) = match &item.state {
                UndoState::Pending | UndoState::DeleteRefused { .. } => ("pending", "not undone yet".to_owned()),
                UndoState::Removed => ("removed", "removed (DELETE)".to_owned()),
                UndoState::AlreadyGone => ("gone", "already gone (404)".to_owned()),
                UndoState::Deactivated { reason } => {
                    ("deactivated", format!("deactivated: ConnectWise would not delete it ({reason})"))
                }
                UndoState::Failed { message } => ("failed", message.clone()),
            };
            view! {
                <li class=format!("wz-undo-row wz-undo-{state}") data-state=state>
                    {format!("{} — id {}: {text}", item.label, item.id)}
                </li>
            }
        })
        .collect_view();
    let stopped = rb.stopped().is_some() && !w.running.get();
    Some(view! {
        <div id="wz-rollback-result" class="wz-rollback">
            <div class="wz-rollback-headline">{headline}</div>
            <ul class="wz-undo-list">{rows}</ul>
            {stopped.then(|| view! {
                <button id="wz-rollback-continue" type="button" class="btn btn-warn" on:click=move |_| driver::rollback(console, w)>
                    "Continue the rollback"
                </button>
            })}
        </div>
    })
}

/// `#wz-verify`: the read-back of each record with its link.
fn verify_view(w: Wizard, r: &OnboardingRun) -> impl IntoView {
    let site = use_context::<ConfigForm>().and_then(|f| f.manage_site());
    let live = expect_context::<Console>().session.with_untracked(|s| s.mode == crate::state::Mode::Live);
    let company = r.company_id().map(|c| c.0).unwrap_or_default();
    let rows = w.verified.with(|v| {
        v.as_ref().map(|list| {
            list.iter()
                .map(|row: &Verified| {
                    let state = if row.matches() { "ok" } else { "differs" };
                    let text = match (&row.error, row.differences.is_empty()) {
                        (Some(e), _) => format!("{} — id {}: {e}", row.label, row.id),
                        (None, true) => format!("{} — id {}: verified, ConnectWise holds what was entered", row.label, row.id),
                        (None, false) => format!("{} — id {}: differs — {}", row.label, row.id, row.differences.join("; ")),
                    };
                    let link = site.as_ref().filter(|_| live).map(|(host, login)| {
                        let href = manage_link(host, login, row.step, row.id, company);
                        view! { <a class="wz-cw-link" href=href target="_blank" rel="noopener">"Open in ConnectWise Manage"</a> }
                    });
                    view! {
                        <li class=format!("wz-verify-row wz-verify-{state}") data-state=state>
                            <span class="wz-verify-text">{text}</span>
                            " "
                            {link}
                        </li>
                    }
                })
                .collect_view()
        })
    });
    let headline = w.verified.with(|v| match v {
        None => "Reading back every record from ConnectWise…".to_owned(),
        Some(list) if list.iter().all(Verified::matches) => {
            format!("Verified: all {} records read back from ConnectWise match the wizard.", list.len())
        }
        Some(list) => format!(
            "Read back: {} of {} records differ from what was entered.",
            list.iter().filter(|v| !v.matches()).count(),
            list.len()
        ),
    });
    let no_links = (!live || site.is_none()).then(|| {
        view! { <div class="field-note">"Links into ConnectWise Manage appear in live mode with the host in the config bar."</div> }
    });
    view! {
        <div id="wz-verify" class="wz-verify">
            <div class="wz-verify-headline">{headline}</div>
            <ul class="wz-verify-list">{rows}</ul>
            {no_links}
        </div>
    }
}
