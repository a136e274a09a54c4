//! The listings a sitemap lists: live (open, not yet at their end date) and public, by the same
//! rule as search, newest first.

use diesel::prelude::*;
use time::PrimitiveDateTime;
use uuid::Uuid;

use super::model::{ListingKind, ListingStatus};
use super::repo::public_company_ids;
use crate::clock::now;
use crate::db::DbConnection;
use crate::db::schema::listings;
use crate::ids::parse_db_id;

/// Up to `limit` live public listings: id, kind and last change.
pub fn sitemap_listings(
    conn: &mut DbConnection,
    limit: i64,
) -> QueryResult<Vec<(Uuid, ListingKind, PrimitiveDateTime)>> {
    let rows: Vec<(String, String, PrimitiveDateTime)> = listings::table
        .filter(listings::status.eq(ListingStatus::Open.as_str()))
        .filter(listings::valid_until.gt(now()))
        .filter(
            listings::company_id
                .is_null()
                .or(listings::company_id.eq_any(public_company_ids())),
        )
        .filter(listings::id.ne_all(crate::enforcement::held_ids("listing")))
        .select((listings::id, listings::kind, listings::updated_at))
        .order(listings::id.desc())
        .limit(limit)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, kind, at)| Some((parse_db_id(&id), ListingKind::parse(&kind)?, at)))
        .collect())
}
