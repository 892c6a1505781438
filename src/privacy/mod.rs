//! Privacy by design (issue 15): what Loket keeps, for how long, and who looked.
//!
//! - [`redact`]: finds and masks citizen service numbers, bank account numbers and card
//!   numbers in what residents and staff type (the hub masks every text before it is
//!   stored or shown).
//! - [`retention`]: the retention terms, when the daily purge runs, and the sentences that
//!   say what a purge removes. The purge itself is one executor in the store
//!   (`store/privacy.rs`), used by the daily run, `loket privacy purge` and erasure.
//! - [`chain`]: the access log's hash chain (tamper-evident, checked entry by entry).
//!
//! Everything here is pure: text and time in, answers out.

pub mod chain;
pub mod redact;
pub mod retention;
