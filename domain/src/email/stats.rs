//! Delivery and engagement reports for operators: per day, and per job (a digest is one job of
//! kind `lead_digest`).

use std::collections::BTreeMap;

use diesel::dsl::count_star;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};
use time::{Date, PrimitiveDateTime};
use uuid::Uuid;

use super::EmailError;
use super::model::{EmailJob, EventKind, JobRow, JobStatus};
use crate::access::{PlatformAction, may_on_platform};
use crate::db::DbConnection;
use crate::db::schema::{email_events, email_jobs};
use crate::paging::{Page, PageRequest};
use crate::{Actor, FieldError};

/// Event counts. `opened` and `clicked` count messages (a message opened five times counts
/// once); `opens` and `clicks` count every open and click.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventCounts {
    pub sent: i64,
    pub delivered: i64,
    pub deferred: i64,
    pub bounced: i64,
    pub opened: i64,
    pub opens: i64,
    pub clicked: i64,
    pub clicks: i64,
    pub unsubscribed: i64,
    pub complained: i64,
}

impl EventCounts {
    fn add(&mut self, event: &str, total: i64, jobs: i64) {
        match EventKind::parse(event) {
            Some(EventKind::Sent) => self.sent += total,
            Some(EventKind::Delivered) => self.delivered += total,
            Some(EventKind::Deferred) => self.deferred += total,
            Some(EventKind::Bounced) => self.bounced += total,
            Some(EventKind::Opened) => {
                self.opened += jobs;
                self.opens += total;
            }
            Some(EventKind::Clicked) => {
                self.clicked += jobs;
                self.clicks += total;
            }
            Some(EventKind::Unsubscribed) => self.unsubscribed += total,
            Some(EventKind::Complained) => self.complained += total,
            None => {}
        }
    }
}

#[derive(Debug, Clone)]
pub struct DayStats {
    pub day: Date,
    pub counts: EventCounts,
}

#[derive(QueryableByName)]
struct DayRow {
    #[diesel(sql_type = Text)]
    day: String,
    #[diesel(sql_type = Text)]
    event: String,
    #[diesel(sql_type = BigInt)]
    total: i64,
    #[diesel(sql_type = BigInt)]
    jobs: i64,
}

/// Counts per UTC day of events in `[from, to)`; at most 366 days.
pub fn daily_stats(
    conn: &mut DbConnection,
    actor: &Actor,
    from: PrimitiveDateTime,
    to: PrimitiveDateTime,
) -> Result<Vec<DayStats>, EmailError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(EmailError::Forbidden);
    }
    if to <= from {
        return Err(EmailError::Validation(vec![FieldError::new(
            "to",
            "before_from",
            "must be after `from`",
        )]));
    }
    if to - from > time::Duration::days(366) {
        return Err(EmailError::Validation(vec![FieldError::new(
            "to",
            "out_of_range",
            "at most 366 days",
        )]));
    }
    let sql = match conn {
        DbConnection::Pg(_) => {
            "SELECT to_char(created_at, 'YYYY-MM-DD') AS day, event, COUNT(*) AS total, \
             COUNT(DISTINCT job_id) AS jobs FROM email_events \
             WHERE created_at >= $1 AND created_at < $2 GROUP BY 1, 2 ORDER BY 1, 2"
        }
        DbConnection::Sqlite(_) => {
            "SELECT substr(created_at, 1, 10) AS day, event, COUNT(*) AS total, \
             COUNT(DISTINCT job_id) AS jobs FROM email_events \
             WHERE created_at >= ? AND created_at < ? GROUP BY 1, 2 ORDER BY 1, 2"
        }
    };
    let rows: Vec<DayRow> = diesel::sql_query(sql)
        .bind::<Timestamp, _>(from)
        .bind::<Timestamp, _>(to)
        .load(conn)?;
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let mut days: BTreeMap<Date, EventCounts> = BTreeMap::new();
    for row in rows {
        let Ok(day) = Date::parse(&row.day, &format) else {
            continue;
        };
        days.entry(day)
            .or_default()
            .add(&row.event, row.total, row.jobs);
    }
    Ok(days
        .into_iter()
        .map(|(day, counts)| DayStats { day, counts })
        .collect())
}

/// A job and what happened to it.
#[derive(Debug, Clone)]
pub struct JobReport {
    pub job: EmailJob,
    pub counts: EventCounts,
}

fn counts_for(
    conn: &mut DbConnection,
    ids: &[String],
) -> QueryResult<BTreeMap<String, EventCounts>> {
    let rows: Vec<(String, String, i64)> = email_events::table
        .filter(email_events::job_id.eq_any(ids))
        .group_by((email_events::job_id, email_events::event))
        .select((email_events::job_id, email_events::event, count_star()))
        .load(conn)?;
    let mut map: BTreeMap<String, EventCounts> = BTreeMap::new();
    for (job, event, n) in rows {
        map.entry(job).or_default().add(&event, n, i64::from(n > 0));
    }
    Ok(map)
}

#[derive(Debug, Clone, Default)]
pub struct JobFilter {
    pub kind: Option<String>,
    pub status: Option<String>,
    pub to_address: Option<String>,
}

/// Jobs, newest first, with their event counts.
pub fn list_jobs(
    conn: &mut DbConnection,
    actor: &Actor,
    filter: &JobFilter,
    page: &PageRequest,
) -> Result<Page<JobReport>, EmailError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(EmailError::Forbidden);
    }
    if let Some(status) = &filter.status
        && JobStatus::parse(status).is_none()
    {
        return Err(EmailError::Validation(vec![FieldError::new(
            "status",
            "invalid",
            format!("must be one of {}", JobStatus::names()),
        )]));
    }
    let mut query = email_jobs::table
        .select(JobRow::as_select())
        .order(email_jobs::id.desc())
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(kind) = &filter.kind {
        query = query.filter(email_jobs::kind.eq(kind.clone()));
    }
    if let Some(status) = &filter.status {
        query = query.filter(email_jobs::status.eq(status.clone()));
    }
    if let Some(to) = &filter.to_address {
        query = query.filter(email_jobs::to_address.eq(to.trim().to_owned()));
    }
    if let Some(after) = &page.after {
        query = query.filter(email_jobs::id.lt(after.clone()));
    }
    let rows: Vec<JobRow> = query.load(conn)?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut counts = counts_for(conn, &ids)?;
    let reports: Vec<JobReport> = rows
        .into_iter()
        .map(|r| {
            let counts = counts.remove(&r.id).unwrap_or_default();
            JobReport {
                job: EmailJob::from(r),
                counts,
            }
        })
        .collect();
    Ok(page.page(reports, |r| r.job.id.to_string()))
}

/// One job with its event counts.
pub fn job_report(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<JobReport, EmailError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(EmailError::Forbidden);
    }
    let job = super::delivery::get_job(conn, id)?.ok_or(EmailError::JobNotFound)?;
    let counts = counts_for(conn, &[id.to_string()])?
        .remove(&id.to_string())
        .unwrap_or_default();
    Ok(JobReport { job, counts })
}

/// How many jobs are in each state (every state, zeros included), for monitoring.
pub fn jobs_by_status(conn: &mut DbConnection) -> QueryResult<Vec<(JobStatus, i64)>> {
    let counts: Vec<(String, i64)> = email_jobs::table
        .group_by(email_jobs::status)
        .select((email_jobs::status, count_star()))
        .load(conn)?;
    Ok(JobStatus::ALL
        .iter()
        .map(|s| {
            let n = counts
                .iter()
                .find(|(name, _)| name == s.as_str())
                .map_or(0, |(_, n)| *n);
            (*s, n)
        })
        .collect())
}
