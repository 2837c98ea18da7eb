//! `#onboard-recover`: the banner that greets a returning user when the journal holds an interrupted
//! onboarding run (a reload, a closed tab, a crash or a failure) or an unfinished rollback. Resume opens the
//! wizard and continues there; Show opens the wizard without sending anything (to fix the draft or roll back).

use crate::state::onboarding::OnboardState;
use crate::state::{Console, Tab};
use leptos::prelude::*;

/// The interrupted-onboarding banner (shown only when there is one and the wizard is not on screen).
#[component]
pub fn OnboardRecover() -> impl IntoView {
    let console = expect_context::<Console>();
    let state = expect_context::<OnboardState>();
    let shown = move || state.interrupted() && console.tab.get() != Tab::Onboard;
    let text = move || {
        state.run.with(|r| {
            let r = r.as_ref()?;
            let name = r.draft().company.name.trim().to_owned();
            let done = r.created().len();
            Some(match r.rollback() {
                Some(_) => {
                    format!("The rollback of the onboarding of {name} did not finish; {done} record(s) to check.")
                }
                None => format!(
                    "Unfinished onboarding of {name} on {}: {done} of {} records created. Nothing is sent again \
                     until you resume.",
                    r.target(),
                    r.steps().len()
                ),
            })
        })
    };
    let unreadable = move || state.run.with(Option::is_none).then(|| state.journal_problem.get()).flatten();
    view! {
        {move || unreadable().map(|problem| view! {
            <div id="onboard-recover-problem" class="recover-banner" role="alert">
                <span class="recover-text">
                    {format!("Could not restore the onboarding run saved in this browser: {problem}. Check in ConnectWise what it created.")}
                </span>
                <button id="onboard-recover-discard" class="btn" on:click=move |_| {
                    state.forget();
                    state.journal_problem.set(None);
                }>
                    "Discard it"
                </button>
            </div>
        })}
        <Show when=shown>
            <div id="onboard-recover" class="recover-banner" role="alert">
                <span class="recover-text">{text}</span>
                <button
                    id="onboard-recover-resume"
                    class="btn btn-warn"
                    on:click=move |_| {
                        console.tab.set(Tab::Onboard);
                        state.resume_requested.set(true);
                    }
                >
                    "Resume"
                </button>
                <button id="onboard-recover-show" class="btn" on:click=move |_| console.tab.set(Tab::Onboard)>
                    "Show"
                </button>
            </div>
        </Show>
    }
}
