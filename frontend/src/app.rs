//! The shell: contexts, start-up (proxy URL from `config.json`, the proxy's `/healthz`, the saved config),
//! the layout and the global keyboard (`/` search, ↑ ↓ move, Enter open, Esc close).

use crate::api::system;
use crate::components::bulk_recover::BulkRecover;
use crate::components::client_list::{ClientList, SCROLLER_ID};
use crate::components::config_bar::{ConfigBar, ConfigForm};
use crate::components::nav_bar::NavBar;
use crate::components::onboard_recover::OnboardRecover;
use crate::components::tabs::Tabs;
use crate::components::toasts::ToastStack;
use crate::pages::bulk::BulkPage;
use crate::pages::detail::DetailPage;
use crate::pages::onboard::OnboardPage;
use crate::state::bulk::BulkState;
use crate::state::config::DEFAULT_PROXY_BASE;
use crate::state::list::{ROW_HEIGHT, move_cursor, reveal};
use crate::state::onboarding::OnboardState;
use crate::state::{Console, DemoSeed, Modal, Tab};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Reads `proxyBase` from a `config.json` body.
pub fn proxy_base_from_config(body: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    let base = v.get("proxyBase")?.as_str()?.trim().trim_end_matches('/');
    (!base.is_empty()).then(|| base.to_string())
}

/// `config.json` next to `index.html`, if static hosting provides one.
async fn load_proxy_base() -> String {
    let fetched = async {
        let response = gloo_net::http::Request::get("config.json").send().await.ok()?;
        if !response.ok() {
            return None;
        }
        proxy_base_from_config(&response.text().await.ok()?)
    }
    .await;
    fetched.unwrap_or_else(|| DEFAULT_PROXY_BASE.to_string())
}

fn location_search() -> String {
    web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default()
}

/// The console, seeded from the page URL (`?demo=large:N` for a generated tenant).
#[component]
pub fn App() -> impl IntoView {
    let seed = DemoSeed::from_query(&location_search());
    view! { <AppWithSeed seed=seed /> }
}

/// The console with an explicit demo seed (tests mount this directly).
#[component]
pub fn AppWithSeed(
    /// Which demo tenant demo mode starts with.
    seed: DemoSeed,
    /// Skip reading `config.json`, `/healthz` and the saved config (for component tests).
    #[prop(optional)]
    offline: bool,
) -> impl IntoView {
    let console = Console::new(seed);
    view! { <Shell console=console seed=seed offline=offline /> }
}

/// The console around an existing [`Console`] state (tests give it one with a prepared store).
#[component]
pub fn Shell(
    /// The application state; its session decides demo or live.
    console: Console,
    /// The demo tenant Clear returns to.
    seed: DemoSeed,
    /// Skip reading `config.json`, `/healthz` and the saved config (for component tests).
    #[prop(optional)]
    offline: bool,
) -> impl IntoView {
    provide_context(console);
    provide_context(seed);
    provide_context(BulkState::restore());
    provide_context(OnboardState::restore());
    let form = ConfigForm::new();
    provide_context(form);
    console.reload();

    if !offline {
        let restored = form.restore();
        leptos::task::spawn_local(async move {
            let base = load_proxy_base().await;
            console.proxy_base.set(base.clone());
            if let Ok(health) = system::health(&base).await {
                form.holder.set(Some(health.credentials));
            }
            if let Some(config) = restored {
                form.connect(console, Some(config));
            }
        });
    }

    let keys = window_event_listener(leptos::ev::keydown, move |ev| on_key(console, &ev));
    on_cleanup(move || keys.remove());

    let hidden = move |which: Tab| move || console.tab.get() != which;
    view! {
        <NavBar />
        <ConfigBar />
        <BulkRecover />
        <OnboardRecover />
        <main class="layout">
            <ClientList />
            <div class="workspace">
                <Tabs />
                <div class="panels">
                    <div class="panel-wrap" class:hidden=hidden(Tab::Detail)>
                        <DetailPage />
                    </div>
                    <div class="panel-wrap" class:hidden=hidden(Tab::Bulk)>
                        <BulkPage />
                    </div>
                    <div class="panel-wrap" class:hidden=hidden(Tab::Onboard)>
                        <OnboardPage />
                    </div>
                </div>
            </div>
        </main>
        <ToastStack />
    }
}

/// The global keyboard.
fn on_key(console: Console, ev: &web_sys::KeyboardEvent) {
    let key = ev.key();
    if console.modal.with_untracked(|m| *m != Modal::Closed) {
        if key == "Escape" {
            ev.prevent_default();
            console.modal.set(Modal::Closed);
        }
        return;
    }
    if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
        return;
    }
    let target = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
    let tag = target.as_ref().map(|t| t.tag_name().to_ascii_lowercase()).unwrap_or_default();
    let in_search = target.as_ref().is_some_and(|t| t.id() == "search-in");
    let in_field = matches!(tag.as_str(), "input" | "textarea" | "select");
    let document = web_sys::window().and_then(|w| w.document());
    match key.as_str() {
        "/" if !in_field => {
            ev.prevent_default();
            if let Some(input) = document
                .and_then(|d| d.get_element_by_id("search-in"))
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = input.focus();
            }
        }
        "ArrowDown" | "ArrowUp" if !in_field || in_search => {
            ev.prevent_default();
            let delta = if key == "ArrowDown" { 1 } else { -1 };
            let cursor = console.cursor.get_untracked();
            let (next, len) = console.filtered.with_untracked(|f| {
                console.rows.with_untracked(|rows| {
                    let current = cursor.and_then(|id| f.iter().position(|&i| rows[i].id == id));
                    let next = move_cursor(current, delta, f.len());
                    (next.map(|p| (p, rows[f[p]].id)), f.len())
                })
            });
            if len == 0 {
                return;
            }
            if let Some((pos, id)) = next {
                console.cursor.set(Some(id));
                if let Some(scroller) = document.and_then(|d| d.get_element_by_id(SCROLLER_ID)) {
                    let top = f64::from(scroller.scroll_top());
                    let height = f64::from(scroller.client_height());
                    if let Some(to) = reveal(pos, top, height, ROW_HEIGHT) {
                        scroller.set_scroll_top(to as i32);
                    }
                }
            }
        }
        "Enter" if (!in_field || in_search) && tag != "button" && tag != "a" && tag != "summary" => {
            // The cursor row if it is still in the filtered list, else the first row shown.
            let cursor = console.cursor.get_untracked();
            let target = console.filtered.with_untracked(|f| {
                console.rows.with_untracked(|rows| {
                    let ids = || f.iter().map(|&i| rows[i].id);
                    cursor.filter(|c| ids().any(|id| id == *c)).or_else(|| ids().next())
                })
            });
            if let Some(id) = target {
                ev.prevent_default();
                console.open_client(id);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_json_sets_the_proxy_base() {
        assert_eq!(
            proxy_base_from_config(r#"{"proxyBase":"https://proxy.example.com/"}"#).unwrap(),
            "https://proxy.example.com"
        );
        assert_eq!(proxy_base_from_config(r#"{"proxyBase":""}"#), None);
        assert_eq!(proxy_base_from_config("<html>"), None);
    }
}
