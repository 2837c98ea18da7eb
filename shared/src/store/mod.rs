//! An in-memory ConnectWise Manage: takes an [`http::Request`](crate::http::Request) and answers what CW would.
//!
//! Demo mode runs this store inside the browser (it is plain serde_json, no clock, no threads, no
//! randomness source), and `cw-sim` serves the very same store over HTTPS, so demo and live mode differ
//! only in transport. Behaviour follows `cw-api.md`; where that document marks something as inferred,
//! the choice made here is stated in the module that implements it.
//!
//! Layout:
//! - `routes` maps a path below `/v4_6_release/apis/3.0` to a collection, a count or a record;
//! - `conditions`: the `conditions` / `childConditions` / `customFieldConditions` language
//!   (lexer, parser with CW's 400 message, evaluator);
//! - `paging`: query parameters, `orderBy`, `fields`, page-number paging with RFC 5988 `Link` headers,
//!   forward-only paging;
//! - `patch_apply`, `validate`, `refs`, `schema`: JSON Patch application, value coercion, reference
//!   resolution against the lookups, POST and whole-record validation with CW's error shape;
//! - `primary`: the company's default (primary) contact;
//! - `seed` and `generate`: the spec's eight demo clients with realistic lookups, and deterministic large
//!   tenants.
//!
//! # The primary contact
//!
//! ConnectWise models the primary contact twice: `defaultFlag` on the contact and `defaultContact` on the
//! company. cw-api.md §6 *infers* that CW clears the previous default automatically; the product spec
//! states the opposite ("CW does not auto-clear the previous primary", the console sends two PATCHes).
//! Both behaviours are available as [`PrimaryMode`]; the default is [`PrimaryMode::Manual`], as the spec
//! says, so two primaries can exist and the console's verification and repair path can be exercised.
//! In both modes `company.defaultContact` is derived: it names the lowest-id contact of that company whose
//! `defaultFlag` is true, and is absent when there is none. PATCHing `defaultContact` on the company makes
//! that contact the only default of the company (a single-valued company field), in both modes.
//!
//! # Records
//!
//! Records are `serde_json::Value` objects kept in `BTreeMap`s by id, so unknown fields survive and lists
//! come out in id order. Null values are never stored (CW omits nulls). On POST, fields that are not part
//! of the resource's schema are ignored, as ConnectWise's JSON binding ignores them (so a contact POSTed
//! with an `email` field loses it: emails live in `communicationItems`). References carry `id`, `name`
//! (and `identifier` where CW has one) but no `_info` hrefs.

mod conditions;
mod dates;
mod errors;
mod generate;
mod json;
mod paging;
mod patch_apply;
mod primary;
mod refs;
mod routes;
mod schema;
mod seed;
mod type_associations;
mod validate;

#[cfg(test)]
mod tests;

use crate::http::{Method, Request, Response};
use errors::CwError;
use routes::{Coll, Scope, Target};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The ConnectWise version the store claims in `api-current-version`.
pub const API_VERSION: &str = "2026.4";
/// The dated codebase (besides `v4_6_release`) that `/login/companyinfo` reports.
pub const DATED_CODEBASE: &str = "v2026_4";
/// The API root every store path is relative to.
pub const API_ROOT: &str = "/v4_6_release/apis/3.0";

/// How the store treats the previous primary contact when a contact gets `defaultFlag = true`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PrimaryMode {
    /// Like the product spec says of real ConnectWise: nothing is cleared, so two contacts of a company
    /// can both have `defaultFlag = true` until the client clears the old one.
    #[default]
    Manual,
    /// Like cw-api.md §6 infers: the company's previous default contact is cleared automatically.
    AutoClear,
}

/// One table of records by id.
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    pub(crate) rows: BTreeMap<i64, Value>,
    pub(crate) next_id: i64,
}

impl Table {
    fn starting_at(first_id: i64) -> Self {
        Table { rows: BTreeMap::new(), next_id: first_id }
    }

    pub(crate) fn insert(&mut self, mut record: Value) -> i64 {
        let id = match record.get("id").and_then(Value::as_i64) {
            Some(id) => id,
            None => {
                let id = self.next_id;
                if let Some(obj) = record.as_object_mut() {
                    obj.insert("id".into(), Value::from(id));
                }
                id
            }
        };
        if id >= self.next_id {
            self.next_id = id + 1;
        }
        self.rows.insert(id, record);
        id
    }
}

/// An in-memory ConnectWise tenant.
#[derive(Debug, Clone)]
pub struct Store {
    tables: Vec<Table>,
    /// company id → ids of its contacts (kept in sync on every write).
    contacts_by_company: BTreeMap<i64, std::collections::BTreeSet<i64>>,
    next_comm_id: i64,
    host: String,
    today: String,
    member: String,
    company_id: String,
    primary_mode: PrimaryMode,
    first_contact_default: bool,
    requests: u64,
}

impl Store {
    fn blank() -> Store {
        let mut tables = Vec::new();
        for coll in Coll::ALL {
            tables.push(Table::starting_at(coll.first_id()));
        }
        Store {
            tables,
            contacts_by_company: BTreeMap::new(),
            next_comm_id: 9001,
            host: "localhost".into(),
            today: "2026-01-15T09:00:00Z".into(),
            member: "APIMember".into(),
            company_id: "demo".into(),
            primary_mode: PrimaryMode::default(),
            first_contact_default: false,
            requests: 0,
        }
    }

    /// The spec's eight demo MSP clients with their contacts, sites and agreements, plus the lookups.
    pub fn demo() -> Store {
        let mut store = Store::empty_with_lookups();
        seed::demo_clients(&mut store);
        store
    }

    /// No companies, contacts, sites, agreements or tickets; all the lookups.
    pub fn empty_with_lookups() -> Store {
        let mut store = Store::blank();
        seed::lookups(&mut store);
        store
    }

    /// A large deterministic tenant: `companies` companies with `contacts_per_company` contacts each
    /// (the first of them primary), one site each, and agreements for most active companies.
    /// The same arguments always give the same data.
    pub fn generated(companies: usize, contacts_per_company: usize, seed: u64) -> Store {
        let mut store = Store::empty_with_lookups();
        generate::populate(&mut store, companies, contacts_per_company, seed);
        store
    }

    /// Sets the host used in absolute `Link` URLs (`https://{host}/v4_6_release/apis/3.0/...`);
    /// `localhost` by default. May carry a port, e.g. `127.0.0.1:8443`.
    pub fn set_host(&mut self, host: &str) {
        self.host = host.to_string();
    }

    /// The host used in `Link` URLs.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Sets "now" (`yyyy-MM-ddTHH:mm:ssZ`) for `_info` dates; the store never reads a clock.
    pub fn set_today(&mut self, iso_date_time: &str) {
        self.today = iso_date_time.to_string();
    }

    /// Sets the member name written to `_info.enteredBy` / `updatedBy` (`APIMember` by default).
    pub fn set_member(&mut self, member: &str) {
        self.member = member.to_string();
    }

    /// Sets the ConnectWise company id (login id) `/login/companyinfo` knows (`demo` by default).
    pub fn set_company_id(&mut self, company: &str) {
        self.company_id = company.to_string();
    }

    /// Chooses how a new primary contact treats the previous one (default [`PrimaryMode::Manual`]).
    pub fn set_primary_mode(&mut self, mode: PrimaryMode) {
        self.primary_mode = mode;
    }

    /// The current primary-contact mode.
    pub fn primary_mode(&self) -> PrimaryMode {
        self.primary_mode
    }

    /// When true, a company's first contact becomes its default contact automatically (unverified CW
    /// behaviour, off by default).
    pub fn set_first_contact_default(&mut self, on: bool) {
        self.first_contact_default = on;
    }

    /// How many records a collection holds, e.g. `count("/company/companies")`; `None` for unknown paths.
    pub fn count(&self, collection_path: &str) -> Option<usize> {
        match routes::resolve(collection_path)? {
            Target::Collection { coll, .. } => Some(self.table(coll).rows.len()),
            _ => None,
        }
    }

    /// `GET /login/companyinfo/{company}`: the codebase lookup, answered without authentication.
    /// An unknown company gives status 200 with the body `null`, as CW does.
    pub fn company_info(&self, company: &str) -> Response {
        let body = if company.eq_ignore_ascii_case(&self.company_id) {
            serde_json::json!({
                "CompanyName": self.company_id,
                "Codebase": format!("{DATED_CODEBASE}/"),
                "VersionCode": format!("v{API_VERSION}"),
                "VersionNumber": "v4.6.2026400",
                "CompanyID": self.company_id,
                "IsCloud": true,
            })
            .to_string()
        } else {
            "null".to_string()
        };
        Response { status: 200, headers: self.standard_headers(self.requests), body }
    }

    /// Answers one API call. `req.path` is relative to `/v4_6_release/apis/3.0`; `req.query` is URL-encoded.
    pub fn handle(&mut self, req: &Request) -> Response {
        self.requests += 1;
        let n = self.requests;
        let mut response = match self.dispatch(req) {
            Ok(r) => r,
            Err(e) => e.into_response(),
        };
        let mut headers = self.standard_headers(n);
        headers.append(&mut response.headers);
        response.headers = headers;
        response
    }

    fn standard_headers(&self, n: u64) -> Vec<(String, String)> {
        vec![
            ("content-type".into(), "application/json; charset=utf-8".into()),
            ("api-current-version".into(), API_VERSION.into()),
            ("x-cw-request-id".into(), request_id(n)),
        ]
    }

    fn dispatch(&mut self, req: &Request) -> Result<Response, CwError> {
        if let Some(route) = type_associations::route(&req.path) {
            return self.type_association_call(route, req);
        }
        let target = routes::resolve(&req.path).ok_or(CwError::NoEndpoint)?;
        let method = req.method;
        match target {
            Target::SystemInfo => {
                only(method, &[Method::Get])?;
                Ok(json_response(200, &seed::system_info()))
            }
            Target::Count { coll, scope } => {
                only(method, &[Method::Get])?;
                let params = paging::ListParams::parse(&req.query, coll, false)?;
                let n = self.filtered(coll, scope, &params).len();
                Ok(json_response(200, &serde_json::json!({ "count": n })))
            }
            Target::Collection { coll, scope } => {
                if coll.writable() {
                    only(method, &[Method::Get, Method::Post])?;
                } else {
                    only(method, &[Method::Get])?;
                }
                if method == Method::Post {
                    let created = self.create(coll, scope, req.body.as_deref())?;
                    return Ok(json_response(201, &created));
                }
                self.list(coll, scope, req)
            }
            Target::Item { coll, scope, id } => {
                if coll.writable() {
                    only(method, &[Method::Get, Method::Patch, Method::Put, Method::Delete])?;
                } else {
                    only(method, &[Method::Get])?;
                }
                let exists = self.get_scoped(coll, scope, id).is_some();
                if !exists {
                    return Err(CwError::NotFound { entity: coll.entity(), id });
                }
                match method {
                    Method::Get => {
                        let params = paging::ListParams::parse(&req.query, coll, false)?;
                        let rec = self.table(coll).rows.get(&id).expect("checked above");
                        Ok(json_response(200, &params.project(rec)))
                    }
                    Method::Patch => {
                        let updated = self.patch(coll, id, req.body.as_deref())?;
                        Ok(json_response(200, &updated))
                    }
                    Method::Put => {
                        let updated = self.put(coll, scope, id, req.body.as_deref())?;
                        Ok(json_response(200, &updated))
                    }
                    Method::Delete => {
                        self.delete(coll, id);
                        Ok(Response { status: 204, headers: Vec::new(), body: String::new() })
                    }
                    Method::Post => Err(CwError::MethodNotAllowed(method)),
                }
            }
        }
    }

    pub(crate) fn table(&self, coll: Coll) -> &Table {
        &self.tables[coll as usize]
    }

    pub(crate) fn table_mut(&mut self, coll: Coll) -> &mut Table {
        &mut self.tables[coll as usize]
    }

    pub(crate) fn get(&self, coll: Coll, id: i64) -> Option<&Value> {
        self.table(coll).rows.get(&id)
    }

    fn get_scoped(&self, coll: Coll, scope: Scope, id: i64) -> Option<&Value> {
        let rec = self.get(coll, id)?;
        scope.admits(rec).then_some(rec)
    }

    /// Inserts a record as-is (seed and generator), keeping the contact index in sync.
    pub(crate) fn insert_raw(&mut self, coll: Coll, record: Value) -> i64 {
        let id = self.table_mut(coll).insert(record);
        if coll == Coll::Contacts
            && let Some(cid) = self.get(coll, id).and_then(|c| json::ref_id(c, "company"))
        {
            self.contacts_by_company.entry(cid).or_default().insert(id);
        }
        id
    }

    pub(crate) fn new_info(&self) -> Value {
        let mut info = Map::new();
        info.insert("lastUpdated".into(), Value::from(self.today.clone()));
        info.insert("updatedBy".into(), Value::from(self.member.clone()));
        info.insert("dateEntered".into(), Value::from(self.today.clone()));
        info.insert("enteredBy".into(), Value::from(self.member.clone()));
        Value::Object(info)
    }

    pub(crate) fn touch(&self, rec: &mut Value) {
        if let Some(obj) = rec.as_object_mut() {
            let info = obj.entry("_info").or_insert_with(|| Value::Object(Map::new()));
            if let Some(info) = info.as_object_mut() {
                info.insert("lastUpdated".into(), Value::from(self.today.clone()));
                info.insert("updatedBy".into(), Value::from(self.member.clone()));
            }
        }
    }

    pub(crate) fn today(&self) -> &str {
        &self.today
    }

    fn filtered(&self, coll: Coll, scope: Scope, params: &paging::ListParams) -> Vec<&Value> {
        // The detail panel's `company/id = N` on contacts is answered from the index.
        if coll == Coll::Contacts
            && scope == Scope::All
            && let Some(cid) = params.company_id_hint()
        {
            let Some(ids) = self.contacts_by_company.get(&cid) else { return Vec::new() };
            let table = self.table(coll);
            return ids.iter().filter_map(|id| table.rows.get(id)).filter(|rec| params.matches(rec)).collect();
        }
        self.table(coll).rows.values().filter(|rec| scope.admits(rec) && params.matches(rec)).collect()
    }

    fn list(&self, coll: Coll, scope: Scope, req: &Request) -> Result<Response, CwError> {
        let forward_only = req.header("pagination-type").is_some_and(|v| v.trim().eq_ignore_ascii_case("forward-only"));
        let params = paging::ListParams::parse(&req.query, coll, forward_only)?;
        let rows = self.filtered(coll, scope, &params);
        Ok(params.respond(rows, &self.host, &req.path))
    }

    fn delete(&mut self, coll: Coll, id: i64) {
        let removed = self.table_mut(coll).rows.remove(&id);
        if coll == Coll::Contacts
            && let Some(cid) = removed.as_ref().and_then(|c| json::ref_id(c, "company"))
        {
            if let Some(set) = self.contacts_by_company.get_mut(&cid) {
                set.remove(&id);
            }
            self.sync_default_contact(cid);
        }
        if coll == Coll::Companies {
            self.contacts_by_company.remove(&id);
        }
    }
}

fn only(method: Method, allowed: &[Method]) -> Result<(), CwError> {
    if allowed.contains(&method) { Ok(()) } else { Err(CwError::MethodNotAllowed(method)) }
}

pub(crate) fn json_response(status: u16, body: &Value) -> Response {
    Response { status, headers: Vec::new(), body: body.to_string() }
}

/// A deterministic UUID-shaped request id derived from the request counter.
fn request_id(n: u64) -> String {
    let mixed = generate::SplitMix64::new(n).next_u64();
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        (mixed >> 32) as u32,
        (mixed >> 16) as u16,
        (n >> 48) as u16 & 0xfff,
        (n >> 36) as u16 & 0xfff,
        n & 0xffff_ffff_ffff
    )
}
