//! `#modal-edit-company`: name, phone, status (from `/company/companies/statuses`) and website, sent as
//! one JSON Patch with only the changed fields.

use super::{edited, form_actions, text_field};
use crate::api::companies;
use crate::components::error_view::ErrorView;
use crate::components::modal_frame::ModalFrame;
use crate::error::AppError;
use crate::state::{Console, Modal};
use cw_shared::model::{Company, Lookup, Reference};
use cw_shared::patch::{PatchOp, diff};
use leptos::prelude::*;

/// The fields the modal edits, as CW paths.
pub const FIELDS: [&str; 4] = ["name", "phoneNumber", "status", "website"];

/// The patch for the form's values: one `replace` per changed field.
pub fn company_patch(before: &Company, name: &str, phone: &str, status_id: Option<i32>, website: &str) -> Vec<PatchOp> {
    let mut after = before.clone();
    after.name = name.trim().to_string();
    after.phone_number = edited(&before.phone_number, phone);
    after.website = edited(&before.website, website);
    if let Some(id) = status_id {
        after.status = Some(Reference::by_id(id));
    }
    diff(before, &after, &FIELDS)
}

/// The Edit Company modal.
#[component]
pub fn EditCompanyModal(
    /// The company as last read from CW.
    company: Company,
    /// Receives CW's updated company.
    on_saved: Callback<Company>,
) -> impl IntoView {
    let console = expect_context::<Console>();
    let name = RwSignal::new(company.name.clone());
    let phone = RwSignal::new(company.phone_number.clone().unwrap_or_default());
    let website = RwSignal::new(company.website.clone().unwrap_or_default());
    let status = RwSignal::new(company.status.as_ref().and_then(|s| s.id).map(|id| id.to_string()).unwrap_or_default());
    let error = RwSignal::new(None::<AppError>);
    let statuses = LocalResource::new(move || {
        let cw = console.cw();
        async move { companies::statuses(&cw).await }
    });
    let close = Callback::new(move |()| console.modal.set(Modal::Closed));

    let before = StoredValue::new(company.clone());
    let save = Action::new_local(move |_: &()| {
        let before = before.get_value();
        let ops = company_patch(
            &before,
            &name.get_untracked(),
            &phone.get_untracked(),
            status.get_untracked().parse().ok(),
            &website.get_untracked(),
        );
        let cw = console.cw();
        async move {
            if ops.is_empty() {
                console.toasts.push(crate::state::toasts::ToastKind::Info, "Nothing changed");
                console.modal.set(Modal::Closed);
                return;
            }
            match companies::patch(&cw, before.id, &ops).await {
                Ok(updated) => {
                    console.toasts.ok(format!("Saved {}", updated.name));
                    on_saved.run(updated);
                    console.modal.set(Modal::Closed);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let pending = save.pending();
    let current_status = company.status.clone();

    let status_options = move || {
        let current = current_status.clone();
        match statuses.get() {
            Some(Ok(list)) => list
                .into_iter()
                .map(|s| {
                    let id = s.id().to_string();
                    view! { <option value=id.clone() selected=status.get_untracked() == id>{s.label().to_string()}</option> }
                })
                .collect_view()
                .into_any(),
            _ => current
                .map(|s| {
                    let id = s.id.map(|i| i.to_string()).unwrap_or_default();
                    view! { <option value=id selected=true>{s.label()}</option> }
                })
                .into_iter()
                .collect_view()
                .into_any(),
        }
    };

    view! {
        <ModalFrame id="modal-edit-company" title=format!("Edit {}", company.name) on_close=close>
            <form on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch_local(());
            }>
                {text_field("ec-name", "Company name", name, "text")}
                {text_field("ec-phone", "Phone", phone, "tel")}
                <div class="form-field">
                    <label for="ec-status">"Status"</label>
                    <select id="ec-status" on:change=move |ev| status.set(event_target_value(&ev)) prop:value=move || status.get()>
                        {status_options}
                    </select>
                    {move || matches!(statuses.get(), Some(Err(_))).then(|| view! {
                        <div class="field-note">"Could not load the status list from ConnectWise; the current status is kept."</div>
                    })}
                </div>
                {text_field("ec-website", "Website", website, "text")}
                {move || error.get().map(|e| view! { <ErrorView error=e compact=true /> })}
                {form_actions(("ec-cancel", "ec-save"), ("Save", "Saving…"), close, pending.into())}
            </form>
        </ModalFrame>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn company() -> Company {
        serde_json::from_str(
            r#"{"id":5,"identifier":"ACME","name":"Acme","status":{"id":1,"name":"Active"},"phoneNumber":"555-0100"}"#,
        )
        .unwrap()
    }

    #[test]
    fn only_changed_fields_are_patched() {
        let c = company();
        assert!(company_patch(&c, "Acme", "555-0100", Some(1), "").is_empty());
        let ops = company_patch(&c, "Acme Ltd", "555-0100", Some(2), "acme.example");
        assert_eq!(
            serde_json::to_string(&ops).unwrap(),
            r#"[{"op":"replace","path":"name","value":"Acme Ltd"},{"op":"replace","path":"status","value":{"id":2}},{"op":"replace","path":"website","value":"acme.example"}]"#
        );
    }
}
