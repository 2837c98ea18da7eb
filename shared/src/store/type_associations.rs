//! Contact type associations: `/company/contactTypeAssociations` and `/company/contacts/{id}/typeAssociations`.
//!
//! A contact's `types` are POST-only (`typeIds`); afterwards CW changes them through associations, one per
//! contact and type. The store derives the associations from each contact's `types`, so both views always
//! agree: an association's id is `contact id × 1000 + type id` (stable across requests; type ids stay below
//! 1000 in every tenant the store makes). POST adds the type to the contact, DELETE takes it off.

use super::errors::{CwError, FieldError};
use super::routes::Coll;
use super::schema::RefKind;
use super::{Store, json_response, paging, refs};
use crate::http::{Method, Request, Response};
use serde_json::{Value, json};

const RESOURCE: &str = "contactTypeAssociation";
const ENTITY: &str = "ContactTypeAssociation";
const ID_FACTOR: i64 = 1000;

/// What an association path addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AssocRoute {
    /// The list (of one contact, under `/company/contacts/{id}/typeAssociations`).
    List(Option<i64>),
    /// `…/count`.
    Count(Option<i64>),
    /// One association.
    Item(Option<i64>, i64),
}

/// The association route of a path, if it is one.
pub(crate) fn route(path: &str) -> Option<AssocRoute> {
    let lower = path.to_ascii_lowercase();
    let segs: Vec<&str> = lower.split('/').filter(|s| !s.is_empty()).collect();
    let (contact, rest) = match segs.as_slice() {
        ["company", "contacttypeassociations", rest @ ..] => (None, rest),
        ["company", "contacts", id, "typeassociations", rest @ ..] => (Some(id.parse().ok()?), rest),
        _ => return None,
    };
    match rest {
        [] => Some(AssocRoute::List(contact)),
        ["count"] => Some(AssocRoute::Count(contact)),
        [id] => Some(AssocRoute::Item(contact, id.parse().ok()?)),
        _ => None,
    }
}

impl Store {
    /// The associations of `contact` (every contact when `None`), in id order.
    fn associations(&self, contact: Option<i64>) -> Vec<Value> {
        let table = self.table(Coll::Contacts);
        let contacts: Vec<&Value> = match contact {
            Some(id) => table.rows.get(&id).into_iter().collect(),
            None => table.rows.values().collect(),
        };
        let mut out = Vec::new();
        for c in contacts {
            let cid = c["id"].as_i64().unwrap_or(0);
            let mut types: Vec<&Value> = c["types"].as_array().map(|t| t.iter().collect()).unwrap_or_default();
            types.sort_by_key(|t| t["id"].as_i64().unwrap_or(0));
            for t in types {
                out.push(self.association(c, cid, t));
            }
        }
        out
    }

    fn association(&self, contact: &Value, cid: i64, kind: &Value) -> Value {
        let tid = kind["id"].as_i64().unwrap_or(0);
        json!({
            "id": cid * ID_FACTOR + tid,
            "contact": refs::reference(RefKind::Contact, contact),
            "type": {"id": tid, "name": kind["name"].clone()},
            "_info": contact.get("_info").cloned().unwrap_or_else(|| self.new_info()),
        })
    }

    fn find_association(&self, scope: Option<i64>, id: i64) -> Option<Value> {
        let (cid, tid) = (id / ID_FACTOR, id % ID_FACTOR);
        if scope.is_some_and(|s| s != cid) {
            return None;
        }
        self.associations(Some(cid)).into_iter().find(|a| a["type"]["id"].as_i64() == Some(tid))
    }

    /// Answers a call on an association path.
    pub(crate) fn type_association_call(&mut self, route: AssocRoute, req: &Request) -> Result<Response, CwError> {
        match route {
            AssocRoute::List(contact) | AssocRoute::Count(contact) => {
                if contact.is_some_and(|c| self.get(Coll::Contacts, c).is_none()) {
                    return Err(CwError::NotFound { entity: Coll::Contacts.entity(), id: contact.unwrap_or(0) });
                }
                let is_count = matches!(route, AssocRoute::Count(_));
                let allowed: &[Method] =
                    if is_count || contact.is_some() { &[Method::Get] } else { &[Method::Get, Method::Post] };
                super::only(req.method, allowed)?;
                if req.method == Method::Post {
                    let created = self.add_type_association(req.body.as_deref())?;
                    return Ok(json_response(201, &created));
                }
                let params = paging::ListParams::parse(&req.query, Coll::Contacts, false)?;
                let all = self.associations(contact);
                let rows: Vec<&Value> = all.iter().filter(|a| params.matches(a)).collect();
                if is_count {
                    return Ok(json_response(200, &json!({"count": rows.len()})));
                }
                Ok(params.respond(rows, &self.host, &req.path))
            }
            AssocRoute::Item(scope, id) => {
                super::only(req.method, &[Method::Get, Method::Delete])?;
                let Some(found) = self.find_association(scope, id) else {
                    return Err(CwError::NotFound { entity: ENTITY, id });
                };
                if req.method == Method::Get {
                    return Ok(json_response(200, &found));
                }
                let (cid, tid) = (id / ID_FACTOR, id % ID_FACTOR);
                let mut contact = self.get(Coll::Contacts, cid).cloned().expect("found above");
                if let Some(types) = contact.get_mut("types").and_then(Value::as_array_mut) {
                    types.retain(|t| t["id"].as_i64() != Some(tid));
                }
                self.touch(&mut contact);
                self.table_mut(Coll::Contacts).rows.insert(cid, contact);
                Ok(Response { status: 204, headers: Vec::new(), body: String::new() })
            }
        }
    }

    fn add_type_association(&mut self, body: Option<&str>) -> Result<Value, CwError> {
        let body: Value = serde_json::from_str(body.unwrap_or(""))
            .map_err(|e| CwError::BadRequest(format!("The request body is not valid JSON: {e}")))?;
        let invalid = |code: &'static str, field: &str, message: String| {
            CwError::invalid(RESOURCE, FieldError { code, message, field: field.into() })
        };
        let cid = body["contact"]["id"]
            .as_i64()
            .ok_or_else(|| CwError::invalid(RESOURCE, FieldError::required("contact")))?;
        let Some(contact) = self.get(Coll::Contacts, cid).cloned() else {
            return Err(invalid("InvalidObject", "contact", format!("Contact {cid} was not found.")));
        };
        let kind = &body["type"];
        let by_id = kind["id"].as_i64().and_then(|id| self.get(Coll::ContactTypes, id));
        let by_name = kind["name"].as_str().and_then(|name| {
            self.table(Coll::ContactTypes)
                .rows
                .values()
                .find(|t| t["description"].as_str().is_some_and(|d| d.eq_ignore_ascii_case(name.trim())))
        });
        let Some(found) = by_id.or(by_name).cloned() else {
            if kind.is_null() {
                return Err(CwError::invalid(RESOURCE, FieldError::required("type")));
            }
            return Err(invalid("InvalidObject", "type", format!("Contact type {kind} was not found.")));
        };
        let reference = refs::reference(RefKind::ContactType, &found);
        let tid = reference["id"].as_i64().unwrap_or(0);
        let has = contact["types"].as_array().is_some_and(|t| t.iter().any(|t| t["id"].as_i64() == Some(tid)));
        if has {
            return Err(invalid(
                "ObjectExists",
                "type",
                format!("The contact already has the type {}.", reference["name"].as_str().unwrap_or_default()),
            ));
        }
        let mut contact = contact;
        match contact.get_mut("types").and_then(Value::as_array_mut) {
            Some(types) => types.push(reference.clone()),
            None => {
                contact["types"] = json!([reference.clone()]);
            }
        }
        self.touch(&mut contact);
        self.table_mut(Coll::Contacts).rows.insert(cid, contact.clone());
        Ok(self.association(&contact, cid, &reference))
    }
}
