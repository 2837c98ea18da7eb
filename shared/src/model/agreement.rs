//! `/finance/agreements` records.

use crate::ids::AgreementId;
use serde::{Deserialize, Serialize};

use super::{CompanyReference, ContactReference, Extra, Info, Reference, SiteReference};

/// An agreement as `GET /finance/agreements[/{id}]` returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Agreement {
    /// The record id.
    pub id: AgreementId,
    /// The agreement name.
    #[serde(default)]
    pub name: String,
    /// `AgreementTypeReference` (`/finance/agreements/types`).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<Reference>,
    /// The customer company.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<CompanyReference>,
    /// The customer contact (required by CW).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactReference>,
    /// The customer site.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<SiteReference>,
    /// Start, `yyyy-MM-ddTHH:mm:ssZ`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// End, `yyyy-MM-ddTHH:mm:ssZ`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    /// Open-ended agreement.
    #[serde(default)]
    pub no_ending_date_flag: bool,
    /// The recurring bill amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bill_amount: Option<f64>,
    /// `Active`, `Cancelled`, `Expired` or `Inactive` (read-only, derived by CW).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agreement_status: Option<String>,
    /// Cancelled agreement.
    #[serde(default)]
    pub cancelled_flag: bool,
    /// `BillingCycleReference`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_cycle: Option<Reference>,
    /// CW's `_info`.
    #[serde(rename = "_info", skip_serializing_if = "Option::is_none")]
    pub info: Option<Info>,
    /// Every field the console does not model, kept for read-modify-write.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The body of `POST /finance/agreements`. CW requires `name`, `type`, `company` and `contact`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewAgreement {
    /// The agreement name.
    pub name: String,
    /// Agreement type, by id or name (the name must exist in `/finance/agreements/types`).
    #[serde(rename = "type")]
    pub kind: Reference,
    /// The customer company, by id.
    pub company: CompanyReference,
    /// The customer contact, by id.
    pub contact: ContactReference,
    /// The customer site.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<SiteReference>,
    /// Start, `yyyy-MM-ddTHH:mm:ssZ`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// End, `yyyy-MM-ddTHH:mm:ssZ`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    /// Open-ended agreement.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub no_ending_date_flag: bool,
    /// The recurring bill amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bill_amount: Option<f64>,
    /// Billing cycle, by id or name ("Monthly").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_cycle: Option<Reference>,
    /// Any other field to send as-is.
    #[serde(flatten)]
    pub extra: Extra,
}
