//! References: how one CW record points at another.

use crate::ids::{CompanyId, ContactId, SiteId};
use serde::{Deserialize, Serialize};

use super::Extra;

/// The `_info` object CW attaches to records and references (`lastUpdated`, `updatedBy`, `*_href` links...).
pub type Info = serde_json::Map<String, serde_json::Value>;

/// A reference to another record: `{id, identifier, name, _info}`.
///
/// CW sends all three identifying fields where it has them (`CompanyReference` and `CountryReference` carry an
/// `identifier`, most others just `id` and `name`). To *write* one, fill any one of them and CW resolves it:
/// `{"id":5}`, `{"name":"Active"}` or `{"identifier":"AcmeCorp"}`.
///
/// `I` is the id type: plain `i32` for lookups, a newtype id for records ([`CompanyReference`] and friends).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reference<I = i32> {
    /// The referenced record's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<I>,
    /// The short identifier (companies, countries, states).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// The display name ("First Last" for a contact).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// CW's `_info` (the `*_href` link, sometimes `mobileGuid`).
    #[serde(rename = "_info", skip_serializing_if = "Option::is_none")]
    pub info: Option<Info>,
    /// Anything else CW put in the reference (`sort` on a priority, `Sort` on a status...).
    #[serde(flatten)]
    pub extra: Extra,
}

/// A reference to a company: `{id, identifier, name}`.
pub type CompanyReference = Reference<CompanyId>;
/// A reference to a contact: `{id, name}` where the name is "First Last".
pub type ContactReference = Reference<ContactId>;
/// A reference to a company site: `{id, name}`.
pub type SiteReference = Reference<SiteId>;

impl<I> Default for Reference<I> {
    fn default() -> Self {
        Self { id: None, identifier: None, name: None, info: None, extra: Extra::new() }
    }
}

impl<I> Reference<I> {
    /// A write reference by id: `{"id": id}`.
    pub fn by_id(id: I) -> Self {
        Self { id: Some(id), ..Self::default() }
    }

    /// What to show a person: the name, else the identifier, else `#id`, else an empty string.
    pub fn label(&self) -> String
    where
        I: std::fmt::Display,
    {
        match (&self.name, &self.identifier, &self.id) {
            (Some(name), _, _) => name.clone(),
            (None, Some(identifier), _) => identifier.clone(),
            (None, None, Some(id)) => format!("#{id}"),
            (None, None, None) => String::new(),
        }
    }

    /// The same reference stripped to what a write needs: the id if known, else the identifier, else the name.
    pub fn for_write(&self) -> Self
    where
        I: Clone,
    {
        match (&self.id, &self.identifier, &self.name) {
            (Some(id), _, _) => Self::by_id(id.clone()),
            (None, Some(identifier), _) => Self { identifier: Some(identifier.clone()), ..Self::default() },
            (None, None, name) => Self { name: name.clone(), ..Self::default() },
        }
    }

    /// True when the reference names the same record as `other`: same id if both have one, else the same
    /// identifier or name (compared case-insensitively, as CW does).
    pub fn same_as(&self, other: &Self) -> bool
    where
        I: PartialEq,
    {
        if let (Some(a), Some(b)) = (&self.id, &other.id) {
            return a == b;
        }
        let eq = |a: &Option<String>, b: &Option<String>| match (a, b) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            _ => false,
        };
        eq(&self.identifier, &other.identifier) || eq(&self.name, &other.name)
    }
}

impl Reference {
    /// A write reference by name: `{"name": name}` (statuses, types, boards, relationships...).
    pub fn by_name(name: impl Into<String>) -> Self {
        Self { name: Some(name.into()), ..Self::default() }
    }

    /// A write reference by identifier: `{"identifier": identifier}`.
    pub fn by_identifier(identifier: impl Into<String>) -> Self {
        Self { identifier: Some(identifier.into()), ..Self::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_references_carry_only_what_was_given() {
        assert_eq!(serde_json::to_string(&Reference::by_name("Active")).unwrap(), r#"{"name":"Active"}"#);
        assert_eq!(serde_json::to_string(&Reference::by_identifier("Acme")).unwrap(), r#"{"identifier":"Acme"}"#);
        assert_eq!(serde_json::to_string(&CompanyReference::by_id(CompanyId(5))).unwrap(), r#"{"id":5}"#);
    }

    #[test]
    fn a_read_reference_keeps_info_and_unknown_keys() {
        let text = r#"{"id":16,"name":"New","Sort":0,"_info":{"status_href":"x"}}"#;
        let r: Reference = serde_json::from_str(text).unwrap();
        assert_eq!(r.id, Some(16));
        assert_eq!(r.extra["Sort"], 0);
        let back: serde_json::Value = serde_json::to_value(&r).unwrap();
        assert_eq!(back, serde_json::from_str::<serde_json::Value>(text).unwrap());
        assert_eq!(serde_json::to_string(&r.for_write()).unwrap(), r#"{"id":16}"#);
    }

    #[test]
    fn labels_and_sameness() {
        let by_name = Reference::by_name("active");
        let read: Reference = serde_json::from_str(r#"{"id":1,"name":"Active"}"#).unwrap();
        assert!(read.same_as(&by_name));
        assert!(!read.same_as(&Reference::by_id(2)));
        assert_eq!(read.label(), "Active");
        assert_eq!(Reference::by_id(7).label(), "#7");
    }
}
