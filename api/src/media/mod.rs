//! Media bytes: receiving uploads, checking and processing them, storing and serving them.
//! The records and the read rules are `domain::media`'s.

pub mod demo;
pub mod public_cache;
pub mod receive;
pub mod store;

use std::time::Duration;

use domain::media::{Media, Removed, VariantName};

pub use imaging::{ProcessError, ProcessLimits, Processed, process};
pub use public_cache::PublicMedia;
pub use receive::{ReceiveError, Received, receive};
pub use store::MediaStore;

/// The public path of a variant: stable for the life of the media item (its bytes never change),
/// so it is served as immutable.
pub fn variant_path(media: &Media, variant: VariantName) -> String {
    variant_path_of(media.id, variant)
}

pub fn variant_path_of(id: uuid::Uuid, variant: VariantName) -> String {
    format!("/api/v1/media/{id}/{}", variant.as_str())
}

/// Removes uploads never attached within `grace` and, where no other upload shares them, their
/// bytes. Returns how many records went.
pub async fn remove_orphans(
    pool: &domain::db::DbPool,
    store: &MediaStore,
    grace: Duration,
) -> anyhow::Result<usize> {
    let pool = pool.clone();
    let grace = time::Duration::try_from(grace)?;
    let removed = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<Removed>> {
        let mut conn = pool.get()?;
        Ok(domain::media::remove_orphans(&mut conn, grace)?)
    })
    .await??;
    delete_blobs(store, &removed).await?;
    Ok(removed.len())
}

/// Deletes the bytes of removed records that no other record uses.
pub async fn delete_blobs(store: &MediaStore, removed: &[Removed]) -> anyhow::Result<()> {
    for r in removed.iter().filter(|r| r.blob_unused) {
        store.delete_all(&r.sha256).await?;
    }
    Ok(())
}
