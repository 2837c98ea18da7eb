//! `cargo xtask`: the project's developer commands, as code (see the README).
//!
//! - `cargo xtask run`: installs what is missing, builds the console, the proxy and the simulator,
//!   starts all three on loopback and prints the URL to open (demo data, no ConnectWise account needed).
//! - `cargo xtask test`: installs what is missing, then fmt, clippy, the native tests, the wasm build,
//!   the browser tests. CI runs exactly this.
//! - `cargo xtask bench [proxy|frontend|store]`: the benchmarks; results go to BENCHMARKS.md.
//!
//! Tool versions are pinned in one place, [`tools`], and checked against Trunk.toml and the frontend's
//! Cargo.toml so they cannot drift apart.

mod bench;
mod bench_frontend;
mod cmd;
mod run;
mod test;
mod tools;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <run | test | bench [proxy|frontend|store]>

  run     build and start the console, cw-proxy and cw-sim (demo data, no ConnectWise account)
  test    install missing tools, then fmt, clippy, native tests, wasm build, browser tests
  bench   run the benchmarks and write BENCHMARKS.md";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run::run(&args[1..]),
        Some("test") => test::test(&args[1..]),
        Some("bench") => bench::bench(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}
