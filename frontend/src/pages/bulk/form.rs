//! The bulk form's values: the `<select>` option values the spec names, the lookup lists a name field is
//! chosen from, and the validation that keeps Preview disabled with a reason.

use crate::api::Cw;
use cw_shared::api;
use cw_shared::model::{ContactDepartment, ContactRelationship, ContactType, Lookup};
use cw_shared::plan::{BulkChange, BulkField, BulkFilter, LookupList};

/// The `#bulk-filter` option value of a filter.
pub fn filter_value(filter: BulkFilter) -> &'static str {
    match filter {
        BulkFilter::All => "all",
        BulkFilter::Primary => "primary",
        BulkFilter::Active => "active",
    }
}

/// The filter for a `#bulk-filter` value (anything unknown is All).
pub fn filter_from(value: &str) -> BulkFilter {
    BulkFilter::ALL.into_iter().find(|f| filter_value(*f) == value).unwrap_or(BulkFilter::All)
}

/// The `#bulk-field` option value of a field: the spec's CW field names.
pub fn field_value(field: BulkField) -> &'static str {
    match field {
        BulkField::InactiveFlag => "inactiveFlag",
        BulkField::TypeName => "type/name",
        BulkField::RelationshipName => "relationship/name",
        BulkField::Department => "department",
        BulkField::DisablePortalLoginFlag => "disablePortalLoginFlag",
    }
}

/// The field for a `#bulk-field` value (`None` for the placeholder).
pub fn field_from(value: &str) -> Option<BulkField> {
    BulkField::ALL.into_iter().find(|f| field_value(*f) == value)
}

/// A lookup list read from ConnectWise.
#[derive(Debug, Clone, PartialEq)]
pub enum Names {
    /// `/company/contacts/types`.
    Types(Vec<ContactType>),
    /// `/company/contacts/relationships`.
    Relationships(Vec<ContactRelationship>),
    /// `/company/contacts/departments`.
    Departments(Vec<ContactDepartment>),
}

impl Names {
    /// The labels, in CW's order: the choices offered under `#bulk-value`.
    pub fn labels(&self) -> Vec<String> {
        fn of<T: Lookup>(list: &[T]) -> Vec<String> {
            list.iter().map(|l| l.label().to_string()).collect()
        }
        match self {
            Names::Types(l) => of(l),
            Names::Relationships(l) => of(l),
            Names::Departments(l) => of(l),
        }
    }

    /// Reads the list a field is chosen from (`None` for the flags).
    pub async fn load(cw: &Cw, field: Option<BulkField>) -> Option<Result<Names, String>> {
        let list = field?.lookup()?;
        let result = match list {
            LookupList::ContactTypes => cw.call(api::contact_types(), "the contact types").await.map(Names::Types),
            LookupList::Relationships => {
                cw.call(api::contact_relationships(), "the contact relationships").await.map(Names::Relationships)
            }
            LookupList::Departments => {
                cw.call(api::contact_departments(), "the contact departments").await.map(Names::Departments)
            }
        };
        Some(result.map_err(|e| e.to_string()))
    }
}

/// The form's change, or why Preview stays disabled (an empty message: nothing to say yet).
pub fn validate(
    field: Option<BulkField>,
    raw: &str,
    names: Option<&Result<Names, String>>,
) -> Result<BulkChange, String> {
    let Some(field) = field else { return Err(String::new()) };
    if raw.trim().is_empty() {
        return Err(String::new());
    }
    if field.is_flag() {
        return BulkChange::flag(field, raw).map_err(|e| e.to_string());
    }
    let names = match names {
        None => return Err(format!("Reading ConnectWise's {} list…", field.label().to_lowercase())),
        Some(Err(e)) => {
            return Err(format!("{} Cause: {e}", cw_shared::plan::BulkError::NoLookup(field)));
        }
        Some(Ok(names)) => names,
    };
    let parsed = match names {
        Names::Types(list) => BulkChange::named(field, raw, list),
        Names::Relationships(list) => BulkChange::named(field, raw, list),
        Names::Departments(list) => BulkChange::named(field, raw, list),
    };
    parsed.map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn select_values_round_trip() {
        for f in BulkFilter::ALL {
            assert_eq!(filter_from(filter_value(f)), f);
        }
        for f in BulkField::ALL {
            assert_eq!(field_from(field_value(f)), Some(f));
        }
        assert_eq!(field_from(""), None);
        assert_eq!(filter_value(BulkFilter::Active), "active");
    }

    #[test]
    fn validation_keeps_preview_disabled_with_a_reason() {
        assert_eq!(validate(None, "true", None), Err(String::new()));
        assert_eq!(validate(Some(BulkField::InactiveFlag), "  ", None), Err(String::new()));
        assert!(validate(Some(BulkField::InactiveFlag), "yes", None).unwrap_err().contains("true or false"));
        assert!(validate(Some(BulkField::InactiveFlag), "TRUE", None).is_ok());
        let rels: Vec<ContactRelationship> = serde_json::from_value(json!([{"id": 1, "name": "Owner"}])).unwrap();
        let names = Ok(Names::Relationships(rels));
        assert!(validate(Some(BulkField::RelationshipName), "owner", Some(&names)).is_ok());
        assert!(validate(Some(BulkField::RelationshipName), "Ownr", Some(&names)).unwrap_err().contains("Owner"));
        assert!(validate(Some(BulkField::Department), "IT", None).unwrap_err().contains("Reading"));
        let failed = Err("Proxy unreachable".to_string());
        let err = validate(Some(BulkField::Department), "IT", Some(&failed)).unwrap_err();
        assert!(err.contains("could not be read") && err.contains("Proxy unreachable"), "{err}");
        let types: Vec<ContactType> = serde_json::from_value(json!([{"id": 2, "description": "Approver"}])).unwrap();
        let types = Ok(Names::Types(types));
        assert_eq!(types.as_ref().unwrap().labels(), vec!["Approver".to_string()]);
        assert!(validate(Some(BulkField::TypeName), "approver", Some(&types)).is_ok());
    }
}
