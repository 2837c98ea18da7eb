//! Contact type associations: how an existing contact's types change. `types` on a contact is POST-only
//! (`typeIds`), so CW adds a type with `POST /company/contactTypeAssociations` and removes it by deleting the
//! association.

use serde::{Deserialize, Serialize};

use super::{ContactReference, Extra, Info, Reference};

/// `ContactTypeAssociation`: one type of one contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactTypeAssociation {
    /// The association id (what a DELETE names).
    pub id: i32,
    /// The contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactReference>,
    /// The contact type (`{id, name}`).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Reference>,
    /// CW's `_info`.
    #[serde(rename = "_info", default, skip_serializing_if = "Option::is_none")]
    pub info: Option<Info>,
    /// Anything else CW sends.
    #[serde(flatten)]
    pub extra: Extra,
}
