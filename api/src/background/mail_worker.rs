//! The mail worker: claims due jobs under a lease, sends them (several at once, within each
//! recipient domain's sending limit), and records each outcome in its own transaction.
//!
//! - An unreachable relay (connection refused, TLS or network failure, 421) is nobody's fault:
//!   the job goes back without an attempt counted, the rest of the batch is released, and the
//!   worker waits 0.5 s, doubling up to `mail_outage_backoff_max_ms`, before trying again.
//! - A job is only started while its lease has at least the SMTP timeout left, so no other
//!   worker can claim a job that is still being sent.
//! - The only duplicate a crash can cause is a message the relay accepted just before the
//!   process died, before `record_outcome` committed: at most one per message in flight
//!   (`mail_concurrency`) per crash.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use domain::db::{DbConnection, DbPool};
use domain::email::{DeliveryPolicy, EmailJob, SendResult};
use futures_util::StreamExt;
use tokio::sync::watch;
use uuid::Uuid;

use super::MailWaker;
use crate::config::Config;
use crate::limits::{Quota, RateLimiter};
use crate::progress::{Loop, Progress};
use crate::smtp::dkim;
use crate::smtp::message::{Composer, Outgoing};
use crate::smtp::transport::Transport;

pub struct MailWorker {
    pool: DbPool,
    transport: Transport,
    composer: Composer,
    limiter: Arc<RateLimiter>,
    quota: Quota,
    policy: DeliveryPolicy,
    id: String,
    concurrency: usize,
    poll: Duration,
    smtp_timeout: Duration,
    outage_backoff_max: Duration,
    waker: MailWaker,
    progress: Progress,
}

/// A running worker; `stop` lets it finish the messages in flight.
pub struct MailWorkerHandle {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
    listener: Option<tokio::task::JoinHandle<()>>,
}

impl MailWorkerHandle {
    /// Asks the worker to stop after the messages it is sending (unstarted jobs of its batch
    /// are released), and waits up to `grace` before aborting it.
    pub async fn stop(self, grace: Duration) {
        let _ = self.stop.send(true);
        if let Some(listener) = &self.listener {
            listener.abort();
        }
        let abort = self.task.abort_handle();
        if tokio::time::timeout(grace, self.task).await.is_err() {
            tracing::warn!("mail worker did not stop in time; aborting it");
            abort.abort();
        }
    }

    /// Aborts at once (messages in flight may be sent again after the lease expires).
    pub fn abort(&self) {
        let _ = self.stop.send(true);
        self.task.abort();
        if let Some(listener) = &self.listener {
            listener.abort();
        }
    }
}

impl MailWorker {
    pub fn from_config(
        config: &Config,
        pool: DbPool,
        limiter: Arc<RateLimiter>,
        waker: MailWaker,
        progress: Progress,
    ) -> anyhow::Result<MailWorker> {
        let smtp_timeout = Duration::from_secs(config.mail_smtp_timeout_secs.max(1));
        let transport = Transport::new(
            config.smtp_url.as_deref(),
            config.data_dir(),
            config.mail_smtp_pool_size,
            smtp_timeout,
        )?;
        let composer = Composer::new(&config.mail_from, dkim::load(config)?, &config.public_url)?;
        Ok(MailWorker {
            pool,
            transport,
            composer,
            limiter,
            quota: Quota {
                name: "mail_domain",
                burst: config.mail_domain_burst.max(1),
                period: Duration::from_millis(config.mail_domain_period_ms.max(1)),
            },
            policy: config.delivery_policy(),
            id: format!(
                "{}-{}",
                std::process::id(),
                &Uuid::new_v4().simple().to_string()[..8]
            ),
            concurrency: config.mail_concurrency.max(1),
            poll: Duration::from_millis(config.mail_poll_ms.max(10)),
            smtp_timeout,
            outage_backoff_max: Duration::from_millis(config.mail_outage_backoff_max_ms.max(500)),
            waker,
            progress,
        })
    }

    /// Runs the worker on the current runtime until stopped.
    pub fn start(self) -> MailWorkerHandle {
        let (stop, stopped) = watch::channel(false);
        let listener = self.waker.listen();
        tracing::info!(worker = %self.id, transport = %self.transport.describe(), "mail worker started");
        let task = tokio::spawn(Arc::new(self).run(stopped));
        MailWorkerHandle {
            stop,
            task,
            listener,
        }
    }

    async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await?
    }

    /// Waits for a wake-up, the poll interval or a stop.
    async fn idle(&self, wait: Duration, stop: &mut watch::Receiver<bool>) {
        tokio::select! {
            _ = self.waker.woken() => {}
            _ = tokio::time::sleep(wait) => {}
            _ = stop.changed() => {}
        }
    }

    async fn run(self: Arc<Self>, mut stop: watch::Receiver<bool>) {
        let mut key: Option<Arc<Vec<u8>>> = None;
        let mut outage = Duration::ZERO;
        while !*stop.borrow() {
            let link_key = match &key {
                Some(k) => k.clone(),
                None => match self.db(|conn| Ok(domain::email::link_key(conn)?)).await {
                    Ok(k) => {
                        let k = Arc::new(k);
                        key = Some(k.clone());
                        k
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "mail worker cannot read the link key");
                        self.idle(self.poll, &mut stop).await;
                        continue;
                    }
                },
            };
            let id = self.id.clone();
            let policy = self.policy.clone();
            let claim = self
                .db(move |conn| Ok(domain::email::claim_due(conn, &id, &policy)?))
                .await;
            let claimed_at = Instant::now();
            let claim = match claim {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!(error = %e, "mail worker cannot claim jobs");
                    self.idle(self.poll, &mut stop).await;
                    continue;
                }
            };
            if claim.suppressed + claim.cancelled + claim.paused > 0 {
                tracing::info!(
                    suppressed = claim.suppressed,
                    cancelled = claim.cancelled,
                    paused = claim.paused,
                    "jobs not sent"
                );
            }
            if claim.jobs.is_empty() {
                self.progress.passed(Loop::MailWorker);
                if claim.suppressed + claim.cancelled + claim.paused == 0 {
                    self.idle(self.poll, &mut stop).await;
                }
                continue;
            }
            let down = self
                .send_batch(claim.jobs, claimed_at, &stop, link_key)
                .await;
            self.progress.passed(Loop::MailWorker);
            if down {
                outage = if outage.is_zero() {
                    Duration::from_millis(500)
                } else {
                    (outage * 2).min(self.outage_backoff_max)
                };
                tracing::warn!(
                    retry_in_ms = outage.as_millis() as u64,
                    "mail relay unavailable"
                );
                tokio::select! {
                    _ = tokio::time::sleep(outage) => {}
                    _ = stop.changed() => {}
                }
            } else {
                outage = Duration::ZERO;
            }
        }
        tracing::info!(worker = %self.id, "mail worker stopped");
    }

    /// Builds the message; a DKIM signature (an RSA-2048 one costs milliseconds of CPU) is made
    /// on the blocking pool rather than on an async worker.
    async fn compose(
        self: &Arc<Self>,
        job: &EmailJob,
        key: &Arc<Vec<u8>>,
    ) -> Result<Outgoing, String> {
        if self.composer.dkim.is_none() {
            return self.composer.build(job, key);
        }
        let (worker, job, key) = (Arc::clone(self), job.clone(), Arc::clone(key));
        tokio::task::spawn_blocking(move || worker.composer.build(&job, &key))
            .await
            .unwrap_or_else(|e| Err(format!("message builder failed: {e}")))
    }

    /// Sends a claimed batch; true when the relay was unreachable.
    async fn send_batch(
        self: &Arc<Self>,
        jobs: Vec<EmailJob>,
        claimed_at: Instant,
        stop: &watch::Receiver<bool>,
        key: Arc<Vec<u8>>,
    ) -> bool {
        let lease = self.policy.lease.unsigned_abs();
        let margin = (self.smtp_timeout + Duration::from_secs(1)).min(lease / 2);
        let deadline = claimed_at + lease.saturating_sub(margin);
        let down = AtomicBool::new(false);
        let unstarted: Mutex<Vec<Uuid>> = Mutex::new(Vec::new());
        futures_util::stream::iter(jobs)
            .for_each_concurrent(self.concurrency, |job| {
                let key = key.clone();
                let down = &down;
                let unstarted = &unstarted;
                async move {
                    if down.load(Ordering::Relaxed) || *stop.borrow() || Instant::now() >= deadline
                    {
                        unstarted
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .push(job.id);
                        return;
                    }
                    if let Some(wait) = self.limiter.wait_time(&self.quota, &job.to_domain).await {
                        let until = domain::clock::now()
                            + time::Duration::milliseconds(wait.as_millis() as i64 + 1);
                        let (id, job_id) = (self.id.clone(), job.id);
                        if let Err(e) = self
                            .db(move |conn| Ok(domain::email::postpone(conn, &id, job_id, until)?))
                            .await
                        {
                            tracing::warn!(error = %e, "cannot postpone a rate-limited job");
                        }
                        return;
                    }
                    let result = match self.compose(&job, &key).await {
                        Ok(message) => self.transport.send(&job, &message).await,
                        Err(error) => SendResult::Unsendable { error },
                    };
                    if matches!(result, SendResult::Unavailable { .. }) {
                        down.store(true, Ordering::Relaxed);
                    }
                    self.record(job, result).await;
                }
            })
            .await;
        let unstarted = unstarted.into_inner().unwrap_or_else(|p| p.into_inner());
        if !unstarted.is_empty() {
            let id = self.id.clone();
            if let Err(e) = self
                .db(move |conn| Ok(domain::email::release(conn, &id, &unstarted)?))
                .await
            {
                tracing::warn!(error = %e, "cannot release unsent jobs; their lease will expire");
            }
        }
        down.into_inner()
    }

    /// Records an outcome, retrying for a while when the database is briefly unavailable (a
    /// sent message that is not recorded would be sent again after its lease).
    async fn record(&self, job: EmailJob, result: SendResult) {
        let job = Arc::new(job);
        let result = Arc::new(result);
        let mut delay = Duration::from_millis(100);
        for attempt in 1..=6 {
            let (j, r, policy) = (job.clone(), result.clone(), self.policy.clone());
            match self
                .db(move |conn| Ok(domain::email::record_outcome(conn, &j, &r, &policy)?))
                .await
            {
                Ok(outcome) => {
                    tracing::debug!(job = %job.id, ?outcome, "mail job recorded");
                    return;
                }
                Err(e) if attempt < 6 => {
                    tracing::warn!(job = %job.id, error = %e, "cannot record a send; retrying");
                    tokio::time::sleep(delay).await;
                    delay *= 2;
                }
                Err(e) => {
                    tracing::error!(job = %job.id, error = %e, "cannot record a send; the job will be retried after its lease")
                }
            }
        }
    }
}
