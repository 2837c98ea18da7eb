//! `cw-shared`: ConnectWise Manage as the console sees it, with no runtime attached.
//!
//! Everything here is plain data and pure functions over serde and serde_json, so it compiles for the
//! native proxy, simulator and tests as well as for the `wasm32` console:
//!
//! - [`ids`] and [`sensitive`]: newtype ids and the masked wrapper for secrets.
//! - [`http`]: the transport-neutral request and response every ConnectWise call is expressed in.
//! - [`model`]: typed ConnectWise records with their real field names; unknown fields are kept.
//! - [`patch`]: RFC 6902 JSON Patch operations, a builder and a before/after diff.
//! - [`query`]: the `conditions` builder, URL encoding, paging rules and `Link` header parsing.
//! - [`api`]: the catalogue of every call the console makes.
//! - [`plan`]: bulk updates, the primary-contact change and the onboarding sequence, as pure plans.
//! - `store` (feature `store`): an in-memory ConnectWise answering [`http::Request`]s the way CW does;
//!   demo mode runs it in the browser, `cw-sim` serves it over HTTPS.
#![deny(missing_docs)]

pub mod api;
pub mod http;
pub mod ids;
pub mod model;
pub mod patch;
pub mod plan;
pub mod query;
pub mod sensitive;
#[cfg(feature = "store")]
pub mod store;
