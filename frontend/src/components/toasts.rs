//! [`ToastStack`]: `#toasts` with one `.toast` per message.

use crate::state::Console;
use crate::state::toasts::ToastKind;
use leptos::prelude::*;

/// The toast area (bottom right).
#[component]
pub fn ToastStack() -> impl IntoView {
    let console = expect_context::<Console>();
    let items = console.toasts.items;
    view! {
        <div id="toasts" aria-live="polite">
            <For each=move || items.get() key=|t| t.id let:toast>
                <div
                    class="toast"
                    class:toast-ok=toast.kind == ToastKind::Ok
                    class:toast-error=toast.kind == ToastKind::Error
                    role="status"
                >
                    {toast.text}
                </div>
            </For>
        </div>
    }
}
