//! [`AppError`]: the one error type of the console, rendered by one component
//! ([`crate::components::error_view::ErrorView`]).
//!
//! Every failure a person can meet ends here, worded as what happened plus what to do about it. The
//! wording is plain Rust (no view code), so it is tested natively.

use std::fmt;

/// Everything that can go wrong between a click and ConnectWise's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppError {
    /// No HTTP answer at all from the proxy (it is not running, the URL is wrong, or CORS blocked it).
    ProxyUnreachable {
        /// The proxy base URL the console tried.
        url: String,
    },
    /// 401: ConnectWise (or the proxy) did not accept the credentials.
    Unauthorized {
        /// ConnectWise's own message, e.g. `UserNotAuthenticated`.
        message: String,
    },
    /// 403 from the proxy: it only forwards to the ConnectWise hosts it was started with.
    HostNotAllowed {
        /// The proxy's message.
        message: String,
    },
    /// The proxy itself refused or failed (its message starts with `cw-proxy:`), e.g. this page's origin
    /// is not allowed, a header is missing, or ConnectWise could not be reached from the proxy.
    ProxyRefused {
        /// HTTP status.
        status: u16,
        /// The proxy's code, e.g. `OriginNotAllowed`, `UpstreamUnreachable`.
        code: String,
        /// The proxy's message.
        message: String,
    },
    /// 403 from ConnectWise: the API member's security role does not allow this.
    Forbidden {
        /// ConnectWise's own message.
        message: String,
    },
    /// 429: too many requests.
    RateLimited {
        /// Seconds ConnectWise asked to wait, when it said.
        retry_after: Option<u32>,
    },
    /// Any other refusal, with ConnectWise's own words.
    Cw {
        /// HTTP status.
        status: u16,
        /// CW's `code`, e.g. `InvalidObject`.
        code: String,
        /// CW's `message`.
        message: String,
        /// The `errors[]` entries as "field: message".
        details: Vec<String>,
    },
    /// An answer the console could not read.
    BadResponse {
        /// What the console was reading.
        what: String,
        /// The parser's complaint.
        detail: String,
    },
    /// The config bar's fields are not usable yet; one line per problem.
    InvalidConfig(Vec<String>),
}

impl AppError {
    /// Builds the error for a non-2xx answer from its status, body and (for 429) `Retry-After`.
    ///
    /// `from_proxy` is true when the body's `code` says the proxy itself refused (it never reached
    /// ConnectWise), which matters for 403.
    pub fn from_status(status: u16, body: &str, retry_after: Option<&str>) -> Self {
        let parsed: Option<serde_json::Value> = serde_json::from_str(body.trim()).ok();
        let field = |name: &str| {
            parsed.as_ref().and_then(|v| v.get(name)).and_then(|v| v.as_str()).unwrap_or_default().to_string()
        };
        let code = field("code");
        let mut message = field("message");
        if message.is_empty() && parsed.is_none() {
            message = body.trim().chars().take(300).collect();
        }
        let details: Vec<String> = parsed
            .as_ref()
            .and_then(|v| v.get("errors"))
            .and_then(|v| v.as_array())
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| {
                        let msg = e.get("message").and_then(|m| m.as_str()).unwrap_or_default();
                        match e.get("field").and_then(|f| f.as_str()) {
                            Some(f) if !f.is_empty() => format!("{f}: {msg}"),
                            _ => msg.to_string(),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let from_proxy = message.starts_with("cw-proxy");
        match status {
            403 if is_proxy_host_refusal(&code, &message) => AppError::HostNotAllowed { message },
            _ if from_proxy => AppError::ProxyRefused { status, code, message },
            401 => AppError::Unauthorized { message: if message.is_empty() { code } else { message } },
            403 => AppError::Forbidden { message },
            429 => AppError::RateLimited { retry_after: retry_after.and_then(|r| r.trim().parse().ok()) },
            _ => AppError::Cw { status, code, message, details },
        }
    }

    /// A one-line headline.
    pub fn title(&self) -> String {
        match self {
            AppError::ProxyUnreachable { url } => format!("Proxy unreachable at {url}"),
            AppError::Unauthorized { .. } => "401 Unauthorized: ConnectWise rejected the credentials".into(),
            AppError::HostNotAllowed { .. } => "403: the proxy does not allow this ConnectWise host".into(),
            AppError::ProxyRefused { status, code, .. } => format!("The proxy refused the request ({status} {code})"),
            AppError::Forbidden { .. } => "403 Forbidden: the API member's security role does not allow this".into(),
            AppError::RateLimited { .. } => "429: ConnectWise asked the console to slow down".into(),
            AppError::Cw { status, code, .. } if code.is_empty() => {
                format!("ConnectWise refused ({status})")
            }
            AppError::Cw { status, code, .. } => format!("ConnectWise refused ({status} {code})"),
            AppError::BadResponse { what, .. } => format!("Could not read the answer for {what}"),
            AppError::InvalidConfig(_) => "The connection settings need fixing".into(),
        }
    }

    /// ConnectWise's (or the proxy's) own words, when there are any.
    pub fn message(&self) -> String {
        match self {
            AppError::Unauthorized { message }
            | AppError::HostNotAllowed { message }
            | AppError::ProxyRefused { message, .. }
            | AppError::Forbidden { message } => message.clone(),
            AppError::Cw { message, details, .. } => {
                let mut out = message.clone();
                for d in details {
                    if !out.is_empty() {
                        out.push_str(" — ");
                    }
                    out.push_str(d);
                }
                out
            }
            AppError::BadResponse { detail, .. } => detail.clone(),
            AppError::InvalidConfig(problems) => problems.join(" "),
            AppError::ProxyUnreachable { .. } | AppError::RateLimited { .. } => String::new(),
        }
    }

    /// What to do about it: one line each.
    pub fn hints(&self) -> Vec<String> {
        match self {
            AppError::ProxyUnreachable { url } => vec![
                format!("Start cw-proxy so it listens at {url} (cargo xtask run does), or put the right proxyBase in config.json."),
                "If it is running, check that it allows this page's origin (CORS).".into(),
            ],
            AppError::Unauthorized { .. } => vec![
                "Check the Client ID: a UUID registered at developer.connectwise.com, required on every request since 2019.1.".into(),
                "Check the keys: the auth string is base64(CompanyID+PublicKey:PrivateKey) — the Company ID is the short login id, not the company name.".into(),
                "Check that the API member is active and its security role has not changed.".into(),
            ],
            AppError::HostNotAllowed { .. } => vec![
                "The host must be one of the proxy's allowed hosts (its --allow-host list); fix the Host field or the proxy's configuration.".into(),
            ],
            AppError::ProxyRefused { code, .. } => vec![match code.as_str() {
                "OriginNotAllowed" => "Start cw-proxy with --allow-origin set to this page's origin (scheme://host:port).".into(),
                "UpstreamUnreachable" | "UpstreamTimeout" => {
                    "The proxy could not reach ConnectWise: check the Host field (hostname only) and the proxy's network.".into()
                }
                "MissingHeader" | "InvalidHeader" => "Fill all five config-bar fields and Connect again.".into(),
                "Unauthorized" => "Enter the proxy's access token in the Proxy token field and Connect again.".into(),
                _ => "Check the proxy's configuration and its log.".into(),
            }],
            AppError::Forbidden { .. } => vec![
                "Give the API member a security role with read/write on Companies, Contacts and Agreements.".into(),
            ],
            AppError::RateLimited { retry_after } => vec![match retry_after {
                Some(s) => format!("Wait {s} s and try again."),
                None => "Wait a moment and try again.".into(),
            }],
            AppError::Cw { status, .. } if *status >= 500 => {
                vec!["ConnectWise had a problem; try again in a moment.".into()]
            }
            AppError::Cw { status: 404, .. } => {
                vec!["The record may have been deleted or moved in ConnectWise; reload the list.".into()]
            }
            AppError::Cw { .. } => vec!["Correct the values ConnectWise named and try again.".into()],
            AppError::BadResponse { .. } => {
                vec!["Check that the proxy forwards to a ConnectWise Manage REST API (v4_6_release).".into()]
            }
            AppError::InvalidConfig(_) => vec![],
        }
    }
}

/// True when a 403's code or message says the proxy refused the host (rather than CW refusing the role).
fn is_proxy_host_refusal(code: &str, message: &str) -> bool {
    let code = code.to_ascii_lowercase();
    let message = message.to_ascii_lowercase();
    code.contains("host") || (message.contains("host") && message.contains("not allowed"))
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = self.message();
        if message.is_empty() { write!(f, "{}", self.title()) } else { write!(f, "{}: {message}", self.title()) }
    }
}

impl std::error::Error for AppError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cw_validation_errors_keep_cws_words_and_fields() {
        let body = r#"{"code":"InvalidObject","message":"company object is invalid","errors":[{"code":"ObjectExists","message":"Company ID already in use.","resource":"company","field":"identifier"}]}"#;
        let e = AppError::from_status(400, body, None);
        assert_eq!(e.title(), "ConnectWise refused (400 InvalidObject)");
        assert_eq!(e.message(), "company object is invalid — identifier: Company ID already in use.");
        assert!(e.to_string().contains("Company ID already in use."));
    }

    #[test]
    fn unauthorized_lists_the_three_causes() {
        let e = AppError::from_status(401, r#"{"code":"ConnectWiseApi","message":"UserNotAuthenticated"}"#, None);
        assert_eq!(e, AppError::Unauthorized { message: "UserNotAuthenticated".into() });
        let hints = e.hints().join("\n");
        assert!(hints.contains("Client ID"));
        assert!(hints.contains("CompanyID+PublicKey:PrivateKey"));
        assert!(hints.contains("inactive") || hints.contains("active"));
        assert_eq!(e.hints().len(), 3);
    }

    #[test]
    fn forbidden_distinguishes_the_proxy_from_cw() {
        let proxy = AppError::from_status(
            403,
            r#"{"code":"HostNotAllowed","message":"host evil.example is not allowed"}"#,
            None,
        );
        assert!(matches!(proxy, AppError::HostNotAllowed { .. }));
        let cw = AppError::from_status(403, r#"{"code":"Forbidden","message":"You do not have access"}"#, None);
        assert!(matches!(cw, AppError::Forbidden { .. }));
    }

    #[test]
    fn proxy_down_names_the_url() {
        let e = AppError::ProxyUnreachable { url: "http://localhost:3001".into() };
        assert_eq!(e.title(), "Proxy unreachable at http://localhost:3001");
        assert!(e.hints()[0].contains("http://localhost:3001"));
    }

    #[test]
    fn non_json_bodies_and_rate_limits_are_still_explained() {
        let e = AppError::from_status(502, "Bad Gateway", None);
        assert_eq!(e.message(), "Bad Gateway");
        let e = AppError::from_status(429, "", Some("7"));
        assert_eq!(e, AppError::RateLimited { retry_after: Some(7) });
        assert_eq!(e.hints(), vec!["Wait 7 s and try again.".to_string()]);
    }
}
