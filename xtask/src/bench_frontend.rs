//! `cargo xtask bench frontend`: the console in headless Chromium: `dist/` gzipped, navigation → first
//! list, 10,000 companies live through cw-proxy and cw-sim, and search keystroke → paint at 10,000
//! companies. It installs what is missing (Chromium and chromedriver included), builds `dist/`, and runs
//! `cw-bench-frontend` in release (cw-sim and cw-proxy run inside it), which rewrites the
//! `## cw-console (frontend)` section of BENCHMARKS.md.

use crate::cmd::{self, Result, command, root};
use crate::test::build_dist;
use crate::tools::{self, Need};

pub fn bench_frontend() -> Result {
    tools::ensure(Need::Browser)?;
    build_dist()?;
    let mut run = command("cargo", &["run", "--release", "-p", "cw-tests", "--bin", "cw-bench-frontend", "--"]);
    run.arg("--out")
        .arg(root().join("BENCHMARKS.md"))
        .env("CW_DIST_DIR", root().join("dist"))
        .env("CHROMEDRIVER", tools::chromedriver())
        .env("CHROMIUM", tools::chromium_binary());
    cmd::run(run)
}
