//! The lead e-mail loop of a process: match what the index just took in against the
//! subscriptions, turn recorded leads and requested notifications into e-mail jobs, send the
//! digests whose window closed, and wake the mail worker when there is something to send.
//! Every step is a database transaction that moves its consumer's position with its output,
//! so several processes may run this loop at once.

use std::sync::{Arc, Mutex};

use super::MailWaker;
use crate::progress::{Loop, Progress};
use std::time::{Duration, Instant};

use domain::db::DbPool;
use domain::lead_alerts::{MailSettings, mail_notifications, send_due_digests, send_instant};
use search::matcher::LeadMatcher;

fn run_once(
    matcher: &Mutex<LeadMatcher>,
    pool: &DbPool,
    settings: &MailSettings,
    digests: bool,
) -> anyhow::Result<usize> {
    {
        let mut m = matcher.lock().unwrap_or_else(|p| p.into_inner());
        // Drain what the index already shows, a batch at a time.
        for _ in 0..20 {
            let step = m.step()?;
            if step.events == 0 {
                break;
            }
            if step.recorded > 0 {
                tracing::info!(
                    items = step.items,
                    candidates = step.candidates,
                    leads = step.recorded,
                    "lead matching"
                );
            }
        }
    }
    let mut conn = pool.get()?;
    let mut jobs = send_instant(&mut conn, settings)?.len();
    for _ in 0..20 {
        let n = mail_notifications(&mut conn, settings)?.len();
        jobs += n;
        if n == 0 {
            break;
        }
    }
    if digests {
        jobs += send_due_digests(&mut conn, settings)?.len();
    }
    Ok(jobs)
}

/// Starts the loop; it polls every `poll` (the index poll interval) and stops when aborted.
pub fn start_lead_matching(
    pool: DbPool,
    search: search::Search,
    settings: MailSettings,
    wake: MailWaker,
    poll: Duration,
    digest_check: Duration,
    progress: Progress,
) -> tokio::task::AbortHandle {
    let matcher = Arc::new(Mutex::new(LeadMatcher::new(
        pool.clone(),
        search,
        time::Duration::days(settings.lead_max_age_days),
    )));
    let settings = Arc::new(settings);
    let task = tokio::spawn(async move {
        let mut last_digest: Option<Instant> = None;
        loop {
            let digests = last_digest.is_none_or(|t| t.elapsed() >= digest_check);
            if digests {
                last_digest = Some(Instant::now());
            }
            let (m, p, s) = (matcher.clone(), pool.clone(), settings.clone());
            let outcome = tokio::task::spawn_blocking(move || run_once(&m, &p, &s, digests)).await;
            match outcome {
                Ok(Ok(0)) => {}
                Ok(Ok(_)) => wake.wake(),
                Ok(Err(e)) => tracing::warn!(error = %e, "lead e-mail step failed; retrying"),
                Err(e) => tracing::error!(error = %e, "lead e-mail task failed"),
            }
            progress.passed(Loop::LeadMail);
            if digests {
                progress.passed(Loop::LeadDigests);
            }
            tokio::time::sleep(poll).await;
        }
    });
    task.abort_handle()
}
