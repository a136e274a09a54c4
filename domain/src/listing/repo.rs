//! Listing rows: the one write path (`save_listing`), loading with the actor's relation, and
//! the visibility rule in Rust and in SQL.

use diesel::prelude::*;
use serde_json::json;
use time::PrimitiveDateTime;
use uuid::Uuid;

use super::ListingError;
use super::model::{Listing, ListingKind, ListingRow, ListingStatus};
use crate::access::{Actor, ListingAction, ListingRelation, may_on_listing};
use crate::company::{Company, company_is_public, find_company, role_in};
use crate::db::DbConnection;
use crate::db::schema::{companies, listings};
use crate::outbox::{self, topic};

/// What a write did, for the outbox event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    Created,
    Updated,
    Published,
    Closed,
    Republished,
    Approved,
    Rejected,
    /// An operator sent it back to its owner.
    ChangesRequested,
    /// A quote was accepted and the request closed.
    Awarded,
}

impl Change {
    fn name(self) -> &'static str {
        match self {
            Change::Created => "created",
            Change::Updated => "updated",
            Change::Published => "published",
            Change::Closed => "closed",
            Change::Republished => "republished",
            Change::Approved => "approved",
            Change::Rejected => "rejected",
            Change::ChangesRequested => "changes_requested",
            Change::Awarded => "awarded",
        }
    }
}

/// Every column a service changes. The quote counter and the cap are not here: they only move
/// through the conditional UPDATE of a new quote, so a full-row write can never undo one.
#[derive(AsChangeset)]
#[diesel(table_name = listings, treat_none_as_null = true)]
struct ListingChanges<'a> {
    status: &'a str,
    title: &'a str,
    description: &'a str,
    category_id: &'a str,
    quantity: i64,
    unit: &'a str,
    price_minor: Option<i64>,
    currency: Option<&'a str>,
    delivery_region: Option<&'a str>,
    incoterm: Option<&'a str>,
    valid_until: PrimitiveDateTime,
    attachments: &'a str,
    review_note: Option<&'a str>,
    expiry_notified_at: Option<PrimitiveDateTime>,
    published_at: Option<PrimitiveDateTime>,
    closed_at: Option<PrimitiveDateTime>,
    updated_at: PrimitiveDateTime,
    changes_requested_at: Option<PrimitiveDateTime>,
}

impl<'a> From<&'a ListingRow> for ListingChanges<'a> {
    fn from(r: &'a ListingRow) -> ListingChanges<'a> {
        ListingChanges {
            status: &r.status,
            title: &r.title,
            description: &r.description,
            category_id: &r.category_id,
            quantity: r.quantity,
            unit: &r.unit,
            price_minor: r.price_minor,
            currency: r.currency.as_deref(),
            delivery_region: r.delivery_region.as_deref(),
            incoterm: r.incoterm.as_deref(),
            valid_until: r.valid_until,
            attachments: &r.attachments,
            review_note: r.review_note.as_deref(),
            expiry_notified_at: r.expiry_notified_at,
            published_at: r.published_at,
            closed_at: r.closed_at,
            updated_at: r.updated_at,
            changes_requested_at: r.changes_requested_at,
        }
    }
}

/// Writes a listing (inserts it for `Change::Created`) and its `listing.changed` outbox event:
/// every listing write goes through here, so none can skip the event search follows.
pub(crate) fn save_listing(
    conn: &mut DbConnection,
    row: &ListingRow,
    change: Change,
) -> QueryResult<()> {
    if change == Change::Created {
        diesel::insert_into(listings::table)
            .values(row)
            .execute(conn)?;
    } else {
        diesel::update(listings::table.find(&row.id))
            .set(ListingChanges::from(row))
            .execute(conn)?;
    }
    // An open buy request subscribes its owner to products and sell offers like it.
    if row.kind == "buy" && row.status == "open" {
        (crate::seams::reactions().buy_request_open)(
            conn,
            crate::seams::OpenBuyRequest {
                owner_id: crate::ids::parse_db_id(&row.owner_id),
                listing_id: crate::ids::parse_db_id(&row.id),
                title: &row.title,
                category_id: &row.category_id,
            },
        )?;
    }
    // The review queue and open change requests follow the listing's state.
    crate::review::hooks::listing_saved(
        conn,
        crate::review::hooks::listing_kind(&row.kind),
        &crate::review::hooks::SavedItem {
            id: &row.id,
            status: &row.status,
            live: true,
            company_id: row.company_id.as_deref(),
            owner_id: Some(&row.owner_id),
            category_id: &row.category_id,
            title: &row.title,
            changes_requested: row.changes_requested_at.is_some(),
            review_note: row.review_note.as_deref(),
        },
    )?;
    outbox::emit(
        conn,
        topic::LISTING_CHANGED,
        crate::ids::parse_db_id(&row.id),
        json!({"change": change.name(), "status": row.status, "kind": row.kind}),
    )
}

pub(crate) fn load_listing(conn: &mut DbConnection, id: Uuid) -> QueryResult<Option<ListingRow>> {
    listings::table
        .find(id.to_string())
        .select(ListingRow::as_select())
        .first(conn)
        .optional()
}

/// Whether the public sees the listing: open (or expired) and closed listings, of a company
/// that is neither suspended nor rejected, or of an individual buyer (and, checked by the
/// callers, not hidden by an enforcement action or takedown: `enforcement::is_held`).
pub(crate) fn is_public(listing: &Listing, company: Option<&Company>) -> bool {
    matches!(listing.status, ListingStatus::Open | ListingStatus::Closed)
        && company.is_none_or(Company::is_public)
}

/// A listing with its company and the actor's relation to it.
pub(crate) struct Loaded {
    pub row: ListingRow,
    pub listing: Listing,
    pub company: Option<Company>,
    pub rel: ListingRelation,
}

impl Loaded {
    pub fn sell(&self) -> bool {
        self.listing.kind == ListingKind::Sell
    }

    pub fn may(&self, actor: &Actor, action: ListingAction) -> bool {
        may_on_listing(actor, self.sell(), self.rel, action)
    }
}

pub(crate) fn relation(
    conn: &mut DbConnection,
    actor: &Actor,
    listing: &Listing,
) -> QueryResult<ListingRelation> {
    Ok(ListingRelation {
        is_owner: listing.owner_id == actor.user_id,
        company_role: match listing.company_id {
            Some(c) => role_in(conn, c, actor.user_id)?,
            None => None,
        },
    })
}

/// Loads a listing as `actor` sees it; `NotFound` when it does not exist or they may not see it.
pub(crate) fn load_visible(
    conn: &mut DbConnection,
    actor: Option<&Actor>,
    id: Uuid,
) -> Result<Loaded, ListingError> {
    let row = load_listing(conn, id)?.ok_or(ListingError::NotFound)?;
    let listing = Listing::from(row.clone());
    let company = match listing.company_id {
        Some(c) => Some(find_company(conn, c).map_err(|_| ListingError::NotFound)?),
        None => None,
    };
    let rel = match actor {
        Some(actor) => relation(conn, actor, &listing)?,
        None => ListingRelation {
            is_owner: false,
            company_role: None,
        },
    };
    let public = is_public(&listing, company.as_ref())
        && !crate::enforcement::is_held(conn, "listing", listing.id)?;
    let loaded = Loaded {
        row,
        listing,
        company,
        rel,
    };
    if public || actor.is_some_and(|a| loaded.may(a, ListingAction::ViewPrivate)) {
        Ok(loaded)
    } else {
        Err(ListingError::NotFound)
    }
}

/// Loads a listing for a write by its owner (or, for a sell offer, a member of its company):
/// 404 where the actor cannot see it, 403 where they can see it but not write it, 409 when its
/// company is suspended.
pub(crate) fn load_for_write(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<Loaded, ListingError> {
    let loaded = load_visible(conn, Some(actor), id)?;
    if !loaded.may(actor, ListingAction::Write) {
        return Err(ListingError::Forbidden);
    }
    if loaded.company.as_ref().is_some_and(Company::is_suspended) {
        return Err(ListingError::CompanySuspended);
    }
    Ok(loaded)
}

/// Ids of the companies the public may see, as a subquery for listing filters.
pub(crate) fn public_company_ids()
-> diesel::dsl::Select<diesel::dsl::Filter<companies::table, PublicCompany>, NullableId> {
    companies::table
        .filter(company_is_public())
        .select(companies::id.nullable())
}

type PublicCompany = diesel::dsl::And<
    diesel::dsl::IsNull<companies::suspended_at>,
    diesel::dsl::NotEq<companies::verification_status, &'static str>,
>;
type NullableId = diesel::dsl::Nullable<companies::id>;
