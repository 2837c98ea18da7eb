//! `#modal-add-contact`: POSTs a real CW contact (email as an Email communication item). When it is
//! made primary, the old primaries are cleared afterwards (CW does not do it), and the contacts are read
//! back either way.

use super::{check_field, form_actions, text_field};
use crate::api::contacts;
use crate::components::error_view::ErrorView;
use crate::components::modal_frame::ModalFrame;
use crate::error::AppError;
use crate::pages::detail::run_primary_plan;
use crate::state::{Console, Modal};
use cw_shared::ids::{CompanyId, ContactId};
use cw_shared::model::{CommunicationItem, CompanyReference, Contact, NewContact};
use cw_shared::plan::{PrimaryState, check_primaries, plan_set_primary};
use leptos::prelude::*;

/// The POST body for the form's values.
pub fn new_contact(company: CompanyId, first: &str, last: &str, title: &str, email: &str, primary: bool) -> NewContact {
    let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    NewContact {
        first_name: first.trim().to_string(),
        last_name: opt(last),
        company: Some(CompanyReference::by_id(company)),
        title: opt(title),
        default_flag: primary,
        communication_items: opt(email).map(CommunicationItem::email).into_iter().collect(),
        ..NewContact::default()
    }
}

/// The Add Contact modal.
#[component]
pub fn AddContactModal(
    /// The company the contact joins.
    company: CompanyId,
    /// Receives the contacts read back from CW.
    on_contacts: Callback<Vec<Contact>>,
    /// Receives the contact that should be the only primary (for the repair offer).
    on_intended: Callback<Option<ContactId>>,
) -> impl IntoView {
    let console = expect_context::<Console>();
    let first = RwSignal::new(String::new());
    let last = RwSignal::new(String::new());
    let title = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let primary_flag = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let close = Callback::new(move |()| console.modal.set(Modal::Closed));
    let save = Action::new_local(move |_: &()| {
        let body = new_contact(
            company,
            &first.get_untracked(),
            &last.get_untracked(),
            &title.get_untracked(),
            &email.get_untracked(),
            primary_flag.get_untracked(),
        );
        let make_primary = body.default_flag;
        let cw = console.cw();
        async move {
            let created = match contacts::create(&cw, &body).await {
                Ok(c) => c,
                Err(e) => {
                    error.set(Some(e));
                    return;
                }
            };
            console.modal.set(Modal::Closed);
            console.toasts.ok(format!("Added {}", created.full_name()));
            // CW does not clear the previous primary: read the contacts, clear every other primary, read back.
            let mut contacts = crate::api::contacts::for_company(&cw, company).await;
            if make_primary
                && let Ok(list) = &contacts
                && let Ok(plan) = plan_set_primary(list, created.id)
                && !plan.is_noop()
            {
                let outcome = run_primary_plan(&cw, company, &plan).await;
                if let Some((failure, _)) = &outcome.failure {
                    console.toasts.error(failure.state.clone());
                }
                contacts = outcome.read_back;
            }
            if let Ok(list) = contacts {
                if make_primary && check_primaries(&list) != PrimaryState::One(created.id) {
                    on_intended.run(Some(created.id));
                }
                on_contacts.run(list);
            }
        }
    });
    let pending = save.pending();
    view! {
        <ModalFrame id="modal-add-contact" title="Add Contact" on_close=close>
            <form on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch_local(());
            }>
                <div class="form-row">
                    {text_field("ac-first", "First name", first, "text")}
                    {text_field("ac-last", "Last name", last, "text")}
                </div>
                {text_field("ac-title", "Title", title, "text")}
                {text_field("ac-email", "Email", email, "email")}
                {check_field("ac-primary", "Primary contact", primary_flag)}
                {move || error.get().map(|e| view! { <ErrorView error=e compact=true /> })}
                {form_actions(("ac-cancel", "ac-save"), ("Add Contact", "Adding…"), close, pending.into())}
            </form>
        </ModalFrame>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_post_body_carries_email_as_a_communication_item() {
        let body = new_contact(CompanyId(7), " Ann ", "Lee", "", "ann@x.com", true);
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"firstName":"Ann","lastName":"Lee","company":{"id":7},"defaultFlag":true,"communicationItems":[{"type":{"name":"Email"},"value":"ann@x.com","defaultFlag":true,"communicationType":"Email"}]}"#
        );
        let plain = new_contact(CompanyId(7), "Bo", "", "", "", false);
        assert_eq!(serde_json::to_string(&plain).unwrap(), r#"{"firstName":"Bo","company":{"id":7}}"#);
    }
}
