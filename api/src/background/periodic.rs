//! The jobs that run every so often on the blocking pool, each a database transaction that is
//! safe in several processes at once.

use std::sync::Arc;
use std::time::Duration;

use crate::progress::{Loop, Progress};

/// Runs `job` on the blocking pool every `every` until aborted; failures are logged and the
/// next tick retries. `what` names the job in the log; each finished tick counts as a pass of
/// `which` in `progress`.
fn start_periodic(
    pool: domain::db::DbPool,
    every: Duration,
    what: &'static str,
    (which, progress): (Loop, Progress),
    job: impl Fn(&mut domain::db::DbConnection) -> anyhow::Result<usize> + Clone + Send + Sync + 'static,
) -> tokio::task::AbortHandle {
    let job = Arc::new(job);
    let task = tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let pool = pool.clone();
            let job = job.clone();
            let outcome = tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
                let mut conn = pool.get()?;
                job(&mut conn)
            })
            .await;
            match outcome {
                Ok(Ok(0)) => {}
                Ok(Ok(n)) => tracing::info!(job = what, count = n, "periodic job done"),
                Ok(Err(e)) => {
                    tracing::warn!(job = what, error = %e, "periodic job failed; retrying")
                }
                Err(e) => tracing::error!(job = what, error = %e, "periodic job task failed"),
            }
            progress.passed(which);
        }
    });
    task.abort_handle()
}

/// Every `every`, reminds owners of open listings that end within 24 hours (once per end date;
/// see `domain::listing::notify_expiring_listings`). Several processes may run this at once:
/// each listing is claimed by one of them.
pub fn start_expiry_reminders(
    pool: domain::db::DbPool,
    every: Duration,
    progress: &Progress,
) -> tokio::task::AbortHandle {
    let counted = (Loop::ExpiryReminders, progress.clone());
    start_periodic(pool, every, "expiry reminders", counted, |conn| {
        Ok(domain::listing::notify_expiring_listings(conn)?)
    })
}

/// Every `every`, recomputes each company's response rate and writes the changed ones with
/// their outbox events (see `domain::storefront::refresh_response_rates`).
pub fn start_response_rate_refresh(
    pool: domain::db::DbPool,
    every: Duration,
    progress: &Progress,
) -> tokio::task::AbortHandle {
    let counted = (Loop::ResponseRates, progress.clone());
    start_periodic(pool, every, "response rates", counted, |conn| {
        Ok(domain::storefront::refresh_response_rates(conn)?)
    })
}

/// Every `every`: warns companies whose business licence ends soon or has ended
/// (`domain::company::notify_licence_expiry`, once per threshold), lowers the penalty level of
/// companies whose points expired (`domain::penalty::relax_levels`) and recomputes credit
/// profiles (`domain::credit::refresh_credit`). Safe in several processes at once.
pub fn start_credit_jobs(
    pool: domain::db::DbPool,
    every: Duration,
    warning_days: Vec<u32>,
    policy: domain::penalty::PenaltyPolicy,
    progress: &Progress,
) -> tokio::task::AbortHandle {
    let counted = (Loop::CreditJobs, progress.clone());
    start_periodic(pool, every, "licences and credit", counted, move |conn| {
        let warned = domain::company::notify_licence_expiry(conn, &warning_days)?;
        let relaxed = domain::penalty::relax_levels(conn, &policy)?;
        let refreshed = domain::credit::refresh_credit(conn)?;
        Ok(warned + relaxed + refreshed)
    })
}

/// Every `every`, records as final the takedowns whose counter-notice window ended (see
/// `domain::takedown::finalize_due`).
pub fn start_takedown_finalizer(
    pool: domain::db::DbPool,
    every: Duration,
    progress: &Progress,
) -> tokio::task::AbortHandle {
    let counted = (Loop::TakedownFinalizer, progress.clone());
    start_periodic(pool, every, "takedown finalization", counted, |conn| {
        Ok(domain::takedown::finalize_due(conn)?)
    })
}

/// Every `every`, purges the registration records of companies that left more than
/// `retention_years` ago (see `domain::retention::purge_due`), and removes expired browser
/// sessions (`domain::account::remove_expired_web_sessions`).
pub fn start_retention_purge(
    pool: domain::db::DbPool,
    every: Duration,
    retention_years: u32,
    progress: &Progress,
) -> tokio::task::AbortHandle {
    let counted = (Loop::RetentionPurge, progress.clone());
    start_periodic(pool, every, "retention purge", counted, move |conn| {
        let purged = domain::retention::purge_due(conn, retention_years)?;
        Ok(purged + domain::account::remove_expired_web_sessions(conn)?)
    })
}

/// Every `every`, removes uploads never attached within `grace`, and their bytes where no
/// other upload shares them (see `crate::media::remove_orphans`).
pub fn start_media_orphan_cleanup(
    pool: domain::db::DbPool,
    store: crate::media::MediaStore,
    every: Duration,
    grace: Duration,
) -> tokio::task::AbortHandle {
    let task = tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match crate::media::remove_orphans(&pool, &store, grace).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(count = n, "orphan uploads removed"),
                Err(e) => tracing::warn!(error = %e, "orphan upload clean-up failed; retrying"),
            }
        }
    });
    task.abort_handle()
}
