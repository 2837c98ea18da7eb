//! The real `cw-proxy` binary: help text, configuration errors, and a start/serve/SIGTERM cycle.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_cw-proxy");

#[test]
fn help_lists_every_flag_with_its_environment_variable() {
    let output = Command::new(BIN).arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for (flag, env) in [
        ("--listen", "CW_PROXY_LISTEN"),
        ("--allow-host", "CW_PROXY_ALLOW_HOST"),
        ("--allow-origin", "CW_PROXY_ALLOW_ORIGIN"),
        ("--ca-file", "CW_PROXY_CA_FILE"),
        ("--max-body", "CW_PROXY_MAX_BODY"),
        ("--timeout", "CW_PROXY_TIMEOUT"),
        ("--credentials", "CW_PROXY_CREDENTIALS"),
    ] {
        assert!(help.contains(flag) && help.contains(env), "{flag} / {env} missing from:\n{help}");
    }
    assert!(help.contains("127.0.0.1:3001") && help.contains("*.myconnectwise.net"), "{help}");
}

#[test]
fn a_bad_configuration_is_explained_and_exits_2() {
    let creds = common::scratch_file(
        "no-token.toml",
        "host = \"na.myconnectwise.net\"\ncompany_id = \"co\"\npublic_key = \"pub\"\nprivate_key = \"privXYZ\"\nclient_id = \"0b3f2a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b\"\n",
    );
    let output = Command::new(BIN)
        .args(["--listen", "0.0.0.0:3001", "--credentials"])
        .arg(&creds)
        .args(["--allow-origin", "*", "--allow-origin", "http://localhost:8080"])
        .env("CW_PROXY_TIMEOUT", "0")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("invalid configuration"), "{stderr}");
    assert!(stderr.contains("needs an access_token"), "{stderr}");
    assert!(stderr.contains("'*'"), "{stderr}");
    assert!(stderr.contains("--timeout"), "{stderr}");
    assert!(!stderr.contains("privXYZ"), "{stderr}");

    let output = Command::new(BIN).arg("--listen").arg("not-an-address").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--listen"));
}

#[test]
fn the_binary_serves_and_stops_on_sigterm() {
    let mut child = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0"])
        .env("NO_COLOR", "1")
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    let addr = loop {
        line.clear();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "the binary exited before listening");
        if let Some(rest) = line.split("listen=").nth(1) {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let answer = runtime.block_on(async {
        let addr: std::net::SocketAddr = addr.parse().unwrap();
        let request = hyper::Request::get("/healthz").header("host", addr.to_string()).body(common::empty()).unwrap();
        common::send_on_new_connection(addr, request).await
    });
    assert_eq!(answer.json()["status"], "ok");

    let kill = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "a SIGTERM shutdown is a clean exit: {status:?}");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert!(rest.contains("shutting down"), "{rest}");
    // Off a terminal the request line is written by hand, in tracing's format, and flushed at shutdown.
    let request_line = rest.lines().find(|l| l.contains("cw_proxy::access")).unwrap_or_else(|| panic!("{rest}"));
    let (time, line) = request_line.split_once(' ').unwrap();
    assert!(time.len() == 27 && time.ends_with('Z') && time.as_bytes()[10] == b'T', "{request_line}");
    assert!(
        line.starts_with(" INFO cw_proxy::access: request method=GET path=/healthz cw_host=- status=200 latency_ms=")
    );
}
