use diesel::prelude::*;
use uuid::Uuid;

use super::ListingError;
use super::change::ListingEdit;
use super::input::{ListingInput, ValidListing};
use super::model::{Listing, ListingKind, ListingRow, ListingState, ListingStatus};
use super::repo::{Change, load_for_write, load_visible, public_company_ids, save_listing};
use super::status::opened_status;
use crate::access::{Actor, may_post_listing};
use crate::catalog::leaf_category_problem;
use crate::clock::now;
use crate::company::{find_company, membership_of};
use crate::db::schema::{categories, listings};
use crate::db::{self, DbConnection};
use crate::error::FieldError;
use crate::ids::new_id;
use crate::json_col::to_json;
use crate::paging::{Page, PageRequest};

pub(crate) fn check_category(conn: &mut DbConnection, id: &str) -> Result<(), ListingError> {
    match leaf_category_problem(conn, "category_id", id)? {
        None => Ok(()),
        Some(problem) => Err(ListingError::Validation(vec![problem])),
    }
}

pub(super) fn fill_row(row: &mut ListingRow, v: ValidListing) {
    if row.valid_until != v.valid_until {
        // A new end date earns a new reminder.
        row.expiry_notified_at = None;
    }
    row.title = v.title;
    row.description = v.description;
    row.category_id = v.category_id;
    row.quantity = v.quantity;
    row.unit = v.unit;
    row.price_minor = v.price_minor;
    row.currency = v.currency;
    row.delivery_region = v.delivery_region;
    row.incoterm = v.incoterm.map(|i| i.as_str().to_owned());
    row.valid_until = v.valid_until;
    row.attachments = to_json(&v.attachments);
}

fn parse_kind(kind: Option<&str>) -> Result<ListingKind, ListingError> {
    // Exact, as the document's enum says.
    let problem = match kind {
        None | Some("") => FieldError::new("kind", "required", "is required"),
        Some(k) => match ListingKind::parse(k) {
            Some(kind) => return Ok(kind),
            None => FieldError::new(
                "kind",
                "invalid_choice",
                format!("must be one of: {}", ListingKind::names()),
            ),
        },
    };
    Err(ListingError::Validation(vec![problem]))
}

/// Creates a sell offer (for the actor's company) or a buy request, as a draft, or published at
/// once when `publish` is set (the same rules as `publish_listing`). `max_quotes` is the cap on
/// quotes a buy request takes, fixed at creation.
pub fn create_listing(
    conn: &mut DbConnection,
    actor: &Actor,
    kind: Option<&str>,
    input: ListingInput,
    max_quotes: i32,
    publish: bool,
) -> Result<Listing, ListingError> {
    let kind = parse_kind(kind)?;
    let sell = kind == ListingKind::Sell;
    db::transaction(conn, |conn| {
        let membership = membership_of(conn, actor.user_id)?;
        if !may_post_listing(actor, sell, membership.map(|(_, role)| role)) {
            return Err(if actor.is_operator() {
                ListingError::OperatorsCannotPost
            } else {
                ListingError::NotASupplier
            });
        }
        let company = match membership {
            Some((id, _)) => {
                Some(find_company(conn, id).map_err(|_| ListingError::CompanyNotFound)?)
            }
            None => None,
        };
        if company.as_ref().is_some_and(|c| c.is_suspended()) {
            return Err(ListingError::CompanySuspended);
        }
        if publish {
            super::status::check_not_restricted(conn, company.as_ref())?;
        }
        let at = now();
        let valid = input.validate(None, at).map_err(ListingError::Validation)?;
        check_category(conn, &valid.category_id)?;
        let id = new_id();
        let company_id = company.as_ref().map(|c| c.id);
        super::attachments::attach_files(conn, actor, id, company_id, &valid.attachments)?;
        let mut row = ListingRow {
            id: id.to_string(),
            kind: kind.as_str().to_owned(),
            owner_id: actor.user_id.to_string(),
            company_id: company.as_ref().map(|c| c.id.to_string()),
            status: ListingStatus::Draft.as_str().to_owned(),
            title: String::new(),
            description: String::new(),
            category_id: String::new(),
            quantity: 0,
            unit: String::new(),
            price_minor: None,
            currency: None,
            delivery_region: None,
            incoterm: None,
            valid_until: valid.valid_until,
            attachments: String::new(),
            quote_count: 0,
            max_quotes: max_quotes.max(1),
            review_note: None,
            expiry_notified_at: None,
            published_at: None,
            closed_at: None,
            created_at: at,
            updated_at: at,
            changes_requested_at: None,
        };
        fill_row(&mut row, valid);
        let verdict = screen_listing(conn, &row)?;
        if publish {
            row.status = if verdict.needs_review() {
                ListingStatus::PendingReview
            } else {
                opened_status(kind, company.as_ref())
            }
            .as_str()
            .to_owned();
            row.published_at = Some(at);
        }
        save_listing(conn, &row, Change::Created)?;
        crate::screening::record(conn, "listing", &row.id, &verdict)?;
        Ok(Listing::from(row))
    })
}

/// Screens the listing's texts; a blocking hit refuses the write.
pub(super) fn screen_listing(
    conn: &mut DbConnection,
    row: &ListingRow,
) -> Result<crate::screening::Verdict, ListingError> {
    let description = crate::text::plain_text(&row.description);
    let verdict = crate::screening::screen(
        conn,
        &[("title", &row.title), ("description", &description)],
    )?;
    if verdict.blocked() {
        return Err(ListingError::ContentBlocked(verdict.block_errors()));
    }
    Ok(verdict)
}

/// A listing as the actor may see it (404 otherwise).
pub fn get_listing(
    conn: &mut DbConnection,
    actor: Option<&Actor>,
    id: Uuid,
) -> Result<Listing, ListingError> {
    Ok(load_visible(conn, actor, id)?.listing)
}

/// Edits a draft, open, pending or rejected listing. Closed and expired listings are not edited
/// (republish them); a buy request is frozen by its first quote, so every quote answers the
/// terms its supplier saw. An edit of an open listing is a change request: the live version
/// stays as it is until an operator approves the change, unless the rules approve it at once
/// (`listing::change`). A rejected listing becomes a draft.
pub fn update_listing(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    input: ListingInput,
) -> Result<ListingEdit, ListingError> {
    db::transaction(conn, |conn| {
        let loaded = load_for_write(conn, actor, id)?;
        let at = now();
        match loaded.listing.state(at) {
            ListingState::Expired => return Err(ListingError::Expired),
            ListingState::Closed => {
                return Err(ListingError::InvalidTransition {
                    action: "edit",
                    status: "closed",
                });
            }
            _ => {}
        }
        if !loaded.sell() {
            // Claims the row: a quote arriving at the same time either lands first (and this
            // edit is refused) or waits for this edit to commit.
            let claimed = diesel::update(
                listings::table
                    .find(id.to_string())
                    .filter(listings::quote_count.eq(0)),
            )
            .set(listings::updated_at.eq(at))
            .execute(conn)?;
            if claimed == 0 {
                return Err(ListingError::HasQuotes);
            }
        }
        if loaded.listing.status == ListingStatus::Open {
            return super::change::propose(conn, actor, loaded, input, at);
        }
        let new_files = input.attachments.is_some();
        let valid = input
            .validate(Some(&loaded.listing), at)
            .map_err(ListingError::Validation)?;
        if valid.category_id != loaded.listing.category_id {
            check_category(conn, &valid.category_id)?;
        }
        if new_files {
            let company = loaded.listing.company_id;
            super::attachments::attach_files(conn, actor, id, company, &valid.attachments)?;
        }
        let mut row = loaded.row;
        fill_row(&mut row, valid);
        let verdict = screen_listing(conn, &row)?;
        crate::screening::record(conn, "listing", &row.id, &verdict)?;
        row.status = match loaded.listing.status {
            ListingStatus::Rejected => ListingStatus::Draft,
            s => s,
        }
        .as_str()
        .to_owned();
        row.updated_at = at;
        save_listing(conn, &row, Change::Updated)?;
        Ok(ListingEdit {
            listing: Listing::from(row),
            change: None,
        })
    })
}

/// Filters of `GET /listings`.
#[derive(Debug, Clone, Default)]
pub struct ListingFilter {
    pub kind: Option<String>,
    /// A category id, top-level or second-level.
    pub category: Option<String>,
    /// The actor's own listings (and their company's sell offers) in every state.
    pub mine: bool,
    /// One state (`expired` included); with `mine` only, except `open`.
    pub status: Option<String>,
}

/// Public: open, unexpired listings of visible companies (and of individual buyers), newest
/// first. `mine`: the actor's own buy requests and sell offers plus their company's sell
/// offers, in every state.
pub fn list_listings(
    conn: &mut DbConnection,
    actor: Option<&Actor>,
    filter: ListingFilter,
    page: &PageRequest,
) -> Result<Page<Listing>, ListingError> {
    let mut errors = Vec::new();
    let kind = match filter.kind.as_deref().filter(|k| !k.is_empty()) {
        None => None,
        Some(k) => {
            let kind = ListingKind::parse(k);
            if kind.is_none() {
                errors.push(FieldError::new(
                    "kind",
                    "invalid_choice",
                    format!("must be one of: {}", ListingKind::names()),
                ));
            }
            kind
        }
    };
    let state = match filter.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => match ListingState::parse(s) {
            Some(state) if filter.mine || state == ListingState::Open => Some(state),
            Some(_) => {
                errors.push(FieldError::new(
                    "status",
                    "not_allowed",
                    "the public list holds open listings only; other states need mine=true",
                ));
                None
            }
            None => {
                errors.push(FieldError::new(
                    "status",
                    "invalid_choice",
                    format!("must be one of: {}", ListingState::names()),
                ));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(ListingError::Validation(errors));
    }
    let at = now();
    let mut query = listings::table
        .select(ListingRow::as_select())
        .order(listings::id.desc())
        .limit(page.limit + 1)
        .into_boxed();
    if filter.mine {
        let Some(actor) = actor else {
            return Err(ListingError::Forbidden);
        };
        let me = actor.user_id.to_string();
        match membership_of(conn, actor.user_id)? {
            Some((company, _)) => {
                query = query.filter(
                    listings::owner_id.eq(me).or(listings::kind
                        .eq(ListingKind::Sell.as_str())
                        .and(listings::company_id.eq(company.to_string()))),
                );
            }
            None => query = query.filter(listings::owner_id.eq(me)),
        }
    } else {
        query = query
            .filter(
                listings::company_id
                    .is_null()
                    .or(listings::company_id.eq_any(public_company_ids())),
            )
            .filter(listings::id.ne_all(crate::enforcement::held_ids("listing")));
    }
    let state = if filter.mine {
        state
    } else {
        Some(ListingState::Open)
    };
    match state {
        None => {}
        Some(ListingState::Open) => {
            query = query
                .filter(listings::status.eq(ListingStatus::Open.as_str()))
                .filter(listings::valid_until.gt(at));
        }
        Some(ListingState::Expired) => {
            query = query
                .filter(listings::status.eq(ListingStatus::Open.as_str()))
                .filter(listings::valid_until.le(at));
        }
        Some(other) => query = query.filter(listings::status.eq(other.as_str())),
    }
    if let Some(kind) = kind {
        query = query.filter(listings::kind.eq(kind.as_str()));
    }
    if let Some(category) = filter.category.filter(|c| !c.is_empty()) {
        query = query.filter(
            listings::category_id.eq_any(
                categories::table
                    .filter(
                        categories::id
                            .eq(category.clone())
                            .or(categories::parent_id.eq(category)),
                    )
                    .select(categories::id),
            ),
        );
    }
    if let Some(after) = &page.after {
        query = query.filter(listings::id.lt(after.clone()));
    }
    let rows = query.load(conn)?;
    Ok(
        page.page(rows.into_iter().map(Listing::from).collect(), |l| {
            l.id.to_string()
        }),
    )
}
