//! No credential reaches the logs at any level. This test binary installs a global TRACE subscriber
//! (hyper, rustls and the proxy all log into it), runs good and bad requests in both credential
//! modes, and greps everything that was written.

mod common;

use common::*;
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

const TOKEN: &str = "proxy-token-never-logged-42";
const FILE_PRIVATE_KEY: &str = "FILEPRIVATEKEYneverlogged";
const QUERY_SECRET: &str = "querysecretvalue77";

#[tokio::test]
async fn credentials_never_appear_in_trace_logs() {
    let captured = Captured::default();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("trace"))
        .with_writer(captured.clone())
        .with_ansi(false)
        .try_init()
        .unwrap();

    // Browser mode: success, CW error, upstream failure, malformed auth (whose decoded form holds
    // the key), disallowed host.
    let upstream = Upstream::start(|r: &Recorded| {
        if r.target.contains("fail") { Reply::json(500, r#"{"code":"x"}"#) } else { Reply::json(200, "[]") }
    })
    .await;
    let proxy = Proxy::start(&upstream.proxy_args()).await;
    let path = format!("/cw/company/contacts?conditions=name%3D%22{QUERY_SECRET}%22");
    let mut requests = 0;
    for (path, auth) in [(path.as_str(), AUTH), ("/cw/fail", AUTH), ("/cw/company/companies", "eHl6Nzg5UFJJVkFURQ==")] {
        let mut request = proxy.cw("POST", path, &upstream).body(full("{}")).unwrap();
        request.headers_mut().insert("x-cw-auth", auth.parse().unwrap());
        proxy.send(request).await;
        requests += 1;
    }
    let mut elsewhere = proxy.cw("GET", "/cw/company/companies", &upstream).body(empty()).unwrap();
    elsewhere.headers_mut().insert("x-cw-host", "evil.example".parse().unwrap());
    proxy.send(elsewhere).await;
    requests += 1;

    // Server-held mode, with a right and a wrong token.
    let file = scratch_file(
        "credentials.toml",
        &format!(
            "host = \"{}\"\ncompany_id = \"co\"\npublic_key = \"pub\"\nprivate_key = \"{FILE_PRIVATE_KEY}\"\nclient_id = \"{CLIENT_ID}\"\naccess_token = \"{TOKEN}\"\n",
            upstream.host()
        ),
    );
    let held = Proxy::start(&[
        "--credentials".into(),
        file.display().to_string(),
        "--ca-file".into(),
        upstream.ca_file.display().to_string(),
    ])
    .await;
    for token in [TOKEN, "wrong-token-wrong-token-wrong"] {
        let request =
            held.bare("GET", "/cw/company/companies").header("x-cw-proxy-token", token).body(empty()).unwrap();
        held.send(request).await;
        requests += 1;
    }
    assert_eq!(upstream.requests().len(), 3, "two browser-mode requests and one server-held request were forwarded");

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    // The capture really is at trace level, for the libraries too (rustls through the `log` bridge).
    for noisy in ["cw_proxy::upstream_pool", "rustls::client"] {
        assert!(text.contains(noisy), "no {noisy} trace lines were captured");
    }
    use base64::Engine;
    let file_auth = base64::engine::general_purpose::STANDARD.encode(format!("co+pub:{FILE_PRIVATE_KEY}"));
    for secret in [PRIVATE_KEY, AUTH, "eHl6Nzg5UFJJVkFURQ", FILE_PRIVATE_KEY, file_auth.as_str(), TOKEN, QUERY_SECRET] {
        assert!(!text.contains(secret), "{secret} leaked into the logs:\n{text}");
    }
    // The log is not trivially empty: one request line per request, with its fields.
    let lines: Vec<&str> =
        text.lines().filter(|l| l.contains(cw_proxy::logging::ACCESS_TARGET) && l.contains(" request ")).collect();
    assert_eq!(lines.len(), requests, "one line per request:\n{}", lines.join("\n"));
    assert!(
        lines
            .iter()
            .any(|l| l.contains("method=POST") && l.contains("path=/cw/company/contacts") && l.contains("status=200")),
        "{lines:?}"
    );
    assert!(lines.iter().any(|l| l.contains(&format!("cw_host={}", upstream.host()))), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("status=403") && l.contains("HostNotAllowed")), "{lines:?}");
}
