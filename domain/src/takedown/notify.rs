//! Telling the two sides of a case about a step.

use diesel::prelude::*;
use serde_json::json;

use super::model::NoticeRow;
use crate::db::DbConnection;
use crate::ids::parse_db_id;
use crate::notification::{NewNotification, NotificationKind, notify};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Whom {
    Notifier,
    Both,
}

pub(crate) fn tell(
    conn: &mut DbConnection,
    row: &NoticeRow,
    whom: Whom,
    step: &str,
    note: &str,
) -> QueryResult<()> {
    let payload = json!({
        "step": step,
        "note": note,
        "subject_type": row.subject_type,
        "subject_id": row.subject_id,
        "status": row.status,
        "counter_deadline": row.counter_deadline.map(crate::ids::rfc3339),
    });
    let id = parse_db_id(&row.id);
    if matches!(whom, Whom::Notifier | Whom::Both) {
        notify(
            conn,
            NewNotification {
                user_id: parse_db_id(&row.notifier_id),
                kind: NotificationKind::TakedownUpdate,
                subject_type: "takedown",
                subject_id: id,
                payload: payload.clone(),
            },
        )?;
    }
    if whom == Whom::Both {
        crate::enforcement::tell_owner(
            conn,
            &row.owner(),
            NotificationKind::TakedownUpdate,
            "takedown",
            id,
            payload,
        )?;
    }
    Ok(())
}
