//! The outbox: every change that something derived (search index, e-mail, caches) must follow is
//! written here in the same transaction as the change itself, so a crash can neither lose it nor
//! publish a change that was rolled back. Consumers keep their own position in this table.

use diesel::prelude::*;
use uuid::Uuid;

use crate::db::DbConnection;
use crate::db::schema::outbox;

pub mod topic {
    /// A product was created, edited, published, unpublished, approved, rejected or deleted.
    pub const PRODUCT_CHANGED: &str = "product.changed";
    /// A company's profile, verification or suspension changed.
    pub const COMPANY_CHANGED: &str = "company.changed";
    /// Operators replaced the search synonyms.
    pub const SYNONYMS_CHANGED: &str = "search.synonyms_changed";
    /// A listing (sell offer or buy request) was created, edited or changed state.
    pub const LISTING_CHANGED: &str = "listing.changed";
    /// A notification asks for its e-mail (delivered by the lead e-mail worker).
    pub const EMAIL_REQUESTED: &str = "email.requested";
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxEvent {
    pub id: i64,
    pub topic: String,
    pub entity_id: String,
    pub payload: String,
    pub created_at: time::PrimitiveDateTime,
}

/// Appends one event; call it inside the transaction that makes the change.
pub fn emit(
    conn: &mut DbConnection,
    topic: &str,
    entity_id: Uuid,
    payload: serde_json::Value,
) -> QueryResult<()> {
    diesel::insert_into(outbox::table)
        .values((
            outbox::topic.eq(topic),
            outbox::entity_id.eq(entity_id.to_string()),
            outbox::payload.eq(payload.to_string()),
            outbox::created_at.eq(crate::ids::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Events after `after_id`, oldest first.
pub fn read_after(
    conn: &mut DbConnection,
    after_id: i64,
    limit: i64,
) -> QueryResult<Vec<OutboxEvent>> {
    outbox::table
        .filter(outbox::id.gt(after_id))
        .order(outbox::id.asc())
        .limit(limit)
        .select(OutboxEvent::as_select())
        .load(conn)
}

/// The highest event id so far (0 when empty): a bulk rebuild resumes after it.
pub fn max_id(conn: &mut DbConnection) -> QueryResult<i64> {
    let max: Option<i64> = outbox::table
        .select(diesel::dsl::max(outbox::id))
        .first(conn)?;
    Ok(max.unwrap_or(0))
}

/// The highest event id created before `cutoff` (0 when none).
pub fn last_id_before(
    conn: &mut DbConnection,
    cutoff: time::PrimitiveDateTime,
) -> QueryResult<i64> {
    let max: Option<i64> = outbox::table
        .filter(outbox::created_at.lt(cutoff))
        .select(diesel::dsl::max(outbox::id))
        .first(conn)?;
    Ok(max.unwrap_or(0))
}
