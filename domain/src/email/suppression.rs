//! The suppression list (addresses that get no more mail) and recipient-domain pauses.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use diesel::prelude::*;
use serde_json::json;
use time::PrimitiveDateTime;

use super::EmailError;
use super::model::{JobStatus, SuppressionReason, normalize_address};
use crate::access::{PlatformAction, may_on_platform};
use crate::audit::{self, Change};
use crate::clock::now;
use crate::db::schema::{
    email_address_failures, email_domain_pauses, email_jobs, email_suppressions,
};
use crate::db::{self, DbConnection};
use crate::enums::from_db;
use crate::paging::Page;
use crate::{Actor, FieldError};

/// Adds `address` to the suppression list unless it is already there (the first reason stays).
/// Inside the caller's transaction.
pub(crate) fn suppress_in_tx(
    conn: &mut DbConnection,
    address: &str,
    reason: SuppressionReason,
    detail: Option<&str>,
) -> QueryResult<bool> {
    let address = normalize_address(address);
    let exists: i64 = email_suppressions::table
        .find(&address)
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(false);
    }
    diesel::insert_into(email_suppressions::table)
        .values((
            email_suppressions::address.eq(&address),
            email_suppressions::reason.eq(reason.as_str()),
            email_suppressions::detail.eq(detail.map(super::delivery::truncate)),
            email_suppressions::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Pauses sending to `domain` until at least `until` (a longer pause already in place stays)
/// and moves that domain's queued jobs past the pause. Returns the end of the pause.
pub(crate) fn pause_domain_in_tx(
    conn: &mut DbConnection,
    domain: &str,
    until: PrimitiveDateTime,
    reason: &str,
) -> QueryResult<PrimitiveDateTime> {
    let reason = super::delivery::truncate(reason);
    let current: Option<PrimitiveDateTime> = email_domain_pauses::table
        .find(domain)
        .select(email_domain_pauses::paused_until)
        .first(conn)
        .optional()?;
    let until = match current {
        Some(existing) if existing >= until => existing,
        Some(_) => {
            diesel::update(email_domain_pauses::table.find(domain))
                .set((
                    email_domain_pauses::paused_until.eq(until),
                    email_domain_pauses::reason.eq(&reason),
                ))
                .execute(conn)?;
            until
        }
        None => {
            diesel::insert_into(email_domain_pauses::table)
                .values((
                    email_domain_pauses::domain.eq(domain),
                    email_domain_pauses::paused_until.eq(until),
                    email_domain_pauses::reason.eq(&reason),
                    email_domain_pauses::created_at.eq(now()),
                ))
                .execute(conn)?;
            until
        }
    };
    diesel::update(
        email_jobs::table
            .filter(email_jobs::to_domain.eq(domain))
            .filter(email_jobs::status.eq(JobStatus::Queued.as_str()))
            .filter(email_jobs::next_attempt_at.lt(until)),
    )
    .set(email_jobs::next_attempt_at.eq(until))
    .execute(conn)?;
    Ok(until)
}

/// One suppressed address.
#[derive(Debug, Clone)]
pub struct Suppression {
    pub address: String,
    pub reason: SuppressionReason,
    pub detail: Option<String>,
    pub created_at: PrimitiveDateTime,
}

/// Whether mail to `address` is suppressed, and why.
pub fn suppression_of(conn: &mut DbConnection, address: &str) -> QueryResult<Option<Suppression>> {
    let row: Option<(String, String, Option<String>, PrimitiveDateTime)> =
        email_suppressions::table
            .find(normalize_address(address))
            .select((
                email_suppressions::address,
                email_suppressions::reason,
                email_suppressions::detail,
                email_suppressions::created_at,
            ))
            .first(conn)
            .optional()?;
    Ok(row.map(to_suppression))
}

fn to_suppression(
    (address, reason, detail, created_at): (String, String, Option<String>, PrimitiveDateTime),
) -> Suppression {
    Suppression {
        address,
        reason: from_db(&reason, SuppressionReason::parse, SuppressionReason::Manual),
        detail,
        created_at,
    }
}

/// Lists suppressions by address (operators), optionally those starting with `prefix`.
/// The cursor is opaque (the last address of the previous page).
pub fn list_suppressions(
    conn: &mut DbConnection,
    actor: &Actor,
    prefix: Option<&str>,
    limit: Option<i64>,
    cursor: Option<&str>,
) -> Result<Page<Suppression>, EmailError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(EmailError::Forbidden);
    }
    let mut errors = Vec::new();
    let limit = limit.unwrap_or(crate::paging::DEFAULT_PAGE_SIZE);
    if !(1..=crate::paging::MAX_PAGE_SIZE).contains(&limit) {
        errors.push(FieldError::new(
            "limit",
            "out_of_range",
            "must be between 1 and 100",
        ));
    }
    let after = match cursor.filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => match URL_SAFE_NO_PAD
            .decode(c)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
        {
            Some(a) => Some(a),
            None => {
                errors.push(FieldError::new(
                    "cursor",
                    "invalid",
                    "is not a valid cursor",
                ));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(EmailError::Validation(errors));
    }
    let mut query = email_suppressions::table
        .select((
            email_suppressions::address,
            email_suppressions::reason,
            email_suppressions::detail,
            email_suppressions::created_at,
        ))
        .order(email_suppressions::address.asc())
        .limit(limit + 1)
        .into_boxed();
    if let Some(prefix) = prefix.map(normalize_address).filter(|p| !p.is_empty()) {
        let escaped = prefix
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        query = query.filter(
            email_suppressions::address
                .like(format!("{escaped}%"))
                .escape('\\'),
        );
    }
    if let Some(after) = after {
        query = query.filter(email_suppressions::address.gt(after));
    }
    let mut rows: Vec<Suppression> = query.load(conn)?.into_iter().map(to_suppression).collect();
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = if more {
        rows.last()
            .map(|s| URL_SAFE_NO_PAD.encode(s.address.as_bytes()))
    } else {
        None
    };
    Ok(Page {
        items: rows,
        next_cursor,
    })
}

/// An operator takes an address off the suppression list (its soft-bounce count starts again);
/// audited.
pub fn remove_suppression(
    conn: &mut DbConnection,
    actor: &Actor,
    address: &str,
    reason: &str,
) -> Result<Suppression, EmailError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(EmailError::Forbidden);
    }
    let address = normalize_address(address);
    db::transaction(conn, |conn| {
        let existing = suppression_of(conn, &address)?.ok_or(EmailError::SuppressionNotFound)?;
        diesel::delete(email_suppressions::table.find(&address)).execute(conn)?;
        diesel::delete(email_address_failures::table.find(&address)).execute(conn)?;
        audit::append(
            conn,
            Change {
                actor_id: Some(actor.user_id),
                action: "unsuppress",
                subject_type: "email_address",
                subject_id: &address,
                before: json!({
                    "reason": existing.reason.as_str(),
                    "detail": existing.detail,
                }),
                after: json!({}),
                reason,
            },
        )?;
        Ok(existing)
    })
}
