//! [`ModalFrame`]: the overlay every modal uses — labelled dialog, focus trapped inside, Esc closes.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

const FOCUSABLE: &str =
    "input:not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), [href]";

fn focusables(root: &web_sys::Element) -> Vec<web_sys::HtmlElement> {
    let mut out = Vec::new();
    if let Ok(list) = root.query_selector_all(FOCUSABLE) {
        for i in 0..list.length() {
            if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()) {
                out.push(el);
            }
        }
    }
    out
}

/// A modal dialog. Opening it focuses its first field; Tab and Shift+Tab cycle inside it; Esc or a click
/// on the backdrop closes it.
#[component]
pub fn ModalFrame(
    /// The dialog's element id (`modal-edit-company`, …).
    id: &'static str,
    /// The heading, also the dialog's accessible name.
    #[prop(into)]
    title: String,
    /// Called to close (Esc, backdrop, Cancel).
    on_close: Callback<()>,
    /// The form.
    children: Children,
) -> impl IntoView {
    let root = NodeRef::<leptos::html::Div>::new();
    let title_id = format!("{id}-title");
    let heading_id = title_id.clone();
    Effect::new(move |_| {
        if let Some(el) = root.get() {
            let el: web_sys::Element = el.into();
            request_animation_frame(move || {
                if let Some(first) = focusables(&el).into_iter().next() {
                    let _ = first.focus();
                }
            });
        }
    });
    let on_keydown = move |ev: web_sys::KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            ev.stop_propagation();
            on_close.run(());
        }
        "Tab" => {
            let Some(el) = root.get_untracked() else {
                return;
            };
            let el: web_sys::Element = el.into();
            let items = focusables(&el);
            let (Some(first), Some(last)) = (items.first(), items.last()) else {
                return;
            };
            let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
            let is =
                |e: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| a == e.unchecked_ref::<web_sys::Element>());
            let inside = active.as_ref().is_some_and(|a| el.contains(Some(a)));
            if ev.shift_key() && (is(first) || !inside) {
                ev.prevent_default();
                let _ = last.focus();
            } else if !ev.shift_key() && (is(last) || !inside) {
                ev.prevent_default();
                let _ = first.focus();
            }
        }
        _ => {}
    };
    view! {
        <div class="modal-backdrop" on:click=move |_| on_close.run(())>
            <div
                id=id
                class="modal"
                role="dialog"
                aria-modal="true"
                aria-labelledby=title_id.clone()
                node_ref=root
                on:click=|ev| ev.stop_propagation()
                on:keydown=on_keydown
            >
                <h2 id=heading_id class="modal-title">{title}</h2>
                {children()}
            </div>
        </div>
    }
}
