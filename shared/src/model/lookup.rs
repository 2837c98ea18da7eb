//! The lookup lists behind the console's drop-downs, plus the small bodies (`/count`, `/system/info`,
//! `/login/companyinfo`).

use serde::{Deserialize, Serialize};

use super::{Extra, Info, Reference};

/// A lookup record shown in a drop-down: its id, its label, and a reference to write it back with.
pub trait Lookup {
    /// The record id.
    fn id(&self) -> i32;
    /// What the drop-down shows (`name`, or `description` for contact and communication types).
    fn label(&self) -> &str;
    /// A write reference by id.
    fn reference(&self) -> Reference {
        Reference { id: Some(self.id()), name: Some(self.label().to_owned()), ..Reference::default() }
    }
    /// True for the record CW flags as the default choice.
    fn is_default(&self) -> bool {
        false
    }
}

/// Finds a lookup by its label, case-insensitively (how CW resolves `{"name": ...}` references).
pub fn find_by_label<'a, T: Lookup>(items: &'a [T], label: &str) -> Option<&'a T> {
    items.iter().find(|item| item.label().eq_ignore_ascii_case(label.trim()))
}

macro_rules! named_lookup {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident : $ty:ty),* $(,)? } $(default = $default:ident)?) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            /// The record id.
            pub id: i32,
            /// The display name.
            #[serde(default)]
            pub name: String,
            $($(#[$fdoc])* #[serde(default, skip_serializing_if = "Option::is_none")] pub $field: $ty,)*
            /// CW's `_info`.
            #[serde(rename = "_info", skip_serializing_if = "Option::is_none")]
            pub info: Option<Info>,
            /// Every field the console does not model.
            #[serde(flatten)]
            pub extra: Extra,
        }

        impl Lookup for $name {
            fn id(&self) -> i32 {
                self.id
            }
            fn label(&self) -> &str {
                &self.name
            }
            $(fn is_default(&self) -> bool {
                self.$default == Some(true)
            })?
        }
    };
}

named_lookup! {
    /// `/company/companies/statuses`.
    CompanyStatus {
        /// The default status for new companies.
        default_flag: Option<bool>,
        /// An inactive status.
        inactive_flag: Option<bool>,
    } default = default_flag
}

named_lookup! {
    /// `/company/companies/types` ("Client", "Prospect", "Partner"...).
    CompanyType {
        /// The default type for new companies.
        default_flag: Option<bool>,
        /// A vendor type.
        vendor_flag: Option<bool>,
    } default = default_flag
}

named_lookup! {
    /// `/company/contacts/relationships`.
    ContactRelationship {}
}

named_lookup! {
    /// `/company/contacts/departments`.
    ContactDepartment {}
}

named_lookup! {
    /// `/service/boards`.
    Board {
        /// An inactive board.
        inactive_flag: Option<bool>,
        /// A project board rather than a service board.
        project_flag: Option<bool>,
    }
}

named_lookup! {
    /// `/service/boards/{id}/statuses`: ticket statuses are per board.
    BoardStatus {
        /// The board the status belongs to.
        board: Option<Reference>,
        /// Position in the board's status list.
        sort_order: Option<i32>,
        /// A closed status.
        closed_status: Option<bool>,
        /// An inactive status.
        inactive: Option<bool>,
        /// The default status for new tickets on the board.
        default_flag: Option<bool>,
    } default = default_flag
}

named_lookup! {
    /// `/service/priorities`.
    Priority {
        /// Sort position.
        sort_order: Option<i32>,
        /// Colour name.
        color: Option<String>,
        /// The default priority.
        default_flag: Option<bool>,
        /// Priority level.
        level: Option<String>,
    } default = default_flag
}

named_lookup! {
    /// `/finance/agreements/types`.
    AgreementType {
        /// The default agreement type.
        default_flag: Option<bool>,
        /// An inactive type.
        inactive_flag: Option<bool>,
    } default = default_flag
}

named_lookup! {
    /// `/company/countries`.
    Country {
        /// Short identifier, when CW sends one.
        identifier: Option<String>,
        /// The default country.
        default_flag: Option<bool>,
    } default = default_flag
}

named_lookup! {
    /// `/company/states`: `{id, identifier, name}`, e.g. `TX` / Texas.
    State {
        /// The abbreviation ("TX").
        identifier: Option<String>,
    }
}

named_lookup! {
    /// `/system/timeZoneSetups` (what a company's `timeZoneSetup` and a site's `timeZone` reference).
    TimeZoneSetup {
        /// UTC offset in hours.
        offset: Option<f64>,
        /// The default time zone.
        default_flag: Option<bool>,
    } default = default_flag
}

macro_rules! described_lookup {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            /// The record id.
            pub id: i32,
            /// The display text (these records have `description`, not `name`).
            #[serde(default)]
            pub description: String,
            /// The default choice.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub default_flag: Option<bool>,
            $($(#[$fdoc])* #[serde(default, skip_serializing_if = "Option::is_none")] pub $field: $ty,)*
            /// CW's `_info`.
            #[serde(rename = "_info", skip_serializing_if = "Option::is_none")]
            pub info: Option<Info>,
            /// Every field the console does not model.
            #[serde(flatten)]
            pub extra: Extra,
        }

        impl Lookup for $name {
            fn id(&self) -> i32 {
                self.id
            }
            fn label(&self) -> &str {
                &self.description
            }
            fn is_default(&self) -> bool {
                self.default_flag == Some(true)
            }
        }
    };
}

described_lookup! {
    /// `/company/contacts/types`. The record has `description`; the reference embedded in a contact's
    /// `types[]` has `name`.
    ContactType {}
}

described_lookup! {
    /// `/company/communicationTypes` ("Email", "Direct", "Mobile", "Fax"...).
    CommunicationType {
        /// A phone type.
        phone_flag: Option<bool>,
        /// A fax type.
        fax_flag: Option<bool>,
        /// An email type.
        email_flag: Option<bool>,
    }
}

/// `GET /login/companyinfo/{companyId}` (outside the API root, no auth). PascalCase keys, unlike the rest of
/// CW. CW answers `null` with status 200 for an unknown company id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CompanyInfo {
    /// The company's name.
    #[serde(default)]
    pub company_name: String,
    /// The codebase path segment, e.g. `v2017_3/`.
    #[serde(default)]
    pub codebase: String,
    /// e.g. `v2017.3`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_code: Option<String>,
    /// e.g. `v4.6.47174`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_number: Option<String>,
    /// The company id used at login.
    #[serde(rename = "CompanyID", skip_serializing_if = "Option::is_none")]
    pub company_id: Option<String>,
    /// A cloud instance.
    #[serde(default)]
    pub is_cloud: bool,
    /// Every other key.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `GET /system/info`, the cheap credentials probe.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SystemInfo {
    /// e.g. `v2025.1.10675`.
    #[serde(default)]
    pub version: String,
    /// A cloud instance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_cloud: Option<bool>,
    /// The server's time zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_time_zone: Option<String>,
    /// e.g. `NA`, `AU`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud_region: Option<String>,
    /// Every other key.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `GET .../count`: `{"count": N}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    /// The number of matching records.
    pub count: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_types_are_labelled_by_description() {
        let types: Vec<ContactType> = serde_json::from_str(
            r#"[{"id":1,"description":"Approver","defaultFlag":true},{"id":2,"description":"End User"}]"#,
        )
        .unwrap();
        assert_eq!(types[0].label(), "Approver");
        assert!(types[0].is_default());
        assert_eq!(find_by_label(&types, " end user").map(|t| t.id), Some(2));
        assert_eq!(serde_json::to_string(&types[1].reference()).unwrap(), r#"{"id":2,"name":"End User"}"#);
    }

    #[test]
    fn a_limited_priority_has_only_id_and_name() {
        let p: Priority = serde_json::from_str(r#"{"id":5,"name":"Priority 2"}"#).unwrap();
        assert_eq!((p.id, p.label(), p.is_default()), (5, "Priority 2", false));
        assert_eq!(serde_json::to_string(&p).unwrap(), r#"{"id":5,"name":"Priority 2"}"#);
    }

    #[test]
    fn company_info_is_pascal_case_and_may_be_null() {
        let info: Option<CompanyInfo> =
            serde_json::from_str(r#"{"CompanyName":"foobar","Codebase":"v2017_3/","CompanyID":"CW","IsCloud":true}"#)
                .unwrap();
        let info = info.unwrap();
        assert_eq!((info.codebase.as_str(), info.company_id.as_deref(), info.is_cloud), ("v2017_3/", Some("CW"), true));
        assert_eq!(serde_json::from_str::<Option<CompanyInfo>>("null").unwrap(), None);
    }
}
