//! Privacy by design (issue 15). So far: [`redact`], which finds and masks citizen service
//! numbers, bank account numbers and card numbers in what residents and staff type, and
//! [`chain`], the access log's hash chain (tamper-evident, checked entry by entry).

pub mod chain;
pub mod redact;
