//! `/company/companies/{id}/sites`.

use super::Cw;
use super::paging::fetch_all_small;
use crate::error::AppError;
use cw_shared::api;
use cw_shared::ids::CompanyId;
use cw_shared::model::Site;

/// Every site of a company.
pub async fn for_company(cw: &Cw, company: CompanyId) -> Result<Vec<Site>, AppError> {
    fetch_all_small(cw, |page| api::list_sites(company, page), "the sites").await
}
