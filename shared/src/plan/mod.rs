//! The pure logic that must not live in UI code, each part unit-tested without a browser:
//!
//! - [`bulk`]: which contacts a bulk update targets (all / primary / active), each field's value and the one
//!   CW call that writes it.
//! - [`bulk_job`]: the bulk job: preview, a rate-aware run that never writes a record twice, its journal
//!   (resumable after a reload), undo and CSV export.
//! - [`primary`]: changing a company's primary contact (set the new one first, then clear the old), what state
//!   CW is in when a step fails and how to fix it, and the read-back check.
//! - [`onboarding`]: the wizard's draft, its validation, and the run that creates company → site → contacts →
//!   agreement → ticket, feeding ids from one step into the next, stopping on the first failure and resumable.
//! - [`wizard`]: the wizard's page order.

pub mod bulk;
pub mod bulk_job;
pub mod onboarding;
pub mod primary;
pub mod wizard;

pub use bulk::{BulkChange, BulkError, BulkField, BulkFilter, FieldValue, LookupList};
pub use bulk_job::BulkJob;
pub use onboarding::{
    AgreementDraft, CompanyDraft, ContactDraft, DraftProblem, OnboardingDraft, OnboardingRun, OnboardingStep,
    OnboardingSummary, SiteDraft, StepOutcome, TicketDraft,
};
pub use primary::{
    PrimaryError, PrimaryFailure, PrimaryPlan, PrimaryState, PrimaryStep, check_primaries, fix_plan, plan_set_primary,
};
pub use wizard::WizardStep;
