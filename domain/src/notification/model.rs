use diesel::prelude::*;
use time::PrimitiveDateTime;
use uuid::Uuid;

use crate::db::schema::notifications;
use crate::enums::from_db;
use crate::ids::parse_db_id;

crate::text_enum! {
    pub enum NotificationKind {
        /// A buyer opened an inquiry thread with the company (to its members).
        InquiryReceived => "inquiry_received",
        /// A new message in a thread (to the other side).
        InquiryMessage => "inquiry_message",
        /// A supplier quoted on a buy request (to its owner).
        QuoteReceived => "quote_received",
        /// The buyer accepted the company's quote (to the quoting company's members).
        QuoteAccepted => "quote_accepted",
        /// The buyer accepted another company's quote (to the other bidders).
        QuoteNotChosen => "quote_not_chosen",
        /// An open listing ends soon (to its owner).
        ListingExpiring => "listing_expiring",
        /// The company's business licence ends soon (to its owners and admins).
        LicenceExpiring => "licence_expiring",
        /// The company's business licence has expired (to its owners and admins).
        LicenceExpired => "licence_expired",
        /// An operator recorded penalty points against the company (to its owners and admins).
        PenaltyRecorded => "penalty_recorded",
        /// The company's penalty level changed: warned, restricted, suspended or eased (to its
        /// owners and admins).
        PenaltyLevelChanged => "penalty_level_changed",
        /// An operator decided a review item: approved, rejected or changes requested (to the
        /// item's owners; for a report, to the reporter).
        ReviewDecision => "review_decision",
        /// An operator hid an item, warned, suspended or terminated the company, or reversed
        /// such a measure (to the company's owners and admins, or the individual owner).
        EnforcementAction => "enforcement_action",
        /// A step of an IP takedown case (to the notifier and, once served, the owner's side).
        TakedownUpdate => "takedown_update",
        /// An operator decided an appeal (to the company's owners and admins, or the owner).
        AppealDecided => "appeal_decided",
        /// Something new waits for an operator's decision outside the review queue: an IP
        /// takedown notice, a counter-notice or an appeal (to every active operator, once per
        /// event).
        OperatorTask => "operator_task",
    }
}

#[derive(Debug, Clone)]
pub struct Notification {
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: NotificationKind,
    pub subject_type: String,
    pub subject_id: Uuid,
    pub payload: serde_json::Value,
    pub read_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = notifications)]
pub(crate) struct NotificationRow {
    pub id: String,
    pub user_id: String,
    pub kind: String,
    pub subject_type: String,
    pub subject_id: String,
    pub payload: String,
    pub read_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
}

impl From<NotificationRow> for Notification {
    fn from(r: NotificationRow) -> Notification {
        Notification {
            id: parse_db_id(&r.id),
            user_id: parse_db_id(&r.user_id),
            kind: from_db(
                &r.kind,
                NotificationKind::parse,
                NotificationKind::InquiryMessage,
            ),
            subject_type: r.subject_type,
            subject_id: parse_db_id(&r.subject_id),
            payload: serde_json::from_str(&r.payload).unwrap_or(serde_json::Value::Null),
            read_at: r.read_at,
            created_at: r.created_at,
        }
    }
}
