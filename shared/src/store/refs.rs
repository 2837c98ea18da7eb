//! Resolving references sent as `{id}`, `{name}` or `{identifier}` against the store, the way CW resolves
//! `board: {name: "Service Desk"}` or `company: {identifier: "ABC"}`. Names compare case-insensitively.
//! The result is the canonical reference CW returns (`{id, name}`, plus `identifier` for companies,
//! countries, states and members, `sort` for statuses and priorities).

use super::Store;
use super::json::{contact_name, ref_id, str_of, strip_nulls};
use super::routes::Coll;
use super::schema::RefKind;
use serde_json::{Map, Value, json};

/// What a reference is resolved within.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RefCtx {
    /// The company whose sites a `site` reference names.
    pub(crate) company: Option<i64>,
    /// The board whose statuses a `status` reference names.
    pub(crate) board: Option<i64>,
}

/// Why a reference did not resolve.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RefError {
    /// Not a JSON object: a conversion error (500).
    NotAnObject,
    /// An object without `id`, `name` or `identifier`.
    Empty,
    /// Nothing matches; the message names what was looked for.
    NotFound(String),
}

fn coll_of(kind: RefKind) -> Option<Coll> {
    Some(match kind {
        RefKind::Company => Coll::Companies,
        RefKind::Contact => Coll::Contacts,
        RefKind::Site => Coll::Sites,
        RefKind::CompanyStatus => Coll::CompanyStatuses,
        RefKind::CompanyType => Coll::CompanyTypes,
        RefKind::ContactType => Coll::ContactTypes,
        RefKind::Relationship => Coll::Relationships,
        RefKind::Department => Coll::Departments,
        RefKind::CommunicationType => Coll::CommunicationTypes,
        RefKind::Country => Coll::Countries,
        RefKind::State => Coll::States,
        RefKind::TimeZone => Coll::TimeZones,
        RefKind::AgreementType => Coll::AgreementTypes,
        RefKind::Agreement => Coll::Agreements,
        RefKind::Board => Coll::Boards,
        RefKind::BoardStatus => Coll::BoardStatuses,
        RefKind::Priority => Coll::Priorities,
        RefKind::Member => Coll::Members,
        RefKind::Other => return None,
    })
}

fn label(kind: RefKind) -> &'static str {
    match kind {
        RefKind::Company => "Company",
        RefKind::Contact => "Contact",
        RefKind::Site => "Site",
        RefKind::CompanyStatus => "Company status",
        RefKind::CompanyType => "Company type",
        RefKind::ContactType => "Contact type",
        RefKind::Relationship => "Relationship",
        RefKind::Department => "Department",
        RefKind::CommunicationType => "Communication type",
        RefKind::Country => "Country",
        RefKind::State => "State",
        RefKind::TimeZone => "Time zone",
        RefKind::AgreementType => "Agreement type",
        RefKind::Agreement => "Agreement",
        RefKind::Board => "Service board",
        RefKind::BoardStatus => "Status",
        RefKind::Priority => "Priority",
        RefKind::Member => "Member",
        RefKind::Other => "Reference",
    }
}

/// The name field of a lookup record (contact and communication types use `description`).
fn name_of(kind: RefKind, rec: &Value) -> String {
    match kind {
        RefKind::Contact => contact_name(rec),
        RefKind::ContactType | RefKind::CommunicationType => str_of(rec, "description").to_string(),
        _ => str_of(rec, "name").to_string(),
    }
}

/// The canonical reference to a record.
pub(crate) fn reference(kind: RefKind, rec: &Value) -> Value {
    let id = rec.get("id").cloned().unwrap_or(Value::Null);
    let name = name_of(kind, rec);
    let mut out = match kind {
        RefKind::Company | RefKind::Member | RefKind::State | RefKind::Country => {
            json!({"id": id, "identifier": rec.get("identifier").cloned().unwrap_or(Value::Null), "name": name})
        }
        RefKind::BoardStatus => {
            json!({"id": id, "name": name, "Sort": rec.get("sortOrder").cloned().unwrap_or(json!(0))})
        }
        RefKind::Priority => json!({
            "id": id, "name": name,
            "sort": rec.get("sortOrder").cloned().unwrap_or(Value::Null),
            "level": rec.get("level").cloned().unwrap_or(Value::Null),
        }),
        _ => json!({"id": id, "name": name}),
    };
    strip_nulls(&mut out);
    out
}

impl Store {
    /// Resolves a reference value within `ctx`.
    pub(crate) fn resolve_ref(&self, kind: RefKind, value: &Value, ctx: RefCtx) -> Result<Value, RefError> {
        let Value::Object(obj) = value else { return Err(RefError::NotAnObject) };
        let Some(coll) = coll_of(kind) else {
            let mut v = Value::Object(obj.clone());
            strip_nulls(&mut v);
            return Ok(v);
        };
        let id = obj.get("id").and_then(|v| v.as_i64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok())));
        let name = obj.get("name").and_then(Value::as_str);
        let identifier = obj.get("identifier").and_then(Value::as_str);
        if id.is_none() && name.is_none() && identifier.is_none() {
            return Err(RefError::Empty);
        }
        let in_scope = |rec: &Value| match kind {
            RefKind::Site => ctx.company.is_none_or(|c| ref_id(rec, "company") == Some(c)),
            RefKind::BoardStatus => ctx.board.is_none_or(|b| ref_id(rec, "board") == Some(b)),
            _ => true,
        };
        let table = self.table(coll);
        let found = if let Some(id) = id {
            table.rows.get(&id).filter(|r| in_scope(r))
        } else if let Some(ident) = identifier {
            table.rows.values().find(|r| in_scope(r) && str_of(r, "identifier").eq_ignore_ascii_case(ident))
        } else {
            let name = name.unwrap_or_default().trim();
            table.rows.values().find(|r| in_scope(r) && name_of(kind, r).eq_ignore_ascii_case(name))
        };
        match found {
            Some(rec) => Ok(reference(kind, rec)),
            None => {
                let what = match (id, identifier, name) {
                    (Some(id), _, _) => format!("{} {id} not found.", label(kind)),
                    (_, Some(i), _) => format!("{} with identifier '{i}' not found.", label(kind)),
                    (_, _, n) => format!("{} '{}' not found.", label(kind), n.unwrap_or_default()),
                };
                Err(RefError::NotFound(what))
            }
        }
    }

    /// The record a lookup's `defaultFlag` marks (e.g. the default company status).
    pub(crate) fn default_of(&self, coll: Coll, scope: impl Fn(&Value) -> bool) -> Option<&Value> {
        let rows = self.table(coll).rows.values().filter(|r| scope(r));
        let mut first = None;
        for r in rows {
            if r.get("defaultFlag").and_then(Value::as_bool) == Some(true) {
                return Some(r);
            }
            first.get_or_insert(r);
        }
        first
    }
}

/// An empty JSON object.
pub(crate) fn obj() -> Value {
    Value::Object(Map::new())
}
