//! POST and PUT, defaults, derived fields and whole-record validation (cw-api.md §3.2, §5, §7).
//!
//! Required on POST (and re-checked on every PATCH/PUT):
//! - company: `identifier` (letters and digits only, at most 30 characters, unique: "Company ID already in
//!   use." `ObjectExists`), `name` (at most 50), at least one address field (addressLine1, addressLine2,
//!   city, state, zip or country); `yearEstablished`/`revenueYear` between 1900 and 9999. Lengths are the
//!   2025.1 limits, the stricter of the two versions cw-api.md lists. `status` defaults to the default
//!   company status, `types` to the default company type, and a first site is created from `site.name`
//!   (default "Main") with the company's address (INFERRED in cw-api.md §5.1);
//! - site: `name`; contact: `firstName`; agreement: `name`, `type`, `company`, `contact`;
//! - ticket: `summary`, `company`, `board` (by id or name; its `status` and `priority` default to the
//!   board's default status and the default priority).
//!
//! Field errors use `MissingRequiredField` ("x is required."), `ObjectExists`, `OutOfRange` and
//! `InvalidField`; fields outside the schema are ignored on POST and PUT, as CW's JSON binding does.

use super::Store;
use super::errors::{CwError, FieldError};
use super::json::{self, ref_id, str_of};
use super::patch_apply::parse_json;
use super::refs::{RefCtx, reference};
use super::routes::{Coll, Scope};
use super::schema::{self, Kind, RefKind};
use super::{dates, json::set};
use serde_json::{Map, Value, json};

const ADDRESS_FIELDS: [&str; 6] = ["addressLine1", "addressLine2", "city", "state", "zip", "country"];

impl Store {
    /// Reads a POST/PUT body into a record of schema fields (coerced, references resolved).
    fn read_body(&self, coll: Coll, scope: Scope, body: Option<&str>, creating: bool) -> Result<Value, CwError> {
        let resource = coll.resource();
        let input = parse_json(body.unwrap_or(""))?;
        let Value::Object(input) = input else {
            return Err(CwError::conversion(&input, &format!("ConnectWise.Apis.v3_0.{}", coll.entity()), ""));
        };
        let mut ctx = RefCtx {
            company: match scope {
                Scope::Company(c) => Some(c),
                _ => None,
            },
            board: None,
        };
        let mut rec = Map::new();
        let mut errors = Vec::new();
        for &(name, kind) in schema::fields(coll) {
            let Some(key) = json::key_ci(&input, name) else { continue };
            let value = &input[key];
            match kind {
                Kind::ReadOnly | Kind::WriteOnly => continue,
                Kind::PostOnly(_) if !creating => {
                    errors.push(FieldError::invalid(
                        name,
                        format!("{name} can only be used when creating a {resource}."),
                    ));
                    continue;
                }
                _ => {}
            }
            if coll == Coll::Companies && name == "site" && creating {
                // The company's first site is created from this (see `create`).
                if let Some(n) = value.get("name").and_then(Value::as_str) {
                    rec.insert("site".into(), json!({"name": n}));
                }
                continue;
            }
            if let Some(v) = self.coerce(name, kind, value, ctx, &mut errors)? {
                if name == "company" && coll != Coll::Companies {
                    ctx.company = v["id"].as_i64();
                }
                if name == "board" {
                    ctx.board = v["id"].as_i64();
                }
                rec.insert(name.to_string(), v);
            }
        }
        if !errors.is_empty() {
            return Err(CwError::Invalid { resource, errors });
        }
        Ok(Value::Object(rec))
    }

    /// `POST` to a collection: 201 with the full record.
    pub(crate) fn create(&mut self, coll: Coll, scope: Scope, body: Option<&str>) -> Result<Value, CwError> {
        let resource = coll.resource();
        if let Scope::Company(cid) = scope
            && self.get(Coll::Companies, cid).is_none()
        {
            return Err(CwError::NotFound { entity: "Company", id: cid });
        }
        let mut rec = self.read_body(coll, scope, body, true)?;
        // typeIds (contacts, POST only) become types.
        if coll == Coll::Contacts
            && let Some(Value::Array(ids)) = rec.as_object_mut().and_then(|o| o.remove("typeIds"))
        {
            let mut types = Vec::new();
            for id in ids.iter().filter_map(Value::as_i64) {
                match self.get(Coll::ContactTypes, id) {
                    Some(t) => types.push(reference(RefKind::ContactType, t)),
                    None => {
                        return Err(CwError::invalid(
                            resource,
                            FieldError::invalid("typeIds", format!("Contact type {id} not found.")),
                        ));
                    }
                }
            }
            set(&mut rec, "types", Value::Array(types));
        }
        if let Scope::Company(cid) = scope {
            let company = self.get(Coll::Companies, cid).expect("checked above");
            set(&mut rec, "company", reference(RefKind::Company, company));
        }
        self.defaults(coll, &mut rec);
        self.finish(coll, &mut rec);
        let problems = self.validate_record(coll, &rec, None);
        if !problems.is_empty() {
            return Err(CwError::Invalid { resource, errors: problems });
        }
        set(&mut rec, "_info", self.new_info());
        let site_name = if coll == Coll::Companies {
            rec.as_object_mut().and_then(|o| o.remove("site")).and_then(|s| s["name"].as_str().map(str::to_string))
        } else {
            None
        };
        if coll == Coll::Contacts
            && self.first_contact_default
            && let Some(cid) = ref_id(&rec, "company")
            && self.contacts_by_company.get(&cid).is_none_or(|s| s.is_empty())
        {
            set(&mut rec, "defaultFlag", json!(true));
        }
        let id = self.table_mut(coll).insert(rec);
        if coll == Coll::Contacts {
            let mut rec = self.get(coll, id).cloned().expect("inserted");
            self.finish_comm_items(&mut rec, id);
            self.table_mut(coll).rows.insert(id, rec);
        }
        if coll == Coll::Companies {
            self.create_first_site(id, site_name.as_deref().unwrap_or("Main"));
        }
        self.after_write(coll, id, None);
        Ok(self.get(coll, id).cloned().expect("inserted"))
    }

    /// `PUT /…/{id}`: replaces every writable field; POST-only fields are refused.
    pub(crate) fn put(&mut self, coll: Coll, scope: Scope, id: i64, body: Option<&str>) -> Result<Value, CwError> {
        let original = self.get(coll, id).cloned().expect("checked by the caller");
        let mut rec = self.read_body(coll, scope, body, false)?;
        for keep in ["id", "_info", "types", "company", "defaultContact", "site"] {
            let keep_it = match keep {
                "company" => coll == Coll::Sites,
                "defaultContact" => coll == Coll::Companies,
                "site" => coll == Coll::Companies && rec.get("site").is_none(),
                "types" => matches!(coll, Coll::Companies | Coll::Contacts),
                _ => true,
            };
            if keep_it && let Some(v) = original.get(keep) {
                set(&mut rec, keep, v.clone());
            }
        }
        if coll == Coll::Contacts
            && let Some(Value::Array(items)) = rec.get_mut("communicationItems")
        {
            // Keep ids of items whose value did not change.
            let old: Vec<Value> =
                original.get("communicationItems").and_then(Value::as_array).cloned().unwrap_or_default();
            for item in items.iter_mut() {
                if let Some(o) =
                    old.iter().find(|o| o["value"] == item["value"] && o["type"]["id"] == item["type"]["id"])
                {
                    set(item, "id", o["id"].clone());
                }
            }
        }
        self.defaults(coll, &mut rec);
        self.store_update(coll, id, rec, &original)?;
        Ok(self.get(coll, id).cloned().expect("stored"))
    }

    /// The last step of every update (PUT and PATCH): re-validate the whole record as CW does, then
    /// stamp it, store it and update what depends on it (`defaultContact`, communication item ids).
    pub(crate) fn store_update(
        &mut self,
        coll: Coll,
        id: i64,
        mut rec: Value,
        original: &Value,
    ) -> Result<(), CwError> {
        self.finish(coll, &mut rec);
        let problems = self.validate_record(coll, &rec, Some(id));
        if !problems.is_empty() {
            return Err(CwError::Invalid { resource: coll.resource(), errors: problems });
        }
        self.touch(&mut rec);
        if coll == Coll::Contacts {
            self.finish_comm_items(&mut rec, id);
        }
        self.table_mut(coll).rows.insert(id, rec);
        self.after_write(coll, id, Some(original));
        Ok(())
    }

    /// Values CW fills in when a record is created without them.
    fn defaults(&self, coll: Coll, rec: &mut Value) {
        let mut default = |key: &str, v: Value| {
            if rec.get(key).is_none() {
                set(rec, key, v);
            }
        };
        match coll {
            Coll::Companies => {
                if let Some(s) = self.default_of(Coll::CompanyStatuses, |_| true) {
                    default("status", reference(RefKind::CompanyStatus, s));
                }
                if let Some(t) = self.default_of(Coll::CompanyTypes, |_| true) {
                    default("types", json!([reference(RefKind::CompanyType, t)]));
                }
                for f in ["leadFlag", "unsubscribeFlag", "deletedFlag", "isVendorFlag"] {
                    default(f, json!(false));
                }
            }
            Coll::Sites => {
                for f in [
                    "primaryAddressFlag",
                    "defaultShippingFlag",
                    "defaultBillingFlag",
                    "defaultMailingFlag",
                    "inactiveFlag",
                    "billSeparateFlag",
                ] {
                    default(f, json!(false));
                }
            }
            Coll::Contacts => {
                for f in [
                    "inactiveFlag",
                    "defaultFlag",
                    "defaultBillingFlag",
                    "marriedFlag",
                    "childrenFlag",
                    "unsubscribeFlag",
                    "disablePortalLoginFlag",
                ] {
                    default(f, json!(false));
                }
            }
            Coll::Agreements => {
                for (f, v) in [
                    ("cancelledFlag", json!(false)),
                    ("billAmount", json!(0.0)),
                    ("billTime", json!("Billable")),
                    ("billExpenses", json!("Billable")),
                    ("billProducts", json!("Billable")),
                    ("employeeCompRate", json!("Actual")),
                    ("employeeCompNotExceed", json!("Billing")),
                    ("invoicingCycle", json!("CalendarYear")),
                ] {
                    default(f, v);
                }
            }
            Coll::Tickets => {
                default("recordType", json!("ServiceTicket"));
                default("closedFlag", json!(false));
                default("severity", json!("Medium"));
                default("impact", json!("Medium"));
                if let Some(board) = ref_id(rec, "board")
                    && rec.get("status").is_none()
                    && let Some(s) = self.default_of(Coll::BoardStatuses, |s| ref_id(s, "board") == Some(board))
                {
                    set(rec, "status", reference(RefKind::BoardStatus, s));
                }
                if rec.get("priority").is_none()
                    && let Some(p) = self.default_of(Coll::Priorities, |_| true)
                {
                    set(rec, "priority", reference(RefKind::Priority, p));
                }
            }
            _ => {}
        }
    }

    /// Derived, read-only fields recomputed after every write.
    pub(crate) fn finish(&self, coll: Coll, rec: &mut Value) {
        match coll {
            Coll::Agreements => {
                let status = if json::flag(rec, "cancelledFlag") {
                    "Cancelled"
                } else {
                    let end = rec.get("endDate").and_then(Value::as_str).and_then(dates::parse_instant);
                    let today = dates::parse_instant(self.today());
                    match (end, today) {
                        (Some(e), Some(t)) if e < t => "Expired",
                        _ => "Active",
                    }
                };
                set(rec, "agreementStatus", json!(status));
                let open_ended = rec.get("endDate").is_none();
                set(rec, "noEndingDateFlag", json!(open_ended));
            }
            Coll::Tickets => {
                if let Some(cid) = ref_id(rec, "contact")
                    && let Some(c) = self.get(Coll::Contacts, cid)
                {
                    set(rec, "contactName", json!(json::contact_name(c)));
                    let email = c["communicationItems"].as_array().and_then(|items| {
                        items.iter().find(|i| i["communicationType"] == "Email").map(|i| i["value"].clone())
                    });
                    set(rec, "contactEmailAddress", email.unwrap_or(Value::Null));
                    set(rec, "contactPhoneNumber", c.get("defaultPhoneNbr").cloned().unwrap_or(Value::Null));
                }
                if let Some(site) = rec.get("site").and_then(|s| s.get("name")).cloned() {
                    set(rec, "siteName", site);
                }
            }
            _ => {}
        }
    }

    /// Every problem with a complete record (POST, PUT and after a PATCH).
    pub(crate) fn validate_record(&self, coll: Coll, rec: &Value, self_id: Option<i64>) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let has = |f: &str| match rec.get(f) {
            None | Some(Value::Null) => false,
            Some(Value::String(s)) => !s.trim().is_empty(),
            Some(_) => true,
        };
        let required: &[&str] = match coll {
            Coll::Companies => &["identifier", "name"],
            Coll::Sites => &["name"],
            Coll::Contacts => &["firstName"],
            Coll::Agreements => &["name", "type", "company", "contact"],
            Coll::Tickets => &["summary", "company", "board"],
            _ => &[],
        };
        for f in required {
            if !has(f) {
                errors.push(FieldError::required(f));
            }
        }
        if coll == Coll::Companies {
            let identifier = str_of(rec, "identifier");
            if !identifier.is_empty() && !identifier.chars().all(|c| c.is_ascii_alphanumeric()) {
                errors.push(FieldError::invalid("identifier", "The identifier may only contain letters and numbers."));
            }
            if !ADDRESS_FIELDS.iter().any(|f| has(f)) {
                errors.push(FieldError {
                    code: "MissingRequiredField",
                    message: "At least one address field is required -- addressLine1, addressLine2, city, state, zip and/or country.".into(),
                    field: "addressLine1".into(),
                });
            }
            if !identifier.is_empty() {
                let taken =
                    self.table(Coll::Companies).rows.iter().any(|(id, c)| {
                        Some(*id) != self_id && str_of(c, "identifier").eq_ignore_ascii_case(identifier)
                    });
                if taken {
                    errors.push(FieldError {
                        code: "ObjectExists",
                        message: "Company ID already in use.".into(),
                        field: "identifier".into(),
                    });
                }
            }
            for f in ["yearEstablished", "revenueYear"] {
                if let Some(y) = rec.get(f).and_then(Value::as_i64)
                    && !(1900..=9999).contains(&y)
                {
                    errors.push(FieldError {
                        code: "OutOfRange",
                        message: format!("The field {f} must be between 1900 and 9999."),
                        field: f.into(),
                    });
                }
            }
        }
        for &(name, kind) in schema::fields(coll) {
            if let (Kind::Str(max), Some(Value::String(s))) = (kind, rec.get(name))
                && max > 0
                && s.chars().count() > max
            {
                errors.push(FieldError::max_length(name, max));
            }
        }
        errors
    }

    /// The site CW creates with a new company, carrying the company's address.
    fn create_first_site(&mut self, company_id: i64, name: &str) {
        let company = self.get(Coll::Companies, company_id).cloned().expect("created");
        let mut site = json!({
            "name": name,
            "company": reference(RefKind::Company, &company),
            "primaryAddressFlag": true,
            "defaultShippingFlag": true,
            "defaultBillingFlag": true,
            "defaultMailingFlag": true,
            "inactiveFlag": false,
            "billSeparateFlag": false,
        });
        for f in ["addressLine1", "addressLine2", "city", "zip", "country", "phoneNumber", "faxNumber"] {
            if let Some(v) = company.get(f) {
                set(&mut site, f, v.clone());
            }
        }
        if let Some(tz) = company.get("timeZoneSetup") {
            set(&mut site, "timeZone", tz.clone());
        }
        let state = str_of(&company, "state");
        if !state.is_empty() {
            let found = self.table(Coll::States).rows.values().find(|s| {
                str_of(s, "identifier").eq_ignore_ascii_case(state) || str_of(s, "name").eq_ignore_ascii_case(state)
            });
            if let Some(s) = found {
                set(&mut site, "stateReference", reference(RefKind::State, s));
            }
        }
        set(&mut site, "_info", self.new_info());
        let site_id = self.table_mut(Coll::Sites).insert(site);
        let site_ref = json!({"id": site_id, "name": name});
        if let Some(c) = self.table_mut(Coll::Companies).rows.get_mut(&company_id) {
            set(c, "site", site_ref);
        }
    }
}
