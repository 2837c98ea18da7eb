//! [`ErrorView`]: how every [`AppError`] is shown — headline, ConnectWise's own words, what to do.

use crate::error::AppError;
use leptos::prelude::*;

/// Renders an error with its hints (all as text).
#[component]
pub fn ErrorView(
    /// The error to show.
    error: AppError,
    /// Smaller, single-block rendering for tight places (the config bar, a modal).
    #[prop(optional)]
    compact: bool,
) -> impl IntoView {
    let message = error.message();
    let hints = error.hints();
    view! {
        <div class="error-view" class:compact=compact role="alert">
            <div class="error-title">{error.title()}</div>
            {(!message.is_empty()).then(|| view! { <div class="error-message">{message}</div> })}
            {(!hints.is_empty())
                .then(|| {
                    view! {
                        <ul class="error-hints">
                            {hints.into_iter().map(|h| view! { <li>{h}</li> }).collect_view()}
                        </ul>
                    }
                })}
        </div>
    }
}
