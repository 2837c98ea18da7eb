//! `/company/companies` records.

use crate::ids::CompanyId;
use serde::{Deserialize, Serialize};

use super::{ContactReference, Extra, Info, Reference, SiteReference};

/// A company as `GET /company/companies[/{id}]` returns it.
///
/// There is no company-level `email` and no single `type`: CW has `types[]`, settable only on POST
/// (afterwards through type associations). The primary contact is [`Company::default_contact`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Company {
    /// The record id.
    pub id: CompanyId,
    /// The unique short identifier ("Company ID" in CW's UI).
    #[serde(default)]
    pub identifier: String,
    /// The company name.
    #[serde(default)]
    pub name: String,
    /// `CompanyStatusReference` (`/company/companies/statuses`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Reference>,
    /// `CompanyTypeReference`s (`/company/companies/types`); POST-only, read-only afterwards.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<Reference>,
    /// Street address, line 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_line1: Option<String>,
    /// Street address, line 2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_line2: Option<String>,
    /// City.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// State, a plain string on companies (sites have a `stateReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Postal code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
    /// `CountryReference` (`/company/countries`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<Reference>,
    /// Main phone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// Fax number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fax_number: Option<String>,
    /// Web site.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Head count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number_of_employees: Option<i32>,
    /// The primary contact (mirrors `defaultFlag` on that contact).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_contact: Option<ContactReference>,
    /// `TimeZoneSetupReference` (`/system/timeZoneSetups`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone_setup: Option<Reference>,
    /// The company's main site.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<SiteReference>,
    /// Soft-deleted: lists include these unless filtered with `deletedFlag=false`.
    #[serde(default)]
    pub deleted_flag: bool,
    /// CW's `_info` (`lastUpdated`, `updatedBy`, links).
    #[serde(rename = "_info", skip_serializing_if = "Option::is_none")]
    pub info: Option<Info>,
    /// Every field the console does not model, kept for read-modify-write.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Company {
    /// "City, ST" (or whichever of the two is known) for a list row.
    pub fn city_state(&self) -> String {
        [self.city.as_deref(), self.state.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The status name, if CW sent one.
    pub fn status_name(&self) -> Option<&str> {
        self.status.as_ref()?.name.as_deref()
    }
}

/// The body of `POST /company/companies`.
///
/// Required by CW: `identifier`, `name` and at least one address field (`addressLine1`, `addressLine2`, `city`,
/// `state`, `zip` or `country`). `site` names the first site CW creates with the company.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewCompany {
    /// The unique short identifier.
    pub identifier: String,
    /// The company name.
    pub name: String,
    /// Status, by id or name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Reference>,
    /// Company types, by id or name (only settable here, on creation).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<Reference>,
    /// Street address, line 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_line1: Option<String>,
    /// Street address, line 2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_line2: Option<String>,
    /// City.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// State (a string on companies).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Postal code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
    /// Country, by id or name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<Reference>,
    /// Main phone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// Web site.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Time zone setup, by id or name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone_setup: Option<Reference>,
    /// The first site, usually just `{"name": ...}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<Reference>,
    /// Any other field to send as-is.
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minimal_company_reads_and_omits_absent_fields() {
        let c: Company =
            serde_json::from_str(r#"{"id":5,"identifier":"Acme","name":"Acme Ltd","city":"Plano"}"#).unwrap();
        assert_eq!(c.id, CompanyId(5));
        assert!(c.types.is_empty());
        assert_eq!(c.city_state(), "Plano");
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"{"id":5,"identifier":"Acme","name":"Acme Ltd","city":"Plano","deletedFlag":false}"#
        );
    }

    #[test]
    fn new_company_body_is_exactly_what_was_set() {
        let body = NewCompany {
            identifier: "Acme".into(),
            name: "Acme Ltd".into(),
            status: Some(Reference::by_name("Active")),
            types: vec![Reference::by_id(1)],
            city: Some("Plano".into()),
            country: Some(Reference::by_id(1)),
            site: Some(Reference::by_name("Main Office")),
            ..NewCompany::default()
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"identifier":"Acme","name":"Acme Ltd","status":{"name":"Active"},"types":[{"id":1}],"city":"Plano","country":{"id":1},"site":{"name":"Main Office"}}"#
        );
    }
}
