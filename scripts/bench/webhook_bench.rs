//! Webhook delivery throughput: registers an endpoint on a loopback receiver for a demo
//! supplier, queues N deliveries as the events would (`domain::webhook::enqueue`), starts the
//! webhook worker (the same code `serve` and `tradefair worker` run) and times until every
//! delivery is `delivered`. Built as the `webhook-bench` binary of the e2e package; run through
//! `scripts/bench/webhook.sh`.
//!
//!   webhook-bench [--deliveries 10000] [--batch 100] [--database-url URL]
//!
//! Without `--database-url` a SQLite file in a temp dir is used. Only loopback is touched (the
//! bench turns on the test-only loopback allowance for its own receiver).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use diesel::prelude::*;
use domain::db::schema::{company_members, users, webhook_deliveries};
use domain::webhook::{EventType, NewEndpoint};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Args {
    deliveries: usize,
    batch: i64,
    database_url: Option<String>,
}

fn args() -> Args {
    let mut a = Args {
        deliveries: 10_000,
        batch: 100,
        database_url: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--deliveries" => a.deliveries = value().parse().expect("--deliveries N"),
            "--batch" => a.batch = value().parse().expect("--batch N"),
            "--database-url" => a.database_url = Some(value()),
            other => panic!("unknown argument {other}"),
        }
    }
    a
}

/// A receiver that answers every request 200 and counts them; one request per connection, as
/// the worker opens one per delivery.
async fn receiver(count: Arc<AtomicUsize>) -> anyhow::Result<u16> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let count = count.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 8192];
                loop {
                    let Ok(n) = stream.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                        continue;
                    };
                    let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                    let length = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    if buf.len() >= end + 4 + length {
                        break;
                    }
                }
                count.fetch_add(1, Ordering::Relaxed);
                let _ = stream
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    .await;
            });
        }
    });
    Ok(port)
}

fn count_delivered(url: &str) -> i64 {
    let mut conn = domain::db::DbConnection::open(url).expect("database");
    webhook_deliveries::table
        .filter(webhook_deliveries::status.eq("delivered"))
        .count()
        .get_result(&mut conn)
        .expect("count")
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = args();
    let dir = tempfile::tempdir()?;
    let received = Arc::new(AtomicUsize::new(0));
    let port = receiver(received.clone()).await?;
    let config = api::Config {
        data_dir: dir.path().to_owned(),
        database_url: args.database_url.clone(),
        public_url: "https://bench.tradefair.test".into(),
        mail_worker: false,
        webhook_worker: false,
        webhook_poll_ms: 10,
        webhook_batch_size: args.batch,
        webhook_allow_loopback: true,
        db_pool_size: 16,
        ..api::Config::default()
    };
    // Migrations, the demo data and the queue, with the worker still off.
    let services = api::services::Services::connect(config.clone()).await?;
    let url = config.database_url();
    let deliveries = args.deliveries;
    let queued = Instant::now();
    let pool = services.pool.clone();
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut conn = pool.get()?;
        let logins = domain::demo::load(&mut conn)?;
        let (user, company): (String, String) = users::table
            .inner_join(company_members::table)
            .filter(users::email.eq(&logins.supplier))
            .select((users::id, company_members::company_id))
            .first(&mut conn)?;
        let actor = domain::Actor {
            user_id: user.parse()?,
            account_type: domain::access::AccountType::Supplier,
        };
        let company: uuid::Uuid = company.parse()?;
        domain::webhook::create(
            &mut conn,
            &actor,
            company,
            NewEndpoint {
                url: format!("http://127.0.0.1:{port}/hooks/tradefair"),
                event_types: vec![EventType::InquiryCreated.as_str().to_owned()],
            },
            true,
        )
        .map_err(|e| anyhow::anyhow!("endpoint: {e}"))?;
        for chunk in (0..deliveries).collect::<Vec<_>>().chunks(1000) {
            domain::db::transaction(&mut conn, |conn| -> anyhow::Result<()> {
                for i in chunk {
                    domain::webhook::enqueue(
                        conn,
                        company,
                        EventType::InquiryCreated,
                        serde_json::json!({
                            "inquiry_id": uuid::Uuid::now_v7(),
                            "subject": format!("询价：304不锈钢真空保温杯 #{i}"),
                            "buyer_country": "DE",
                            "quantity": 5000,
                        }),
                    )?;
                }
                Ok(())
            })?;
        }
        Ok(())
    })
    .await??;
    eprintln!(
        "queued {deliveries} deliveries in {:.1} s",
        queued.elapsed().as_secs_f64()
    );

    let mut worker_config = config.clone();
    worker_config.webhook_worker = true;
    let services = api::services::Services {
        config: Arc::new(worker_config),
        ..services
    };
    let elapsed = e2e::bench::time_until_done(
        &services,
        api::progress::Loop::Webhooks,
        &url,
        deliveries,
        count_delivered,
    )
    .await?;
    let backend = e2e::bench::backend_name(&url);
    println!(
        "webhook-bench: {deliveries} deliveries, {backend}, batch {}: {:.2} s, {:.0} deliveries/s (receiver got {})",
        args.batch,
        elapsed.as_secs_f64(),
        deliveries as f64 / elapsed.as_secs_f64(),
        received.load(Ordering::Relaxed)
    );
    Ok(())
}
