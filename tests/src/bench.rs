//! What the throughput benches (`mail-bench`, `webhook-bench`) share: start the background
//! loops on a queue filled beforehand and time until the database says every item is done.

use std::time::{Duration, Instant};

/// Starts `services`' background loops and asks `done(url)` (on the blocking pool) after each
/// pass of the loop `worker` until it reaches `total`; returns the time taken. Fails after 600 s.
pub async fn time_until_done(
    services: &api::services::Services,
    worker: api::progress::Loop,
    url: &str,
    total: usize,
    done: fn(&str) -> i64,
) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let background = api::background::start_background(services)?;
    let deadline = started + Duration::from_secs(600);
    loop {
        let u = url.to_owned();
        let finished = tokio::task::spawn_blocking(move || done(&u)).await?;
        if finished as usize >= total {
            break;
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "only {finished} of {total} done in 600 s"
        );
        let next = services.progress.passes(worker) + 1;
        let left = deadline.saturating_duration_since(Instant::now());
        // A timeout here is reported by the deadline check above on the next look.
        let _ = tokio::time::timeout(left, services.progress.reached(worker, next)).await;
    }
    let elapsed = started.elapsed();
    background.stop().await;
    Ok(elapsed)
}

/// The database's name for the report line.
pub fn backend_name(url: &str) -> &'static str {
    if url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    }
}
