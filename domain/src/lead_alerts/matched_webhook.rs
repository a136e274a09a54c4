//! `buy_request.matched`: a supplier's webhook endpoints hear of a buy request the matcher
//! found for its company, written with the recorded lead (same transaction, same consumer
//! step), so a crash or a second matcher process never repeats or loses it.

use diesel::prelude::*;
use time::PrimitiveDateTime;
use uuid::Uuid;

use super::model::SubscriptionKind;
use crate::db::DbConnection;
use crate::db::schema::{lead_matches, listings, subscriptions};

/// Writes the event for `company` unless a member's `buy_leads` subscription already recorded
/// this request (one event per company and request, however many members follow buy leads).
/// Call before recording the new match.
pub(super) fn buy_request_matched(
    conn: &mut DbConnection,
    company: Uuid,
    request: Uuid,
    subscriber: Uuid,
    at: PrimitiveDateTime,
) -> QueryResult<()> {
    let company_subs = subscriptions::table
        .filter(subscriptions::kind.eq(SubscriptionKind::BuyLeads.as_str()))
        .filter(subscriptions::target_id.eq(company.to_string()))
        .select(subscriptions::id.nullable());
    let earlier: i64 = lead_matches::table
        .filter(lead_matches::item_type.eq("listing"))
        .filter(lead_matches::item_id.eq(request.to_string()))
        .filter(lead_matches::subscription_id.eq_any(company_subs))
        .count()
        .get_result(conn)?;
    if earlier > 0 {
        return Ok(());
    }
    let listing: Option<(String, String, i64, String)> = listings::table
        .find(request.to_string())
        .select((
            listings::title,
            listings::category_id,
            listings::quantity,
            listings::unit,
        ))
        .first(conn)
        .optional()?;
    let Some((title, category_id, quantity, unit)) = listing else {
        return Ok(());
    };
    crate::webhook::enqueue(
        conn,
        company,
        crate::webhook::EventType::BuyRequestMatched,
        serde_json::json!({
            "buy_request_id": request,
            "company_id": company,
            "title": title,
            "category_id": category_id,
            "quantity": quantity,
            "unit": unit,
            "subscriber_id": subscriber,
            "matched_at": crate::ids::rfc3339(at),
        }),
    )
}
