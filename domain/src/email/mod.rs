//! The e-mail outbox and what every message needs: jobs written in the transaction of the event
//! that causes them, and signed links that work without signing in. Sending is not done here
//! (the `api` crate's mail worker moves jobs forward); composition of lead mail lives in
//! `leadmail`.

mod job;
mod link;

pub use job::{EmailCategory, NewEmail, enqueue, enqueue_with_id, message_id_for};
pub use link::{LinkError, LinkPurpose, LinkToken, link_key, sign_link, verify_link};
