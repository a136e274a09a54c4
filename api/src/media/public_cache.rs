//! Public media from memory: a public picture is the hot path of every page and e-mail, and
//! deciding "public" reads the media record, its links and the product's or company's
//! visibility (about five queries on the blocking pool), then the file store reads the bytes
//! (another thread hand-off).
//!
//! Only "anyone may read this" is kept: a private or hidden verdict depends on the reader and is
//! decided each time. A verdict is stamped with the database generation read *before* deciding
//! ([`domain::db::generation`]) and used only while it has not moved, so a change committed by
//! this process (a product unpublished or hidden, a company suspended, a picture removed) is
//! seen by the next request. Changes made by another `serve` process sharing the database are
//! seen within [`VERDICT_TTL`]. Bytes are kept by content hash, which never changes, and only
//! served after a current public verdict.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use domain::media::{Media, VariantName};
use moka::sync::Cache;
use uuid::Uuid;

/// How long a public verdict serves without being decided again (changes by other processes).
pub const VERDICT_TTL: Duration = Duration::from_secs(5);
const MAX_VERDICTS: u64 = 100_000;
/// Memory for public bytes (thumbnails are about 20 kB, medium sizes about 100 kB).
const BYTES_BUDGET: u64 = 64 * 1024 * 1024;
/// Larger variants (originals, PDFs are never public) are streamed from the store each time.
const MAX_KEPT: usize = 512 * 1024;

pub struct PublicMedia {
    verdicts: Cache<Uuid, (u64, Arc<Media>)>,
    bytes: Cache<(String, VariantName), Bytes>,
}

impl Default for PublicMedia {
    fn default() -> Self {
        PublicMedia {
            verdicts: Cache::builder()
                .max_capacity(MAX_VERDICTS)
                .time_to_live(VERDICT_TTL)
                .build(),
            bytes: Cache::builder()
                .max_capacity(BYTES_BUDGET)
                .weigher(|_, b: &Bytes| u32::try_from(b.len()).unwrap_or(u32::MAX))
                .build(),
        }
    }
}

impl PublicMedia {
    /// The media item, if it was found public and nothing changed since.
    pub fn media(&self, id: Uuid) -> Option<Arc<Media>> {
        let (generation, media) = self.verdicts.get(&id)?;
        if generation == domain::db::generation() {
            Some(media)
        } else {
            self.verdicts.invalidate(&id);
            None
        }
    }

    /// Remembers that anyone may read `media`, decided after reading `generation`.
    pub fn remember(&self, generation: u64, media: Arc<Media>) {
        self.verdicts.insert(media.id, (generation, media));
    }

    /// The bytes of a public variant, if kept.
    pub fn bytes(&self, sha256: &str, variant: VariantName) -> Option<Bytes> {
        self.bytes.get(&(sha256.to_owned(), variant))
    }

    /// Keeps the bytes of a public variant, when small enough.
    pub fn keep(&self, sha256: &str, variant: VariantName, bytes: &Bytes) {
        if bytes.len() <= MAX_KEPT {
            self.bytes
                .insert((sha256.to_owned(), variant), bytes.clone());
        }
    }
}
