//! The one place that names every ConnectWise call the console makes.
//!
//! Each function returns a [`Call<T>`]: the [`Request`] to send (path relative to [`API_ROOT`], query already
//! encoded, JSON body) and, through `T`, the type the answer decodes into. [`Call::parse`] turns the
//! [`Response`] into `T` or an [`ApiError`]. The frontend, the simulator and the tests all use these
//! functions, so they agree on method, path, query and body; [`catalogue`] lists them for docs and routing.
//!
//! One call lives outside the API root: `GET /login/companyinfo/{companyId}` (no auth; it tells the codebase).
//! Its [`Call::root`] is [`Root::Host`]; use [`Call::full_path`] to get the path from the host root for any call.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::marker::PhantomData;

use crate::http::{Method, Request, Response};
use crate::ids::{AgreementId, CompanyId, ContactId, SiteId, TicketId};
use crate::model::{
    Agreement, AgreementType, Board, BoardStatus, CommunicationType, Company, CompanyInfo, CompanyStatus, CompanyType,
    Contact, ContactDepartment, ContactRelationship, ContactType, ContactTypeAssociation, Count, Country, ErrorBody,
    NewAgreement, NewCompany, NewContact, NewSite, NewTicket, Priority, Site, State, SystemInfo, Ticket, TimeZoneSetup,
    ValidationError,
};
use crate::patch::PatchOp;
use crate::query::{Condition, Order, Page, QueryString, encode};

pub use crate::query::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

/// Where every API path is rooted on a ConnectWise host (`v4_6_release` works as the codebase everywhere).
pub const API_ROOT: &str = "/v4_6_release/apis/3.0";

/// Where a call's path is rooted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Root {
    /// Below [`API_ROOT`]: every call but one.
    Api,
    /// Below the host root: `/login/companyinfo/{companyId}`.
    Host,
}

/// A ConnectWise call: the request, where its path is rooted, and (as `T`) what the answer decodes into.
pub struct Call<T> {
    /// The request; its `path` is relative to [`Call::root`].
    pub request: Request,
    /// Where `request.path` is rooted.
    pub root: Root,
    expect: PhantomData<fn() -> T>,
}

impl<T> Clone for Call<T> {
    fn clone(&self) -> Self {
        Self { request: self.request.clone(), root: self.root, expect: PhantomData }
    }
}

impl<T> fmt::Debug for Call<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("request", &self.request)
            .field("root", &self.root)
            .field("expect", &std::any::type_name::<T>())
            .finish()
    }
}

impl<T> PartialEq for Call<T> {
    fn eq(&self, other: &Self) -> bool {
        self.request == other.request && self.root == other.root
    }
}

impl<T> Call<T> {
    fn api(request: Request) -> Self {
        Self { request, root: Root::Api, expect: PhantomData }
    }

    /// The path and query from the host root: `/v4_6_release/apis/3.0/company/companies?...`, or
    /// `/login/companyinfo/...` for [`Root::Host`].
    pub fn full_path(&self) -> String {
        match self.root {
            Root::Api => format!("{API_ROOT}{}", self.request.path_and_query()),
            Root::Host => self.request.path_and_query(),
        }
    }

    /// The request, to hand to a transport.
    pub fn into_request(self) -> Request {
        self.request
    }
}

impl<T: DeserializeOwned> Call<T> {
    /// Decodes the answer: `T` for a 2xx, else the [`ApiError`] it stands for.
    pub fn parse(&self, response: &Response) -> Result<T, ApiError> {
        parse_response(response)
    }
}

/// Decodes a ConnectWise answer into `T` (2xx) or an [`ApiError`].
pub fn parse_response<T: DeserializeOwned>(response: &Response) -> Result<T, ApiError> {
    if response.is_success() {
        // A 204 has no body: it decodes as `null`, which is what `()` reads.
        let body = if response.body.trim().is_empty() { "null" } else { response.body.as_str() };
        return serde_json::from_str(body)
            .map_err(|e| ApiError::Decode { status: response.status, message: e.to_string() });
    }
    let body = serde_json::from_str::<ErrorBody>(&response.body).ok().filter(|b| !b.code.is_empty());
    if response.status == 429 {
        let retry_after = response.header("retry-after").and_then(|v| v.trim().parse().ok());
        return Err(ApiError::RateLimited { retry_after, body });
    }
    Err(match body {
        Some(body) => ApiError::ConnectWise { status: response.status, body },
        None => ApiError::Http { status: response.status, body: response.body.chars().take(300).collect() },
    })
}

/// Why a call failed, in a form a technician can act on (`Display`).
///
/// Serializable, so a stopped run can keep its error in a journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ApiError {
    /// ConnectWise answered with its error body (`400 InvalidObject`, `404 NotFound`, `401`...).
    ConnectWise {
        /// The HTTP status.
        status: u16,
        /// CW's `{code, message, errors}`.
        body: ErrorBody,
    },
    /// 429: too many requests. Wait `retry_after` seconds (CW sends a numeric `Retry-After`).
    RateLimited {
        /// Seconds to wait, from `Retry-After`.
        retry_after: Option<u32>,
        /// CW's error body, if the 429 came from CW rather than from Cloudflare in front of it.
        body: Option<ErrorBody>,
    },
    /// A non-2xx answer that is not CW's error shape (a proxy error page, Cloudflare, HTML).
    Http {
        /// The HTTP status.
        status: u16,
        /// The start of the body.
        body: String,
    },
    /// A 2xx whose body is not the expected record.
    Decode {
        /// The HTTP status.
        status: u16,
        /// The decoder's complaint.
        message: String,
    },
    /// The request never got an answer (network, proxy down). Made by transports, not by [`parse_response`].
    Transport {
        /// What went wrong.
        message: String,
    },
}

impl ApiError {
    /// The HTTP status, when there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::ConnectWise { status, .. } | ApiError::Http { status, .. } | ApiError::Decode { status, .. } => {
                Some(*status)
            }
            ApiError::RateLimited { .. } => Some(429),
            ApiError::Transport { .. } => None,
        }
    }

    /// CW's error body, if it sent one.
    pub fn body(&self) -> Option<&ErrorBody> {
        match self {
            ApiError::ConnectWise { body, .. } => Some(body),
            ApiError::RateLimited { body, .. } => body.as_ref(),
            _ => None,
        }
    }

    /// CW's per-field validation errors (empty when none), to show next to form fields.
    pub fn field_errors(&self) -> &[ValidationError] {
        self.body().map(ErrorBody::field_errors).unwrap_or_default()
    }

    /// True for failures worth retrying unchanged: 429, 5xx other than a conversion error, and transport errors.
    pub fn is_retryable(&self) -> bool {
        match self {
            ApiError::RateLimited { .. } | ApiError::Transport { .. } => true,
            ApiError::ConnectWise { status, body } => {
                *status >= 500 && !body.message.as_deref().unwrap_or_default().starts_with("Error converting value")
            }
            ApiError::Http { status, .. } => matches!(status, 502..=504),
            ApiError::Decode { .. } => false,
        }
    }

    /// True when the credentials (or the API member's role) are the problem: 401, 403, or CW's
    /// `UserNotAuthenticated`.
    pub fn is_auth(&self) -> bool {
        matches!(self.status(), Some(401 | 403))
            || self.body().is_some_and(|b| b.message.as_deref() == Some("UserNotAuthenticated"))
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::ConnectWise { status: 403, body } => {
                write!(f, "ConnectWise refused the call: the API member's security role does not allow it ({body}).")
            }
            error @ ApiError::ConnectWise { body, .. } if error.is_auth() => write!(
                f,
                "ConnectWise rejected the credentials ({body}). Check the company id, public key, private key and client id."
            ),
            ApiError::ConnectWise { status: 404, body } if body.message.as_deref() == Some(ENDPOINT_MISSING) => {
                write!(f, "{body} On ConnectWise cloud this can also mean wrong credentials or a wrong site/codebase.")
            }
            ApiError::ConnectWise { status, body } if *status >= 500 => {
                write!(f, "{body} (ConnectWise server error {status}; try again)")
            }
            ApiError::ConnectWise { body, .. } => write!(f, "{body}"),
            ApiError::RateLimited { retry_after: Some(seconds), .. } => {
                write!(f, "ConnectWise is rate-limiting requests; retrying in {seconds} s.")
            }
            ApiError::RateLimited { retry_after: None, .. } => {
                f.write_str("ConnectWise is rate-limiting requests; wait a moment and retry.")
            }
            ApiError::Http { status, body } if body.trim().is_empty() => write!(f, "HTTP {status} with no body"),
            ApiError::Http { status, body } => write!(f, "HTTP {status}: {}", body.trim()),
            ApiError::Decode { status, message } => {
                write!(f, "Unexpected answer from ConnectWise (HTTP {status}): {message}")
            }
            ApiError::Transport { message } => write!(f, "Could not reach ConnectWise: {message}"),
        }
    }
}

impl std::error::Error for ApiError {}

/// CW's message for an unrouted path; cloud instances also answer it for bad authentication.
const ENDPOINT_MISSING: &str = "The endpoint does not exist.";

// ---------------------------------------------------------------------------------------------------------------
// Request builders

fn get<T>(path: String, query: QueryString) -> Call<T> {
    Call::api(Request::new(Method::Get, path).with_query(query.to_string()))
}

fn post<T>(path: String, body: &impl Serialize) -> Call<T> {
    let json = serde_json::to_string(body).unwrap_or_else(|_| "{}".into());
    Call::api(Request::new(Method::Post, path).with_body(json))
}

fn patch<T>(path: String, ops: &[PatchOp]) -> Call<T> {
    Call::api(Request::new(Method::Patch, path).with_body(crate::patch::to_json(ops)))
}

fn delete(path: String) -> Call<()> {
    Call::api(Request::new(Method::Delete, path))
}

/// The first few matches of a search: enough to say "already exists" or to find a lost record.
const FIND_PAGE: Page = Page { number: 1, size: 25 };

fn lookup<T>(path: &str) -> Call<T> {
    get(path.to_owned(), QueryString::new().page_size(MAX_PAGE_SIZE))
}

/// `deletedFlag=false`: CW lists soft-deleted companies unless told not to; AND this into company filters.
pub fn not_deleted() -> Condition {
    Condition::eq("deletedFlag", false)
}

/// `company/id=N`, the filter for a company's contacts and agreements.
pub fn of_company(company: CompanyId) -> Condition {
    Condition::eq("company/id", company)
}

// Companies

/// `GET /company/companies?conditions=…&orderBy=name asc&page=…&pageSize=…`.
pub fn list_companies(filter: Option<&Condition>, page: Page) -> Call<Vec<Company>> {
    let query = QueryString::new().maybe_conditions(filter).order_by("name", Order::Asc).page(page);
    get("/company/companies".into(), query)
}

/// `GET /company/companies/count?conditions=…`.
pub fn count_companies(filter: Option<&Condition>) -> Call<Count> {
    get("/company/companies/count".into(), QueryString::new().maybe_conditions(filter))
}

/// `GET /company/companies/{id}`.
pub fn get_company(id: CompanyId) -> Call<Company> {
    get(format!("/company/companies/{id}"), QueryString::new())
}

/// `PATCH /company/companies/{id}` with a JSON Patch array; answers the full record.
pub fn patch_company(id: CompanyId, ops: &[PatchOp]) -> Call<Company> {
    patch(format!("/company/companies/{id}"), ops)
}

/// `POST /company/companies`; answers 201 with the created record.
pub fn post_company(company: &NewCompany) -> Call<Company> {
    post("/company/companies".into(), company)
}

/// `DELETE /company/companies/{id}` (204): the onboarding rollback.
pub fn delete_company(id: CompanyId) -> Call<()> {
    delete(format!("/company/companies/{id}"))
}

// Contacts (there is no /company/companies/{id}/contacts: contacts are filtered by company/id)

/// `GET /company/contacts?conditions=…&page=…&pageSize=…`.
pub fn list_contacts(filter: Option<&Condition>, page: Page) -> Call<Vec<Contact>> {
    get("/company/contacts".into(), QueryString::new().maybe_conditions(filter).page(page))
}

/// `GET /company/contacts?conditions=company/id=N&page=…&pageSize=…`.
pub fn list_company_contacts(company: CompanyId, page: Page) -> Call<Vec<Contact>> {
    list_contacts(Some(&of_company(company)), page)
}

/// `GET /company/contacts/count?conditions=…`.
pub fn count_contacts(filter: Option<&Condition>) -> Call<Count> {
    get("/company/contacts/count".into(), QueryString::new().maybe_conditions(filter))
}

/// `GET /company/contacts/count?conditions=company/id=N`.
pub fn count_company_contacts(company: CompanyId) -> Call<Count> {
    count_contacts(Some(&of_company(company)))
}

/// `GET /company/contacts/{id}`.
pub fn get_contact(id: ContactId) -> Call<Contact> {
    get(format!("/company/contacts/{id}"), QueryString::new())
}

/// `PATCH /company/contacts/{id}` (edits, primary changes, bulk updates: one call per contact).
pub fn patch_contact(id: ContactId, ops: &[PatchOp]) -> Call<Contact> {
    patch(format!("/company/contacts/{id}"), ops)
}

/// `POST /company/contacts`.
pub fn post_contact(contact: &NewContact) -> Call<Contact> {
    post("/company/contacts".into(), contact)
}

/// `GET /company/contacts?childConditions=communicationItems/value="…" AND
/// communicationItems/communicationType="Email"`: the contacts that have this email address.
pub fn find_contacts_by_email(email: &str) -> Call<Vec<Contact>> {
    let child = Condition::eq("communicationItems/value", email.trim())
        .and(Condition::eq("communicationItems/communicationType", "Email"));
    get("/company/contacts".into(), QueryString::new().child_conditions(&child).page(FIND_PAGE))
}

/// `DELETE /company/contacts/{id}` (204): the onboarding rollback.
pub fn delete_contact(id: ContactId) -> Call<()> {
    delete(format!("/company/contacts/{id}"))
}

// Contact type associations (how an existing contact's types change: `types` is POST-only)

/// `GET /company/contactTypeAssociations?conditions=contact/id=N&pageSize=1000`: the contact's types, with
/// the association ids a removal needs.
pub fn contact_type_associations(contact: ContactId) -> Call<Vec<ContactTypeAssociation>> {
    get(
        "/company/contactTypeAssociations".into(),
        QueryString::new().conditions(&Condition::eq("contact/id", contact)).page_size(MAX_PAGE_SIZE),
    )
}

/// `POST /company/contactTypeAssociations` `{"contact":{"id":N},"type":{"id":T}}`: gives the contact type T.
pub fn add_contact_type(contact: ContactId, type_id: i32) -> Call<ContactTypeAssociation> {
    post(
        "/company/contactTypeAssociations".into(),
        &serde_json::json!({"contact": {"id": contact}, "type": {"id": type_id}}),
    )
}

/// `DELETE /company/contactTypeAssociations/{id}`: takes that type off the contact (204).
pub fn delete_contact_type_association(id: i32) -> Call<()> {
    Call::api(Request::new(Method::Delete, format!("/company/contactTypeAssociations/{id}")))
}

// Sites

/// `GET /company/companies/{id}/sites?page=…&pageSize=…`.
pub fn list_sites(company: CompanyId, page: Page) -> Call<Vec<Site>> {
    get(format!("/company/companies/{company}/sites"), QueryString::new().page(page))
}

/// `POST /company/companies/{id}/sites`.
pub fn post_site(company: CompanyId, site: &NewSite) -> Call<Site> {
    post(format!("/company/companies/{company}/sites"), site)
}

/// `GET /company/companies/{id}/sites?conditions=…`: a company's sites matching a filter.
pub fn find_sites(company: CompanyId, filter: &Condition) -> Call<Vec<Site>> {
    get(format!("/company/companies/{company}/sites"), QueryString::new().conditions(filter).page(FIND_PAGE))
}

/// `GET /company/companies/{id}/sites/{siteId}`.
pub fn get_site(company: CompanyId, site: SiteId) -> Call<Site> {
    get(format!("/company/companies/{company}/sites/{site}"), QueryString::new())
}

/// `PATCH /company/companies/{id}/sites/{siteId}`.
pub fn patch_site(company: CompanyId, site: SiteId, ops: &[PatchOp]) -> Call<Site> {
    patch(format!("/company/companies/{company}/sites/{site}"), ops)
}

/// `DELETE /company/companies/{id}/sites/{siteId}` (204).
pub fn delete_site(company: CompanyId, site: SiteId) -> Call<()> {
    delete(format!("/company/companies/{company}/sites/{site}"))
}

// Agreements

/// `GET /finance/agreements?conditions=company/id=N&page=…&pageSize=…`.
pub fn list_agreements(company: CompanyId, page: Page) -> Call<Vec<Agreement>> {
    get("/finance/agreements".into(), QueryString::new().conditions(&of_company(company)).page(page))
}

/// `POST /finance/agreements` (CW requires name, type, company and contact).
pub fn post_agreement(agreement: &NewAgreement) -> Call<Agreement> {
    post("/finance/agreements".into(), agreement)
}

/// `GET /finance/agreements?conditions=…`: the agreements matching a filter.
pub fn find_agreements(filter: &Condition) -> Call<Vec<Agreement>> {
    get("/finance/agreements".into(), QueryString::new().conditions(filter).page(FIND_PAGE))
}

/// `GET /finance/agreements/{id}`.
pub fn get_agreement(id: AgreementId) -> Call<Agreement> {
    get(format!("/finance/agreements/{id}"), QueryString::new())
}

/// `PATCH /finance/agreements/{id}`.
pub fn patch_agreement(id: AgreementId, ops: &[PatchOp]) -> Call<Agreement> {
    patch(format!("/finance/agreements/{id}"), ops)
}

/// `DELETE /finance/agreements/{id}` (204).
pub fn delete_agreement(id: AgreementId) -> Call<()> {
    delete(format!("/finance/agreements/{id}"))
}

// Tickets

/// `GET /service/tickets?conditions=…`: the tickets matching a filter.
pub fn find_tickets(filter: &Condition) -> Call<Vec<Ticket>> {
    get("/service/tickets".into(), QueryString::new().conditions(filter).page(FIND_PAGE))
}

/// `GET /service/tickets/{id}`.
pub fn get_ticket(id: TicketId) -> Call<Ticket> {
    get(format!("/service/tickets/{id}"), QueryString::new())
}

/// `DELETE /service/tickets/{id}` (204).
pub fn delete_ticket(id: TicketId) -> Call<()> {
    delete(format!("/service/tickets/{id}"))
}

/// `POST /service/tickets` (CW requires summary and company).
pub fn post_ticket(ticket: &NewTicket) -> Call<Ticket> {
    post("/service/tickets".into(), ticket)
}

// Lookups: small lists, fetched whole with pageSize=1000.

/// `GET /company/companies/statuses`.
pub fn company_statuses() -> Call<Vec<CompanyStatus>> {
    lookup("/company/companies/statuses")
}
/// `GET /company/companies/types`.
pub fn company_types() -> Call<Vec<CompanyType>> {
    lookup("/company/companies/types")
}
/// `GET /company/contacts/types` (records have `description`, not `name`).
pub fn contact_types() -> Call<Vec<ContactType>> {
    lookup("/company/contacts/types")
}
/// `GET /company/contacts/relationships`.
pub fn contact_relationships() -> Call<Vec<ContactRelationship>> {
    lookup("/company/contacts/relationships")
}
/// `GET /company/contacts/departments`.
pub fn contact_departments() -> Call<Vec<ContactDepartment>> {
    lookup("/company/contacts/departments")
}
/// `GET /company/communicationTypes`.
pub fn communication_types() -> Call<Vec<CommunicationType>> {
    lookup("/company/communicationTypes")
}
/// `GET /service/boards`.
pub fn boards() -> Call<Vec<Board>> {
    lookup("/service/boards")
}
/// `GET /service/boards/{id}/statuses` (statuses are per board).
pub fn board_statuses(board: i32) -> Call<Vec<BoardStatus>> {
    get(format!("/service/boards/{board}/statuses"), QueryString::new().page_size(MAX_PAGE_SIZE))
}
/// `GET /service/priorities`.
pub fn priorities() -> Call<Vec<Priority>> {
    lookup("/service/priorities")
}
/// `GET /finance/agreements/types`.
pub fn agreement_types() -> Call<Vec<AgreementType>> {
    lookup("/finance/agreements/types")
}
/// `GET /company/countries`.
pub fn countries() -> Call<Vec<Country>> {
    lookup("/company/countries")
}
/// `GET /company/states`.
pub fn states() -> Call<Vec<State>> {
    lookup("/company/states")
}
/// `GET /system/timeZoneSetups` (not `/system/info/timezones`, which does not exist).
pub fn time_zone_setups() -> Call<Vec<TimeZoneSetup>> {
    lookup("/system/timeZoneSetups")
}

// System

/// `GET /system/info`: the cheap credentials probe.
pub fn system_info() -> Call<SystemInfo> {
    get("/system/info".into(), QueryString::new())
}

/// `GET /login/companyinfo/{companyId}`, outside the API root and without auth. `None` (JSON `null`, status 200)
/// when CW does not know the company id.
pub fn company_info(company_id: &str) -> Call<Option<CompanyInfo>> {
    let request = Request::new(Method::Get, format!("/login/companyinfo/{}", encode(company_id.trim())));
    Call { request, root: Root::Host, expect: PhantomData }
}

// ---------------------------------------------------------------------------------------------------------------
// Catalogue

/// One entry of the [`catalogue`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// The method.
    pub method: Method,
    /// The path template, `{…}` for a path segment: `/company/companies/{id}`.
    pub path: &'static str,
    /// Where the path is rooted.
    pub root: Root,
    /// The function in this module that builds the call.
    pub function: &'static str,
    /// What the answer decodes into.
    pub response: &'static str,
    /// What the console uses it for.
    pub description: &'static str,
}

impl Endpoint {
    /// True when `method` and a concrete `path` (no query) match this entry.
    pub fn matches(&self, method: Method, path: &str) -> bool {
        let template: Vec<&str> = self.path.split('/').collect();
        let concrete: Vec<&str> = path.split('/').collect();
        method == self.method
            && template.len() == concrete.len()
            && template.iter().zip(&concrete).all(|(t, c)| if t.starts_with('{') { !c.is_empty() } else { t == c })
    }
}

macro_rules! endpoints {
    ($($method:ident $root:ident $path:literal $function:literal $response:literal $description:literal;)*) => {
        &[$(Endpoint {
            method: Method::$method,
            path: $path,
            root: Root::$root,
            function: $function,
            response: $response,
            description: $description,
        }),*]
    };
}

const CATALOGUE: &[Endpoint] = endpoints! {
    Get Api "/company/companies" "list_companies" "Vec<Company>" "Client list (filter, ordered by name, paged)";
    Get Api "/company/companies/count" "count_companies" "Count" "Size of the client list, to fetch pages 2..N in parallel";
    Get Api "/company/companies/{id}" "get_company" "Company" "One company, for the detail panel";
    Patch Api "/company/companies/{id}" "patch_company" "Company" "Edit company (one replace per changed field)";
    Post Api "/company/companies" "post_company" "Company" "Onboarding step 1: create the company";
    Delete Api "/company/companies/{id}" "delete_company" "()" "Onboarding rollback: remove the company";
    Get Api "/company/contacts" "list_contacts / list_company_contacts / find_contacts_by_email" "Vec<Contact>" "Contacts of a company (conditions=company/id=N); onboarding pre-flight by email (childConditions)";
    Get Api "/company/contacts/count" "count_contacts / count_company_contacts" "Count" "Number of contacts matching a filter";
    Get Api "/company/contacts/{id}" "get_contact" "Contact" "One contact, for read-back after a change";
    Patch Api "/company/contacts/{id}" "patch_contact" "Contact" "Edit contact, set primary, bulk updates (one call per contact)";
    Post Api "/company/contacts" "post_contact" "Contact" "Add contact (detail panel, onboarding step 3)";
    Delete Api "/company/contacts/{id}" "delete_contact" "()" "Onboarding rollback: remove a contact";
    Get Api "/company/contactTypeAssociations" "contact_type_associations" "Vec<ContactTypeAssociation>" "A contact's types, for a bulk type change's read-back";
    Post Api "/company/contactTypeAssociations" "add_contact_type" "ContactTypeAssociation" "Bulk: add a contact type (types cannot be PATCHed)";
    Delete Api "/company/contactTypeAssociations/{id}" "delete_contact_type_association" "()" "Bulk undo: take the added type off again";
    Get Api "/company/companies/{id}/sites" "list_sites / find_sites" "Vec<Site>" "Sites of a company; onboarding's search for a site whose answer was lost";
    Post Api "/company/companies/{id}/sites" "post_site" "Site" "Onboarding step 2: create the site";
    Get Api "/company/companies/{id}/sites/{siteId}" "get_site" "Site" "Onboarding read-back of the site";
    Patch Api "/company/companies/{id}/sites/{siteId}" "patch_site" "Site" "Onboarding rollback: deactivate the site if it cannot be deleted";
    Delete Api "/company/companies/{id}/sites/{siteId}" "delete_site" "()" "Onboarding rollback: remove the site";
    Get Api "/finance/agreements" "list_agreements / find_agreements" "Vec<Agreement>" "Agreements of a company (conditions=company/id=N)";
    Get Api "/finance/agreements/{id}" "get_agreement" "Agreement" "Onboarding read-back of the agreement";
    Patch Api "/finance/agreements/{id}" "patch_agreement" "Agreement" "Onboarding rollback: cancel the agreement if it cannot be deleted";
    Delete Api "/finance/agreements/{id}" "delete_agreement" "()" "Onboarding rollback: remove the agreement";
    Post Api "/finance/agreements" "post_agreement" "Agreement" "Onboarding step 4: create the agreement";
    Post Api "/service/tickets" "post_ticket" "Ticket" "Onboarding step 5: create the onboarding ticket";
    Get Api "/service/tickets" "find_tickets" "Vec<Ticket>" "Onboarding's search for a ticket whose answer was lost";
    Get Api "/service/tickets/{id}" "get_ticket" "Ticket" "Onboarding read-back of the ticket";
    Delete Api "/service/tickets/{id}" "delete_ticket" "()" "Onboarding rollback: remove the ticket";
    Get Api "/company/companies/statuses" "company_statuses" "Vec<CompanyStatus>" "Company status drop-down";
    Get Api "/company/companies/types" "company_types" "Vec<CompanyType>" "Company type drop-down (POST only)";
    Get Api "/company/contacts/types" "contact_types" "Vec<ContactType>" "Contact type drop-down (labelled by description)";
    Get Api "/company/contacts/relationships" "contact_relationships" "Vec<ContactRelationship>" "Relationship drop-down";
    Get Api "/company/contacts/departments" "contact_departments" "Vec<ContactDepartment>" "Department drop-down";
    Get Api "/company/communicationTypes" "communication_types" "Vec<CommunicationType>" "Email/phone types of communication items";
    Get Api "/service/boards" "boards" "Vec<Board>" "Service board drop-down (onboarding ticket)";
    Get Api "/service/boards/{id}/statuses" "board_statuses" "Vec<BoardStatus>" "Ticket statuses of a board";
    Get Api "/service/priorities" "priorities" "Vec<Priority>" "Ticket priority drop-down";
    Get Api "/finance/agreements/types" "agreement_types" "Vec<AgreementType>" "Agreement type drop-down";
    Get Api "/company/countries" "countries" "Vec<Country>" "Country drop-down";
    Get Api "/company/states" "states" "Vec<State>" "State drop-down (sites use stateReference)";
    Get Api "/system/timeZoneSetups" "time_zone_setups" "Vec<TimeZoneSetup>" "Time zone drop-down";
    Get Api "/system/info" "system_info" "SystemInfo" "Credentials probe when connecting";
    Get Host "/login/companyinfo/{companyId}" "company_info" "Option<CompanyInfo>" "Codebase lookup, no auth (outside the API root)";
};

/// Every call the console makes: method, path template, response type and purpose.
pub fn catalogue() -> &'static [Endpoint] {
    CATALOGUE
}

/// The catalogue entry for a concrete request path (relative to its root), if any.
/// A literal segment beats a placeholder: `/company/companies/statuses` is `company_statuses`, not `get_company`.
pub fn find_endpoint(method: Method, path: &str) -> Option<&'static Endpoint> {
    CATALOGUE.iter().filter(|e| e.matches(method, path)).min_by_key(|e| e.path.matches('{').count())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CompanyReference, Reference};
    use crate::patch::Patch;

    fn response(status: u16, body: &str) -> Response {
        Response { status, headers: Vec::new(), body: body.into() }
    }

    #[test]
    fn company_list_query_is_fully_encoded() {
        let call = list_companies(Some(&Condition::eq("status/name", "Active")), Page::max());
        assert_eq!(call.request.method, Method::Get);
        assert_eq!(call.request.path, "/company/companies");
        assert_eq!(
            call.request.query,
            "conditions=status%2Fname%3D%22Active%22&orderBy=name%20asc&page=1&pageSize=1000"
        );
        assert_eq!(
            call.full_path(),
            "/v4_6_release/apis/3.0/company/companies?conditions=status%2Fname%3D%22Active%22&orderBy=name%20asc&page=1&pageSize=1000"
        );
        assert_eq!(list_companies(None, Page::new(3, 50)).request.query, "orderBy=name%20asc&page=3&pageSize=50");
        assert_eq!(count_companies(None).request.path_and_query(), "/company/companies/count");
    }

    #[test]
    fn contacts_and_agreements_are_filtered_by_company_id() {
        let call = list_company_contacts(CompanyId(5), Page::first(100));
        assert_eq!(call.request.path_and_query(), "/company/contacts?conditions=company%2Fid%3D5&page=1&pageSize=100");
        assert_eq!(
            count_company_contacts(CompanyId(5)).request.path_and_query(),
            "/company/contacts/count?conditions=company%2Fid%3D5"
        );
        assert_eq!(
            list_agreements(CompanyId(5), Page::first(50)).request.path_and_query(),
            "/finance/agreements?conditions=company%2Fid%3D5&page=1&pageSize=50"
        );
        assert_eq!(list_sites(CompanyId(5), Page::default()).request.path, "/company/companies/5/sites");
    }

    #[test]
    fn writes_carry_json_bodies() {
        let ops = Patch::new().replace("defaultFlag", true).into_ops();
        let call = patch_contact(ContactId(9), &ops);
        assert_eq!((call.request.method, call.request.path.as_str()), (Method::Patch, "/company/contacts/9"));
        assert_eq!(call.request.body.as_deref(), Some(r#"[{"op":"replace","path":"defaultFlag","value":true}]"#));

        let ticket = NewTicket {
            summary: "Onboarding — Acme".into(),
            board: Some(Reference::by_name("Service Desk")),
            company: CompanyReference::by_id(CompanyId(5)),
            ..NewTicket::default()
        };
        let call = post_ticket(&ticket);
        assert_eq!((call.request.method, call.request.path.as_str()), (Method::Post, "/service/tickets"));
        assert_eq!(
            call.request.body.as_deref(),
            Some(r#"{"summary":"Onboarding — Acme","board":{"name":"Service Desk"},"company":{"id":5}}"#)
        );
    }

    #[test]
    fn company_info_lives_outside_the_api_root() {
        let call = company_info(" my co ");
        assert_eq!(call.root, Root::Host);
        assert_eq!(call.full_path(), "/login/companyinfo/my%20co");
        assert_eq!(call.parse(&response(200, "null")).unwrap(), None);
        let info = call.parse(&response(200, r#"{"CompanyName":"x","Codebase":"v2017_3/","IsCloud":true}"#)).unwrap();
        assert_eq!(info.map(|i| i.codebase), Some("v2017_3/".to_owned()));
    }

    #[test]
    fn parse_decodes_success_and_every_kind_of_failure() {
        let call = get_company(CompanyId(5));
        let company = call.parse(&response(200, r#"{"id":5,"identifier":"A","name":"A"}"#)).unwrap();
        assert_eq!(company.id, CompanyId(5));

        let err = call
            .parse(&response(
                400,
                "{\r\n  \"code\": \"InvalidObject\",\r\n  \"errors\": [{\"code\":\"ObjectExists\",\"message\":\"Company ID already in use.\",\"field\":\"identifier\"}]\r\n}",
            ))
            .unwrap_err();
        assert_eq!(err.to_string(), "Company ID already in use. (identifier)");
        assert_eq!(err.field_errors()[0].field.as_deref(), Some("identifier"));
        assert!(!err.is_retryable());

        let err =
            call.parse(&response(401, r#"{"code":"ConnectWiseApi","message":"UserNotAuthenticated"}"#)).unwrap_err();
        assert!(err.is_auth());
        assert!(err.to_string().starts_with("ConnectWise rejected the credentials (UserNotAuthenticated)."));

        let err = call
            .parse(&response(500, r#"{"code":"ConnectWiseApi","message":"A timeout has occured. Please try again."}"#))
            .unwrap_err();
        assert!(err.is_retryable());

        let mut limited = response(429, "<html>slow down</html>");
        limited.headers.push(("retry-after".into(), "7".into()));
        let err = call.parse(&limited).unwrap_err();
        assert_eq!(err, ApiError::RateLimited { retry_after: Some(7), body: None });
        assert_eq!(err.to_string(), "ConnectWise is rate-limiting requests; retrying in 7 s.");

        let err = call
            .parse(&response(404, r#"{"code":"ConnectWiseApi","message":"The endpoint does not exist."}"#))
            .unwrap_err();
        assert!(err.to_string().ends_with("can also mean wrong credentials or a wrong site/codebase."));
        let err = call.parse(&response(404, r#"{"code":"NotFound","message":"Company 5 not found"}"#)).unwrap_err();
        assert_eq!(err.to_string(), "Company 5 not found");

        let err = call.parse(&response(502, "Bad Gateway")).unwrap_err();
        assert_eq!(err, ApiError::Http { status: 502, body: "Bad Gateway".into() });
        assert!(err.is_retryable());

        let err = call.parse(&response(200, r#"[{"id":5}]"#)).unwrap_err();
        assert!(matches!(err, ApiError::Decode { status: 200, .. }));
    }

    #[test]
    fn every_call_is_in_the_catalogue() {
        let ops: Vec<PatchOp> = Vec::new();
        let c = CompanyId(1);
        let requests: Vec<(&str, Request, Root)> = vec![
            ("list_companies", list_companies(None, Page::default()).request, Root::Api),
            ("count_companies", count_companies(None).request, Root::Api),
            ("get_company", get_company(c).request, Root::Api),
            ("patch_company", patch_company(c, &ops).request, Root::Api),
            ("post_company", post_company(&NewCompany::default()).request, Root::Api),
            ("list_company_contacts", list_company_contacts(c, Page::default()).request, Root::Api),
            ("count_company_contacts", count_company_contacts(c).request, Root::Api),
            ("get_contact", get_contact(ContactId(2)).request, Root::Api),
            ("patch_contact", patch_contact(ContactId(2), &ops).request, Root::Api),
            ("post_contact", post_contact(&NewContact::default()).request, Root::Api),
            ("contact_type_associations", contact_type_associations(ContactId(2)).request, Root::Api),
            ("add_contact_type", add_contact_type(ContactId(2), 3).request, Root::Api),
            ("delete_contact_type_association", delete_contact_type_association(4).request, Root::Api),
            ("list_sites", list_sites(c, Page::default()).request, Root::Api),
            ("post_site", post_site(c, &NewSite::default()).request, Root::Api),
            ("list_agreements", list_agreements(c, Page::default()).request, Root::Api),
            ("post_agreement", post_agreement(&NewAgreement::default()).request, Root::Api),
            ("post_ticket", post_ticket(&NewTicket::default()).request, Root::Api),
            ("delete_company", delete_company(c).request, Root::Api),
            ("find_contacts_by_email", find_contacts_by_email("a@b.com").request, Root::Api),
            ("delete_contact", delete_contact(ContactId(2)).request, Root::Api),
            ("find_sites", find_sites(c, &Condition::eq("name", "Main")).request, Root::Api),
            ("get_site", get_site(c, SiteId(5)).request, Root::Api),
            ("patch_site", patch_site(c, SiteId(5), &ops).request, Root::Api),
            ("delete_site", delete_site(c, SiteId(5)).request, Root::Api),
            ("find_agreements", find_agreements(&of_company(c)).request, Root::Api),
            ("get_agreement", get_agreement(AgreementId(6)).request, Root::Api),
            ("patch_agreement", patch_agreement(AgreementId(6), &ops).request, Root::Api),
            ("delete_agreement", delete_agreement(AgreementId(6)).request, Root::Api),
            ("find_tickets", find_tickets(&of_company(c)).request, Root::Api),
            ("get_ticket", get_ticket(TicketId(7)).request, Root::Api),
            ("delete_ticket", delete_ticket(TicketId(7)).request, Root::Api),
            ("company_statuses", company_statuses().request, Root::Api),
            ("company_types", company_types().request, Root::Api),
            ("contact_types", contact_types().request, Root::Api),
            ("contact_relationships", contact_relationships().request, Root::Api),
            ("contact_departments", contact_departments().request, Root::Api),
            ("communication_types", communication_types().request, Root::Api),
            ("boards", boards().request, Root::Api),
            ("board_statuses", board_statuses(1).request, Root::Api),
            ("priorities", priorities().request, Root::Api),
            ("agreement_types", agreement_types().request, Root::Api),
            ("countries", countries().request, Root::Api),
            ("states", states().request, Root::Api),
            ("time_zone_setups", time_zone_setups().request, Root::Api),
            ("system_info", system_info().request, Root::Api),
            ("company_info", company_info("CW").request, Root::Host),
        ];
        for (function, request, root) in &requests {
            let entry = find_endpoint(request.method, &request.path)
                .unwrap_or_else(|| panic!("{} {} is not in the catalogue", request.method, request.path));
            assert_eq!(entry.root, *root, "{}", request.path);
            assert!(
                entry.function.split(" / ").any(|f| f == *function),
                "{} is listed as {}",
                function,
                entry.function
            );
        }
        // And every catalogue entry is made by one of them.
        for entry in catalogue() {
            assert!(
                requests.iter().any(|(_, r, _)| entry.matches(r.method, &r.path)),
                "{} {} has no builder",
                entry.method,
                entry.path
            );
        }
        assert_eq!(find_endpoint(Method::Put, "/company/companies/1"), None, "no PUT: edits are PATCHes");
        assert_eq!(find_endpoint(Method::Delete, "/company/companies/1").map(|e| e.function), Some("delete_company"));
        assert_eq!(
            find_endpoint(Method::Delete, "/company/contactTypeAssociations/9").map(|e| e.function),
            Some("delete_contact_type_association")
        );
        assert!(company_statuses().request.query.ends_with("pageSize=1000"));
    }
}
