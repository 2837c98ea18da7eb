//! Everything that goes in a ConnectWise query string, and the paging that comes back.
//!
//! - [`Condition`]: the `conditions` / `childConditions` grammar (`company/id=5`, `status/name="Active"`,
//!   `name like "Fred*"`, `id in (1,2)`, `and`/`or` with parentheses), with values quoted and escaped.
//! - [`QueryString`]: builds the encoded query, every value fully percent-encoded (`/` → `%2F`, `=` → `%3D`,
//!   space → `%20`, `"` → `%22`), e.g. `conditions=company%2Fid%3D5&pageSize=100`.
//! - [`Page`] and the page-size rules (default 25, max 1000, clamped), [`page_count`] and [`pages_after_first`]
//!   to fetch pages 2..N in parallel after a `/count`.
//! - [`Links`]: the `Link` response header parsed into first/prev/next/last page numbers (and the `pageId` of
//!   forward-only paging).

use std::fmt;

/// CW's page size when none is given.
pub const DEFAULT_PAGE_SIZE: u32 = 25;
/// CW's hard limit on `pageSize`; larger values are clamped to it.
pub const MAX_PAGE_SIZE: u32 = 1000;

// ---------------------------------------------------------------------------------------------------------------
// Values

/// A value on the right of a condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// A string, written in double quotes with `\` and `"` escaped by a backslash.
    Str(String),
    /// An integer, written bare.
    Int(i64),
    /// A decimal number, written bare.
    Float(f64),
    /// `true` / `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// A date-time in square brackets: `[2015-12-23T05:53:27Z]`.
    DateTime(String),
}

impl Literal {
    /// A date-time literal from an ISO 8601 text (`2015-12-23T05:53:27Z`).
    pub fn datetime(iso: impl Into<String>) -> Self {
        Literal::DateTime(iso.into())
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Str(s) => {
                f.write_str("\"")?;
                for c in s.chars() {
                    if c == '\\' || c == '"' {
                        f.write_str("\\")?;
                    }
                    write!(f, "{c}")?;
                }
                f.write_str("\"")
            }
            Literal::Int(n) => write!(f, "{n}"),
            Literal::Float(x) if x.is_finite() => write!(f, "{x}"),
            Literal::Float(_) => f.write_str("null"),
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Null => f.write_str("null"),
            Literal::DateTime(d) => write!(f, "[{d}]"),
        }
    }
}

impl From<&str> for Literal {
    fn from(s: &str) -> Self {
        Literal::Str(s.to_owned())
    }
}
impl From<String> for Literal {
    fn from(s: String) -> Self {
        Literal::Str(s)
    }
}
impl From<&String> for Literal {
    fn from(s: &String) -> Self {
        Literal::Str(s.clone())
    }
}
impl From<bool> for Literal {
    fn from(b: bool) -> Self {
        Literal::Bool(b)
    }
}
impl From<f64> for Literal {
    fn from(x: f64) -> Self {
        Literal::Float(x)
    }
}
macro_rules! int_literal {
    ($($t:ty),*) => {$(
        impl From<$t> for Literal {
            fn from(n: $t) -> Self {
                Literal::Int(i64::from(n))
            }
        }
    )*};
}
int_literal!(i32, i64, u32, u16, u8, i16, i8);
macro_rules! id_literal {
    ($($t:ty),*) => {$(
        impl From<$t> for Literal {
            fn from(id: $t) -> Self {
                Literal::Int(i64::from(id.0))
            }
        }
    )*};
}
id_literal!(
    crate::ids::CompanyId,
    crate::ids::ContactId,
    crate::ids::SiteId,
    crate::ids::AgreementId,
    crate::ids::TicketId
);
impl<T: Into<Literal>> From<Option<T>> for Literal {
    fn from(value: Option<T>) -> Self {
        value.map_or(Literal::Null, Into::into)
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Conditions

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `contains`: substring match.
    Contains,
    /// `like`: wildcard match with `*` or `%`; without a wildcard it is an exact match.
    Like,
}

impl Op {
    /// The operator as CW writes it, with the spacing used in the condition text.
    fn text(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Contains => " contains ",
            Op::Like => " like ",
        }
    }
}

/// A `conditions` expression. Build with the constructors and combine with [`Condition::and`] /
/// [`Condition::or`]; `to_string()` gives the CW text. `and` binds tighter than `or` in CW, and compound
/// parts are parenthesised whenever they are mixed, so the text always means what the tree means.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// `field op value`.
    Compare {
        /// A field path, `/`-nested: `company/id`, `status/name`, `lastUpdated`.
        field: String,
        /// The operator.
        op: Op,
        /// The value.
        value: Literal,
    },
    /// `field in (a,b)` or `field not in (a,b)`.
    In {
        /// The field path.
        field: String,
        /// `not in` rather than `in`.
        negated: bool,
        /// The values (keep lists short: CW URLs over ~2000 characters fail).
        values: Vec<Literal>,
    },
    /// Every part holds.
    And(Vec<Condition>),
    /// Any part holds.
    Or(Vec<Condition>),
}

impl Condition {
    fn compare(field: &str, op: Op, value: impl Into<Literal>) -> Self {
        Condition::Compare { field: field.trim().to_owned(), op, value: value.into() }
    }

    /// `field=value`.
    pub fn eq(field: &str, value: impl Into<Literal>) -> Self {
        Self::compare(field, Op::Eq, value)
    }
    /// `field!=value`.
    pub fn ne(field: &str, value: impl Into<Literal>) -> Self {
        Self::compare(field, Op::Ne, value)
    }
    /// `field<value`.
    pub fn lt(field: &str, value: impl Into<Literal>) -> Self {
        Self::compare(field, Op::Lt, value)
    }
    /// `field<=value`.
    pub fn le(field: &str, value: impl Into<Literal>) -> Self {
        Self::compare(field, Op::Le, value)
    }
    /// `field>value`.
    pub fn gt(field: &str, value: impl Into<Literal>) -> Self {
        Self::compare(field, Op::Gt, value)
    }
    /// `field>=value`.
    pub fn ge(field: &str, value: impl Into<Literal>) -> Self {
        Self::compare(field, Op::Ge, value)
    }
    /// `field contains "text"` (substring).
    pub fn contains(field: &str, text: impl Into<String>) -> Self {
        Self::compare(field, Op::Contains, Literal::Str(text.into()))
    }
    /// `field like "pattern"` (`*` or `%` wildcards; no wildcard = exact match).
    pub fn like(field: &str, pattern: impl Into<String>) -> Self {
        Self::compare(field, Op::Like, Literal::Str(pattern.into()))
    }
    /// `field in (v1,v2,...)`.
    pub fn is_in<V: Into<Literal>>(field: &str, values: impl IntoIterator<Item = V>) -> Self {
        Condition::In {
            field: field.trim().to_owned(),
            negated: false,
            values: values.into_iter().map(Into::into).collect(),
        }
    }
    /// `field not in (v1,v2,...)`.
    pub fn not_in<V: Into<Literal>>(field: &str, values: impl IntoIterator<Item = V>) -> Self {
        Condition::In {
            field: field.trim().to_owned(),
            negated: true,
            values: values.into_iter().map(Into::into).collect(),
        }
    }

    /// `self and other` (flattening nested `and`s).
    pub fn and(self, other: Condition) -> Self {
        let mut parts = self.into_parts_of(true);
        parts.extend(other.into_parts_of(true));
        Condition::And(parts)
    }

    /// `self or other` (flattening nested `or`s).
    pub fn or(self, other: Condition) -> Self {
        let mut parts = self.into_parts_of(false);
        parts.extend(other.into_parts_of(false));
        Condition::Or(parts)
    }

    /// All of `parts`, or `None` when there are none.
    pub fn all(parts: impl IntoIterator<Item = Condition>) -> Option<Self> {
        parts.into_iter().reduce(Condition::and)
    }

    /// Any of `parts`, or `None` when there are none.
    pub fn any(parts: impl IntoIterator<Item = Condition>) -> Option<Self> {
        parts.into_iter().reduce(Condition::or)
    }

    fn into_parts_of(self, and: bool) -> Vec<Condition> {
        match self {
            Condition::And(parts) if and => parts,
            Condition::Or(parts) if !and => parts,
            other => vec![other],
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Condition::Compare { field, op, value } => write!(f, "{field}{}{value}", op.text()),
            Condition::In { field, negated, values } => {
                write!(f, "{field} {}(", if *negated { "not in " } else { "in " })?;
                for (i, value) in values.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{value}")?;
                }
                f.write_str(")")
            }
            Condition::And(parts) => join(f, parts, " and "),
            Condition::Or(parts) => join(f, parts, " or "),
        }
    }
}

fn join(f: &mut fmt::Formatter<'_>, parts: &[Condition], separator: &str) -> fmt::Result {
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            f.write_str(separator)?;
        }
        match part {
            Condition::And(_) | Condition::Or(_) => write!(f, "({part})")?,
            _ => write!(f, "{part}")?,
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding

/// Percent-encodes everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`), byte by byte of
/// the UTF-8, with upper-case hex.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes and `+` (as a space, as HTML forms send it). Malformed escapes are kept as they are;
/// invalid UTF-8 is replaced with U+FFFD.
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Splits an encoded query (no leading `?`) into decoded `(name, value)` pairs, in order.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) => (decode(name), decode(value)),
            None => (decode(pair), String::new()),
        })
        .collect()
}

/// Sort direction of `orderBy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// `asc`
    Asc,
    /// `desc`
    Desc,
}

/// Builds an encoded query string, parameters in the order they are added.
///
/// ```
/// use cw_shared::query::{Condition, QueryString};
/// let q = QueryString::new().conditions(&Condition::eq("company/id", 5)).page_size(100);
/// assert_eq!(q.to_string(), "conditions=company%2Fid%3D5&pageSize=100");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryString {
    pairs: Vec<(String, String)>,
}

impl QueryString {
    /// An empty query.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds any parameter (the value is encoded here; pass it raw).
    pub fn param(mut self, name: &str, value: impl fmt::Display) -> Self {
        self.pairs.push((name.to_owned(), value.to_string()));
        self
    }

    /// `conditions=...`.
    pub fn conditions(self, condition: &Condition) -> Self {
        self.param("conditions", condition)
    }

    /// `conditions=...` when there is a condition.
    pub fn maybe_conditions(self, condition: Option<&Condition>) -> Self {
        match condition {
            Some(c) => self.conditions(c),
            None => self,
        }
    }

    /// `childConditions=...` (matches records where any element of an array child matches, e.g.
    /// `communicationItems/value="a@b.com"`).
    pub fn child_conditions(self, condition: &Condition) -> Self {
        self.param("childConditions", condition)
    }

    /// `orderBy=field asc|desc`.
    pub fn order_by(self, field: &str, order: Order) -> Self {
        let direction = match order {
            Order::Asc => "asc",
            Order::Desc => "desc",
        };
        self.param("orderBy", format_args!("{field} {direction}"))
    }

    /// `fields=a,b,c` (a projection).
    pub fn fields(self, fields: &[&str]) -> Self {
        self.param("fields", fields.join(","))
    }

    /// `page=N&pageSize=M`, clamped by the page rules.
    pub fn page(self, page: Page) -> Self {
        self.param("page", page.number).param("pageSize", page.size)
    }

    /// `pageSize=M` alone, clamped to 1..=1000.
    pub fn page_size(self, size: u32) -> Self {
        self.param("pageSize", clamp_page_size(size))
    }

    /// `pageId=N` for forward-only paging (send the `pagination-type: forward-only` header too).
    pub fn page_id(self, after_id: i32) -> Self {
        self.param("pageId", after_id)
    }

    /// The decoded pairs.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }
}

impl fmt::Display for QueryString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (name, value)) in self.pairs.iter().enumerate() {
            if i > 0 {
                f.write_str("&")?;
            }
            write!(f, "{}={}", encode(name), encode(value))?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Paging

/// `pageSize` as CW applies it: 0 means the default (25), more than 1000 is clamped to 1000.
pub fn clamp_page_size(size: u32) -> u32 {
    match size {
        0 => DEFAULT_PAGE_SIZE,
        s => s.min(MAX_PAGE_SIZE),
    }
}

/// A page of a list: 1-based number and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// 1-based page number.
    pub number: u32,
    /// Records per page, 1..=1000.
    pub size: u32,
}

impl Default for Page {
    /// Page 1 of 25, CW's default.
    fn default() -> Self {
        Self { number: 1, size: DEFAULT_PAGE_SIZE }
    }
}

impl Page {
    /// Page `number` (0 is taken as 1) of `size` records (clamped by [`clamp_page_size`]).
    pub fn new(number: u32, size: u32) -> Self {
        Self { number: number.max(1), size: clamp_page_size(size) }
    }

    /// The first page of `size` records.
    pub fn first(size: u32) -> Self {
        Self::new(1, size)
    }

    /// The first page of the largest size CW allows (for lookups, which are small).
    pub fn max() -> Self {
        Self::first(MAX_PAGE_SIZE)
    }

    /// The page after this one.
    pub fn next(self) -> Self {
        Self { number: self.number + 1, ..self }
    }

    /// True when a page with `received` records was the last one.
    pub fn is_last(self, received: usize) -> bool {
        received < self.size as usize
    }
}

/// How many pages `count` records fill at `page_size` (at least 1: an empty list is one empty page).
pub fn page_count(count: u32, page_size: u32) -> u32 {
    count.div_ceil(clamp_page_size(page_size)).max(1)
}

/// The page numbers still to fetch after page 1, given the `/count` result: `2..=N`, empty when one page
/// holds everything. Fetch them in parallel.
pub fn pages_after_first(count: u32, page_size: u32) -> Vec<Page> {
    (2..=page_count(count, page_size)).map(|n| Page::new(n, page_size)).collect()
}

/// The `Link` response header, parsed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Links {
    /// `rel="first"` page number.
    pub first: Option<u32>,
    /// `rel="prev"` page number.
    pub prev: Option<u32>,
    /// `rel="next"` page number.
    pub next: Option<u32>,
    /// `rel="last"` page number.
    pub last: Option<u32>,
    /// Forward-only paging: the `pageId` of the `next` link (or of the only link, which is how CW sends it).
    pub next_page_id: Option<i32>,
}

impl Links {
    /// Parses a `Link` header: `<https://host/...?pageSize=25&page=2>; rel="next", <...&page=4>; rel="last"`.
    /// Unknown rels and malformed parts are ignored; an empty or absent header means a single page.
    pub fn parse(header: &str) -> Self {
        let mut links = Links::default();
        let mut rest = header;
        let mut only_page_id = None;
        let mut seen = 0;
        while let Some(start) = rest.find('<') {
            let Some(len) = rest[start..].find('>') else { break };
            let url = &rest[start + 1..start + len];
            let after = &rest[start + len + 1..];
            let params_end = after.find('<').unwrap_or(after.len());
            let params = &after[..params_end];
            rest = &after[params_end..];
            seen += 1;

            let query = url.split_once('?').map_or("", |(_, q)| q);
            let pairs = parse_query(query);
            let value =
                |name: &str| pairs.iter().rev().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim());
            let page = value("page").and_then(|v| v.parse::<u32>().ok());
            let page_id = value("pageId").and_then(|v| v.parse::<i32>().ok());
            only_page_id = page_id;

            for rel in rels(params) {
                match rel.to_ascii_lowercase().as_str() {
                    "first" => links.first = page.or(links.first),
                    "prev" | "previous" => links.prev = page.or(links.prev),
                    "next" => {
                        links.next = page.or(links.next);
                        links.next_page_id = page_id.or(links.next_page_id);
                    }
                    "last" => links.last = page.or(links.last),
                    _ => {}
                }
            }
        }
        if links.next_page_id.is_none() && seen == 1 {
            links.next_page_id = only_page_id;
        }
        links
    }

    /// True when there is a further page (page-number or forward-only).
    pub fn has_next(&self) -> bool {
        self.next.is_some() || self.next_page_id.is_some()
    }
}

fn rels(params: &str) -> Vec<&str> {
    params
        .split(';')
        .filter_map(|p| {
            let (name, value) = p.split_once('=')?;
            name.trim().eq_ignore_ascii_case("rel").then(|| value.trim().trim_end_matches(',').trim().trim_matches('"'))
        })
        .flat_map(str::split_whitespace)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::CompanyId;

    #[test]
    fn values_are_written_as_cw_reads_them() {
        assert_eq!(Condition::eq("company/id", 5).to_string(), "company/id=5");
        assert_eq!(Condition::eq("company/id", CompanyId(250)).to_string(), "company/id=250");
        assert_eq!(Condition::eq("status/name", "Active").to_string(), r#"status/name="Active""#);
        assert_eq!(Condition::eq("deletedFlag", false).to_string(), "deletedFlag=false");
        assert_eq!(Condition::eq("parentTicketId", Literal::Null).to_string(), "parentTicketId=null");
        assert_eq!(Condition::eq("parentTicketId", None::<i32>).to_string(), "parentTicketId=null");
        assert_eq!(Condition::ge("billAmount", 99.5).to_string(), "billAmount>=99.5");
        assert_eq!(
            Condition::gt("lastUpdated", Literal::datetime("2015-12-23T05:53:27Z")).to_string(),
            "lastUpdated>[2015-12-23T05:53:27Z]"
        );
        assert_eq!(Condition::ne("id", -3).to_string(), "id!=-3");
        assert_eq!(Condition::lt("id", 10).to_string(), "id<10");
        assert_eq!(Condition::le("id", 10).to_string(), "id<=10");
    }

    #[test]
    fn strings_escape_backslash_and_double_quote() {
        assert_eq!(Condition::eq("name", r#"Bob's "Best" C:\Shop"#).to_string(), r#"name="Bob's \"Best\" C:\\Shop""#);
    }

    #[test]
    fn text_operators_and_lists() {
        assert_eq!(Condition::contains("name", "Domain").to_string(), r#"name contains "Domain""#);
        assert_eq!(Condition::like("contact/name", "Fred*").to_string(), r#"contact/name like "Fred*""#);
        assert_eq!(Condition::is_in("id", [1, 2, 3]).to_string(), "id in (1,2,3)");
        assert_eq!(
            Condition::not_in("status/name", ["Closed", "Cancelled"]).to_string(),
            r#"status/name not in ("Closed","Cancelled")"#
        );
    }

    #[test]
    fn and_or_flatten_and_parenthesise_mixed_parts() {
        let a = Condition::eq("a", 1);
        let b = Condition::eq("b", 2);
        let c = Condition::eq("c", 3);
        assert_eq!(a.clone().and(b.clone()).and(c.clone()).to_string(), "a=1 and b=2 and c=3");
        assert_eq!(a.clone().or(b.clone()).or(c.clone()).to_string(), "a=1 or b=2 or c=3");
        assert_eq!(a.clone().or(b.clone()).and(c.clone()).to_string(), "(a=1 or b=2) and c=3");
        assert_eq!(a.clone().and(b.clone().or(c.clone())).to_string(), "a=1 and (b=2 or c=3)");
        assert_eq!(a.clone().and(b.clone()).or(c.clone()).to_string(), "(a=1 and b=2) or c=3");
        assert_eq!(Condition::all([a.clone(), b.clone()]).unwrap().to_string(), "a=1 and b=2");
        assert_eq!(Condition::any(Vec::new()), None);
    }

    #[test]
    fn the_query_string_encodes_every_value_fully() {
        let q = QueryString::new().conditions(&Condition::eq("company/id", 5)).page_size(100);
        assert_eq!(q.to_string(), "conditions=company%2Fid%3D5&pageSize=100");

        let q = QueryString::new()
            .conditions(&Condition::eq("status/name", "Active"))
            .order_by("name", Order::Asc)
            .page(Page::new(2, 5000));
        assert_eq!(q.to_string(), "conditions=status%2Fname%3D%22Active%22&orderBy=name%20asc&page=2&pageSize=1000");
        assert_eq!(encode("a+b&c é~"), "a%2Bb%26c%20%C3%A9~");
    }

    #[test]
    fn decoding_reverses_encoding() {
        let text = r#"name="Bob's \"Best\"" and id in (1,2) é"#;
        assert_eq!(decode(&encode(text)), text);
        assert_eq!(decode("a+b%2"), "a b%2");
        assert_eq!(
            parse_query("conditions=company%2Fid%3D5&pageSize=100&flag"),
            vec![
                ("conditions".to_owned(), "company/id=5".to_owned()),
                ("pageSize".to_owned(), "100".to_owned()),
                ("flag".to_owned(), String::new())
            ]
        );
    }

    #[test]
    fn page_rules() {
        assert_eq!(clamp_page_size(0), 25);
        assert_eq!(clamp_page_size(1001), 1000);
        assert_eq!(Page::default(), Page { number: 1, size: 25 });
        assert_eq!(Page::new(0, 10), Page { number: 1, size: 10 });
        assert_eq!(Page::first(10).next(), Page { number: 2, size: 10 });
        assert!(Page::first(10).is_last(9));
        assert!(!Page::first(10).is_last(10));
        assert_eq!(page_count(0, 25), 1);
        assert_eq!(page_count(25, 25), 1);
        assert_eq!(page_count(26, 25), 2);
        assert_eq!(page_count(2500, 5000), 3);
        assert!(pages_after_first(1000, 1000).is_empty());
        assert_eq!(pages_after_first(2001, 1000), vec![Page::new(2, 1000), Page::new(3, 1000)]);
    }

    #[test]
    fn link_headers_give_page_numbers() {
        let middle = r#"<https://h/v4_6_release/apis/3.0/company/companies?conditions=id%20in%20(1,2)&pageSize=25&page=1>; rel="first", <https://h/v4_6_release/apis/3.0/company/companies?pageSize=25&page=1>; rel="prev", <https://h/v4_6_release/apis/3.0/company/companies?pageSize=25&page=3>; rel="next", <https://h/v4_6_release/apis/3.0/company/companies?pageSize=25&page=7>; rel="last""#;
        let links = Links::parse(middle);
        assert_eq!(links, Links { first: Some(1), prev: Some(1), next: Some(3), last: Some(7), next_page_id: None });
        assert!(links.has_next());

        let last = Links::parse(
            r#"<https://h/x?pageSize=25&page=1>; rel="first", <https://h/x?pageSize=25&page=6>; rel="prev""#,
        );
        assert_eq!((last.next, last.prev, last.has_next()), (None, Some(6), false));
        assert_eq!(Links::parse(""), Links::default());
    }

    #[test]
    fn forward_only_links_give_the_page_id() {
        let links =
            Links::parse("<https://h/v4_6_release/apis/3.0/company/companies?pageSize=1000&pageId=3412>; rel=\"next\"");
        assert_eq!(links.next_page_id, Some(3412));
        assert!(links.has_next());
        // Some servers send the bare next URL without a rel.
        assert_eq!(Links::parse("<https://h/x?pageSize=1000&pageId=77>").next_page_id, Some(77));
    }
}
