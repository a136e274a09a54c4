//! Search engine benchmark: a deterministic bilingual catalog, bulk indexing rate, and query
//! latency (p50/p99) for a fixed query set with and without facets.
//!
//!   cargo bench -p search --bench engine -- [products, default 100000] [--keep DIR]
//!
//! With `--keep DIR` the index is built in DIR the first time and reused by later runs (building
//! 1M products takes minutes; the query part is what changes most).
//!
//! Results and the numbers from this machine are in docs/benchmarks.md.

use std::time::{Duration, Instant};

mod common;

use common::{Rng, companies, product, queries};
use search::document::product_document;
use search::query::{Detail, search_products};
use tantivy::IndexWriter;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let n: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let args: Vec<String> = std::env::args().collect();
    let kept = args
        .iter()
        .position(|a| a == "--keep")
        .and_then(|i| args.get(i + 1))
        .map(std::path::PathBuf::from);
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = kept.clone().unwrap_or_else(|| temp.path().to_owned());
    let store = search::IndexStore::new(&dir);
    search::analyzer::warm_up();
    match store.open_current() {
        Some(index) if kept.is_some() => {
            println!("products: {n} (index reused from {})", dir.display());
            query_latency(&index);
        }
        _ => {
            let index = store.create().expect("index");
            build(&index, n, &dir);
            store.swap(&index.name).expect("swap");
            query_latency(&index);
        }
    }
}

fn build(index: &search::SearchIndex, n: u64, dir: &std::path::Path) {
    let companies = companies();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);

    // Generate first: the timed part is document building (analysis included) and indexing.
    let docs: Vec<_> = (0..n).map(|i| product(&mut rng, i, &companies)).collect();
    let started = Instant::now();
    let mut writer: IndexWriter = index.index.writer(256 * 1024 * 1024).expect("writer");
    for doc in &docs {
        writer
            .add_document(product_document(&index.fields, doc))
            .expect("add");
    }
    // With the checkpoint a server would write, so that `--keep` can reopen the index.
    let mut commit = writer.prepare_commit().expect("prepare commit");
    commit.set_payload(
        &serde_json::to_string(&search::Checkpoint {
            outbox_id: 0,
            schema: search::schema::SCHEMA_VERSION,
        })
        .expect("json"),
    );
    commit.commit().expect("commit");
    let indexing = started.elapsed();
    writer.wait_merging_threads().expect("merge");
    index.reader.reload().expect("reload");
    let size: u64 = walk(dir);
    println!("products: {n}");
    println!(
        "bulk indexing: {:.1} s, {:.0} products/s (commit included, merges excluded)",
        indexing.as_secs_f64(),
        n as f64 / indexing.as_secs_f64()
    );
    println!("index size: {:.1} MiB", size as f64 / 1048576.0);
}

fn query_latency(index: &search::SearchIndex) {
    let rounds = 200;
    println!("\n| query | hits | p50 ms | p99 ms |\n|---|---:|---:|---:|");
    let mut all = Vec::new();
    // The shipped synonyms and dictionary, as a server without operator groups searches.
    let synonyms = search::Synonyms::default();
    // `ENGINE_ONLY=<part of a query name>` runs one query (for profiling).
    let only = std::env::var("ENGINE_ONLY").ok();
    for (name, q) in queries() {
        if only.as_ref().is_some_and(|o| !name.contains(o.as_str())) {
            continue;
        }
        let mut times = Vec::with_capacity(rounds);
        let (mut total, mut estimated) = (0, false);
        for _ in 0..rounds {
            let t = Instant::now();
            let r = search_products(index, &synonyms, &q, Detail::Full).expect("search");
            times.push(t.elapsed());
            (total, estimated) = (r.total, r.estimated);
        }
        times.sort();
        all.extend(times.iter().copied());
        println!(
            "| {name} | {total}{} | {:.2} | {:.2} |",
            if estimated { " (est.)" } else { "" },
            percentile(&times, 0.5).as_secs_f64() * 1e3,
            percentile(&times, 0.99).as_secs_f64() * 1e3
        );
    }
    all.sort();
    if all.is_empty() || only.is_some() {
        return;
    }
    println!(
        "| **all queries, with facets** | | {:.2} | {:.2} |",
        percentile(&all, 0.5).as_secs_f64() * 1e3,
        percentile(&all, 0.99).as_secs_f64() * 1e3
    );

    // Without facets: the same text queries through a plain top-20 collector.
    let searcher = index.reader.searcher();
    let mut plain = Vec::new();
    let mut analyzer = search::analyzer::trade_analyzer();
    for (_, q) in queries() {
        let terms = search::analyzer::analyze(&mut analyzer, &q.q);
        let query = common::text_query(
            &[index.fields.title_zh, index.fields.title_en],
            terms.iter().map(String::as_str),
        );
        for _ in 0..rounds {
            let t = Instant::now();
            let _ = searcher
                .search(
                    &query,
                    &tantivy::collector::TopDocs::with_limit(20).order_by_score(),
                )
                .expect("search");
            plain.push(t.elapsed());
        }
    }
    plain.sort();
    println!(
        "| **all queries, title terms only, no facets** | | {:.2} | {:.2} |",
        percentile(&plain, 0.5).as_secs_f64() * 1e3,
        percentile(&plain, 0.99).as_secs_f64() * 1e3
    );
}

fn walk(path: &std::path::Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    if e.path().is_dir() {
                        walk(&e.path())
                    } else {
                        e.metadata().map(|m| m.len()).unwrap_or(0)
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}
