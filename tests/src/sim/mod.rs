//! `cw-sim`: the in-memory ConnectWise store behind real HTTPS, with ConnectWise authentication,
//! fault injection and request recording.
//!
//! - [`config`]: the clap configuration (flags = help = defaults);
//! - [`tls`]: the generated CA and server certificate;
//! - [`auth`]: Basic `company+public:private` and the `clientId` header;
//! - [`faults`]: latency, rate limit (429 + Retry-After), 500 timeouts, dropped connections;
//! - [`server`]: [`start`], the request phases, admin endpoints, recording;
//! - [`client`]: an HTTPS client for tests that trusts the simulator's CA.

pub mod auth;
pub mod client;
pub mod config;
pub mod faults;
pub mod server;
pub mod tls;

pub use client::{SimClient, SimResponse};
pub use config::{Dataset, SimConfig};
pub use faults::{Faults, RateLimit};
pub use server::{RecordedRequest, SimHandle, SimState, start};
