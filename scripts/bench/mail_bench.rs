//! E-mail sending throughput: queues N jobs, starts the mail worker (the same code `serve` and
//! `tradefair worker` run) against a loopback SMTP sink, and times until every job is `sent`.
//! Built as the `mail-bench` binary of the e2e package; run through `scripts/bench/mail.sh`.
//!
//!   mail-bench [--jobs 20000] [--concurrency 8] [--batch 200] [--domains 20]
//!              [--dkim none|rsa|ed25519] [--tracking] [--database-url URL]
//!
//! Without `--database-url` a SQLite file in a temp dir is used. Only loopback is touched.

use std::time::Instant;

use diesel::prelude::*;
use domain::db::schema::email_jobs;
use domain::email::{EmailCategory, NewEmail};
use e2e::smtp::SmtpSink;

struct Args {
    jobs: usize,
    concurrency: usize,
    batch: i64,
    domains: usize,
    dkim: String,
    tracking: bool,
    database_url: Option<String>,
}

fn args() -> Args {
    let mut a = Args {
        jobs: 20_000,
        concurrency: 8,
        batch: 200,
        domains: 20,
        dkim: "none".into(),
        tracking: false,
        database_url: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--jobs" => a.jobs = value().parse().expect("--jobs N"),
            "--concurrency" => a.concurrency = value().parse().expect("--concurrency N"),
            "--batch" => a.batch = value().parse().expect("--batch N"),
            "--domains" => a.domains = value().parse().expect("--domains N"),
            "--dkim" => a.dkim = value(),
            "--tracking" => a.tracking = true,
            "--database-url" => a.database_url = Some(value()),
            other => panic!("unknown argument {other}"),
        }
    }
    a
}

fn count_sent(url: &str) -> i64 {
    let mut conn = domain::db::DbConnection::open(url).expect("database");
    email_jobs::table
        .filter(email_jobs::status.eq("sent"))
        .count()
        .get_result(&mut conn)
        .expect("count")
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = args();
    let dir = tempfile::tempdir()?;
    let sink = SmtpSink::start();
    let mut config = api::Config {
        data_dir: dir.path().to_owned(),
        database_url: args.database_url.clone(),
        smtp_url: Some(sink.url()),
        mail_from: "Tradefair <noreply@bench.tradefair.test>".into(),
        public_url: "https://bench.tradefair.test".into(),
        mail_worker: false,
        mail_concurrency: args.concurrency,
        mail_batch_size: args.batch,
        mail_smtp_pool_size: args.concurrency as u32,
        mail_poll_ms: 20,
        mail_domain_burst: 1_000_000,
        mail_domain_period_ms: 1,
        db_pool_size: 16,
        ..api::Config::default()
    };
    let key_dir = tempfile::tempdir()?;
    match args.dkim.as_str() {
        "none" => {}
        "rsa" => {
            config.dkim_key_file =
                Some(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/dkim/rsa2048.pem").into())
        }
        "ed25519" => {
            let path = key_dir.path().join("ed25519.key");
            std::fs::write(&path, "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=")?;
            config.dkim_key_file = Some(path);
        }
        other => anyhow::bail!("--dkim none|rsa|ed25519, not {other}"),
    }
    // Migrations and the queue, with the worker still off.
    let services = api::services::Services::connect(config.clone()).await?;
    let url = config.database_url();
    let host = config.message_id_host();
    let (jobs, domains, tracking) = (args.jobs, args.domains.max(1), args.tracking);
    let queued = Instant::now();
    let pool = services.pool.clone();
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut conn = pool.get()?;
        let html = format!(
            "<html><body><h1>新品推荐 New products</h1>{}</body></html>",
            (0..10)
                .map(|i| format!("<p><a href=\"https://shop.example/p/{i}\">304不锈钢真空保温杯 {i}</a></p>"))
                .collect::<String>()
        );
        for chunk in (0..jobs).collect::<Vec<_>>().chunks(1000) {
            domain::db::transaction(&mut conn, |conn| -> anyhow::Result<()> {
                for i in chunk {
                    domain::email::enqueue(
                        conn,
                        NewEmail {
                            category: EmailCategory::Transactional,
                            kind: "bench".into(),
                            user_id: None,
                            to_address: format!("r{i}@d{}.bench.example", i % domains),
                            subject: format!("您有新的询盘 New inquiry #{i}"),
                            text_body: "A buyer sent you an inquiry about 304 stainless steel vacuum flasks.\n".repeat(8),
                            html_body: html.clone(),
                            list_unsubscribe: Some(format!("https://bench.tradefair.test/u/{i}")),
                            tracking,
                            dedupe_key: None,
                        },
                        &host,
                    )?;
                }
                Ok(())
            })?;
        }
        Ok(())
    })
    .await??;
    eprintln!(
        "queued {jobs} jobs in {:.1} s",
        queued.elapsed().as_secs_f64()
    );

    let mut worker_config = config.clone();
    worker_config.mail_worker = true;
    let services = api::services::Services {
        config: std::sync::Arc::new(worker_config),
        ..services
    };
    let elapsed = e2e::bench::time_until_done(
        &services,
        api::progress::Loop::MailWorker,
        &url,
        jobs,
        count_sent,
    )
    .await?;
    let backend = e2e::bench::backend_name(&url);
    println!(
        "mail-bench: {jobs} messages to {domains} domains, {backend}, concurrency {}, batch {}, DKIM {}, tracking {}: {:.2} s, {:.0} messages/s (sink received {})",
        args.concurrency,
        args.batch,
        args.dkim,
        tracking,
        elapsed.as_secs_f64(),
        jobs as f64 / elapsed.as_secs_f64(),
        sink.count()
    );
    Ok(())
}
