//! `#bulk-recover`: the banner that greets a returning user when the journal holds an interrupted bulk
//! job (a reload, a closed tab, a crash or a pause), with Resume right there. Resume goes to the bulk panel
//! and continues, once the console is connected to the ConnectWise the job writes to.

use crate::pages::bulk::runner;
use crate::state::bulk::BulkState;
use crate::state::{Console, Tab};
use leptos::prelude::*;

/// The interrupted-job banner (shown only when there is one).
#[component]
pub fn BulkRecover() -> impl IntoView {
    let console = expect_context::<Console>();
    let bulk = expect_context::<BulkState>();
    let problem = RwSignal::new(None::<String>);
    let shown = move || bulk.interrupted() && !bulk.driving.get();
    let text = move || {
        bulk.job.with(|j| {
            let j = j.as_ref()?;
            let s = j.summary();
            let reason = match j.phase() {
                cw_shared::plan::bulk_job::Phase::Paused { reason } => reason.clone(),
                _ => String::new(),
            };
            Some(format!(
                "Unfinished bulk job on {}: {} — {} done, {} left. {reason}",
                j.target(),
                j.change(),
                j.counter(),
                s.open
            ))
        })
    };
    let resume = move |_| {
        console.tab.set(Tab::Bulk);
        problem.set(runner::resume(console, bulk).err());
    };
    let show = move |_| console.tab.set(Tab::Bulk);
    view! {
        <Show when=shown>
            <div id="bulk-recover" class="recover-banner" role="alert">
                <span class="recover-text">{text}</span>
                <button id="bulk-recover-resume" class="btn btn-warn" on:click=resume>
                    "Resume"
                </button>
                <button id="bulk-recover-show" class="btn" on:click=show>
                    "Show"
                </button>
                {move || problem.get().map(|p| view! { <span id="bulk-recover-problem" class="bulk-error">{p}</span> })}
            </div>
        </Show>
    }
}
