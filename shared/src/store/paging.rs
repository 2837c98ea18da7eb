//! List query parameters (cw-api.md §2.3–2.4): `conditions`, `childConditions`, `customFieldConditions`,
//! `orderBy`, `fields`, `page`, `pageSize`, `pageId`, and the answers they shape.
//!
//! - `page` is 1-based (0 or less counts as 1); `pageSize` defaults to 25 and is clamped to 1000
//!   (0 or less gives the default). A non-numeric value is a 400.
//! - Page-number mode answers with RFC 5988 `Link`: the other query parameters are copied as sent, then
//!   `pageSize=X&page=N` comes last. First page: next, last; middle: first, prev, next, last; last page:
//!   first, prev; a single page (or none): no `Link` header.
//! - Forward-only mode (`pagination-type: forward-only`): rows with `id > pageId` in id order, `orderBy`
//!   ignored; `Link` carries `rel="next"` with `pageId=<last id>` while rows remain, and is present but
//!   empty on the last page.
//! - `orderBy` takes `field [asc|desc]`, comma-separated keys and nested paths; nulls sort first in
//!   ascending order (SQL Server), ties by id. `fields` projects top-level or nested (`status/name`) keys.

use super::conditions::{self, Expr};
use super::errors::CwError;
use super::json::{get_ci, key_ci};
use super::routes::Coll;
use crate::http::Response;
use serde_json::{Map, Value};
use std::cmp::Ordering;

/// The default page size.
pub(crate) const DEFAULT_PAGE_SIZE: usize = 25;
/// The hard maximum page size.
pub(crate) const MAX_PAGE_SIZE: usize = 1000;

/// Parsed list parameters.
#[derive(Debug, Default)]
pub(crate) struct ListParams {
    conditions: Option<Expr>,
    child: Option<Expr>,
    child_head: Option<String>,
    custom: Option<Expr>,
    order_by: Vec<(Vec<String>, bool)>,
    fields: Option<Vec<Vec<String>>>,
    page: usize,
    page_size: usize,
    page_id: i64,
    forward_only: bool,
    /// The other query parameters, raw (still encoded), for `Link` URLs.
    passthrough: Vec<String>,
}

/// Decodes `%XX` and `+` (a space) in a query component.
pub(crate) fn decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn number(name: &str, value: &str) -> Result<i64, CwError> {
    value.trim().parse::<i64>().map_err(|_| {
        CwError::BadRequest(format!("The value '{value}' is not valid for {name}. {name} must be a whole number."))
    })
}

impl ListParams {
    pub(crate) fn parse(query: &str, coll: Coll, forward_only: bool) -> Result<Self, CwError> {
        let mut p = ListParams { page: 1, page_size: DEFAULT_PAGE_SIZE, forward_only, ..Default::default() };
        let typed = Some(coll);
        for pair in query.split('&').filter(|s| !s.is_empty()) {
            let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
            let key = decode(raw_key);
            let value = decode(raw_value);
            match key.to_ascii_lowercase().as_str() {
                "page" => p.page = number("page", &value)?.max(1) as usize,
                "pagesize" => {
                    let n = number("pageSize", &value)?;
                    p.page_size = if n <= 0 { DEFAULT_PAGE_SIZE } else { (n as usize).min(MAX_PAGE_SIZE) };
                }
                "pageid" => p.page_id = number("pageId", &value)?,
                other => {
                    match other {
                        "conditions" => p.conditions = conditions::parse(&value, typed)?,
                        "childconditions" => {
                            p.child = conditions::parse(&value, None)?;
                            p.child_head = p.child.as_ref().and_then(Expr::common_head);
                        }
                        "customfieldconditions" => p.custom = conditions::parse(&value, None)?,
                        "orderby" => p.order_by = parse_order(&value)?,
                        "fields" => {
                            let list: Vec<Vec<String>> = value
                                .split(',')
                                .map(str::trim)
                                .filter(|f| !f.is_empty())
                                .map(|f| f.split('/').map(str::to_string).collect())
                                .collect();
                            p.fields = (!list.is_empty()).then_some(list);
                        }
                        _ => {}
                    }
                    p.passthrough.push(pair.to_string());
                }
            }
        }
        Ok(p)
    }

    /// True when a record passes every condition parameter.
    pub(crate) fn matches(&self, rec: &Value) -> bool {
        if self.forward_only && rec.get("id").and_then(Value::as_i64).unwrap_or(0) <= self.page_id {
            return false;
        }
        self.conditions.as_ref().is_none_or(|e| e.eval(rec))
            && self.child.as_ref().is_none_or(|e| e.eval_child(rec, self.child_head.as_deref()))
            && self.custom.as_ref().is_none_or(|e| e.eval_custom(rec))
    }

    /// `Some(n)` when `conditions` is exactly `company/id = n`.
    pub(crate) fn company_id_hint(&self) -> Option<i64> {
        self.conditions.as_ref()?.company_id_eq()
    }

    /// Applies `fields` to one record (the record itself when no projection was asked for).
    pub(crate) fn project(&self, rec: &Value) -> Value {
        let Some(fields) = &self.fields else { return rec.clone() };
        let mut out = Value::Object(Map::new());
        for path in fields {
            copy_path(rec, &mut out, path);
        }
        out
    }

    /// Builds the list answer from the filtered rows (in id order).
    pub(crate) fn respond(&self, mut rows: Vec<&Value>, host: &str, path: &str) -> Response {
        let base = format!("https://{host}{}{}", super::API_ROOT, path);
        let mut prefix = String::new();
        for raw in &self.passthrough {
            prefix.push_str(raw);
            prefix.push('&');
        }
        let mut headers = Vec::new();
        let page: Vec<&Value> = if self.forward_only {
            let more = rows.len() > self.page_size;
            rows.truncate(self.page_size);
            let link = match (more, rows.last().and_then(|r| r.get("id")).and_then(Value::as_i64)) {
                (true, Some(last)) => {
                    format!("<{base}?{prefix}pageSize={}&pageId={last}>; rel=\"next\"", self.page_size)
                }
                _ => String::new(),
            };
            headers.push(("link".to_string(), link));
            rows
        } else {
            if !self.order_by.is_empty() {
                rows = self.sorted(rows);
            }
            let total = rows.len();
            let last_page = total.div_ceil(self.page_size);
            let start = (self.page - 1).saturating_mul(self.page_size).min(total);
            let end = (start + self.page_size).min(total);
            let url = |n: usize| format!("<{base}?{prefix}pageSize={}&page={n}>", self.page_size);
            let mut links = Vec::new();
            if self.page > 1 && last_page >= 1 {
                links.push(format!("{}; rel=\"first\"", url(1)));
                links.push(format!("{}; rel=\"prev\"", url(self.page - 1)));
            }
            if self.page < last_page {
                links.push(format!("{}; rel=\"next\"", url(self.page + 1)));
                links.push(format!("{}; rel=\"last\"", url(last_page)));
            }
            if !links.is_empty() {
                headers.push(("link".to_string(), links.join(", ")));
            }
            rows[start..end].to_vec()
        };
        let mut body = String::with_capacity(page.len() * 512 + 2);
        body.push('[');
        for (i, rec) in page.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            let text = if self.fields.is_some() { self.project(rec).to_string() } else { rec.to_string() };
            body.push_str(&text);
        }
        body.push(']');
        Response { status: 200, headers, body }
    }

    /// Sorts with keys computed once per row (lower-cased strings), ties broken by id.
    fn sorted<'a>(&self, rows: Vec<&'a Value>) -> Vec<&'a Value> {
        let mut keyed: Vec<(Vec<SortKey>, i64, &'a Value)> = rows
            .into_iter()
            .map(|r| {
                let keys = self.order_by.iter().map(|(path, _)| SortKey::of(lookup(r, path))).collect();
                (keys, r.get("id").and_then(Value::as_i64).unwrap_or(0), r)
            })
            .collect();
        keyed.sort_by(|(ka, ia, _), (kb, ib, _)| {
            for ((a, b), (_, desc)) in ka.iter().zip(kb).zip(&self.order_by) {
                let ord = a.cmp_to(b);
                let ord = if *desc { ord.reverse() } else { ord };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            ia.cmp(ib)
        });
        keyed.into_iter().map(|(_, _, r)| r).collect()
    }
}

/// A precomputed `orderBy` key; nulls sort first (SQL Server).
#[derive(Debug)]
enum SortKey {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
}

impl SortKey {
    fn of(v: Option<&Value>) -> Self {
        match v {
            None | Some(Value::Null) => SortKey::Null,
            Some(Value::Bool(b)) => SortKey::Bool(*b),
            Some(Value::Number(n)) => SortKey::Num(n.as_f64().unwrap_or(0.0)),
            Some(Value::String(s)) => SortKey::Str(s.to_lowercase()),
            Some(other) => SortKey::Str(other.to_string()),
        }
    }

    fn rank(&self) -> u8 {
        match self {
            SortKey::Null => 0,
            SortKey::Bool(_) => 1,
            SortKey::Num(_) => 2,
            SortKey::Str(_) => 3,
        }
    }

    fn cmp_to(&self, other: &SortKey) -> Ordering {
        match (self, other) {
            (SortKey::Bool(a), SortKey::Bool(b)) => a.cmp(b),
            (SortKey::Num(a), SortKey::Num(b)) => a.partial_cmp(b).unwrap_or(Ordering::Equal),
            (SortKey::Str(a), SortKey::Str(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

fn parse_order(value: &str) -> Result<Vec<(Vec<String>, bool)>, CwError> {
    let mut keys = Vec::new();
    for part in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let mut words = part.split_whitespace();
        let field = words.next().unwrap_or_default();
        let desc = match words.next() {
            None => false,
            Some(d) if d.eq_ignore_ascii_case("asc") => false,
            Some(d) if d.eq_ignore_ascii_case("desc") => true,
            Some(d) => {
                return Err(CwError::BadRequest(format!(
                    "orderBy must contain the field name and the keyword asc or desc, not '{d}'."
                )));
            }
        };
        if words.next().is_some() {
            return Err(CwError::BadRequest(format!("orderBy '{part}' is not valid.")));
        }
        keys.push((field.split('/').filter(|s| !s.is_empty()).map(str::to_string).collect(), desc));
    }
    Ok(keys)
}

fn lookup<'a>(rec: &'a Value, path: &[String]) -> Option<&'a Value> {
    let mut cur = rec;
    for (i, seg) in path.iter().enumerate() {
        let map = cur.as_object()?;
        cur = match get_ci(map, seg) {
            Some(v) => v,
            None if i == 0 && path.len() == 1 => {
                map.get("_info").and_then(|info| info.as_object()).and_then(|m| get_ci(m, seg))?
            }
            None => return None,
        };
    }
    Some(cur).filter(|v| !v.is_null())
}

fn copy_path(src: &Value, dst: &mut Value, path: &[String]) {
    let (Some(map), Some((first, rest))) = (src.as_object(), path.split_first()) else { return };
    let Some(key) = key_ci(map, first) else { return };
    let value = &map[key];
    let Some(out) = dst.as_object_mut() else { return };
    if rest.is_empty() {
        out.insert(key.to_string(), value.clone());
    } else if value.is_object() {
        let child = out.entry(key.to_string()).or_insert_with(|| Value::Object(Map::new()));
        copy_path(value, child, rest);
    } else if let Value::Array(items) = value {
        let projected: Vec<Value> = items
            .iter()
            .map(|item| {
                let mut o = Value::Object(Map::new());
                copy_path(item, &mut o, rest);
                o
            })
            .collect();
        out.insert(key.to_string(), Value::Array(projected));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_components_decode() {
        assert_eq!(decode("company%2Fid%3D250"), "company/id=250");
        assert_eq!(decode("name+asc"), "name asc");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%E2%9C%93"), "✓");
    }
}
