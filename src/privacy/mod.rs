//! Privacy by design (issue 15). So far: [`redact`], which finds and masks citizen service
//! numbers, bank account numbers and card numbers in what residents and staff type.

pub mod redact;
