//! `cw-bench-frontend`: the console's benchmark behind `cargo xtask bench frontend` (which installs
//! Chromium, builds `dist/` and runs this in release): size, first list, live load and search latency in
//! headless Chromium; the `## cw-console (frontend)` section of BENCHMARKS.md is rewritten at the end.
//!
//! By hand: `trunk build --release`, then `cargo run --release -p cw-tests --bin cw-bench-frontend`.

use clap::Parser;
use cw_tests::frontend_bench::{self, Options, report};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "cw-bench-frontend", about = "The console's benchmark (run it with `cargo xtask bench frontend`)")]
struct Cli {
    /// The built console (default: CW_DIST_DIR, else the workspace's dist/).
    #[arg(long)]
    dist: Option<PathBuf>,
    /// Page loads for the first-list figure (fresh browsers; as many reloads again).
    #[arg(long, default_value_t = 5)]
    loads: usize,
    /// Live loads of all companies.
    #[arg(long, default_value_t = 3)]
    live_runs: usize,
    /// Companies, live and in the large demo tenant.
    #[arg(long, default_value_t = 10_000)]
    companies: usize,
    /// Contacts per company in the live tenant.
    #[arg(long, default_value_t = 3)]
    contacts: usize,
    /// Search keystrokes per measurement.
    #[arg(long, default_value_t = 30)]
    keystrokes: usize,
    /// The file whose `## cw-console (frontend)` section is rewritten.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../BENCHMARKS.md"))]
    out: PathBuf,
    /// Print the section without writing it.
    #[arg(long)]
    dry_run: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cfg!(debug_assertions) {
        eprintln!("cw-bench-frontend: a debug build; run it with `--release` (cw-sim and cw-proxy run in-process)");
    }
    let options = Options {
        dist: cli.dist.unwrap_or_else(cw_tests::browser::dist_dir),
        loads: cli.loads.max(1),
        live_runs: cli.live_runs.max(1),
        companies: cli.companies.max(1),
        contacts: cli.contacts,
        keystrokes: cli.keystrokes.max(1),
    };
    let load_before = report::load_average();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    let results = match runtime.block_on(frontend_bench::run(&options)) {
        Ok(results) => results,
        Err(e) => {
            eprintln!("cw-bench-frontend: {e}");
            return ExitCode::FAILURE;
        }
    };
    let section = report::render(&results, &report::Machine::read(load_before));
    println!("{section}");
    if cli.dry_run {
        return ExitCode::SUCCESS;
    }
    // Read, modify, write at the very end: other benchmarks rewrite their own sections of the same file.
    let doc = std::fs::read_to_string(&cli.out).unwrap_or_default();
    if let Err(e) = std::fs::write(&cli.out, report::replace_section(&doc, &section)) {
        eprintln!("cw-bench-frontend: cannot write {}: {e}", cli.out.display());
        return ExitCode::FAILURE;
    }
    eprintln!("cw-bench-frontend: wrote {} to {}", report::HEADING, cli.out.display());
    ExitCode::SUCCESS
}
