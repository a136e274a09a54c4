//! In-app notifications. Creating one also requests its e-mail through the outbox, in the same
//! transaction as the event that caused it, so the lead e-mail worker delivers exactly the
//! notifications that were committed.

mod model;
mod service;

pub use model::{Notification, NotificationKind};
pub(crate) use service::notify_operators;
pub use service::{NewNotification, list_notifications, mark_all_read, mark_read, notify};
