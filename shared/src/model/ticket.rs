//! `/service/tickets` records.

use crate::ids::TicketId;
use serde::{Deserialize, Serialize};

use super::{CompanyReference, ContactReference, Extra, Info, Reference, SiteReference};

/// A service ticket as `GET /service/tickets[/{id}]` returns it.
///
/// `initialDescription` is write-only (CW never returns it), so it lives on [`NewTicket`] only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ticket {
    /// The record id.
    pub id: TicketId,
    /// One-line summary (max 100).
    #[serde(default)]
    pub summary: String,
    /// `ServiceTicket`, `ProjectTicket` or `ProjectIssue`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_type: Option<String>,
    /// The service board.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub board: Option<Reference>,
    /// The status (statuses are per board).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Reference>,
    /// The priority.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<Reference>,
    /// The customer company.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<CompanyReference>,
    /// The customer contact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactReference>,
    /// The customer site.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<SiteReference>,
    /// Closed ticket.
    #[serde(default)]
    pub closed_flag: bool,
    /// CW's `_info`.
    #[serde(rename = "_info", skip_serializing_if = "Option::is_none")]
    pub info: Option<Info>,
    /// Every field the console does not model, kept for read-modify-write.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The body of `POST /service/tickets`. CW requires `summary` and `company`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewTicket {
    /// One-line summary (max 100).
    pub summary: String,
    /// `ServiceTicket` unless said otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_type: Option<String>,
    /// The board, by id or exact name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub board: Option<Reference>,
    /// The status, by id or name (per board).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Reference>,
    /// The priority, by id or name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<Reference>,
    /// The customer company, by id.
    pub company: CompanyReference,
    /// The customer contact, by id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactReference>,
    /// The first note; write-only (only available on POST).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_description: Option<String>,
    /// Any other field to send as-is.
    #[serde(flatten)]
    pub extra: Extra,
}
