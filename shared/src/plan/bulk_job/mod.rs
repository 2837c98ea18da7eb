//! A bulk job: the plan (one record per targeted contact with its value before and after), a rate-aware
//! run that never writes a record twice, a journal that survives a reload, undo, and CSV export.
//!
//! - [`bucket`]: the token bucket (requests per minute) that a 429 slows down.
//! - [`job`]: the job as a state machine without I/O; its JSON is the journal.
//! - [`csv`]: the plan and results as CSV, safe to open in a spreadsheet.
//!
//! Time is always the driver's clock in milliseconds, so every rule is tested with a fake clock.

pub mod bucket;
pub mod csv;
pub mod job;
#[cfg(test)]
mod tests;

pub use bucket::{DEFAULT_RATE_PER_MIN, MAX_RATE_PER_MIN, MIN_RATE_PER_MIN, TokenBucket};
pub use csv::to_csv;
pub use job::{
    BulkJob, DEFAULT_IN_FLIGHT, JobKind, JobMeta, LogKind, LogRow, MAX_IN_FLIGHT, Phase, Purpose, Record, RecordState,
    Settings, Stats, Step, Summary, Ticket,
};
