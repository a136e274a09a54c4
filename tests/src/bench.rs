//! What the throughput benches (`mail-bench`, `webhook-bench`) share: start the background
//! loops on a queue filled beforehand and time until the database says every item is done.

use std::time::{Duration, Instant};

/// Starts `services`' background loops and polls `done(url)` (on the blocking pool) until it
/// reaches `total`; returns the time taken. Fails after 600 s.
pub async fn time_until_done(
    services: &api::services::Services,
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
        tokio::time::sleep(Duration::from_millis(50)).await;
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
