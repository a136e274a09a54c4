use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::model::{Notification, NotificationKind, NotificationRow};
use crate::access::Actor;
use crate::access::{AccountStatus, AccountType};
use crate::clock::now;
use crate::db::DbConnection;
use crate::db::schema::{notifications, users};
use crate::ids::new_id;
use crate::outbox::{self, topic};
use crate::paging::{Page, PageRequest};

/// What happened, to whom, about what; `payload` carries what the message shows (titles,
/// names) so neither the list nor the e-mail has to join back to the subject.
#[derive(Debug, Clone)]
pub struct NewNotification {
    pub user_id: Uuid,
    pub kind: NotificationKind,
    pub subject_type: &'static str,
    pub subject_id: Uuid,
    pub payload: serde_json::Value,
}

/// Records a notification and requests its e-mail; call it inside the transaction of the event.
/// A disabled or erased account (or one that does not exist) gets neither: `None`.
pub fn notify(conn: &mut DbConnection, n: NewNotification) -> QueryResult<Option<Uuid>> {
    let active: i64 = users::table
        .find(n.user_id.to_string())
        .filter(users::status.eq(AccountStatus::Active.as_str()))
        .count()
        .get_result(conn)?;
    if active == 0 {
        return Ok(None);
    }
    let id = new_id();
    let row = NotificationRow {
        id: id.to_string(),
        user_id: n.user_id.to_string(),
        kind: n.kind.as_str().to_owned(),
        subject_type: n.subject_type.to_owned(),
        subject_id: n.subject_id.to_string(),
        payload: n.payload.to_string(),
        read_at: None,
        created_at: now(),
    };
    diesel::insert_into(notifications::table)
        .values(&row)
        .execute(conn)?;
    outbox::emit(
        conn,
        topic::EMAIL_REQUESTED,
        id,
        json!({
            "notification_id": id,
            "user_id": n.user_id,
            "kind": n.kind.as_str(),
            "subject_type": n.subject_type,
            "subject_id": n.subject_id,
            "data": n.payload,
        }),
    )?;
    Ok(Some(id))
}

/// Tells every active operator, once each, that something new waits for them (`event`:
/// `takedown_notice`, `counter_notice` or `appeal`), in the caller's transaction. Returns how
/// many were told.
pub(crate) fn notify_operators(
    conn: &mut DbConnection,
    event: &str,
    subject_type: &'static str,
    subject_id: Uuid,
    mut payload: serde_json::Value,
) -> QueryResult<usize> {
    let operators: Vec<String> = users::table
        .filter(users::account_type.eq(AccountType::Operator.as_str()))
        .filter(users::status.eq(AccountStatus::Active.as_str()))
        .order(users::id.asc())
        .select(users::id)
        .load(conn)?;
    payload["event"] = json!(event);
    for user in &operators {
        notify(
            conn,
            NewNotification {
                user_id: crate::ids::parse_db_id(user),
                kind: NotificationKind::OperatorTask,
                subject_type,
                subject_id,
                payload: payload.clone(),
            },
        )?;
    }
    Ok(operators.len())
}

/// The actor's notifications, newest first, and how many are unread in all.
pub fn list_notifications(
    conn: &mut DbConnection,
    actor: &Actor,
    unread_only: bool,
    page: &PageRequest,
) -> QueryResult<(Page<Notification>, i64)> {
    let user = actor.user_id.to_string();
    let mut query = notifications::table
        .filter(notifications::user_id.eq(&user))
        .order(notifications::id.desc())
        .limit(page.limit + 1)
        .select(NotificationRow::as_select())
        .into_boxed();
    if unread_only {
        query = query.filter(notifications::read_at.is_null());
    }
    if let Some(after) = &page.after {
        query = query.filter(notifications::id.lt(after.clone()));
    }
    let rows = query.load(conn)?;
    let unread = notifications::table
        .filter(notifications::user_id.eq(&user))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)?;
    let page = page.page(rows.into_iter().map(Notification::from).collect(), |n| {
        n.id.to_string()
    });
    Ok((page, unread))
}

/// Marks one of the actor's notifications read; `false` when the actor has no such notification.
pub fn mark_read(conn: &mut DbConnection, actor: &Actor, id: Uuid) -> QueryResult<bool> {
    let mine = || {
        notifications::table
            .filter(notifications::id.eq(id.to_string()))
            .filter(notifications::user_id.eq(actor.user_id.to_string()))
    };
    let exists: i64 = mine().count().get_result(conn)?;
    diesel::update(mine().filter(notifications::read_at.is_null()))
        .set(notifications::read_at.eq(now()))
        .execute(conn)?;
    Ok(exists > 0)
}

/// Marks every notification of the actor read; returns how many changed.
pub fn mark_all_read(conn: &mut DbConnection, actor: &Actor) -> QueryResult<usize> {
    diesel::update(
        notifications::table
            .filter(notifications::user_id.eq(actor.user_id.to_string()))
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(now()))
    .execute(conn)
}
