//! Server-held credentials (`--credentials FILE`): the proxy holds the ConnectWise keys and the
//! browser sends none, as the spec promises ("the proxy holds all credentials").
//!
//! The file is TOML:
//!
//! ```toml
//! host = "na.myconnectwise.net"
//! company_id = "mycompany"
//! public_key = "abc123PUBLIC"
//! private_key = "xyz789PRIVATE"
//! client_id = "0b3f2a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
//! access_token = "a long random string"   # required unless the proxy listens on loopback only
//! ```
//!
//! The browser proves it may use them with `x-cw-proxy-token`, compared in constant time.

use crate::host_policy::Target;
use crate::request_check::check_client_id;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cw_shared::sensitive::Sensitive;
use serde::Deserialize;
use std::path::Path;

/// The shortest access token accepted.
pub const MIN_TOKEN_LEN: usize = 16;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CredentialsFile {
    host: String,
    company_id: String,
    public_key: String,
    private_key: Sensitive<String>,
    client_id: String,
    access_token: Option<Sensitive<String>>,
}

/// The loaded credentials, ready to put on the wire.
#[derive(Debug, Clone)]
pub struct ServerCredentials {
    /// The ConnectWise host every request goes to.
    pub host: Target,
    /// `base64(company+public:private)`, the value after `Basic `.
    pub auth: Sensitive<String>,
    /// The ConnectWise client id (not a secret, but never shown to the browser either).
    pub client_id: String,
    /// The token the browser must present, if configured.
    pub access_token: Option<Sensitive<String>>,
    /// True when the file can be read by other users (worth a warning).
    pub readable_by_others: bool,
}

impl ServerCredentials {
    /// Reads and checks the file, reporting every problem. Problems never quote the file's values.
    pub fn load(path: &Path) -> Result<ServerCredentials, Vec<String>> {
        let shown = path.display();
        let text =
            std::fs::read_to_string(path).map_err(|e| vec![format!("--credentials {shown}: cannot read: {e}")])?;
        let file: CredentialsFile =
            toml::from_str(&text).map_err(|e| vec![describe_toml_error(&shown.to_string(), &text, &e)])?;
        let mut problems = Vec::new();
        let mut problem = |what: &str| problems.push(format!("--credentials {shown}: {what}"));
        let host = Target::parse(&file.host);
        if host.is_none() {
            problem("host must be a bare host[:port] such as na.myconnectwise.net (no https://, no path)");
        }
        if file.company_id.is_empty() || file.company_id.contains([':', '+']) {
            problem("company_id must be non-empty and contain neither ':' nor '+'");
        }
        if file.public_key.is_empty() || file.public_key.contains(':') {
            problem("public_key must be non-empty and contain no ':'");
        }
        if file.private_key.expose().is_empty() {
            problem("private_key must be non-empty");
        }
        let all_printable = [&file.company_id, &file.public_key, file.private_key.expose()]
            .iter()
            .all(|s| s.bytes().all(|b| (0x20..0x7f).contains(&b)));
        if !all_printable {
            problem("company_id, public_key and private_key must be printable ASCII");
        }
        if check_client_id(&file.client_id).is_err() {
            problem("client_id must be a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
        }
        if let Some(token) = &file.access_token {
            let token = token.expose();
            if token.len() < MIN_TOKEN_LEN || !token.bytes().all(|b| (0x21..0x7f).contains(&b)) {
                problem(&format!(
                    "access_token must be at least {MIN_TOKEN_LEN} printable ASCII characters without spaces"
                ));
            }
        }
        let Some(host) = host else { return Err(problems) };
        if !problems.is_empty() {
            return Err(problems);
        }
        let user = format!("{}+{}:{}", file.company_id, file.public_key, file.private_key.expose());
        Ok(ServerCredentials {
            host,
            auth: Sensitive::new(STANDARD.encode(user)),
            client_id: file.client_id,
            access_token: file.access_token,
            readable_by_others: readable_by_others(path),
        })
    }

    /// True when no token is configured, or `presented` equals it (constant time).
    pub fn token_accepts(&self, presented: Option<&[u8]>) -> bool {
        match (&self.access_token, presented) {
            (None, _) => true,
            (Some(expected), Some(presented)) => constant_time_eq(expected.expose().as_bytes(), presented),
            (Some(_), None) => false,
        }
    }
}

/// A TOML error without the source snippet (which could show the private key's line).
fn describe_toml_error(path: &str, text: &str, err: &toml::de::Error) -> String {
    let line = err.span().map(|span| text[..span.start.min(text.len())].lines().count().max(1));
    let message = err.message();
    let safe = ["missing field", "unknown field", "duplicate key"].iter().any(|p| message.starts_with(p));
    let at = line.map(|l| format!(" (line {l})")).unwrap_or_default();
    if safe {
        format!("--credentials {path}: {message}{at}")
    } else {
        format!(
            "--credentials {path}: not valid TOML{at}; expected string fields host, company_id, public_key, private_key, client_id and optionally access_token"
        )
    }
}

/// Compares two byte strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

#[cfg(unix)]
fn readable_by_others(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
}

#[cfg(not(unix))]
fn readable_by_others(_: &Path) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("cw-proxy-unit-{}-{name}.toml", std::process::id()));
        std::fs::write(&path, text).unwrap();
        path
    }

    const GOOD: &str = r#"
host = "na.myconnectwise.net"
company_id = "mycompany"
public_key = "abc123PUBLIC"
private_key = "xyz789PRIVATE"
client_id = "0b3f2a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
access_token = "0123456789abcdef0123"
"#;

    #[test]
    fn a_good_file_yields_the_basic_auth_string() {
        let creds = ServerCredentials::load(&write("good", GOOD)).unwrap();
        assert_eq!(creds.host.authority(), "na.myconnectwise.net");
        assert_eq!(creds.auth.expose(), &STANDARD.encode("mycompany+abc123PUBLIC:xyz789PRIVATE"));
        assert!(!format!("{creds:?}").contains("xyz789PRIVATE"));
        assert!(creds.token_accepts(Some(b"0123456789abcdef0123")));
        assert!(!creds.token_accepts(Some(b"0123456789abcdef0124")));
        assert!(!creds.token_accepts(Some(b"short")));
        assert!(!creds.token_accepts(None));
    }

    #[test]
    fn every_problem_is_reported_without_quoting_secrets() {
        let text = GOOD
            .replace("na.myconnectwise.net", "https://na.myconnectwise.net/")
            .replace("0b3f2a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b", "nope")
            .replace("0123456789abcdef0123", "short");
        let problems = ServerCredentials::load(&write("bad", &text)).unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems.iter().all(|p| !p.contains("xyz789PRIVATE")));
    }

    #[test]
    fn toml_errors_do_not_show_the_offending_line() {
        let text = GOOD.replace("private_key = \"xyz789PRIVATE\"", "private_key = xyz789PRIVATE");
        let problems = ServerCredentials::load(&write("syntax", &text)).unwrap_err();
        assert!(!problems[0].contains("xyz789PRIVATE"), "{problems:?}");
        assert!(problems[0].contains("line 5"), "{problems:?}");
        let typo = GOOD.replace("private_key", "privat_key");
        let problems = ServerCredentials::load(&write("typo", &typo)).unwrap_err();
        assert!(problems[0].contains("unknown field `privat_key`"), "{problems:?}");
    }

    #[test]
    fn constant_time_eq_is_equality() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }
}
