//! The driver of a bulk job in the browser: it asks the job what to do ([`BulkJob::next`]), sends each
//! request through the session's transport without the transport's own retries (the job paces and retries),
//! keeps up to the job's in-flight limit out at once, and hands every answer back. The journal is saved
//! before each request leaves and after each answer, so a reload finds the job exactly as far as it got.

use crate::api::Cw;
use crate::api::transport::sleep_ms;
use crate::state::Console;
use crate::state::bulk::{BulkState, now_ms};
use crate::state::toasts::ToastKind;
use cw_shared::http::Response;
use cw_shared::plan::bulk_job::{BulkJob, JobKind, Phase, Step, Ticket};
use futures::StreamExt;
use futures::channel::mpsc;
use leptos::prelude::*;

type Answered = (Ticket, Result<Response, String>);

/// Runs the job until it is paused, cancelled or done. Does nothing when a driver already runs.
pub async fn drive(console: Console, bulk: BulkState, cw: Cw) {
    if bulk.driving.get_untracked() {
        return;
    }
    bulk.driving.set(true);
    let session = console.session.with_untracked(|s| s.id);
    let (tx, mut rx) = mpsc::unbounded::<Answered>();
    let apply = move |(ticket, result): Answered| {
        bulk.job.update(|j| {
            if let Some(j) = j {
                j.answer(&ticket, now_ms(), result.as_ref().map_err(String::as_str));
            }
        });
        bulk.save();
    };
    loop {
        while let Ok(Some(answered)) = rx.try_recv().map(Some) {
            apply(answered);
        }
        if console.session.with_untracked(|s| s.id) != session {
            bulk.job.update(|j| {
                if let Some(j) = j {
                    j.pause("The connection changed (demo/live), so the job stopped. Reconnect to the same ConnectWise, then Resume.");
                }
            });
        }
        let step = bulk.job.try_update(|j| j.as_mut().map(|j| j.next(now_ms()))).flatten();
        match step {
            Some(Step::Send(ticket)) => {
                // Saved as in flight before it leaves: a reload now reads it back instead of writing again.
                bulk.save();
                let cw = cw.clone();
                let tx = tx.clone();
                leptos::task::spawn_local(async move {
                    let result = cw.send_once(ticket.request.clone()).await;
                    let _ = tx.unbounded_send((ticket, result));
                });
            }
            Some(Step::WaitUntil(at)) => {
                let ms = at.saturating_sub(now_ms()).clamp(1, 60_000) as i32;
                let sleep = Box::pin(sleep_ms(ms));
                if let futures::future::Either::Right((Some(answered), _)) =
                    futures::future::select(sleep, rx.next()).await
                {
                    apply(answered);
                }
            }
            Some(Step::Busy) => match rx.next().await {
                Some(answered) => apply(answered),
                None => break,
            },
            Some(Step::Idle) | None => break,
        }
    }
    bulk.save();
    bulk.driving.set(false);
    report(console, bulk);
}

/// The toast that says how the run ended, and a refresh of the open client's detail.
fn report(console: Console, bulk: BulkState) {
    let Some((phase, summary, kind)) =
        bulk.job.with_untracked(|j| j.as_ref().map(|j| (j.phase().clone(), j.summary(), j.kind())))
    else {
        return;
    };
    let what = match kind {
        JobKind::Apply => "Bulk update",
        JobKind::Undo => "Undo",
    };
    let counts = format!(
        "{} updated, {} failed, {} skipped, {} changed by someone else",
        summary.ok, summary.failed, summary.skipped, summary.changed
    );
    match phase {
        Phase::Done => {
            let toast = if summary.failed + summary.changed > 0 { ToastKind::Error } else { ToastKind::Ok };
            console.toasts.push(toast, format!("{what} finished: {counts}"));
        }
        Phase::Cancelled => {
            console.toasts.push(ToastKind::Info, format!("{what} cancelled: {counts}, {} not sent", summary.not_sent))
        }
        Phase::Paused { .. } => console.toasts.push(
            ToastKind::Info,
            format!("{what} paused with {} record(s) left; Resume continues with exactly those", summary.open),
        ),
        _ => {}
    }
    if summary.ok > 0 && console.open.get_untracked().is_some() {
        console.open.update(|_| {});
    }
}

/// Starts or resumes the job in the current session, if it belongs to it; `Err` says why not.
pub fn resume(console: Console, bulk: BulkState) -> Result<(), String> {
    let (cw, target) = console.session.with_untracked(|s| (s.cw.clone(), s.target.clone()));
    let mismatch =
        bulk.job.with_untracked(|j| j.as_ref().filter(|j| j.target() != target).map(|j| j.target().to_string()));
    if let Some(theirs) = mismatch {
        return Err(format!("This job writes to {theirs}; connect to it first (now: {target})."));
    }
    let started = bulk.job.try_update(|j| j.as_mut().is_some_and(BulkJob::start)).unwrap_or(false);
    if started {
        bulk.save();
        leptos::task::spawn_local(drive(console, bulk, cw));
    }
    Ok(())
}
