//! Running commands: from the workspace root, with the installed tools first on `PATH`, echoing each.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// An error a developer can act on.
pub type Result<T = ()> = std::result::Result<T, String>;

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

/// `PATH` with npm's `node_modules/.bin` (wasm-opt 132) and `~/.cargo/bin` in front.
pub fn tool_path() -> String {
    let mut parts = vec![root().join("node_modules/.bin").display().to_string()];
    if let Some(home) = std::env::var_os("HOME") {
        parts.push(Path::new(&home).join(".cargo/bin").display().to_string());
    }
    if let Ok(path) = std::env::var("PATH") {
        parts.push(path);
    }
    parts.join(":")
}

/// A command run from the workspace root with [`tool_path`].
pub fn command(program: &str, args: &[&str]) -> Command {
    let mut c = Command::new(program);
    c.args(args).current_dir(root()).env("PATH", tool_path());
    c
}

/// Runs a command to completion, echoing it first; fails with the command line on a non-zero exit.
pub fn run(mut c: Command) -> Result {
    let line = describe(&c);
    println!("\n$ {line}");
    let status = c.status().map_err(|e| format!("could not start `{line}`: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("`{line}` failed ({status})")) }
}

/// Shorthand for [`run`] of [`command`].
pub fn sh(program: &str, args: &[&str]) -> Result {
    run(command(program, args))
}

/// The trimmed standard output of a command, or `None` when it cannot run or fails.
pub fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = command(program, args).stderr(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Starts a long-running child (killed by [`Children`] on drop).
pub fn spawn(mut c: Command) -> Result<Child> {
    let line = describe(&c);
    println!("$ {line} &");
    c.spawn().map_err(|e| format!("could not start `{line}`: {e}"))
}

/// Children that are killed when this value is dropped (Ctrl-C, error or normal exit).
#[derive(Default)]
pub struct Children(pub Vec<Child>);

impl Drop for Children {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn describe(c: &Command) -> String {
    let mut line = c.get_program().to_string_lossy().into_owned();
    for a in c.get_args() {
        line.push(' ');
        line.push_str(&a.to_string_lossy());
    }
    line
}
