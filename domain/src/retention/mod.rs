//! Retention and data rights: a company leaves (its owner closes its account); its registration
//! records are kept for the retention period after it left (第十四条: at least two years; the
//! platform keeps `retention_years`, 3 by default), then `purge_due` anonymizes them. An account
//! holder exports their data and asks for erasure: personal data is removed, the records the law
//! requires (messages the other side holds, buy requests and the quotes on them, reports,
//! notices) stay with an anonymized author, and the account can no longer sign in.

mod calendar;
mod erasure;
mod error;
mod export;
mod leave;
mod purge;

pub use calendar::add_years;
pub use erasure::{ERASED_NAME, Erasure, erase_account};
pub use error::RetentionError;
pub use export::export_account;
pub use leave::{Closure, leave_company};
pub use purge::{PURGED_NAME, purge_due};
