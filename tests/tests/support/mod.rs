//! Shared helpers for the integration and browser tests.
#![allow(dead_code)]

pub mod browser;
pub mod live;
pub mod wizard;
