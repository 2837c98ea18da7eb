//! The transport-neutral shape of a ConnectWise call.
//!
//! The console builds a [`Request`] once; the demo transport hands it to the in-memory store, the live
//! transport sends it through `cw-proxy`, and `cw-sim` turns real HTTP requests into the same value.
//! So demo and live mode differ only in transport.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The HTTP methods ConnectWise uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// Read a record or a list.
    Get,
    /// Create a record (201).
    Post,
    /// Apply a JSON Patch array (200 with the full record).
    Patch,
    /// Replace every field of a record.
    Put,
    /// Delete a record (204).
    Delete,
}

impl Method {
    /// The method as it appears on the request line.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }

    /// Parses a request-line method (case-sensitive, as HTTP is).
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "GET" => Method::Get,
            "POST" => Method::Post,
            "PATCH" => Method::Patch,
            "PUT" => Method::Put,
            "DELETE" => Method::Delete,
            _ => return None,
        })
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A call to ConnectWise, relative to `/v4_6_release/apis/3.0`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// The HTTP method.
    pub method: Method,
    /// The path below the API root, starting with `/`, e.g. `/company/companies/5`. Never carries a query.
    pub path: String,
    /// The already URL-encoded query string without the leading `?` (empty for none).
    pub query: String,
    /// Extra request headers (lower-case names), e.g. `pagination-type`.
    pub headers: Vec<(String, String)>,
    /// The JSON body of a POST, PATCH or PUT.
    pub body: Option<String>,
}

impl Request {
    /// A request with no query, headers or body.
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Self { method, path: path.into(), query: String::new(), headers: Vec::new(), body: None }
    }

    /// Sets the encoded query string.
    pub fn with_query(mut self, query: impl Into<String>) -> Self {
        self.query = query.into();
        self
    }

    /// Adds a header (the name is stored lower-case).
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_ascii_lowercase(), value.into()));
        self
    }

    /// Sets a JSON body.
    pub fn with_body(mut self, body: impl Into<String>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// `path?query`, or just the path when there is no query.
    pub fn path_and_query(&self) -> String {
        if self.query.is_empty() { self.path.clone() } else { format!("{}?{}", self.path, self.query) }
    }

    /// The first header with this name, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// What ConnectWise (or the store standing in for it) answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    /// The HTTP status code.
    pub status: u16,
    /// Response headers (lower-case names), e.g. `link`, `retry-after`.
    pub headers: Vec<(String, String)>,
    /// The body, JSON for every ConnectWise answer (empty for 204).
    pub body: String,
}

impl Response {
    /// The first header with this name, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// True for 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_round_trip_through_text() {
        for m in [Method::Get, Method::Post, Method::Patch, Method::Put, Method::Delete] {
            assert_eq!(Method::parse(m.as_str()), Some(m));
        }
        assert_eq!(Method::parse("get"), None);
    }

    #[test]
    fn headers_are_found_case_insensitively() {
        let r = Request::new(Method::Get, "/company/companies")
            .with_query("pageSize=1000")
            .with_header("Pagination-Type", "forward-only");
        assert_eq!(r.header("pagination-type"), Some("forward-only"));
        assert_eq!(r.path_and_query(), "/company/companies?pageSize=1000");
    }
}
