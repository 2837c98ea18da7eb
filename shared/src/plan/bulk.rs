//! Bulk contact updates: which contacts, which field, which value, and the one ConnectWise call that
//! writes it. CW has no bulk endpoint, so a bulk job ([`super::bulk_job`]) makes one call per contact.
//!
//! The five fields, as real CW takes them (the product spec's names differ):
//!
//! | [`BulkField`] | Write | Value |
//! |---|---|---|
//! | `InactiveFlag` | `PATCH /company/contacts/{id}` `replace inactiveFlag` | JSON `true` / `false` |
//! | `DisablePortalLoginFlag` | `PATCH` `replace disablePortalLoginFlag` | JSON `true` / `false` |
//! | `RelationshipName` | `PATCH` `replace relationship` ← `{"id": …}` | a relationship from `/company/contacts/relationships` |
//! | `Department` | `PATCH` `replace department` ← `{"id": …}` (a reference, not a string) | a department from `/company/contacts/departments` |
//! | `TypeName` | `POST /company/contactTypeAssociations` `{contact, type}`; undone by `DELETE …/{id}` | a type from `/company/contacts/types` |
//!
//! Contact `types` cannot be PATCHed (CW: "… can only be used when creating"), so the type field *adds* the
//! chosen type to each contact through CW's contact type associations and leaves its other types alone.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

use crate::api::{self, ApiError};
use crate::http::{Request, Response};
use crate::ids::ContactId;
use crate::model::{Contact, ContactTypeAssociation, Lookup, Reference};
use crate::patch::Patch;

/// Which contacts of the selected companies a bulk update targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BulkFilter {
    /// Every contact.
    All,
    /// Only each company's primary contact (`defaultFlag = true`).
    Primary,
    /// Only active contacts (`inactiveFlag = false`).
    Active,
}

impl BulkFilter {
    /// Every filter, in the order the UI offers them.
    pub const ALL: [BulkFilter; 3] = [BulkFilter::All, BulkFilter::Primary, BulkFilter::Active];

    /// True when `contact` is targeted.
    pub fn matches(self, contact: &Contact) -> bool {
        match self {
            BulkFilter::All => true,
            BulkFilter::Primary => contact.default_flag,
            BulkFilter::Active => !contact.inactive_flag,
        }
    }

    /// The UI label.
    pub fn label(self) -> &'static str {
        match self {
            BulkFilter::All => "All contacts",
            BulkFilter::Primary => "Primary contacts only",
            BulkFilter::Active => "Active contacts only",
        }
    }
}

/// The contact field a bulk update sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BulkField {
    /// `inactiveFlag`: deactivate (`true`) or reactivate (`false`).
    InactiveFlag,
    /// A contact type, added through CW's contact type associations.
    TypeName,
    /// `relationship`, a reference.
    RelationshipName,
    /// `department`, a reference.
    Department,
    /// `disablePortalLoginFlag`: portal access off (`true`) or on (`false`).
    DisablePortalLoginFlag,
}

/// Which CW lookup list a name field is chosen from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupList {
    /// `/company/contacts/types` (labelled by `description`).
    ContactTypes,
    /// `/company/contacts/relationships`.
    Relationships,
    /// `/company/contacts/departments`.
    Departments,
}

impl BulkField {
    /// Every field, in the order the UI offers them.
    pub const ALL: [BulkField; 5] = [
        BulkField::InactiveFlag,
        BulkField::TypeName,
        BulkField::RelationshipName,
        BulkField::Department,
        BulkField::DisablePortalLoginFlag,
    ];

    /// The UI label.
    pub fn label(self) -> &'static str {
        match self {
            BulkField::InactiveFlag => "Inactive",
            BulkField::TypeName => "Contact type",
            BulkField::RelationshipName => "Relationship",
            BulkField::Department => "Department",
            BulkField::DisablePortalLoginFlag => "Portal login disabled",
        }
    }

    /// The hint shown under the value input.
    pub fn hint(self) -> &'static str {
        match self {
            BulkField::InactiveFlag => "true to deactivate, false to reactivate",
            BulkField::DisablePortalLoginFlag => "true to block portal login, false to allow it",
            BulkField::RelationshipName => {
                "A relationship from ConnectWise's list (Company > Contacts > Relationships)"
            }
            BulkField::Department => "A contact department from ConnectWise's list",
            BulkField::TypeName => {
                "A contact type from ConnectWise's list. It is added to each contact (other types stay) through \
                 ConnectWise's contact type associations, because a PATCH cannot change types."
            }
        }
    }

    /// The CW field name (the patch path; `types` for the type field).
    pub fn path(self) -> &'static str {
        match self {
            BulkField::InactiveFlag => "inactiveFlag",
            BulkField::TypeName => "types",
            BulkField::RelationshipName => "relationship",
            BulkField::Department => "department",
            BulkField::DisablePortalLoginFlag => "disablePortalLoginFlag",
        }
    }

    /// The lookup list the value is chosen from (`None` for the two flags).
    pub fn lookup(self) -> Option<LookupList> {
        match self {
            BulkField::TypeName => Some(LookupList::ContactTypes),
            BulkField::RelationshipName => Some(LookupList::Relationships),
            BulkField::Department => Some(LookupList::Departments),
            BulkField::InactiveFlag | BulkField::DisablePortalLoginFlag => None,
        }
    }

    /// True for the two boolean flags.
    pub fn is_flag(self) -> bool {
        self.lookup().is_none()
    }
}

/// A contact's value of one bulk field: what the preview shows and what a read-back is compared with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum FieldValue {
    /// One of the two flags.
    Flag {
        /// The flag.
        value: bool,
    },
    /// Relationship or department (`None`: not set).
    Reference {
        /// The reference.
        value: Option<Reference>,
    },
    /// Whether the contact has one contact type.
    Type {
        /// The type.
        #[serde(rename = "type")]
        of: Reference,
        /// True when the contact has it.
        has: bool,
        /// The association that gives it, once known (what an undo deletes).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        association: Option<i32>,
    },
}

impl FieldValue {
    /// True when both say the same (references by id, else by name ignoring case; associations ignored).
    pub fn same(&self, other: &FieldValue) -> bool {
        match (self, other) {
            (FieldValue::Flag { value: a }, FieldValue::Flag { value: b }) => a == b,
            (FieldValue::Reference { value: a }, FieldValue::Reference { value: b }) => match (a, b) {
                (None, None) => true,
                (Some(a), Some(b)) => a.same_as(b),
                _ => false,
            },
            (FieldValue::Type { of: a, has: x, .. }, FieldValue::Type { of: b, has: y, .. }) => a.same_as(b) && x == y,
            _ => false,
        }
    }

    /// What a person reads: `true`, `Owner`, `(none)`, `has Approver`.
    pub fn text(&self) -> String {
        match self {
            FieldValue::Flag { value } => value.to_string(),
            FieldValue::Reference { value: Some(r) } => r.label(),
            FieldValue::Reference { value: None } => "(none)".to_string(),
            FieldValue::Type { of, has: true, .. } => format!("has {}", of.label()),
            FieldValue::Type { of, has: false, .. } => format!("no {}", of.label()),
        }
    }

    /// The contact's current value of `field` (for the type field: whether it has type `of`).
    pub fn of_contact(field: BulkField, contact: &Contact, of: Option<&Reference>) -> FieldValue {
        match field {
            BulkField::InactiveFlag => FieldValue::Flag { value: contact.inactive_flag },
            BulkField::DisablePortalLoginFlag => FieldValue::Flag { value: contact.disable_portal_login_flag },
            BulkField::RelationshipName => FieldValue::Reference { value: contact.relationship.clone() },
            BulkField::Department => FieldValue::Reference { value: contact.department.clone() },
            BulkField::TypeName => {
                let of = of.cloned().unwrap_or_default();
                let has = contact.types.iter().any(|t| t.same_as(&of));
                FieldValue::Type { of, has, association: None }
            }
        }
    }

    /// The one call that gives `contact` this value; `None` when it cannot be written (removing a type
    /// whose association is unknown).
    pub fn write(&self, field: BulkField, contact: ContactId) -> Option<Request> {
        let patch = |p: Patch| Some(api::patch_contact(contact, &p.into_ops()).into_request());
        match self {
            FieldValue::Flag { value } => patch(Patch::new().replace(field.path(), Value::Bool(*value))),
            FieldValue::Reference { value: Some(r) } => patch(Patch::new().replace_ref(field.path(), r.for_write())),
            FieldValue::Reference { value: None } => patch(Patch::new().remove(field.path())),
            FieldValue::Type { of, has: true, .. } => Some(api::add_contact_type(contact, of.id?).into_request()),
            FieldValue::Type { has: false, association, .. } => {
                Some(api::delete_contact_type_association((*association)?).into_request())
            }
        }
    }

    /// The association id a successful write answered with (adding a type), if any.
    pub fn written(&self, response: &Response) -> FieldValue {
        match self {
            FieldValue::Type { of, has: true, .. } => {
                let association = api::parse_response::<ContactTypeAssociation>(response).ok().map(|a| a.id);
                FieldValue::Type { of: of.clone(), has: true, association }
            }
            other => other.clone(),
        }
    }
}

/// The read that tells a contact's current value of `field`: the contact itself, or for the type field its
/// type associations.
pub fn read_request(field: BulkField, contact: ContactId) -> Request {
    match field {
        BulkField::TypeName => api::contact_type_associations(contact).into_request(),
        _ => api::get_contact(contact).into_request(),
    }
}

/// The current value from the answer to [`read_request`]; `like` is the value the job expects (it names the
/// type).
pub fn read_value(field: BulkField, like: &FieldValue, response: &Response) -> Result<FieldValue, ApiError> {
    match (field, like) {
        (BulkField::TypeName, FieldValue::Type { of, .. }) => {
            let list: Vec<ContactTypeAssociation> = api::parse_response(response)?;
            let found = list.iter().find(|a| a.kind.as_ref().is_some_and(|t| t.same_as(of)));
            Ok(FieldValue::Type { of: of.clone(), has: found.is_some(), association: found.map(|a| a.id) })
        }
        _ => {
            let contact: Contact = api::parse_response(response)?;
            Ok(FieldValue::of_contact(field, &contact, None))
        }
    }
}

/// Why a bulk update cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BulkError {
    /// A flag value other than `true` / `false`.
    NotABool(String),
    /// No value given.
    Empty(BulkField),
    /// The name is not in CW's lookup list.
    Unknown {
        /// The field.
        field: BulkField,
        /// The name given.
        value: String,
        /// The names that exist.
        choices: Vec<String>,
    },
    /// The lookup list could not be read, so the name cannot be checked.
    NoLookup(BulkField),
}

impl fmt::Display for BulkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BulkError::NotABool(v) => write!(f, "Enter true or false (not \"{v}\")."),
            BulkError::Empty(field) => write!(f, "Enter a value for {}.", field.label()),
            BulkError::Unknown { field, value, choices } => write!(
                f,
                "No {} named \"{value}\" in ConnectWise. Choose one of: {}.",
                field.label().to_lowercase(),
                choices.join(", ")
            ),
            BulkError::NoLookup(field) => write!(
                f,
                "ConnectWise's {} list could not be read, so the value cannot be checked. Reconnect and try again.",
                field.label().to_lowercase()
            ),
        }
    }
}

impl std::error::Error for BulkError {}

/// A validated field and target value; only [`BulkChange::flag`] and [`BulkChange::named`] make one, so the
/// value always fits the field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulkChange {
    field: BulkField,
    target: FieldValue,
}

impl BulkChange {
    /// One of the two flags from the raw input: exactly `true` or `false`, any case.
    pub fn flag(field: BulkField, raw: &str) -> Result<Self, BulkError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(BulkError::Empty(field));
        }
        let value = match raw.to_ascii_lowercase().as_str() {
            "true" => true,
            "false" => false,
            _ => return Err(BulkError::NotABool(raw.to_owned())),
        };
        Ok(Self { field, target: FieldValue::Flag { value } })
    }

    /// A relationship, department or contact type by name, resolved against CW's lookup list
    /// case-insensitively, so the write carries the id and a typo is caught before 500 calls fail.
    pub fn named<T: Lookup>(field: BulkField, raw: &str, lookups: &[T]) -> Result<Self, BulkError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(BulkError::Empty(field));
        }
        let Some(found) = crate::model::find_by_label(lookups, raw) else {
            return Err(BulkError::Unknown {
                field,
                value: raw.to_owned(),
                choices: lookups.iter().map(|l| l.label().to_owned()).collect(),
            });
        };
        let target = match field {
            BulkField::TypeName => FieldValue::Type { of: found.reference(), has: true, association: None },
            _ => FieldValue::Reference { value: Some(found.reference()) },
        };
        Ok(Self { field, target })
    }

    /// The field.
    pub fn field(&self) -> BulkField {
        self.field
    }

    /// The value every targeted contact ends with.
    pub fn target(&self) -> &FieldValue {
        &self.target
    }

    /// "Inactive → true", "Contact type → + Approver".
    pub fn describe(&self) -> String {
        let value = match &self.target {
            FieldValue::Type { of, .. } => format!("+ {}", of.label()),
            other => other.text(),
        };
        format!("{} → {value}", self.field.label())
    }

    /// `contact`'s value now.
    pub fn current(&self, contact: &Contact) -> FieldValue {
        let of = match &self.target {
            FieldValue::Type { of, .. } => Some(of),
            _ => None,
        };
        FieldValue::of_contact(self.field, contact, of)
    }

    /// True when `contact` already has the value.
    pub fn is_set_on(&self, contact: &Contact) -> bool {
        self.current(contact).same(&self.target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Method;
    use crate::model::{ContactRelationship, ContactType};
    use serde_json::json;

    fn contacts() -> Vec<Contact> {
        serde_json::from_value(json!([
            {"id":1,"firstName":"Pat","defaultFlag":true,"inactiveFlag":false,"relationship":{"id":3,"name":"Owner"},
             "types":[{"id":2,"name":"Approver"}]},
            {"id":2,"firstName":"Sam","defaultFlag":false,"inactiveFlag":true,"disablePortalLoginFlag":true},
            {"id":3,"firstName":"Lee","defaultFlag":false,"inactiveFlag":false,"department":{"id":4,"name":"IT"}}
        ]))
        .unwrap()
    }

    fn relationships() -> Vec<ContactRelationship> {
        serde_json::from_value(json!([{"id":3,"name":"Owner"},{"id":5,"name":"Decision Maker"}])).unwrap()
    }

    #[test]
    fn filters_pick_all_primary_or_active_contacts() {
        let c = contacts();
        let picked = |f: BulkFilter| c.iter().filter(|c| f.matches(c)).map(|c| c.id.0).collect::<Vec<_>>();
        assert_eq!(picked(BulkFilter::All), vec![1, 2, 3]);
        assert_eq!(picked(BulkFilter::Primary), vec![1]);
        assert_eq!(picked(BulkFilter::Active), vec![1, 3]);
    }

    #[test]
    fn flags_are_json_booleans_and_compare_by_value() {
        let change = BulkChange::flag(BulkField::InactiveFlag, " TRUE ").unwrap();
        let c = contacts();
        assert!(!change.is_set_on(&c[0]));
        assert!(change.is_set_on(&c[1]));
        let write = change.target().write(change.field(), c[0].id).unwrap();
        assert_eq!((write.method, write.path.as_str()), (Method::Patch, "/company/contacts/1"));
        assert_eq!(write.body.as_deref(), Some(r#"[{"op":"replace","path":"inactiveFlag","value":true}]"#));
        assert_eq!(change.describe(), "Inactive → true");
        assert_eq!(BulkChange::flag(BulkField::InactiveFlag, "yes"), Err(BulkError::NotABool("yes".into())));
        assert_eq!(BulkChange::flag(BulkField::InactiveFlag, "1"), Err(BulkError::NotABool("1".into())));
        assert_eq!(BulkChange::flag(BulkField::InactiveFlag, " "), Err(BulkError::Empty(BulkField::InactiveFlag)));
    }

    #[test]
    fn references_are_resolved_against_the_lookup_and_written_by_id() {
        let change = BulkChange::named(BulkField::RelationshipName, "decision maker", &relationships()).unwrap();
        let c = contacts();
        assert_eq!(change.current(&c[0]).text(), "Owner");
        assert_eq!(change.current(&c[1]).text(), "(none)");
        let write = change.target().write(change.field(), c[0].id).unwrap();
        assert_eq!(write.body.as_deref(), Some(r#"[{"op":"replace","path":"relationship","value":{"id":5}}]"#));
        assert!(BulkChange::named(BulkField::RelationshipName, "OWNER", &relationships()).unwrap().is_set_on(&c[0]));
        let err = BulkChange::named(BulkField::RelationshipName, "Ownr", &relationships()).unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"No relationship named "Ownr" in ConnectWise. Choose one of: Owner, Decision Maker."#
        );
        // Writing "not set" back (an undo) removes the field.
        let none = FieldValue::Reference { value: None };
        let write = none.write(BulkField::Department, ContactId(3)).unwrap();
        assert_eq!(write.body.as_deref(), Some(r#"[{"op":"remove","path":"department"}]"#));
    }

    #[test]
    fn contact_types_are_added_and_removed_through_type_associations() {
        let types: Vec<ContactType> =
            serde_json::from_value(json!([{"id":2,"description":"Approver"},{"id":7,"description":"End User"}]))
                .unwrap();
        let change = BulkChange::named(BulkField::TypeName, "end user", &types).unwrap();
        let c = contacts();
        assert!(!change.is_set_on(&c[0]));
        assert!(BulkChange::named(BulkField::TypeName, "Approver", &types).unwrap().is_set_on(&c[0]));
        assert_eq!(change.describe(), "Contact type → + End User");
        let add = change.target().write(BulkField::TypeName, ContactId(1)).unwrap();
        assert_eq!((add.method, add.path.as_str()), (Method::Post, "/company/contactTypeAssociations"));
        let body: Value = serde_json::from_str(add.body.as_deref().unwrap()).unwrap();
        assert_eq!(body["contact"]["id"], 1);
        assert_eq!(body["type"]["id"], 7);

        // The answer names the association; removing the type deletes exactly that one.
        let answer = Response {
            status: 201,
            headers: vec![],
            body: json!({"id": 44, "contact": {"id": 1}, "type": {"id": 7, "name": "End User"}}).to_string(),
        };
        let written = change.target().written(&answer);
        assert!(matches!(written, FieldValue::Type { association: Some(44), has: true, .. }));
        let FieldValue::Type { of, .. } = &written else { unreachable!() };
        let remove = FieldValue::Type { of: of.clone(), has: false, association: Some(44) };
        let delete = remove.write(BulkField::TypeName, ContactId(1)).unwrap();
        assert_eq!((delete.method, delete.path.as_str()), (Method::Delete, "/company/contactTypeAssociations/44"));
        let unknown = FieldValue::Type { of: of.clone(), has: false, association: None };
        assert!(unknown.write(BulkField::TypeName, ContactId(1)).is_none(), "never a blind delete");

        // The read-back lists the contact's associations.
        let read = read_request(BulkField::TypeName, ContactId(1));
        assert_eq!(read.path, "/company/contactTypeAssociations");
        assert!(read.query.contains("contact%2Fid%3D1") || read.query.contains("contact/id=1"), "{}", read.query);
        let listed = Response {
            status: 200,
            headers: vec![],
            body: json!([{"id": 44, "contact": {"id": 1}, "type": {"id": 7, "name": "End User"}}]).to_string(),
        };
        let now = read_value(BulkField::TypeName, change.target(), &listed).unwrap();
        assert!(now.same(change.target()));
        assert!(matches!(now, FieldValue::Type { association: Some(44), .. }));
    }

    #[test]
    fn a_read_back_of_a_contact_gives_its_current_value() {
        let response =
            Response { status: 200, headers: vec![], body: json!({"id": 1, "inactiveFlag": true}).to_string() };
        let like = FieldValue::Flag { value: true };
        assert_eq!(read_value(BulkField::InactiveFlag, &like, &response).unwrap(), like);
        let gone = Response {
            status: 404,
            headers: vec![],
            body: json!({"code": "NotFound", "message": "Contact 1 not found"}).to_string(),
        };
        assert_eq!(read_value(BulkField::InactiveFlag, &like, &gone).unwrap_err().status(), Some(404));
    }
}
