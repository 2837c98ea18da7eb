//! [`NavBar`]: `#ktc-bar`, the fixed 36px strip with hub link, label, API tag, mode and clock.

use crate::state::Console;
use leptos::prelude::*;
use std::time::Duration;

/// `HH:MM:SS` (24-hour) from hours, minutes and seconds.
pub fn clock_text(h: u32, m: u32, s: u32) -> String {
    format!("{h:02}:{m:02}:{s:02}")
}

fn now_text() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let d = js_sys::Date::new_0();
        clock_text(d.get_hours(), d.get_minutes(), d.get_seconds())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        clock_text(0, 0, 0)
    }
}

/// The navigation strip.
#[component]
pub fn NavBar() -> impl IntoView {
    let console = expect_context::<Console>();
    let clock = RwSignal::new(now_text());
    if let Ok(handle) = set_interval_with_handle(move || clock.set(now_text()), Duration::from_millis(1000)) {
        on_cleanup(move || handle.clear());
    }
    let mode = move || console.mode();
    view! {
        <nav id="ktc-bar" aria-label="Platform">
            <a id="hub-link" href="../">"← Platform Hub"</a>
            <span class="nav-sep" aria-hidden="true"></span>
            <span class="nav-label" aria-current="page">"CW PSA Console"</span>
            <span class="api-tag">"ConnectWise Manage · REST API v4_6_release"</span>
            <span class="nav-spacer"></span>
            <span class="mode">
                <span id="mode-dot" class=move || mode().class() aria-hidden="true"></span>
                <span id="mode-label">{move || mode().label()}</span>
            </span>
            <span id="clock" aria-label="Current time">{move || clock.get()}</span>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_is_zero_padded_24_hour() {
        assert_eq!(clock_text(7, 5, 9), "07:05:09");
        assert_eq!(clock_text(23, 59, 59), "23:59:59");
    }
}
