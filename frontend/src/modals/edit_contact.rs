//! `#modal-edit-contact`: first name, last name, title and the inactive flag, as one JSON Patch with
//! only the changed fields.

use super::{check_field, edited, form_actions, text_field};
use crate::api::contacts;
use crate::components::error_view::ErrorView;
use crate::components::modal_frame::ModalFrame;
use crate::error::AppError;
use crate::state::{Console, Modal};
use cw_shared::model::Contact;
use cw_shared::patch::{PatchOp, diff};
use leptos::prelude::*;

/// The fields the modal edits, as CW paths.
pub const FIELDS: [&str; 4] = ["firstName", "lastName", "title", "inactiveFlag"];

/// The patch for the form's values.
pub fn contact_patch(before: &Contact, first: &str, last: &str, title: &str, inactive: bool) -> Vec<PatchOp> {
    let mut after = before.clone();
    after.first_name = edited(&before.first_name, first);
    after.last_name = edited(&before.last_name, last);
    after.title = edited(&before.title, title);
    after.inactive_flag = inactive;
    diff(before, &after, &FIELDS)
}

/// The Edit Contact modal.
#[component]
pub fn EditContactModal(
    /// The contact as last read from CW.
    contact: Contact,
    /// Receives CW's updated contact.
    on_saved: Callback<Contact>,
) -> impl IntoView {
    let console = expect_context::<Console>();
    let first = RwSignal::new(contact.first_name.clone().unwrap_or_default());
    let last = RwSignal::new(contact.last_name.clone().unwrap_or_default());
    let title = RwSignal::new(contact.title.clone().unwrap_or_default());
    let inactive = RwSignal::new(contact.inactive_flag);
    let error = RwSignal::new(None::<AppError>);
    let close = Callback::new(move |()| console.modal.set(Modal::Closed));
    let before = StoredValue::new(contact.clone());
    let save = Action::new_local(move |_: &()| {
        let before = before.get_value();
        let ops = contact_patch(
            &before,
            &first.get_untracked(),
            &last.get_untracked(),
            &title.get_untracked(),
            inactive.get_untracked(),
        );
        let cw = console.cw();
        async move {
            if ops.is_empty() {
                console.toasts.push(crate::state::toasts::ToastKind::Info, "Nothing changed");
                console.modal.set(Modal::Closed);
                return;
            }
            match contacts::patch(&cw, before.id, &ops).await {
                Ok(updated) => {
                    console.toasts.ok(format!("Saved {}", updated.full_name()));
                    on_saved.run(updated);
                    console.modal.set(Modal::Closed);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let pending = save.pending();
    view! {
        <ModalFrame id="modal-edit-contact" title=format!("Edit {}", contact.full_name()) on_close=close>
            <form on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch_local(());
            }>
                <div class="form-row">
                    {text_field("ect-first", "First name", first, "text")}
                    {text_field("ect-last", "Last name", last, "text")}
                </div>
                {text_field("ect-title", "Title", title, "text")}
                {check_field("ect-inactive", "Inactive", inactive)}
                {move || error.get().map(|e| view! { <ErrorView error=e compact=true /> })}
                {form_actions(("ect-cancel", "ect-save"), ("Save", "Saving…"), close, pending.into())}
            </form>
        </ModalFrame>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changed_fields_are_patched() {
        let c: Contact = serde_json::from_str(r#"{"id":9,"firstName":"Ann","lastName":"Lee","title":"CEO"}"#).unwrap();
        assert!(contact_patch(&c, "Ann", "Lee", "CEO", false).is_empty());
        assert_eq!(
            serde_json::to_string(&contact_patch(&c, "Ann", "Lee-Smith", "CEO", true)).unwrap(),
            r#"[{"op":"replace","path":"lastName","value":"Lee-Smith"},{"op":"replace","path":"inactiveFlag","value":true}]"#
        );
    }
}
