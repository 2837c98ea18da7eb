//! Bulk contact updates. CW has no bulk endpoint: the console sends one `PATCH /company/contacts/{id}` per
//! targeted contact, and this module decides which contacts and which patch.
//!
//! The fields, as real CW has them (the product spec's names differ):
//!
//! | [`BulkField`] | Patch | Value |
//! |---|---|---|
//! | `InactiveFlag` | `inactiveFlag` | `true` / `false` |
//! | `DisablePortalLoginFlag` | `disablePortalLoginFlag` | `true` / `false` |
//! | `RelationshipName` | `relationship` ← `{"name": …}` (or `{"id": …}` when resolved against the lookup) | a relationship name |
//! | `Department` | `department` ← `{"name": …}` / `{"id": …}` (a reference in CW, not a string) | a department name |
//! | `TypeName` | **refused** | contact types are `types[]`, settable only on POST (`typeIds`); a PATCH or PUT carrying them fails with "… can only be used when creating". Changing them needs CW's contact type associations, which the console does not manage. |

use serde_json::Value;
use std::fmt;

use crate::ids::ContactId;
use crate::model::{Contact, Lookup, Reference};
use crate::patch::{Patch, PatchOp};

/// Which contacts of the selected companies a bulk update targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BulkField {
    /// `inactiveFlag`: deactivate (`true`) or reactivate (`false`).
    InactiveFlag,
    /// Contact type: offered because the spec lists it, refused with [`BulkError::NotPatchable`].
    TypeName,
    /// `relationship`, by name.
    RelationshipName,
    /// `department`, by name.
    Department,
    /// `disablePortalLoginFlag`: portal access off (`true`) or on (`false`).
    DisablePortalLoginFlag,
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
            BulkField::RelationshipName => "A relationship name from ConnectWise (Company > Contacts > Relationships)",
            BulkField::Department => "A contact department name from ConnectWise",
            BulkField::TypeName => NOT_PATCHABLE_TYPES,
        }
    }

    /// The patch path (CW's field name).
    pub fn path(self) -> &'static str {
        match self {
            BulkField::InactiveFlag => "inactiveFlag",
            BulkField::TypeName => "types",
            BulkField::RelationshipName => "relationship",
            BulkField::Department => "department",
            BulkField::DisablePortalLoginFlag => "disablePortalLoginFlag",
        }
    }

    /// Why the field cannot be bulk-updated, if it cannot.
    pub fn unsupported_reason(self) -> Option<&'static str> {
        (self == BulkField::TypeName).then_some(NOT_PATCHABLE_TYPES)
    }

    fn is_flag(self) -> bool {
        matches!(self, BulkField::InactiveFlag | BulkField::DisablePortalLoginFlag)
    }
}

const NOT_PATCHABLE_TYPES: &str = "ConnectWise sets contact types only when a contact is created (typeIds); a PATCH \
     cannot change them. Change types in ConnectWise through contact type associations.";

/// A parsed bulk value.
#[derive(Debug, Clone, PartialEq)]
pub enum BulkValue {
    /// For the two flags.
    Flag(bool),
    /// For relationship and department: written by id when resolved, else by name.
    Reference(Reference),
}

/// Why a bulk update cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BulkError {
    /// The field cannot be changed by PATCH.
    NotPatchable(BulkField),
    /// A flag value other than `true` / `false`.
    NotABool(String),
    /// No value given.
    Empty(BulkField),
    /// Longer than CW accepts.
    TooLong {
        /// The field.
        field: BulkField,
        /// CW's maximum.
        max: usize,
    },
    /// The name is not in the lookup list.
    Unknown {
        /// The field.
        field: BulkField,
        /// The name given.
        value: String,
        /// The names that exist.
        choices: Vec<String>,
    },
}

impl fmt::Display for BulkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BulkError::NotPatchable(_) => f.write_str(NOT_PATCHABLE_TYPES),
            BulkError::NotABool(v) => write!(f, "Enter true or false (not \"{v}\")."),
            BulkError::Empty(field) => write!(f, "Enter a value for {}.", field.label()),
            BulkError::TooLong { field, max } => write!(f, "{} is at most {max} characters.", field.label()),
            BulkError::Unknown { field, value, choices } => write!(
                f,
                "No {} named \"{value}\" in ConnectWise. Choose one of: {}.",
                field.label().to_lowercase(),
                choices.join(", ")
            ),
        }
    }
}

impl std::error::Error for BulkError {}

/// A validated field + value pair; only [`BulkChange::parse`] and [`BulkChange::parse_in`] make one, so the
/// value always fits the field.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkChange {
    field: BulkField,
    value: BulkValue,
}

impl BulkChange {
    /// Parses the raw input: flags take exactly `true` or `false` (any case); names must be non-empty and at
    /// most 50 characters, and are written by name (CW resolves them).
    pub fn parse(field: BulkField, raw: &str) -> Result<Self, BulkError> {
        if field.unsupported_reason().is_some() {
            return Err(BulkError::NotPatchable(field));
        }
        let raw = raw.trim();
        if field.is_flag() {
            let value = match raw.to_ascii_lowercase().as_str() {
                "true" => true,
                "false" => false,
                _ => return Err(BulkError::NotABool(raw.to_owned())),
            };
            return Ok(Self { field, value: BulkValue::Flag(value) });
        }
        if raw.is_empty() {
            return Err(BulkError::Empty(field));
        }
        if raw.chars().count() > 50 {
            return Err(BulkError::TooLong { field, max: 50 });
        }
        Ok(Self { field, value: BulkValue::Reference(Reference::by_name(raw)) })
    }

    /// Like [`BulkChange::parse`], and resolves a name against the lookup list (relationships or departments)
    /// case-insensitively, so the patch writes the id and a typo is caught before 500 calls fail.
    pub fn parse_in<T: Lookup>(field: BulkField, raw: &str, lookups: &[T]) -> Result<Self, BulkError> {
        let change = Self::parse(field, raw)?;
        if field.is_flag() {
            return Ok(change);
        }
        match crate::model::find_by_label(lookups, raw) {
            Some(found) => Ok(Self { field, value: BulkValue::Reference(found.reference()) }),
            None => Err(BulkError::Unknown {
                field,
                value: raw.trim().to_owned(),
                choices: lookups.iter().map(|l| l.label().to_owned()).collect(),
            }),
        }
    }

    /// The field.
    pub fn field(&self) -> BulkField {
        self.field
    }

    /// The value.
    pub fn value(&self) -> &BulkValue {
        &self.value
    }

    /// True when `contact` already has the value.
    pub fn is_set_on(&self, contact: &Contact) -> bool {
        match (&self.value, self.field) {
            (BulkValue::Flag(v), BulkField::InactiveFlag) => contact.inactive_flag == *v,
            (BulkValue::Flag(v), BulkField::DisablePortalLoginFlag) => contact.disable_portal_login_flag == *v,
            (BulkValue::Reference(r), BulkField::RelationshipName) => {
                contact.relationship.as_ref().is_some_and(|current| current.same_as(r))
            }
            (BulkValue::Reference(r), BulkField::Department) => {
                contact.department.as_ref().is_some_and(|current| current.same_as(r))
            }
            _ => false,
        }
    }

    /// The patch that sets the value: one `replace`.
    pub fn ops(&self) -> Vec<PatchOp> {
        let patch = match &self.value {
            BulkValue::Flag(v) => Patch::new().replace(self.field.path(), Value::Bool(*v)),
            BulkValue::Reference(r) => Patch::new().replace_ref(self.field.path(), r.clone()),
        };
        patch.into_ops()
    }
}

/// What a bulk update will do.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BulkPlan {
    /// One PATCH per contact, in input order.
    pub updates: Vec<(ContactId, Vec<PatchOp>)>,
    /// Targeted contacts that already have the value (no call is made).
    pub already_set: Vec<ContactId>,
}

impl BulkPlan {
    /// Contacts the filter targeted: updated plus skipped.
    pub fn targeted(&self) -> usize {
        self.updates.len() + self.already_set.len()
    }

    /// The calls to make, in order.
    pub fn calls(&self) -> Vec<crate::api::Call<Contact>> {
        self.updates.iter().map(|(id, ops)| crate::api::patch_contact(*id, ops)).collect()
    }
}

/// Plans a bulk update over the contacts of the selected companies: the filter picks the targets, contacts
/// already at the value are skipped, every other target gets one `replace`.
pub fn plan_bulk(contacts: &[Contact], filter: BulkFilter, change: &BulkChange) -> BulkPlan {
    let mut plan = BulkPlan::default();
    for contact in contacts.iter().filter(|c| filter.matches(c)) {
        if change.is_set_on(contact) {
            plan.already_set.push(contact.id);
        } else {
            plan.updates.push((contact.id, change.ops()));
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ContactRelationship;
    use crate::patch::to_json;
    use serde_json::json;

    fn contacts() -> Vec<Contact> {
        serde_json::from_value(json!([
            {"id":1,"firstName":"Pat","defaultFlag":true,"inactiveFlag":false,"relationship":{"id":3,"name":"Owner"}},
            {"id":2,"firstName":"Sam","defaultFlag":false,"inactiveFlag":true,"disablePortalLoginFlag":true},
            {"id":3,"firstName":"Lee","defaultFlag":false,"inactiveFlag":false,"department":{"id":4,"name":"IT"}},
            {"id":4,"firstName":"Kim","defaultFlag":true,"inactiveFlag":false}
        ]))
        .unwrap()
    }

    fn ids(plan: &BulkPlan) -> Vec<i32> {
        plan.updates.iter().map(|(id, _)| id.0).collect()
    }

    #[test]
    fn filters_pick_all_primary_or_active_contacts() {
        let change = BulkChange::parse(BulkField::DisablePortalLoginFlag, "true").unwrap();
        let all = plan_bulk(&contacts(), BulkFilter::All, &change);
        assert_eq!(ids(&all), vec![1, 3, 4]);
        assert_eq!(all.already_set, vec![ContactId(2)]);
        assert_eq!(all.targeted(), 4);
        assert_eq!(ids(&plan_bulk(&contacts(), BulkFilter::Primary, &change)), vec![1, 4]);
        assert_eq!(ids(&plan_bulk(&contacts(), BulkFilter::Active, &change)), vec![1, 3, 4]);
        assert_eq!(to_json(&all.updates[0].1), r#"[{"op":"replace","path":"disablePortalLoginFlag","value":true}]"#);
        assert_eq!(all.calls()[0].request.path, "/company/contacts/1");
    }

    #[test]
    fn contacts_already_at_the_value_are_skipped() {
        let change = BulkChange::parse(BulkField::InactiveFlag, "FALSE").unwrap();
        let plan = plan_bulk(&contacts(), BulkFilter::All, &change);
        assert_eq!(ids(&plan), vec![2]);
        assert_eq!(plan.already_set, vec![ContactId(1), ContactId(3), ContactId(4)]);
        assert_eq!(to_json(&plan.updates[0].1), r#"[{"op":"replace","path":"inactiveFlag","value":false}]"#);
    }

    #[test]
    fn references_are_written_by_name_and_compared_ignoring_case() {
        let change = BulkChange::parse(BulkField::RelationshipName, " owner ").unwrap();
        let plan = plan_bulk(&contacts(), BulkFilter::All, &change);
        assert_eq!(ids(&plan), vec![2, 3, 4]);
        assert_eq!(to_json(&plan.updates[0].1), r#"[{"op":"replace","path":"relationship","value":{"name":"owner"}}]"#);

        let change = BulkChange::parse(BulkField::Department, "it").unwrap();
        assert_eq!(plan_bulk(&contacts(), BulkFilter::All, &change).already_set, vec![ContactId(3)]);
    }

    #[test]
    fn resolving_against_the_lookup_writes_the_id_and_catches_typos() {
        let relationships: Vec<ContactRelationship> =
            serde_json::from_value(json!([{"id":3,"name":"Owner"},{"id":5,"name":"Decision Maker"}])).unwrap();
        let change = BulkChange::parse_in(BulkField::RelationshipName, "decision maker", &relationships).unwrap();
        let plan = plan_bulk(&contacts(), BulkFilter::Primary, &change);
        assert_eq!(to_json(&plan.updates[0].1), r#"[{"op":"replace","path":"relationship","value":{"id":5}}]"#);

        let err = BulkChange::parse_in(BulkField::RelationshipName, "Ownr", &relationships).unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"No relationship named "Ownr" in ConnectWise. Choose one of: Owner, Decision Maker."#
        );
    }

    #[test]
    fn bad_values_are_refused_with_a_reason() {
        assert_eq!(BulkChange::parse(BulkField::InactiveFlag, "yes"), Err(BulkError::NotABool("yes".into())));
        assert_eq!(BulkChange::parse(BulkField::InactiveFlag, "1"), Err(BulkError::NotABool("1".into())));
        assert_eq!(BulkChange::parse(BulkField::Department, "  "), Err(BulkError::Empty(BulkField::Department)));
        assert_eq!(
            BulkChange::parse(BulkField::Department, &"x".repeat(51)),
            Err(BulkError::TooLong { field: BulkField::Department, max: 50 })
        );
        let err = BulkChange::parse(BulkField::TypeName, "Approver").unwrap_err();
        assert_eq!(err, BulkError::NotPatchable(BulkField::TypeName));
        assert!(err.to_string().contains("only when a contact is created"));
        assert!(BulkField::TypeName.unsupported_reason().is_some());
        assert!(BulkField::ALL.iter().filter(|f| f.unsupported_reason().is_none()).count() == 4);
    }
}
