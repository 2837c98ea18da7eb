//! [`Tabs`]: `#tab-detail`, `#tab-bulk`, `#tab-onboard`.

use crate::state::{Console, Tab};
use leptos::prelude::*;

/// The tab strip above the right-hand panel.
#[component]
pub fn Tabs() -> impl IntoView {
    let console = expect_context::<Console>();
    let tab = console.tab;
    let button = move |id: &'static str, which: Tab, label: &'static str| {
        view! {
            <button
                id=id
                class="tab"
                role="tab"
                class:active=move || tab.get() == which
                aria-selected=move || (tab.get() == which).to_string()
                on:click=move |_| tab.set(which)
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="tabs" role="tablist">
            {button("tab-detail", Tab::Detail, "Client Detail")}
            {button("tab-bulk", Tab::Bulk, "Bulk Operations")}
            {button("tab-onboard", Tab::Onboard, "Onboarding Wizard")}
        </div>
    }
}
