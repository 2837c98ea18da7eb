//! Server-held credentials (`--credentials FILE`): the browser sends no ConnectWise secrets, the
//! upstream gets the file's, and the proxy's own token guards them.

mod common;

use common::*;

const TOKEN: &str = "s3cret-proxy-token-0123456789";
const FILE_AUTH_USER: &str = "filecompany+FILEPUBLIC:FILEPRIVATEKEY";

fn credentials_file(upstream: &Upstream, token: Option<&str>) -> String {
    let token = token.map(|t| format!("access_token = \"{t}\"\n")).unwrap_or_default();
    let text = format!(
        "host = \"{}\"\ncompany_id = \"filecompany\"\npublic_key = \"FILEPUBLIC\"\nprivate_key = \"FILEPRIVATEKEY\"\nclient_id = \"{CLIENT_ID}\"\n{token}",
        upstream.host()
    );
    scratch_file("credentials.toml", &text).display().to_string()
}

fn basic(user: &str) -> String {
    use base64::Engine;
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(user))
}

async fn proxy_with_credentials(upstream: &Upstream, token: Option<&str>) -> Proxy {
    // No --allow-host for the file's host: the file's host is allowed by being configured.
    Proxy::start(&[
        "--credentials".into(),
        credentials_file(upstream, token),
        "--ca-file".into(),
        upstream.ca_file.display().to_string(),
    ])
    .await
}

fn keyless(proxy: &Proxy, path: &str) -> hyper::http::request::Builder {
    proxy.bare("GET", path).header("origin", ORIGIN)
}

#[tokio::test]
async fn the_token_is_required_and_the_files_keys_are_used() {
    let upstream = Upstream::echo().await;
    let proxy = proxy_with_credentials(&upstream, Some(TOKEN)).await;

    let answer = proxy.send(keyless(&proxy, "/cw/company/companies").body(empty()).unwrap()).await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.code(), "Unauthorized");
    let wrong = keyless(&proxy, "/cw/company/companies").header("x-cw-proxy-token", "s3cret-proxy-token-0123456780");
    assert_eq!(proxy.send(wrong.body(empty()).unwrap()).await.status, 401);
    assert!(upstream.requests().is_empty());

    let good = keyless(&proxy, "/cw/company/contacts?conditions=company%2Fid%3D5").header("x-cw-proxy-token", TOKEN);
    let answer = proxy.send(good.body(empty()).unwrap()).await;
    assert_eq!(answer.status, 200);
    let seen = &upstream.requests()[0];
    assert_eq!(seen.target, "/v4_6_release/apis/3.0/company/contacts?conditions=company%2Fid%3D5");
    assert_eq!(seen.header("authorization"), Some(basic(FILE_AUTH_USER).as_str()));
    assert_eq!(seen.header("clientid"), Some(CLIENT_ID));
    assert!(seen.header("x-cw-proxy-token").is_none(), "the proxy's token is not forwarded");
}

#[tokio::test]
async fn healthz_reports_proxy_mode_and_browser_keys_are_refused() {
    let upstream = Upstream::echo().await;
    let proxy = proxy_with_credentials(&upstream, Some(TOKEN)).await;
    let health = proxy.send(proxy.bare("GET", "/healthz").body(empty()).unwrap()).await;
    assert_eq!(health.json()["credentials"], "proxy");

    let with_keys =
        keyless(&proxy, "/cw/company/companies").header("x-cw-proxy-token", TOKEN).header("x-cw-auth", AUTH);
    let answer = proxy.send(with_keys.body(empty()).unwrap()).await;
    assert_eq!(answer.status, 400, "a browser holding keys is a misconfiguration worth seeing");
    assert!(upstream.requests().is_empty());
}

#[tokio::test]
async fn without_a_token_on_loopback_only_allowed_origins_may_spend_the_keys() {
    let upstream = Upstream::echo().await;
    let proxy = proxy_with_credentials(&upstream, None).await;
    // A page elsewhere, or an <img>/form with no Origin, must not trigger calls with the held keys.
    let no_origin = proxy.bare("GET", "/cw/company/companies").body(empty()).unwrap();
    assert_eq!(proxy.send(no_origin).await.status, 403);
    let mut evil = keyless(&proxy, "/cw/company/companies").body(empty()).unwrap();
    evil.headers_mut().insert("origin", "https://evil.example".parse().unwrap());
    assert_eq!(proxy.send(evil).await.status, 403);
    assert!(upstream.requests().is_empty());

    let answer = proxy.send(keyless(&proxy, "/cw/company/companies").body(empty()).unwrap()).await;
    assert_eq!(answer.status, 200);
    assert_eq!(upstream.requests()[0].header("authorization"), Some(basic(FILE_AUTH_USER).as_str()));
}

#[tokio::test]
async fn without_a_token_the_proxy_refuses_to_serve_beyond_loopback() {
    let upstream = Upstream::echo().await;
    let file = credentials_file(&upstream, None);
    // The command line says so...
    let argv = ["cw-proxy", "--listen", "0.0.0.0:3001", "--credentials", file.as_str()];
    let err = <cw_proxy::Args as clap::Parser>::try_parse_from(argv).unwrap().validate().unwrap_err();
    assert!(err.to_string().contains("needs an access_token"), "{err}");
    // ...and so does `run`, whatever listener it is handed.
    let config = config(&["--credentials".into(), file]);
    let listener = tokio::net::TcpListener::bind("0.0.0.0:0").await.unwrap();
    let result = cw_proxy::run(listener, config, std::future::pending::<()>()).await;
    assert_eq!(result.unwrap_err().kind(), std::io::ErrorKind::InvalidInput);
}
