//! Demo pictures: drawn from each demo product's title (no downloads, the same title always
//! gives the same bytes), then processed and stored like any upload.

use std::io::Write;

use domain::media::{NewMedia, Purpose};
pub use imaging::picture_for;
use sha2::{Digest, Sha256};

use super::{MediaStore, ProcessLimits, process};

/// Gives every demo product without images a generated picture. Returns how many.
pub async fn picture_demo_products(
    pool: &domain::db::DbPool,
    store: &MediaStore,
    data_dir: &std::path::Path,
) -> anyhow::Result<usize> {
    let todo = {
        let pool = pool.clone();
        tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
            let mut conn = pool.get()?;
            Ok(domain::demo::products_without_images(&mut conn)?)
        })
        .await??
    };
    let tmp = data_dir.join("tmp");
    std::fs::create_dir_all(&tmp)?;
    let limits = ProcessLimits {
        max_pixels: 40_000_000,
    };
    for item in &todo {
        let bytes = picture_for(&item.title);
        let sha256: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let mut file = tempfile::NamedTempFile::new_in(&tmp)?;
        file.write_all(&bytes)?;
        let path = file.path().to_owned();
        let size = bytes.len() as u64;
        let processed = tokio::task::spawn_blocking(move || {
            process(&path, size, Purpose::ProductImage, limits)
        })
        .await??;
        let mut variants = Vec::new();
        for (variant, data) in processed.variants {
            store.put(&sha256, variant.name, data).await?;
            variants.push(variant);
        }
        let picture = NewMedia {
            owner_id: item.owner_id,
            purpose: Purpose::ProductImage,
            kind: processed.kind,
            source_type: processed.source_type.to_owned(),
            sha256,
            size_bytes: size as i64,
            width: processed.width,
            height: processed.height,
            variants,
        };
        let pool = pool.clone();
        let product = item.product_id;
        tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            let mut conn = pool.get()?;
            domain::demo::attach_picture(&mut conn, product, picture)?;
            Ok(())
        })
        .await??;
    }
    Ok(todo.len())
}
