//! Tradefair search: the tantivy index of public products, companies and open listings, its analyzers, query
//! building, and the consumer that keeps it in step with the database through the outbox.

pub mod analyzer;
mod collect;
pub mod document;
pub mod index;
pub mod indexer;
pub mod lexicon;
pub mod listing_query;
pub mod matcher;
pub mod pinyin;
pub mod query;
pub mod schema;
mod scoring;
pub mod service;
pub mod units;

pub use analyzer::install_segmenter;
pub use collect::{COUNT_BOUND, set_count_bound};
pub use index::{Checkpoint, IndexStore, SearchIndex};
pub use indexer::{Indexer, rebuild};
pub use listing_query::{BuyLeadHits, BuyLeadSearch, ListingHit, ListingSearch};
pub use query::{
    FacetCount, ProductHit, ProductSearch, SearchResults, Sort, SupplierHit, SupplierSearch,
};
pub use service::{Search, Synonyms};

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("index files: {0}")]
    Io(#[from] std::io::Error),
    #[error("index directory: {0}")]
    OpenDirectory(#[from] tantivy::directory::error::OpenDirectoryError),
    #[error("the index was built with another schema")]
    SchemaMismatch,
    #[error("database: {0}")]
    Database(#[from] diesel_error::Error),
    #[error("no database connection: {0}")]
    Pool(String),
    #[error("the search index is being built")]
    NotReady,
}

/// diesel's error type, named through the domain so `search` needs no direct diesel dependency.
mod diesel_error {
    pub type Error = domain::db::QueryError;
}
