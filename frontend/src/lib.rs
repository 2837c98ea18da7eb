//! `cw-console`: the ConnectWise PSA console, a Leptos client-side app.
//!
//! What lives where:
//! - [`app`]: the shell (nav bar, config bar, sidebar, tabs, panels, toasts) and the global keyboard.
//! - [`pages`]: one module per right-hand panel (detail, bulk, onboarding).
//! - [`components`]: one component per file (nav bar, config bar, client list, error view, modal frame…).
//! - [`modals`]: edit company, edit contact, add contact.
//! - [`api`]: the [`api::transport::Transport`] (demo: the in-browser store; live: cw-proxy) and one
//!   module per ConnectWise resource. Every ConnectWise call goes through it.
//! - [`state`]: typed contexts ([`state::Console`], toasts, config) and the pure list logic.
//! - [`error`]: the one error type, [`error::AppError`].
//!
//! Invariants: the UI never branches on demo vs live except for the mode indicator, the `[DEMO]` toast
//! prefix and which transport the session holds; ConnectWise data is always rendered as text nodes.
//!
//! Demo mode can be seeded with a large generated tenant for benchmarks and tests: open the console
//! with `?demo=large:10000` (any count; `?demo=large` means 10,000), which uses
//! `cw_shared::store::Store::generated(N, 3, 42)` instead of the eight demo clients.

pub mod api;
pub mod app;
pub mod components;
pub mod error;
pub mod modals;
pub mod pages;
pub mod state;

pub use app::{App, AppWithSeed, Shell};
