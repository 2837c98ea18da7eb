//! The lookup lists behind the onboarding wizard's drop-downs: company statuses and types, time zones,
//! agreement types and service boards. Each loads on its own; a failed one leaves its field as free text.

use super::Cw;
use crate::error::AppError;
use crate::pages::onboard::logic::{Choices, Lookups};
use cw_shared::api::{self, Call};
use cw_shared::model::Lookup;
use serde::de::DeserializeOwned;

/// Loads one lookup, keeping the records `keep` accepts.
async fn choices<T: Lookup + DeserializeOwned>(
    cw: &Cw,
    call: Call<Vec<T>>,
    what: &str,
    keep: fn(&T) -> bool,
) -> Choices {
    match cw.call(call, what).await {
        Ok(items) => {
            let items: Vec<&T> = items.iter().filter(|t| keep(t)).collect();
            Choices {
                names: items.iter().map(|t| t.label().to_owned()).collect(),
                default: items.iter().find(|t| t.is_default()).map(|t| t.label().to_owned()),
                error: None,
            }
        }
        Err(e) => Choices { error: Some(describe(&e)), ..Choices::default() },
    }
}

fn describe(e: &AppError) -> String {
    let message = e.message();
    if message.is_empty() { e.title() } else { format!("{}: {message}", e.title()) }
}

/// Every lookup of the wizard, in parallel.
pub async fn wizard_lookups(cw: &Cw) -> Lookups {
    let (statuses, company_types, time_zones, agreement_types, boards) = futures::join!(
        choices(cw, api::company_statuses(), "the company statuses", |_| true),
        choices(cw, api::company_types(), "the company types", |_| true),
        choices(cw, api::time_zone_setups(), "the time zones", |_| true),
        choices(cw, api::agreement_types(), "the agreement types", |t| t.inactive_flag != Some(true)),
        choices(cw, api::boards(), "the service boards", |b| b.inactive_flag != Some(true)
            && b.project_flag != Some(true)),
    );
    Lookups { statuses, company_types, time_zones, agreement_types, boards }
}
