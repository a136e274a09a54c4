//! Public appeal figures per month (by the month the appeal was filed).

use std::collections::BTreeMap;

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::model::AppealStatus;
use crate::db::DbConnection;
use crate::db::schema::appeals;
use crate::enums::from_db;
use crate::report::median_hours;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AppealMonth {
    /// `YYYY-MM` (UTC).
    pub month: String,
    pub received: i64,
    pub upheld: i64,
    pub rejected: i64,
    pub open: i64,
    /// Appeals against enforcement actions and against takedowns.
    pub against_enforcement: i64,
    pub against_takedowns: i64,
    /// Median hours from filing to decision over the month's decided appeals.
    pub median_handling_hours: Option<f64>,
}

/// The last `months` months that had appeals, newest first.
pub fn appeal_figures(conn: &mut DbConnection, months: usize) -> QueryResult<Vec<AppealMonth>> {
    let rows: Vec<(PrimitiveDateTime, String, String, Option<PrimitiveDateTime>)> = appeals::table
        .select((
            appeals::created_at,
            appeals::status,
            appeals::target_type,
            appeals::decided_at,
        ))
        .load(conn)?;
    let mut by_month: BTreeMap<String, (AppealMonth, Vec<f64>)> = BTreeMap::new();
    for (created, status, target, decided) in rows {
        let month = format!("{:04}-{:02}", created.year(), u8::from(created.month()));
        let (m, hours) = by_month.entry(month.clone()).or_insert_with(|| {
            (
                AppealMonth {
                    month,
                    ..AppealMonth::default()
                },
                Vec::new(),
            )
        });
        m.received += 1;
        match from_db(&status, AppealStatus::parse, AppealStatus::Open) {
            AppealStatus::Upheld => m.upheld += 1,
            AppealStatus::Rejected => m.rejected += 1,
            AppealStatus::Open => m.open += 1,
        }
        if target == "takedown" {
            m.against_takedowns += 1;
        } else {
            m.against_enforcement += 1;
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
