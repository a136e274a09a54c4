//! Storing `final` for accepted notices whose counter-notice window has ended. Reads show them
//! as final from the deadline on; `settle` records the step (at the deadline), writes the audit
//! entry and tells both sides. The periodic `finalize_due` settles every due notice, and any
//! write on a due notice settles it first, so the timeline always holds the step. Each notice
//! is claimed with a conditional UPDATE, so several servers finalize it once.

use diesel::prelude::*;
use serde_json::json;

use super::model::{EventParty, NoticeRow, TakedownStatus, record_event};
use super::notify::{Whom, tell};
use super::view::FINAL_NOTE;
use crate::clock::now;
use crate::db::schema::takedown_notices;
use crate::db::{self, DbConnection};

/// Stores `final` for `row` if its window has ended and nobody stored it yet (call it inside a
/// transaction); `true` when this call did.
pub(crate) fn settle(conn: &mut DbConnection, row: &mut NoticeRow) -> QueryResult<bool> {
    let at = now();
    if row.stored_status() != TakedownStatus::Accepted || row.status_at(at) != TakedownStatus::Final
    {
        return Ok(false);
    }
    let deadline = row.counter_deadline.unwrap_or(at);
    let claimed = diesel::update(
        takedown_notices::table
            .find(&row.id)
            .filter(takedown_notices::status.eq("accepted")),
    )
    .set((
        takedown_notices::status.eq("final"),
        takedown_notices::closed_at.eq(deadline),
        takedown_notices::updated_at.eq(at),
    ))
    .execute(conn)?;
    if claimed == 0 {
        return Ok(false);
    }
    row.status = TakedownStatus::Final.as_str().to_owned();
    row.closed_at = Some(deadline);
    row.updated_at = at;
    record_event(
        conn,
        &row.id,
        deadline,
        None,
        EventParty::System,
        "final",
        FINAL_NOTE,
    )?;
    crate::audit::append(
        conn,
        crate::audit::Change {
            actor_id: None,
            action: "final",
            subject_type: "takedown",
            subject_id: &row.id,
            before: json!({"status": "accepted"}),
            after: json!({"status": "final", "counter_deadline": crate::ids::rfc3339(deadline)}),
            reason: FINAL_NOTE,
        },
    )?;
    tell(conn, row, Whom::Both, "final", FINAL_NOTE)?;
    Ok(true)
}

/// Finalizes every notice whose window has ended; returns how many.
pub fn finalize_due(conn: &mut DbConnection) -> QueryResult<usize> {
    let due: Vec<NoticeRow> = takedown_notices::table
        .filter(takedown_notices::status.eq("accepted"))
        .filter(takedown_notices::counter_deadline.le(now()))
        .order(takedown_notices::counter_deadline.asc())
        .limit(500)
        .select(NoticeRow::as_select())
        .load(conn)?;
    let mut done = 0;
    for mut row in due {
        if db::transaction(conn, |conn| settle(conn, &mut row))? {
            done += 1;
        }
    }
    Ok(done)
}
