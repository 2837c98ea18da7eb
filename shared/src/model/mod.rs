//! Typed ConnectWise records, exactly as they travel on the wire.
//!
//! The rules every type here follows:
//!
//! - Field names are CW's own (`camelCase`, `_info`), so a record serialises back to what CW sent.
//! - Anything CW may omit is an `Option` and is left out when `None` (CW itself omits nulls). Flags are plain
//!   `bool`s that default to `false` when CW leaves them out.
//! - Every record keeps the fields the console does not model in a flattened `extra` map, so a
//!   read-modify-write never drops anything (CW adds fields every release).
//! - Records read back from CW ([`Company`], [`Contact`], [`Site`], [`Agreement`], [`Ticket`]) have a required
//!   typed id. What the console *sends* on POST is a separate `New*` type ([`NewCompany`], [`NewContact`],
//!   [`NewSite`], [`NewAgreement`], [`NewTicket`]): they carry the POST-only fields (`types`, `typeIds`,
//!   `initialDescription`) and no id, so neither side needs `Option<Id>` noise.
//! - References to other records are [`Reference`]s (`{id, identifier, name, _info}`); to write one, give the
//!   id *or* the name/identifier and CW resolves it.

mod agreement;
mod company;
mod contact;
mod error;
mod lookup;
mod reference;
mod site;
mod ticket;
mod type_association;

pub use agreement::{Agreement, NewAgreement};
pub use company::{Company, NewCompany};
pub use contact::{CommunicationItem, Contact, NewContact};
pub use error::{ErrorBody, ValidationError};
pub use lookup::{
    AgreementType, Board, BoardStatus, CommunicationType, CompanyInfo, CompanyStatus, CompanyType, ContactDepartment,
    ContactRelationship, ContactType, Count, Country, Lookup, Priority, State, SystemInfo, TimeZoneSetup,
    find_by_label,
};
pub use reference::{CompanyReference, ContactReference, Info, Reference, SiteReference};
pub use site::{NewSite, Site};
pub use ticket::{NewTicket, Ticket};
pub use type_association::ContactTypeAssociation;

/// The map every record flattens its unmodelled fields into.
pub type Extra = serde_json::Map<String, serde_json::Value>;
