//! `/finance/agreements`.

use super::Cw;
use super::paging::fetch_all_small;
use crate::error::AppError;
use cw_shared::api;
use cw_shared::ids::CompanyId;
use cw_shared::model::Agreement;

/// Every agreement of a company (`conditions=company/id={id}`).
pub async fn for_company(cw: &Cw, company: CompanyId) -> Result<Vec<Agreement>, AppError> {
    fetch_all_small(cw, |page| api::list_agreements(company, page), "the agreements").await
}

/// Total monthly recurring revenue: the sum of `billAmount` over the agreements.
pub fn total_mrr(agreements: &[Agreement]) -> f64 {
    agreements.iter().filter_map(|a| a.bill_amount).sum()
}

/// `$1,234.50`.
pub fn money(amount: f64) -> String {
    let cents = (amount * 100.0).round() as i64;
    let (sign, cents) = if cents < 0 { ("-", -cents) } else { ("", cents) };
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}${grouped}.{:02}", cents % 100)
}

/// The date part of a CW date-time (`2024-01-01T00:00:00Z` → `2024-01-01`).
pub fn date_only(date: &str) -> &str {
    date.split('T').next().unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_dates_format_for_people() {
        assert_eq!(money(0.0), "$0.00");
        assert_eq!(money(1234.5), "$1,234.50");
        assert_eq!(money(1_000_000.0), "$1,000,000.00");
        assert_eq!(money(-12.345), "-$12.35");
        assert_eq!(date_only("2024-01-01T00:00:00Z"), "2024-01-01");
        assert_eq!(date_only(""), "");
    }

    #[test]
    fn mrr_sums_bill_amounts() {
        let a: Vec<Agreement> = serde_json::from_str(
            r#"[{"id":1,"name":"A","billAmount":1500.0},{"id":2,"name":"B"},{"id":3,"name":"C","billAmount":250.25}]"#,
        )
        .unwrap();
        assert_eq!(total_mrr(&a), 1750.25);
    }
}
