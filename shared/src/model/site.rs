//! `/company/companies/{id}/sites` records.

use crate::ids::SiteId;
use serde::{Deserialize, Serialize};

use super::{CompanyReference, Extra, Info, Reference};

/// A company site as `GET /company/companies/{companyId}/sites[/{id}]` returns it.
///
/// Unlike companies and contacts, a site's state is a reference, `stateReference {id, identifier, name}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Site {
    /// The record id.
    pub id: SiteId,
    /// The site name ("Main", "Plano Office").
    #[serde(default)]
    pub name: String,
    /// Street address, line 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_line1: Option<String>,
    /// Street address, line 2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_line2: Option<String>,
    /// City.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// `StateReference` (`/company/states`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_reference: Option<Reference>,
    /// Postal code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
    /// `CountryReference`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<Reference>,
    /// Phone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// Fax number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fax_number: Option<String>,
    /// `TimeZoneSetupReference`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<Reference>,
    /// The company's primary address.
    #[serde(default)]
    pub primary_address_flag: bool,
    /// Inactive site.
    #[serde(default)]
    pub inactive_flag: bool,
    /// The owning company.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<CompanyReference>,
    /// CW's `_info`.
    #[serde(rename = "_info", skip_serializing_if = "Option::is_none")]
    pub info: Option<Info>,
    /// Every field the console does not model, kept for read-modify-write.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The body of `POST /company/companies/{companyId}/sites`. Only `name` is required.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewSite {
    /// The site name.
    pub name: String,
    /// Street address, line 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_line1: Option<String>,
    /// Street address, line 2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_line2: Option<String>,
    /// City.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// State, by id, identifier ("TX") or name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_reference: Option<Reference>,
    /// Postal code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
    /// Country, by id or name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<Reference>,
    /// Phone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// Time zone setup, by id or name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<Reference>,
    /// Make this the primary address.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub primary_address_flag: bool,
    /// Any other field to send as-is.
    #[serde(flatten)]
    pub extra: Extra,
}
