//! [`Sensitive`]: a value that must never reach a log, an error message, a panic or a URL.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The mask printed instead of a sensitive value.
pub const MASK: &str = "••••••••";

/// Wraps a secret (a private key, a Basic auth string, an access token). `Debug` and `Display` print
/// [`MASK`]; the value is only reachable through [`Sensitive::expose`], which makes every use greppable.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Sensitive<T>(T);

impl<T> Sensitive<T> {
    /// Wraps `value`.
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The secret itself. Call this only where the value is put on the wire.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> From<T> for Sensitive<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl<T> fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_secret() {
        let key = Sensitive::new(String::from("xyz789PRIVATE"));
        assert_eq!(format!("{key:?}"), MASK);
        assert_eq!(format!("{key}"), MASK);
        assert_eq!(format!("{:?}", Some(&key)), format!("Some({MASK})"));
        assert_eq!(key.expose(), "xyz789PRIVATE");
    }
}
