//! Catalog import throughput: writes a file of ROWS product rows (CSV, no images), queues it as
//! a supplier's import and runs the worker's loop on it (`claim_import`, `read_claimed`,
//! `process_batch` per batch with the worker's pause, `finish`: what `import_worker` does,
//! without HTTP), then prints rows/s. Then the same file again (every row matches its product
//! and changes nothing) and a file that changes every row's description (every row an update)
//! are timed too. Built as the `import-bench` example of the domain package (a release build of
//! the domain alone); run through `scripts/bench/import.sh`.
//!
//!   import-bench [--rows 2000] [--batch 100] [--pause-ms 20] [--database-url postgres://…]
//!
//! Without `--database-url` it uses a new SQLite file in a temp dir. Screening runs without the
//! search crate's word segmenter (the server installs it), as plain substring rules.

use std::time::{Duration, Instant};

use domain::Actor;
use domain::account::{AccountType, Registration, register_verified};
use domain::catalog_import::{
    Format, ImportStatus, claim_import, finish, process_batch, read_claimed, start_import,
};
use domain::company::{CompanyInput, ContactInput, complete_uscc, create_company};
use domain::db::{DbConnection, run_migrations};

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

/// `edition` goes into every description, so a file of another edition changes every row.
fn file(rows: usize, edition: u32) -> Vec<u8> {
    let mut out = String::from(
        "sku,title_zh,title_en,category_id,unit,moq,currency,price_tiers,lead_time_days,place_of_origin,keywords,attributes,description\r\n",
    );
    for i in 0..rows {
        out.push_str(&format!(
            "B-{i:06},不锈钢保温杯 {i},Vacuum flask {i},home-goods.drinkware,piece,100,CNY,100:49.90; 1000:42.50,15,浙江永康,保温杯; flask,材质=304不锈钢,<p>双层真空 {i} 第{edition}版</p>\r\n"
        ));
    }
    out.into_bytes()
}

/// Runs the worker's loop over every queued import; the rows processed.
fn work(conn: &mut DbConnection, batch: usize, pause: Duration) -> usize {
    let lease = time::Duration::seconds(60);
    let mut rows = 0;
    while let Some(job) = claim_import(conn, lease).expect("claim") {
        let sheet = read_claimed(conn, &job)
            .expect("read")
            .expect("a readable file");
        let mut job = job;
        for chunk in sheet.rows.chunks(batch) {
            process_batch(conn, &job, &sheet, chunk, lease)
                .expect("batch")
                .expect("still ours");
            job.rows_done += chunk.len() as i32;
            rows += chunk.len();
            std::thread::sleep(pause);
        }
        finish(conn, job.id, ImportStatus::Completed, None).expect("finish");
    }
    rows
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rows: usize = arg(&args, "--rows").map_or(2_000, |v| v.parse().expect("--rows"));
    let batch: usize = arg(&args, "--batch").map_or(100, |v| v.parse().expect("--batch"));
    let pause = Duration::from_millis(
        arg(&args, "--pause-ms").map_or(20, |v| v.parse().expect("--pause-ms")),
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let url = arg(&args, "--database-url")
        .unwrap_or_else(|| dir.path().join("bench.db").to_string_lossy().into_owned());
    domain::wire();
    if !url.starts_with("postgres") {
        let mut conn = DbConnection::open(&url).expect("open");
        diesel::connection::SimpleConnection::batch_execute(&mut conn, "PRAGMA journal_mode = WAL")
            .expect("WAL");
    }
    let mut conn = DbConnection::open(&url).expect("open");
    run_migrations(&mut conn).expect("migrations");

    let user = register_verified(
        &mut conn,
        Registration {
            email: format!("bench-{}@example.com", uuid::Uuid::new_v4().simple()),
            password: "a long bench password 2026".into(),
            display_name: "Bench".into(),
            account_type: "supplier".into(),
            accept_terms: true,
        },
    )
    .expect("account");
    let actor = Actor {
        user_id: user.id,
        account_type: AccountType::Supplier,
    };
    let company = create_company(
        &mut conn,
        &actor,
        CompanyInput {
            legal_name: Some("宁波基准测试有限公司".into()),
            credit_code: complete_uscc("91330206MA2BENCH0"),
            legal_representative: Some("王建国".into()),
            registered_address: Some("浙江省宁波市北仑区纬三路58号".into()),
            province: Some("浙江省".into()),
            city: Some("宁波市".into()),
            business_scope: Some("保温杯制造".into()),
            employee_range: Some("51-200".into()),
            company_type: Some("manufacturer".into()),
            contacts: Some(vec![ContactInput {
                name: "王经理".into(),
                phone: Some("+86-574-8765-4321".into()),
                email: None,
            }]),
            ..Default::default()
        },
    )
    .expect("company");

    let backend = if url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    // The same file again updates nothing (every row matches its product); the next edition
    // changes every row.
    for (pass, edition) in [("create", 1), ("same file", 1), ("update", 2)] {
        let content = file(rows, edition);
        start_import(&mut conn, &actor, company.id, Format::Csv, None, content).expect("queued");
        let started = Instant::now();
        let done = work(&mut conn, batch, pause);
        let secs = started.elapsed().as_secs_f64();
        println!(
            "{backend}, {pass}: {done} rows in {secs:.2} s = {:.0} rows/s (batch {batch}, pause {} ms)",
            done as f64 / secs,
            pause.as_millis()
        );
    }
}
