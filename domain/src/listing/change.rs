//! Edits of open listings as change requests (see `review::change`): validated and screened
//! like any edit, stored as a `ListingVersion`, applied (with the `listing.changed` event) only
//! when approved. Auto-approval follows the publish rule: a sell offer of a verified company, or
//! any buy request, whose new text screening finds nothing (no flag, review or block).

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::{OffsetDateTime, PrimitiveDateTime};

use super::ListingError;
use super::input::{ListingInput, ValidListing};
use super::model::{Incoterm, Listing, ListingKind, ListingRow, ListingState};
use super::repo::{Change, Loaded, load_listing, save_listing};
use super::service::{check_category, fill_row, screen_listing};
use crate::access::Actor;
use crate::catalog::format_minor;
use crate::clock::now;
use crate::db::DbConnection;
use crate::db::schema::listings;
use crate::error::FieldError;
use crate::json_col::from_json;
use crate::review::{ChangeRequest, ChangeStatus, Fields, Proposal, open_change, submit_change};

/// What an edit did: the listing as the public now sees it (the live version) and, for an edit
/// of an open listing, the change request that holds it (auto-approved or pending).
#[derive(Debug, Clone)]
pub struct ListingEdit {
    pub listing: Listing,
    pub change: Option<ChangeRequest>,
}

/// The stored form of a proposal.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ListingVersion {
    title: String,
    description: String,
    category_id: String,
    quantity: i64,
    unit: String,
    price_minor: Option<i64>,
    currency: Option<String>,
    delivery_region: Option<String>,
    incoterm: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    valid_until: OffsetDateTime,
    attachments: Vec<String>,
}

impl From<&ValidListing> for ListingVersion {
    fn from(v: &ValidListing) -> ListingVersion {
        ListingVersion {
            title: v.title.clone(),
            description: v.description.clone(),
            category_id: v.category_id.clone(),
            quantity: v.quantity,
            unit: v.unit.clone(),
            price_minor: v.price_minor,
            currency: v.currency.clone(),
            delivery_region: v.delivery_region.clone(),
            incoterm: v.incoterm.map(|i| i.as_str().to_owned()),
            valid_until: v.valid_until.assume_utc(),
            attachments: v.attachments.clone(),
        }
    }
}

impl From<ListingVersion> for ValidListing {
    fn from(v: ListingVersion) -> ValidListing {
        let t = v.valid_until.to_offset(time::UtcOffset::UTC);
        ValidListing {
            title: v.title,
            description: v.description,
            category_id: v.category_id,
            quantity: v.quantity,
            unit: v.unit,
            price_minor: v.price_minor,
            currency: v.currency,
            delivery_region: v.delivery_region,
            incoterm: v.incoterm.as_deref().and_then(Incoterm::parse),
            valid_until: PrimitiveDateTime::new(t.date(), t.time()),
            // A proposal stored before attachments became uploads may hold URLs: dropped.
            attachments: v
                .attachments
                .into_iter()
                .filter(|a| uuid::Uuid::parse_str(a).is_ok())
                .collect(),
        }
    }
}

/// The fields an owner edits, as people read them.
fn fields(row: &ListingRow) -> Fields {
    let price = row
        .price_minor
        .zip(row.currency.as_deref())
        .map(|(m, c)| format_minor(m, c));
    let attachments: Vec<String> = from_json(&row.attachments);
    vec![
        ("title", json!(row.title)),
        ("description", json!(row.description)),
        ("category_id", json!(row.category_id)),
        ("quantity", json!(row.quantity)),
        ("unit", json!(row.unit)),
        ("target_price", json!(price)),
        ("currency", json!(row.currency)),
        ("delivery_region", json!(row.delivery_region)),
        ("incoterm", json!(row.incoterm)),
        ("valid_until", json!(crate::ids::rfc3339(row.valid_until))),
        ("attachments", json!(attachments)),
    ]
}

fn with_version(row: &ListingRow, version: ValidListing) -> ListingRow {
    let mut row = row.clone();
    fill_row(&mut row, version);
    row
}

/// An edit of an open listing (inside `update_listing`'s transaction).
pub(super) fn propose(
    conn: &mut DbConnection,
    actor: &Actor,
    loaded: Loaded,
    input: ListingInput,
    at: PrimitiveDateTime,
) -> Result<ListingEdit, ListingError> {
    let id = loaded.listing.id;
    // Edits of one listing take turns (a row lock on PostgreSQL; SQLite's write transactions
    // already do), so two edits cannot both open a change request; the row is read again
    // under the lock.
    diesel::update(listings::table.find(id.to_string()))
        .set(listings::updated_at.eq(listings::updated_at))
        .execute(conn)?;
    let mut row = load_listing(conn, id)?.ok_or(ListingError::NotFound)?;
    // A new edit builds on the open proposal: fields it does not name keep their proposed value.
    let base = match open_change(conn, "listing", id)? {
        Some(cr) => match serde_json::from_value::<ListingVersion>(cr.proposed) {
            Ok(version) => with_version(&row, version.into()),
            Err(_) => row.clone(),
        },
        None => row.clone(),
    };
    let new_files = input.attachments.is_some();
    let valid = input
        .validate(Some(&Listing::from(base)), at)
        .map_err(ListingError::Validation)?;
    if valid.category_id != row.category_id {
        check_category(conn, &valid.category_id)?;
    }
    if new_files {
        // Linked now, like a product edit's new images: the ids are checked when proposed, the
        // reviewer can open the files, and the public list changes only when it is applied.
        let company = loaded.listing.company_id;
        super::attachments::attach_files(conn, actor, id, company, &valid.attachments)?;
    }
    let proposed_row = with_version(&row, valid.clone());
    let verdict = screen_listing(conn, &proposed_row)?;
    let sell = loaded.listing.kind == ListingKind::Sell;
    let verified = loaded.company.as_ref().is_some_and(|c| c.is_verified());
    let auto_approve = (!sell || verified) && verdict.outcome().is_none();
    let change = submit_change(
        conn,
        Proposal {
            subject_type: "listing",
            subject_id: id,
            company_id: if sell {
                loaded.listing.company_id
            } else {
                None
            },
            owner_id: Some(loaded.listing.owner_id),
            requested_by: actor.user_id,
            live: fields(&row),
            proposed_fields: fields(&proposed_row),
            proposed: serde_json::to_value(ListingVersion::from(&valid)).unwrap_or(Value::Null),
            verdict: &verdict,
            auto_approve,
            title: &proposed_row.title,
            category_id: Some(&proposed_row.category_id),
        },
    )?;
    if let Some(cr) = &change
        && cr.status == ChangeStatus::AutoApproved
    {
        fill_row(&mut row, valid);
        crate::screening::record(conn, "listing", &row.id, &verdict)?;
        row.updated_at = at;
        save_listing(conn, &row, Change::Updated)?;
    }
    Ok(ListingEdit {
        listing: Listing::from(row),
        change,
    })
}

/// The live listing's fields as a change request's diff and base show them (`None`: no such
/// listing).
pub(crate) fn live_fields(conn: &mut DbConnection, id: uuid::Uuid) -> QueryResult<Option<Fields>> {
    Ok(load_listing(conn, id)?.map(|row| fields(&row)))
}

/// Applies an approved change request to the live listing, in the caller's transaction. The
/// listing must still be open (not expired), a buy request still without quotes, and the
/// proposed end date still ahead.
pub(crate) fn apply_change_in_tx(
    conn: &mut DbConnection,
    cr: &ChangeRequest,
) -> Result<Listing, ListingError> {
    let mut row = load_listing(conn, cr.subject_id)?.ok_or(ListingError::NotFound)?;
    let listing = Listing::from(row.clone());
    let at = now();
    match listing.state(at) {
        ListingState::Open => {}
        ListingState::Expired => return Err(ListingError::Expired),
        state => {
            return Err(ListingError::InvalidTransition {
                action: "apply a change to",
                status: state.as_str(),
            });
        }
    }
    if listing.kind == ListingKind::Buy {
        let claimed = diesel::update(
            listings::table
                .find(&row.id)
                .filter(listings::quote_count.eq(0)),
        )
        .set(listings::updated_at.eq(at))
        .execute(conn)?;
        if claimed == 0 {
            return Err(ListingError::HasQuotes);
        }
    }
    let version: ListingVersion = serde_json::from_value(cr.proposed.clone()).map_err(|e| {
        tracing::error!(error = %e, change_request = %cr.id, "malformed proposal");
        ListingError::InvalidTransition {
            action: "apply a malformed change to",
            status: "open",
        }
    })?;
    let valid = ValidListing::from(version);
    if valid.valid_until <= at {
        return Err(ListingError::Validation(vec![FieldError::new(
            "valid_until",
            "out_of_range",
            "the proposed end date has passed",
        )]));
    }
    fill_row(&mut row, valid);
    let verdict = crate::screening::stored(conn, "change_request", &cr.id.to_string())?;
    crate::screening::record(conn, "listing", &row.id, &verdict)?;
    row.updated_at = at;
    save_listing(conn, &row, Change::Updated)?;
    Ok(Listing::from(row))
}
