//! Value coercion (shared by POST, PUT and PATCH) and JSON Patch application (cw-api.md §4).
//!
//! - The body must be a JSON array of `{op, path, value}`; anything else is CW's 500 conversion error.
//! - `replace` and `add` set, `remove` clears; `test`, `move` and `copy` are refused with a 400.
//! - Paths match the schema's field names exactly (RFC 6902 is case-sensitive), with or without a
//!   leading `/`. An unknown field is a 400 naming the path segment (.NET JsonPatch's wording).
//! - Nested paths on references (`status/id`, `status/name`, `company/identifier`) resolve the reference
//!   by that key; a reference value (`{"id":N}`, `{"name":…}`, `{"identifier":…}`) is resolved against
//!   the lookups; an unknown one is a 400 InvalidObject.
//! - String values are coerced to the field type (`"42"` → 42, `"true"` → true); an impossible
//!   conversion is CW's 500 "Error converting value …".
//! - `types` / `typeIds` are POST-only: "… can only be used when creating".
//! - After the operations the whole record is validated again (a PATCH can fail on a field it never
//!   touched) and the full record is returned.

use super::Store;
use super::dates::{format_instant, parse_instant};
use super::errors::{CwError, FieldError};
use super::json::{self, ref_id};
use super::refs::{RefCtx, RefError};
use super::routes::Coll;
use super::schema::{self, Kind, RefKind};
use serde_json::{Map, Value, json};

impl Store {
    /// Converts a client value to what is stored for a field; `Ok(None)` means "clear the field".
    /// Unresolvable references are pushed to `errors`.
    pub(crate) fn coerce(
        &self,
        field: &str,
        kind: Kind,
        value: &Value,
        ctx: RefCtx,
        errors: &mut Vec<FieldError>,
    ) -> Result<Option<Value>, CwError> {
        if value.is_null() {
            return Ok(None);
        }
        let conv = || CwError::conversion(value, schema::type_name(kind), field);
        let out = match kind {
            Kind::Int => match value {
                Value::Number(n) if n.is_i64() => value.clone(),
                Value::Number(n) if n.as_f64().is_some_and(|f| f.fract() == 0.0) => {
                    json!(n.as_f64().unwrap_or(0.0) as i64)
                }
                Value::String(s) if s.trim().is_empty() => return Ok(None),
                Value::String(s) => json!(s.trim().parse::<i64>().map_err(|_| conv())?),
                _ => return Err(conv()),
            },
            Kind::Num => match value {
                Value::Number(_) => value.clone(),
                Value::String(s) if s.trim().is_empty() => return Ok(None),
                Value::String(s) => json!(s.trim().parse::<f64>().map_err(|_| conv())?),
                _ => return Err(conv()),
            },
            Kind::Str(_) | Kind::WriteOnly => match value {
                Value::String(s) if s.is_empty() => return Ok(None),
                Value::String(_) => value.clone(),
                Value::Number(n) => json!(n.to_string()),
                Value::Bool(b) => json!(if *b { "True" } else { "False" }),
                _ => return Err(conv()),
            },
            Kind::Bool => match value {
                Value::Bool(_) => value.clone(),
                Value::String(s) if s.eq_ignore_ascii_case("true") => json!(true),
                Value::String(s) if s.eq_ignore_ascii_case("false") => json!(false),
                Value::Number(n) if n.as_i64().is_some() => json!(n.as_i64() != Some(0)),
                _ => return Err(conv()),
            },
            Kind::Date => match value {
                Value::String(s) if s.trim().is_empty() => return Ok(None),
                Value::String(s) => json!(format_instant(parse_instant(s).ok_or_else(conv)?)),
                _ => return Err(conv()),
            },
            Kind::Enum(options) => match value {
                Value::String(s) => {
                    let hit = options.iter().find(|o| o.eq_ignore_ascii_case(s.trim())).ok_or_else(conv)?;
                    json!(hit)
                }
                _ => return Err(conv()),
            },
            Kind::Ref(k) => match self.resolve_ref(k, value, ctx) {
                Ok(v) => v,
                Err(RefError::NotAnObject) => return Err(conv()),
                Err(RefError::Empty) if k == RefKind::Other => value.clone(),
                Err(RefError::Empty) => {
                    errors.push(FieldError::invalid(field, format!("{field} requires an id, name or identifier.")));
                    return Ok(None);
                }
                Err(RefError::NotFound(msg)) => {
                    errors.push(FieldError::invalid(field, msg));
                    return Ok(None);
                }
            },
            Kind::RefList(k) => {
                let Value::Array(items) = value else { return Err(conv()) };
                let mut out = Vec::new();
                for item in items {
                    match self.resolve_ref(k, item, ctx) {
                        Ok(v) => out.push(v),
                        Err(RefError::NotAnObject) => return Err(conv()),
                        Err(RefError::Empty) => {
                            errors.push(FieldError::invalid(field, format!("{field} requires an id or name.")))
                        }
                        Err(RefError::NotFound(msg)) => errors.push(FieldError::invalid(field, msg)),
                    }
                }
                Value::Array(out)
            }
            Kind::IntList => {
                let Value::Array(items) = value else { return Err(conv()) };
                let mut out = Vec::new();
                for item in items {
                    out.push(self.coerce(field, Kind::Int, item, ctx, errors)?.unwrap_or(Value::Null));
                }
                Value::Array(out)
            }
            Kind::StrList => match value {
                Value::Array(items) if items.iter().all(Value::is_string) => value.clone(),
                _ => return Err(conv()),
            },
            Kind::CustomFields => match value {
                Value::Array(_) => {
                    let mut v = value.clone();
                    json::strip_nulls(&mut v);
                    v
                }
                _ => return Err(conv()),
            },
            Kind::CommItems => self.comm_items(value, errors)?,
            Kind::PostOnly(inner) => return self.coerce(field, *inner, value, ctx, errors),
            Kind::ReadOnly => return Ok(None),
        };
        Ok(Some(out))
    }

    /// `communicationItems`: each item's `type` resolves against `/company/communicationTypes` (or is
    /// chosen from `communicationType`), `communicationType` and `domain` are derived, the first item of
    /// each kind defaults to `defaultFlag = true`. Ids are assigned when the record is stored.
    fn comm_items(&self, value: &Value, errors: &mut Vec<FieldError>) -> Result<Value, CwError> {
        let conv = || CwError::conversion(value, schema::type_name(Kind::CommItems), "communicationItems");
        let Value::Array(items) = value else { return Err(conv()) };
        let mut out = Vec::new();
        let mut seen_default = [false; 3];
        for item in items {
            let Value::Object(obj) = item else { return Err(conv()) };
            let ctype = match obj.get("type") {
                Some(t @ Value::Object(_)) => {
                    match self.resolve_ref(RefKind::CommunicationType, t, RefCtx::default()) {
                        Ok(r) => self.get(Coll::CommunicationTypes, r["id"].as_i64().unwrap_or(0)).cloned(),
                        Err(RefError::NotFound(msg)) => {
                            errors.push(FieldError::invalid("communicationItems", msg));
                            continue;
                        }
                        Err(_) => return Err(conv()),
                    }
                }
                Some(Value::Null) | None => {
                    let wanted = obj.get("communicationType").and_then(Value::as_str).unwrap_or("");
                    let flag = match wanted.to_ascii_lowercase().as_str() {
                        "email" => "emailFlag",
                        "fax" => "faxFlag",
                        "phone" => "phoneFlag",
                        _ => "",
                    };
                    self.table(Coll::CommunicationTypes).rows.values().find(|t| json::flag(t, flag)).cloned()
                }
                Some(_) => return Err(conv()),
            };
            let Some(ctype) = ctype else {
                errors.push(FieldError::required("communicationItems.type"));
                continue;
            };
            let value_text = match obj.get("value") {
                Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
                Some(Value::Number(n)) => n.to_string(),
                _ => {
                    errors.push(FieldError::required("communicationItems.value"));
                    continue;
                }
            };
            let kind = if json::flag(&ctype, "emailFlag") {
                "Email"
            } else if json::flag(&ctype, "faxFlag") {
                "Fax"
            } else {
                "Phone"
            };
            let slot = match kind {
                "Email" => 0,
                "Fax" => 1,
                _ => 2,
            };
            let default = match obj.get("defaultFlag") {
                Some(Value::Bool(b)) => *b,
                _ => !seen_default[slot],
            };
            if default {
                seen_default[slot] = true;
            }
            let mut it = Map::new();
            if let Some(id) = obj.get("id").and_then(Value::as_i64) {
                it.insert("id".into(), json!(id));
            }
            it.insert("type".into(), json!({"id": ctype["id"], "name": ctype["description"]}));
            if kind == "Email"
                && let Some(at) = value_text.find('@')
            {
                it.insert("domain".into(), json!(&value_text[at..]));
            }
            it.insert("value".into(), json!(value_text));
            if let Some(ext) = obj.get("extension").and_then(Value::as_str).filter(|e| !e.is_empty()) {
                it.insert("extension".into(), json!(ext));
            }
            it.insert("defaultFlag".into(), json!(default));
            it.insert("communicationType".into(), json!(kind));
            out.push(Value::Object(it));
        }
        Ok(Value::Array(out))
    }

    /// Assigns ids to new communication items and derives `defaultPhone*`.
    pub(crate) fn finish_comm_items(&mut self, contact: &mut Value, contact_id: i64) {
        let mut next = self.next_comm_id;
        if let Some(Value::Array(items)) = contact.get_mut("communicationItems") {
            for item in items.iter_mut() {
                if item.get("id").and_then(Value::as_i64).is_none() {
                    json::set(item, "id", json!(next));
                    next += 1;
                }
                json::set(item, "contactId", json!(contact_id));
            }
        }
        self.next_comm_id = next;
        let phone = contact.get("communicationItems").and_then(Value::as_array).and_then(|items| {
            items.iter().filter(|i| i["communicationType"] == "Phone").find(|i| json::flag(i, "defaultFlag")).cloned()
        });
        for k in ["defaultPhoneType", "defaultPhoneNbr", "defaultPhoneExtension"] {
            json::set(contact, k, Value::Null);
        }
        if let Some(p) = phone {
            json::set(contact, "defaultPhoneType", p["type"]["name"].clone());
            json::set(contact, "defaultPhoneNbr", p["value"].clone());
            json::set(contact, "defaultPhoneExtension", p.get("extension").cloned().unwrap_or(Value::Null));
        }
    }

    /// `PATCH /…/{id}` with a JSON Patch array.
    pub(crate) fn patch(&mut self, coll: Coll, id: i64, body: Option<&str>) -> Result<Value, CwError> {
        let resource = coll.resource();
        let ops = match parse_json(body.unwrap_or(""))? {
            Value::Array(ops) => ops,
            other => {
                return Err(CwError::Conversion(format!(
                    "Cannot deserialize the current JSON value {} into type 'System.Collections.Generic.List`1[ConnectWise.Apis.v3_0.PatchOperation]' because the type requires a JSON array (e.g. [1,2,3]) to deserialize correctly. Path '', line 1, position 1.",
                    json::dotnet_repr(&other)
                )));
            }
        };
        let original = self.get(coll, id).cloned().expect("checked by the caller");
        let mut rec = original.clone();
        let mut ctx = RefCtx {
            company: if coll == Coll::Companies { Some(id) } else { ref_id(&rec, "company") },
            board: ref_id(&rec, "board"),
        };
        let mut errors = Vec::new();
        let mut default_contact: Option<Option<i64>> = None;
        for op in &ops {
            let Value::Object(o) = op else {
                return Err(CwError::conversion(op, "ConnectWise.Apis.v3_0.PatchOperation", "[0]"));
            };
            let op_name = o.get("op").and_then(Value::as_str).unwrap_or("").to_ascii_lowercase();
            let path = o.get("path").and_then(Value::as_str).unwrap_or("");
            let value = o.get("value").unwrap_or(&Value::Null);
            let remove = match op_name.as_str() {
                "replace" | "add" => false,
                "remove" => true,
                other => {
                    return Err(CwError::BadRequest(format!(
                        "The patch operation '{other}' is not supported. Use add, replace or remove."
                    )));
                }
            };
            let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
            let first = segs[0];
            let Some(kind) = schema::field(coll, first) else {
                return Err(not_found_segment(first));
            };
            match kind {
                Kind::PostOnly(_) => {
                    return Err(CwError::invalid(
                        resource,
                        FieldError::invalid(first, format!("{first} can only be used when creating a {resource}.")),
                    ));
                }
                Kind::ReadOnly => {
                    return Err(CwError::invalid(
                        resource,
                        FieldError::invalid(first, format!("{first} is read only.")),
                    ));
                }
                Kind::WriteOnly => continue,
                _ => {}
            }
            let new_value = match (segs.len(), kind) {
                (_, _) if remove => None,
                (1, _) => self.coerce(first, kind, value, ctx, &mut errors)?,
                (2, Kind::Ref(k)) => {
                    let sub = segs[1];
                    if ["id", "name", "identifier"].contains(&sub) {
                        let mut key = Map::new();
                        key.insert(sub.to_string(), value.clone());
                        self.coerce(first, Kind::Ref(k), &Value::Object(key), ctx, &mut errors)?
                    } else if k == RefKind::Other {
                        let mut cur = rec.get(first).cloned().unwrap_or_else(super::refs::obj);
                        json::set(&mut cur, sub, value.clone());
                        Some(cur)
                    } else {
                        return Err(not_found_segment(sub));
                    }
                }
                (_, _) => return Err(not_found_segment(segs.get(1).copied().unwrap_or(first))),
            };
            if coll == Coll::Companies && first == "defaultContact" {
                let wanted = new_value.as_ref().and_then(|v| v["id"].as_i64());
                if let Some(cid) = wanted {
                    let belongs = self.get(Coll::Contacts, cid).and_then(|c| ref_id(c, "company")) == Some(id);
                    if !belongs {
                        errors.push(FieldError::invalid(
                            "defaultContact",
                            format!("Contact {cid} does not belong to this company."),
                        ));
                    }
                }
                default_contact = Some(wanted);
            }
            if first == "company" {
                ctx.company = new_value.as_ref().and_then(|v| v["id"].as_i64());
            }
            if first == "board" {
                ctx.board = new_value.as_ref().and_then(|v| v["id"].as_i64());
            }
            json::set(&mut rec, first, new_value.unwrap_or(Value::Null));
        }
        if !errors.is_empty() {
            return Err(CwError::Invalid { resource, errors });
        }
        self.store_update(coll, id, rec, &original)?;
        if let Some(choice) = default_contact {
            self.make_only_default(id, choice);
        }
        Ok(self.get(coll, id).cloned().expect("just stored"))
    }
}

fn not_found_segment(seg: &str) -> CwError {
    CwError::BadRequest(format!("The target location specified by path segment '{seg}' was not found."))
}

/// Parses a request body as JSON, answering like Json.NET does when it cannot.
pub(crate) fn parse_json(body: &str) -> Result<Value, CwError> {
    if body.trim().is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    serde_json::from_str(body).map_err(|e| {
        let c = body.trim_start().chars().next().unwrap_or(' ');
        CwError::Conversion(format!(
            "Unexpected character encountered while parsing value: {c}. Path '', line {}, position {}.",
            e.line(),
            e.column()
        ))
    })
}
