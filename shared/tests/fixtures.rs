//! Every ConnectWise response fixture deserialises into its `model` type, and serialising it back keeps every
//! key it had (so a read-modify-write never drops a field).
//!
//! Walks `shared/fixtures/` and, when present, the workspace's `../shared/cw-fixtures/`. The type is chosen by
//! the file name's stem (the part before the first `.`); a fixture whose name is not mapped here fails the test,
//! so a newly added fixture must be given a type. `openapi-*` extracts are not responses and are skipped.

use cw_shared::model::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Deserialises `value` as `T` (or `Vec<T>` for a list) and re-serialises it.
fn round_trip<T: DeserializeOwned + Serialize>(value: &Value) -> Result<Value, String> {
    let back = if value.is_array() {
        let items: Vec<T> = serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
        serde_json::to_value(items)
    } else {
        let item: T = serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
        serde_json::to_value(item)
    };
    back.map_err(|e| e.to_string())
}

fn round_trip_for(stem: &str, value: &Value) -> Option<Result<Value, String>> {
    Some(match stem {
        "company" | "companies" => round_trip::<Company>(value),
        "company-defaultContact-reference" => round_trip::<ContactReference>(value),
        "company-statuses" => round_trip::<CompanyStatus>(value),
        "company-types" => round_trip::<CompanyType>(value),
        "contact" | "contacts" => round_trip::<Contact>(value),
        "contact-communications" => round_trip::<CommunicationItem>(value),
        "contact-types" => round_trip::<ContactType>(value),
        "contact-relationships" => round_trip::<ContactRelationship>(value),
        "contact-departments" => round_trip::<ContactDepartment>(value),
        "communication-types" => round_trip::<CommunicationType>(value),
        "site" | "sites" => round_trip::<Site>(value),
        "agreement" | "agreements" => round_trip::<Agreement>(value),
        "agreement-types" => round_trip::<AgreementType>(value),
        "ticket" | "tickets" => round_trip::<Ticket>(value),
        "boards" => round_trip::<Board>(value),
        "board-statuses" => round_trip::<BoardStatus>(value),
        "priorities" => round_trip::<Priority>(value),
        "countries" => round_trip::<Country>(value),
        "states" => round_trip::<State>(value),
        "time-zone-setups" | "timezone-setups" => round_trip::<TimeZoneSetup>(value),
        "count" => round_trip::<Count>(value),
        "system-info" => round_trip::<SystemInfo>(value),
        "login-companyinfo" => round_trip::<Option<CompanyInfo>>(value),
        s if s.starts_with("error-") => round_trip::<ErrorBody>(value),
        _ => return None,
    })
}

/// Every key of `original` is in `back` with an equal value. Keys whose original value is `null` or `[]` may be
/// absent: CW itself omits null and empty values, so absent and null/empty mean the same to it. Numbers are
/// compared as numbers (`1` and `1.0` are equal).
fn missing(original: &Value, back: &Value, path: &str, out: &mut Vec<String>) {
    match (original, back) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let here = format!("{path}/{key}");
                match b.get(key) {
                    Some(other) => missing(value, other, &here, out),
                    None if value.is_null() || value.as_array().is_some_and(Vec::is_empty) => {}
                    None => out.push(format!("{here} dropped")),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                missing(x, y, &format!("{path}/{i}"), out);
            }
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => {}
        (a, b) if a == b => {}
        (a, b) => out.push(format!("{path}: {a} became {b}")),
    }
}

fn fixture_dirs() -> Vec<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![manifest.join("fixtures")];
    let upstream = manifest.join("../../shared/cw-fixtures");
    if upstream.is_dir() {
        dirs.push(upstream);
    }
    dirs
}

#[test]
fn every_fixture_deserialises_and_keeps_every_key() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for dir in fixture_dirs() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        for path in files {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("openapi-") {
                continue;
            }
            let stem = name.split('.').next().unwrap_or_default();
            let text = std::fs::read_to_string(&path).unwrap();
            let original: Value = match serde_json::from_str(&text) {
                Ok(v) => v,
                Err(e) => {
                    failures.push(format!("{}: not JSON: {e}", path.display()));
                    continue;
                }
            };
            match round_trip_for(stem, &original) {
                None => failures.push(format!("{}: no model type is mapped to `{stem}`", path.display())),
                Some(Err(e)) => failures.push(format!("{}: does not deserialise: {e}", path.display())),
                Some(Ok(back)) => {
                    let mut problems = Vec::new();
                    missing(&original, &back, "", &mut problems);
                    if !problems.is_empty() {
                        failures.push(format!("{}: {}", path.display(), problems.join(", ")));
                    }
                }
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "fixture problems:\n{}", failures.join("\n"));
    assert!(checked >= 29, "only {checked} fixtures were checked");
}

#[test]
fn fixture_values_land_in_the_typed_fields() {
    let read = |name: &str| {
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)).unwrap()
    };

    let company: Company = serde_json::from_str(&read("company.rapid7-sandbox.json")).unwrap();
    assert_eq!(company.identifier, "ExampleCommunications");
    assert_eq!(company.status_name(), Some("Active"));
    assert!(company.deleted_flag);
    assert!(company.default_contact.is_none());
    assert!(!company.types.is_empty());
    assert_eq!(company.city_state(), "Plano, TX");

    let contacts: Vec<Contact> =
        serde_json::from_str(&read("contact.with-communicationItems.django-fixture.json")).unwrap();
    assert_eq!(contacts[0].default_email(), Some("Arnie@YourCompany.com"));
    assert_eq!(contacts[0].default_phone(), Some("8139357100"));
    assert!(contacts[0].default_flag);
    assert_eq!(contacts[0].initials(), "AB");

    let contact: Contact = serde_json::from_str(&read("contact.pipedream-staging.json")).unwrap();
    assert_eq!(contact.types[0].name.as_deref(), Some("No Longer Employed"));
    assert!(contact.belongs_to(cw_shared::ids::CompanyId(132)));
    assert_eq!(contact.default_email(), None);

    let site: Site = serde_json::from_str(&read("site.SYNTHESIZED-from-spec.json")).unwrap();
    assert_eq!(site.state_reference.and_then(|s| s.identifier).as_deref(), Some("TX"));

    let agreement: Agreement = serde_json::from_str(&read("agreement.rationallyprime-sample.json")).unwrap();
    assert_eq!(agreement.agreement_status.as_deref(), Some("Expired"));
    assert_eq!(agreement.contact.and_then(|c| c.id), Some(cw_shared::ids::ContactId(7)));

    let ticket: Ticket = serde_json::from_str(&read("ticket.pipedream-staging.json")).unwrap();
    assert_eq!(ticket.board.and_then(|b| b.name).as_deref(), Some("Professional Services"));

    let count: Count = serde_json::from_str(&read("count.example.json")).unwrap();
    assert_eq!(count.count, 2);
}

#[test]
fn the_key_check_reports_dropped_and_changed_keys() {
    use serde_json::json;
    let mut out = Vec::new();
    missing(&json!({"a": 1, "b": {"c": 2, "n": null, "e": []}}), &json!({"a": 1.0, "b": {}}), "", &mut out);
    assert_eq!(out, vec!["/b/c dropped"]);
    out.clear();
    missing(&json!({"a": "x"}), &json!({"a": "y"}), "", &mut out);
    assert_eq!(out, vec![r#"/a: "x" became "y""#]);
}
