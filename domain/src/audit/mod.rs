//! The audit log: every operator action and moderation state change, appended in the same
//! transaction as the change, hash-chained so that an edited or removed entry is detected.

mod chain;
mod service;

pub use chain::{Broken, verify};
pub use service::{AuditEntry, AuditFilter, Change, append, list};
