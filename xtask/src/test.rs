//! `cargo xtask test`: everything CI checks, in the order that fails fastest.

use crate::cmd::{Result, command, root, run, sh};
use crate::tools::{self, Need};

/// The native packages; `cw-shared/store` is the in-memory ConnectWise the simulator serves.
const NATIVE: &[&str] =
    &["-p", "cw-shared", "-p", "cw-proxy", "-p", "cw-tests", "-p", "xtask", "--features", "cw-shared/store"];
const WASM: &[&str] = &["-p", "cw-console", "--target", "wasm32-unknown-unknown"];

pub fn test(args: &[String]) -> Result {
    if let Some(extra) = args.first() {
        return Err(format!("`cargo xtask test` takes no arguments (got {extra:?})"));
    }
    tools::ensure(Need::Browser)?;
    sh("cargo", &["fmt", "--all", "--", "--check"])
        .map_err(|e| format!("{e}\n  formatting differs: run `cargo fmt --all` and commit the result"))?;
    sh("cargo", &[&["clippy"], NATIVE, &["--all-targets", "--", "-D", "warnings"]].concat())?;
    sh("cargo", &[&["clippy"], WASM, &["--all-targets", "--", "-D", "warnings"]].concat())?;
    build_dist()?;

    let dist = root().join("dist");
    let artifacts = root().join("tests/artifacts");
    let mut native = command("cargo", &[&["test", "--no-fail-fast"], NATIVE].concat());
    native
        .env("CW_DIST_DIR", &dist)
        .env("CW_ARTIFACTS_DIR", &artifacts)
        .env("CHROMEDRIVER", tools::chromedriver())
        .env("CHROMIUM", tools::chromium_binary());
    run(native)?;

    // The console's view-independent logic, natively (a separate build: leptos for the host).
    sh("cargo", &["test", "-p", "cw-console", "--lib"])?;

    let mut wasm = command("cargo", &[&["test"], WASM].concat());
    wasm.env("CHROMEDRIVER", tools::chromedriver());
    run(wasm)?;
    println!("\nxtask test: all checks passed (browser screenshots in {})", artifacts.display());
    Ok(())
}

/// `trunk build --release` into dist/ (wasm-opt 132 from node_modules, tools pinned in Trunk.toml).
pub fn build_dist() -> Result {
    sh("trunk", &["build", "--release"])
}
