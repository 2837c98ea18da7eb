//! Which browser origins may use the proxy (`--allow-origin`).
//!
//! An allowed origin is reflected in `Access-Control-Allow-Origin` (with `Vary: Origin`); `*` is used
//! only when the operator passed `--allow-origin '*'`. A request from any other origin is refused
//! with 403 before anything else happens.

use hyper::header::HeaderValue;

/// The local dev origins of `trunk serve`, allowed when no `--allow-origin` is given.
pub const DEFAULT_ALLOW_ORIGINS: &[&str] = &["http://localhost:8080", "http://127.0.0.1:8080"];

/// The parsed `--allow-origin` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginPolicy {
    /// `--allow-origin '*'`: any origin, answered with `*`.
    Any,
    /// These exact origins (`scheme://host[:port]`, lower case), as the header values answered.
    List(Vec<HeaderValue>),
}

/// What the policy says about one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginDecision {
    /// No `Origin` header: not a cross-origin browser request (curl, a same-origin page, a script).
    Absent,
    /// Allowed; the value to send as `Access-Control-Allow-Origin`.
    Allowed(HeaderValue),
    /// Present and not allowed.
    Denied,
}

impl OriginDecision {
    /// True unless the origin was refused.
    pub fn is_denied(&self) -> bool {
        matches!(self, OriginDecision::Denied)
    }
}

impl OriginPolicy {
    /// Parses the list, reporting every bad entry. `*` must stand alone.
    pub fn parse<S: AsRef<str>>(origins: &[S]) -> Result<OriginPolicy, Vec<String>> {
        let origins: Vec<&str> = origins.iter().map(AsRef::as_ref).collect();
        if origins.contains(&"*") {
            return if origins.len() == 1 {
                Ok(OriginPolicy::Any)
            } else {
                Err(vec!["--allow-origin: '*' allows every origin and must be given alone".to_owned()])
            };
        }
        if origins.is_empty() {
            return Err(vec!["--allow-origin: at least one origin is required".to_owned()]);
        }
        let mut list = Vec::new();
        let mut errors = Vec::new();
        for origin in origins {
            match normalize(origin).and_then(|o| HeaderValue::try_from(o).ok()) {
                Some(o) => list.push(o),
                None => errors.push(format!(
                    "--allow-origin {origin:?}: expected scheme://host[:port] with scheme http or https and no path"
                )),
            }
        }
        if errors.is_empty() { Ok(OriginPolicy::List(list)) } else { Err(errors) }
    }

    /// Judges a request's `Origin` header.
    pub fn decide(&self, origin: Option<&HeaderValue>) -> OriginDecision {
        let Some(origin) = origin else { return OriginDecision::Absent };
        match self {
            OriginPolicy::Any => OriginDecision::Allowed(HeaderValue::from_static("*")),
            // The policy's own value is answered, not the request's (which would keep the connection's
            // read buffer, where hyper parsed it, alive for as long as the request waits upstream).
            OriginPolicy::List(list) => match list.iter().find(|allowed| *allowed == origin) {
                Some(allowed) => OriginDecision::Allowed(allowed.clone()),
                None => OriginDecision::Denied,
            },
        }
    }
}

/// `scheme://host[:port]` in lower case, or `None` when it is not a plain web origin.
fn normalize(origin: &str) -> Option<String> {
    let lower = origin.to_ascii_lowercase();
    let (scheme, rest) = lower.split_once("://")?;
    let host_ok = !rest.is_empty()
        && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
        && !rest.starts_with(':')
        && !rest.ends_with(':');
    ((scheme == "http" || scheme == "https") && host_ok).then_some(lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide(policy: &OriginPolicy, origin: &str) -> OriginDecision {
        policy.decide(Some(&HeaderValue::from_str(origin).unwrap()))
    }

    #[test]
    fn listed_origins_are_reflected_and_others_denied() {
        let policy = OriginPolicy::parse(DEFAULT_ALLOW_ORIGINS).unwrap();
        assert_eq!(
            decide(&policy, "http://localhost:8080"),
            OriginDecision::Allowed(HeaderValue::from_static("http://localhost:8080"))
        );
        let sent = HeaderValue::from_str("http://localhost:8080").unwrap();
        let OriginDecision::Allowed(answered) = policy.decide(Some(&sent)) else { panic!("denied") };
        assert_ne!(answered.as_bytes().as_ptr(), sent.as_bytes().as_ptr(), "the policy's value, not the request's");
        for bad in [
            "http://localhost:8081",
            "https://localhost:8080",
            "http://localhost:8080.evil.com",
            "null",
            "http://evil.com",
        ] {
            assert!(decide(&policy, bad).is_denied(), "{bad}");
        }
        assert_eq!(policy.decide(None), OriginDecision::Absent);
    }

    #[test]
    fn star_only_when_given_alone() {
        assert_eq!(OriginPolicy::parse(&["*"]).unwrap(), OriginPolicy::Any);
        assert_eq!(
            decide(&OriginPolicy::Any, "https://anything.example"),
            OriginDecision::Allowed(HeaderValue::from_static("*"))
        );
        assert!(OriginPolicy::parse(&["*", "http://localhost:8080"]).is_err());
    }

    #[test]
    fn malformed_origins_are_all_reported() {
        let errors =
            OriginPolicy::parse(&["localhost:8080", "ftp://x", "http://x/path", "HTTPS://Console.Example.com"])
                .unwrap_err();
        assert_eq!(errors.len(), 3, "{errors:?}");
        let policy = OriginPolicy::parse(&["HTTPS://Console.Example.com"]).unwrap();
        assert_eq!(policy, OriginPolicy::List(vec![HeaderValue::from_static("https://console.example.com")]));
    }
}
