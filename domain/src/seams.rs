//! One-way seams: where an area low in the module graph tells the areas above it that something
//! happened, without depending on them. Each seam is a plain function the area calls inside its
//! own transaction; which area reacts is decided once, in `wiring` (`domain::wire`), the module above all
//! areas, which installs the reactions (`domain::wire()`, called when the program starts).
//!
//! An area that can call the reacting area directly (because it sits above it) does so; a seam
//! is only for the reactions that would otherwise point upwards.
//!
//! One seam points out of the domain: word segmentation (`Segmenter`), which the search crate
//! owns (jieba with its trade dictionary) and installs at start-up (`search::install_segmenter`,
//! called by the api beside `domain::wire()`), so screening matches Chinese terms on the same
//! word boundaries search uses without the domain depending on the search crate.

use std::sync::OnceLock;

use diesel::QueryResult;
use uuid::Uuid;

use crate::db::DbConnection;

/// The reactions of the areas above, one field per seam.
pub struct Reactions {
    /// An input of the company's credit score changed (its verification, licence, profile, penalty
    /// points): the credit profile is recomputed and stored; returns the new score (`credit`).
    pub credit_inputs_changed: fn(&mut DbConnection, Uuid) -> QueryResult<i32>,
    /// The operator's status route suspended (`true`) or reinstated (`false`) a company: the
    /// measure is recorded among those the company sees and may appeal (`enforcement`).
    pub company_suspended: fn(&mut DbConnection, SuspensionChange<'_>) -> QueryResult<()>,
    /// A buy request was saved open: its owner subscribes to products and offers like it
    /// (`lead_alerts`).
    pub buy_request_open: fn(&mut DbConnection, OpenBuyRequest<'_>) -> QueryResult<()>,
    /// A screening verdict was stored for an item: the review queue's risk follows (`review`).
    pub screened: fn(&mut DbConnection, &str, &str) -> QueryResult<()>,
}

/// A suspension set or lifted through `company::change_status`.
#[derive(Debug, Clone, Copy)]
pub struct SuspensionChange<'a> {
    pub actor_id: Uuid,
    pub company_id: Uuid,
    pub suspended: bool,
    pub reason: &'a str,
}

/// A buy request that is open after a write.
#[derive(Debug, Clone, Copy)]
pub struct OpenBuyRequest<'a> {
    pub owner_id: Uuid,
    pub listing_id: Uuid,
    pub title: &'a str,
    pub category_id: &'a str,
}

/// Word segmentation, provided by the layer above the domain.
pub trait Segmenter: Send + Sync {
    /// The character positions of `text` where a word begins or ends (with the segmentation
    /// search uses, sub-words included), in any order; positions count `char`s.
    fn boundaries(&self, text: &str) -> Vec<usize>;
}

static SEGMENTER: OnceLock<Box<dyn Segmenter>> = OnceLock::new();

/// Installs the segmenter (once; later calls keep the first).
pub fn install_segmenter(segmenter: Box<dyn Segmenter>) {
    let _ = SEGMENTER.set(segmenter);
}

/// The installed segmenter. Without one (a program that runs the domain without the search
/// crate, and the domain's own unit tests) screening falls back to matching Chinese terms as
/// substrings: stricter, never letting a term through.
pub(crate) fn segmenter() -> Option<&'static dyn Segmenter> {
    SEGMENTER.get().map(|s| s.as_ref())
}

static REACTIONS: OnceLock<Reactions> = OnceLock::new();

/// Installs the reactions (once; later calls keep the first).
pub fn install(reactions: Reactions) {
    let _ = REACTIONS.set(reactions);
}

/// The installed reactions. Running the domain unwired would silently skip reactions (a credit
/// score not recomputed), so it fails loudly instead.
pub(crate) fn reactions() -> &'static Reactions {
    REACTIONS
        .get()
        .expect("domain::wire() must be called before the domain is used")
}
