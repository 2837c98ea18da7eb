//! Newtype ids, so a contact id can never be passed where a company id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i32);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl From<i32> for $name {
            fn from(id: i32) -> Self {
                Self(id)
            }
        }
    )*};
}

id_type! {
    /// `id` of a `/company/companies` record.
    CompanyId,
    /// `id` of a `/company/contacts` record.
    ContactId,
    /// `id` of a `/company/companies/{id}/sites` record.
    SiteId,
    /// `id` of a `/finance/agreements` record.
    AgreementId,
    /// `id` of a `/service/tickets` record.
    TicketId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_bare_numbers_on_the_wire_and_in_text() {
        assert_eq!(serde_json::to_string(&CompanyId(250)).unwrap(), "250");
        assert_eq!(serde_json::from_str::<ContactId>("17").unwrap(), ContactId(17));
        assert_eq!(TicketId(9).to_string(), "9");
    }
}
