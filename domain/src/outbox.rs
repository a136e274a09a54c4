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
    /// A lead subscription was created, changed or deleted (the matcher's index follows).
    pub const SUBSCRIPTION_CHANGED: &str = "subscription.changed";
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
            outbox::created_at.eq(crate::clock::now()),
        ))
        .execute(conn)?;
    crate::db::note_change(conn);
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

/// How far a consumer is behind: events after its position, and when the oldest of them was
/// written (`None` when it is caught up).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lag {
    pub events: i64,
    pub oldest: Option<time::PrimitiveDateTime>,
}

/// The lag of a consumer at `position` (for monitoring).
pub fn lag_after(conn: &mut DbConnection, position: i64) -> QueryResult<Lag> {
    let oldest: Option<(i64, time::PrimitiveDateTime)> = outbox::table
        .filter(outbox::id.gt(position))
        .order(outbox::id.asc())
        .select((outbox::id, outbox::created_at))
        .first(conn)
        .optional()?;
    let Some((first, oldest)) = oldest else {
        return Ok(Lag {
            events: 0,
            oldest: None,
        });
    };
    // Ids are dense but for rolled-back transactions, so this counts without a scan.
    let events = max_id(conn)? - first + 1;
    Ok(Lag {
        events,
        oldest: Some(oldest),
    })
}

/// The positions of the consumers that keep theirs in the database (the lead matcher and the
/// notification mailer; each search index keeps its own in the index).
pub fn consumer_positions(conn: &mut DbConnection) -> QueryResult<Vec<(String, i64)>> {
    crate::db::schema::outbox_consumers::table
        .select((
            crate::db::schema::outbox_consumers::name,
            crate::db::schema::outbox_consumers::position,
        ))
        .order(crate::db::schema::outbox_consumers::name.asc())
        .load(conn)
}

/// How long a gap in outbox ids may stay open before it is taken as a rollback.
pub const GAP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The new checkpoint: the highest id up to which there is no open gap. A gap counts as closed
/// when the event after it is older than `GAP_TIMEOUT`.
pub fn advance(from: i64, events: &[OutboxEvent], now: time::PrimitiveDateTime) -> i64 {
    let timeout = time::Duration::try_from(GAP_TIMEOUT).unwrap_or(time::Duration::ZERO);
    let mut at = from;
    for e in events {
        if e.id == at + 1 || e.created_at + timeout < now {
            at = e.id;
        } else {
            break;
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock;

    fn event(id: i64, age_secs: i64, now: time::PrimitiveDateTime) -> OutboxEvent {
        OutboxEvent {
            id,
            topic: "x".into(),
            entity_id: String::new(),
            payload: String::new(),
            created_at: now - time::Duration::seconds(age_secs),
        }
    }

    #[test]
    fn the_checkpoint_waits_at_a_young_gap() {
        let now = clock::now();
        let events = [
            event(11, 0, now),
            event(12, 0, now),
            event(14, 0, now),
            event(15, 0, now),
        ];
        assert_eq!(advance(10, &events, now), 12);
        // Once the event after the gap is old, the gap is a rollback.
        let events = [
            event(11, 0, now),
            event(12, 0, now),
            event(14, 30, now),
            event(15, 0, now),
        ];
        assert_eq!(advance(10, &events, now), 15);
        assert_eq!(advance(10, &[], now), 10);
    }
}
