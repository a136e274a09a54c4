//! Sending one message of the e-mail outbox (`domain::email`): building it, DKIM, the
//! transport (an SMTP relay through a small session pool, or `.eml` files), and the parser of
//! the bounce and complaint reports (DSN) relays send back. The loop that drives these, the
//! mail worker, is background work (`background::mail_worker`).

pub mod dkim;
pub mod dsn;
pub mod message;
mod pool;
pub mod transport;
