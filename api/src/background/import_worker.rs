//! The catalog import worker: every `TRADEFAIR_IMPORT_POLL_MS` it claims a queued import (or
//! one whose worker died: its lease ran out, `domain::catalog_import::claim_import`) and
//! processes its rows in batches of `TRADEFAIR_IMPORT_BATCH_ROWS`, each batch one transaction
//! with the job's progress, pausing `TRADEFAIR_IMPORT_BATCH_PAUSE_MS` between batches. A pass ends when the claimed import is finished, so a watcher that
//! waits for two passes (`progress::Loop::CatalogImports`) sees every import queued before it
//! started done.

use std::sync::Arc;
use std::time::Duration;

use domain::catalog_import::{self, ImportStatus};
use domain::db::DbPool;

use crate::services::Services;

/// Starts the worker loop; abort the handle to stop it.
pub fn start(services: &Services) -> tokio::task::AbortHandle {
    let services = services.clone();
    let task = tokio::spawn(async move {
        let config = services.config.clone();
        let every = Duration::from_millis(config.import_poll_ms.max(10));
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match pass(&services).await {
                // Counted once its results are committed, so a watcher can wait on it.
                Ok(()) => services
                    .progress
                    .passed(crate::progress::Loop::CatalogImports),
                Err(e) => tracing::warn!(error = %e, "catalog import pass failed; retrying"),
            }
        }
    });
    task.abort_handle()
}

/// Runs `f` with a connection of the pool on the blocking pool.
async fn with_conn<T: Send + 'static>(
    pool: &DbPool,
    f: impl FnOnce(&mut domain::db::DbConnection) -> anyhow::Result<T> + Send + 'static,
) -> anyhow::Result<T> {
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || f(&mut *pool.get()?)).await?
}

/// One pass: every claimable import, each to its end (or until another worker takes it over).
/// Each batch takes a connection of its own and the worker pauses between batches: on SQLite,
/// one writer going from batch to batch would keep the write lock from the other loops and
/// requests, which wait for it holding connections of the pool.
async fn pass(services: &Services) -> anyhow::Result<()> {
    let config = &services.config;
    let pool = &services.pool;
    let batch = config.import_batch_rows.max(1);
    let pause = config.import_batch_pause();
    let lease = time::Duration::seconds(config.import_lease_secs.max(1) as i64);
    loop {
        // `None`: nothing to claim; `Some(None)`: a job whose file could not be read, now
        // marked failed.
        let claimed = with_conn(pool, move |conn| {
            let Some(job) = catalog_import::claim_import(conn, lease)? else {
                return Ok(None);
            };
            let sheet = catalog_import::read_claimed(conn, &job)?;
            Ok(Some(sheet.map(|sheet| (job, Arc::new(sheet)))))
        })
        .await?;
        let (mut job, sheet) = match claimed {
            None => return Ok(()),
            Some(None) => continue,
            Some(Some(claimed)) => claimed,
        };
        let total = sheet.rows.len();
        let mut start = usize::try_from(job.rows_done).unwrap_or(0).min(total);
        let mut owned = true;
        while start < total {
            let end = (start + batch).min(total);
            let (j, s) = (job.clone(), sheet.clone());
            let done = with_conn(pool, move |conn| {
                Ok(catalog_import::process_batch(
                    conn,
                    &j,
                    &s,
                    &s.rows[start..end],
                    lease,
                )?)
            })
            .await?;
            if done.is_none() {
                owned = false;
                break;
            }
            job.rows_done += (end - start) as i32;
            start = end;
            tokio::time::sleep(pause).await;
        }
        if owned {
            let id = job.id;
            with_conn(pool, move |conn| {
                Ok(catalog_import::finish(
                    conn,
                    id,
                    ImportStatus::Completed,
                    None,
                )?)
            })
            .await?;
            tracing::info!(import = %job.id, rows = total, "catalog import finished");
        }
    }
}
