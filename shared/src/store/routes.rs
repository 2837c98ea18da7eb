//! Paths below `/v4_6_release/apis/3.0` → what they address. Paths match case-insensitively (CW runs on
//! IIS); a trailing slash is ignored; ids must be numbers, anything else is "The endpoint does not exist.".

use super::json;
use serde_json::Value;

/// Every table the store keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Coll {
    Companies,
    Sites,
    Contacts,
    Agreements,
    Tickets,
    CompanyStatuses,
    CompanyTypes,
    ContactTypes,
    Relationships,
    Departments,
    CommunicationTypes,
    Countries,
    States,
    TimeZones,
    Boards,
    BoardStatuses,
    Priorities,
    AgreementTypes,
    Members,
}

impl Coll {
    pub(crate) const ALL: [Coll; 19] = [
        Coll::Companies,
        Coll::Sites,
        Coll::Contacts,
        Coll::Agreements,
        Coll::Tickets,
        Coll::CompanyStatuses,
        Coll::CompanyTypes,
        Coll::ContactTypes,
        Coll::Relationships,
        Coll::Departments,
        Coll::CommunicationTypes,
        Coll::Countries,
        Coll::States,
        Coll::TimeZones,
        Coll::Boards,
        Coll::BoardStatuses,
        Coll::Priorities,
        Coll::AgreementTypes,
        Coll::Members,
    ];

    /// Distinct id ranges per table, so a console mixing up company and contact ids gets caught.
    pub(crate) fn first_id(self) -> i64 {
        match self {
            Coll::Companies => 250,
            Coll::Sites => 5001,
            Coll::Contacts => 1001,
            Coll::Agreements => 301,
            Coll::Tickets => 4001,
            _ => 1,
        }
    }

    /// The records the console creates and edits (the rest are read-only lookups).
    pub(crate) fn writable(self) -> bool {
        matches!(self, Coll::Companies | Coll::Sites | Coll::Contacts | Coll::Agreements | Coll::Tickets)
    }

    /// The entity name in `"<Entity> <id> not found"`.
    pub(crate) fn entity(self) -> &'static str {
        match self {
            Coll::Companies => "Company",
            Coll::Sites => "Site",
            Coll::Contacts => "Contact",
            Coll::Agreements => "Agreement",
            Coll::Tickets => "Ticket",
            Coll::CompanyStatuses => "CompanyStatus",
            Coll::CompanyTypes => "CompanyType",
            Coll::ContactTypes => "ContactType",
            Coll::Relationships => "ContactRelationship",
            Coll::Departments => "ContactDepartment",
            Coll::CommunicationTypes => "CommunicationType",
            Coll::Countries => "Country",
            Coll::States => "State",
            Coll::TimeZones => "TimeZoneSetup",
            Coll::Boards => "Board",
            Coll::BoardStatuses => "BoardStatus",
            Coll::Priorities => "Priority",
            Coll::AgreementTypes => "AgreementType",
            Coll::Members => "Member",
        }
    }

    /// The lowerCamel resource name in `"<resource> object is invalid"` and `errors[].resource`.
    pub(crate) fn resource(self) -> &'static str {
        match self {
            Coll::Companies => "company",
            Coll::Sites => "companySite",
            Coll::Contacts => "contact",
            Coll::Agreements => "agreement",
            Coll::Tickets => "ticket",
            _ => "object",
        }
    }
}

/// A restriction implied by the path (sites of one company, statuses of one board).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    All,
    Company(i64),
    Board(i64),
}

impl Scope {
    pub(crate) fn admits(self, rec: &Value) -> bool {
        match self {
            Scope::All => true,
            Scope::Company(id) => json::ref_id(rec, "company") == Some(id),
            Scope::Board(id) => json::ref_id(rec, "board") == Some(id),
        }
    }
}

/// What a path addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Collection { coll: Coll, scope: Scope },
    Count { coll: Coll, scope: Scope },
    Item { coll: Coll, scope: Scope, id: i64 },
    SystemInfo,
}

fn id(seg: &str) -> Option<i64> {
    if seg.is_empty() || !seg.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    seg.parse().ok()
}

/// `[]`, `[count]` or `[{id}]` below a collection.
fn below(coll: Coll, scope: Scope, rest: &[&str]) -> Option<Target> {
    match rest {
        [] => Some(Target::Collection { coll, scope }),
        ["count"] => Some(Target::Count { coll, scope }),
        [n] => Some(Target::Item { coll, scope, id: id(n)? }),
        _ => None,
    }
}

pub(crate) fn resolve(path: &str) -> Option<Target> {
    let lower = path.to_ascii_lowercase();
    let segs: Vec<&str> = lower.split('/').filter(|s| !s.is_empty()).collect();
    let all = Scope::All;
    match segs.as_slice() {
        ["system", "info"] => Some(Target::SystemInfo),
        ["company", "companies", "statuses", rest @ ..] => below(Coll::CompanyStatuses, all, rest),
        ["company", "companies", "types", rest @ ..] => below(Coll::CompanyTypes, all, rest),
        ["company", "companies", parent, "sites", rest @ ..] => below(Coll::Sites, Scope::Company(id(parent)?), rest),
        ["company", "companies", rest @ ..] => below(Coll::Companies, all, rest),
        ["company", "contacts", "types", rest @ ..] => below(Coll::ContactTypes, all, rest),
        ["company", "contacts", "relationships", rest @ ..] => below(Coll::Relationships, all, rest),
        ["company", "contacts", "departments", rest @ ..] => below(Coll::Departments, all, rest),
        ["company", "contacts", rest @ ..] => below(Coll::Contacts, all, rest),
        ["company", "communicationtypes", rest @ ..] => below(Coll::CommunicationTypes, all, rest),
        ["company", "countries", rest @ ..] => below(Coll::Countries, all, rest),
        ["company", "states", rest @ ..] => below(Coll::States, all, rest),
        ["finance", "agreements", "types", rest @ ..] => below(Coll::AgreementTypes, all, rest),
        ["finance", "agreements", rest @ ..] => below(Coll::Agreements, all, rest),
        ["service", "tickets", rest @ ..] => below(Coll::Tickets, all, rest),
        ["service", "boards", parent, "statuses", rest @ ..] => {
            below(Coll::BoardStatuses, Scope::Board(id(parent)?), rest)
        }
        ["service", "boards", rest @ ..] => below(Coll::Boards, all, rest),
        ["service", "priorities", rest @ ..] => below(Coll::Priorities, all, rest),
        ["system", "timezonesetups", rest @ ..] => below(Coll::TimeZones, all, rest),
        ["system", "members", rest @ ..] => below(Coll::Members, all, rest),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_like_cw() {
        assert_eq!(
            resolve("/company/companies"),
            Some(Target::Collection { coll: Coll::Companies, scope: Scope::All })
        );
        assert_eq!(
            resolve("/Company/Companies/250/"),
            Some(Target::Item { coll: Coll::Companies, scope: Scope::All, id: 250 })
        );
        assert_eq!(
            resolve("/company/companies/250/sites/count"),
            Some(Target::Count { coll: Coll::Sites, scope: Scope::Company(250) })
        );
        assert_eq!(
            resolve("/service/boards/1/statuses"),
            Some(Target::Collection { coll: Coll::BoardStatuses, scope: Scope::Board(1) })
        );
        assert_eq!(resolve("/company/companies/abc"), None);
        assert_eq!(resolve("/system/info/timezones"), None);
        assert_eq!(resolve("/company/sites"), None);
    }
}
