//! Lead matching benchmark: how fast new products are matched against saved-search, supplier
//! and category subscriptions through the indexed path (`search::matcher::match_item`: item
//! keys → candidates → a cheap text check → the search query restricted to the item), against
//! checking every subscription with the search query (`match_all_brute_force`), which is also
//! the oracle of the equivalence check at the end.
//!
//!   cargo bench -p search --bench matching -- [subscriptions, default 100000]
//!       [new items, default 1000] [brute-force items, default 20] [products, default 50000]
//!
//! With `--long-tail`, every saved search with words also names a variant and a model number
//! of its product (as the generated titles carry them, e.g. "保温杯 加厚款 503"): a catalog of
//! 247 templates × 10 variants × 997 models, where each search follows one product line instead
//! of a whole template (the default mix makes every new product match ~1% of all searches).
//!
//! Single-threaded, so items/s is per core. The catalog is the shared deterministic bilingual
//! generator (`common`); subscriptions are generated deterministically from the same templates
//! (the first 100k of a 1M run are the 100k run). Results are in docs/benchmarks.md.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

#[allow(dead_code)]
mod common;

use common::{Rng, VARIANTS_EN, VARIANTS_ZH, companies, product, queries};
use domain::company::Company;
use domain::demo::data::PRODUCTS;
use domain::lead_alerts::{
    Frequency, SavedSearch, Subscription, SubscriptionKind, SubscriptionStatus,
};
use search::analyzer::{analyze, trade_analyzer};
use search::document::{product_document, product_key};
use search::matcher::{Entry, ItemKind, Registry, match_all_brute_force, match_item, rarity_in};
use tantivy::IndexWriter;
use uuid::Uuid;

/// Suppliers in the generated marketplace: the 20 demo suppliers, each 100 times over with its
/// own id (a marketplace with 1M subscriptions has more than 20 suppliers to follow).
const COMPANIES: usize = 2000;

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn arg(n: usize, default: u64) -> u64 {
    std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .nth(n)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

/// The words a buyer would type for one product template: Chinese words, English words and
/// model numbers, taken from its titles and keywords.
struct Vocab {
    zh: Vec<String>,
    en: Vec<String>,
    other: Vec<String>,
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

const STOP: &[&str] = &["for", "and", "with", "the", "of", "in", "to", "a", "an"];

fn vocabularies() -> Vec<Vocab> {
    let mut analyzer = trade_analyzer();
    PRODUCTS
        .iter()
        .map(|t| {
            let mut zh = BTreeSet::new();
            let mut en = BTreeSet::new();
            let mut other = BTreeSet::new();
            for text in std::iter::once(t.title_zh).chain(t.keywords.iter().copied()) {
                for w in analyze(&mut analyzer, text) {
                    if has_cjk(&w) {
                        zh.insert(w);
                    }
                }
                if has_cjk(text) && text.chars().count() <= 6 {
                    zh.insert(text.to_owned());
                }
            }
            for text in std::iter::once(t.title_en).chain(t.keywords.iter().copied()) {
                if has_cjk(text) {
                    continue;
                }
                for w in text.split_whitespace() {
                    let w = w.trim_matches(|c: char| !c.is_alphanumeric());
                    let lower = w.to_lowercase();
                    if lower.len() >= 2 && lower.chars().all(|c| c.is_ascii_alphabetic()) {
                        if !STOP.contains(&lower.as_str()) {
                            en.insert(lower);
                        }
                    } else if w.len() >= 2 && w.chars().any(|c| c.is_ascii_digit()) {
                        other.insert(w.to_owned());
                    }
                }
            }
            Vocab {
                zh: zh.into_iter().collect(),
                en: en.into_iter().collect(),
                other: other.into_iter().collect(),
            }
        })
        .collect()
}

/// A typo in a long Latin word: one letter dropped or two neighbours swapped.
fn typo(rng: &mut Rng, w: &str) -> String {
    let mut chars: Vec<char> = w.chars().collect();
    let i = 1 + (rng.next() as usize) % (chars.len() - 2);
    if rng.next().is_multiple_of(2) {
        chars.remove(i);
    } else {
        chars.swap(i, i + 1);
    }
    chars.into_iter().collect()
}

fn words(rng: &mut Rng, v: &Vocab) -> String {
    let n = match rng.next() % 100 {
        0..45 => 1,
        45..85 => 2,
        _ => 3,
    };
    // Language of the search: Chinese, English, or mixed.
    let lang = rng.next() % 10;
    let mut out: Vec<String> = Vec::new();
    for i in 0..n {
        let pool = match (lang, i) {
            (0..5, _) if !v.zh.is_empty() => &v.zh,
            (5..8, _) if !v.en.is_empty() => &v.en,
            (_, 0) if !v.zh.is_empty() => &v.zh,
            _ if !v.other.is_empty() && rng.next().is_multiple_of(3) => &v.other,
            _ if !v.en.is_empty() => &v.en,
            _ => &v.zh,
        };
        let mut w = rng.pick(pool).clone();
        if w.len() >= 6
            && w.chars().all(|c| c.is_ascii_alphabetic())
            && rng.next().is_multiple_of(20)
        {
            w = typo(rng, &w);
        }
        if !out.contains(&w) {
            out.push(w);
        }
    }
    out.join(" ")
}

fn subscription(
    long_tail: bool,
    rng: &mut Rng,
    i: u64,
    vocab: &[Vocab],
    companies: &[Company],
    fixed: &[SavedSearch],
) -> Subscription {
    let now = domain::clock::now();
    let t = (rng.next() % PRODUCTS.len() as u64) as usize;
    let template = &PRODUCTS[t];
    let parent = template.category.split('.').next().unwrap_or_default();
    let mut query = SavedSearch::default();
    let mut target = None;
    let roll = rng.next() % 1000;
    let kind = match roll {
        // Followed suppliers.
        0..80 => {
            target = Some(rng.pick(companies).id.to_string());
            SubscriptionKind::Supplier
        }
        // Followed categories (a leaf, or a top-level category).
        80..150 => {
            target = Some(if rng.next() % 10 < 7 {
                template.category.to_owned()
            } else {
                parent.to_owned()
            });
            SubscriptionKind::Category
        }
        // Searches without words: a category with a region or a price bound.
        150..180 => {
            query.category = Some(template.category.to_owned());
            if rng.next().is_multiple_of(2) {
                query.region = Some(rng.pick(companies).province.clone());
            } else {
                query.price_max = Some(template.price_min_cents.max(1) * 2);
                query.currency = Some("CNY".into());
            }
            SubscriptionKind::Search
        }
        // A search with neither words nor a category (checked against every item).
        180 => {
            query.region = Some(rng.pick(companies).province.clone());
            query.verified = Some(true);
            SubscriptionKind::Search
        }
        // The engine benchmark's fixed query set, now and then.
        181..184 => {
            query = rng.pick(fixed).clone();
            SubscriptionKind::Search
        }
        // Saved searches with words, some with filters.
        _ => {
            query.q = words(rng, &vocab[t]);
            if long_tail {
                let v = 1 + (rng.next() as usize) % (VARIANTS_ZH.len() - 1);
                let variant = if has_cjk(&query.q) {
                    VARIANTS_ZH[v]
                } else {
                    VARIANTS_EN[v]
                };
                query.q = format!("{}{variant} {}", query.q, rng.next() % 997);
            }
            let f = rng.next() % 100;
            if f < 15 {
                query.category = Some(if f < 9 {
                    template.category.to_owned()
                } else {
                    parent.to_owned()
                });
            }
            let f = rng.next() % 100;
            if f < 8 {
                query.region = Some(rng.pick(companies).province.clone());
            } else if f < 16 {
                let base = template.price_min_cents.max(1);
                if f < 12 {
                    query.price_max = Some(base + (rng.next() % 1000) as i64);
                } else {
                    query.price_min = Some(base + (rng.next() % 1000) as i64);
                }
                query.currency = Some("CNY".into());
            } else if f < 21 {
                query.verified = Some(true);
            } else if f < 24 {
                query.moq_max = Some(template.moq.max(1) as u64 * 2);
            }
            SubscriptionKind::Search
        }
    };
    Subscription {
        id: Uuid::from_u128(u128::from(i) + 1),
        user_id: Uuid::from_u128((u128::from(rng.next()) << 64) | u128::from(rng.next())),
        kind,
        name: query.q.clone(),
        query,
        target_id: target,
        frequency: Frequency::Daily,
        status: SubscriptionStatus::Active,
        created_at: now,
        updated_at: now,
    }
}

fn main() {
    let subs = arg(0, 100_000);
    let items = arg(1, 1000);
    let brute_items = arg(2, 20).min(items);
    let n_products = arg(3, 50_000);
    let long_tail = std::env::args().any(|a| a == "--long-tail");
    search::analyzer::warm_up();

    // The catalog: products from the shared generator, spread over COMPANIES suppliers.
    let base = companies();
    let companies: Vec<Company> = (0..COMPANIES)
        .map(|i| {
            let mut c = base[i % base.len()].clone();
            c.id = Uuid::from_u128(i as u128 + 1);
            c.slug = format!("{}-{i}", c.slug);
            c
        })
        .collect();
    let dir = tempfile::tempdir().expect("temp dir");
    let index = search::IndexStore::new(dir.path()).create().expect("index");
    let f = index.fields;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let started = Instant::now();
    let mut writer: IndexWriter = index.index.writer(256 * 1024 * 1024).expect("writer");
    for i in 0..n_products {
        let d = product(&mut rng, i, &companies);
        writer.add_document(product_document(&f, &d)).expect("add");
    }
    writer.commit().expect("commit");
    // The new items: published after the catalog, indexed (visible) before they are matched,
    // as the matcher only reads events the index already reflects.
    let new: Vec<(String, tantivy::TantivyDocument)> = (n_products..n_products + items)
        .map(|i| {
            let d = product(&mut rng, i, &companies);
            (product_key(&d.product.id), product_document(&f, &d))
        })
        .collect();
    for (_, doc) in &new {
        writer.add_document(doc.clone()).expect("add");
    }
    writer.commit().expect("commit");
    writer.wait_merging_threads().expect("merge");
    index.reader.reload().expect("reload");
    let searcher = index.reader.searcher();
    println!(
        "catalog: {n_products} products + {items} new, {COMPANIES} suppliers, indexed in {:.1} s, {} segments",
        started.elapsed().as_secs_f64(),
        searcher.segment_readers().len()
    );

    let search = search::Search::new();
    search.set_synonyms(&[
        vec!["不锈钢".into(), "stainless steel".into(), "SS".into()],
        vec!["保温杯".into(), "vacuum flask".into(), "thermos".into()],
        vec!["螺栓".into(), "bolt".into()],
    ]);
    let synonyms = search.synonyms_snapshot();

    // Subscriptions, generated and filed one by one; only the filing is timed.
    let vocab = vocabularies();
    let fixed: Vec<SavedSearch> = queries()
        .into_iter()
        .map(|(_, q)| SavedSearch {
            q: q.q,
            category: q.category,
            region: q.region,
            verified: q.verified,
            company_type: q.company_type,
            moq_max: q.moq_max,
            price_min: q.price_min,
            price_max: q.price_max,
            currency: q.currency,
        })
        .collect();
    let rarity = rarity_in(&f, &searcher);
    let rss_before = rss_kib();
    let mut registry = Registry::default();
    let mut srng = Rng(0xD1B5_4A32_D192_ED03);
    let mut filing = Duration::ZERO;
    let mut by_kind = [0usize; 3];
    for i in 0..subs {
        let sub = subscription(long_tail, &mut srng, i, &vocab, &companies, &fixed);
        by_kind[match sub.kind {
            SubscriptionKind::Supplier => 0,
            SubscriptionKind::Category => 1,
            _ => 2,
        }] += 1;
        let t = Instant::now();
        registry.upsert(Entry { sub, profile: None }, &synonyms, &rarity);
        filing += t.elapsed();
    }
    let rss_after = rss_kib();
    println!(
        "subscriptions: {subs} ({} saved searches, {} supplier follows, {} categories) sharing {} rules, {} mix",
        by_kind[2],
        by_kind[0],
        by_kind[1],
        registry.rules(),
        if long_tail { "long-tail" } else { "default" }
    );
    println!(
        "registration: {:.2} s ({:.0} subscriptions/s); RSS {:.0} MiB → {:.0} MiB (+{:.0} MiB, {:.0} bytes/subscription)",
        filing.as_secs_f64(),
        subs as f64 / filing.as_secs_f64(),
        rss_before as f64 / 1024.0,
        rss_after as f64 / 1024.0,
        (rss_after.saturating_sub(rss_before)) as f64 / 1024.0,
        (rss_after.saturating_sub(rss_before) * 1024) as f64 / subs.max(1) as f64
    );

    // Indexed path: keys → candidate rules → decision, one item after another.
    let mut rules = 0usize;
    let mut matched_rules = 0usize;
    let mut decided = 0usize;
    let mut matched = 0usize;
    let mut per_item = Vec::with_capacity(new.len());
    let mut indexed_results = Vec::with_capacity(new.len());
    let started = Instant::now();
    for (key, doc) in &new {
        let t = Instant::now();
        let m = match_item(
            &index,
            &searcher,
            &synonyms,
            &registry,
            ItemKind::Product,
            key,
            doc,
        )
        .expect("match");
        per_item.push(t.elapsed());
        rules += m.rules;
        matched_rules += m.matched_rules;
        decided += m.decided_from_keys;
        matched += m.matched.len();
        indexed_results.push(m.matched);
    }
    let indexed = started.elapsed();
    per_item.sort();
    let pct = |p: f64| per_item[((per_item.len() as f64 - 1.0) * p).round() as usize];
    let indexed_rate = items as f64 / indexed.as_secs_f64();
    println!(
        "indexed: {items} items in {:.2} s = {indexed_rate:.0} items/s (1 thread); per item p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        indexed.as_secs_f64(),
        pct(0.5).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        pct(1.0).as_secs_f64() * 1e3,
    );
    println!(
        "indexed: {:.1} candidate rules/item ({:.3}% of rules), {:.1} matched, {:.1} decided from the keys alone, {:.1} matches/item, {:.2} µs per candidate rule",
        rules as f64 / items as f64,
        100.0 * rules as f64 / (items as f64 * registry.rules().max(1) as f64),
        matched_rules as f64 / items as f64,
        decided as f64 / items as f64,
        matched as f64 / items as f64,
        indexed.as_secs_f64() * 1e6 / rules.max(1) as f64
    );

    // Brute force on the first items of the same stream, and the equivalence check.
    let started = Instant::now();
    let mut differing = Vec::new();
    let mut brute_matched = 0;
    for (i, (key, _)) in new.iter().take(brute_items as usize).enumerate() {
        let all = match_all_brute_force(
            &index,
            &searcher,
            &synonyms,
            &registry,
            ItemKind::Product,
            key,
        )
        .expect("brute force");
        brute_matched += all.len();
        let mut got = indexed_results[i].clone();
        got.sort();
        if all != got {
            differing.push((i, key.clone(), all, got));
        }
    }
    let brute = started.elapsed();
    let brute_rate = brute_items as f64 / brute.as_secs_f64();
    println!(
        "brute force: {brute_items} items in {:.2} s = {brute_rate:.2} items/s ({:.2} µs per subscription checked)",
        brute.as_secs_f64(),
        brute.as_secs_f64() * 1e6 / (brute_items as f64 * subs as f64)
    );
    println!(
        "speed-up: {:.0}× (indexed items/s ÷ brute-force items/s)",
        indexed_rate / brute_rate
    );
    if differing.is_empty() {
        println!(
            "equivalence: OK, the indexed path found exactly the brute-force matches on the {brute_items} sampled items ({brute_matched} matches)"
        );
    } else {
        println!(
            "equivalence: FAILED on {} of {brute_items} items",
            differing.len()
        );
        for (i, key, all, got) in &differing {
            let all_set: BTreeSet<_> = all.iter().collect();
            let got_set: BTreeSet<_> = got.iter().collect();
            for missing in all_set.difference(&got_set) {
                let e = registry.get(missing).expect("entry");
                println!(
                    "  item {i} {key}: missed {:?} {:?} target {:?}",
                    e.sub.kind, e.sub.query, e.sub.target_id
                );
            }
            for extra in got_set.difference(&all_set) {
                let e = registry.get(extra).expect("entry");
                println!(
                    "  item {i} {key}: extra {:?} {:?} target {:?}",
                    e.sub.kind, e.sub.query, e.sub.target_id
                );
            }
        }
        std::process::exit(1);
    }
}
