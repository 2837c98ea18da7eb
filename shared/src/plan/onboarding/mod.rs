//! Onboarding a new client: the wizard's draft, its validation, and the run that creates the records.
//!
//! The run creates, in order and stopping at the first failure:
//!
//! 1. the company (`POST /company/companies`);
//! 2. its site (`POST /company/companies/{companyId}/sites`);
//! 3. each contact (`POST /company/contacts`, `company: {id: companyId}`; the primary one with `defaultFlag`);
//! 4. the agreement, if wanted (`POST /finance/agreements`; CW requires a contact: the primary contact's id);
//! 5. the ticket, if wanted (`POST /service/tickets`, for the company and its primary contact).
//!
//! Ids flow from each answer into the later bodies. After a failure, fix the draft and [`OnboardingRun::resume`]:
//! the run continues at the failed step and never re-creates what already exists.
//!
//! Where the product spec and real CW differ, the draft follows CW: the company's `types` are sent by name on
//! this POST (the only time CW accepts them); a contact's email goes in `communicationItems`; the site's state
//! is a `stateReference` by identifier; dates are sent as `yyyy-MM-ddT00:00:00Z`; a contact needs only a first
//! name. The company POST carries no `site`, so CW is not asked to create a second, address-less site.

mod draft;
mod preflight;
mod rollback;
mod run;
#[cfg(all(test, feature = "store"))]
mod store_tests;
#[cfg(test)]
mod tests;
mod verify;

pub use draft::*;
pub use preflight::*;
pub use rollback::*;
pub use run::*;
pub use verify::*;
