//! `/company/companies`: the client list, one company, its edit, and the status lookup.

use super::Cw;
use super::paging::fetch_all;
use crate::error::AppError;
use cw_shared::api;
use cw_shared::ids::CompanyId;
use cw_shared::model::{Company, CompanyStatus};
use cw_shared::patch::PatchOp;
use cw_shared::query::Condition;

/// The Active/All filter of the client list (`#filter-status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    /// `conditions=status/name="Active"`.
    Active,
    /// No status condition (the default: every client, as the demo's eight show).
    #[default]
    All,
}

impl StatusFilter {
    /// The `<option>` value.
    pub fn value(self) -> &'static str {
        match self {
            StatusFilter::Active => "active",
            StatusFilter::All => "all",
        }
    }

    /// Parses an `<option>` value.
    pub fn from_value(value: &str) -> Self {
        if value == "all" { StatusFilter::All } else { StatusFilter::Active }
    }

    /// The server-side condition.
    pub fn condition(self) -> Option<Condition> {
        match self {
            StatusFilter::Active => Some(Condition::eq("status/name", "Active")),
            StatusFilter::All => None,
        }
    }
}

/// Loads every company matching `filter` (`orderBy=name asc`, pageSize 1000, `/count` for the total);
/// `on_page` sees each page in order with (loaded, total).
pub async fn list_all(
    cw: &Cw,
    filter: StatusFilter,
    on_page: impl FnMut(Vec<Company>, usize, usize),
) -> Result<(), AppError> {
    let condition = filter.condition();
    fetch_all(
        cw,
        |page| api::list_companies(condition.as_ref(), page),
        api::count_companies(condition.as_ref()),
        "the company list",
        on_page,
    )
    .await
}

/// `GET /company/companies/{id}`.
pub async fn get(cw: &Cw, id: CompanyId) -> Result<Company, AppError> {
    cw.call(api::get_company(id), "the company").await
}

/// `PATCH /company/companies/{id}` with a JSON Patch array; CW answers with the whole updated company.
pub async fn patch(cw: &Cw, id: CompanyId, ops: &[PatchOp]) -> Result<Company, AppError> {
    cw.call(api::patch_company(id, ops), "the updated company").await
}

/// `GET /company/companies/statuses` (the Edit Company status options).
pub async fn statuses(cw: &Cw) -> Result<Vec<CompanyStatus>, AppError> {
    cw.call(api::company_statuses(), "the company statuses").await
}

#[cfg(test)]
mod tests {
    use super::*;
    use cw_shared::query::Page;

    #[test]
    fn active_and_all_switch_the_server_side_condition() {
        let active = StatusFilter::Active.condition();
        let q = api::list_companies(active.as_ref(), Page::new(2, 1000)).request.query;
        assert!(q.contains("conditions=status%2Fname%3D%22Active%22"), "{q}");
        assert!(q.contains("pageSize=1000") && q.contains("page=2"), "{q}");
        let all = StatusFilter::All.condition();
        let q = api::list_companies(all.as_ref(), Page::new(1, 1000)).request.query;
        assert!(!q.contains("conditions"), "{q}");
        assert_eq!(StatusFilter::from_value("all"), StatusFilter::All);
        assert_eq!(StatusFilter::from_value("active").value(), "active");
    }
}
