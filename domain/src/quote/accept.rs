//! The buyer accepts one quote: purchase intent is recorded, the others are declined, the
//! request closes, every bidder hears the outcome and the leads move to won or lost.

use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::QuoteError;
use super::model::{Quote, QuoteRow, QuoteStatus};
use super::service::quote_for;
use crate::access::{Actor, QuoteAction};
use crate::clock::now;
use crate::db::schema::{company_members, listings, quotes};
use crate::db::{self, DbConnection};
use crate::ids::parse_db_id;
use crate::lead::{LeadSource, LeadStage, advance_lead};
use crate::listing::repo::{Change, load_listing, save_listing};
use crate::listing::{Listing, ListingState, ListingStatus};
use crate::notification::{NewNotification, NotificationKind, notify};

/// Stages an automatic outcome may overwrite (a member's own `won`/`lost` stays).
const OPEN_STAGES: [LeadStage; 4] = [
    LeadStage::New,
    LeadStage::Contacted,
    LeadStage::Quoted,
    LeadStage::Negotiating,
];

fn members_of(conn: &mut DbConnection, company_id: &str) -> QueryResult<Vec<Uuid>> {
    let ids: Vec<String> = company_members::table
        .filter(company_members::company_id.eq(company_id))
        .select(company_members::user_id)
        .load(conn)?;
    Ok(ids.iter().map(|id| parse_db_id(id)).collect())
}

fn tell_company(
    conn: &mut DbConnection,
    company_id: &str,
    kind: NotificationKind,
    quote_id: &str,
    listing: &Listing,
) -> QueryResult<()> {
    for user in members_of(conn, company_id)? {
        notify(
            conn,
            NewNotification {
                user_id: user,
                kind,
                subject_type: "quote",
                subject_id: parse_db_id(quote_id),
                payload: json!({
                    "quote_id": quote_id,
                    "listing_id": listing.id,
                    "listing_title": listing.title,
                }),
            },
        )?;
    }
    Ok(())
}

/// Tells the quoting company's webhook endpoints that its quote was accepted or declined.
fn quote_webhook(
    conn: &mut DbConnection,
    quote: &QuoteRow,
    event: crate::webhook::EventType,
    at: time::PrimitiveDateTime,
) -> QueryResult<()> {
    crate::webhook::enqueue(
        conn,
        parse_db_id(&quote.company_id),
        event,
        serde_json::json!({
            "quote_id": quote.id,
            "listing_id": quote.listing_id,
            "company_id": quote.company_id,
            "status": if event == crate::webhook::EventType::QuoteAccepted { "accepted" } else { "declined" },
            "decided_at": crate::ids::rfc3339(at),
        }),
    )
}

/// Accepts a live, still valid quote on the actor's own request. The request may be open or
/// past its end date (it stopped taking quotes, not choosing among them); a closed request has
/// made its choice.
pub fn accept_quote(conn: &mut DbConnection, actor: &Actor, id: Uuid) -> Result<Quote, QuoteError> {
    db::transaction(conn, |conn| {
        let ctx = quote_for(conn, actor, id, QuoteAction::Accept)?;
        let at = now();
        if ctx.quote.status != QuoteStatus::Live {
            return Err(QuoteError::InvalidTransition {
                action: "accept",
                status: ctx.quote.status.as_str(),
            });
        }
        if ctx.quote.valid_until <= at {
            return Err(QuoteError::QuoteExpired);
        }
        if !matches!(
            ctx.listing.state(at),
            ListingState::Open | ListingState::Expired
        ) {
            return Err(QuoteError::ListingClosed);
        }
        // Claims the request: a quote arriving now waits and then finds it closed.
        let claimed = diesel::update(
            listings::table
                .find(ctx.listing.id.to_string())
                .filter(listings::status.eq(ListingStatus::Open.as_str())),
        )
        .set(listings::updated_at.eq(at))
        .execute(conn)?;
        if claimed == 0 {
            return Err(QuoteError::ListingClosed);
        }
        let others: Vec<QuoteRow> = quotes::table
            .filter(quotes::listing_id.eq(ctx.listing.id.to_string()))
            .filter(quotes::status.eq(QuoteStatus::Live.as_str()))
            .filter(quotes::id.ne(id.to_string()))
            .select(QuoteRow::as_select())
            .load(conn)?;
        let mut row = ctx.row;
        row.status = QuoteStatus::Accepted.as_str().to_owned();
        row.updated_at = at;
        diesel::update(quotes::table.find(id.to_string()))
            .set(&row)
            .execute(conn)?;
        diesel::update(
            quotes::table
                .filter(quotes::listing_id.eq(ctx.listing.id.to_string()))
                .filter(quotes::status.eq(QuoteStatus::Live.as_str()))
                .filter(quotes::id.ne(id.to_string())),
        )
        .set((
            quotes::status.eq(QuoteStatus::Declined.as_str()),
            quotes::updated_at.eq(at),
        ))
        .execute(conn)?;
        let mut listing_row = load_listing(conn, ctx.listing.id)?.ok_or(QuoteError::NotFound)?;
        listing_row.status = ListingStatus::Closed.as_str().to_owned();
        listing_row.closed_at = Some(at);
        listing_row.updated_at = at;
        save_listing(conn, &listing_row, Change::Awarded)?;
        let listing = Listing::from(listing_row);
        tell_company(
            conn,
            &row.company_id,
            NotificationKind::QuoteAccepted,
            &row.id,
            &listing,
        )?;
        advance_lead(conn, LeadSource::Quote, id, &OPEN_STAGES, LeadStage::Won)?;
        quote_webhook(conn, &row, crate::webhook::EventType::QuoteAccepted, at)?;
        for other in &others {
            quote_webhook(conn, other, crate::webhook::EventType::QuoteDeclined, at)?;
        }
        for other in &others {
            tell_company(
                conn,
                &other.company_id,
                NotificationKind::QuoteNotChosen,
                &other.id,
                &listing,
            )?;
            advance_lead(
                conn,
                LeadSource::Quote,
                parse_db_id(&other.id),
                &OPEN_STAGES,
                LeadStage::Lost,
            )?;
        }
        Ok(Quote::from(row))
    })
}
