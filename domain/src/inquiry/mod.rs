//! Inquiries (询盘): a buyer writes to up to 10 companies at once about a product, a sell offer
//! or a storefront; each company gets its own thread. Anti-spam rules, blocked buyers and the
//! companies' response metrics live here too.

mod block;
mod create;
mod error;
mod input;
mod list;
pub mod metrics;
mod model;
mod notify;
mod spam;
mod targets;
mod thread;
mod view;

pub use block::{BlockedBuyer, block_buyer, list_blocked_buyers, unblock_buyer};
pub use create::{CreatedInquiries, create_inquiries};
pub use error::{InquiryError, SpamRule};
pub use input::{
    MAX_ATTACHMENTS, MAX_MESSAGE_CHARS, MAX_SUBJECT_CHARS, MAX_TARGETS, MessageInput, NewInquiry,
    TargetInput, content_hash, normalize_message,
};
pub use list::{InboxQuery, InboxSide, UnreadCounts, list_inquiries, unread_counts};
pub use metrics::{ResponseMetrics, response_metrics, response_metrics_of};
pub use model::{Inquiry, InquiryStatus, Message, Side, SubjectType};
pub use spam::{SPAM_WINDOW, SpamLimits};
pub use thread::{assign_inquiry, close_inquiry, get_inquiry, mark_read, mark_spam, post_message};
pub(crate) use thread::{can_view, open as open_thread};
pub use view::{InquiryThread, InquiryView, Viewer};

/// Attaches a message's files: uploads (purpose `attachment`) of the author or, on the
/// supplier side, of a member of the company.
pub(crate) fn attach_files(
    conn: &mut crate::db::DbConnection,
    actor: &crate::Actor,
    company: Option<uuid::Uuid>,
    message_id: uuid::Uuid,
    ids: &[String],
) -> Result<(), InquiryError> {
    use crate::media::MediaError;
    let ids: Vec<uuid::Uuid> = ids.iter().filter_map(|s| s.parse().ok()).collect();
    let target = crate::media::Target::InquiryMessage(message_id);
    crate::media::attach(conn, actor.user_id, company, target, "attachments", &ids).map_err(|e| {
        match e {
            MediaError::Validation(f) => InquiryError::Validation(f),
            MediaError::Database(e) => InquiryError::Database(e),
            _ => InquiryError::NotFound,
        }
    })
}
