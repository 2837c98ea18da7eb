//! `cargo xtask run`: the console, cw-proxy and the local ConnectWise simulator, on loopback.

use crate::cmd::{Children, Result, command, root, sh, spawn};
use crate::test::build_dist;
use crate::tools::{self, Need};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

const CONSOLE: &str = "127.0.0.1:8080";
const PROXY: &str = "127.0.0.1:3001";
const SIM: &str = "127.0.0.1:8443";

pub fn run(args: &[String]) -> Result {
    if let Some(extra) = args.first() {
        return Err(format!("`cargo xtask run` takes no arguments (got {extra:?})"));
    }
    for addr in [CONSOLE, PROXY, SIM] {
        if TcpStream::connect(addr).is_ok() {
            return Err(format!("{addr} is already in use: stop what listens there (an earlier `cargo xtask run`?)"));
        }
    }
    tools::ensure(Need::Build)?;
    build_dist()?;
    sh(
        "cargo",
        &[
            "build",
            "--release",
            "-p",
            "cw-proxy",
            "-p",
            "cw-tests",
            "--bin",
            "cw-proxy",
            "--bin",
            "cw-sim",
            "--bin",
            "cw-dist",
        ],
    )?;

    let bin = root().join("target/release");
    let cert_dir = root().join("target/cw-sim");
    std::fs::create_dir_all(&cert_dir).map_err(|e| format!("cannot create {}: {e}", cert_dir.display()))?;
    let cert = cert_dir.join("cert.pem");
    let mut children = Children::default();
    let mut sim = command(&bin.join("cw-sim").display().to_string(), &["--listen", SIM]);
    sim.arg("--cert-out").arg(&cert);
    children.0.push(spawn(sim)?);
    wait_for(SIM, "cw-sim")?;

    let mut proxy = command(
        &bin.join("cw-proxy").display().to_string(),
        &[
            "--listen",
            PROXY,
            "--allow-host",
            "localhost:8443",
            "--allow-origin",
            "http://127.0.0.1:8080",
            "--allow-origin",
            "http://localhost:8080",
        ],
    );
    proxy.arg("--ca-file").arg(&cert);
    children.0.push(spawn(proxy)?);
    wait_for(PROXY, "cw-proxy")?;

    let mut console = command(&bin.join("cw-dist").display().to_string(), &[CONSOLE]);
    console.arg(root().join("dist"));
    children.0.push(spawn(console)?);
    wait_for(CONSOLE, "the console server")?;
    println!(
        "\ncw-console is running. Open http://{CONSOLE}/\n\
         \n  console   http://{CONSOLE}/  (demo data in the browser: nothing is sent anywhere)\
         \n  cw-proxy  http://{PROXY}\
         \n  cw-sim    https://localhost:8443  (a local ConnectWise with the demo clients)\
         \n\nTo work live against the simulator, fill the config bar and press Connect:\
         \n  Host localhost:8443   Company ID demo   Public key demo-public\
         \n  Private key demo-private   Client ID 00000000-0000-4000-8000-000000000000\
         \n\nCtrl-C stops all three.\n"
    );
    loop {
        for child in &mut children.0 {
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!("a service exited ({status}); see its output above"));
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn wait_for(addr: &str, what: &str) -> Result {
    let addr: SocketAddr = addr.parse().map_err(|e| format!("{addr}: {e}"))?;
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(format!("{what} did not start listening on {addr} within 20 s (see its output above)"))
}
