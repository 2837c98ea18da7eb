//! The right-hand panels, one module each.

pub mod bulk;
pub mod detail;
pub mod onboard;
