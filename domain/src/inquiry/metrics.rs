//! A company's response metrics, computed from the recorded events of its threads (creation
//! and first response) whenever they are asked for.
//!
//! Over the threads created in the 30 days before `now`:
//! - a thread is *answered* when the company's first response (its first message, or marking
//!   the thread spam) came at most 24 h after the thread was created;
//! - a thread is *decided* when it is answered or its 24 h have passed; a younger thread still
//!   waiting for its first response is not yet a miss and is left out of the rate until its
//!   window closes;
//! - `response_rate = answered / decided` (none when nothing is decided);
//! - `median_first_response_secs` is the median, in whole seconds, of (first response −
//!   creation) over every thread of the window that has a first response, however late (the
//!   mean of the two middle values, rounded down, for an even count).

use std::collections::HashMap;

use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime};
use uuid::Uuid;

use crate::db::DbConnection;
use crate::db::schema::inquiries;
use crate::ids::parse_db_id;

/// The period the metrics look back over.
pub const METRICS_PERIOD: Duration = Duration::days(30);
/// How soon a response must come to count.
pub const RESPONSE_WINDOW: Duration = Duration::hours(24);

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ResponseMetrics {
    /// Threads created in the last 30 days.
    pub received: i64,
    /// Of those, the ones answered within 24 h or older than 24 h.
    pub decided: i64,
    /// Of those, the ones answered within 24 h.
    pub answered_within_24h: i64,
    /// `answered_within_24h / decided`; `None` when nothing is decided.
    pub response_rate: Option<f64>,
    /// Threads of the period with a first response at any delay.
    pub responded: i64,
    pub median_first_response_secs: Option<i64>,
}

/// The arithmetic, on `(created_at, first_response_at)` of the threads of the period.
pub fn compute(
    threads: &[(PrimitiveDateTime, Option<PrimitiveDateTime>)],
    now: PrimitiveDateTime,
) -> ResponseMetrics {
    let mut m = ResponseMetrics::default();
    let mut delays: Vec<i64> = Vec::new();
    for &(created, first) in threads {
        if created <= now - METRICS_PERIOD || created > now {
            continue;
        }
        m.received += 1;
        let delay = first.map(|f| f - created);
        let in_time = delay.is_some_and(|d| d <= RESPONSE_WINDOW);
        if in_time {
            m.answered_within_24h += 1;
        }
        if in_time || created + RESPONSE_WINDOW <= now {
            m.decided += 1;
        }
        if let Some(d) = delay {
            delays.push(d.whole_seconds().max(0));
        }
    }
    m.responded = delays.len() as i64;
    if m.decided > 0 {
        m.response_rate = Some(m.answered_within_24h as f64 / m.decided as f64);
    }
    delays.sort_unstable();
    let n = delays.len();
    m.median_first_response_secs = match n {
        0 => None,
        n if n % 2 == 1 => Some(delays[n / 2]),
        n => Some((delays[n / 2 - 1] + delays[n / 2]) / 2),
    };
    m
}

/// The metrics of several companies at `now` (for search ranking): one query.
pub fn response_metrics_of(
    conn: &mut DbConnection,
    company_ids: &[Uuid],
    now: PrimitiveDateTime,
) -> QueryResult<HashMap<Uuid, ResponseMetrics>> {
    let ids: Vec<String> = company_ids.iter().map(Uuid::to_string).collect();
    let rows: Vec<(String, PrimitiveDateTime, Option<PrimitiveDateTime>)> = inquiries::table
        .filter(inquiries::company_id.eq_any(ids))
        .filter(inquiries::created_at.gt(now - METRICS_PERIOD))
        .filter(inquiries::created_at.le(now))
        .select((
            inquiries::company_id,
            inquiries::created_at,
            inquiries::first_response_at,
        ))
        .load(conn)?;
    let mut grouped: HashMap<Uuid, Vec<(PrimitiveDateTime, Option<PrimitiveDateTime>)>> =
        company_ids.iter().map(|id| (*id, Vec::new())).collect();
    for (company, created, first) in rows {
        grouped
            .entry(parse_db_id(&company))
            .or_default()
            .push((created, first));
    }
    Ok(grouped
        .into_iter()
        .map(|(id, threads)| (id, compute(&threads, now)))
        .collect())
}

/// One company's metrics at `now`.
pub fn response_metrics(
    conn: &mut DbConnection,
    company_id: Uuid,
    now: PrimitiveDateTime,
) -> QueryResult<ResponseMetrics> {
    Ok(response_metrics_of(conn, &[company_id], now)?
        .remove(&company_id)
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn rate_and_median_on_a_fixed_history() {
        let t0 = datetime!(2026-11-01 08:00);
        let h = Duration::hours;
        let threads = [
            (t0, Some(t0 + h(1))),
            (t0, Some(t0 + h(3))),
            (t0, Some(t0 + h(30))),
            (t0, Some(t0 + h(2))), // marked spam
            (t0, None),
        ];
        let m = compute(&threads, t0 + h(48));
        assert_eq!(m.received, 5);
        assert_eq!(m.decided, 5);
        assert_eq!(m.answered_within_24h, 3);
        assert_eq!(m.response_rate, Some(0.6));
        assert_eq!(m.responded, 4);
        // 1 h, 2 h, 3 h, 30 h → (2 h + 3 h) / 2
        assert_eq!(m.median_first_response_secs, Some(9_000));
    }

    #[test]
    fn young_unanswered_threads_wait_for_their_window() {
        let t0 = datetime!(2026-11-01 08:00);
        let h = Duration::hours;
        let threads = [(t0, Some(t0 + h(1))), (t0 + h(10), None)];
        let at = |x| compute(&threads, t0 + h(x));
        assert_eq!(at(20).response_rate, Some(1.0));
        assert_eq!(at(20).received, 2);
        assert_eq!(at(34).response_rate, Some(0.5));
        assert_eq!(compute(&[(t0, None)], t0 + h(1)).response_rate, None);
        assert_eq!(compute(&[], t0).response_rate, None);
        // 30 days later the history is out of the period.
        assert_eq!(at(24 * 31).received, 0);
    }

    #[test]
    fn exactly_24_hours_counts() {
        let t0 = datetime!(2026-11-01 08:00);
        let threads = [(t0, Some(t0 + Duration::hours(24)))];
        assert_eq!(
            compute(&threads, t0 + Duration::days(2)).answered_within_24h,
            1
        );
        let late = [(t0, Some(t0 + Duration::hours(24) + Duration::seconds(1)))];
        assert_eq!(
            compute(&late, t0 + Duration::days(2)).answered_within_24h,
            0
        );
    }
}
