//! The modals of the detail panel. Each is opened by setting [`crate::state::Modal`], edits a copy of the
//! record it was opened with, sends one request (plus the primary plan when needed) and reports
//! ConnectWise's answer back; closing resets it.

pub mod add_contact;
pub mod edit_company;
pub mod edit_contact;

use leptos::prelude::*;

/// A labelled text input bound to `value`.
pub fn text_field(id: &'static str, label: &'static str, value: RwSignal<String>, kind: &'static str) -> impl IntoView {
    view! {
        <div class="form-field">
            <label for=id>{label}</label>
            <input
                id=id
                type=kind
                autocomplete="off"
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </div>
    }
}

/// A labelled checkbox bound to `value`.
pub fn check_field(id: &'static str, label: &'static str, value: RwSignal<bool>) -> impl IntoView {
    view! {
        <div class="form-check">
            <input id=id type="checkbox" prop:checked=move || value.get() on:change=move |ev| value.set(event_target_checked(&ev)) />
            <label for=id>{label}</label>
        </div>
    }
}

/// A dialog's Cancel and submit buttons; the submit button is disabled and shows `busy` while the write is
/// in flight.
pub fn form_actions(
    ids: (&'static str, &'static str),
    labels: (&'static str, &'static str),
    close: Callback<()>,
    pending: Signal<bool>,
) -> impl IntoView {
    let (cancel_id, submit_id) = ids;
    let (idle, busy) = labels;
    view! {
        <div class="modal-actions">
            <button id=cancel_id type="button" class="btn" on:click=move |_| close.run(())>"Cancel"</button>
            <button id=submit_id type="submit" class="btn btn-primary" disabled=move || pending.get()>
                {move || if pending.get() { busy } else { idle }}
            </button>
        </div>
    }
}

/// The edited value of an optional text field: unchanged when left empty and it was empty before.
pub fn edited(before: &Option<String>, typed: &str) -> Option<String> {
    let typed = typed.trim();
    if typed.is_empty() && before.as_deref().is_none_or(|b| b.trim().is_empty()) {
        before.clone()
    } else {
        Some(typed.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_stays_absent_and_text_is_trimmed() {
        assert_eq!(edited(&None, "  "), None);
        assert_eq!(edited(&Some(String::new()), ""), Some(String::new()));
        assert_eq!(edited(&Some("555".into()), ""), Some(String::new()));
        assert_eq!(edited(&None, " 555 "), Some("555".into()));
    }
}
