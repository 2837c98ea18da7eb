//! Reusable components, one per file.

pub mod bulk_recover;
pub mod client_list;
pub mod client_row;
pub mod config_bar;
pub mod error_view;
pub mod modal_frame;
pub mod nav_bar;
pub mod onboard_recover;
pub mod tabs;
pub mod toasts;
