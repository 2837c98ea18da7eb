//! The `conditions` language: lexer, parser and evaluator (cw-api.md §2.1–2.2).
//!
//! Values: `"…"` or `'…'` strings (a backslash escapes the quote), numbers (`-12.5`), `true`/`false`/
//! `null` in any case, `[date-time]` (Z, offsets and fractions accepted). Operators: `= != < <= > >=`,
//! `like` (`*` and `%` are wildcards; without one it is an exact match), `contains`, `in (…)`,
//! `not in (…)`, and leniently `not like` / `not contains`. `and` binds tighter than `or`, both in any
//! case, with parentheses. Paths use `/` (`company/id`, `status/name`); field names and string values
//! compare case-insensitively (SQL Server collation); `lastUpdated`, `dateEntered`, `updatedBy` and
//! `enteredBy` are read from `_info`. A path through an array matches when any element matches.
//!
//! Comparisons follow SQL: a missing (null) field satisfies only `= null` (and a missing boolean counts
//! as false). A literal whose type contradicts the field's schema type is rejected with CW's message,
//! e.g. `inactiveFlag = 1` → "Expected a boolean value, not a numeric. String values should be…".
//! In `childConditions`, when every clause names the same array (`communicationItems/…`), the clauses
//! must hold for the same element, so `value="a@b.com" and communicationType="Email"` means one item.

use super::dates::parse_instant;
use super::errors::CwError;
use super::json::get_ci;
use super::routes::Coll;
use super::schema::{self, Kind};
use serde_json::Value;
use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Num(f64),
    Date(i128),
    Op(&'static str),
    LParen,
    RParen,
    Comma,
}

fn lex(text: &str) -> Result<Vec<Tok>, CwError> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                out.push(Tok::LParen);
                i += 1;
            }
            ')' => {
                out.push(Tok::RParen);
                i += 1;
            }
            ',' => {
                out.push(Tok::Comma);
                i += 1;
            }
            '"' | '\'' => {
                let quote = c;
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(CwError::condition("A string value is missing its closing quote.")),
                        Some('\\') if matches!(chars.get(i + 1), Some(n) if *n == quote || *n == '\\') => {
                            s.push(chars[i + 1]);
                            i += 2;
                        }
                        Some(ch) if *ch == quote => {
                            i += 1;
                            break;
                        }
                        Some(ch) => {
                            s.push(*ch);
                            i += 1;
                        }
                    }
                }
                out.push(Tok::Str(s));
            }
            '[' => {
                let start = i + 1;
                let Some(end) = chars[start..].iter().position(|ch| *ch == ']') else {
                    return Err(CwError::condition("A DateTime value is missing its closing bracket."));
                };
                let inner: String = chars[start..start + end].iter().collect();
                let Some(t) = parse_instant(&inner) else {
                    return Err(CwError::condition(&format!("[{inner}] is not a valid DateTime value.")));
                };
                out.push(Tok::Date(t));
                i = start + end + 1;
            }
            '=' => {
                out.push(Tok::Op("="));
                i += 1;
            }
            '!' if chars.get(i + 1) == Some(&'=') => {
                out.push(Tok::Op("!="));
                i += 2;
            }
            '<' | '>' => {
                let eq = chars.get(i + 1) == Some(&'=');
                out.push(Tok::Op(match (c, eq) {
                    ('<', true) => "<=",
                    ('<', false) => "<",
                    ('>', true) => ">=",
                    _ => ">",
                }));
                i += if eq { 2 } else { 1 };
            }
            c if c.is_ascii_digit() || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) => {
                let start = i;
                i += 1;
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    i += 1;
                }
                if i < chars.len() && (chars[i].is_alphabetic() || chars[i] == '_') {
                    return Err(CwError::condition("Expected a numeric value, not a word."));
                }
                let s: String = chars[start..i].iter().collect();
                let n: f64 =
                    s.parse().map_err(|_| CwError::condition(&format!("{s} is not a valid numeric value.")))?;
                out.push(Tok::Num(n));
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '/') {
                    i += 1;
                }
                out.push(Tok::Word(chars[start..i].iter().collect()));
            }
            other => return Err(CwError::condition(&format!("Unexpected character '{other}'."))),
        }
    }
    Ok(out)
}

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Lit {
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
    Date(i128),
}

impl Lit {
    fn describe(&self) -> &'static str {
        match self {
            Lit::Str(_) => "a string",
            Lit::Num(_) => "a numeric",
            Lit::Bool(_) => "a boolean",
            Lit::Null => "null",
            Lit::Date(_) => "a datetime",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Like,
    NotLike,
    Contains,
    NotContains,
    In,
    NotIn,
}

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    Star,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cmp {
    path: Vec<String>,
    op: Op,
    lits: Vec<Lit>,
    pattern: Vec<Piece>,
}

/// A parsed condition expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Cmp(Cmp),
}

struct Parser<'a> {
    toks: Vec<Tok>,
    pos: usize,
    coll: Option<Coll>,
    _text: &'a str,
}

fn is_kw(t: Option<&Tok>, kw: &str) -> bool {
    matches!(t, Some(Tok::Word(w)) if w.eq_ignore_ascii_case(kw))
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn or(&mut self) -> Result<Expr, CwError> {
        let mut parts = vec![self.and()?];
        while is_kw(self.peek(), "or") {
            self.pos += 1;
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 { parts.pop().expect("one") } else { Expr::Or(parts) })
    }

    fn and(&mut self) -> Result<Expr, CwError> {
        let mut parts = vec![self.primary()?];
        while is_kw(self.peek(), "and") {
            self.pos += 1;
            parts.push(self.primary()?);
        }
        Ok(if parts.len() == 1 { parts.pop().expect("one") } else { Expr::And(parts) })
    }

    fn primary(&mut self) -> Result<Expr, CwError> {
        match self.next() {
            Some(Tok::LParen) => {
                let e = self.or()?;
                match self.next() {
                    Some(Tok::RParen) => Ok(e),
                    _ => Err(CwError::condition("Expected a closing parenthesis.")),
                }
            }
            Some(Tok::Word(w)) => self.comparison(w),
            Some(t) => Err(CwError::condition(&format!("Expected a field name, not {}.", show(&t)))),
            None => Err(CwError::condition("Expected a field name.")),
        }
    }

    fn comparison(&mut self, field: String) -> Result<Expr, CwError> {
        let path: Vec<String> = field.split('/').filter(|s| !s.is_empty()).map(str::to_string).collect();
        let op = match self.next() {
            Some(Tok::Op(o)) => match o {
                "=" => Op::Eq,
                "!=" => Op::Ne,
                "<" => Op::Lt,
                "<=" => Op::Le,
                ">" => Op::Gt,
                _ => Op::Ge,
            },
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("like") => Op::Like,
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("contains") => Op::Contains,
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("in") => Op::In,
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("not") => match self.next() {
                Some(Tok::Word(w)) if w.eq_ignore_ascii_case("in") => Op::NotIn,
                Some(Tok::Word(w)) if w.eq_ignore_ascii_case("like") => Op::NotLike,
                Some(Tok::Word(w)) if w.eq_ignore_ascii_case("contains") => Op::NotContains,
                _ => return Err(CwError::condition("Expected in, like or contains after not.")),
            },
            _ => return Err(CwError::condition(&format!("Expected an operator after {field}."))),
        };
        let lits = if matches!(op, Op::In | Op::NotIn) {
            if self.next() != Some(Tok::LParen) {
                return Err(CwError::condition("Expected a parenthesised list of values after in."));
            }
            let mut lits = vec![self.value()?];
            loop {
                match self.next() {
                    Some(Tok::Comma) => lits.push(self.value()?),
                    Some(Tok::RParen) => break,
                    _ => return Err(CwError::condition("Expected a comma or a closing parenthesis.")),
                }
            }
            lits
        } else {
            vec![self.value()?]
        };
        let mut pattern = Vec::new();
        if matches!(op, Op::Like | Op::NotLike | Op::Contains | Op::NotContains) {
            let text = match &lits[0] {
                Lit::Str(s) => s.clone(),
                Lit::Num(n) => fmt_num(*n),
                other => {
                    return Err(CwError::condition(&format!("Expected a string value, not {}.", other.describe())));
                }
            };
            pattern = if matches!(op, Op::Like | Op::NotLike) { compile_like(&text) } else { contains_pattern(&text) };
        } else if let Some(coll) = self.coll
            && let Some(kind) = kind_of(coll, &path)
        {
            for lit in &lits {
                type_check(kind, lit)?;
            }
        }
        Ok(Expr::Cmp(Cmp { path, op, lits, pattern }))
    }

    fn value(&mut self) -> Result<Lit, CwError> {
        match self.next() {
            Some(Tok::Str(s)) => Ok(Lit::Str(s)),
            Some(Tok::Num(n)) => Ok(Lit::Num(n)),
            Some(Tok::Date(d)) => Ok(Lit::Date(d)),
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("true") => Ok(Lit::Bool(true)),
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("false") => Ok(Lit::Bool(false)),
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("null") => Ok(Lit::Null),
            Some(Tok::Word(w)) => Err(CwError::condition(&format!("Expected a value, not the word {w}."))),
            Some(t) => Err(CwError::condition(&format!("Expected a value, not {}.", show(&t)))),
            None => Err(CwError::condition("Expected a value.")),
        }
    }
}

fn show(t: &Tok) -> String {
    match t {
        Tok::Word(w) => w.clone(),
        Tok::Str(s) => format!("\"{s}\""),
        Tok::Num(n) => fmt_num(*n),
        Tok::Date(_) => "a datetime".into(),
        Tok::Op(o) => (*o).to_string(),
        Tok::LParen => "(".into(),
        Tok::RParen => ")".into(),
        Tok::Comma => ",".into(),
    }
}

fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { n.to_string() }
}

/// The schema type of a (possibly nested) path, when the store knows it.
fn kind_of(coll: Coll, path: &[String]) -> Option<Kind> {
    let first = path.first()?;
    if path.len() == 1 && ["lastUpdated", "dateEntered"].iter().any(|f| f.eq_ignore_ascii_case(first)) {
        return Some(Kind::Date);
    }
    let (_, kind) = schema::field_ci(coll, first)?;
    match (path.len(), kind) {
        (1, Kind::Ref(_)) => None,
        (1, k) => Some(k),
        (2, Kind::Ref(_)) if path[1].eq_ignore_ascii_case("id") => Some(Kind::Int),
        (2, Kind::Ref(_)) if path[1].eq_ignore_ascii_case("name") || path[1].eq_ignore_ascii_case("identifier") => {
            Some(Kind::Str(0))
        }
        _ => None,
    }
}

fn type_check(kind: Kind, lit: &Lit) -> Result<(), CwError> {
    let expected = match kind {
        Kind::Bool => "a boolean",
        Kind::Int | Kind::Num => "a numeric",
        Kind::Date => "a datetime",
        _ => return Ok(()),
    };
    let ok = matches!(
        (kind, lit),
        (_, Lit::Null) | (Kind::Bool, Lit::Bool(_)) | (Kind::Int | Kind::Num, Lit::Num(_)) | (Kind::Date, Lit::Date(_))
    );
    if ok { Ok(()) } else { Err(CwError::condition(&format!("Expected {expected} value, not {}.", lit.describe()))) }
}

fn compile_like(text: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        if c == '*' || c == '%' {
            if !cur.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut cur).to_lowercase()));
            }
            if pieces.last() != Some(&Piece::Star) {
                pieces.push(Piece::Star);
            }
        } else {
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        pieces.push(Piece::Text(cur.to_lowercase()));
    }
    pieces
}

fn contains_pattern(text: &str) -> Vec<Piece> {
    vec![Piece::Star, Piece::Text(text.to_lowercase()), Piece::Star]
}

/// Glob match of lower-cased `subject` against pieces (`Star` = any run of characters).
fn glob(pieces: &[Piece], subject: &str) -> bool {
    match pieces.split_first() {
        None => subject.is_empty(),
        Some((Piece::Text(t), rest)) => subject.strip_prefix(t.as_str()).is_some_and(|s| glob(rest, s)),
        Some((Piece::Star, rest)) => {
            if rest.is_empty() {
                return true;
            }
            let mut idx = 0;
            loop {
                if glob(rest, &subject[idx..]) {
                    return true;
                }
                match subject[idx..].chars().next() {
                    Some(c) => idx += c.len_utf8(),
                    None => return false,
                }
            }
        }
    }
}

/// Parses a `conditions` value; `coll` enables CW's literal type checks against the schema.
pub(crate) fn parse(text: &str, coll: Option<Coll>) -> Result<Option<Expr>, CwError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let toks = lex(text)?;
    let mut p = Parser { toks, pos: 0, coll, _text: text };
    let e = p.or()?;
    if let Some(t) = p.peek() {
        let msg = match t {
            Tok::RParen => "Unexpected closing parenthesis.".to_string(),
            t => format!("Expected and or or, not {}.", show(t)),
        };
        return Err(CwError::condition(&msg));
    }
    Ok(Some(e))
}

const INFO_FIELDS: [&str; 4] = ["lastUpdated", "dateEntered", "updatedBy", "enteredBy"];

/// Calls `f` on every value the path reaches (None for a missing value) until `f` returns true.
fn any_leaf<'a>(v: &'a Value, path: &[String], f: &mut dyn FnMut(Option<&'a Value>) -> bool) -> bool {
    let Some((first, rest)) = path.split_first() else { return f(Some(v)) };
    match v {
        Value::Object(map) => match get_ci(map, first) {
            Some(next) => any_leaf(next, rest, f),
            None => f(None),
        },
        Value::Array(items) => {
            if items.is_empty() {
                return f(None);
            }
            items.iter().any(|item| any_leaf(item, path, f))
        }
        _ => f(None),
    }
}

fn lookup_any<'a>(
    rec: &'a Value,
    path: &[String],
    bind: Option<(&str, &'a Value)>,
    f: &mut dyn FnMut(Option<&'a Value>) -> bool,
) -> bool {
    let Some((first, rest)) = path.split_first() else { return f(Some(rec)) };
    if let Some((name, elem)) = bind
        && first.eq_ignore_ascii_case(name)
    {
        return any_leaf(elem, rest, f);
    }
    if let Value::Object(map) = rec
        && get_ci(map, first).is_none()
        && rest.is_empty()
        && INFO_FIELDS.iter().any(|k| k.eq_ignore_ascii_case(first))
        && let Some(info) = map.get("_info")
    {
        return any_leaf(info, path, f);
    }
    any_leaf(rec, path, f)
}

fn cmp_lit(lit: &Lit, v: &Value) -> Option<Ordering> {
    match (lit, v) {
        (Lit::Str(s), Value::String(x)) => Some(cmp_ci(x, s)),
        (Lit::Str(s), Value::Number(n)) => n.as_f64()?.partial_cmp(&s.trim().parse::<f64>().ok()?),
        (Lit::Str(s), Value::Bool(b)) => Some(b.cmp(&s.eq_ignore_ascii_case("true"))),
        (Lit::Num(n), Value::Number(x)) => x.as_f64()?.partial_cmp(n),
        (Lit::Num(n), Value::String(x)) => x.trim().parse::<f64>().ok()?.partial_cmp(n),
        (Lit::Bool(b), Value::Bool(x)) => Some(x.cmp(b)),
        (Lit::Date(d), Value::String(x)) => Some(parse_instant(x)?.cmp(d)),
        _ => None,
    }
}

/// Case-insensitive string ordering (value vs literal).
pub(crate) fn cmp_ci(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        return a.bytes().map(|c| c.to_ascii_lowercase()).cmp(b.bytes().map(|c| c.to_ascii_lowercase()));
    }
    let mut ai = a.chars().flat_map(char::to_lowercase);
    let mut bi = b.chars().flat_map(char::to_lowercase);
    loop {
        match (ai.next(), bi.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x != y => return x.cmp(&y),
            _ => {}
        }
    }
}

fn leaf_matches(c: &Cmp, v: Option<&Value>) -> bool {
    let v = v.filter(|v| !v.is_null());
    let lit = &c.lits[0];
    match c.op {
        Op::Eq | Op::Ne => {
            let eq = match (lit, v) {
                (Lit::Null, v) => v.is_none(),
                (Lit::Bool(b), None) => !*b,
                (_, None) => return false,
                (lit, Some(v)) => cmp_lit(lit, v) == Some(Ordering::Equal),
            };
            if c.op == Op::Eq {
                eq
            } else if matches!(lit, Lit::Null | Lit::Bool(_)) || v.is_some() {
                !eq
            } else {
                false
            }
        }
        Op::Lt | Op::Le | Op::Gt | Op::Ge => {
            let Some(v) = v else { return false };
            let Some(ord) = cmp_lit(lit, v) else { return false };
            match c.op {
                Op::Lt => ord == Ordering::Less,
                Op::Le => ord != Ordering::Greater,
                Op::Gt => ord == Ordering::Greater,
                _ => ord != Ordering::Less,
            }
        }
        Op::Like | Op::Contains | Op::NotLike | Op::NotContains => {
            let text = match v {
                Some(Value::String(s)) => s.to_lowercase(),
                Some(Value::Number(n)) => n.to_string(),
                Some(Value::Bool(b)) => b.to_string(),
                _ => return false,
            };
            let m = glob(&c.pattern, &text);
            if matches!(c.op, Op::Like | Op::Contains) { m } else { !m }
        }
        Op::In | Op::NotIn => {
            let Some(v) = v else {
                return c.op == Op::In && c.lits.contains(&Lit::Null);
            };
            let hit = c.lits.iter().any(|l| !matches!(l, Lit::Null) && cmp_lit(l, v) == Some(Ordering::Equal));
            if c.op == Op::In { hit } else { !hit }
        }
    }
}

fn eval_bound<'a>(e: &Expr, rec: &'a Value, bind: Option<(&str, &'a Value)>) -> bool {
    match e {
        Expr::And(parts) => parts.iter().all(|p| eval_bound(p, rec, bind)),
        Expr::Or(parts) => parts.iter().any(|p| eval_bound(p, rec, bind)),
        Expr::Cmp(c) => lookup_any(rec, &c.path, bind, &mut |v| leaf_matches(c, v)),
    }
}

impl Expr {
    /// True when the record satisfies the expression.
    pub(crate) fn eval(&self, rec: &Value) -> bool {
        eval_bound(self, rec, None)
    }

    /// `childConditions`: when every clause starts with the same array field, some single element must
    /// satisfy the whole expression; otherwise clauses are evaluated independently.
    pub(crate) fn eval_child(&self, rec: &Value, head: Option<&str>) -> bool {
        if let Some(first) = head
            && let Some(Value::Array(items)) = rec.as_object().and_then(|m| get_ci(m, first))
        {
            return items.iter().any(|item| eval_bound(self, rec, Some((first, item))));
        }
        self.eval(rec)
    }

    /// `customFieldConditions`: some element of `customFields` satisfies the expression
    /// (paths such as `caption` and `value` are relative to the custom field).
    pub(crate) fn eval_custom(&self, rec: &Value) -> bool {
        match rec.get("customFields") {
            Some(Value::Array(items)) => items.iter().any(|cf| self.eval(cf)),
            _ => false,
        }
    }

    /// The array field every clause starts with, if they all share one (see [`Expr::eval_child`]).
    pub(crate) fn common_head(&self) -> Option<String> {
        let mut heads = Vec::new();
        self.heads(&mut heads);
        let first = heads.first()?.to_string();
        heads.iter().all(|h| h.eq_ignore_ascii_case(&first)).then_some(first)
    }

    fn heads<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Expr::And(p) | Expr::Or(p) => p.iter().for_each(|e| e.heads(out)),
            Expr::Cmp(c) if c.path.len() > 1 => out.push(&c.path[0]),
            Expr::Cmp(_) => out.push(""),
        }
    }

    /// `Some(n)` when the whole expression is `company/id = n` (answered from an index).
    pub(crate) fn company_id_eq(&self) -> Option<i64> {
        match self {
            Expr::Cmp(Cmp { path, op: Op::Eq, lits, .. })
                if path.len() == 2 && path[0].eq_ignore_ascii_case("company") && path[1].eq_ignore_ascii_case("id") =>
            {
                match lits.first() {
                    Some(Lit::Num(n)) if n.fract() == 0.0 => Some(*n as i64),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn m(cond: &str, rec: &Value) -> bool {
        parse(cond, Some(Coll::Companies)).unwrap().unwrap().eval(rec)
    }

    fn err(cond: &str) -> String {
        match parse(cond, Some(Coll::Companies)) {
            Err(CwError::BadRequest(msg)) => msg,
            other => panic!("expected an error for {cond}: {other:?}"),
        }
    }

    fn company() -> Value {
        json!({
            "id": 250, "name": "Summit Ridge Dental", "identifier": "SummitRidge", "city": "Denver",
            "status": {"id": 1, "name": "Active"}, "numberOfEmployees": 42, "leadFlag": false,
            "types": [{"id": 1, "name": "Client"}, {"id": 4, "name": "Partner"}],
            "_info": {"lastUpdated": "2025-03-04T10:00:00Z"},
            "customFields": [{"id": 2, "caption": "Region", "value": "West"}]
        })
    }

    #[test]
    fn every_operator() {
        let c = company();
        assert!(m("name = \"summit ridge dental\"", &c));
        assert!(m("name='Summit Ridge Dental'", &c));
        assert!(m("name != 'Acme'", &c));
        assert!(!m("name != 'SUMMIT RIDGE DENTAL'", &c));
        assert!(m("numberOfEmployees > 41 and numberOfEmployees >= 42", &c));
        assert!(m("numberOfEmployees < 43 AND numberOfEmployees <= 42", &c));
        assert!(!m("numberOfEmployees < 42", &c));
        assert!(m("name like 'Summit*'", &c));
        assert!(m("name like '%dental'", &c));
        assert!(m("name LIKE 's*r*l'", &c));
        assert!(!m("name like 'Summit'", &c), "like without a wildcard is an exact match");
        assert!(m("name like 'summit ridge dental'", &c));
        assert!(m("name contains 'RIDGE'", &c));
        assert!(!m("name contains 'Valley'", &c));
        assert!(m("id in (1, 250, 3)", &c));
        assert!(m("status/name IN (\"Active\",\"Prospect\")", &c));
        assert!(m("status/id not in (2,3)", &c));
        assert!(!m("status/id not in (1)", &c));
        assert!(m("name not like 'Acme*'", &c));
        assert!(m("name not contains 'acme'", &c));
        assert!(m("leadFlag = FALSE", &c));
        assert!(m("deletedFlag = false", &c), "a missing boolean counts as false");
        assert!(m("website = null", &c));
        assert!(m("name != NULL", &c));
        assert!(!m("website != 'x'", &c), "a null field fails != like SQL");
        assert!(m("lastUpdated > [2025-01-01T00:00:00Z]", &c));
        assert!(m("lastUpdated < [2025-03-04T11:00:00+00:30]", &c));
        assert!(m("lastUpdated >= [2025-03-04T10:00:00.000000+00:00]", &c));
        assert!(m("id = -5 or id = 250", &c));
        assert!(m("id > 1.5", &c));
    }

    #[test]
    fn precedence_parentheses_and_case() {
        let c = company();
        assert!(m("id = 1 and name = 'x' or city = 'Denver'", &c));
        assert!(!m("id = 1 and (name = 'x' or city = 'Denver')", &c));
        assert!(m("(id = 250 Or id = 1) aNd (CITY = 'denver')", &c));
        assert!(m("Status/Name = 'ACTIVE'", &c));
        assert!(m("types/name = 'Partner'", &c));
    }

    #[test]
    fn child_conditions_need_one_element() {
        let contact = json!({"communicationItems": [
            {"value": "a@b.com", "communicationType": "Email"},
            {"value": "555-0100", "communicationType": "Phone"}
        ]});
        let e = parse("communicationItems/value=\"A@B.com\" AND communicationItems/communicationType=\"Email\"", None)
            .unwrap()
            .unwrap();
        assert!(e.eval_child(&contact, e.common_head().as_deref()));
        let e = parse("communicationItems/value='555-0100' and communicationItems/communicationType='Email'", None)
            .unwrap()
            .unwrap();
        assert!(!e.eval_child(&contact, e.common_head().as_deref()));
        let e = parse("caption = 'Region' and value = 'west'", None).unwrap().unwrap();
        assert!(e.eval_custom(&company()));
    }

    #[test]
    fn malformed_conditions_get_cws_sentence() {
        let msg = err("leadFlag = 1");
        assert!(msg.starts_with("Expected a boolean value, not a numeric. String values should be enclosed"), "{msg}");
        assert!(msg.ends_with("null values should be indicated by the keyword null."));
        for bad in [
            "name = Acme",
            "name = 'Acme",
            "name",
            "name =",
            "(name = 'a'",
            "name = 'a')",
            "name = 'a' name = 'b'",
            "id in 1,2",
            "lastUpdated > [yesterday]",
            "numberOfEmployees = 'ten'",
            "name ~ 'a'",
            "and",
        ] {
            assert!(err(bad).contains(errors_help()), "{bad}");
        }
    }

    fn errors_help() -> &'static str {
        super::super::errors::CONDITION_HELP
    }

    #[test]
    fn quotes_can_be_escaped() {
        let rec = json!({"name": "O'Brien \"Bob\""});
        assert!(m(r#"name = 'O\'Brien "Bob"'"#, &rec));
        assert!(m(r#"name = "O'Brien \"Bob\"""#, &rec));
    }
}
