//! Public transparency figures: reports per month by outcome and how long handling took.

use std::collections::BTreeMap;

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::model::ReportStatus;
use crate::db::DbConnection;
use crate::db::schema::reports;

/// One calendar month (UTC) of reports, by the month they were filed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MonthFigures {
    /// `YYYY-MM`.
    pub month: String,
    pub received: i64,
    pub upheld: i64,
    pub dismissed: i64,
    pub open: i64,
    /// Median hours from filing to resolution over the month's resolved reports.
    pub median_handling_hours: Option<f64>,
}

/// The median of `hours`, rounded to a tenth (shared by the takedown and appeal figures).
pub fn median_hours(hours: Vec<f64>) -> Option<f64> {
    median(hours).map(|h| (h * 10.0).round() / 10.0)
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}

/// The last `months` months that had reports, newest first.
pub fn transparency(conn: &mut DbConnection, months: usize) -> QueryResult<Vec<MonthFigures>> {
    let rows: Vec<(PrimitiveDateTime, String, Option<PrimitiveDateTime>)> = reports::table
        .select((reports::created_at, reports::status, reports::handled_at))
        .load(conn)?;
    let mut by_month: BTreeMap<String, (MonthFigures, Vec<f64>)> = BTreeMap::new();
    for (created, status, handled) in rows {
        let month = format!("{:04}-{:02}", created.year(), u8::from(created.month()));
        let (figures, hours) = by_month.entry(month.clone()).or_insert_with(|| {
            (
                MonthFigures {
                    month,
                    ..MonthFigures::default()
                },
                Vec::new(),
            )
        });
        figures.received += 1;
        match ReportStatus::parse(&status) {
            Some(ReportStatus::Upheld) => figures.upheld += 1,
            Some(ReportStatus::Dismissed) => figures.dismissed += 1,
            _ => figures.open += 1,
        }
        if let Some(handled) = handled {
            hours.push((handled - created).as_seconds_f64() / 3600.0);
        }
    }
    Ok(by_month
        .into_values()
        .rev()
        .take(months)
        .map(|(mut f, hours)| {
            f.median_handling_hours = median_hours(hours);
            f
        })
        .collect())
}
