//! Recording what the matcher found: one lead per recipient and item, ever, written in the
//! same transaction that moves the matcher's outbox position, so a crash or a second process
//! can neither lose a match nor record one twice.

use std::collections::HashMap;

use diesel::prelude::*;
use uuid::Uuid;

use super::consent::preferences_in_tx;
use super::model::{Frequency, LeadConsent};
use crate::clock::now;
use crate::db::schema::{lead_matches, outbox_consumers};
use crate::db::{self, DbConnection};
use crate::ids::new_id;

/// A subscription that an item matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMatch {
    pub user_id: Uuid,
    pub subscription_id: Uuid,
    pub frequency: Frequency,
    /// `product` or `listing`.
    pub item_type: &'static str,
    pub item_id: Uuid,
    pub company_id: Uuid,
    /// For a `buy_leads` subscription: the supplier company it follows buy requests for (its
    /// webhook endpoints hear `buy_request.matched`).
    pub buy_leads_company: Option<Uuid>,
}

/// The consumer's position. The lead consumers' rows are made by their migration (at the
/// newest event then, so an upgrade does not mail out the history); any other consumer starts
/// at the beginning. Call outside a transaction.
pub fn consumer_position(conn: &mut DbConnection, name: &str) -> QueryResult<i64> {
    let read = |conn: &mut DbConnection| -> QueryResult<Option<i64>> {
        outbox_consumers::table
            .find(name)
            .select(outbox_consumers::position)
            .first(conn)
            .optional()
    };
    if let Some(p) = read(conn)? {
        return Ok(p);
    }
    let start = 0;
    let inserted = diesel::insert_into(outbox_consumers::table)
        .values((
            outbox_consumers::name.eq(name),
            outbox_consumers::position.eq(start),
            outbox_consumers::updated_at.eq(now()),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(start),
        Err(e) if crate::db::is_unique_violation(&e) => read(conn)?.ok_or(e),
        Err(e) => Err(e),
    }
}

/// Moves the position from `from` to `to` unless another process already moved it; returns
/// whether this caller owns the step. Call inside the transaction that writes the results.
pub fn claim_step(conn: &mut DbConnection, name: &str, from: i64, to: i64) -> QueryResult<bool> {
    let updated = diesel::update(
        outbox_consumers::table
            .find(name)
            .filter(outbox_consumers::position.eq(from)),
    )
    .set((
        outbox_consumers::position.eq(to),
        outbox_consumers::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Records the matches of outbox events `(from, to]` and moves the matcher to `to`. Matches for
/// recipients without confirmed consent are not kept (nothing may be sent to them, and
/// confirming later does not mail out the past), nor are items of the recipient's own company.
/// A buy request recorded for a `buy_leads` subscription is also a `buy_request.matched`
/// webhook event of that company. Returns how many leads were recorded, or
/// `None` when another process had already handled this step.
pub fn record_matches(
    conn: &mut DbConnection,
    consumer: &str,
    from: i64,
    to: i64,
    matches: &[NewMatch],
) -> QueryResult<Option<usize>> {
    db::transaction(conn, |conn| {
        if !claim_step(conn, consumer, from, to)? {
            return Ok(None);
        }
        let mut consent: HashMap<Uuid, bool> = HashMap::new();
        let mut own_company: HashMap<Uuid, Option<Uuid>> = HashMap::new();
        let mut recorded = 0;
        let at = now();
        for m in matches {
            let ok = match consent.get(&m.user_id) {
                Some(ok) => *ok,
                None => {
                    let ok =
                        preferences_in_tx(conn, m.user_id)?.lead_consent == LeadConsent::Confirmed;
                    consent.insert(m.user_id, ok);
                    ok
                }
            };
            if !ok {
                continue;
            }
            // Nobody is sent their own company's items as leads.
            let company = match own_company.get(&m.user_id) {
                Some(c) => *c,
                None => {
                    let c = crate::company::membership_of(conn, m.user_id)?.map(|(c, _)| c);
                    own_company.insert(m.user_id, c);
                    c
                }
            };
            if company == Some(m.company_id) {
                continue;
            }
            let exists: i64 = lead_matches::table
                .filter(lead_matches::user_id.eq(m.user_id.to_string()))
                .filter(lead_matches::item_type.eq(m.item_type))
                .filter(lead_matches::item_id.eq(m.item_id.to_string()))
                .count()
                .get_result(conn)?;
            if exists > 0 {
                continue;
            }
            if let Some(supplier) = m.buy_leads_company {
                super::matched_webhook::buy_request_matched(
                    conn, supplier, m.item_id, m.user_id, at,
                )?;
            }
            diesel::insert_into(lead_matches::table)
                .values((
                    lead_matches::id.eq(new_id().to_string()),
                    lead_matches::user_id.eq(m.user_id.to_string()),
                    lead_matches::subscription_id.eq(m.subscription_id.to_string()),
                    lead_matches::item_type.eq(m.item_type),
                    lead_matches::item_id.eq(m.item_id.to_string()),
                    lead_matches::company_id.eq(m.company_id.to_string()),
                    lead_matches::frequency.eq(m.frequency.as_str()),
                    lead_matches::status.eq("pending"),
                    lead_matches::matched_at.eq(at),
                ))
                .execute(conn)?;
            recorded += 1;
        }
        Ok(Some(recorded))
    })
}
