use diesel::prelude::*;
use time::Duration;
use uuid::Uuid;

use super::MediaError;
use super::model::Purpose;
use crate::db::DbConnection;
use crate::db::schema::{media, media_links};

/// A removed media record; `blob_unused` when no other record shares its bytes, so the store
/// may delete them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    pub id: Uuid,
    pub sha256: String,
    pub blob_unused: bool,
}

/// Removes uploads older than `grace` that were never attached to anything (or no longer are).
pub fn remove_orphans(
    conn: &mut DbConnection,
    grace: Duration,
) -> Result<Vec<Removed>, MediaError> {
    let cutoff = crate::clock::now() - grace;
    let linked = media_links::table.select(media_links::media_id);
    let rows: Vec<(String, String)> = media::table
        .filter(media::created_at.lt(cutoff))
        .filter(media::id.ne_all(linked))
        .select((media::id, media::sha256))
        .load(conn)?;
    remove(conn, rows)
}

/// Removes the private attachments an account uploaded (its erasure). Licence scans stay: the
/// platform keeps a company's registration records for the retention period.
pub fn erase_private_of(conn: &mut DbConnection, owner: Uuid) -> Result<Vec<Removed>, MediaError> {
    let rows: Vec<(String, String)> = media::table
        .filter(media::owner_id.eq(owner.to_string()))
        .filter(media::purpose.eq(Purpose::Attachment.as_str()))
        .select((media::id, media::sha256))
        .load(conn)?;
    remove(conn, rows)
}

fn remove(
    conn: &mut DbConnection,
    rows: Vec<(String, String)>,
) -> Result<Vec<Removed>, MediaError> {
    let mut removed = Vec::with_capacity(rows.len());
    for (id, sha256) in rows {
        crate::db::transaction(conn, |conn| -> Result<(), MediaError> {
            diesel::delete(media_links::table.filter(media_links::media_id.eq(&id)))
                .execute(conn)?;
            diesel::delete(media::table.find(&id)).execute(conn)?;
            crate::db::note_change(conn);
            let blob_unused = !sha_in_use(conn, &sha256)?;
            removed.push(Removed {
                id: crate::ids::parse_db_id(&id),
                sha256: sha256.clone(),
                blob_unused,
            });
            Ok(())
        })?;
    }
    Ok(removed)
}

/// Whether any media record still refers to these bytes.
pub fn sha_in_use(conn: &mut DbConnection, sha256: &str) -> Result<bool, MediaError> {
    let n: i64 = media::table
        .filter(media::sha256.eq(sha256))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}
