//! Index directories under `<data dir>/search/`: each build gets its own directory and the file
//! `CURRENT` names the live one. Swapping is a rename of `CURRENT`, which is atomic, so readers
//! and the indexer of a running server move to a rebuilt index without a gap.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::{Index, IndexReader, ReloadPolicy};

use crate::SearchError;
use crate::analyzer::{
    PINYIN, PINYIN_SUGGEST, SUGGEST, TRADE, pinyin_analyzer, pinyin_suggest_analyzer,
    suggest_analyzer, trade_analyzer,
};
use crate::schema::{Fields, SCHEMA_VERSION, build_schema};

/// Stored with every commit, atomically with it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct Checkpoint {
    /// Every outbox event with an id up to this one is applied.
    pub outbox_id: i64,
    pub schema: u64,
}

/// An open index with its reader.
pub struct SearchIndex {
    pub name: String,
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
}

impl SearchIndex {
    /// Registers the analyzers and opens a reader that reloads when the indexer says so (right
    /// after each commit), not on a timer.
    fn with_reader(name: String, index: Index, fields: Fields) -> Result<SearchIndex, SearchError> {
        register(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            name,
            index,
            reader,
            fields,
        })
    }

    pub fn checkpoint(&self) -> Option<Checkpoint> {
        read_checkpoint(&self.index)
    }
}

fn read_checkpoint(index: &Index) -> Option<Checkpoint> {
    let payload = index.load_metas().ok()?.payload?;
    serde_json::from_str(&payload).ok()
}

fn register(index: &Index) {
    index.tokenizers().register(TRADE, trade_analyzer());
    index.tokenizers().register(SUGGEST, suggest_analyzer());
    index.tokenizers().register(PINYIN, pinyin_analyzer());
    index
        .tokenizers()
        .register(PINYIN_SUGGEST, pinyin_suggest_analyzer());
}

#[derive(Debug, Clone)]
pub struct IndexStore {
    root: PathBuf,
}

impl IndexStore {
    pub fn new(data_dir: &Path) -> IndexStore {
        IndexStore {
            root: data_dir.join("search"),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The name in `CURRENT`, if any.
    pub fn current_name(&self) -> Option<String> {
        fs::read_to_string(self.root.join("CURRENT"))
            .ok()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    }

    /// Opens the live index; `None` when it is missing, unreadable, uncommitted or of another
    /// schema version (the caller rebuilds).
    pub fn open_current(&self) -> Option<SearchIndex> {
        let name = self.current_name()?;
        match self.open(&name) {
            Ok(index) => {
                if index
                    .checkpoint()
                    .is_some_and(|c| c.schema == SCHEMA_VERSION)
                {
                    Some(index)
                } else {
                    tracing::warn!(index = %name, "search index has another schema version or no checkpoint; rebuilding");
                    None
                }
            }
            Err(e) => {
                tracing::warn!(index = %name, error = %e, "search index cannot be opened; rebuilding");
                None
            }
        }
    }

    fn open(&self, name: &str) -> Result<SearchIndex, SearchError> {
        let index = Index::open_in_dir(self.root.join(name))?;
        let (_, fields) = build_schema();
        if index.schema() != build_schema().0 {
            return Err(SearchError::SchemaMismatch);
        }
        SearchIndex::with_reader(name.to_owned(), index, fields)
    }

    /// A new, empty index directory (not live until `swap`).
    pub fn create(&self) -> Result<SearchIndex, SearchError> {
        let name = format!("idx-{}", uuid::Uuid::now_v7().simple());
        let dir = self.root.join(&name);
        fs::create_dir_all(&dir)?;
        let (schema, fields) = build_schema();
        let index = Index::create_in_dir(&dir, schema)?;
        SearchIndex::with_reader(name, index, fields)
    }

    /// Makes `name` the live index and removes the directories of older ones.
    pub fn swap(&self, name: &str) -> Result<(), SearchError> {
        let tmp = self.root.join("CURRENT.tmp");
        fs::write(&tmp, name)?;
        fs::File::open(&tmp)?.sync_all()?;
        fs::rename(&tmp, self.root.join("CURRENT"))?;
        for entry in fs::read_dir(&self.root)?.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            if file.starts_with("idx-") && file.as_str() < name {
                // Readers of a running process keep their files open; removal is safe on Unix.
                let _ = fs::remove_dir_all(entry.path());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) fn register_for_tests(index: &Index) {
    register(index);
}
