//! Changing a company's primary contact.
//!
//! In CW the primary contact is `defaultFlag` on the contact (mirrored by `defaultContact` on the company).
//! CW does not do the change atomically, so the console sends one PATCH per contact, in an order chosen so
//! that a failure never leaves the company *without* a primary:
//!
//! 1. set `defaultFlag = true` on the new primary;
//! 2. then set `defaultFlag = false` on each old primary.
//!
//! If step 1 fails nothing changed. If a step 2 fails the company has two primaries; [`PrimaryPlan::after_failure`]
//! says so and gives the remaining steps to retry. Afterwards, re-read the contacts and [`check_primaries`]
//! (some CW versions clear the old flag themselves, which is harmless: the explicit clear is then a no-op).

use serde_json::Value;
use std::fmt;

use crate::api::{Call, patch_contact};
use crate::ids::ContactId;
use crate::model::Contact;
use crate::patch::{Patch, PatchOp};

/// One PATCH of the change.
#[derive(Debug, Clone, PartialEq)]
pub enum PrimaryStep {
    /// `defaultFlag = true` on the new primary.
    SetNew {
        /// The new primary.
        contact: ContactId,
        /// Its name, for messages.
        name: String,
    },
    /// `defaultFlag = false` on a previous primary.
    ClearOld {
        /// The previous primary.
        contact: ContactId,
        /// Its name, for messages.
        name: String,
    },
}

impl PrimaryStep {
    /// The contact the step patches.
    pub fn contact(&self) -> ContactId {
        match self {
            PrimaryStep::SetNew { contact, .. } | PrimaryStep::ClearOld { contact, .. } => *contact,
        }
    }

    /// The patch: `[{"op":"replace","path":"defaultFlag","value":true|false}]`.
    pub fn ops(&self) -> Vec<PatchOp> {
        let value = matches!(self, PrimaryStep::SetNew { .. });
        Patch::new().replace("defaultFlag", Value::Bool(value)).into_ops()
    }

    /// The call to make.
    pub fn call(&self) -> Call<Contact> {
        patch_contact(self.contact(), &self.ops())
    }

    /// What the step does, for the progress log.
    pub fn describe(&self) -> String {
        match self {
            PrimaryStep::SetNew { name, .. } => format!("Mark {name} as primary"),
            PrimaryStep::ClearOld { name, .. } => format!("Remove the primary mark from {name}"),
        }
    }
}

/// Why a primary change cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrimaryError {
    /// The chosen contact is not among the company's contacts.
    NotAContactOfTheCompany(ContactId),
}

impl fmt::Display for PrimaryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrimaryError::NotAContactOfTheCompany(id) => {
                write!(f, "Contact {id} is not one of this company's contacts; reload the contacts and try again.")
            }
        }
    }
}

impl std::error::Error for PrimaryError {}

/// The ordered steps of a primary change.
#[derive(Debug, Clone, PartialEq)]
pub struct PrimaryPlan {
    /// The contact that will be primary.
    pub new: ContactId,
    /// The contacts that were primary before (usually one; several if CW was already inconsistent).
    pub old: Vec<ContactId>,
    /// The PATCHes, in order: set the new first, then clear each old one. Empty when nothing needs to change.
    pub steps: Vec<PrimaryStep>,
}

/// What state CW is in after a step failed, and what to do.
#[derive(Debug, Clone, PartialEq)]
pub struct PrimaryFailure {
    /// The state, in words ("Nothing changed: …" / "… the company now has two primary contacts").
    pub state: String,
    /// The fix, in words.
    pub fix: String,
    /// The steps still to run (the failed one first) to finish the change; run them to retry.
    pub retry: Vec<PrimaryStep>,
}

impl PrimaryPlan {
    /// True when the contact is already the only primary.
    pub fn is_noop(&self) -> bool {
        self.steps.is_empty()
    }

    /// The state CW is in when step `failed` (0-based index into [`PrimaryPlan::steps`]) failed, with the fix.
    pub fn after_failure(&self, failed: usize) -> PrimaryFailure {
        let retry = self.steps.get(failed..).unwrap_or_default().to_vec();
        let new_name = self
            .steps
            .iter()
            .find_map(|s| match s {
                PrimaryStep::SetNew { name, .. } => Some(name.clone()),
                _ => None,
            })
            .unwrap_or_else(|| format!("contact {}", self.new));
        match self.steps.get(failed) {
            Some(PrimaryStep::SetNew { name, .. }) => PrimaryFailure {
                state: format!("Nothing changed: {name} was not made primary and the previous primary is unchanged."),
                fix: "Fix the problem ConnectWise reported (see the error), then try again.".into(),
                retry,
            },
            Some(PrimaryStep::ClearOld { name, .. }) => PrimaryFailure {
                state: format!(
                    "{new_name} is now primary, but {name} is still marked primary too: the company has two primary \
                     contacts."
                ),
                fix: format!("Retry removing the primary mark from {name} (PATCH defaultFlag=false on that contact)."),
                retry,
            },
            None => PrimaryFailure {
                state: "Every step succeeded.".into(),
                fix: "Re-read the contacts to confirm.".into(),
                retry: Vec::new(),
            },
        }
    }

    /// True when the read-back contacts show exactly the intended primary.
    pub fn verify(&self, contacts_after: &[Contact]) -> bool {
        check_primaries(contacts_after) == PrimaryState::One(self.new)
    }
}

/// Plans making `new` the primary contact of the company whose contacts are given.
///
/// Steps: `SetNew` unless `new` already has `defaultFlag`, then one `ClearOld` per other contact that has it.
pub fn plan_set_primary(contacts_of_company: &[Contact], new: ContactId) -> Result<PrimaryPlan, PrimaryError> {
    let chosen = contacts_of_company.iter().find(|c| c.id == new).ok_or(PrimaryError::NotAContactOfTheCompany(new))?;
    let old: Vec<&Contact> = contacts_of_company.iter().filter(|c| c.default_flag && c.id != new).collect();
    let mut steps = Vec::new();
    if !chosen.default_flag {
        steps.push(PrimaryStep::SetNew { contact: new, name: chosen.full_name() });
    }
    steps.extend(old.iter().map(|c| PrimaryStep::ClearOld { contact: c.id, name: c.full_name() }));
    Ok(PrimaryPlan { new, old: old.iter().map(|c| c.id).collect(), steps })
}

/// How many primaries a company has, from its contacts as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrimaryState {
    /// Exactly one: all is well.
    One(ContactId),
    /// None at all.
    Missing,
    /// More than one (what a failed second PATCH leaves behind).
    Several(Vec<ContactId>),
}

/// Counts the contacts with `defaultFlag`.
pub fn check_primaries(contacts: &[Contact]) -> PrimaryState {
    let primaries: Vec<ContactId> = contacts.iter().filter(|c| c.default_flag).map(|c| c.id).collect();
    match primaries.as_slice() {
        [] => PrimaryState::Missing,
        [one] => PrimaryState::One(*one),
        _ => PrimaryState::Several(primaries),
    }
}

/// The plan that repairs a company to have exactly `keep` as its primary: for [`PrimaryState::Several`] it
/// clears every other one, for [`PrimaryState::Missing`] it sets `keep`. It is [`plan_set_primary`], named for
/// the read-back case.
pub fn fix_plan(contacts: &[Contact], keep: ContactId) -> Result<PrimaryPlan, PrimaryError> {
    plan_set_primary(contacts, keep)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patch::to_json;
    use serde_json::json;

    fn contacts(primaries: &[i32]) -> Vec<Contact> {
        (1..=4)
            .map(|id| {
                serde_json::from_value(json!({"id": id, "firstName": format!("C{id}"), "lastName": "X",
                    "defaultFlag": primaries.contains(&id)}))
                .unwrap()
            })
            .collect()
    }

    #[test]
    fn the_new_primary_is_set_before_the_old_is_cleared() {
        let plan = plan_set_primary(&contacts(&[1]), ContactId(3)).unwrap();
        assert_eq!(plan.old, vec![ContactId(1)]);
        assert_eq!(
            plan.steps,
            vec![
                PrimaryStep::SetNew { contact: ContactId(3), name: "C3 X".into() },
                PrimaryStep::ClearOld { contact: ContactId(1), name: "C1 X".into() },
            ]
        );
        let first = plan.steps[0].call().request;
        assert_eq!(first.path, "/company/contacts/3");
        assert_eq!(first.body.as_deref(), Some(r#"[{"op":"replace","path":"defaultFlag","value":true}]"#));
        assert_eq!(to_json(&plan.steps[1].ops()), r#"[{"op":"replace","path":"defaultFlag","value":false}]"#);
    }

    #[test]
    fn no_steps_when_already_primary_and_only_clears_when_several() {
        assert!(plan_set_primary(&contacts(&[2]), ContactId(2)).unwrap().is_noop());
        let plan = plan_set_primary(&contacts(&[2, 4]), ContactId(2)).unwrap();
        assert_eq!(plan.steps, vec![PrimaryStep::ClearOld { contact: ContactId(4), name: "C4 X".into() }]);
        let plan = plan_set_primary(&contacts(&[]), ContactId(2)).unwrap();
        assert_eq!(plan.steps.len(), 1);
        assert!(plan.old.is_empty());
        assert_eq!(
            plan_set_primary(&contacts(&[]), ContactId(9)),
            Err(PrimaryError::NotAContactOfTheCompany(ContactId(9)))
        );
    }

    #[test]
    fn after_failure_tells_the_state_and_the_fix() {
        let plan = plan_set_primary(&contacts(&[1]), ContactId(3)).unwrap();
        let first = plan.after_failure(0);
        assert!(first.state.starts_with("Nothing changed"));
        assert_eq!(first.retry, plan.steps);

        let second = plan.after_failure(1);
        assert_eq!(
            second.state,
            "C3 X is now primary, but C1 X is still marked primary too: the company has two primary contacts."
        );
        assert!(second.fix.contains("C1 X"));
        assert_eq!(second.retry, vec![PrimaryStep::ClearOld { contact: ContactId(1), name: "C1 X".into() }]);
    }

    #[test]
    fn read_back_is_checked_and_repaired() {
        assert_eq!(check_primaries(&contacts(&[3])), PrimaryState::One(ContactId(3)));
        assert_eq!(check_primaries(&contacts(&[])), PrimaryState::Missing);
        assert_eq!(check_primaries(&contacts(&[1, 3])), PrimaryState::Several(vec![ContactId(1), ContactId(3)]));

        let plan = plan_set_primary(&contacts(&[1]), ContactId(3)).unwrap();
        assert!(plan.verify(&contacts(&[3])));
        assert!(!plan.verify(&contacts(&[1, 3])));

        let fix = fix_plan(&contacts(&[1, 3]), ContactId(3)).unwrap();
        assert_eq!(fix.steps, vec![PrimaryStep::ClearOld { contact: ContactId(1), name: "C1 X".into() }]);
    }
}
