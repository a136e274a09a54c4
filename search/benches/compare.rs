//! The same catalog and text queries on four engines: this index, SQLite FTS5, PostgreSQL
//! full-text search and PostgreSQL pg_trgm. The SQL engines get the text already segmented by
//! our analyzer (jieba, folding, stemming), joined by spaces, so they match the same terms (the
//! trigram one as substrings, a superset); what differs is the engine. Each query is timed as top 20 alone, and as top 20 plus the exact total and category
//! counts (what the search endpoint needs).
//!
//!   TRADEFAIR_TEST_PG_URL=postgres://… cargo bench -p search --bench compare -- [products]

mod common;

use std::time::{Duration, Instant};

use common::{Rng, companies, product, queries};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Text};
use search::analyzer::{analyze, trade_analyzer};
use search::document::product_document;
use search::query::{Detail, search_products};
use tantivy::IndexWriter;

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    #[allow(dead_code)]
    id: i64,
}

#[derive(QueryableByName)]
struct CategoryCount {
    #[diesel(sql_type = Text)]
    #[allow(dead_code)]
    category: String,
    #[diesel(sql_type = BigInt)]
    #[allow(dead_code)]
    n: i64,
}

fn percentiles(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort();
    let at = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1e3;
    (at(0.5), at(0.99))
}

const ROUNDS: usize = 50;

/// `(id, category, segmented text)` rows in chunks of 2,000, bound as three arrays to `insert`.
fn pg_insert(conn: &mut PgConnection, rows: &[(i64, String, String)], insert: &str) {
    for chunk in rows.chunks(2000) {
        let ids: Vec<i64> = chunk.iter().map(|d| d.0).collect();
        let cats: Vec<String> = chunk.iter().map(|d| d.1.clone()).collect();
        let bodies: Vec<String> = chunk.iter().map(|d| d.2.clone()).collect();
        diesel::sql_query(insert)
            .bind::<Array<BigInt>, _>(ids)
            .bind::<Array<Text>, _>(cats)
            .bind::<Array<Text>, _>(bodies)
            .execute(conn)
            .expect("insert");
    }
}

fn main() {
    let n: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let pg_url = std::env::var("TRADEFAIR_TEST_PG_URL")
        .expect("set TRADEFAIR_TEST_PG_URL (eval \"$(scripts/services.sh)\")");
    let companies = companies();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut analyzer = trade_analyzer();
    let docs: Vec<_> = (0..n).map(|i| product(&mut rng, i, &companies)).collect();
    let segmented: Vec<(i64, String, String)> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let p = &d.product;
            let attrs: Vec<String> = p
                .attributes
                .iter()
                .map(|a| format!("{} {}", a.name, a.value))
                .collect();
            let text = format!(
                "{} {} {} {} {}",
                p.title_zh.clone().unwrap_or_default(),
                p.title_en.clone().unwrap_or_default(),
                p.keywords.join(" "),
                attrs.join(" "),
                p.description
            );
            (
                i as i64,
                d.category_parent.clone(),
                analyze(&mut analyzer, &text).join(" "),
            )
        })
        .collect();
    let text_queries: Vec<(&str, String)> = queries()
        .into_iter()
        .filter(|(_, q)| !q.q.is_empty() && q.category.is_none() && q.price_max.is_none())
        .map(|(name, q)| {
            let mut terms = analyze(&mut analyzer, &q.q);
            terms.dedup();
            (name, terms.join(" "))
        })
        .collect();
    println!(
        "products: {n}, text queries: {}, rounds: {ROUNDS}\n",
        text_queries.len()
    );

    // --- this index ---
    let dir = tempfile::tempdir().expect("dir");
    let index = search::IndexStore::new(dir.path()).create().expect("index");
    let started = Instant::now();
    let mut writer: IndexWriter = index.index.writer(256 * 1024 * 1024).expect("writer");
    for d in &docs {
        writer
            .add_document(product_document(&index.fields, d))
            .expect("add");
    }
    writer.commit().expect("commit");
    let tantivy_build = started.elapsed();
    writer.wait_merging_threads().expect("merge");
    index.reader.reload().expect("reload");
    let (mut t_full, mut t_top) = (Vec::new(), Vec::new());
    let searcher = index.reader.searcher();
    let synonyms = search::Synonyms::default();
    for (_, terms) in &text_queries {
        let mut q = queries()[0].1.clone();
        q.q = terms.clone();
        for _ in 0..ROUNDS {
            let t = Instant::now();
            search_products(&index, &synonyms, &q, Detail::Full).expect("search");
            t_full.push(t.elapsed());
        }
        let f = index.fields;
        let query = common::text_query(
            &[
                f.title_zh,
                f.title_en,
                f.keywords,
                f.attributes,
                f.description,
            ],
            terms.split(' '),
        );
        for _ in 0..ROUNDS {
            let t = Instant::now();
            let _ = searcher
                .search(
                    &query,
                    &tantivy::collector::TopDocs::with_limit(20).order_by_score(),
                )
                .expect("search");
            t_top.push(t.elapsed());
        }
    }

    // --- SQLite FTS5 ---
    let sqlite_dir = tempfile::tempdir().expect("dir");
    let mut sqlite =
        SqliteConnection::establish(&sqlite_dir.path().join("fts.db").to_string_lossy())
            .expect("sqlite");
    diesel::sql_query("PRAGMA journal_mode = WAL")
        .execute(&mut sqlite)
        .expect("wal");
    diesel::sql_query(
        "CREATE VIRTUAL TABLE docs USING fts5(category UNINDEXED, body, tokenize = 'unicode61')",
    )
    .execute(&mut sqlite)
    .expect("fts5");
    let started = Instant::now();
    sqlite
        .transaction::<_, diesel::result::Error, _>(|c| {
            for (id, category, body) in &segmented {
                diesel::sql_query("INSERT INTO docs (rowid, category, body) VALUES (?, ?, ?)")
                    .bind::<BigInt, _>(id)
                    .bind::<Text, _>(category)
                    .bind::<Text, _>(body)
                    .execute(c)?;
            }
            Ok(())
        })
        .expect("insert");
    let fts5_build = started.elapsed();
    let (mut s_full, mut s_top) = (Vec::new(), Vec::new());
    for (_, terms) in &text_queries {
        let matcher = terms
            .split(' ')
            .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(" AND ");
        for _ in 0..ROUNDS {
            let t = Instant::now();
            let _: Vec<Id> = diesel::sql_query(
                "SELECT rowid AS id FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 20",
            )
            .bind::<Text, _>(&matcher)
            .load(&mut sqlite)
            .expect("top");
            s_top.push(t.elapsed());
            let _: Vec<CategoryCount> = diesel::sql_query(
                "SELECT category, count(*) AS n FROM docs WHERE docs MATCH ? GROUP BY category",
            )
            .bind::<Text, _>(&matcher)
            .load(&mut sqlite)
            .expect("facets");
            s_full.push(t.elapsed());
        }
    }

    // --- PostgreSQL full-text search ---
    let mut pg = PgConnection::establish(&pg_url).expect("postgres");
    let db = format!("bench_{}", uuid::Uuid::new_v4().simple());
    diesel::sql_query(format!("CREATE DATABASE {db}"))
        .execute(&mut pg)
        .expect("create db");
    let mut pgdb = PgConnection::establish(&format!(
        "{}/{db}",
        pg_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&pg_url)
    ))
    .expect("bench db");
    diesel::sql_query(
        "CREATE TABLE docs (id BIGINT PRIMARY KEY, category TEXT NOT NULL, body TSVECTOR NOT NULL)",
    )
    .execute(&mut pgdb)
    .expect("table");
    let started = Instant::now();
    pg_insert(
        &mut pgdb,
        &segmented,
        "INSERT INTO docs SELECT i, c, to_tsvector('simple', b) FROM unnest($1::bigint[], $2::text[], $3::text[]) AS t(i, c, b)",
    );
    diesel::sql_query("CREATE INDEX docs_body ON docs USING GIN (body)")
        .execute(&mut pgdb)
        .expect("gin");
    diesel::sql_query("ANALYZE docs")
        .execute(&mut pgdb)
        .expect("analyze");
    let pg_build = started.elapsed();
    let (mut p_full, mut p_top) = (Vec::new(), Vec::new());
    for (_, terms) in &text_queries {
        for _ in 0..ROUNDS {
            let t = Instant::now();
            let _: Vec<Id> = diesel::sql_query("SELECT id FROM docs, plainto_tsquery('simple', $1) q WHERE body @@ q ORDER BY ts_rank(body, q) DESC LIMIT 20").bind::<Text, _>(terms).load(&mut pgdb).expect("top");
            p_top.push(t.elapsed());
            let _: Vec<CategoryCount> = diesel::sql_query("SELECT category, count(*) AS n FROM docs WHERE body @@ plainto_tsquery('simple', $1) GROUP BY category").bind::<Text, _>(terms).load(&mut pgdb).expect("facets");
            p_full.push(t.elapsed());
        }
    }

    // pg_trgm is 20-30x slower than tsvector here (docs/benchmarks.md); COMPARE_SKIP_TRGM=1
    // leaves it out of a run.
    let (mut trgm_build, mut g_full, mut g_top) = (Duration::ZERO, Vec::new(), Vec::new());
    if std::env::var_os("COMPARE_SKIP_TRGM").is_none() {
        // --- PostgreSQL pg_trgm: substring matching on the same segmented text ---
        diesel::sql_query("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            .execute(&mut pgdb)
            .expect("pg_trgm");
        diesel::sql_query(
            "CREATE TABLE docs_trgm (id BIGINT PRIMARY KEY, category TEXT NOT NULL, body TEXT NOT NULL)",
        )
        .execute(&mut pgdb)
        .expect("trgm table");
        let started = Instant::now();
        pg_insert(
            &mut pgdb,
            &segmented,
            "INSERT INTO docs_trgm SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])",
        );
        diesel::sql_query("CREATE INDEX docs_trgm_body ON docs_trgm USING GIN (body gin_trgm_ops)")
            .execute(&mut pgdb)
            .expect("gin trgm");
        diesel::sql_query("ANALYZE docs_trgm")
            .execute(&mut pgdb)
            .expect("analyze");
        trgm_build = started.elapsed();
        for (_, terms) in &text_queries {
            // Every term as a substring (the index narrows by trigrams; a term of fewer than three
            // characters, such as most Chinese words of two, gives it none to narrow by).
            let literal = |t: &str| format!("'{}'", t.replace('\'', "''"));
            let like = |t: &str| {
                let escaped = t
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
                format!("body ILIKE {}", literal(&format!("%{escaped}%")))
            };
            let filter = terms.split(' ').map(like).collect::<Vec<_>>().join(" AND ");
            let top = format!(
                "SELECT id FROM docs_trgm WHERE {filter} ORDER BY similarity(body, {}) DESC LIMIT 20",
                literal(terms)
            );
            let facets = format!(
                "SELECT category, count(*) AS n FROM docs_trgm WHERE {filter} GROUP BY category"
            );
            for _ in 0..ROUNDS {
                let t = Instant::now();
                let _: Vec<Id> = diesel::sql_query(&top).load(&mut pgdb).expect("top");
                g_top.push(t.elapsed());
                let _: Vec<CategoryCount> =
                    diesel::sql_query(&facets).load(&mut pgdb).expect("facets");
                g_full.push(t.elapsed());
            }
        }
    }
    drop(pgdb);
    diesel::sql_query(format!("DROP DATABASE {db} WITH (FORCE)"))
        .execute(&mut pg)
        .expect("drop db");

    println!(
        "| engine | build | top 20: p50 / p99 ms | top 20 + total + category counts: p50 / p99 ms |"
    );
    println!("|---|---:|---:|---:|");
    for (name, build, top, full) in [
        ("this index (tantivy)", tantivy_build, t_top, t_full),
        ("SQLite FTS5", fts5_build, s_top, s_full),
        ("PostgreSQL tsvector + GIN", pg_build, p_top, p_full),
        ("PostgreSQL pg_trgm + GIN", trgm_build, g_top, g_full),
    ] {
        if top.is_empty() {
            continue;
        }
        let (t50, t99) = percentiles(top);
        let (f50, f99) = percentiles(full);
        println!(
            "| {name} | {:.1} s ({:.0}/s) | {t50:.2} / {t99:.2} | {f50:.2} / {f99:.2} |",
            build.as_secs_f64(),
            n as f64 / build.as_secs_f64()
        );
    }
    println!(
        "\nThe tantivy full column is the endpoint's whole search: all-terms query over five weighted"
    );
    println!(
        "fields with typo expansion, total and four facet counts (estimated past the count bound) and"
    );
    println!("the verified, response-rate and credit boosts.");
}
