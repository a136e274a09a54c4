//! Who hears of what happens in a thread (in-app notifications, each also an e-mail request
//! through the outbox, in the transaction of the event).

use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::model::{Inquiry, Side};
use crate::company::role_in;
use crate::db::DbConnection;
use crate::membership::managers;
use crate::notification::{NewNotification, NotificationKind, notify};

/// The company side of a thread: its assignee while they are still a member, otherwise the
/// owners and admins.
fn supplier_side(conn: &mut DbConnection, inquiry: &Inquiry) -> QueryResult<Vec<Uuid>> {
    if let Some(assignee) = inquiry.assigned_to
        && role_in(conn, inquiry.company_id, assignee)?.is_some()
    {
        return Ok(vec![assignee]);
    }
    managers(conn, inquiry.company_id)
}

fn excerpt(text: &str) -> String {
    let mut out: String = text.chars().take(140).collect();
    if text.chars().count() > 140 {
        out.push('…');
    }
    out
}

/// A new thread: to the company's owners and admins.
pub(crate) fn inquiry_received(
    conn: &mut DbConnection,
    inquiry: &Inquiry,
    buyer_name: &str,
    message: &str,
) -> QueryResult<()> {
    for user_id in managers(conn, inquiry.company_id)? {
        notify(
            conn,
            NewNotification {
                user_id,
                kind: NotificationKind::InquiryReceived,
                subject_type: "inquiry",
                subject_id: inquiry.id,
                payload: json!({
                    "inquiry_id": inquiry.id,
                    "company_id": inquiry.company_id,
                    "subject": inquiry.subject,
                    "buyer_name": buyer_name,
                    "excerpt": excerpt(message),
                }),
            },
        )?;
    }
    Ok(())
}

/// A thread was assigned to `assignee`: it is theirs now, as if it had just arrived.
pub(crate) fn inquiry_assigned(
    conn: &mut DbConnection,
    inquiry: &Inquiry,
    assignee: Uuid,
    buyer_name: &str,
) -> QueryResult<()> {
    notify(
        conn,
        NewNotification {
            user_id: assignee,
            kind: NotificationKind::InquiryReceived,
            subject_type: "inquiry",
            subject_id: inquiry.id,
            payload: json!({
                "inquiry_id": inquiry.id,
                "company_id": inquiry.company_id,
                "subject": inquiry.subject,
                "buyer_name": buyer_name,
                "assigned": true,
            }),
        },
    )?;
    Ok(())
}

/// A message: to the other side.
pub(crate) fn inquiry_message(
    conn: &mut DbConnection,
    inquiry: &Inquiry,
    from: Side,
    author_name: &str,
    body: &str,
) -> QueryResult<()> {
    let recipients = match from {
        Side::Buyer => supplier_side(conn, inquiry)?,
        Side::Supplier => vec![inquiry.buyer_id],
    };
    for user_id in recipients {
        notify(
            conn,
            NewNotification {
                user_id,
                kind: NotificationKind::InquiryMessage,
                subject_type: "inquiry",
                subject_id: inquiry.id,
                payload: json!({
                    "inquiry_id": inquiry.id,
                    "subject": inquiry.subject,
                    "from": author_name,
                    "from_side": from.as_str(),
                    "excerpt": excerpt(body),
                }),
            },
        )?;
    }
    Ok(())
}
