//! Everything this process runs outside a request, and what starts and stops it; used by both
//! `tradefair serve` (with HTTP) and `tradefair worker` (without).
//!
//! - `periodic`: the jobs that run every so often (expiry reminders, response rates, licences
//!   and credit, takedown finalization, the retention purge, orphan uploads).
//! - `mail_worker`: sends the e-mail outbox through `smtp`; `mail_waker` tells it to look now.
//! - `lead_matching`: matches what the index took in against the subscriptions and turns leads
//!   and notifications into e-mail jobs.
//! - `indexer`: the search indexer thread, and the handle that stops it with the loops.
//! - `import_worker`: processes queued catalog imports in batches, resuming after a crash.
//! - `webhook_worker`: sends the webhook deliveries, signed, with retries, to public addresses
//!   only.
//!
//! To add a loop, start it in `start_background` (or, if it needs this process's index or
//! media store, in `app::Application::build`) and keep its handle in `Background`.

pub mod import_worker;
mod indexer;
mod lead_matching;
mod mail_waker;
mod mail_worker;
pub mod periodic;
pub mod webhook_worker;

use std::time::Duration;

pub use indexer::{IndexerHandle, start_indexer};
pub use lead_matching::start_lead_matching;
pub use mail_waker::MailWaker;
pub use mail_worker::{MailWorker, MailWorkerHandle};

use crate::services::Services;

/// The running background loops.
#[derive(Default)]
pub struct Background {
    periodic: Vec<tokio::task::AbortHandle>,
    mail: Option<MailWorkerHandle>,
}

/// How long a stopping mail worker may take to finish the messages it is sending.
const MAIL_GRACE: Duration = Duration::from_secs(15);

impl Background {
    /// Keeps a loop started elsewhere, so `stop` ends it with the others.
    pub fn add(&mut self, task: tokio::task::AbortHandle) {
        self.periodic.push(task);
    }

    /// Stops every loop; the mail worker first finishes the messages in flight.
    pub async fn stop(mut self) {
        for task in self.periodic.drain(..) {
            task.abort();
        }
        if let Some(mail) = self.mail.take() {
            mail.stop(MAIL_GRACE).await;
        }
    }

    /// `stop` from synchronous code on a runtime's blocking thread (or anywhere: without a
    /// runtime the loops are aborted).
    pub fn stop_blocking(self) {
        match tokio::runtime::Handle::try_current() {
            Ok(handle) => handle.block_on(self.stop()),
            Err(_) => {
                for task in &self.periodic {
                    task.abort();
                }
                if let Some(mail) = &self.mail {
                    mail.abort();
                }
            }
        }
    }
}

/// Starts every background loop of this process: expiry reminders, response-rate refresh,
/// licence warnings with credit refresh, takedown finalization, the retention purge, the catalog
/// import worker (unless `import_worker` is off), the webhook worker (unless `webhook_worker` is
/// off) and,
/// unless `mail_worker` is off, the mail worker. Call on a Tokio runtime.
pub fn start_background(services: &Services) -> anyhow::Result<Background> {
    let config = &services.config;
    let mut background = Background::default();
    background.periodic.push(periodic::start_expiry_reminders(
        services.pool.clone(),
        Duration::from_secs(config.expiry_check_secs.max(1)),
        &services.progress,
    ));
    background
        .periodic
        .push(periodic::start_response_rate_refresh(
            services.pool.clone(),
            Duration::from_secs(config.response_rate_refresh_secs.max(1)),
            &services.progress,
        ));
    background.periodic.push(periodic::start_credit_jobs(
        services.pool.clone(),
        Duration::from_secs(config.credit_refresh_secs.max(1)),
        config.licence_warning_days(),
        config.penalty_policy(),
        &services.progress,
    ));
    background.periodic.push(periodic::start_takedown_finalizer(
        services.pool.clone(),
        Duration::from_secs(config.takedown_check_secs.max(1)),
        &services.progress,
    ));
    background.periodic.push(periodic::start_retention_purge(
        services.pool.clone(),
        Duration::from_secs(config.retention_purge_secs.max(1)),
        config.retention_years,
        &services.progress,
    ));
    if config.import_worker {
        background.periodic.push(import_worker::start(services));
    }
    if config.webhook_worker {
        background.periodic.push(webhook_worker::start(services));
    }
    if config.mail_worker {
        let worker = MailWorker::from_config(
            config,
            services.pool.clone(),
            services.limiter.clone(),
            services.mail.clone(),
            services.progress.clone(),
        )?;
        background.mail = Some(worker.start());
    }
    Ok(background)
}
