//! The listing status flow.
//!
//! draft ──publish──▶ open (buy requests; sell offers of verified companies)
//!                  └▶ pending_review (sell offers of unverified companies) ──approve──▶ open
//! pending_review / open ──reject (operator, reason)──▶ rejected ──edit──▶ draft ──publish──▶ …
//! open / pending_review ──close──▶ closed
//! open at or past valid_until = expired (never stored; exact to the instant)
//! closed / expired ──republish (new valid_until)──▶ open (or pending_review, as publish)
//! pending_review ──request_changes (operator, note)──▶ draft, shown as `changes_requested`
//! until it is published again

use diesel::prelude::*;
use time::PrimitiveDateTime;
use uuid::Uuid;

use super::ListingError;
use super::input::check_valid_until;
use super::model::{Listing, ListingKind, ListingRow, ListingState, ListingStatus};
use super::repo::{Change, load_for_write, load_listing, save_listing};
use crate::access::{Actor, PlatformAction, may_on_platform};
use crate::clock::now;
use crate::company::Company;
use crate::db::schema::quotes;
use crate::db::{self, DbConnection};
use crate::moderation::{record_transition, validate_reason};
use crate::validate::Validator;

/// Where publishing takes a listing: a sell offer of a company that is not verified waits for
/// an operator; everything else opens.
pub(crate) fn opened_status(kind: ListingKind, company: Option<&Company>) -> ListingStatus {
    if kind == ListingKind::Sell && !company.is_some_and(Company::is_verified) {
        ListingStatus::PendingReview
    } else {
        ListingStatus::Open
    }
}

fn invalid(action: &'static str, state: ListingState) -> ListingError {
    ListingError::InvalidTransition {
        action,
        status: state.as_str(),
    }
}

/// Opens the listing, unless its company needs review or screening asked for an operator.
fn open(
    conn: &mut DbConnection,
    row: &mut ListingRow,
    listing: &Listing,
    company: Option<&Company>,
    at: PrimitiveDateTime,
) -> Result<(), ListingError> {
    let held = crate::screening::stored(conn, "listing", &row.id)?.needs_review();
    row.status = if held {
        ListingStatus::PendingReview
    } else {
        opened_status(listing.kind, company)
    }
    .as_str()
    .to_owned();
    row.published_at = Some(at);
    row.closed_at = None;
    row.updated_at = at;
    row.changes_requested_at = None;
    Ok(())
}

/// Refuses to open a listing of a company that penalty points restrict.
pub(crate) fn check_not_restricted(
    conn: &mut DbConnection,
    company: Option<&Company>,
) -> Result<(), ListingError> {
    match company {
        Some(c) if crate::penalty::is_restricted(conn, c.id)? => {
            Err(ListingError::CompanyRestricted)
        }
        _ => Ok(()),
    }
}

/// Publishes a draft or rejected listing; its end date must still be ahead.
pub fn publish_listing(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<Listing, ListingError> {
    db::transaction(conn, |conn| {
        let loaded = load_for_write(conn, actor, id)?;
        let at = now();
        let state = loaded.listing.state(at);
        if !matches!(state, ListingState::Draft | ListingState::Rejected) {
            return Err(invalid("publish", state));
        }
        let mut v = Validator::new();
        check_valid_until(&mut v, "valid_until", loaded.listing.valid_until, at);
        v.finish().map_err(ListingError::Validation)?;
        check_not_restricted(conn, loaded.company.as_ref())?;
        let mut row = loaded.row;
        open(conn, &mut row, &loaded.listing, loaded.company.as_ref(), at)?;
        row.review_note = None;
        save_listing(conn, &row, Change::Published)?;
        Ok(Listing::from(row))
    })
}

/// Closes an open (or expired) or pending listing: it stops taking quotes and leaves search.
pub fn close_listing(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<Listing, ListingError> {
    db::transaction(conn, |conn| {
        let loaded = load_for_write(conn, actor, id)?;
        let at = now();
        let state = loaded.listing.state(at);
        if !matches!(
            state,
            ListingState::Open | ListingState::Expired | ListingState::PendingReview
        ) {
            return Err(invalid("close", state));
        }
        let mut row = loaded.row;
        row.status = ListingStatus::Closed.as_str().to_owned();
        row.closed_at = Some(at);
        row.updated_at = at;
        save_listing(conn, &row, Change::Closed)?;
        Ok(Listing::from(row))
    })
}

/// Closes the open buy requests an individual posted (not a company's), in the caller's
/// transaction, when their account is erased: they can no longer be answered. Through the one
/// write path, so their open change requests are withdrawn with them and search follows.
/// Returns the closed requests' ids.
pub(crate) fn close_buy_requests_of(
    conn: &mut DbConnection,
    owner_id: Uuid,
    at: PrimitiveDateTime,
) -> QueryResult<Vec<String>> {
    use crate::db::schema::listings;
    let open: Vec<ListingRow> = listings::table
        .filter(listings::owner_id.eq(owner_id.to_string()))
        .filter(listings::kind.eq(ListingKind::Buy.as_str()))
        .filter(listings::company_id.is_null())
        .filter(listings::status.eq(ListingStatus::Open.as_str()))
        .select(ListingRow::as_select())
        .load(conn)?;
    let mut closed = Vec::with_capacity(open.len());
    for mut row in open {
        row.status = ListingStatus::Closed.as_str().to_owned();
        row.closed_at = Some(at);
        row.updated_at = at;
        save_listing(conn, &row, Change::Closed)?;
        closed.push(row.id);
    }
    Ok(closed)
}

/// Reopens a closed or expired listing with a new end date (at most 90 days ahead), by the same
/// rule as publishing. A request whose quote was accepted stays closed: it has its supplier.
pub fn republish_listing(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    valid_until: Option<PrimitiveDateTime>,
) -> Result<Listing, ListingError> {
    db::transaction(conn, |conn| {
        let loaded = load_for_write(conn, actor, id)?;
        let at = now();
        let state = loaded.listing.state(at);
        if !matches!(state, ListingState::Closed | ListingState::Expired) {
            return Err(invalid("republish", state));
        }
        let mut v = Validator::new();
        let valid_until = match valid_until {
            Some(t) => check_valid_until(&mut v, "valid_until", t, at),
            None => {
                v.push("valid_until", "required", "a new end date is required");
                at
            }
        };
        v.finish().map_err(ListingError::Validation)?;
        let accepted: i64 = quotes::table
            .filter(quotes::listing_id.eq(id.to_string()))
            .filter(quotes::status.eq("accepted"))
            .count()
            .get_result(conn)?;
        if accepted > 0 {
            return Err(ListingError::InvalidTransition {
                action: "republish",
                status: "closed with an accepted quote",
            });
        }
        check_not_restricted(conn, loaded.company.as_ref())?;
        let mut row = loaded.row;
        open(conn, &mut row, &loaded.listing, loaded.company.as_ref(), at)?;
        row.valid_until = valid_until;
        row.expiry_notified_at = None;
        save_listing(conn, &row, Change::Republished)?;
        Ok(Listing::from(row))
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListingDecision {
    Approve,
    Reject,
    /// Send a submission back to its owner with a note (the review queue's decision).
    RequestChanges,
}

/// An operator approves a sell offer under review, or rejects one under review or open, with a
/// reason the owner reads (an approval may go without one).
pub fn moderate_listing(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    decision: ListingDecision,
    reason: Option<&str>,
) -> Result<Listing, ListingError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(ListingError::Forbidden);
    }
    // Blank as the validator trims (invisible characters too) is "none"; otherwise the reason
    // is checked as sent, so its length counts what was sent (as `maxLength` does).
    let reason = match (
        decision,
        reason.filter(|r| !crate::text::trim_text(r).is_empty()),
    ) {
        (ListingDecision::Approve, None) => "approved".to_owned(),
        (_, r) => validate_reason(r.unwrap_or("")).map_err(ListingError::Validation)?,
    };
    db::transaction(conn, |conn| {
        moderate_listing_in_tx(conn, actor, id, decision, reason)
    })
}

/// `moderate_listing` inside the caller's transaction, with the reason already checked.
pub(crate) fn moderate_listing_in_tx(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    decision: ListingDecision,
    reason: String,
) -> Result<Listing, ListingError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(ListingError::Forbidden);
    }
    let mut row = load_listing(conn, id)?.ok_or(ListingError::NotFound)?;
    let listing = Listing::from(row.clone());
    let at = now();
    let state = listing.state(at);
    let (action, next, change) = match (decision, listing.status) {
        (ListingDecision::Approve, ListingStatus::PendingReview) => {
            ("approve", ListingStatus::Open, Change::Approved)
        }
        (ListingDecision::Reject, ListingStatus::PendingReview | ListingStatus::Open) => {
            ("reject", ListingStatus::Rejected, Change::Rejected)
        }
        (ListingDecision::RequestChanges, ListingStatus::PendingReview) => (
            "request_changes",
            ListingStatus::Draft,
            Change::ChangesRequested,
        ),
        (ListingDecision::Approve, _) => return Err(invalid("approve", state)),
        (ListingDecision::Reject, _) => return Err(invalid("reject", state)),
        (ListingDecision::RequestChanges, _) => {
            return Err(invalid("request changes to", state));
        }
    };
    row.status = next.as_str().to_owned();
    if next == ListingStatus::Open {
        row.published_at = Some(at);
    }
    row.changes_requested_at = (decision == ListingDecision::RequestChanges).then_some(at);
    row.review_note = Some(reason.clone());
    row.updated_at = at;
    record_transition(
        conn,
        "listing",
        id,
        action,
        &reason,
        actor.user_id,
        serde_json::json!({"status": listing.status.as_str()}),
        serde_json::json!({"status": next.as_str()}),
    )?;
    save_listing(conn, &row, change)?;
    Ok(Listing::from(row))
}
