//! Reading cases: the notifier and operators from filing on, the owner's side once served;
//! anyone else gets 404, as for a case that does not exist.

use diesel::prelude::*;
use uuid::Uuid;

use super::TakedownError;
use super::model::{EventParty, Notice, NoticeRow, TakedownStatus, TimelineEvent, events_of};
use crate::access::{
    Actor, CaseAction, OwnerSide, PlatformAction, TakedownParty, may_on_platform, may_on_takedown,
    takedown_party,
};
use crate::clock::now;
use crate::db::schema::takedown_notices;
use crate::db::{DbConnection, MultiBackend};
use crate::error::FieldError;
use crate::ids::parse_db_id;
use crate::paging::{Page, PageRequest};

/// A case with its timeline, oldest step first.
#[derive(Debug, Clone)]
pub struct NoticeCase {
    pub notice: Notice,
    pub timeline: Vec<TimelineEvent>,
}

/// How `actor` stands to the item owner of a notice.
pub fn owner_side(
    conn: &mut DbConnection,
    actor: &Actor,
    row_company: Option<Uuid>,
    row_owner: Option<Uuid>,
) -> QueryResult<OwnerSide> {
    crate::enforcement::side_of(
        conn,
        actor,
        &crate::enforcement::ItemOwner {
            company_id: row_company,
            owner_id: row_owner,
        },
    )
}

pub(crate) fn party_of(
    conn: &mut DbConnection,
    actor: &Actor,
    row: &NoticeRow,
) -> QueryResult<TakedownParty> {
    let owner = row.owner();
    let side = owner_side(conn, actor, owner.company_id, owner.owner_id)?;
    Ok(takedown_party(actor, parse_db_id(&row.notifier_id), side))
}

fn load(conn: &mut DbConnection, id: Uuid) -> QueryResult<Option<NoticeRow>> {
    takedown_notices::table
        .find(id.to_string())
        .select(NoticeRow::as_select())
        .first(conn)
        .optional()
}

/// The case and its timeline. A window that ended without a counter-notice shows as a `final`
/// step at the deadline, whether or not the periodic job has stored it yet.
pub fn get_case(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<NoticeCase, TakedownError> {
    let row = load(conn, id)?.ok_or(TakedownError::NotFound)?;
    let at = now();
    let party = party_of(conn, actor, &row)?;
    if !may_on_takedown(actor, party, CaseAction::View, row.status_at(at).served()) {
        return Err(TakedownError::NotFound);
    }
    let mut timeline = events_of(conn, &row.id)?;
    let stored = row.stored_status();
    let notice = row.notice_at(at);
    if stored == TakedownStatus::Accepted && notice.status == TakedownStatus::Final {
        timeline.push(TimelineEvent {
            at: notice.counter_deadline.unwrap_or(at),
            party: EventParty::System,
            kind: "final".into(),
            note: FINAL_NOTE.into(),
        });
    }
    Ok(NoticeCase { notice, timeline })
}

pub(crate) const FINAL_NOTE: &str = "no counter-notice within the window: the takedown is final";

fn page_of(
    mut query: takedown_notices::BoxedQuery<'static, MultiBackend>,
    page: &PageRequest,
    conn: &mut DbConnection,
) -> QueryResult<Page<Notice>> {
    if let Some(after) = &page.after {
        query = query.filter(takedown_notices::id.lt(after.clone()));
    }
    let rows: Vec<NoticeRow> = query
        .order(takedown_notices::id.desc())
        .limit(page.limit + 1)
        .select(NoticeRow::as_select())
        .load(conn)?;
    let at = now();
    Ok(
        page.page(rows.into_iter().map(|r| r.notice_at(at)).collect(), |n| {
            n.id.to_string()
        }),
    )
}

const NOT_SERVED: [&str; 2] = ["submitted", "rejected"];

/// The cases the actor filed and the served cases against their company (or their own buy
/// requests), newest first.
pub fn list_mine(
    conn: &mut DbConnection,
    actor: &Actor,
    page: &PageRequest,
) -> Result<Page<Notice>, TakedownError> {
    let me = actor.user_id.to_string();
    let company = crate::company::membership_of(conn, actor.user_id)?.map(|(c, _)| c.to_string());
    let against_me = takedown_notices::owner_id
        .eq(me.clone())
        .or(takedown_notices::company_id.eq(company.unwrap_or_default()));
    let query = takedown_notices::table
        .filter(
            takedown_notices::notifier_id
                .eq(me)
                .or(against_me.and(takedown_notices::status.ne_all(NOT_SERVED))),
        )
        .into_boxed();
    Ok(page_of(query, page, conn)?)
}

/// Operators: every case, newest first, by status as of now (`final` includes accepted notices
/// whose window has ended; `accepted` only those still within it).
pub fn list_notices(
    conn: &mut DbConnection,
    actor: &Actor,
    status: Option<&str>,
    page: &PageRequest,
) -> Result<Page<Notice>, TakedownError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(TakedownError::Forbidden);
    }
    let mut query = takedown_notices::table.into_boxed();
    if let Some(status) = status.filter(|s| !s.is_empty()) {
        let Some(status) = TakedownStatus::parse(status) else {
            return Err(TakedownError::Validation(vec![FieldError::new(
                "status",
                "invalid_choice",
                format!("must be one of: {}", TakedownStatus::names()),
            )]));
        };
        let at = now();
        query = match status {
            TakedownStatus::Final => query.filter(
                takedown_notices::status
                    .eq("final")
                    .or(takedown_notices::status
                        .eq("accepted")
                        .and(takedown_notices::counter_deadline.le(at))),
            ),
            TakedownStatus::Accepted => query
                .filter(takedown_notices::status.eq("accepted"))
                .filter(takedown_notices::counter_deadline.gt(at)),
            other => query.filter(takedown_notices::status.eq(other.as_str())),
        };
    }
    Ok(page_of(query, page, conn)?)
}
