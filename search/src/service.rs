//! The handle the API holds: the live index (swapped when rebuilt) and the searches on it.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};

use crate::SearchError;
use crate::index::SearchIndex;
use crate::listing_query::{self, BuyLeadHits, BuyLeadSearch, ListingHit, ListingSearch};
use crate::query::{
    self, Detail, ProductHit, ProductSearch, SearchResults, SupplierHit, SupplierSearch,
};

#[derive(Clone, Default)]
pub struct Search {
    current: Arc<RwLock<Option<Arc<SearchIndex>>>>,
    /// The outbox id up to which searches see changes (set after the reader reloads, which is
    /// after the commit that stores it).
    visible: Arc<AtomicI64>,
    synonyms: Arc<RwLock<Arc<Synonyms>>>,
}

pub use crate::lexicon::Synonyms;

impl Search {
    pub fn new() -> Search {
        Search::default()
    }

    /// Makes `index` the one searches use.
    pub fn publish(&self, index: Arc<SearchIndex>) {
        let visible = index.checkpoint().map(|c| c.outbox_id).unwrap_or(0);
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Some(index);
        self.visible.store(visible, Ordering::Release);
    }

    /// Replaces the operators' synonym groups used to expand queries (the shipped defaults and
    /// dictionary stay).
    pub fn set_synonyms(&self, groups: &[Vec<String>]) {
        let synonyms = Synonyms::with_operator_groups(groups);
        *self.synonyms.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(synonyms);
    }

    /// The synonym groups in use now.
    pub fn synonyms_snapshot(&self) -> Arc<Synonyms> {
        self.synonyms()
    }

    fn synonyms(&self) -> Arc<Synonyms> {
        self.synonyms
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Records that searches now see every change up to `outbox_id`.
    pub fn set_visible(&self, outbox_id: i64) {
        self.visible.store(outbox_id, Ordering::Release);
    }

    pub fn current(&self) -> Result<Arc<SearchIndex>, SearchError> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or(SearchError::NotReady)
    }

    pub fn products(&self, s: &ProductSearch) -> Result<SearchResults<ProductHit>, SearchError> {
        query::search_products(&*self.current()?, &self.synonyms(), s, Detail::Full)
    }

    /// A page of products without facet counts or highlights (related products, the home page).
    pub fn product_list(
        &self,
        s: &ProductSearch,
    ) -> Result<SearchResults<ProductHit>, SearchError> {
        query::search_products(&*self.current()?, &self.synonyms(), s, Detail::List)
    }

    pub fn suppliers(&self, s: &SupplierSearch) -> Result<SearchResults<SupplierHit>, SearchError> {
        query::search_suppliers(&*self.current()?, &self.synonyms(), s)
    }

    pub fn listings(&self, s: &ListingSearch) -> Result<SearchResults<ListingHit>, SearchError> {
        listing_query::search_listings(&*self.current()?, &self.synonyms(), s)
    }

    pub fn buy_leads(&self, s: &BuyLeadSearch) -> Result<BuyLeadHits, SearchError> {
        listing_query::buy_leads(&*self.current()?, &self.synonyms(), s)
    }

    pub fn suggest(&self, prefix: &str, limit: usize) -> Result<Vec<String>, SearchError> {
        query::suggest(&*self.current()?, prefix, limit)
    }

    /// The outbox id up to which searches see changes; `None` before the index is ready.
    pub fn visible_outbox_id(&self) -> Option<i64> {
        self.current()
            .ok()
            .map(|_| self.visible.load(Ordering::Acquire))
    }
}
