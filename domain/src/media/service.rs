use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime, Time};
use uuid::Uuid;

use super::MediaError;
use super::model::{Media, MediaRow, NewMedia};
use crate::db::DbConnection;
use crate::db::schema::media;

/// Uploads one account may make per UTC day.
#[derive(Debug, Clone, Copy)]
pub struct Quota {
    pub max_count: i64,
    pub max_bytes: i64,
}

/// Records an upload whose bytes are already stored, within the owner's daily quota (count and
/// bytes since 00:00 UTC, this upload included).
pub fn record_upload(
    conn: &mut DbConnection,
    new: NewMedia,
    quota: Quota,
) -> Result<Media, MediaError> {
    crate::db::transaction(conn, |conn| {
        check_quota(conn, new.owner_id, new.size_bytes, quota)?;
        let row = MediaRow {
            id: crate::ids::new_id().to_string(),
            owner_id: new.owner_id.to_string(),
            purpose: new.purpose.as_str().to_owned(),
            kind: new.kind.as_str().to_owned(),
            source_type: new.source_type,
            sha256: new.sha256,
            size_bytes: new.size_bytes,
            width: new.width,
            height: new.height,
            variants: serde_json::to_string(&new.variants).unwrap_or_else(|_| "[]".into()),
            created_at: crate::clock::now(),
        };
        diesel::insert_into(media::table)
            .values(&row)
            .execute(conn)?;
        Ok(Media::from(row))
    })
}

/// Refuses an upload of `incoming` bytes that would go over today's quota. The upload handler
/// asks before processing (so a spent quota costs no CPU) and `record_upload` again after.
pub fn check_quota(
    conn: &mut DbConnection,
    owner: Uuid,
    incoming: i64,
    quota: Quota,
) -> Result<(), MediaError> {
    let now = crate::clock::now();
    let day_start = PrimitiveDateTime::new(now.date(), Time::MIDNIGHT);
    // At most a day's quota of rows: summed here, as SUM(BIGINT) has a different type on each
    // backend.
    let sizes: Vec<i64> = media::table
        .filter(media::owner_id.eq(owner.to_string()))
        .filter(media::created_at.ge(day_start))
        .select(media::size_bytes)
        .load(conn)?;
    let count = sizes.len() as i64;
    let bytes: i64 = sizes.iter().sum();
    let retry_after_secs = u64::try_from((day_start + Duration::days(1) - now).whole_seconds())
        .unwrap_or(1)
        .max(1);
    if count >= quota.max_count {
        return Err(MediaError::QuotaExceeded {
            what: "count",
            retry_after_secs,
        });
    }
    if bytes + incoming > quota.max_bytes {
        return Err(MediaError::QuotaExceeded {
            what: "bytes",
            retry_after_secs,
        });
    }
    Ok(())
}

/// A media record by id (no access check: see `readability`).
pub fn find_media(conn: &mut DbConnection, id: Uuid) -> Result<Media, MediaError> {
    media::table
        .find(id.to_string())
        .select(MediaRow::as_select())
        .first(conn)
        .optional()?
        .map(Media::from)
        .ok_or(MediaError::NotFound)
}

/// An earlier upload of the same bytes, whose processing result can be reused.
pub fn find_same_content(
    conn: &mut DbConnection,
    sha256: &str,
) -> Result<Option<Media>, MediaError> {
    Ok(media::table
        .filter(media::sha256.eq(sha256))
        .select(MediaRow::as_select())
        .first(conn)
        .optional()?
        .map(Media::from))
}
