//! `#panel-bulk`: bulk contact updates. Not built yet (a separate issue); the panel says so plainly and
//! shows the selection it will work on, without pretending to run anything.

use crate::state::Console;
use leptos::prelude::*;

/// The bulk operations panel (placeholder until its issue lands).
#[component]
pub fn BulkPage() -> impl IntoView {
    let console = expect_context::<Console>();
    view! {
        <section id="panel-bulk" class="panel" role="tabpanel" aria-labelledby="tab-bulk">
            <div class="empty-panel">
                <h2>"Bulk Operations"</h2>
                <p>"Bulk contact updates are not available in this version of the console yet."</p>
                <p class="muted">
                    {move || format!("{} client(s) selected in the list.", console.selected.with(|s| s.len()))}
                </p>
            </div>
        </section>
    }
}
