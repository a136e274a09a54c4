//! The search indexer thread of this process, and the handle that stops it together with the
//! other background loops.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::Background;
use crate::config::Config;

/// The process's background work: the search indexer thread and, in a server, the other
/// background loops (this module).
pub struct IndexerHandle {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
    pub(crate) background: Option<Background>,
}

impl IndexerHandle {
    /// Stops the background loops (the mail worker finishes the messages in flight) and the
    /// indexer, and waits for the indexer (it releases the index writer). Call it off the
    /// async workers (e.g. in `spawn_blocking`).
    pub fn stop(&mut self) {
        if let Some(background) = self.background.take() {
            background.stop_blocking();
        }
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Starts the one indexer of this process on `<data dir>/search`.
pub fn start_indexer(
    config: &Config,
    pool: domain::db::DbPool,
    search: search::Search,
) -> std::io::Result<IndexerHandle> {
    let store = search::IndexStore::new(config.data_dir());
    let indexer = search::Indexer::new(
        store,
        pool,
        search,
        Duration::from_millis(config.index_poll_ms.max(10)),
    );
    let stop = indexer.stop_flag();
    let thread = std::thread::Builder::new()
        .name("search-indexer".into())
        .spawn(move || indexer.run())?;
    Ok(IndexerHandle {
        stop,
        thread: Some(thread),
        background: None,
    })
}
