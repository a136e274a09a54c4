//! A quote's files (price lists, drawings): uploads with purpose `attachment` by the author or a
//! member of the quoting company, linked in the transaction that writes the quote.

use uuid::Uuid;

use super::QuoteError;
use crate::access::Actor;
use crate::db::DbConnection;
use crate::media::{self, MediaError, Target};

/// Links `ids` (already validated as media ids) to the quote. Links are only added: a revision
/// that drops a file leaves it readable by the same people, as the history still names it.
pub(super) fn attach_files(
    conn: &mut DbConnection,
    actor: &Actor,
    quote_id: Uuid,
    company: Uuid,
    ids: &[String],
) -> Result<(), QuoteError> {
    let ids: Vec<Uuid> = ids.iter().filter_map(|s| s.parse().ok()).collect();
    if ids.is_empty() {
        return Ok(());
    }
    let target = Target::Quote(quote_id);
    media::attach(
        conn,
        actor.user_id,
        Some(company),
        target,
        "attachments",
        &ids,
    )
    .map_err(|e| match e {
        MediaError::Validation(f) => QuoteError::Validation(f),
        MediaError::Database(e) => QuoteError::Database(e),
        _ => QuoteError::NotFound,
    })
}
