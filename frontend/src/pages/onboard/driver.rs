//! The wizard's drivers: the run (one call at a time, journalled before each POST and after each answer), the
//! read-back of a finished run, and the rollback. Each resumes only against the ConnectWise the run writes to.

use super::Wizard;
use crate::error::AppError;
use crate::state::Console;
use cw_shared::api::ApiError;
use cw_shared::plan::onboarding::{readback_requests, verify};
use cw_shared::plan::{OnboardingDraft, OnboardingRun};
use leptos::prelude::*;

/// A transport failure (no answer) as the shared crate's error.
fn no_answer(e: &AppError) -> ApiError {
    let message = if e.message().is_empty() { e.title() } else { e.message() };
    ApiError::Transport { message }
}

/// `Err` with what to do when the run writes to another ConnectWise than the session's.
fn same_target(console: Console, w: Wizard) -> Result<(), String> {
    let target = console.session.with_untracked(|s| s.target.clone());
    let theirs = w.run.with_untracked(|r| r.as_ref().map(|r| r.target().to_owned())).unwrap_or_default();
    if theirs.is_empty() || theirs == target {
        Ok(())
    } else {
        Err(format!("This onboarding run writes to {theirs}; connect to it first (now: {target})."))
    }
}

/// Starts sending a new run.
pub(super) fn start(console: Console, w: Wizard) {
    w.state.save();
    leptos::task::spawn_local(drive(console, w));
}

/// Continues a stopped or interrupted run with the (possibly fixed) draft.
pub(super) fn resume(console: Console, w: Wizard, draft: OnboardingDraft) {
    if let Err(message) = same_target(console, w) {
        console.toasts.error(message);
        return;
    }
    let mut result = Ok(());
    w.run.update(|r| {
        if let Some(r) = r.as_mut() {
            *r.draft_mut() = draft;
            result = r.resume();
        }
    });
    match result {
        Ok(()) => {
            w.state.save();
            leptos::task::spawn_local(drive(console, w));
        }
        Err(problems) => w.show_problems(&problems),
    }
}

async fn drive(console: Console, w: Wizard) {
    let cw = console.cw();
    w.running.set(true);
    while let Some(request) = w.run.try_update(|r| r.as_mut().and_then(OnboardingRun::begin)).flatten() {
        // The journal says the POST is out before it is: a reload from here on searches before re-sending.
        w.state.save();
        let answer = cw.send_any(request).await;
        let mut stop = false;
        w.run.update(|r| {
            if let Some(r) = r.as_mut() {
                match &answer {
                    Ok(response) => stop = r.record(response).is_err(),
                    Err(e) => {
                        r.record_error(no_answer(e));
                        stop = true;
                    }
                }
            }
        });
        w.state.save();
        if stop {
            break;
        }
    }
    let (complete, failure, name) = w.run.with_untracked(|r| match r {
        Some(r) => (
            r.is_complete(),
            r.failure().map(|(step, e)| (step, e.to_string())),
            r.draft().company.name.trim().to_owned(),
        ),
        None => (false, None, String::new()),
    });
    if complete {
        read_back(console, w).await;
        w.running.set(false);
        console.reload();
        let all = w.verified.with_untracked(|v| v.as_ref().is_some_and(|v| v.iter().all(|r| r.matches())));
        if all {
            console.toasts.ok(format!("Onboarded {name}: every record was created and verified in ConnectWise"));
        } else {
            console.toasts.error(format!("Onboarded {name}, but the read-back differs: see the summary"));
        }
    } else {
        w.running.set(false);
        if let Some((step, message)) = failure {
            console.toasts.error(format!("Onboarding stopped: {message}"));
            w.step.set(step.wizard_step());
        }
    }
    scroll_to_result();
}

/// Reads back every created record and compares it with the draft.
async fn read_back(console: Console, w: Wizard) {
    let cw = console.cw();
    let Some(run) = w.run.get_untracked() else { return };
    let mut out = Vec::new();
    for (step, request) in readback_requests(&run) {
        let answer = cw.send_any(request).await;
        out.push(match &answer {
            Ok(response) => verify(&run, step, Ok(response)),
            Err(e) => verify(&run, step, Err(&no_answer(e))),
        });
    }
    w.verified.set(Some(out));
}

/// Starts (or continues) undoing what the run created.
pub(super) fn rollback(console: Console, w: Wizard) {
    if w.running.get_untracked() {
        return;
    }
    if let Err(message) = same_target(console, w) {
        console.toasts.error(message);
        return;
    }
    w.run.update(|r| {
        if let Some(r) = r.as_mut() {
            r.start_rollback();
            if let Some(rb) = r.rollback_mut() {
                rb.resume();
            }
        }
    });
    w.confirm_rollback.set(false);
    w.state.save();
    leptos::task::spawn_local(drive_rollback(console, w));
}

async fn drive_rollback(console: Console, w: Wizard) {
    let cw = console.cw();
    w.running.set(true);
    while let Some(request) = w.run.with_untracked(|r| r.as_ref().and_then(OnboardingRun::rollback_request)) {
        let answer = cw.send_any(request).await;
        w.run.update(|r| {
            if let Some(r) = r.as_mut() {
                match &answer {
                    Ok(response) => r.rollback_record(Ok(response)),
                    Err(e) => r.rollback_record(Err(no_answer(e))),
                }
            }
        });
        w.state.save();
    }
    w.running.set(false);
    console.reload();
    let (done, clean, stopped) = w.run.with_untracked(|r| {
        r.as_ref()
            .and_then(|r| r.rollback())
            .map(|rb| (rb.is_done(), rb.is_clean(), rb.stopped().map(str::to_owned)))
            .unwrap_or((false, false, None))
    });
    if clean {
        console.toasts.ok("Rolled back: nothing this run created is left in ConnectWise");
    } else if done {
        console.toasts.error("Rolled back as far as ConnectWise allows: see what is left");
    } else if let Some(why) = stopped {
        console.toasts.error(format!("Rollback stopped: {why}"));
    }
    scroll_to_result();
}

/// Brings the outcome (and its buttons) into view.
fn scroll_to_result() {
    request_animation_frame(|| {
        if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("wz-result")) {
            el.scroll_into_view();
        }
    });
}
