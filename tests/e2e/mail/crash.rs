//! `kill -9` of a real `tradefair worker` process in the middle of a batch, three times, with a
//! slowish SMTP server: after the last restart every message has arrived. Duplicates are
//! counted by Message-ID and printed; a crash can duplicate only the message whose acceptance
//! was not yet recorded, so with one message in flight there are at most as many duplicates as
//! kills.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use domain::db::schema::email_jobs;
use e2e::smtp::SmtpSink;
use e2e::{Backend, TestApp, both_backends};

use super::common::*;

fn start_worker(app: &TestApp, sink: &SmtpSink, data_dir: &std::path::Path) -> Child {
    let mut child = Command::new(e2e::binary::tradefair_binary())
        .arg("worker")
        .env("DATABASE_URL", &app.db.url)
        .env("TRADEFAIR_DATA_DIR", data_dir)
        .env("SMTP_URL", sink.url())
        .env("TRADEFAIR_MAIL_FROM", "Tradefair <noreply@tradefair.test>")
        .env("TRADEFAIR_MAIL_CONCURRENCY", "1")
        .env("TRADEFAIR_MAIL_BATCH_SIZE", "20")
        .env("TRADEFAIR_MAIL_LEASE_SECS", "3")
        .env("TRADEFAIR_MAIL_SMTP_TIMEOUT_SECS", "1")
        .env("TRADEFAIR_MAIL_POLL_MS", "50")
        .env("TRADEFAIR_MAIL_DOMAIN_BURST", "10000")
        .env("TRADEFAIR_MAIL_DOMAIN_PERIOD_MS", "1")
        .env("RUST_LOG", "warn")
        .env_remove("REDIS_URL")
        .env_remove("TRADEFAIR_MAIL_WORKER")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("worker process starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("worker says it runs");
    assert!(line.contains("worker running (mail worker on)"), "{line}");
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    child
}

async fn kill_9_mid_batch_loses_nothing(b: Backend) {
    const JOBS: usize = 240;
    let sink = SmtpSink::start();
    sink.set_delay(Duration::from_millis(15));
    // This test's server does not send: only the worker processes do.
    let app = TestApp::spawn_with(b, |c| {
        fast(c);
        c.mail_worker = false;
    })
    .await;
    let mut expected = Vec::new();
    for i in 0..JOBS {
        let id = enqueue(
            &app,
            transactional(&format!("c{i}@crash{}.example", i % 4), None),
        )
        .await;
        expected.push(format!("<{id}@tradefair.test>"));
    }
    let data_dir = tempfile::tempdir().unwrap();
    let mut child = start_worker(&app, &sink, data_dir.path());
    let mut kills = 0;
    for target in [50, 110, 170] {
        assert!(
            sink.wait_for(target, Duration::from_secs(90)),
            "only {} messages arrived",
            sink.count()
        );
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        kills += 1;
        child = start_worker(&app, &sink, data_dir.path());
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let sent: i64 = app
            .with_db(|conn| {
                email_jobs::table
                    .filter(email_jobs::status.eq("sent"))
                    .count()
                    .get_result(conn)
                    .unwrap()
            })
            .await;
        if sent as usize == JOBS {
            break;
        }
        assert!(Instant::now() < deadline, "only {sent} of {JOBS} jobs sent");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    child.kill().ok();
    child.wait().ok();

    let mut copies: HashMap<String, usize> = HashMap::new();
    for m in sink.messages() {
        *copies
            .entry(m.header("Message-ID").expect("Message-ID"))
            .or_default() += 1;
    }
    let lost: Vec<&String> = expected
        .iter()
        .filter(|id| !copies.contains_key(*id))
        .collect();
    let duplicates: Vec<(&String, &usize)> = copies.iter().filter(|(_, n)| **n > 1).collect();
    let extra = copies.keys().filter(|id| !expected.contains(id)).count();
    println!(
        "mail crash test ({b:?}): {JOBS} jobs, {kills} kills, {} messages received, {} lost, {} duplicated: {duplicates:?}",
        sink.count(),
        lost.len(),
        duplicates.len()
    );
    assert!(lost.is_empty(), "lost: {lost:?}");
    assert_eq!(extra, 0);
    let duplicate_copies: usize = duplicates.iter().map(|(_, n)| *n - 1).sum();
    assert!(
        duplicate_copies <= kills,
        "{duplicate_copies} duplicate copies after {kills} kills: {duplicates:?}"
    );
}

both_backends!(kill_9_mid_batch_loses_nothing);
