//! `cw-tests`: the ConnectWise simulator and the console's integration tests.
//!
//! - [`sim`]: `cw-sim` as a library: [`sim::start`] serves the in-memory ConnectWise from
//!   `cw_shared::store` over HTTPS on loopback and returns a [`sim::SimHandle`] (address, CA PEM, recorded
//!   requests, run-time faults). The `cw-sim` binary is a thin `main` over it.
//! - [`dist_server`]: a static file server for the console's built `dist/` (`cw-dist`, browser tests).
//! - [`benchmarks_md`]: the one writer of BENCHMARKS.md sections, shared by both benchmarks.
//! - [`bench`]: the benchmarks `cargo xtask bench` runs through `cw-bench`.
//! - [`frontend_bench`]: `cargo xtask bench frontend` through `cw-bench-frontend`: the console's size,
//!   first list, live load of 10,000 companies and search latency in headless Chromium.
//! - [`browser`]: headless Chromium through chromedriver (fantoccini), for the browser tests and benchmarks.
//! - [`live`]: [`live::LiveStack`], cw-sim behind cw-proxy in-process on loopback.
//! - `tests/sim_*.rs`: the simulator tested over real HTTPS with a real client.
//!
//! Try the console without a ConnectWise account: run `cargo run -p cw-tests --bin cw-sim`, then point
//! `cw-proxy --ca-file` at the CA it writes and connect the console to host `127.0.0.1:8443`, company
//! `demo`, public key `demo-public`, private key `demo-private`, any UUID as client id.

pub mod bench;
pub mod benchmarks_md;
pub mod browser;
pub mod dist_server;
pub mod frontend_bench;
pub mod live;
pub mod sim;
