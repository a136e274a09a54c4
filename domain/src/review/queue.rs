//! The queue's one table: an item is opened in the transaction that puts something up for
//! review and closed in the one that decides it, so the queue can neither miss an item nor
//! show a decided one. Listing it is then one indexed query with every filter in SQL.

use diesel::prelude::*;
use uuid::Uuid;

use super::ReviewError;
use super::model::{
    ClaimFilter, ItemStatus, Outcome, ReviewItem, ReviewItemRow, ReviewKind, Risk, risk_of,
};
use crate::access::{Actor, PlatformAction, may_on_platform};
use crate::clock::now;
use crate::db::DbConnection;
use crate::db::schema::{categories, companies, reports, review_items, screening_results};
use crate::error::FieldError;
use crate::ids::new_id;
use crate::paging::{Page, PageRequest};

/// Something that waits for an operator, as the queue shows it.
#[derive(Debug, Clone)]
pub(crate) struct Waiting<'a> {
    pub kind: ReviewKind,
    pub subject_id: &'a str,
    pub target_type: &'a str,
    pub target_id: &'a str,
    pub company_id: Option<&'a str>,
    pub owner_id: Option<&'a str>,
    pub category_id: Option<&'a str>,
    pub title: &'a str,
}

/// Which stored screening outcome an item's risk reads: a change request's own (its proposed
/// text), otherwise the target's.
fn screened(kind: &str, subject_id: &str, target_type: &str, target_id: &str) -> (String, String) {
    if kind == ReviewKind::ChangeRequest.as_str() {
        ("change_request".into(), subject_id.into())
    } else {
        (target_type.into(), target_id.into())
    }
}

fn screening_outcome(
    conn: &mut DbConnection,
    subject_type: &str,
    subject_id: &str,
) -> QueryResult<String> {
    let outcome: Option<String> = screening_results::table
        .filter(screening_results::subject_type.eq(subject_type))
        .filter(screening_results::subject_id.eq(subject_id))
        .select(screening_results::outcome)
        .first(conn)
        .optional()?;
    Ok(outcome.unwrap_or_else(|| "none".into()))
}

fn open_reports(conn: &mut DbConnection, target_type: &str, target_id: &str) -> QueryResult<i64> {
    reports::table
        .filter(reports::subject_type.eq(target_type))
        .filter(reports::subject_id.eq(target_id))
        .filter(reports::status.eq("open"))
        .count()
        .get_result(conn)
}

/// Screening outcome, open reports and risk of an item, read now.
fn assess(
    conn: &mut DbConnection,
    kind: &str,
    subject_id: &str,
    target_type: &str,
    target_id: &str,
) -> QueryResult<(String, i32, Risk)> {
    let (st, sid) = screened(kind, subject_id, target_type, target_id);
    let screening = screening_outcome(conn, &st, &sid)?;
    let reports = open_reports(conn, target_type, target_id)?;
    let risk = risk_of(&screening, reports);
    Ok((screening, i32::try_from(reports).unwrap_or(i32::MAX), risk))
}

pub(crate) fn open_item(
    conn: &mut DbConnection,
    kind: ReviewKind,
    subject_id: &str,
) -> QueryResult<Option<ReviewItemRow>> {
    review_items::table
        .filter(review_items::kind.eq(kind.as_str()))
        .filter(review_items::subject_id.eq(subject_id))
        .filter(review_items::status.eq(ItemStatus::Open.as_str()))
        .select(ReviewItemRow::as_select())
        .first(conn)
        .optional()
}

/// Whether the company is down (suspended, terminated or closed): its items do not wait for an
/// operator meanwhile (`hooks::company_down`).
pub(crate) fn company_inactive(conn: &mut DbConnection, company_id: &str) -> QueryResult<bool> {
    let suspended: Option<Option<time::PrimitiveDateTime>> = companies::table
        .find(company_id)
        .select(companies::suspended_at)
        .first(conn)
        .optional()?;
    Ok(suspended.flatten().is_some())
}

/// Makes sure the subject has an open item (a new one when it enters the queue, e.g. again
/// after changes were requested), with what it shows and its risk brought up to date. Nothing
/// of a company that is down enters the queue (reports aside: the reporter still gets an
/// answer); reinstatement puts it back (`hooks::company_back`).
pub(crate) fn ensure_open(conn: &mut DbConnection, w: &Waiting<'_>) -> QueryResult<()> {
    if w.kind != ReviewKind::Report
        && let Some(company) = w.company_id
        && company_inactive(conn, company)?
    {
        return Ok(());
    }
    let (screening, reports, risk) = assess(
        conn,
        w.kind.as_str(),
        w.subject_id,
        w.target_type,
        w.target_id,
    )?;
    match open_item(conn, w.kind, w.subject_id)? {
        Some(row) => {
            diesel::update(review_items::table.find(&row.id))
                .set((
                    review_items::company_id.eq(w.company_id),
                    review_items::owner_id.eq(w.owner_id),
                    review_items::category_id.eq(w.category_id),
                    review_items::title.eq(w.title),
                    review_items::screening.eq(&screening),
                    review_items::open_reports.eq(reports),
                    review_items::risk.eq(risk.as_str()),
                ))
                .execute(conn)?;
        }
        None => {
            let row = ReviewItemRow {
                id: new_id().to_string(),
                kind: w.kind.as_str().to_owned(),
                subject_id: w.subject_id.to_owned(),
                target_type: w.target_type.to_owned(),
                target_id: w.target_id.to_owned(),
                company_id: w.company_id.map(str::to_owned),
                owner_id: w.owner_id.map(str::to_owned),
                category_id: w.category_id.map(str::to_owned),
                title: w.title.to_owned(),
                screening,
                open_reports: reports,
                risk: risk.as_str().to_owned(),
                status: ItemStatus::Open.as_str().to_owned(),
                entered_at: now(),
                claimed_by: None,
                claimed_until: None,
                outcome: None,
                reason_code: None,
                note: None,
                decided_by: None,
                closed_at: None,
            };
            diesel::insert_into(review_items::table)
                .values(&row)
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Closes the subject's open item, if it has one, without an operator (the operator's own
/// decisions close the item themselves first, with who and why).
pub(crate) fn close_open(
    conn: &mut DbConnection,
    kind: ReviewKind,
    subject_id: &str,
    outcome: Outcome,
    note: Option<&str>,
) -> QueryResult<()> {
    let open = review_items::table
        .filter(review_items::kind.eq(kind.as_str()))
        .filter(review_items::subject_id.eq(subject_id))
        .filter(review_items::status.eq(ItemStatus::Open.as_str()));
    let closing: Vec<ReviewItemRow> = open.select(ReviewItemRow::as_select()).load(conn)?;
    if closing.is_empty() {
        return Ok(());
    }
    diesel::update(open)
        .set((
            review_items::status.eq(ItemStatus::Closed.as_str()),
            review_items::outcome.eq(outcome.as_str()),
            review_items::note.eq(note),
            review_items::closed_at.eq(now()),
            review_items::claimed_by.eq(None::<String>),
            review_items::claimed_until.eq(None::<time::PrimitiveDateTime>),
        ))
        .execute(conn)?;
    // An item still open here was decided outside the queue (an operator's per-item route):
    // the queue's own decision closes its item first and tells the owners itself. The owners
    // hear of this one the same way; a withdrawal is their own doing.
    if matches!(
        outcome,
        Outcome::Approved | Outcome::Rejected | Outcome::ChangesRequested
    ) {
        for row in closing {
            super::decide::tell_owners(conn, &ReviewItem::from(row), outcome, None, note)?;
        }
    }
    Ok(())
}

fn reassess(conn: &mut DbConnection, rows: Vec<ReviewItemRow>) -> QueryResult<()> {
    for row in rows {
        let (screening, reports, risk) = assess(
            conn,
            &row.kind,
            &row.subject_id,
            &row.target_type,
            &row.target_id,
        )?;
        diesel::update(review_items::table.find(&row.id))
            .set((
                review_items::screening.eq(screening),
                review_items::open_reports.eq(reports),
                review_items::risk.eq(risk.as_str()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A screening outcome was stored: the open items that read it get their risk again.
pub(crate) fn rescreened(
    conn: &mut DbConnection,
    subject_type: &str,
    subject_id: &str,
) -> QueryResult<()> {
    let open = review_items::table
        .filter(review_items::status.eq(ItemStatus::Open.as_str()))
        .select(ReviewItemRow::as_select())
        .into_boxed();
    let rows = if subject_type == "change_request" {
        open.filter(review_items::kind.eq(ReviewKind::ChangeRequest.as_str()))
            .filter(review_items::subject_id.eq(subject_id))
            .load(conn)?
    } else {
        open.filter(review_items::kind.ne(ReviewKind::ChangeRequest.as_str()))
            .filter(review_items::target_type.eq(subject_type))
            .filter(review_items::target_id.eq(subject_id))
            .load(conn)?
    };
    reassess(conn, rows)
}

/// The open reports about a target changed: every open item about it gets its risk again.
pub(crate) fn reports_changed(
    conn: &mut DbConnection,
    target_type: &str,
    target_id: &str,
) -> QueryResult<()> {
    let rows = review_items::table
        .filter(review_items::status.eq(ItemStatus::Open.as_str()))
        .filter(review_items::target_type.eq(target_type))
        .filter(review_items::target_id.eq(target_id))
        .select(ReviewItemRow::as_select())
        .load(conn)?;
    reassess(conn, rows)
}

pub(crate) fn load_item(conn: &mut DbConnection, id: Uuid) -> QueryResult<Option<ReviewItemRow>> {
    review_items::table
        .find(id.to_string())
        .select(ReviewItemRow::as_select())
        .first(conn)
        .optional()
}

/// Queue filters as the client sent them.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub kind: Option<String>,
    /// Only items that have waited at least this many hours.
    pub age_min_hours: Option<i64>,
    /// A category id, top-level or second-level.
    pub category: Option<String>,
    pub risk: Option<String>,
    /// `mine`, `unclaimed` or `any` (the default).
    pub claimed: Option<String>,
}

/// Every item waiting for an operator, oldest first.
pub fn list_queue(
    conn: &mut DbConnection,
    actor: &Actor,
    filter: &QueueFilter,
    page: &PageRequest,
) -> Result<Page<ReviewItem>, ReviewError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(ReviewError::Forbidden);
    }
    let mut errors = Vec::new();
    let kind = crate::validate::filter_choice(
        &mut errors,
        "kind",
        filter.kind.as_deref(),
        ReviewKind::parse,
        ReviewKind::names,
    );
    let risk = crate::validate::filter_choice(
        &mut errors,
        "risk",
        filter.risk.as_deref(),
        Risk::parse,
        Risk::names,
    );
    let claimed = crate::validate::filter_choice(
        &mut errors,
        "claimed",
        filter.claimed.as_deref(),
        ClaimFilter::parse,
        ClaimFilter::names,
    )
    .unwrap_or(ClaimFilter::Any);
    if let Some(hours) = filter.age_min_hours
        && !(0..=24 * 365 * 10).contains(&hours)
    {
        errors.push(FieldError::new(
            "age_min_hours",
            "out_of_range",
            "must be between 0 and 87600",
        ));
    }
    if !errors.is_empty() {
        return Err(ReviewError::Validation(errors));
    }
    let at = now();
    let mut query = review_items::table
        .filter(review_items::status.eq(ItemStatus::Open.as_str()))
        .select(ReviewItemRow::as_select())
        .order(review_items::id.asc())
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(kind) = kind {
        query = query.filter(review_items::kind.eq(kind.as_str()));
    }
    if let Some(risk) = risk {
        query = query.filter(review_items::risk.eq(risk.as_str()));
    }
    if let Some(hours) = filter.age_min_hours {
        query = query.filter(review_items::entered_at.le(at - time::Duration::hours(hours)));
    }
    if let Some(category) = filter
        .category
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        query = query.filter(
            review_items::category_id.eq_any(
                categories::table
                    .filter(
                        categories::id
                            .eq(category.to_owned())
                            .or(categories::parent_id.eq(category.to_owned())),
                    )
                    .select(categories::id.nullable()),
            ),
        );
    }
    let me = actor.user_id.to_string();
    match claimed {
        ClaimFilter::Any => {}
        ClaimFilter::Mine => {
            query = query
                .filter(review_items::claimed_by.eq(me))
                .filter(review_items::claimed_until.gt(at));
        }
        ClaimFilter::Unclaimed => {
            query = query.filter(
                review_items::claimed_by
                    .is_null()
                    .or(review_items::claimed_until.le(at))
                    .or(review_items::claimed_until.is_null()),
            );
        }
    }
    if let Some(after) = &page.after {
        query = query.filter(review_items::id.gt(after.clone()));
    }
    let rows = query.load(conn)?;
    Ok(page.page(
        rows.into_iter().map(ReviewItem::from).collect(),
        |i: &ReviewItem| i.id.to_string(),
    ))
}

/// One item, open or closed, with the change request it is about (for that kind).
#[derive(Debug, Clone)]
pub struct ReviewItemDetail {
    pub item: ReviewItem,
    pub change_request: Option<super::ChangeRequest>,
}

pub fn get_item(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<ReviewItemDetail, ReviewError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(ReviewError::Forbidden);
    }
    let item = ReviewItem::from(load_item(conn, id)?.ok_or(ReviewError::NotFound)?);
    let change_request = if item.kind == ReviewKind::ChangeRequest {
        super::change::load_change(conn, item.subject_id)?
    } else {
        None
    };
    Ok(ReviewItemDetail {
        item,
        change_request,
    })
}
