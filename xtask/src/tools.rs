//! Installing what the build and the tests need, idempotently: seconds when everything is there.
//!
//! Pinned versions live here (trunk) or are read from the one file that pins them (wasm-bindgen from
//! frontend/Cargo.toml, binaryen from package.json) and checked against Trunk.toml `[tools]`, so trunk
//! always finds the exact tools it wants and never tries to download one (it cannot on these machines).

use crate::cmd::{self, Result, output, root, sh};
use std::path::Path;

/// trunk 0.22 needs a newer rustc than 1.95; 0.21.14 is the newest stable that builds here.
pub const TRUNK_VERSION: &str = "0.21.14";
/// Debian's chromium and chromedriver (never a browser download).
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// What to install: the browser only for tests.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Build tools only (`cargo xtask run`).
    Build,
    /// Build tools plus Chromium and chromedriver (`cargo xtask test`, `bench`).
    Browser,
}

/// Installs whatever is missing for `need`.
pub fn ensure(need: Need) -> Result {
    let pins = Pins::read()?;
    wasm_target()?;
    trunk()?;
    wasm_bindgen(&pins.wasm_bindgen)?;
    wasm_opt(&pins.binaryen)?;
    if need == Need::Browser {
        chromium()?;
    }
    Ok(())
}

/// The path of chromedriver for the browser tests.
pub fn chromedriver() -> &'static str {
    CHROMEDRIVER
}

/// The path of the Chromium binary for the browser tests.
pub fn chromium_binary() -> &'static str {
    CHROMIUM
}

struct Pins {
    wasm_bindgen: String,
    binaryen: String,
}

impl Pins {
    fn read() -> Result<Pins> {
        let frontend = read(&root().join("frontend/Cargo.toml"))?;
        let wasm_bindgen = quoted_after(&frontend, "wasm-bindgen = \"=")
            .ok_or("frontend/Cargo.toml must pin wasm-bindgen exactly: wasm-bindgen = \"=X.Y.Z\"")?;
        let package = read(&root().join("package.json"))?;
        let binaryen = quoted_after(&package, "\"binaryen\": \"")
            .ok_or("package.json must pin binaryen exactly, e.g. \"binaryen\": \"132.0.0\"")?;
        let binaryen_major = binaryen.split('.').next().unwrap_or_default().to_string();
        let trunk_toml = read(&root().join("Trunk.toml"))?;
        let mut problems = Vec::new();
        if quoted_after(&trunk_toml, "wasm_bindgen = \"").as_deref() != Some(wasm_bindgen.as_str()) {
            problems.push(format!(
                "Trunk.toml [tools] wasm_bindgen must be \"{wasm_bindgen}\" (frontend/Cargo.toml's pin)"
            ));
        }
        if quoted_after(&trunk_toml, "wasm_opt = \"").as_deref() != Some(&format!("version_{binaryen_major}")) {
            problems.push(format!(
                "Trunk.toml [tools] wasm_opt must be \"version_{binaryen_major}\" (package.json's binaryen)"
            ));
        }
        if problems.is_empty() { Ok(Pins { wasm_bindgen, binaryen: binaryen_major }) } else { Err(problems.join("\n")) }
    }
}

fn wasm_target() -> Result {
    let installed = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        return Ok(());
    }
    sh("rustup", &["target", "add", "wasm32-unknown-unknown"])
}

fn trunk() -> Result {
    if output("trunk", &["--version"]).as_deref() == Some(&format!("trunk {TRUNK_VERSION}")) {
        return Ok(());
    }
    println!("installing trunk {TRUNK_VERSION} (about 10 minutes on 2 cores, once per machine)");
    sh("cargo", &["install", "trunk", "--version", TRUNK_VERSION, "--locked"])
}

fn wasm_bindgen(version: &str) -> Result {
    if output("wasm-bindgen", &["--version"]).as_deref() == Some(&format!("wasm-bindgen {version}")) {
        return Ok(());
    }
    println!("installing wasm-bindgen-cli {version} (about 4 minutes, once per machine)");
    // Not --locked: the CLI's own lockfile wants a webpki-roots version the registry lacks.
    sh("cargo", &["install", "wasm-bindgen-cli", "--version", &format!("={version}"), "--force"])
}

fn wasm_opt(major: &str) -> Result {
    let wanted = format!("version_{major}");
    let local = root().join("node_modules/.bin/wasm-opt");
    let found = output(&local.display().to_string(), &["--version"]).unwrap_or_default();
    if found.contains(&wanted) {
        return Ok(());
    }
    if output("npm", &["--version"]).is_none() {
        return Err("npm is needed for wasm-opt (npm package binaryen): install Node.js and npm \
                    (Debian: apt-get install nodejs npm), then run the command again"
            .into());
    }
    let install = if root().join("package-lock.json").exists() { "ci" } else { "install" };
    sh("npm", &[install, "--no-audit", "--no-fund", "--loglevel=error"])?;
    let found = output(&local.display().to_string(), &["--version"]).unwrap_or_default();
    if found.contains(&wanted) {
        Ok(())
    } else {
        Err(format!("node_modules/.bin/wasm-opt reports {found:?}, expected {wanted}"))
    }
}

fn chromium() -> Result {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    let root_user = output("id", &["-u"]).as_deref() == Some("0");
    let (program, prefix): (&str, &[&str]) = if root_user { ("apt-get", &[]) } else { ("sudo", &["apt-get"]) };
    if !root_user && output("sudo", &["-n", "true"]).is_none() {
        return Err("the browser tests need Debian's chromium and chromium-driver: \
                    run `sudo apt-get install -y chromium chromium-driver`, then run the command again"
            .into());
    }
    println!("installing Debian's chromium and chromium-driver (about a minute)");
    let mut update = cmd::command(program, &[prefix, &["update", "-q"]].concat());
    update.env("DEBIAN_FRONTEND", "noninteractive");
    cmd::run(update)?;
    let mut install =
        cmd::command(program, &[prefix, &["install", "-y", "-q", "chromium", "chromium-driver"]].concat());
    install.env("DEBIAN_FRONTEND", "noninteractive");
    cmd::run(install)
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// The text between `prefix` and the next `"`.
fn quoted_after(text: &str, prefix: &str) -> Option<String> {
    let start = text.find(prefix)? + prefix.len();
    let len = text[start..].find('"')?;
    Some(text[start..start + len].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_after_finds_the_pinned_version() {
        assert_eq!(quoted_after("x\nwasm-bindgen = \"=0.2.130\"\n", "wasm-bindgen = \"="), Some("0.2.130".into()));
        assert_eq!(quoted_after("nothing here", "wasm-bindgen = \"="), None);
    }

    #[test]
    fn the_repository_pins_agree() {
        Pins::read().expect("Trunk.toml, frontend/Cargo.toml and package.json agree");
    }
}
