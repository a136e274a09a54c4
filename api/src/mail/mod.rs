//! Delivery of the e-mail outbox (`domain::email`): SMTP or `.eml` files, DKIM, the worker,
//! wake-ups, and the parser of bounce and complaint reports.

pub mod dkim;
pub mod dsn;
pub mod message;
mod smtp_pool;
pub mod transport;
mod waker;
pub mod worker;

pub use waker::MailWaker;
pub use worker::{MailWorker, MailWorkerHandle};
