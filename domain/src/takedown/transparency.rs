//! Public takedown figures per month (by the month the notice was filed).

use std::collections::BTreeMap;

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::model::TakedownStatus;
use crate::clock::now;
use crate::db::DbConnection;
use crate::db::schema::takedown_notices;
use crate::enums::from_db;
use crate::report::median_hours;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TakedownMonth {
    /// `YYYY-MM` (UTC).
    pub month: String,
    pub received: i64,
    /// Not decided yet.
    pub pending: i64,
    pub rejected: i64,
    /// Accepted and still down: in the counter-notice window, countered, final or kept down.
    pub taken_down: i64,
    /// Accepted, then restored after a counter-notice or reversed on appeal.
    pub restored: i64,
    /// Notices that drew a counter-notice.
    pub counter_notices: i64,
    /// Median hours from filing to the operator's accept or reject, over decided notices.
    pub median_handling_hours: Option<f64>,
}

type Row = (
    PrimitiveDateTime,
    String,
    Option<PrimitiveDateTime>,
    Option<PrimitiveDateTime>,
    Option<PrimitiveDateTime>,
);

/// The last `months` months that had notices, newest first.
pub fn takedown_figures(conn: &mut DbConnection, months: usize) -> QueryResult<Vec<TakedownMonth>> {
    let rows: Vec<Row> = takedown_notices::table
        .select((
            takedown_notices::created_at,
            takedown_notices::status,
            takedown_notices::counter_deadline,
            takedown_notices::decided_at,
            takedown_notices::countered_at,
        ))
        .load(conn)?;
    let at = now();
    let mut by_month: BTreeMap<String, (TakedownMonth, Vec<f64>)> = BTreeMap::new();
    for (created, status, deadline, decided, countered) in rows {
        let month = format!("{:04}-{:02}", created.year(), u8::from(created.month()));
        let (m, hours) = by_month.entry(month.clone()).or_insert_with(|| {
            (
                TakedownMonth {
                    month,
                    ..TakedownMonth::default()
                },
                Vec::new(),
            )
        });
        m.received += 1;
        let mut status = from_db(&status, TakedownStatus::parse, TakedownStatus::Submitted);
        if status == TakedownStatus::Accepted && deadline.is_some_and(|d| at >= d) {
            status = TakedownStatus::Final;
        }
        match status {
            TakedownStatus::Submitted => m.pending += 1,
            TakedownStatus::Rejected => m.rejected += 1,
            TakedownStatus::Restored | TakedownStatus::Reversed => m.restored += 1,
            _ => m.taken_down += 1,
        }
        if countered.is_some() {
            m.counter_notices += 1;
        }
        if let Some(decided) = decided {
            hours.push((decided - created).as_seconds_f64() / 3600.0);
        }
    }
    Ok(by_month
        .into_values()
        .rev()
        .take(months)
        .map(|(mut m, hours)| {
            m.median_handling_hours = median_hours(hours);
            m
        })
        .collect())
}
