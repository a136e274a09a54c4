//! Anti-spam rules that need the database: the daily cap of new threads for young accounts and
//! the same message sent to too many companies. (Per-account and per-address request rates are
//! limited in the API, before the database is touched.) Both count with the domain clock.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime};
use uuid::Uuid;

use super::InquiryError;
use super::error::SpamRule;
use crate::db::DbConnection;
use crate::db::schema::{inquiries, users};
use crate::ids::parse_db_id;

/// The window both rules count in.
pub const SPAM_WINDOW: Duration = Duration::hours(24);

/// The configurable limits (defaults as in the README).
#[derive(Debug, Clone, Copy)]
pub struct SpamLimits {
    /// Accounts younger than this are "new".
    pub new_account_age: Duration,
    /// New threads a new account may open in any 24 h.
    pub new_account_daily_threads: u32,
    /// Distinct companies one buyer may send the same (normalized) message to in 24 h.
    pub duplicate_max_companies: u32,
}

impl Default for SpamLimits {
    fn default() -> SpamLimits {
        SpamLimits {
            new_account_age: Duration::days(7),
            new_account_daily_threads: 20,
            duplicate_max_companies: 20,
        }
    }
}

/// Serializes the buyer's new inquiries: a no-op write on their account row holds its row lock
/// (PostgreSQL) until commit, so two concurrent requests cannot both pass a count (SQLite's
/// `BEGIN IMMEDIATE` already serializes every writer).
pub(crate) fn lock_buyer(conn: &mut DbConnection, buyer_id: Uuid) -> QueryResult<()> {
    diesel::update(users::table.find(buyer_id.to_string()))
        .set(users::updated_at.eq(users::updated_at))
        .execute(conn)?;
    Ok(())
}

/// How long until `excess` of `times` (any order) have left the window that ends at `now`.
fn wait_for(
    mut times: Vec<PrimitiveDateTime>,
    excess: usize,
    now: PrimitiveDateTime,
) -> Option<Duration> {
    if excess == 0 || excess > times.len() {
        return None;
    }
    times.sort();
    Some(times[excess - 1] + SPAM_WINDOW - now)
}

fn secs(d: Duration) -> u64 {
    let micros = d.whole_microseconds().max(0) as u64;
    micros.div_ceil(1_000_000).max(1)
}

/// A new account opens at most `new_account_daily_threads` threads in any 24 hours.
pub(crate) fn check_new_account_cap(
    conn: &mut DbConnection,
    buyer_id: Uuid,
    new_threads: usize,
    limits: &SpamLimits,
    now: PrimitiveDateTime,
) -> Result<(), InquiryError> {
    let created: PrimitiveDateTime = users::table
        .find(buyer_id.to_string())
        .select(users::created_at)
        .first(conn)?;
    let grown_up = created + limits.new_account_age;
    if grown_up <= now {
        return Ok(());
    }
    let recent: Vec<PrimitiveDateTime> = inquiries::table
        .filter(inquiries::buyer_id.eq(buyer_id.to_string()))
        .filter(inquiries::created_at.gt(now - SPAM_WINDOW))
        .select(inquiries::created_at)
        .load(conn)?;
    let cap = limits.new_account_daily_threads as usize;
    if recent.len() + new_threads <= cap {
        return Ok(());
    }
    let excess = recent.len() + new_threads - cap;
    let wait = match wait_for(recent, excess, now) {
        Some(w) => w.min(grown_up - now),
        None => grown_up - now,
    };
    Err(InquiryError::Throttled {
        rule: SpamRule::NewAccountDailyCap,
        retry_after_secs: secs(wait),
        message: format!(
            "new accounts may open at most {cap} inquiry threads in 24 hours; try again later"
        ),
    })
}

/// The same normalized message goes to at most `duplicate_max_companies` distinct companies
/// per buyer in any 24 hours, counting this request's own companies.
pub(crate) fn check_duplicates(
    conn: &mut DbConnection,
    buyer_id: Uuid,
    content_hash: &str,
    companies: &[Uuid],
    limits: &SpamLimits,
    now: PrimitiveDateTime,
) -> Result<(), InquiryError> {
    let earlier: Vec<(String, PrimitiveDateTime)> = inquiries::table
        .filter(inquiries::buyer_id.eq(buyer_id.to_string()))
        .filter(inquiries::content_hash.eq(content_hash))
        .filter(inquiries::created_at.gt(now - SPAM_WINDOW))
        .select((inquiries::company_id, inquiries::created_at))
        .load(conn)?;
    let now_targets: HashSet<Uuid> = companies.iter().copied().collect();
    // A company stays counted until its latest copy leaves the window.
    let mut latest: HashMap<Uuid, PrimitiveDateTime> = HashMap::new();
    for (company, at) in earlier {
        let company = parse_db_id(&company);
        if now_targets.contains(&company) {
            continue;
        }
        let slot = latest.entry(company).or_insert(at);
        *slot = (*slot).max(at);
    }
    let max = limits.duplicate_max_companies as usize;
    let total = latest.len() + now_targets.len();
    if total <= max {
        return Ok(());
    }
    let wait = wait_for(latest.into_values().collect(), total - max, now).unwrap_or(SPAM_WINDOW);
    Err(InquiryError::Throttled {
        rule: SpamRule::DuplicateMessage,
        retry_after_secs: secs(wait),
        message: format!(
            "this message already went to the most companies allowed in 24 hours ({max}); write to each supplier in your own words or try again later"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn waits_for_the_excess_oldest_to_leave() {
        let now = datetime!(2026-11-22 12:00);
        let times = vec![
            datetime!(2026-11-22 06:00),
            datetime!(2026-11-21 13:00),
            datetime!(2026-11-22 01:00),
        ];
        assert_eq!(wait_for(times.clone(), 1, now), Some(Duration::hours(1)));
        assert_eq!(wait_for(times.clone(), 2, now), Some(Duration::hours(13)));
        assert_eq!(wait_for(times, 4, now), None);
        assert_eq!(secs(Duration::milliseconds(1)), 1);
        assert_eq!(secs(Duration::milliseconds(1001)), 2);
    }
}
