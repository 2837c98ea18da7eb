//! Benchmarks run by `cargo xtask bench` through the `cw-bench` binary: measured, never timed tests.
//!
//! The proxy benchmark ([`proxy::run`]) compares, in one run on one machine, the upstream reached
//! directly, cw-proxy, nginx as a TLS reverse proxy and cors-anywhere:
//!
//! - [`upstream`]: the HTTPS stand-in for ConnectWise (hyper + tokio-rustls, rcgen certificates);
//! - [`load`]: the load generator (exact connection counts, every latency kept) and the
//!   many-connections memory scenario; [`stats`]: percentiles and medians;
//! - [`process`]: the peers' processes, always stopped; [`rss`]: their memory from `/proc`;
//! - [`nginx`]: nginx's configuration from `bench/nginx.conf.template`;
//! - [`report`]: the table, ratios and goals as the `## cw-proxy` section of BENCHMARKS.md.
//!
//! The bulk benchmark ([`bulk::run`]) drives the bulk panel's job engine and the spec's fixed-pause loop
//! against cw-sim with a rate limit and latency; [`bulk_report`] renders its `## Bulk updates` section.

pub mod bulk;
pub mod bulk_report;
pub mod load;
pub mod nginx;
pub mod process;
pub mod proxy;
pub mod report;
pub mod rss;
pub mod stats;
pub mod upstream;
