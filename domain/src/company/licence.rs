//! The business licence (营业执照) as a registration record: the one rule for what a change of
//! licence facts does, and the warnings before a licence expires.
//!
//! Licence facts are the legal name, the credit code, the legal representative, the registered
//! address, the licence image and its expiry. Any change is written to the audit log (the
//! registration archive the guideline's 第十四条 asks for), and a verified company goes back to
//! `pending` until an operator verifies the new facts.

use diesel::prelude::*;
use serde_json::json;
use time::{Date, Duration};
use uuid::Uuid;

use super::model::{Company, CompanyRow, LONG_TERM_DATE, MemberRole, VerificationStatus};
use crate::access::Actor;
use crate::clock::now;
use crate::db::schema::{companies, company_members};
use crate::db::{self, DbConnection};
use crate::ids::parse_db_id;
use crate::notification::{NewNotification, NotificationKind, notify};

/// Applies a change of licence facts (`changed` names them) to `row`, which is about to be
/// saved: a verified company goes back to `pending`, the expiry warnings start over when the
/// expiry moved, and the change is audited with the member who made it. Returns whether the
/// company lost its verification.
pub(crate) fn apply_licence_change(
    conn: &mut DbConnection,
    actor: &Actor,
    before: &Company,
    row: &mut CompanyRow,
    changed: &[&'static str],
) -> QueryResult<bool> {
    if changed.is_empty() {
        return Ok(false);
    }
    if changed.contains(&"licence_expires_on") {
        row.licence_warned_days = None;
    }
    let reverify = row.verification_status == VerificationStatus::Verified.as_str();
    if reverify {
        row.verification_status = VerificationStatus::Pending.as_str().to_owned();
        row.verified_at = None;
        row.verified_by = None;
        row.status_reason = Some("licence facts changed; awaiting re-verification".into());
    }
    crate::audit::append(
        conn,
        crate::audit::Change {
            actor_id: Some(actor.user_id),
            action: "licence_changed",
            subject_type: "company",
            subject_id: &row.id,
            before: json!({
                "verification": before.verification_status.as_str(),
                "legal_name": before.legal_name,
                "credit_code": before.credit_code,
                "legal_representative": before.legal_representative,
                "registered_address": before.registered_address,
                "licence_scan_id": before.licence_scan_id,
                "licence_expires_on": before.licence_expiry.map(|e| e.as_text()),
            }),
            after: json!({
                "verification": row.verification_status,
                "legal_name": row.legal_name,
                "credit_code": row.credit_code,
                "legal_representative": row.legal_representative,
                "registered_address": row.registered_address,
                "licence_scan_id": row.licence_scan_id,
                "licence_expires_on": super::model::LicenceExpiry::from_db(row.licence_expires_on).map(|e| e.as_text()),
                "changed": changed,
            }),
            reason: if reverify {
                "licence facts changed; back to verification"
            } else {
                "licence facts changed"
            },
        },
    )?;
    Ok(reverify)
}

/// The owners and admins of a company: who hears about its licence, penalties and standing.
pub(crate) fn managers_of(conn: &mut DbConnection, company_id: Uuid) -> QueryResult<Vec<Uuid>> {
    let ids: Vec<String> = company_members::table
        .filter(company_members::company_id.eq(company_id.to_string()))
        .filter(
            company_members::role.eq_any([MemberRole::Owner.as_str(), MemberRole::Admin.as_str()]),
        )
        .select(company_members::user_id)
        .order(company_members::user_id.asc())
        .load(conn)?;
    Ok(ids.iter().map(|id| parse_db_id(id)).collect())
}

/// The warning level due for a licence ending on `expires_on` as of `today`: the smallest of
/// `warn_days` that is at least the days left, or 0 once the licence has expired; `None` when
/// no warning is due yet.
pub fn licence_warning_due(expires_on: Date, today: Date, warn_days: &[u32]) -> Option<i32> {
    let left = (expires_on - today).whole_days();
    if left < 0 {
        return Some(0);
    }
    warn_days
        .iter()
        .map(|d| i64::from(*d))
        .filter(|d| left <= *d)
        .min()
        .map(|d| d as i32)
}

const BATCH: i64 = 500;

/// Warns the owners and admins of every company whose licence ends within the largest of
/// `warn_days` days (e.g. 30 and 7), once per threshold, and once more when it has expired.
/// Each warning is claimed with a conditional UPDATE on `licence_warned_days` (the smallest
/// threshold already sent for this expiry date) in the transaction that writes the
/// notifications, so several processes running this at once warn once. When a licence has
/// expired the credit profile is recomputed (an expired licence earns no verification points).
/// Returns how many companies were warned.
pub fn notify_licence_expiry(conn: &mut DbConnection, warn_days: &[u32]) -> QueryResult<usize> {
    let horizon = i64::from(warn_days.iter().copied().max().unwrap_or(0));
    db::transaction(conn, |conn| {
        let at = now();
        let today = at.date();
        let due: Vec<(String, Date, Option<i32>)> = companies::table
            .filter(companies::licence_expires_on.is_not_null())
            .filter(companies::licence_expires_on.ne(LONG_TERM_DATE))
            .filter(companies::licence_expires_on.le(today + Duration::days(horizon)))
            .filter(
                companies::licence_warned_days
                    .is_null()
                    .or(companies::licence_warned_days.gt(0)),
            )
            .select((
                companies::id,
                companies::licence_expires_on.assume_not_null(),
                companies::licence_warned_days,
            ))
            .order(companies::licence_expires_on.asc())
            .limit(BATCH)
            .load(conn)?;
        let mut warned = 0;
        for (id, expires_on, sent) in due {
            let Some(level) = licence_warning_due(expires_on, today, warn_days) else {
                continue;
            };
            if sent.is_some_and(|s| s <= level) {
                continue;
            }
            let claimed = diesel::update(
                companies::table
                    .find(&id)
                    .filter(companies::licence_expires_on.eq(expires_on))
                    .filter(
                        companies::licence_warned_days
                            .is_null()
                            .or(companies::licence_warned_days.gt(level)),
                    ),
            )
            .set(companies::licence_warned_days.eq(level))
            .execute(conn)?;
            if claimed == 0 {
                continue;
            }
            let company_id = parse_db_id(&id);
            let days_left = (expires_on - today).whole_days();
            let kind = if level == 0 {
                NotificationKind::LicenceExpired
            } else {
                NotificationKind::LicenceExpiring
            };
            for user_id in managers_of(conn, company_id)? {
                notify(
                    conn,
                    NewNotification {
                        user_id,
                        kind,
                        subject_type: "company",
                        subject_id: company_id,
                        payload: json!({
                            "company_id": company_id,
                            "licence_expires_on": expires_on.to_string(),
                            "days_left": days_left,
                            "warning_days": level,
                        }),
                    },
                )?;
            }
            if level == 0 {
                (crate::seams::reactions().credit_inputs_changed)(conn, company_id)?;
            }
            warned += 1;
        }
        Ok(warned)
    })
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::licence_warning_due;

    #[test]
    fn warning_levels() {
        let end = date!(2027 - 03 - 31);
        let warn = [30, 7];
        assert_eq!(licence_warning_due(end, date!(2027 - 02 - 28), &warn), None);
        assert_eq!(
            licence_warning_due(end, date!(2027 - 03 - 01), &warn),
            Some(30)
        );
        assert_eq!(
            licence_warning_due(end, date!(2027 - 03 - 24), &warn),
            Some(7)
        );
        // Valid through its last day; expired the day after.
        assert_eq!(licence_warning_due(end, end, &warn), Some(7));
        assert_eq!(
            licence_warning_due(end, date!(2027 - 04 - 01), &warn),
            Some(0)
        );
    }
}
