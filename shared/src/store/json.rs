//! Small helpers over `serde_json::Value` records.

use serde_json::{Map, Value};

/// A key looked up exactly first, then case-insensitively (CW field names are case-insensitive in queries).
pub(crate) fn get_ci<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    if let Some(v) = map.get(key) {
        return Some(v);
    }
    map.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v)
}

/// The key as stored in the map, matched case-insensitively.
pub(crate) fn key_ci<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    if map.contains_key(key) {
        return map.get_key_value(key).map(|(k, _)| k.as_str());
    }
    map.keys().find(|k| k.eq_ignore_ascii_case(key)).map(String::as_str)
}

/// `record[field].id` as an integer (e.g. the company id of a contact).
pub(crate) fn ref_id(record: &Value, field: &str) -> Option<i64> {
    record.get(field)?.get("id")?.as_i64()
}

/// A string field, or "".
pub(crate) fn str_of<'a>(record: &'a Value, field: &str) -> &'a str {
    record.get(field).and_then(Value::as_str).unwrap_or("")
}

/// A boolean field, false when absent.
pub(crate) fn flag(record: &Value, field: &str) -> bool {
    record.get(field).and_then(Value::as_bool).unwrap_or(false)
}

/// Sets `key` on an object, removing it when the value is null (CW omits nulls).
pub(crate) fn set(record: &mut Value, key: &str, value: Value) {
    if let Some(obj) = record.as_object_mut() {
        if value.is_null() {
            obj.remove(key);
        } else {
            obj.insert(key.to_string(), value);
        }
    }
}

/// Removes null members recursively (objects and arrays).
pub(crate) fn strip_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            for v in map.values_mut() {
                strip_nulls(v);
            }
        }
        Value::Array(items) => {
            for v in items.iter_mut() {
                strip_nulls(v);
            }
        }
        _ => {}
    }
}

/// "First Last" for a contact (the `name` of a ContactReference).
pub(crate) fn contact_name(contact: &Value) -> String {
    let first = str_of(contact, "firstName");
    let last = str_of(contact, "lastName");
    format!("{first} {last}").trim().to_string()
}

/// A JSON text of a value as .NET would print it in "Error converting value …" messages.
pub(crate) fn dotnet_repr(value: &Value) -> String {
    match value {
        Value::String(s) => format!("\"{s}\""),
        Value::Object(_) | Value::Array(_) => value.to_string(),
        other => other.to_string(),
    }
}
