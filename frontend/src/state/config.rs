//! The connection settings of the config bar (`CW_CONFIG` in the spec) and how they are kept.
//!
//! They are stored in `localStorage` under [`STORAGE_KEY`] as base64-encoded JSON, exactly as the spec
//! says, and restored on load. The private key lives in a [`Sensitive`] so it can never be printed; the
//! config bar shows [`MASK`] instead of a restored key and keeps the real one only in memory.

use crate::error::AppError;
pub use cw_shared::sensitive::MASK;
use cw_shared::sensitive::Sensitive;
use serde::{Deserialize, Serialize};

/// The `localStorage` key the spec names.
pub const STORAGE_KEY: &str = "cw_config";

/// The proxy base URL when `config.json` does not say otherwise (the spec's `PROXY_BASE`).
pub const DEFAULT_PROXY_BASE: &str = "http://localhost:3001";

/// The five config-bar fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CwConfig {
    /// CW Manage hostname, e.g. `na.myconnectwise.net` (no scheme, no trailing slash; a port is fine).
    pub host: String,
    /// The short company id used to log in (not the display name).
    pub company: String,
    /// The API member's public key.
    pub public_key: String,
    /// The API member's private key.
    pub private_key: Sensitive<String>,
    /// The integration's clientId UUID.
    pub client_id: String,
}

impl CwConfig {
    /// Every problem with the fields, worded for the config bar; empty when the config is usable.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let host = self.host.trim();
        if host.is_empty() {
            out.push("Host is empty.".to_string());
        } else if host.contains("://") {
            out.push(format!(
                "Host must be the bare hostname, without \"{}://\" (e.g. na.myconnectwise.net).",
                host.split("://").next().unwrap_or("https")
            ));
        } else if host.ends_with('/') {
            out.push("Host must not end with a slash.".to_string());
        } else if host.contains('/') || host.contains(char::is_whitespace) {
            out.push("Host must be a hostname only (no path, no spaces).".to_string());
        }
        if self.company.trim().is_empty() {
            out.push("Company ID is empty.".to_string());
        }
        if self.public_key.trim().is_empty() {
            out.push("Public key is empty.".to_string());
        }
        if self.private_key.expose().is_empty() {
            out.push("Private key is empty.".to_string());
        }
        if !is_uuid(self.client_id.trim()) {
            out.push(
                "Client ID must be a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx) from developer.connectwise.com."
                    .to_string(),
            );
        }
        out
    }

    /// Ok when usable, else [`AppError::InvalidConfig`] naming every problem.
    pub fn validate(&self) -> Result<(), AppError> {
        let problems = self.problems();
        if problems.is_empty() { Ok(()) } else { Err(AppError::InvalidConfig(problems)) }
    }

    /// The value of the `x-cw-auth` header: `base64({company}+{public}:{private})`.
    pub fn auth(&self) -> Sensitive<String> {
        Sensitive::new(base64_encode(
            format!("{}+{}:{}", self.company.trim(), self.public_key.trim(), self.private_key.expose()).as_bytes(),
        ))
    }

    /// What goes into `localStorage`: base64 of the JSON.
    pub fn encode(&self) -> String {
        base64_encode(serde_json::to_string(self).unwrap_or_default().as_bytes())
    }

    /// Reads a stored value back; `None` for anything that is not a config this console wrote.
    pub fn decode(stored: &str) -> Option<Self> {
        let bytes = base64_decode(stored.trim())?;
        serde_json::from_slice(&bytes).ok()
    }
}

/// True for the 8-4-4-4-12 hexadecimal UUID form.
pub fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (what `btoa` and HTTP Basic use).
pub fn base64_encode(input: &[u8]) -> String {
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(B64[((n >> shift) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes standard base64 (padding optional); `None` on any invalid character.
pub fn base64_decode(input: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in input.bytes().filter(|&c| c != b'=') {
        let v = B64.iter().position(|&b| b == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// `localStorage`, when the browser offers it.
#[cfg(target_arch = "wasm32")]
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The config saved by an earlier Connect, if any.
pub fn load_saved() -> Option<CwConfig> {
    #[cfg(target_arch = "wasm32")]
    {
        storage()?.get_item(STORAGE_KEY).ok()?.as_deref().and_then(CwConfig::decode)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        None
    }
}

/// Remembers the config for the next visit.
pub fn save(config: &CwConfig) {
    #[cfg(target_arch = "wasm32")]
    if let Some(s) = storage() {
        let _ = s.set_item(STORAGE_KEY, &config.encode());
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = config;
}

/// Removes the stored config completely (Clear).
pub fn forget() {
    #[cfg(target_arch = "wasm32")]
    if let Some(s) = storage() {
        let _ = s.remove_item(STORAGE_KEY);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> CwConfig {
        CwConfig {
            host: "na.myconnectwise.net".into(),
            company: "mycompany".into(),
            public_key: "abc123PUBLIC".into(),
            private_key: Sensitive::new("xyz789PRIVATE".into()),
            client_id: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d".into(),
        }
    }

    #[test]
    fn base64_matches_btoa() {
        assert_eq!(base64_encode(b""), "");
        assert_eq!(base64_encode(b"f"), "Zg==");
        assert_eq!(base64_encode(b"fo"), "Zm8=");
        assert_eq!(base64_encode(b"foo"), "Zm9v");
        assert_eq!(
            base64_encode(b"mycompany+abc123PUBLIC:xyz789PRIVATE"),
            "bXljb21wYW55K2FiYzEyM1BVQkxJQzp4eXo3ODlQUklWQVRF"
        );
        for s in ["", "a", "ab", "abc", "abcd", "ünïcødé ✓"] {
            assert_eq!(base64_decode(&base64_encode(s.as_bytes())).unwrap(), s.as_bytes());
        }
        assert_eq!(base64_decode("not base64!"), None);
    }

    #[test]
    fn auth_is_company_plus_public_colon_private() {
        assert_eq!(sample().auth().expose(), "bXljb21wYW55K2FiYzEyM1BVQkxJQzp4eXo3ODlQUklWQVRF");
        assert_eq!(format!("{:?}", sample().auth()), MASK);
    }

    #[test]
    fn config_round_trips_through_storage_encoding() {
        let stored = sample().encode();
        assert!(!stored.contains("xyz789PRIVATE"));
        let json = String::from_utf8(base64_decode(&stored).unwrap()).unwrap();
        assert!(json.contains("\"publicKey\":\"abc123PUBLIC\""));
        assert_eq!(CwConfig::decode(&stored), Some(sample()));
        assert_eq!(CwConfig::decode("garbage"), None);
        assert!(!format!("{:?}", sample()).contains("xyz789PRIVATE"));
    }

    #[test]
    fn validation_names_each_problem() {
        assert!(sample().problems().is_empty());
        let mut c = sample();
        c.host = "https://na.myconnectwise.net".into();
        assert!(c.problems()[0].contains("without \"https://\""));
        c.host = "na.myconnectwise.net/".into();
        assert!(c.problems()[0].contains("slash"));
        c.host = "localhost:8443".into();
        assert!(c.problems().is_empty());
        c.client_id = "not-a-uuid".into();
        assert_eq!(c.problems().len(), 1);
        assert!(c.validate().unwrap_err().to_string().contains("UUID"));
        assert!(is_uuid("00000000-0000-4000-8000-000000000000"));
        assert!(!is_uuid("00000000-0000-4000-8000-00000000000"));
    }
}
