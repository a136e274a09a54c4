use std::collections::HashMap;

use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::AppealError;
use super::model::{Appeal, AppealRow, AppealStatus, AppealTarget};
use crate::access::{
    Actor, CaseAction, PlatformAction, may_on_case, may_on_platform, may_on_takedown,
};
use crate::clock::now;
use crate::db::schema::appeals;
use crate::db::{self, DbConnection, MultiBackend, unique_violation_on};
use crate::enforcement::{ItemOwner, side_of};
use crate::error::FieldError;
use crate::ids::{new_id, parse_db_id};
use crate::json_col::to_json;
use crate::moderation::record_transition;
use crate::notification::NotificationKind;
use crate::paging::{Page, PageRequest};
use crate::takedown::{EventParty, TakedownStatus};
use crate::validate::Validator;

pub const MAX_EVIDENCE: usize = 10;

#[derive(Debug, Clone, Default)]
pub struct AppealInput {
    pub statement: String,
    pub evidence_urls: Vec<String>,
}

struct Valid {
    statement: String,
    evidence: String,
}

fn validate(input: &AppealInput) -> Result<Valid, Vec<FieldError>> {
    let mut v = Validator::new();
    let statement = v.multiline("statement", &input.statement, 1, 4000);
    if input.evidence_urls.len() > MAX_EVIDENCE {
        v.push(
            "evidence_urls",
            "too_many",
            format!("at most {MAX_EVIDENCE} URLs"),
        );
    }
    for (i, url) in input.evidence_urls.iter().enumerate() {
        v.url(&format!("evidence_urls[{i}]"), url.trim());
    }
    v.finish().map(|()| Valid {
        statement,
        evidence: to_json(
            &input
                .evidence_urls
                .iter()
                .map(|u| u.trim().to_owned())
                .collect::<Vec<_>>(),
        ),
    })
}

fn already_appealed(conn: &mut DbConnection, target: AppealTarget, id: Uuid) -> QueryResult<bool> {
    let n: i64 = appeals::table
        .filter(appeals::target_type.eq(target.as_str()))
        .filter(appeals::target_id.eq(id.to_string()))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

fn insert(
    conn: &mut DbConnection,
    actor: &Actor,
    target: AppealTarget,
    target_id: Uuid,
    owner: ItemOwner,
    valid: Valid,
) -> Result<Appeal, AppealError> {
    // A unique violation would abort a PostgreSQL transaction: check first; the constraint
    // is the guard against a concurrent second appeal.
    if already_appealed(conn, target, target_id)? {
        return Err(AppealError::AlreadyAppealed);
    }
    let row = AppealRow {
        id: new_id().to_string(),
        target_type: target.as_str().to_owned(),
        target_id: target_id.to_string(),
        company_id: owner.company_id.map(|c| c.to_string()),
        owner_id: owner.owner_id.map(|o| o.to_string()),
        appellant_id: actor.user_id.to_string(),
        statement: valid.statement,
        evidence_urls: valid.evidence,
        status: AppealStatus::Open.as_str().to_owned(),
        decision_note: None,
        decided_by: None,
        decided_at: None,
        created_at: now(),
    };
    diesel::insert_into(appeals::table)
        .values(&row)
        .execute(conn)
        .map_err(|e| {
            if unique_violation_on(&e, "appeals", "target") {
                AppealError::AlreadyAppealed
            } else {
                AppealError::Database(e)
            }
        })?;
    crate::audit::append(
        conn,
        crate::audit::Change {
            actor_id: Some(actor.user_id),
            action: "appeal",
            subject_type: target.as_str(),
            subject_id: &row.target_id,
            before: json!({}),
            after: json!({"appeal_id": row.id, "status": "open"}),
            reason: &row.statement,
        },
    )?;
    let appeal = Appeal::from(row);
    crate::notification::notify_operators(
        conn,
        "appeal",
        "appeal",
        appeal.id,
        json!({"title": format!("Appeal against a {}", target.as_str()),
               "target_type": target.as_str(), "target_id": target_id}),
    )?;
    Ok(appeal)
}

/// The company's owner or admin (or the individual owner) appeals an enforcement action in
/// force, once. Members who may only see it get 403; anyone else 404.
pub fn appeal_enforcement(
    conn: &mut DbConnection,
    actor: &Actor,
    action_id: Uuid,
    input: AppealInput,
) -> Result<Appeal, AppealError> {
    let valid = validate(&input);
    db::transaction(conn, |conn| {
        let action = crate::enforcement::get_action(conn, actor, action_id)?;
        let owner = ItemOwner {
            company_id: action.company_id,
            owner_id: action.owner_id,
        };
        let side = side_of(conn, actor, &owner)?;
        if !may_on_case(actor, side, CaseAction::Respond) {
            return Err(AppealError::Forbidden);
        }
        let valid = valid.map_err(AppealError::Validation)?;
        if !action.in_force() {
            return Err(AppealError::NotAppealable(
                "the action is no longer in force",
            ));
        }
        insert(
            conn,
            actor,
            AppealTarget::Enforcement,
            action_id,
            owner,
            valid,
        )
    })
}

/// The supplier appeals a takedown that stands (final, or kept down after a counter-notice),
/// once. An accepted notice still within its window is answered with a counter-notice.
pub fn appeal_takedown(
    conn: &mut DbConnection,
    actor: &Actor,
    notice_id: Uuid,
    input: AppealInput,
) -> Result<Appeal, AppealError> {
    let valid = validate(&input);
    db::transaction(conn, |conn| {
        let mut row =
            crate::takedown::load_notice(conn, notice_id)?.ok_or(AppealError::TakedownNotFound)?;
        crate::takedown::settle(conn, &mut row)?;
        let status = row.status_at(now());
        let party = crate::takedown::party_of(conn, actor, &row)?;
        if !may_on_takedown(actor, party, CaseAction::View, status.served()) {
            return Err(AppealError::TakedownNotFound);
        }
        if !may_on_takedown(actor, party, CaseAction::Respond, status.served()) {
            return Err(AppealError::Forbidden);
        }
        let valid = valid.map_err(AppealError::Validation)?;
        if !matches!(status, TakedownStatus::Final | TakedownStatus::KeptDown) {
            return Err(AppealError::NotAppealable(
                "only a final or kept-down takedown is appealed (answer an accepted notice with a counter-notice)",
            ));
        }
        let appeal = insert(
            conn,
            actor,
            AppealTarget::Takedown,
            notice_id,
            row.owner(),
            valid,
        )?;
        crate::takedown::record_event(
            conn,
            &row.id,
            appeal.created_at,
            Some(actor.user_id),
            EventParty::Supplier,
            "appealed",
            &appeal.statement,
        )?;
        Ok(appeal)
    })
}

/// An operator decides an open appeal. Upheld reverses the measure in this transaction (the
/// hidden item shows, the warning is withdrawn, the suspension or termination ends, the
/// takedown is reversed); rejected leaves it. The company is told; both go to the audit log.
pub fn decide_appeal(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    outcome: &str,
    note: &str,
) -> Result<Appeal, AppealError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(AppealError::Forbidden);
    }
    let mut v = Validator::new();
    let outcome = match AppealStatus::parse(outcome.trim()) {
        Some(s @ (AppealStatus::Upheld | AppealStatus::Rejected)) => Some(s),
        _ => {
            v.push(
                "outcome",
                "invalid_choice",
                "must be one of: upheld, rejected",
            );
            None
        }
    };
    let note = v.multiline("note", note, 1, 2000);
    v.finish().map_err(AppealError::Validation)?;
    let outcome = outcome.unwrap_or(AppealStatus::Rejected);
    db::transaction(conn, |conn| {
        diesel::update(appeals::table.find(id.to_string()))
            .set(appeals::status.eq(appeals::status))
            .execute(conn)?;
        let mut row: AppealRow = appeals::table
            .find(id.to_string())
            .select(AppealRow::as_select())
            .first(conn)
            .optional()?
            .ok_or(AppealError::NotFound)?;
        if row.status != AppealStatus::Open.as_str() {
            return Err(AppealError::AlreadyDecided);
        }
        let target = parse_db_id(&row.target_id);
        let target_type =
            AppealTarget::parse(&row.target_type).unwrap_or(AppealTarget::Enforcement);
        match (outcome, target_type) {
            (AppealStatus::Upheld, AppealTarget::Enforcement) => {
                crate::enforcement::reverse_by_appeal(conn, actor, target, &note)?;
            }
            (AppealStatus::Upheld, AppealTarget::Takedown) => {
                crate::takedown::reverse_by_appeal(conn, actor, target, &note)?;
            }
            (_, AppealTarget::Takedown) => {
                crate::takedown::record_event(
                    conn,
                    &row.target_id,
                    now(),
                    Some(actor.user_id),
                    EventParty::Operator,
                    "appeal_rejected",
                    &note,
                )?;
            }
            (_, AppealTarget::Enforcement) => {}
        }
        row.status = outcome.as_str().to_owned();
        row.decision_note = Some(note.clone());
        row.decided_by = Some(actor.user_id.to_string());
        row.decided_at = Some(now());
        diesel::update(appeals::table.find(&row.id))
            .set(&row)
            .execute(conn)?;
        record_transition(
            conn,
            "appeal",
            id,
            outcome.as_str(),
            &note,
            actor.user_id,
            json!({"status": "open"}),
            json!({"status": outcome.as_str(), "target_type": row.target_type,
                   "target_id": row.target_id}),
        )?;
        crate::enforcement::tell_owner(
            conn,
            &row.owner(),
            NotificationKind::AppealDecided,
            "appeal",
            id,
            json!({"outcome": outcome.as_str(), "note": note, "target_type": row.target_type,
                   "target_id": row.target_id}),
        )?;
        Ok(Appeal::from(row))
    })
}

/// An appeal, for whoever it concerns (every member of the company sees the outcome) and
/// operators; 404 for anyone else.
pub fn get_appeal(conn: &mut DbConnection, actor: &Actor, id: Uuid) -> Result<Appeal, AppealError> {
    let row: AppealRow = appeals::table
        .find(id.to_string())
        .select(AppealRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppealError::NotFound)?;
    let side = side_of(conn, actor, &row.owner())?;
    if !may_on_case(actor, side, CaseAction::View) {
        return Err(AppealError::NotFound);
    }
    Ok(Appeal::from(row))
}

/// Operators: appeals by status, newest first.
pub fn list_appeals(
    conn: &mut DbConnection,
    actor: &Actor,
    status: Option<&str>,
    page: &PageRequest,
) -> Result<Page<Appeal>, AppealError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(AppealError::Forbidden);
    }
    let mut query: appeals::BoxedQuery<'static, MultiBackend> = appeals::table.into_boxed();
    if let Some(status) = status.filter(|s| !s.is_empty()) {
        let Some(status) = AppealStatus::parse(status) else {
            return Err(AppealError::Validation(vec![FieldError::new(
                "status",
                "invalid_choice",
                format!("must be one of: {}", AppealStatus::names()),
            )]));
        };
        query = query.filter(appeals::status.eq(status.as_str()));
    }
    if let Some(after) = &page.after {
        query = query.filter(appeals::id.lt(after.clone()));
    }
    let rows: Vec<AppealRow> = query
        .order(appeals::id.desc())
        .limit(page.limit + 1)
        .select(AppealRow::as_select())
        .load(conn)?;
    Ok(
        page.page(rows.into_iter().map(Appeal::from).collect(), |a| {
            a.id.to_string()
        }),
    )
}

/// The appeals of several actions or takedowns, by target id (for lists that show them).
pub fn appeals_for(
    conn: &mut DbConnection,
    target: AppealTarget,
    ids: &[Uuid],
) -> QueryResult<HashMap<Uuid, Appeal>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let wanted: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let rows: Vec<AppealRow> = appeals::table
        .filter(appeals::target_type.eq(target.as_str()))
        .filter(appeals::target_id.eq_any(wanted))
        .select(AppealRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(Appeal::from)
        .map(|a| (a.target_id, a))
        .collect())
}
