//! [`ClientRowView`]: one `.client-row` of the virtualised list.

use crate::state::Console;
use crate::state::list::{ClientRow, ROW_HEIGHT};
use leptos::prelude::*;

/// A company row: bulk checkbox, name, identifier, `City, ST` and the status badge.
#[component]
pub fn ClientRowView(
    /// The company.
    row: ClientRow,
    /// Its position in the filtered list (sets its place in the scroller).
    position: usize,
) -> impl IntoView {
    let console = expect_context::<Console>();
    let id = row.id;
    let checked = move || console.selected.with(|s| s.contains(&id));
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        console.selected.update(|s| {
            if on {
                s.insert(id);
            } else {
                s.remove(&id);
            }
        });
    };
    let label = format!("Select {}", row.name);
    let badge = format!("badge {}", row.status_class());
    view! {
        <div
            class="client-row"
            data-id=id.0
            role="option"
            style=format!("top:{}px", position as f64 * ROW_HEIGHT)
            aria-selected=move || (console.open.get() == Some(id)).to_string()
            class:cursor=move || console.cursor.get() == Some(id)
            class:open=move || console.open.get() == Some(id)
            on:click=move |_| console.open_client(id)
        >
            <input
                type="checkbox"
                class="client-check"
                aria-label=label
                prop:checked=checked
                on:click=|ev| ev.stop_propagation()
                on:change=toggle
            />
            <div class="row-main">
                <div class="row-name">{row.name}</div>
                <div class="row-sub">
                    <span class="row-ident">{row.identifier}</span>
                    <span class="row-loc">{row.location}</span>
                </div>
            </div>
            <span class=badge>{row.status}</span>
        </div>
    }
}
