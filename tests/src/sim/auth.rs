//! ConnectWise authentication: `Authorization: Basic base64("{company}+{publicKey}:{privateKey}")` plus a
//! `clientId` header on every API call (cw-api.md §1.2). Failing either gives
//! `401 {"code":"ConnectWiseApi","message":"UserNotAuthenticated"}`; cw-api.md leaves the status for a
//! missing `clientId` open (401 or 403), and 401 is chosen here, matching the product spec.
//! The company id compares case-insensitively, the keys exactly. Nothing here is ever logged.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The `Authorization` header value for these credentials.
pub fn basic_auth(company: &str, public_key: &str, private_key: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{company}+{public_key}:{private_key}")))
}

/// True for a UUID in 8-4-4-4-12 hexadecimal form (braces allowed, any case).
pub fn is_uuid(text: &str) -> bool {
    let t = text.trim().trim_start_matches('{').trim_end_matches('}');
    let groups: Vec<&str> = t.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The credentials the simulator accepts.
#[derive(Clone)]
pub struct Credentials {
    /// Company id.
    pub company: String,
    /// Public key.
    pub public_key: String,
    /// Private key.
    pub private_key: String,
    /// The required clientId, or None for any UUID.
    pub client_id: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("company", &self.company)
            .field("public_key", &self.public_key)
            .field("private_key", &"********")
            .field("client_id", &self.client_id)
            .finish()
    }
}

impl Credentials {
    /// Whether a request's `Authorization` and `clientId` headers are acceptable.
    pub fn accepts(&self, authorization: Option<&str>, client_id: Option<&str>) -> bool {
        let client_ok = match (client_id, &self.client_id) {
            (Some(got), Some(want)) => got.trim().eq_ignore_ascii_case(want.trim()),
            (Some(got), None) => is_uuid(got),
            (None, _) => false,
        };
        client_ok && authorization.is_some_and(|a| self.basic_ok(a))
    }

    fn basic_ok(&self, header: &str) -> bool {
        let Some((scheme, token)) = header.trim().split_once(' ') else { return false };
        if !scheme.eq_ignore_ascii_case("basic") {
            return false;
        }
        let Ok(decoded) = STANDARD.decode(token.trim()) else { return false };
        let Ok(text) = String::from_utf8(decoded) else { return false };
        let Some((user, private)) = text.split_once(':') else { return false };
        let Some((company, public)) = user.split_once('+') else { return false };
        company.eq_ignore_ascii_case(&self.company) && public == self.public_key && private == self.private_key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_and_client_id_are_checked() {
        let c = Credentials {
            company: "demo".into(),
            public_key: "pub".into(),
            private_key: "priv".into(),
            client_id: None,
        };
        let good = basic_auth("Demo", "pub", "priv");
        let uuid = "6f1c2a8e-0f3b-4c1d-9a7e-2b5d8c4e1f00";
        assert!(c.accepts(Some(&good), Some(uuid)));
        assert!(!c.accepts(Some(&good), None));
        assert!(!c.accepts(Some(&good), Some("not-a-uuid")));
        assert!(!c.accepts(Some(&basic_auth("demo", "pub", "wrong")), Some(uuid)));
        assert!(!c.accepts(Some(&basic_auth("other", "pub", "priv")), Some(uuid)));
        assert!(!c.accepts(Some("Bearer abc"), Some(uuid)));
        assert!(!format!("{c:?}").contains("priv\""));
        let pinned = Credentials { client_id: Some(uuid.to_uppercase()), ..c };
        assert!(pinned.accepts(Some(&good), Some(uuid)));
        assert!(!pinned.accepts(Some(&good), Some("00000000-0000-0000-0000-000000000000")));
    }
}
