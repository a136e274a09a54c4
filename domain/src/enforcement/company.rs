//! Measures against a company: warn, suspend (the existing operator route records its action
//! here), terminate; their reversal by reinstatement or appeal; and the locks that keep a
//! terminated or departed company from being reinstated by the ordinary route.

use diesel::prelude::*;
use serde_json::json;
use time::PrimitiveDateTime;
use uuid::Uuid;

use super::EnforcementError;
use super::holds::release_hold;
use super::model::{
    ActionKind, ActionRow, ActionSource, ActionSubject, EnforcementAction, Reversal, load_action,
    mark_reversed,
};
use super::notify::tell_owner;
use super::owner::ItemOwner;
use crate::access::{Actor, PlatformAction, may_on_platform};
use crate::clock::now;
use crate::company::company_lock;
use crate::db::schema::{companies, enforcement_actions};
use crate::db::{self, DbConnection};
use crate::ids::new_id;
use crate::moderation::{record_transition, validate_reason};
use crate::notification::NotificationKind;

fn active_count(conn: &mut DbConnection, company_id: Uuid, kind: ActionKind) -> QueryResult<i64> {
    enforcement_actions::table
        .filter(enforcement_actions::subject_type.eq(ActionSubject::Company.as_str()))
        .filter(enforcement_actions::subject_id.eq(company_id.to_string()))
        .filter(enforcement_actions::kind.eq(kind.as_str()))
        .filter(enforcement_actions::reversed_at.is_null())
        .count()
        .get_result(conn)
}

fn insert_company_action(
    conn: &mut DbConnection,
    actor_id: Uuid,
    company_id: Uuid,
    kind: ActionKind,
    reason: &str,
) -> QueryResult<EnforcementAction> {
    let row = ActionRow {
        id: new_id().to_string(),
        kind: kind.as_str().to_owned(),
        subject_type: ActionSubject::Company.as_str().to_owned(),
        subject_id: company_id.to_string(),
        company_id: Some(company_id.to_string()),
        owner_id: None,
        reason: reason.to_owned(),
        source: ActionSource::Operator.as_str().to_owned(),
        report_id: None,
        actor_id: actor_id.to_string(),
        created_at: now(),
        reversed_at: None,
        reversed_by: None,
        reversal: None,
        reversal_reason: None,
    };
    diesel::insert_into(enforcement_actions::table)
        .values(&row)
        .execute(conn)?;
    Ok(EnforcementAction::from(row))
}

fn tell_company(
    conn: &mut DbConnection,
    company_id: Uuid,
    action: &EnforcementAction,
    what: &str,
    reason: &str,
) -> QueryResult<()> {
    tell_owner(
        conn,
        &ItemOwner::company(company_id),
        NotificationKind::EnforcementAction,
        "enforcement",
        action.id,
        json!({"action": what, "subject_type": "company", "subject_id": company_id,
               "reason": reason}),
    )
}

/// Locks the company row for the rest of the transaction (a no-op UPDATE: a row lock on
/// PostgreSQL; SQLite's write transactions are serialized anyway); `false` if there is none.
fn lock_company(conn: &mut DbConnection, company_id: Uuid) -> QueryResult<bool> {
    let n = diesel::update(companies::table.find(company_id.to_string()))
        .set(companies::updated_at.eq(companies::updated_at))
        .execute(conn)?;
    Ok(n > 0)
}

fn suspended_at(
    conn: &mut DbConnection,
    company_id: Uuid,
) -> QueryResult<Option<PrimitiveDateTime>> {
    companies::table
        .find(company_id.to_string())
        .select(companies::suspended_at)
        .first(conn)
}

/// Sets or clears the company's suspension and writes `company.changed`, which takes the
/// storefront, products and listings out of (or back into) search.
fn set_suspended(
    conn: &mut DbConnection,
    company_id: Uuid,
    at: Option<PrimitiveDateTime>,
    reason: &str,
    change: &str,
) -> QueryResult<()> {
    crate::company::modify_company(conn, company_id, json!({"change": change}), |row| {
        row.suspended_at = at;
        row.status_reason = Some(reason.to_owned());
        row.updated_at = now();
    })
    .map(drop)
}

/// An operator warns a company: a notification to its owners and admins and a record it sees.
pub fn warn_company(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    reason: &str,
) -> Result<EnforcementAction, EnforcementError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(EnforcementError::Forbidden);
    }
    let reason = validate_reason(reason).map_err(EnforcementError::Validation)?;
    db::transaction(conn, |conn| {
        if !lock_company(conn, company_id)? {
            return Err(EnforcementError::CompanyNotFound);
        }
        if company_lock(conn, company_id)? == Some("closed") {
            return Err(EnforcementError::CompanyClosed);
        }
        let before = active_count(conn, company_id, ActionKind::Warn)?;
        let action =
            insert_company_action(conn, actor.user_id, company_id, ActionKind::Warn, &reason)?;
        record_transition(
            conn,
            "company",
            company_id,
            "warn",
            &reason,
            actor.user_id,
            json!({"warnings_in_force": before}),
            json!({"warnings_in_force": before + 1, "enforcement_action_id": action.id}),
        )?;
        tell_company(conn, company_id, &action, "warn", &reason)?;
        Ok(action)
    })
}

/// An operator terminates a company: it leaves every public endpoint and search (as a
/// suspension does) for good; the ordinary reinstatement is refused, only an upheld appeal
/// reverses it.
pub fn terminate_company(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    reason: &str,
) -> Result<EnforcementAction, EnforcementError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(EnforcementError::Forbidden);
    }
    let reason = validate_reason(reason).map_err(EnforcementError::Validation)?;
    db::transaction(conn, |conn| {
        if !lock_company(conn, company_id)? {
            return Err(EnforcementError::CompanyNotFound);
        }
        match company_lock(conn, company_id)? {
            Some("closed") => return Err(EnforcementError::CompanyClosed),
            Some(_) => return Err(EnforcementError::CompanyTerminated),
            None => {}
        }
        let was_suspended = suspended_at(conn, company_id)?;
        set_suspended(
            conn,
            company_id,
            Some(was_suspended.unwrap_or_else(now)),
            &reason,
            "terminate",
        )?;
        crate::review::hooks::company_down(
            conn,
            &company_id.to_string(),
            "the company was terminated",
        )?;
        let action = insert_company_action(
            conn,
            actor.user_id,
            company_id,
            ActionKind::Terminate,
            &reason,
        )?;
        record_transition(
            conn,
            "company",
            company_id,
            "terminate",
            &reason,
            actor.user_id,
            json!({"suspended": was_suspended.is_some(), "terminated": false}),
            json!({"suspended": true, "terminated": true, "enforcement_action_id": action.id}),
        )?;
        tell_company(conn, company_id, &action, "terminate", &reason)?;
        Ok(action)
    })
}

/// Records a suspension made by `company::change_status`, in its transaction.
pub(crate) fn record_suspension(
    conn: &mut DbConnection,
    actor_id: Uuid,
    company_id: Uuid,
    reason: &str,
) -> QueryResult<()> {
    let action = insert_company_action(conn, actor_id, company_id, ActionKind::Suspend, reason)?;
    tell_company(conn, company_id, &action, "suspend", reason)
}

/// Ends the suspensions in force when `company::change_status` reinstates, in its transaction.
pub(crate) fn end_suspensions(
    conn: &mut DbConnection,
    actor_id: Uuid,
    company_id: Uuid,
    reason: &str,
) -> QueryResult<()> {
    let rows: Vec<ActionRow> = enforcement_actions::table
        .filter(enforcement_actions::subject_type.eq(ActionSubject::Company.as_str()))
        .filter(enforcement_actions::subject_id.eq(company_id.to_string()))
        .filter(enforcement_actions::kind.eq(ActionKind::Suspend.as_str()))
        .filter(enforcement_actions::reversed_at.is_null())
        .select(ActionRow::as_select())
        .load(conn)?;
    for mut row in rows {
        mark_reversed(conn, &mut row, actor_id, Reversal::Reinstate, reason)?;
        let action = EnforcementAction::from(row);
        tell_company(conn, company_id, &action, "reinstate", reason)?;
    }
    Ok(())
}

/// Undoes an action whose appeal was upheld, in the appeal's transaction: a hide is lifted, a
/// warning withdrawn, a suspension or termination ended (the company shows again unless another
/// suspension, a termination or its own departure still keeps it down).
pub(crate) fn reverse_by_appeal(
    conn: &mut DbConnection,
    actor: &Actor,
    action_id: Uuid,
    note: &str,
) -> Result<EnforcementAction, EnforcementError> {
    let mut row = load_action(conn, action_id)?.ok_or(EnforcementError::ActionNotFound)?;
    if row.reversed_at.is_some() {
        return Ok(EnforcementAction::from(row));
    }
    mark_reversed(conn, &mut row, actor.user_id, Reversal::Appeal, note)?;
    let action = EnforcementAction::from(row);
    let owner = ItemOwner {
        company_id: action.company_id,
        owner_id: action.owner_id,
    };
    let mut after = json!({"in_force": false});
    match action.kind {
        ActionKind::Hide => {
            release_hold(conn, "enforcement", action.id)?;
            let hidden = super::holds::is_held(conn, action.subject.as_str(), action.subject_id)?;
            after["hidden"] = json!(hidden);
        }
        ActionKind::Warn => {}
        ActionKind::Suspend | ActionKind::Terminate => {
            let company = action.subject_id;
            lock_company(conn, company)?;
            let down = company_lock(conn, company)?.is_some()
                || active_count(conn, company, ActionKind::Suspend)? > 0;
            if !down && suspended_at(conn, company)?.is_some() {
                set_suspended(conn, company, None, note, "appeal_upheld")?;
                crate::review::hooks::company_back(conn, &company.to_string())?;
            }
            after["suspended"] = json!(down);
        }
    }
    record_transition(
        conn,
        action.subject.as_str(),
        action.subject_id,
        &format!("reverse_{}", action.kind.as_str()),
        note,
        actor.user_id,
        json!({"in_force": true, "enforcement_action_id": action.id}),
        after,
    )?;
    tell_owner(
        conn,
        &owner,
        NotificationKind::EnforcementAction,
        "enforcement",
        action.id,
        json!({"action": format!("reverse_{}", action.kind.as_str()),
               "subject_type": action.subject.as_str(), "subject_id": action.subject_id,
               "reason": note}),
    )?;
    Ok(action)
}
