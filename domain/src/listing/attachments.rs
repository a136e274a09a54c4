//! A listing's attachments (drawings, specifications): uploads with purpose `attachment` by the
//! editor or a member of the listing's company, linked in the transaction that writes the
//! listing or its change request.

use uuid::Uuid;

use super::ListingError;
use crate::access::Actor;
use crate::db::DbConnection;
use crate::media::{self, MediaError, Target};

/// Links `ids` (already validated as media ids) to the listing. Links are only added: a change
/// request's new files are linked while the live version still lists the old ones, and who may
/// read them is decided from the live listing (`media_access`).
pub(super) fn attach_files(
    conn: &mut DbConnection,
    actor: &Actor,
    listing_id: Uuid,
    company: Option<Uuid>,
    ids: &[String],
) -> Result<(), ListingError> {
    let ids: Vec<Uuid> = ids.iter().filter_map(|s| s.parse().ok()).collect();
    if ids.is_empty() {
        return Ok(());
    }
    let target = Target::Listing(listing_id);
    media::attach(conn, actor.user_id, company, target, "attachments", &ids).map_err(|e| match e {
        MediaError::Validation(f) => ListingError::Validation(f),
        MediaError::Database(e) => ListingError::Database(e),
        _ => ListingError::NotFound,
    })
}
