//! `/company/contacts`: a company's contacts, edits and new contacts.

use super::Cw;
use super::paging::fetch_all_small;
use crate::error::AppError;
use cw_shared::api;
use cw_shared::ids::{CompanyId, ContactId};
use cw_shared::model::{Contact, NewContact};
use cw_shared::patch::PatchOp;

/// `GET /company/contacts?conditions=company/id={id}` — every page.
pub async fn for_company(cw: &Cw, company: CompanyId) -> Result<Vec<Contact>, AppError> {
    fetch_all_small(cw, |page| api::list_company_contacts(company, page), "the contacts").await
}

/// `PATCH /company/contacts/{id}`; CW answers with the whole updated contact.
pub async fn patch(cw: &Cw, id: ContactId, ops: &[PatchOp]) -> Result<Contact, AppError> {
    cw.call(api::patch_contact(id, ops), "the updated contact").await
}

/// `POST /company/contacts`; CW answers 201 with the created contact.
pub async fn create(cw: &Cw, contact: &NewContact) -> Result<Contact, AppError> {
    cw.call(api::post_contact(contact), "the new contact").await
}
