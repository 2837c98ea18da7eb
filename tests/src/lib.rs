//! `cw-tests`: the ConnectWise simulator and the console's integration tests.
//!
//! - [`sim`]: `cw-sim` as a library: [`sim::start`] serves the in-memory ConnectWise from
//!   `cw_shared::store` over HTTPS on loopback and returns a [`sim::SimHandle`] (address, CA PEM, recorded
//!   requests, run-time faults). The `cw-sim` binary is a thin `main` over it.
//! - [`dist_server`]: a static file server for the console's built `dist/` (`cw-dist`, browser tests).
//! - [`bench`]: the benchmarks `cargo xtask bench` runs through `cw-bench`.
//! - `tests/sim_*.rs`: the simulator tested over real HTTPS with a real client.
//!
//! Try the console without a ConnectWise account: run `cargo run -p cw-tests --bin cw-sim`, then point
//! `cw-proxy --ca-file` at the CA it writes and connect the console to host `127.0.0.1:8443`, company
//! `demo`, public key `demo-public`, private key `demo-private`, any UUID as client id.

pub mod dist_server;
pub mod sim;
pub mod bench;
