//! The reminder before a listing ends. Expiry itself needs no job (an open listing past its
//! end date is expired by definition); this reminder does, and runs from `serve` periodically.

use diesel::prelude::*;
use serde_json::json;
use time::Duration;

use crate::clock::now;
use crate::db::schema::listings;
use crate::db::{self, DbConnection};
use crate::ids::parse_db_id;
use crate::notification::{NewNotification, NotificationKind, notify};

/// How long before its end an open listing's owner is reminded.
pub const EXPIRY_NOTICE: Duration = Duration::hours(24);
const BATCH: i64 = 500;

/// Reminds the owner of every open listing that ends within 24 hours (and has not ended yet),
/// exactly once per end date: each row is claimed with a conditional UPDATE on
/// `expiry_notified_at IS NULL`, and the notification is written in the same transaction, so
/// two processes running this at once notify once. Returns how many were notified.
pub fn notify_expiring_listings(conn: &mut DbConnection) -> QueryResult<usize> {
    db::transaction(conn, |conn| {
        let at = now();
        let due: Vec<(String, String, String, time::PrimitiveDateTime)> = listings::table
            .filter(listings::status.eq("open"))
            .filter(listings::expiry_notified_at.is_null())
            .filter(listings::valid_until.gt(at))
            .filter(listings::valid_until.le(at + EXPIRY_NOTICE))
            .select((
                listings::id,
                listings::owner_id,
                listings::title,
                listings::valid_until,
            ))
            .order(listings::valid_until.asc())
            .limit(BATCH)
            .load(conn)?;
        let mut notified = 0;
        for (id, owner, title, valid_until) in due {
            let claimed = diesel::update(
                listings::table
                    .find(&id)
                    .filter(listings::expiry_notified_at.is_null())
                    .filter(listings::status.eq("open"))
                    .filter(listings::valid_until.eq(valid_until)),
            )
            .set(listings::expiry_notified_at.eq(at))
            .execute(conn)?;
            if claimed == 0 {
                continue;
            }
            notify(
                conn,
                NewNotification {
                    user_id: parse_db_id(&owner),
                    kind: NotificationKind::ListingExpiring,
                    subject_type: "listing",
                    subject_id: parse_db_id(&id),
                    payload: json!({
                        "listing_id": id,
                        "title": title,
                        "valid_until": valid_until.assume_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
                    }),
                },
            )?;
            notified += 1;
        }
        Ok(notified)
    })
}
