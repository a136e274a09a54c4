//! The process's shared services and its background loops, used by both `tradefair serve`
//! (with HTTP) and `tradefair worker` (without).
//!
//! To add a loop, start it in `start_background` and keep its handle in `Background`.

use std::sync::Arc;
use std::time::Duration;

use redis::aio::ConnectionManager;

use crate::config::Config;
use crate::limits::{RateLimiter, Revocations};
use crate::mail::{MailWaker, MailWorker, MailWorkerHandle};
use crate::progress::Progress;

/// What handlers and background loops share: the database pool, Redis when configured, the
/// limiters and the mail waker.
#[derive(Clone)]
pub struct Services {
    pub config: Arc<Config>,
    pub pool: domain::db::DbPool,
    pub redis: Option<ConnectionManager>,
    pub limiter: Arc<RateLimiter>,
    pub revocations: Arc<Revocations>,
    /// Call `wake()` after committing e-mail jobs.
    pub mail: MailWaker,
    /// The pass counts of this process's background loops.
    pub progress: Progress,
}

impl Services {
    /// Opens the database (applying migrations) and Redis.
    pub async fn connect(config: Config) -> anyhow::Result<Services> {
        let pool = crate::app::open_database(&config).await?;
        let (redis, limiter, revocations, mail) = match &config.redis_url {
            Some(url) => {
                let client = redis::Client::open(url.as_str())?;
                let conn = client.get_connection_manager().await?;
                (
                    Some(conn.clone()),
                    RateLimiter::redis(conn.clone(), &config.redis_prefix),
                    Revocations::redis(conn.clone(), &config.redis_prefix),
                    MailWaker::redis(conn, url, &config.redis_prefix),
                )
            }
            None => (
                None,
                RateLimiter::memory(),
                Revocations::memory(),
                MailWaker::local(),
            ),
        };
        // Created once here, outside any transaction, so services only ever read it.
        {
            let pool = pool.clone();
            tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
                let mut conn = pool.get()?;
                domain::email::link_key(&mut conn)?;
                Ok(())
            })
            .await??;
        }
        Ok(Services {
            config: Arc::new(config),
            pool,
            redis,
            limiter: Arc::new(limiter),
            revocations: Arc::new(revocations),
            mail,
            progress: Progress::default(),
        })
    }
}

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
/// licence warnings with credit refresh, takedown finalization, the retention purge, the webhook worker (unless `webhook_worker` is off) and,
/// unless `mail_worker` is off, the mail worker. Call on a Tokio runtime.
pub fn start_background(services: &Services) -> anyhow::Result<Background> {
    let config = &services.config;
    let mut background = Background::default();
    background.periodic.push(crate::app::start_expiry_reminders(
        services.pool.clone(),
        Duration::from_secs(config.expiry_check_secs.max(1)),
        &services.progress,
    ));
    background
        .periodic
        .push(crate::app::start_response_rate_refresh(
            services.pool.clone(),
            Duration::from_secs(config.response_rate_refresh_secs.max(1)),
            &services.progress,
        ));
    background.periodic.push(crate::app::start_credit_jobs(
        services.pool.clone(),
        Duration::from_secs(config.credit_refresh_secs.max(1)),
        config.licence_warning_days(),
        config.penalty_policy(),
        &services.progress,
    ));
    background
        .periodic
        .push(crate::app::start_takedown_finalizer(
            services.pool.clone(),
            Duration::from_secs(config.takedown_check_secs.max(1)),
            &services.progress,
        ));
    background.periodic.push(crate::app::start_retention_purge(
        services.pool.clone(),
        Duration::from_secs(config.retention_purge_secs.max(1)),
        config.retention_years,
        &services.progress,
    ));
    if config.webhook_worker {
        background
            .periodic
            .push(crate::webhook_worker::start(services));
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
