//! `#panel-onboard`: the onboarding wizard. Not built yet (a separate issue); the panel says so.

use leptos::prelude::*;

/// The onboarding wizard panel (placeholder until its issue lands).
#[component]
pub fn OnboardPage() -> impl IntoView {
    view! {
        <section id="panel-onboard" class="panel" role="tabpanel" aria-labelledby="tab-onboard">
            <div class="empty-panel">
                <h2>"Onboarding Wizard"</h2>
                <p>"The six-step onboarding wizard is not available in this version of the console yet."</p>
            </div>
        </section>
    }
}
