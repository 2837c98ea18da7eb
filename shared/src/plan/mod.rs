//! The pure logic that must not live in UI code, each part unit-tested without a browser:
//!
//! - [`bulk`]: which contacts a bulk update targets (all / primary / active) and the patch for each; contacts
//!   already at the value are skipped and reported.
//! - [`primary`]: changing a company's primary contact (set the new one first, then clear the old), what state
//!   CW is in when a step fails and how to fix it, and the read-back check.
//! - [`onboarding`]: the wizard's draft, its validation, and the run that creates company → site → contacts →
//!   agreement → ticket, feeding ids from one step into the next, stopping on the first failure and resumable.
//! - [`wizard`]: the wizard's page order.

pub mod bulk;
pub mod onboarding;
pub mod primary;
pub mod wizard;

pub use bulk::{BulkChange, BulkError, BulkField, BulkFilter, BulkPlan, BulkValue, plan_bulk};
pub use onboarding::{
    AgreementDraft, CompanyDraft, ContactDraft, DraftProblem, OnboardingDraft, OnboardingRun, OnboardingStep,
    OnboardingSummary, SiteDraft, StepOutcome, TicketDraft,
};
pub use primary::{
    PrimaryError, PrimaryFailure, PrimaryPlan, PrimaryState, PrimaryStep, check_primaries, fix_plan, plan_set_primary,
};
pub use wizard::WizardStep;
