//! The error body every ConnectWise failure carries.

use serde::{Deserialize, Serialize};
use std::fmt;

use super::Extra;

/// `{"code", "message", "errors": [...] | null}`, e.g. `InvalidObject` / "company object is invalid" with one
/// [`ValidationError`] per offending field, `NotFound` / "Ticket 5 not found", or `ConnectWiseApi` /
/// "UserNotAuthenticated".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// `InvalidObject`, `NotFound`, `ConnectWiseApi`, `Unauthorized`...
    #[serde(default)]
    pub code: String,
    /// The summary. Some captured bodies leave it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Per-field validation errors; CW sends `null`, `[]` or leaves it out when there are none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<ValidationError>>,
    /// Anything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One entry of [`ErrorBody::errors`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ValidationError {
    /// `ObjectExists`, `MissingRequiredField`, `OutOfRange`...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// What a person reads: "Company ID already in use."
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The lowerCamel resource name: `company`, `contact`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// The JSON field at fault: `identifier`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Anything else (`details`).
    #[serde(flatten)]
    pub extra: Extra,
}

impl ErrorBody {
    /// The validation errors, empty when CW sent none or `null`.
    pub fn field_errors(&self) -> &[ValidationError] {
        self.errors.as_deref().unwrap_or_default()
    }

    /// The validation error for a field, if any (to show next to that form field).
    pub fn error_for(&self, field: &str) -> Option<&ValidationError> {
        self.field_errors().iter().find(|e| e.field.as_deref().is_some_and(|f| f.eq_ignore_ascii_case(field)))
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.message.as_deref().or(self.code.as_deref()).unwrap_or("Invalid value");
        match self.field.as_deref() {
            Some(field) if !field.is_empty() => write!(f, "{text} ({field})"),
            _ => f.write_str(text),
        }
    }
}

/// What a technician reads: the field errors ("Company ID already in use. (identifier)") joined with `; `,
/// else the message, else the code.
impl fmt::Display for ErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self.field_errors();
        if !errors.is_empty() {
            for (i, e) in errors.iter().enumerate() {
                if i > 0 {
                    f.write_str("; ")?;
                }
                write!(f, "{e}")?;
            }
            return Ok(());
        }
        match self.message.as_deref() {
            Some(message) if !message.trim().is_empty() => f.write_str(message.trim()),
            _ if !self.code.is_empty() => f.write_str(&self.code),
            _ => f.write_str("ConnectWise returned an error without details"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(json: &str) -> ErrorBody {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn field_errors_read_like_a_sentence() {
        let e = body(
            r#"{"code":"InvalidObject","errors":[{"code":"ObjectExists","message":"Company ID already in use.","field":"identifier"}]}"#,
        );
        assert_eq!(e.to_string(), "Company ID already in use. (identifier)");
        assert_eq!(e.error_for("Identifier").and_then(|v| v.code.as_deref()), Some("ObjectExists"));

        let e = body(
            r#"{"code":"InvalidObject","message":"company object is invalid","errors":[
            {"code":"OutOfRange","message":"The field yearEstablished must be between 1900 and 9999.","resource":"company","field":"yearEstablished"},
            {"code":"OutOfRange","message":"The field revenueYear must be between 1900 and 9999.","resource":"company","field":"revenueYear"}]}"#,
        );
        assert_eq!(
            e.to_string(),
            "The field yearEstablished must be between 1900 and 9999. (yearEstablished); The field revenueYear must be between 1900 and 9999. (revenueYear)"
        );
    }

    #[test]
    fn without_field_errors_the_message_is_shown() {
        assert_eq!(
            body(r#"{"code":"NotFound","message":"Ticket 1255787 not found"}"#).to_string(),
            "Ticket 1255787 not found"
        );
        let e = body(r#"{"code":"ConnectWiseApi","message":"Length cannot be less than zero.","errors":null}"#);
        assert!(e.field_errors().is_empty());
        assert_eq!(e.to_string(), "Length cannot be less than zero.");
        assert_eq!(body(r#"{"code":"Unauthorized"}"#).to_string(), "Unauthorized");
    }
}
