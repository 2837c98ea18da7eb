//! JSON Patch (RFC 6902) as ConnectWise takes it: the body of every `PATCH` is an array of [`PatchOp`]s.
//!
//! - [`PatchOp`] is the typed operation; it serialises as `{"op":"replace","path":"name","value":"x"}`.
//! - [`Patch`] is a small builder: `Patch::new().replace("name", "x").replace_ref("status", Reference::by_name("Active"))`.
//! - [`diff`] turns an edit form's before/after into one `replace` per changed field and nothing for the rest.
//!
//! **Paths.** The builder writes paths *without* a leading `/` (`name`, `status`, `status/id`): that is the form
//! production clients send to real CW (django-connectwise, the PowerShell and TypeScript clients; see
//! `shared/cw-api.md` §4). It accepts either form on input and strips the slash ([`normalize_path`]).
//!
//! **References** (`status`, `country`, `relationship`...) are replaced as a whole object that CW resolves:
//! `{"id":1}` when the id is known, else `{"identifier":...}`, else `{"name":...}`. Company `types` and contact
//! `typeIds` are POST-only and must never appear in a patch.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::Reference;

/// One JSON Patch operation. CW uses `replace` almost always; `add` and `remove` exist for completeness.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum PatchOp {
    /// Set a value where none was.
    Add {
        /// The field, e.g. `website` or `status/id`.
        path: String,
        /// The new value.
        value: Value,
    },
    /// Clear a field.
    Remove {
        /// The field.
        path: String,
    },
    /// Set a field's value.
    Replace {
        /// The field.
        path: String,
        /// The new value.
        value: Value,
    },
}

impl PatchOp {
    /// A `replace` of `path` with `value`.
    pub fn replace(path: &str, value: impl Into<Value>) -> Self {
        PatchOp::Replace { path: normalize_path(path), value: value.into() }
    }

    /// The operation's path.
    pub fn path(&self) -> &str {
        match self {
            PatchOp::Add { path, .. } | PatchOp::Remove { path } | PatchOp::Replace { path, .. } => path,
        }
    }

    /// The value written, if the operation writes one.
    pub fn value(&self) -> Option<&Value> {
        match self {
            PatchOp::Add { value, .. } | PatchOp::Replace { value, .. } => Some(value),
            PatchOp::Remove { .. } => None,
        }
    }
}

/// `"/status/id"` and `"status/id"` both become `"status/id"`.
pub fn normalize_path(path: &str) -> String {
    path.trim().trim_start_matches('/').to_owned()
}

/// A builder for a patch body. Serialises as the bare JSON array CW expects.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Patch {
    ops: Vec<PatchOp>,
}

impl Patch {
    /// An empty patch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `replace path value`.
    pub fn replace(mut self, path: &str, value: impl Into<Value>) -> Self {
        self.ops.push(PatchOp::replace(path, value));
        self
    }

    /// Adds `replace path {reference}`, the reference stripped to what a write needs (id, else identifier,
    /// else name; see [`Reference::for_write`]).
    pub fn replace_ref<I: Serialize + Clone>(self, path: &str, reference: Reference<I>) -> Self {
        let value = serde_json::to_value(reference.for_write()).unwrap_or(Value::Null);
        self.replace(path, value)
    }

    /// Adds `add path value`.
    pub fn add(mut self, path: &str, value: impl Into<Value>) -> Self {
        self.ops.push(PatchOp::Add { path: normalize_path(path), value: value.into() });
        self
    }

    /// Adds `remove path`.
    pub fn remove(mut self, path: &str) -> Self {
        self.ops.push(PatchOp::Remove { path: normalize_path(path) });
        self
    }

    /// Appends an operation as it is.
    pub fn push(mut self, op: PatchOp) -> Self {
        self.ops.push(op);
        self
    }

    /// The operations so far.
    pub fn ops(&self) -> &[PatchOp] {
        &self.ops
    }

    /// The operations.
    pub fn into_ops(self) -> Vec<PatchOp> {
        self.ops
    }

    /// True when there is nothing to send (then do not send a PATCH at all).
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// The JSON body.
    pub fn to_json(&self) -> String {
        to_json(&self.ops)
    }
}

impl From<Vec<PatchOp>> for Patch {
    fn from(ops: Vec<PatchOp>) -> Self {
        Self { ops }
    }
}

impl From<Patch> for Vec<PatchOp> {
    fn from(patch: Patch) -> Self {
        patch.ops
    }
}

/// The JSON body for a list of operations.
pub fn to_json(ops: &[PatchOp]) -> String {
    serde_json::to_string(ops).unwrap_or_else(|_| "[]".into())
}

/// One `replace` per field of `fields` whose value differs between `before` and `after`, in the order of
/// `fields`; nothing for unchanged fields.
///
/// `fields` are paths as in a patch (`name`, `/phoneNumber`, `status`, `status/id`). Rules:
/// - References (objects with an `id`, `identifier` or `name`) count as unchanged when they name the same
///   record (same id, else same identifier or name ignoring case), whatever else they carry (`_info`...);
///   a changed reference is written by id, else identifier, else name.
/// - A field present before and absent (or `null`) after is replaced with `null`, which clears it.
/// - Numbers compare by value (`1` equals `1.0`).
pub fn diff(before: &impl Serialize, after: &impl Serialize, fields: &[&str]) -> Vec<PatchOp> {
    let (Ok(before), Ok(after)) = (serde_json::to_value(before), serde_json::to_value(after)) else {
        return Vec::new();
    };
    diff_values(&before, &after, fields)
}

/// [`diff`] over values already in JSON form.
pub fn diff_values(before: &Value, after: &Value, fields: &[&str]) -> Vec<PatchOp> {
    fields
        .iter()
        .filter_map(|field| {
            let path = normalize_path(field);
            let pointer = format!("/{path}");
            let old = before.pointer(&pointer).unwrap_or(&Value::Null);
            let new = after.pointer(&pointer).unwrap_or(&Value::Null);
            if same(old, new) {
                return None;
            }
            let value = if is_reference(new) { write_reference(new) } else { new.clone() };
            Some(PatchOp::Replace { path, value })
        })
        .collect()
}

fn is_reference(value: &Value) -> bool {
    value.as_object().is_some_and(|o| ["id", "identifier", "name"].iter().any(|k| o.contains_key(*k)))
}

fn write_reference(value: &Value) -> Value {
    let object = value.as_object().expect("checked by is_reference");
    for key in ["id", "identifier", "name"] {
        if let Some(v) = object.get(key).filter(|v| !v.is_null()) {
            return serde_json::json!({ key: v });
        }
    }
    value.clone()
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Object(x), Value::Object(y)) if is_reference(a) && is_reference(b) => {
            let key = |o: &serde_json::Map<String, Value>, k: &str| o.get(k).filter(|v| !v.is_null()).cloned();
            if let (Some(i), Some(j)) = (key(x, "id"), key(y, "id")) {
                return same(&i, &j);
            }
            let text_eq = |k: &str| match (key(x, k), key(y, k)) {
                (Some(Value::String(i)), Some(Value::String(j))) => i.eq_ignore_ascii_case(&j),
                _ => false,
            };
            text_eq("identifier") || text_eq("name")
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::CompanyId;
    use crate::model::{Company, CompanyReference};
    use serde_json::json;

    /// Serialises, compares with the pinned text, parses back and compares with the original.
    fn pin<T: Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(value: &T, text: &str) {
        assert_eq!(serde_json::to_string(value).unwrap(), text);
        assert_eq!(&serde_json::from_str::<T>(text).unwrap(), value);
    }

    #[test]
    fn each_op_has_its_exact_json() {
        pin(&PatchOp::replace("/name", "Acme"), r#"{"op":"replace","path":"name","value":"Acme"}"#);
        pin(
            &PatchOp::Add { path: "website".into(), value: json!("x.com") },
            r#"{"op":"add","path":"website","value":"x.com"}"#,
        );
        pin(&PatchOp::Remove { path: "website".into() }, r#"{"op":"remove","path":"website"}"#);
    }

    #[test]
    fn the_builder_makes_the_bare_array_cw_expects() {
        let patch = Patch::new()
            .replace("/name", "New Name")
            .replace_ref("/status", Reference::by_name("Active"))
            .replace("phoneNumber", "312-555-0100")
            .replace("/defaultFlag", true)
            .replace_ref("company", CompanyReference::by_id(CompanyId(7)));
        let text = r#"[{"op":"replace","path":"name","value":"New Name"},{"op":"replace","path":"status","value":{"name":"Active"}},{"op":"replace","path":"phoneNumber","value":"312-555-0100"},{"op":"replace","path":"defaultFlag","value":true},{"op":"replace","path":"company","value":{"id":7}}]"#;
        assert_eq!(patch.to_json(), text);
        pin(&patch, text);
        assert_eq!(patch.ops()[1].path(), "status");
    }

    #[test]
    fn a_read_reference_is_written_by_id_only() {
        let read: Reference = serde_json::from_str(r#"{"id":1,"name":"Active","_info":{"status_href":"x"}}"#).unwrap();
        assert_eq!(
            Patch::new().replace_ref("status", read).to_json(),
            r#"[{"op":"replace","path":"status","value":{"id":1}}]"#
        );
    }

    #[test]
    fn unknown_ops_and_missing_paths_are_rejected() {
        assert!(serde_json::from_str::<PatchOp>(r#"{"op":"move","from":"a","path":"b"}"#).is_err());
        assert!(serde_json::from_str::<PatchOp>(r#"{"op":"replace","value":1}"#).is_err());
        // CW's clients send the path with or without the slash; both parse, the path is kept as sent.
        let op: PatchOp = serde_json::from_str(r#"{"op":"replace","path":"/status/id","value":3}"#).unwrap();
        assert_eq!(op.path(), "/status/id");
        assert_eq!(op.value(), Some(&json!(3)));
    }

    fn company(json: Value) -> Company {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn diff_replaces_only_changed_fields() {
        let before = company(json!({"id":5,"identifier":"Acme","name":"Acme","phoneNumber":"1","website":"a.com",
            "status":{"id":1,"name":"Active","_info":{"status_href":"x"}},"numberOfEmployees":10,"mobileGuid":"g"}));
        let mut after = before.clone();
        after.name = "Acme Ltd".into();
        after.website = None;
        after.status = Some(Reference { id: Some(1), name: Some("Active".into()), ..Reference::default() });
        after.number_of_employees = Some(12);
        let ops = diff(&before, &after, &["/name", "phoneNumber", "website", "status", "numberOfEmployees", "city"]);
        assert_eq!(
            to_json(&ops),
            r#"[{"op":"replace","path":"name","value":"Acme Ltd"},{"op":"replace","path":"website","value":null},{"op":"replace","path":"numberOfEmployees","value":12}]"#
        );
        assert!(diff(&before, &before, &["name", "status", "city"]).is_empty());
    }

    #[test]
    fn diff_writes_changed_references_by_id_or_name() {
        let before =
            company(json!({"id":5,"status":{"id":1,"name":"Active"},"country":{"id":1,"name":"United States"}}));
        let mut after = before.clone();
        after.status = Some(Reference::by_name("Inactive"));
        after.country = Some(Reference { id: Some(2), name: Some("Canada".into()), ..Reference::default() });
        assert_eq!(
            to_json(&diff(&before, &after, &["status", "country"])),
            r#"[{"op":"replace","path":"status","value":{"name":"Inactive"}},{"op":"replace","path":"country","value":{"id":2}}]"#
        );
        // The same status picked by name (any case) is no change.
        after.status = Some(Reference::by_name("active"));
        assert!(diff(&before, &after, &["status"]).is_empty());
    }

    #[test]
    fn diff_handles_nested_paths_and_numbers_by_value() {
        let before = json!({"status":{"id":1},"billAmount":100});
        let after = json!({"status":{"id":2},"billAmount":100.0});
        assert_eq!(
            to_json(&diff_values(&before, &after, &["status/id", "billAmount"])),
            r#"[{"op":"replace","path":"status/id","value":2}]"#
        );
    }
}
