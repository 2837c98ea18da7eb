//! `/company/contacts` records and their communication items.

use crate::ids::ContactId;
use serde::{Deserialize, Serialize};

use super::{CompanyReference, Extra, Info, Reference, SiteReference};

/// A contact as `GET /company/contacts[/{id}]` returns it.
///
/// A contact has no `email` field: email addresses and phone numbers are [`CommunicationItem`]s (see
/// [`Contact::default_email`]). The primary contact of its company has `defaultFlag: true`; there is no
/// `defaultContactFlag`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    /// The record id.
    pub id: ContactId,
    /// First name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// The company the contact belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<CompanyReference>,
    /// The company site the contact works at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<SiteReference>,
    /// Job title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `RelationshipReference` (`/company/contacts/relationships`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relationship: Option<Reference>,
    /// `ContactDepartmentReference` (`/company/contacts/departments`). A reference, not a string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<Reference>,
    /// Inactive contacts are hidden in most CW screens.
    #[serde(default)]
    pub inactive_flag: bool,
    /// The company's primary (default) contact.
    #[serde(default)]
    pub default_flag: bool,
    /// The company's default billing contact.
    #[serde(default)]
    pub default_billing_flag: bool,
    /// Portal login switched off.
    #[serde(default)]
    pub disable_portal_login_flag: bool,
    /// Email addresses, phone and fax numbers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub communication_items: Vec<CommunicationItem>,
    /// `ContactTypeReference`s; readable here, settable only on POST as `typeIds`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<Reference>,
    /// Read-only convenience copy of the default phone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_phone_nbr: Option<String>,
    /// Read-only convenience copy of the default phone's extension.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_phone_extension: Option<String>,
    /// Read-only convenience copy of the default phone's type name ("Direct").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_phone_type: Option<String>,
    /// CW's `_info`.
    #[serde(rename = "_info", skip_serializing_if = "Option::is_none")]
    pub info: Option<Info>,
    /// Every field the console does not model, kept for read-modify-write.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Contact {
    /// "First Last", skipping whichever part is missing.
    pub fn full_name(&self) -> String {
        full_name(self.first_name.as_deref(), self.last_name.as_deref())
    }

    /// Up to two upper-case initials for an avatar ("ME" for Mike Evans); `?` when there is no name.
    pub fn initials(&self) -> String {
        let initials: String = [self.first_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .filter_map(|part| part.trim().chars().next())
            .flat_map(char::to_uppercase)
            .collect();
        if initials.is_empty() { "?".into() } else { initials }
    }

    /// The default Email item, else the first Email item.
    pub fn default_email_item(&self) -> Option<&CommunicationItem> {
        pick_default(&self.communication_items, CommunicationItem::is_email)
    }

    /// The contact's email address: the default Email item's value, else the first Email item's.
    pub fn default_email(&self) -> Option<&str> {
        self.default_email_item().map(|item| item.value.as_str())
    }

    /// The default Phone item, else the first Phone item.
    pub fn default_phone_item(&self) -> Option<&CommunicationItem> {
        pick_default(&self.communication_items, CommunicationItem::is_phone)
    }

    /// The contact's phone number: from the communication items, else CW's `defaultPhoneNbr`.
    pub fn default_phone(&self) -> Option<&str> {
        self.default_phone_item().map(|item| item.value.as_str()).or(self.default_phone_nbr.as_deref())
    }

    /// True when the contact belongs to the company with this id.
    pub fn belongs_to(&self, company: crate::ids::CompanyId) -> bool {
        self.company.as_ref().and_then(|c| c.id) == Some(company)
    }

    /// A reference to this contact, as a company's `defaultContact` holds it.
    pub fn reference(&self) -> super::ContactReference {
        super::ContactReference { name: Some(self.full_name()), ..super::ContactReference::by_id(self.id) }
    }
}

fn full_name(first: Option<&str>, last: Option<&str>) -> String {
    [first, last].into_iter().flatten().map(str::trim).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ")
}

fn pick_default(items: &[CommunicationItem], kind: fn(&CommunicationItem) -> bool) -> Option<&CommunicationItem> {
    items.iter().filter(|i| kind(i)).find(|i| i.default_flag).or_else(|| items.iter().find(|i| kind(i)))
}

/// One email address, phone or fax number of a contact (`communicationItems[]`, also
/// `/company/contacts/{id}/communications`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommunicationItem {
    /// The item id (absent on POST).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// The communication type (`/company/communicationTypes`); stock CW has 1 = "Email", 2 = "Direct".
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<Reference>,
    /// The address or number.
    #[serde(default)]
    pub value: String,
    /// Phone extension.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    /// The default item of its kind.
    #[serde(default)]
    pub default_flag: bool,
    /// `Email`, `Phone` or `Fax`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub communication_type: Option<String>,
    /// Everything else (`domain`, `contactId`, `mobileGuid`...).
    #[serde(flatten)]
    pub extra: Extra,
}

impl CommunicationItem {
    /// `communicationType` value of an email address.
    pub const EMAIL: &'static str = "Email";
    /// `communicationType` value of a phone number.
    pub const PHONE: &'static str = "Phone";
    /// `communicationType` value of a fax number.
    pub const FAX: &'static str = "Fax";

    /// A new default email item for a POST: type `{"name":"Email"}` and `communicationType: "Email"`.
    pub fn email(address: impl Into<String>) -> Self {
        Self {
            kind: Some(Reference::by_name("Email")),
            value: address.into(),
            default_flag: true,
            communication_type: Some(Self::EMAIL.into()),
            ..Self::default()
        }
    }

    /// A new default phone item for a POST: type `{"name":"Direct"}` and `communicationType: "Phone"`.
    pub fn phone(number: impl Into<String>) -> Self {
        Self {
            kind: Some(Reference::by_name("Direct")),
            value: number.into(),
            default_flag: true,
            communication_type: Some(Self::PHONE.into()),
            ..Self::default()
        }
    }

    fn is(&self, communication_type: &str, type_name: &str) -> bool {
        match &self.communication_type {
            Some(t) => t.eq_ignore_ascii_case(communication_type),
            // Older payloads omit communicationType; fall back to the type's name.
            None => {
                self.kind.as_ref().and_then(|k| k.name.as_deref()).is_some_and(|n| n.eq_ignore_ascii_case(type_name))
            }
        }
    }

    /// An email address.
    pub fn is_email(&self) -> bool {
        self.is(Self::EMAIL, "Email")
    }

    /// A phone number (of any phone type: Direct, Mobile...).
    pub fn is_phone(&self) -> bool {
        match &self.communication_type {
            Some(t) => t.eq_ignore_ascii_case(Self::PHONE),
            None => !self.is(Self::EMAIL, "Email") && !self.is(Self::FAX, "Fax"),
        }
    }
}

/// The body of `POST /company/contacts`.
///
/// `typeIds` (contact types) can only be sent here, on creation; a later PATCH or PUT carrying them fails.
/// The email goes in `communicationItems` (see [`CommunicationItem::email`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewContact {
    /// First name (the one field CW requires in practice).
    pub first_name: String,
    /// Last name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// The company, by id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<CompanyReference>,
    /// The site, by id or name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<SiteReference>,
    /// Job title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Relationship, by id or name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relationship: Option<Reference>,
    /// Department, by id or name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<Reference>,
    /// Make this the company's primary contact.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub default_flag: bool,
    /// Create the contact inactive.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub inactive_flag: bool,
    /// Email addresses and phone numbers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub communication_items: Vec<CommunicationItem>,
    /// Contact type ids (POST only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub type_ids: Vec<i32>,
    /// Any other field to send as-is.
    #[serde(flatten)]
    pub extra: Extra,
}

impl NewContact {
    /// "First Last" of the contact to be created.
    pub fn full_name(&self) -> String {
        full_name(Some(&self.first_name), self.last_name.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(json: &str) -> Contact {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn default_email_prefers_the_default_item_then_the_first_email() {
        let c = contact(
            r#"{"id":1,"firstName":"Ann","communicationItems":[
                {"type":{"id":2,"name":"Direct"},"value":"555","communicationType":"Phone"},
                {"type":{"id":1,"name":"Email"},"value":"old@x.com","communicationType":"Email"},
                {"type":{"id":1,"name":"Email"},"value":"ann@x.com","defaultFlag":true,"communicationType":"Email"}]}"#,
        );
        assert_eq!(c.default_email(), Some("ann@x.com"));
        assert_eq!(c.default_phone(), Some("555"));

        let c = contact(
            r#"{"id":1,"communicationItems":[{"type":{"name":"Email"},"value":"first@x.com"},{"type":{"name":"Email"},"value":"second@x.com"}]}"#,
        );
        assert_eq!(c.default_email(), Some("first@x.com"));
        assert_eq!(c.default_phone(), None);
    }

    #[test]
    fn phone_falls_back_to_default_phone_nbr() {
        let c = contact(r#"{"id":1,"defaultPhoneNbr":"8139357100"}"#);
        assert_eq!(c.default_phone(), Some("8139357100"));
        assert_eq!(c.default_email(), None);
    }

    #[test]
    fn names_and_initials() {
        let c = contact(r#"{"id":1,"firstName":"mike","lastName":"Evans"}"#);
        assert_eq!(c.full_name(), "mike Evans");
        assert_eq!(c.initials(), "ME");
        assert_eq!(contact(r#"{"id":2,"lastName":"Solo"}"#).full_name(), "Solo");
        assert_eq!(contact(r#"{"id":3}"#).initials(), "?");
        assert_eq!(
            serde_json::to_string(&contact(r#"{"id":4,"firstName":"A","lastName":"B"}"#).reference()).unwrap(),
            r#"{"id":4,"name":"A B"}"#
        );
    }

    #[test]
    fn new_contact_body_is_exactly_what_was_set() {
        let body = NewContact {
            first_name: "Ann".into(),
            last_name: Some("Lee".into()),
            company: Some(CompanyReference::by_id(crate::ids::CompanyId(7))),
            default_flag: true,
            communication_items: vec![CommunicationItem::email("ann@x.com")],
            type_ids: vec![3],
            ..NewContact::default()
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"firstName":"Ann","lastName":"Lee","company":{"id":7},"defaultFlag":true,"communicationItems":[{"type":{"name":"Email"},"value":"ann@x.com","defaultFlag":true,"communicationType":"Email"}],"typeIds":[3]}"#
        );
    }
}
