//! Rebuilding the index from the database (`tradefair reindex`): reading every public product
//! with what search needs of its company and category, one product at a time (three queries
//! each) against batches of 1,000 (three queries per batch), and the whole `rebuild`.
//!
//!   cargo bench -p search --bench rebuild -- [copies of the demo catalog, default 400]
//!
//! SQLite file in a temporary directory: the demo data, its products copied `copies` times.

use std::time::Instant;

use diesel::prelude::*;
use domain::catalog::{product_search_doc, product_search_docs, public_product_ids_after};
use domain::db::{DbConnection, connect_pool, run_migrations};

fn main() {
    let copies: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(400);
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("tradefair.db");
    let url = path.to_string_lossy().to_string();
    domain::wire();
    let mut conn = DbConnection::open(&url).expect("open");
    run_migrations(&mut conn).expect("migrations");
    domain::demo::load(&mut conn).expect("demo");
    drop(conn);
    let mut raw = SqliteConnection::establish(&url).expect("sqlite");
    let started = Instant::now();
    // Copy i of a product keeps its first 19 id characters, then its row number and i (still a
    // UUID, and unique: two products may share more than 19 leading characters).
    diesel::sql_query(format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {copies})
         INSERT INTO products
         SELECT substr(id, 1, 19) || printf('%04x-%012x', products.rowid, n.i), company_id, status, title_zh,
                title_en, description, category_id, attributes, images, unit, moq,
                price_on_request, currency, price_tiers, price_min_minor, price_max_minor,
                lead_time_days, place_of_origin, keywords, review_note, published_at,
                created_at, updated_at, deleted_at, changes_requested_at
         FROM products, n"
    ))
    .execute(&mut raw)
    .expect("copy products");
    drop(raw);
    println!(
        "catalog copied {copies} times in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let pool = connect_pool(&url, 4).expect("pool");
    let mut conn = pool.get().expect("conn");
    let mut ids = Vec::new();
    let mut after = None;
    while let Some(last) = {
        let page = public_product_ids_after(&mut conn, after, 1000).expect("ids");
        let last = page.last().copied();
        ids.extend(page);
        last
    } {
        after = Some(last);
    }
    let n = ids.len();

    let started = Instant::now();
    let mut one_by_one = 0;
    for id in &ids {
        one_by_one += usize::from(product_search_doc(&mut conn, *id).expect("doc").is_some());
    }
    let single = started.elapsed();
    let started = Instant::now();
    let mut batched = 0;
    for chunk in ids.chunks(1000) {
        batched += product_search_docs(&mut conn, chunk).expect("docs").len();
    }
    let batch = started.elapsed();
    assert_eq!(one_by_one, batched, "both reads find the same products");
    println!(
        "read {n} public products: one at a time {:.2} s ({:.0}/s), batches of 1,000 {:.2} s ({:.0}/s)",
        single.as_secs_f64(),
        n as f64 / single.as_secs_f64(),
        batch.as_secs_f64(),
        n as f64 / batch.as_secs_f64()
    );
    drop(conn);

    let store = search::IndexStore::new(&dir.path().join("index"));
    let started = Instant::now();
    search::rebuild(&store, &pool).expect("rebuild");
    let rebuild = started.elapsed();
    println!(
        "rebuild (products, companies, listings): {:.1} s ({:.0} products/s)",
        rebuild.as_secs_f64(),
        n as f64 / rebuild.as_secs_f64()
    );
}
