//! `cargo xtask bench`: measured, never timed tests. Results go to BENCHMARKS.md.

use crate::cmd::Result;

pub fn bench(args: &[String]) -> Result {
    Err(format!("no benchmark is wired up yet (asked for {args:?})"))
}
