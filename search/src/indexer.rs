//! The outbox consumer: one per process, the only writer of that process's index.
//!
//! It reads outbox events after its checkpoint, re-reads the current rows they name (so
//! replaying an event is harmless), and commits the index with the new checkpoint in the
//! commit's payload, atomically. A restart resumes exactly where the last commit stopped.
//!
//! PostgreSQL hands out sequence ids at insert time but transactions commit in any order, so
//! event 11 can be visible before event 10. The checkpoint therefore only moves over a gap once
//! the gap is filled or is older than `GAP_TIMEOUT` (a rolled-back transaction leaves a gap
//! that never fills). Events above an open gap are applied at once and remembered, so
//! freshness does not wait for the gap.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use domain::catalog::{
    company_search_doc, product_ids_of_company, product_search_docs, public_company_ids_after,
    public_product_ids_after,
};
use domain::db::{DbConnection, DbPool};
use domain::listing::{listing_ids_of_company, listing_search_doc, public_listing_ids_after};
use domain::outbox::{self, OutboxEvent, topic};
use tantivy::{IndexWriter, Term};
use uuid::Uuid;

use crate::SearchError;
use crate::document::{
    company_document, company_key, listing_document, listing_key, product_document, product_key,
};
use crate::index::{Checkpoint, IndexStore, SearchIndex};
use crate::schema::SCHEMA_VERSION;
use crate::service::Search;

pub use domain::outbox::{GAP_TIMEOUT, advance};
const BATCH: i64 = 1000;
const WRITER_HEAP: usize = 64 * 1024 * 1024;

fn conn(pool: &DbPool) -> Result<domain::db::PooledConn, SearchError> {
    pool.get().map_err(|e| SearchError::Pool(e.to_string()))
}

/// Replaces (or removes) the documents for the entities the events name.
fn apply(
    conn: &mut DbConnection,
    index: &SearchIndex,
    writer: &IndexWriter,
    events: &[&OutboxEvent],
) -> Result<(), SearchError> {
    let f = index.fields;
    let mut products: HashSet<Uuid> = HashSet::new();
    let mut companies: HashSet<Uuid> = HashSet::new();
    let mut listings: HashSet<Uuid> = HashSet::new();
    for e in events {
        let Ok(id) = Uuid::parse_str(&e.entity_id) else {
            continue;
        };
        match e.topic.as_str() {
            topic::PRODUCT_CHANGED => {
                products.insert(id);
            }
            topic::COMPANY_CHANGED => {
                companies.insert(id);
            }
            topic::LISTING_CHANGED => {
                listings.insert(id);
            }
            _ => {}
        }
    }
    for company in &companies {
        products.extend(product_ids_of_company(conn, *company)?);
        // A suspended company's listings leave search; a reinstated one's come back.
        listings.extend(listing_ids_of_company(conn, *company)?);
        writer.delete_term(Term::from_field_text(f.doc_key, &company_key(company)));
        if let Some((c, count)) = company_search_doc(conn, *company)? {
            writer.add_document(company_document(&f, &c, count))?;
        }
    }
    let mut touched_companies: HashSet<Uuid> = HashSet::new();
    let products: Vec<Uuid> = products.into_iter().collect();
    for chunk in products.chunks(BATCH as usize) {
        for product in chunk {
            writer.delete_term(Term::from_field_text(f.doc_key, &product_key(product)));
        }
        for doc in product_search_docs(conn, chunk)? {
            touched_companies.insert(doc.company.id);
            writer.add_document(product_document(&f, &doc))?;
        }
    }
    for listing in &listings {
        writer.delete_term(Term::from_field_text(f.doc_key, &listing_key(listing)));
        if let Some(doc) = listing_search_doc(conn, *listing)? {
            writer.add_document(listing_document(&f, &doc))?;
        }
    }
    // A product change moves its company's product count.
    for company in touched_companies.difference(&companies) {
        writer.delete_term(Term::from_field_text(f.doc_key, &company_key(company)));
        if let Some((c, count)) = company_search_doc(conn, *company)? {
            writer.add_document(company_document(&f, &c, count))?;
        }
    }
    Ok(())
}

fn commit(writer: &mut IndexWriter, checkpoint: Checkpoint) -> Result<(), SearchError> {
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&serde_json::to_string(&checkpoint).unwrap_or_default());
    prepared.commit()?;
    Ok(())
}

/// Builds a complete index from the database into a new directory and makes it live.
pub fn rebuild(store: &IndexStore, pool: &DbPool) -> Result<SearchIndex, SearchError> {
    let started = Instant::now();
    let mut conn = conn(pool)?;
    // Events older than the scan minus the gap timeout are reflected in the scan; replaying
    // the few after them is harmless.
    let cutoff = domain::clock::now()
        - time::Duration::try_from(GAP_TIMEOUT).unwrap_or(time::Duration::ZERO);
    let outbox_id = outbox::last_id_before(&mut conn, cutoff)?;
    let index = store.create()?;
    let mut writer: IndexWriter = index.index.writer(WRITER_HEAP)?;
    let f = index.fields;
    let mut after = None;
    let mut count = 0usize;
    loop {
        let ids = public_product_ids_after(&mut conn, after, BATCH)?;
        let Some(last) = ids.last().copied() else {
            break;
        };
        for doc in product_search_docs(&mut conn, &ids)? {
            writer.add_document(product_document(&f, &doc))?;
            count += 1;
        }
        after = Some(last);
    }
    let mut after = None;
    loop {
        let ids = public_company_ids_after(&mut conn, after, BATCH)?;
        let Some(last) = ids.last().copied() else {
            break;
        };
        for id in ids {
            if let Some((c, n)) = company_search_doc(&mut conn, id)? {
                writer.add_document(company_document(&f, &c, n))?;
            }
        }
        after = Some(last);
    }
    let mut after = None;
    loop {
        let ids = public_listing_ids_after(&mut conn, after, BATCH)?;
        let Some(last) = ids.last().copied() else {
            break;
        };
        for id in ids {
            if let Some(doc) = listing_search_doc(&mut conn, id)? {
                writer.add_document(listing_document(&f, &doc))?;
            }
        }
        after = Some(last);
    }
    commit(
        &mut writer,
        Checkpoint {
            outbox_id,
            schema: SCHEMA_VERSION,
        },
    )?;
    writer.wait_merging_threads()?;
    store.swap(&index.name)?;
    index.reader.reload()?;
    tracing::info!(products = count, ms = started.elapsed().as_millis() as u64, index = %index.name, "search index rebuilt");
    Ok(index)
}

/// The consumer loop's state.
pub struct Indexer {
    store: IndexStore,
    pool: DbPool,
    search: Search,
    stop: Arc<AtomicBool>,
    poll: Duration,
}

impl Indexer {
    pub fn new(store: IndexStore, pool: DbPool, search: Search, poll: Duration) -> Indexer {
        Indexer {
            store,
            pool,
            search,
            stop: Arc::new(AtomicBool::new(false)),
            poll,
        }
    }

    /// Set to stop the loop.
    pub fn stop_flag(&self) -> Arc<AtomicBool> {
        self.stop.clone()
    }

    fn reload_synonyms(&self) -> Result<(), SearchError> {
        let mut conn = conn(&self.pool)?;
        let groups = domain::synonyms::list_synonyms(&mut conn)?;
        self.search.set_synonyms(&groups);
        Ok(())
    }

    /// Opens the live index (rebuilding it when missing, corrupt or outdated) and publishes it.
    fn open(&self) -> Result<(Arc<SearchIndex>, IndexWriter), SearchError> {
        let index = match self.store.open_current() {
            Some(index) => index,
            None => rebuild(&self.store, &self.pool)?,
        };
        let writer = index.index.writer(WRITER_HEAP)?;
        let index = Arc::new(index);
        self.search.publish(index.clone());
        Ok((index, writer))
    }

    /// Runs until stopped; errors are logged and retried, never fatal.
    pub fn run(self) {
        domain_warm_up();
        while !self.stop.load(Ordering::Relaxed) {
            if let Err(e) = self.run_once_open() {
                tracing::error!(error = %e, "search indexer failed; retrying");
                std::thread::sleep(Duration::from_secs(1));
            }
        }
    }

    fn run_once_open(&self) -> Result<(), SearchError> {
        let (index, mut writer) = self.open()?;
        self.reload_synonyms()?;
        let mut checkpoint = index.checkpoint().unwrap_or(Checkpoint {
            outbox_id: 0,
            schema: SCHEMA_VERSION,
        });
        let mut applied_above: BTreeSet<i64> = BTreeSet::new();
        while !self.stop.load(Ordering::Relaxed) {
            // A rebuild by `tradefair reindex` swaps CURRENT; follow it.
            if self.store.current_name().as_deref() != Some(index.name.as_str()) {
                tracing::info!("search index was swapped; reopening");
                drop(writer);
                return Ok(());
            }
            let mut conn = conn(&self.pool)?;
            let events = outbox::read_after(&mut conn, checkpoint.outbox_id, BATCH)?;
            let fresh: Vec<&OutboxEvent> = events
                .iter()
                .filter(|e| !applied_above.contains(&e.id))
                .collect();
            let next = advance(checkpoint.outbox_id, &events, domain::clock::now());
            if fresh.is_empty() && next == checkpoint.outbox_id {
                drop(conn);
                std::thread::sleep(self.poll);
                continue;
            }
            if fresh.iter().any(|e| e.topic == topic::SYNONYMS_CHANGED) {
                self.reload_synonyms()?;
            }
            apply(&mut conn, &index, &writer, &fresh)?;
            drop(conn);
            checkpoint.outbox_id = next;
            commit(&mut writer, checkpoint)?;
            index.reader.reload()?;
            self.search.set_visible(checkpoint.outbox_id);
            applied_above.extend(fresh.iter().map(|e| e.id).filter(|id| *id > next));
            applied_above.retain(|id| *id > next);
        }
        Ok(())
    }
}

fn domain_warm_up() {
    crate::analyzer::warm_up();
}
