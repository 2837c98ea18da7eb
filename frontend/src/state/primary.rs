//! Wording for the primary-contact state, on top of `cw_shared::plan::primary` (the plan, the check and
//! the fix live there).

use cw_shared::model::Contact;
use cw_shared::plan::{PrimaryState, check_primaries};

/// A sentence for a broken state, naming the contacts; `None` when exactly one contact is primary or the
/// company has no contacts at all.
pub fn describe_problem(contacts: &[Contact]) -> Option<String> {
    let name = |id| contacts.iter().find(|c| c.id == id).map(Contact::full_name).unwrap_or_default();
    match check_primaries(contacts) {
        PrimaryState::One(_) => None,
        PrimaryState::Missing if contacts.is_empty() => None,
        PrimaryState::Missing => Some("ConnectWise now has no primary contact for this client.".into()),
        PrimaryState::Several(ids) => Some(format!(
            "ConnectWise now has {} primary contacts for this client: {}.",
            ids.len(),
            ids.iter().map(|&id| name(id)).collect::<Vec<_>>().join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contacts(flags: &[(i32, bool)]) -> Vec<Contact> {
        flags
            .iter()
            .map(|&(id, primary)| {
                serde_json::from_value(
                    serde_json::json!({"id": id, "firstName": format!("C{id}"), "defaultFlag": primary}),
                )
                .unwrap()
            })
            .collect()
    }

    #[test]
    fn two_or_zero_primaries_are_described_by_name() {
        assert_eq!(describe_problem(&contacts(&[(1, true), (2, false)])), None);
        assert_eq!(
            describe_problem(&contacts(&[(1, true), (2, true)])).unwrap(),
            "ConnectWise now has 2 primary contacts for this client: C1, C2."
        );
        assert_eq!(
            describe_problem(&contacts(&[(1, false)])).unwrap(),
            "ConnectWise now has no primary contact for this client."
        );
        assert_eq!(describe_problem(&[]), None);
    }
}
