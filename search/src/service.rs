//! The handle the API holds: the live index (swapped when rebuilt) and the searches on it.

use std::sync::{Arc, RwLock};

use crate::SearchError;
use crate::index::SearchIndex;
use crate::query::{self, ProductHit, ProductSearch, SearchResults, SupplierHit, SupplierSearch};

#[derive(Clone, Default)]
pub struct Search {
    current: Arc<RwLock<Option<Arc<SearchIndex>>>>,
}

impl Search {
    pub fn new() -> Search {
        Search::default()
    }

    /// Makes `index` the one searches use.
    pub fn publish(&self, index: Arc<SearchIndex>) {
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Some(index);
    }

    pub fn current(&self) -> Result<Arc<SearchIndex>, SearchError> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or(SearchError::NotReady)
    }

    pub fn products(&self, s: &ProductSearch) -> Result<SearchResults<ProductHit>, SearchError> {
        query::search_products(&*self.current()?, s)
    }

    pub fn suppliers(&self, s: &SupplierSearch) -> Result<SearchResults<SupplierHit>, SearchError> {
        query::search_suppliers(&*self.current()?, s)
    }

    pub fn suggest(&self, prefix: &str, limit: usize) -> Result<Vec<String>, SearchError> {
        query::suggest(&*self.current()?, prefix, limit)
    }

    /// The checkpoint of the live index (for readiness and tests).
    pub fn checkpoint(&self) -> Option<crate::Checkpoint> {
        self.current().ok().and_then(|i| i.checkpoint())
    }
}
