//! Where media bytes live: files under `<data dir>/media`, or an S3-compatible bucket when
//! `TRADEFAIR_MEDIA_URL=s3://bucket/prefix`. Both through `object_store`, so the rest of the
//! code has one path. Keys are `<sha256 of the upload>/<variant>`: content-addressed, so the
//! same file uploaded twice is stored once, and several `serve` nodes sharing a bucket agree.

use std::ops::Range;
use std::sync::Arc;

use bytes::Bytes;
use domain::media::VariantName;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutPayload};

use crate::config::Config;

#[derive(Clone)]
pub struct MediaStore {
    inner: Arc<dyn ObjectStore>,
    prefix: Path,
    /// `file` or `s3`, for logs and the benchmark notes.
    pub backend: &'static str,
    /// Image decodes running at once. A 40-megapixel image decodes to 160 MB of pixels, so
    /// without a bound, concurrent uploads could take gigabytes; one decode per core keeps the
    /// peak near `cores × (decoded image + variants)` and queues the rest.
    pub processing: Arc<tokio::sync::Semaphore>,
}

/// One processing slot per core the process may use.
fn processing_slots() -> Arc<tokio::sync::Semaphore> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    Arc::new(tokio::sync::Semaphore::new(cores))
}

impl std::fmt::Debug for MediaStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MediaStore({}, {})", self.backend, self.inner)
    }
}

impl MediaStore {
    /// The store the configuration names (the files backend by default).
    pub fn from_config(config: &Config) -> anyhow::Result<MediaStore> {
        match config.media_url.as_deref().filter(|u| !u.is_empty()) {
            None => {
                let dir = config.data_dir.join("media");
                std::fs::create_dir_all(&dir)?;
                Ok(MediaStore {
                    inner: Arc::new(LocalFileSystem::new_with_prefix(&dir)?),
                    prefix: Path::default(),
                    backend: "file",
                    processing: processing_slots(),
                })
            }
            Some(url) => {
                let rest = url.strip_prefix("s3://").ok_or_else(|| {
                    anyhow::anyhow!("TRADEFAIR_MEDIA_URL must be s3://bucket/prefix, not {url}")
                })?;
                let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
                if bucket.is_empty() {
                    anyhow::bail!("TRADEFAIR_MEDIA_URL names no bucket: {url}");
                }
                // Endpoint, region and credentials from the usual AWS_* variables; the
                // configuration's own settings (tests, config file) win.
                let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
                if let Some(endpoint) = &config.media_s3_endpoint {
                    builder = builder
                        .with_endpoint(endpoint)
                        .with_allow_http(endpoint.starts_with("http://"));
                }
                if let Some(region) = &config.media_s3_region {
                    builder = builder.with_region(region);
                }
                if let Some(key) = &config.media_s3_access_key_id {
                    builder = builder.with_access_key_id(key);
                }
                if let Some(secret) = &config.media_s3_secret_access_key {
                    builder = builder.with_secret_access_key(secret);
                }
                Ok(MediaStore {
                    inner: Arc::new(builder.build()?),
                    prefix: Path::from(prefix.trim_matches('/')),
                    backend: "s3",
                    processing: processing_slots(),
                })
            }
        }
    }

    fn key(&self, sha256: &str, variant: VariantName) -> Path {
        let mut parts: Vec<String> = self.prefix.parts().map(|p| p.as_ref().to_owned()).collect();
        parts.push(sha256.to_owned());
        parts.push(variant.as_str().to_owned());
        Path::from_iter(parts)
    }

    /// Whether the variant is stored already (an earlier upload of the same bytes).
    pub async fn exists(&self, sha256: &str, variant: VariantName) -> anyhow::Result<bool> {
        match self.inner.head(&self.key(sha256, variant)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn put(
        &self,
        sha256: &str,
        variant: VariantName,
        bytes: Bytes,
    ) -> anyhow::Result<()> {
        self.inner
            .put(&self.key(sha256, variant), PutPayload::from_bytes(bytes))
            .await?;
        Ok(())
    }

    /// Stores the variants of a processed upload and returns its record for the database:
    /// the upload route and the demo's generated pictures keep files the same way.
    pub async fn keep(
        &self,
        processed: imaging::Processed,
        sha256: String,
        size: u64,
        owner: uuid::Uuid,
        purpose: domain::media::Purpose,
    ) -> anyhow::Result<domain::media::NewMedia> {
        let mut variants = Vec::with_capacity(processed.variants.len());
        for (variant, bytes) in processed.variants {
            self.put(&sha256, variant.name, bytes).await?;
            variants.push(variant);
        }
        Ok(domain::media::NewMedia {
            owner_id: owner,
            purpose,
            kind: processed.kind,
            source_type: processed.source_type.to_owned(),
            sha256,
            size_bytes: size as i64,
            width: processed.width,
            height: processed.height,
            variants,
        })
    }

    /// The bytes of a variant, or of `range` of it; `None` when it is not stored.
    pub async fn get(
        &self,
        sha256: &str,
        variant: VariantName,
        range: Option<Range<u64>>,
    ) -> anyhow::Result<Option<Bytes>> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        match self
            .inner
            .get_opts(&self.key(sha256, variant), options)
            .await
        {
            Ok(result) => Ok(Some(result.bytes().await?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Deletes every variant of these bytes (absent ones are fine).
    pub async fn delete_all(&self, sha256: &str) -> anyhow::Result<()> {
        for variant in VariantName::ALL {
            match self.inner.delete(&self.key(sha256, variant)).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }
}
