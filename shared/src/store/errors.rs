//! ConnectWise's error answers, built in one place.
//!
//! Shapes follow cw-api.md §3.2: `{"code","message","errors":[{"code","message","resource","field"}]}`.
//! Bodies are indented with `\r\n` line breaks, as CW serves them. Choices where CW's exact text is not
//! known (all marked INFERRED in cw-api.md): a malformed condition is `400 {"code":"ConnectWiseApi"}`
//! with CW's sentence; a missing or unknown looked-up reference is an `InvalidObject` error whose
//! `errors[].code` is `InvalidField`; a body that does not deserialize is CW's
//! `500 "Error converting value …"`; 405 uses ASP.NET Web API's "does not support http method" text.

use crate::http::{Method, Response};
use serde_json::{Value, json};

/// The sentence CW appends to every malformed-`conditions` message (cw-api.md §2.1, LIVE).
pub(crate) const CONDITION_HELP: &str = "String values should be enclosed with double or single quotes; \
DateTime values should be enclosed in square brackets; numbers should consist of only digits, and optionally \
a decimal point and a negation sign; boolean values should be indicated with the keywords true or false; null \
values should be indicated by the keyword null.";

/// One entry of `errors[]`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldError {
    pub(crate) code: &'static str,
    pub(crate) message: String,
    pub(crate) field: String,
}

impl FieldError {
    pub(crate) fn required(field: &str) -> Self {
        FieldError { code: "MissingRequiredField", message: format!("{field} is required."), field: field.into() }
    }

    pub(crate) fn max_length(field: &str, max: usize) -> Self {
        FieldError {
            code: "InvalidField",
            message: format!("The field {field} must be a string with a maximum length of {max}."),
            field: field.into(),
        }
    }

    pub(crate) fn invalid(field: &str, message: impl Into<String>) -> Self {
        FieldError { code: "InvalidField", message: message.into(), field: field.into() }
    }
}

/// Everything the store can answer besides success.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CwError {
    /// 400 InvalidObject with field errors.
    Invalid { resource: &'static str, errors: Vec<FieldError> },
    /// 404 `"<Entity> <id> not found"`.
    NotFound { entity: &'static str, id: i64 },
    /// 404 "The endpoint does not exist."
    NoEndpoint,
    /// 405.
    MethodNotAllowed(Method),
    /// 400 ConnectWiseApi with a message (malformed conditions, bad paging values, bad patch paths).
    BadRequest(String),
    /// 500 ConnectWiseApi: a body value that does not convert to the field's type.
    Conversion(String),
}

impl CwError {
    pub(crate) fn invalid(resource: &'static str, error: FieldError) -> Self {
        CwError::Invalid { resource, errors: vec![error] }
    }

    pub(crate) fn conversion(value: &Value, type_name: &str, path: &str) -> Self {
        CwError::Conversion(format!(
            "Error converting value {} to type '{type_name}'. Path '{path}', line 1, position 1.",
            super::json::dotnet_repr(value)
        ))
    }

    pub(crate) fn condition(detail: &str) -> Self {
        CwError::BadRequest(format!("{detail} {CONDITION_HELP}"))
    }

    pub(crate) fn status(&self) -> u16 {
        match self {
            CwError::Invalid { .. } | CwError::BadRequest(_) => 400,
            CwError::NotFound { .. } | CwError::NoEndpoint => 404,
            CwError::MethodNotAllowed(_) => 405,
            CwError::Conversion(_) => 500,
        }
    }

    pub(crate) fn body(&self) -> Value {
        match self {
            CwError::Invalid { resource, errors } => json!({
                "code": "InvalidObject",
                "message": format!("{resource} object is invalid"),
                "errors": errors.iter().map(|e| json!({
                    "code": e.code,
                    "message": e.message,
                    "resource": resource,
                    "field": e.field,
                })).collect::<Vec<_>>(),
            }),
            CwError::NotFound { entity, id } => {
                json!({"code": "NotFound", "message": format!("{entity} {id} not found")})
            }
            CwError::NoEndpoint => json!({"code": "ConnectWiseApi", "message": "The endpoint does not exist."}),
            CwError::MethodNotAllowed(m) => json!({
                "code": "ConnectWiseApi",
                "message": format!("The requested resource does not support http method '{m}'."),
            }),
            CwError::BadRequest(message) | CwError::Conversion(message) => {
                json!({"code": "ConnectWiseApi", "message": message})
            }
        }
    }

    pub(crate) fn into_response(self) -> Response {
        Response { status: self.status(), headers: Vec::new(), body: pretty(&self.body()) }
    }
}

/// CW's error formatting: two-space indentation and CRLF line breaks.
pub(crate) fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default().replace('\n', "\r\n")
}
