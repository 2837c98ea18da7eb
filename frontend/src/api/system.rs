//! `/system/info` (the cheap credentials probe) and the proxy's own `/healthz`.

use super::Cw;
use super::transport::http_send;
use crate::error::AppError;
use cw_shared::api;
use cw_shared::http::Method;

/// Runs the probe Connect uses before switching to LIVE (`GET /system/info`, one small record);
/// `Ok(version)` when ConnectWise accepted the credentials.
pub async fn probe(cw: &Cw) -> Result<String, AppError> {
    Ok(cw.call(api::system_info(), "/system/info").await?.version)
}

/// Who holds the ConnectWise credentials, per the proxy's `/healthz`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialsHolder {
    /// The browser sends them (`x-cw-*` headers).
    Browser,
    /// The proxy has its own; the config bar asks for no keys.
    Proxy,
}

/// The proxy's `/healthz` answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    /// The proxy's version.
    pub version: String,
    /// Who holds the credentials.
    pub credentials: CredentialsHolder,
}

/// Reads a `/healthz` body.
pub fn parse_health(body: &str) -> Option<Health> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    if v.get("status")?.as_str()? != "ok" {
        return None;
    }
    Some(Health {
        version: v.get("version").and_then(|x| x.as_str()).unwrap_or_default().to_string(),
        credentials: match v.get("credentials").and_then(|x| x.as_str()) {
            Some("proxy") => CredentialsHolder::Proxy,
            _ => CredentialsHolder::Browser,
        },
    })
}

/// `GET {proxy_base}/healthz`.
pub async fn health(proxy_base: &str) -> Result<Health, AppError> {
    let base = proxy_base.trim_end_matches('/');
    let response = http_send(Method::Get, &format!("{base}/healthz"), &[], None, base).await?;
    parse_health(&response.body).ok_or_else(|| AppError::BadResponse {
        what: format!("{base}/healthz"),
        detail: format!("status {}: not a cw-proxy health answer", response.status),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_says_who_holds_the_credentials() {
        let h = parse_health(r#"{"status":"ok","version":"0.1.0","credentials":"proxy"}"#).unwrap();
        assert_eq!(h.credentials, CredentialsHolder::Proxy);
        assert_eq!(h.version, "0.1.0");
        let h = parse_health(r#"{"status":"ok","version":"0.1.0","credentials":"browser"}"#).unwrap();
        assert_eq!(h.credentials, CredentialsHolder::Browser);
        assert_eq!(parse_health("nope"), None);
    }
}
