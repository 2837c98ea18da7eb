//! `cargo xtask bench [NAME…] [-- FLAGS]`: measured, never timed tests. Results go to BENCHMARKS.md.
//!
//! With no name every benchmark runs: `proxy`, then `frontend` (see bench_frontend.rs), then `bulk`. `proxy`
//! installs its peers when they are missing (Debian's nginx through apt-get, cors-anywhere through
//! `npm ci` in bench/), builds cw-proxy and cw-bench in release, and runs `cw-bench proxy`, which
//! rewrites the `## cw-proxy` section of BENCHMARKS.md. FLAGS after `--` go to that one benchmark (a
//! quick look: `cargo xtask bench proxy -- --rounds 1 --duration 2`; `cw-bench proxy --help` lists them).
//! `bulk` builds cw-bench in release and runs `cw-bench bulk` (the bulk job engine against the spec's
//! fixed-pause loop on cw-sim, about eight minutes), which rewrites the `## Bulk updates` section.

use crate::cmd::{self, Result, command, output, root, sh};
use std::path::Path;

/// A benchmark: it gets the flags given after `--`.
type Bench = fn(&[String]) -> Result;

/// Every benchmark, by name.
const BENCHES: &[(&str, Bench)] = &[("proxy", proxy), ("frontend", frontend), ("bulk", bulk)];

/// Where Debian puts nginx.
const NGINX: &str = "/usr/sbin/nginx";

pub fn bench(args: &[String]) -> Result {
    let (names, flags) = match args.iter().position(|a| a == "--") {
        Some(i) => (&args[..i], &args[i + 1..]),
        None => (args, &[][..]),
    };
    let known = || BENCHES.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ");
    let mut chosen = Vec::new();
    for name in names {
        match BENCHES.iter().find(|(n, _)| n == name) {
            Some(bench) => chosen.push(bench),
            None => return Err(format!("unknown benchmark {name:?}; the benchmarks are: {}", known())),
        }
    }
    if chosen.is_empty() {
        chosen = BENCHES.iter().collect();
    }
    if chosen.len() > 1 && !flags.is_empty() {
        return Err(
            "flags after `--` go to one benchmark: name it (e.g. `cargo xtask bench proxy -- --rounds 1`)".into()
        );
    }
    for (name, run) in chosen {
        println!("\n== benchmark: {name}");
        run(flags)?;
    }
    Ok(())
}

/// `bench_frontend.rs`; it takes no flags.
fn frontend(flags: &[String]) -> Result {
    if let Some(flag) = flags.first() {
        return Err(format!("`cargo xtask bench frontend` takes no flags (got {flag:?})"));
    }
    crate::bench_frontend::bench_frontend()
}

fn bulk(flags: &[String]) -> Result {
    sh("cargo", &["build", "--release", "-p", "cw-tests", "--bin", "cw-bench"])?;
    let bin = root().join("target/release/cw-bench");
    let mut run = command(&bin.display().to_string(), &["bulk"]);
    run.arg("--out").arg(root().join("BENCHMARKS.md")).args(flags);
    cmd::run(run)
}

fn proxy(flags: &[String]) -> Result {
    nginx()?;
    cors_anywhere()?;
    sh("cargo", &["build", "--release", "-p", "cw-proxy", "-p", "cw-tests", "--bin", "cw-proxy", "--bin", "cw-bench"])?;
    let bin = root().join("target/release");
    let mut run = command(&bin.join("cw-bench").display().to_string(), &["proxy"]);
    run.arg("--proxy-bin")
        .arg(bin.join("cw-proxy"))
        .arg("--nginx")
        .arg(NGINX)
        .arg("--node")
        .arg("node")
        .arg("--cors-anywhere")
        .arg(root().join("bench/cors-anywhere.js"))
        .arg("--out")
        .arg(root().join("BENCHMARKS.md"))
        .args(flags);
    cmd::run(run)
}

/// Debian's nginx, installed when missing (as root, or through passwordless sudo).
fn nginx() -> Result {
    if Path::new(NGINX).exists() {
        return Ok(());
    }
    let root_user = output("id", &["-u"]).as_deref() == Some("0");
    let (program, prefix): (&str, &[&str]) = if root_user { ("apt-get", &[]) } else { ("sudo", &["apt-get"]) };
    if !root_user && output("sudo", &["-n", "true"]).is_none() {
        return Err("the proxy benchmark compares against Debian's nginx: run `sudo apt-get install -y nginx`, \
                    then run the command again"
            .into());
    }
    println!("installing Debian's nginx (a minute; the benchmark runs its own instance, never the service)");
    let mut update = cmd::command(program, &[prefix, &["update", "-q"]].concat());
    update.env("DEBIAN_FRONTEND", "noninteractive");
    cmd::run(update)?;
    let mut install = cmd::command(program, &[prefix, &["install", "-y", "-q", "nginx"]].concat());
    install.env("DEBIAN_FRONTEND", "noninteractive");
    cmd::run(install)
}

/// cors-anywhere in bench/node_modules, at the version bench/package.json pins.
fn cors_anywhere() -> Result {
    if output("node", &["--version"]).is_none() || output("npm", &["--version"]).is_none() {
        return Err("the proxy benchmark runs cors-anywhere with node: install Node.js and npm \
                    (Debian: apt-get install nodejs npm), then run the command again"
            .into());
    }
    let dir = root().join("bench");
    let pinned = std::fs::read_to_string(dir.join("package.json"))
        .map_err(|e| format!("bench/package.json: {e}"))?
        .split("\"cors-anywhere\": \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(str::to_owned)
        .ok_or("bench/package.json must pin cors-anywhere exactly, e.g. \"cors-anywhere\": \"0.4.4\"")?;
    let installed = std::fs::read_to_string(dir.join("node_modules/cors-anywhere/package.json")).unwrap_or_default();
    if installed.contains(&format!("\"version\": \"{pinned}\"")) {
        return Ok(());
    }
    let mut npm = command("npm", &["ci", "--no-audit", "--no-fund", "--loglevel=error"]);
    npm.current_dir(&dir);
    cmd::run(npm)
}
