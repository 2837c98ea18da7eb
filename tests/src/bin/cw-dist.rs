//! `cw-dist ADDR DIR`: serves the console's built `dist/` for `cargo xtask run`.

use std::net::TcpListener;
use std::sync::atomic::AtomicBool;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [addr, dir] = args.as_slice() else {
        eprintln!("usage: cw-dist ADDR DIR   (e.g. cw-dist 127.0.0.1:8080 dist)");
        return std::process::ExitCode::from(2);
    };
    let listener = match TcpListener::bind(addr).and_then(|l| l.set_nonblocking(true).map(|()| l)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cw-dist: cannot listen on {addr}: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    cw_tests::dist_server::serve(listener, std::path::Path::new(dir), &AtomicBool::new(false));
    std::process::ExitCode::SUCCESS
}
