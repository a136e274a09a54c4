//! Receiving an upload: the file part of a multipart body is streamed to a temporary file and
//! hashed on the way, on the blocking pool, never held in memory; its size limit is enforced as
//! the bytes arrive.

use std::io::Write;
use std::path::Path;

use actix_multipart::Field;
use bytes::Bytes;
use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;

/// A received file.
pub struct Received {
    /// Deleted when dropped.
    pub file: NamedTempFile,
    pub size: u64,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ReceiveError {
    #[error("the file is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("the upload was interrupted: {0}")]
    Interrupted(String),
    #[error("could not store the upload: {0}")]
    Io(#[from] std::io::Error),
}

/// Streams `field` into a new file in `dir`, refusing it once it passes `limit` bytes (the rest
/// of the field is read and dropped, so the client gets the answer instead of a reset).
pub async fn receive(field: &mut Field, limit: u64, dir: &Path) -> Result<Received, ReceiveError> {
    let file = NamedTempFile::new_in(dir)?;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Bytes>(8);
    let writer =
        tokio::task::spawn_blocking(move || -> std::io::Result<(NamedTempFile, String)> {
            let mut file = file;
            let mut hasher = Sha256::new();
            {
                let mut out = std::io::BufWriter::with_capacity(256 * 1024, file.as_file_mut());
                while let Some(chunk) = rx.blocking_recv() {
                    hasher.update(&chunk);
                    out.write_all(&chunk)?;
                }
                out.flush()?;
            }
            let digest = hasher.finalize();
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            Ok((file, hex))
        });
    let mut size: u64 = 0;
    let mut too_large = false;
    loop {
        let chunk = match field.try_next().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(e) => {
                drop(tx);
                let _ = writer.await;
                return Err(ReceiveError::Interrupted(e.to_string()));
            }
        };
        size += chunk.len() as u64;
        if size > limit {
            too_large = true;
            // Reading on costs bandwidth only; past twice the limit the connection is dropped.
            if size > limit.saturating_mul(2) {
                break;
            }
            continue;
        }
        if tx.send(chunk).await.is_err() {
            break;
        }
    }
    drop(tx);
    let (file, sha256) = writer
        .await
        .map_err(|e| ReceiveError::Interrupted(e.to_string()))??;
    if too_large {
        return Err(ReceiveError::TooLarge { limit });
    }
    Ok(Received { file, size, sha256 })
}
