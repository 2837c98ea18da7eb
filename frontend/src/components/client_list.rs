//! [`ClientList`]: `#client-list`, the 340px sidebar — search, Active/All, count, the virtualised rows
//! and the bulk bar.
//!
//! Only the rows in view (plus a few) are in the DOM: the scroller holds a spacer as tall as all rows and
//! each rendered row is placed absolutely at `position * ROW_HEIGHT`, so 10,000 companies scroll and
//! filter as smoothly as eight.

use super::client_row::ClientRowView;
use super::error_view::ErrorView;
use crate::api::companies::StatusFilter;
use crate::state::list::{OVERSCAN, ROW_HEIGHT, visible_range};
use crate::state::{Console, LoadState, Tab};
use leptos::prelude::*;

/// The id of the scrolling element (the keyboard handler scrolls it to keep the cursor in view).
pub const SCROLLER_ID: &str = "client-scroller";

fn window_height() -> f64 {
    web_sys::window().and_then(|w| w.inner_height().ok()).and_then(|h| h.as_f64()).unwrap_or(900.0)
}

/// The client list sidebar.
#[component]
pub fn ClientList() -> impl IntoView {
    let console = expect_context::<Console>();
    let scroll_top = RwSignal::new(0.0_f64);
    // The viewport can never be taller than the window; using the window height renders a few spare rows.
    let viewport = RwSignal::new(window_height());
    let resize = window_event_listener(leptos::ev::resize, move |_| viewport.set(window_height()));
    on_cleanup(move || resize.remove());

    let filtered = console.filtered;
    let rows = console.rows;
    let shown = Memo::new(move |_| filtered.with(Vec::len));
    let visible = Memo::new(move |_| {
        let range = visible_range(scroll_top.get(), viewport.get(), ROW_HEIGHT, shown.get(), OVERSCAN);
        filtered.with(|f| rows.with(|r| range.map(|pos| (pos, r[f[pos]].clone())).collect::<Vec<_>>()))
    });
    let scroller = NodeRef::<leptos::html::Div>::new();

    let on_search = move |ev: leptos::ev::Event| {
        console.query.set(event_target_value(&ev));
        if let Some(el) = scroller.get_untracked() {
            el.set_scroll_top(0);
        }
        scroll_top.set(0.0);
    };
    let on_filter = move |ev: leptos::ev::Event| {
        console.filter.set(StatusFilter::from_value(&event_target_value(&ev)));
        console.reload();
    };

    let all_selected = move || {
        let n = shown.get();
        n > 0 && console.selected.with(|s| filtered.with(|f| rows.with(|r| f.iter().all(|&i| s.contains(&r[i].id)))))
    };
    let on_select_all = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        let ids: Vec<_> = filtered.with_untracked(|f| rows.with_untracked(|r| f.iter().map(|&i| r[i].id).collect()));
        console.selected.update(|s| {
            for id in ids {
                if on {
                    s.insert(id);
                } else {
                    s.remove(&id);
                }
            }
        });
    };
    let selected_count = move || console.selected.with(|s| s.len());

    let status = move || match console.load.get() {
        LoadState::Loading { loaded, total } => {
            let pct = if total > 0 { (loaded * 100 / total.max(1)).min(100) } else { 0 };
            let text = if total > 0 {
                format!("Loading companies… {loaded} of {total}")
            } else {
                "Loading companies…".to_string()
            };
            view! {
                <div class="list-progress" id="list-progress" role="status">
                    <div class="list-progress-text">{text}</div>
                    <div class="bar"><div class="bar-fill" style=format!("width:{pct}%")></div></div>
                </div>
            }
            .into_any()
        }
        LoadState::Failed(e) => view! {
            <div class="list-error">
                <ErrorView error=e compact=true />
                <button class="btn btn-small" on:click=move |_| console.reload()>"Retry"</button>
            </div>
        }
        .into_any(),
        LoadState::Done => {
            if rows.with(Vec::is_empty) {
                view! { <div class="list-empty">"ConnectWise returned no companies for this filter."</div> }.into_any()
            } else if shown.get() == 0 {
                view! { <div class="list-empty">"No client matches the search."</div> }.into_any()
            } else {
                ().into_any()
            }
        }
    };

    view! {
        <aside id="client-list" aria-label="Clients">
            <div class="list-head">
                <label class="sr-only" for="search-in">"Search clients by name, identifier or city"</label>
                <input
                    id="search-in"
                    type="search"
                    placeholder="Search name, ID or city   /"
                    autocomplete="off"
                    prop:value=move || console.query.get()
                    on:input=on_search
                />
                <div class="list-tools">
                    <label for="filter-status">"Status"</label>
                    <select id="filter-status" on:change=on_filter prop:value=move || console.filter.get().value()>
                        <option value="all">"All"</option>
                        <option value="active">"Active"</option>
                    </select>
                    <span id="client-count" aria-live="polite">
                        {move || format!("{} of {}", shown.get(), rows.with(Vec::len))}
                    </span>
                </div>
            </div>
            {status}
            <div
                id=SCROLLER_ID
                class="list-scroller"
                role="listbox"
                aria-label="Client list"
                node_ref=scroller
                on:scroll=move |_| {
                    if let Some(el) = scroller.get_untracked() {
                        scroll_top.set(f64::from(el.scroll_top()));
                    }
                }
            >
                <div class="list-spacer" style=move || format!("height:{}px", shown.get() as f64 * ROW_HEIGHT)>
                    <For each=move || visible.get() key=|(pos, row)| (*pos, row.id, row.name.clone(), row.status.clone(), row.location.clone()) let:item>
                        <ClientRowView row=item.1 position=item.0 />
                    </For>
                </div>
            </div>
            <div class="bulk-bar">
                <label class="select-all">
                    <input id="select-all" type="checkbox" prop:checked=all_selected on:change=on_select_all />
                    "Select all"
                </label>
                <span id="selected-count">{move || format!("{} selected", selected_count())}</span>
                <button
                    id="bulk-open"
                    class="btn btn-primary btn-small"
                    disabled=move || selected_count() == 0
                    on:click=move |_| console.tab.set(Tab::Bulk)
                >
                    "Bulk Ops →"
                </button>
            </div>
        </aside>
    }
}
