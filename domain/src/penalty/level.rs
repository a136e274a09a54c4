//! Thresholds on a company's active points, and the level they put it at.

use diesel::prelude::*;
use serde_json::json;
use time::Duration;
use uuid::Uuid;

use crate::access::Actor;
use crate::clock::now;
use crate::db::schema::credit_profiles;
use crate::db::{self, DbConnection};
use crate::ids::parse_db_id;
use crate::notification::{NewNotification, NotificationKind, notify};

/// Whether a company at this penalty level may publish products or listings and send quotes:
/// not once its active points reached the restrict threshold.
pub fn may_publish_at(level: PenaltyLevel) -> bool {
    level < PenaltyLevel::Restrict
}

crate::text_enum! {
    /// Where a company's active points put it; ordered, each level includes the ones below.
    #[derive(PartialOrd, Ord)]
    pub enum PenaltyLevel {
        None => "none",
        /// Told that further violations restrict it.
        Warn => "warn",
        /// May not publish products or listings, nor send or revise quotes.
        Restrict => "restrict",
        /// Suspended (its storefront, products and listings leave every public endpoint).
        Suspend => "suspend",
    }
}

/// The thresholds (active points at which a level starts) and how long points stay active.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PenaltyPolicy {
    pub warn_at: i32,
    pub restrict_at: i32,
    pub suspend_at: i32,
    pub validity: Duration,
}

impl Default for PenaltyPolicy {
    fn default() -> PenaltyPolicy {
        PenaltyPolicy {
            warn_at: 6,
            restrict_at: 12,
            suspend_at: 24,
            validity: Duration::days(365),
        }
    }
}

impl PenaltyPolicy {
    /// The level `active` points reach.
    pub fn level_for(&self, active: i32) -> PenaltyLevel {
        if active >= self.suspend_at {
            PenaltyLevel::Suspend
        } else if active >= self.restrict_at {
            PenaltyLevel::Restrict
        } else if active >= self.warn_at {
            PenaltyLevel::Warn
        } else {
            PenaltyLevel::None
        }
    }
}

/// The level stored with the company's credit profile (`none` without one).
pub(crate) fn stored_level(conn: &mut DbConnection, company_id: Uuid) -> QueryResult<PenaltyLevel> {
    let level: Option<String> = credit_profiles::table
        .find(company_id.to_string())
        .select(credit_profiles::penalty_level)
        .first(conn)
        .optional()?;
    Ok(level
        .as_deref()
        .and_then(PenaltyLevel::parse)
        .unwrap_or(PenaltyLevel::None))
}

/// Whether the company may not publish or quote now (see `may_publish_at`).
pub fn is_restricted(conn: &mut DbConnection, company_id: Uuid) -> QueryResult<bool> {
    Ok(!may_publish_at(stored_level(conn, company_id)?))
}

/// Stores a new level (the profile row exists: the caller recomputed it), audits the move and
/// tells the company's owners and admins. `actor` is the operator whose decision moved it, or
/// `None` when time did (points expired).
pub(crate) fn move_level(
    conn: &mut DbConnection,
    actor: Option<&Actor>,
    company_id: Uuid,
    from: PenaltyLevel,
    to: PenaltyLevel,
    active: i32,
    policy: &PenaltyPolicy,
) -> QueryResult<()> {
    diesel::update(credit_profiles::table.find(company_id.to_string()))
        .set(credit_profiles::penalty_level.eq(to.as_str()))
        .execute(conn)?;
    let action = if to > from {
        "penalty_level_raised"
    } else {
        "penalty_level_lowered"
    };
    let reason = format!(
        "{active} active penalty points (warn at {}, restrict at {}, suspend at {})",
        policy.warn_at, policy.restrict_at, policy.suspend_at
    );
    crate::audit::append(
        conn,
        crate::audit::Change {
            actor_id: actor.map(|a| a.user_id),
            action,
            subject_type: "company",
            subject_id: &company_id.to_string(),
            before: json!({"penalty_level": from.as_str()}),
            after: json!({"penalty_level": to.as_str(), "active_points": active}),
            reason: &reason,
        },
    )?;
    for user_id in crate::company::managers_of(conn, company_id)? {
        notify(
            conn,
            NewNotification {
                user_id,
                kind: NotificationKind::PenaltyLevelChanged,
                subject_type: "company",
                subject_id: company_id,
                payload: json!({
                    "company_id": company_id,
                    "from": from.as_str(),
                    "to": to.as_str(),
                    "active_points": active,
                }),
            },
        )?;
    }
    Ok(())
}

/// Lowers the level of every company whose points expired below its threshold (run
/// periodically; raising happens when points are recorded). A suspension is not lifted here:
/// reinstating is an operator's decision. Returns how many companies moved.
pub fn relax_levels(conn: &mut DbConnection, policy: &PenaltyPolicy) -> QueryResult<usize> {
    db::transaction(conn, |conn| {
        let at = now();
        let raised: Vec<(String, String)> = credit_profiles::table
            .filter(credit_profiles::penalty_level.ne(PenaltyLevel::None.as_str()))
            .select((credit_profiles::company_id, credit_profiles::penalty_level))
            .order(credit_profiles::company_id.asc())
            .load(conn)?;
        let mut moved = 0;
        for (id, level) in raised {
            let company_id = parse_db_id(&id);
            let from = PenaltyLevel::parse(&level).unwrap_or(PenaltyLevel::None);
            let active = super::service::active_points(conn, company_id, at)?;
            let to = policy.level_for(active);
            if to < from {
                (crate::seams::reactions().credit_inputs_changed)(conn, company_id)?;
                move_level(conn, None, company_id, from, to, active, policy)?;
                moved += 1;
            }
        }
        Ok(moved)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds() {
        let p = PenaltyPolicy::default();
        assert_eq!(p.level_for(0), PenaltyLevel::None);
        assert_eq!(p.level_for(5), PenaltyLevel::None);
        assert_eq!(p.level_for(6), PenaltyLevel::Warn);
        assert_eq!(p.level_for(12), PenaltyLevel::Restrict);
        assert_eq!(p.level_for(30), PenaltyLevel::Suspend);
        assert!(PenaltyLevel::Warn < PenaltyLevel::Restrict);
    }
}
