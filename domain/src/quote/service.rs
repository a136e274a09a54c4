//! New quotes, their one revision, and reading a quote with its history.

use diesel::prelude::*;
use serde_json::json;
use time::{Date, PrimitiveDateTime, Time};
use uuid::Uuid;

use super::QuoteError;
use super::input::{QuoteInput, ValidQuote};
use super::model::{Quote, QuoteRevision, QuoteRow, QuoteStatus, QuoteTerms};
use crate::access::{Actor, QuoteAction, QuoteRelation, may_on_quote, may_quote};
use crate::clock::now;
use crate::company::{Company, find_company, membership_of, role_in};
use crate::db::schema::{companies, listings, quote_revisions, quotes};
use crate::db::{self, DbConnection, is_unique_violation};
use crate::ids::{new_id, parse_db_id};
use crate::lead::{LeadSource, LeadStage, open_lead};
use crate::listing::repo::{Loaded, load_listing, load_visible};
use crate::listing::{Listing, ListingKind, ListingState};
use crate::notification::{NewNotification, NotificationKind, notify};

/// The calendar month (UTC, from the domain clock) that `at` falls in: `[start, end)`.
pub fn month_of(at: PrimitiveDateTime) -> (PrimitiveDateTime, PrimitiveDateTime) {
    let date = at.date();
    let start = Date::from_calendar_date(date.year(), date.month(), 1).unwrap_or(date);
    let (year, month) = match date.month() {
        time::Month::December => (date.year() + 1, time::Month::January),
        m => (date.year(), m.next()),
    };
    let end = Date::from_calendar_date(year, month, 1).unwrap_or(date);
    (
        PrimitiveDateTime::new(start, Time::MIDNIGHT),
        PrimitiveDateTime::new(end, Time::MIDNIGHT),
    )
}

pub(crate) fn load_quote(conn: &mut DbConnection, id: Uuid) -> QueryResult<Option<QuoteRow>> {
    quotes::table
        .find(id.to_string())
        .select(QuoteRow::as_select())
        .first(conn)
        .optional()
}

/// Why a request takes no quote now, or `None` when it does.
pub(crate) fn closed_for_quotes(listing: &Listing, at: PrimitiveDateTime) -> Option<QuoteError> {
    match listing.state(at) {
        ListingState::Open => None,
        ListingState::Expired => Some(QuoteError::ListingExpired),
        _ => Some(QuoteError::ListingClosed),
    }
}

/// Screens the quote's text as listings are screened: a blocking hit refuses the write; any
/// other verdict is kept with the quote (`screening_results`, subject `quote`) for operators.
/// Quotes go to one buyer and never wait in the review queue, so `review` is recorded like
/// `flag`.
fn screen_quote(
    conn: &mut DbConnection,
    v: &ValidQuote,
) -> Result<crate::screening::Verdict, QuoteError> {
    let verdict = crate::screening::screen(conn, &[("message", &v.message)])?;
    if verdict.blocked() {
        return Err(QuoteError::ContentBlocked(verdict.block_errors()));
    }
    Ok(verdict)
}

fn fill(row: &mut QuoteRow, v: ValidQuote) {
    row.unit_price_minor = v.unit_price_minor;
    row.currency = v.currency;
    row.moq = v.moq;
    row.lead_time_days = v.lead_time_days;
    row.incoterm = v.incoterm.map(|i| i.as_str().to_owned());
    row.valid_until = v.valid_until;
    row.message = v.message;
    row.attachments = crate::json_col::to_json(&v.attachments);
}

/// The start of a text, for a notification.
fn excerpt(text: &str) -> String {
    let mut out: String = text.chars().take(140).collect();
    if text.chars().count() > 140 {
        out.push('…');
    }
    out
}

/// Tells the buyer about a new or revised quote.
fn notify_buyer(
    conn: &mut DbConnection,
    listing: &Listing,
    quote: &QuoteRow,
    company: &Company,
    revised: bool,
) -> QueryResult<()> {
    notify(
        conn,
        NewNotification {
            user_id: listing.owner_id,
            kind: NotificationKind::QuoteReceived,
            subject_type: "quote",
            subject_id: parse_db_id(&quote.id),
            payload: json!({
                "quote_id": quote.id,
                "listing_id": listing.id,
                "listing_title": listing.title,
                "company_id": company.id,
                "company_name": company.legal_name,
                "revised": revised,
                // The terms, so the message says what was offered.
                "unit_price": crate::catalog::format_minor(quote.unit_price_minor, &quote.currency),
                "currency": quote.currency,
                "unit": listing.unit,
                "moq": quote.moq,
                "lead_time_days": quote.lead_time_days,
                "incoterm": quote.incoterm,
                "valid_until": crate::ids::rfc3339(quote.valid_until),
                "excerpt": excerpt(&quote.message),
            }),
        },
    )?;
    Ok(())
}

/// A member of a company quotes on a buy request.
///
/// In one transaction: the quoting company's row is locked first (a no-op UPDATE), so two
/// quotes of one company serialize on PostgreSQL (SQLite's `BEGIN IMMEDIATE` already does) and
/// the one-per-request and monthly-quota checks see each other; then the request's counter is
/// raised with `quote_count < max_quotes` (and still open, not expired) in the UPDATE itself, so
/// the cap holds however many companies quote at once. The buyer is notified and the company's
/// lead opened in the same transaction.
pub fn create_quote(
    conn: &mut DbConnection,
    actor: &Actor,
    listing_id: Uuid,
    input: QuoteInput,
    monthly_quota: i64,
) -> Result<Quote, QuoteError> {
    db::transaction(conn, |conn| {
        let loaded: Loaded = load_visible(conn, Some(actor), listing_id)?;
        let membership = membership_of(conn, actor.user_id)?;
        if !may_quote(actor, loaded.rel, membership.map(|(_, role)| role)) {
            return Err(match membership {
                None => QuoteError::NotASupplier,
                Some(_) => QuoteError::OwnRequest,
            });
        }
        let Some((company_id, _)) = membership else {
            return Err(QuoteError::NotASupplier);
        };
        let listing = loaded.listing;
        if listing.kind != ListingKind::Buy {
            return Err(QuoteError::NotABuyRequest);
        }
        let company = find_company(conn, company_id).map_err(|_| QuoteError::NotASupplier)?;
        if company.is_suspended() {
            return Err(QuoteError::CompanySuspended);
        }
        if crate::penalty::is_restricted(conn, company_id)? {
            return Err(QuoteError::CompanyRestricted);
        }
        let at = now();
        let valid = input.validate(None, at).map_err(QuoteError::Validation)?;
        if let Some(e) = closed_for_quotes(&listing, at) {
            return Err(e);
        }
        let verdict = screen_quote(conn, &valid)?;
        // Serializes this company's quotes (PostgreSQL row lock until commit).
        diesel::update(companies::table.find(company_id.to_string()))
            .set(companies::id.eq(companies::id))
            .execute(conn)?;
        let existing: i64 = quotes::table
            .filter(quotes::listing_id.eq(listing_id.to_string()))
            .filter(quotes::company_id.eq(company_id.to_string()))
            .count()
            .get_result(conn)?;
        if existing > 0 {
            return Err(QuoteError::QuoteExists);
        }
        let (month_start, month_end) = month_of(at);
        let this_month: i64 = quotes::table
            .filter(quotes::company_id.eq(company_id.to_string()))
            .filter(quotes::created_at.ge(month_start))
            .filter(quotes::created_at.lt(month_end))
            .count()
            .get_result(conn)?;
        if this_month >= monthly_quota {
            let wait = (month_end - at).whole_seconds().max(1) as u64;
            return Err(QuoteError::QuotaExceeded {
                retry_after_secs: wait,
            });
        }
        let counted = diesel::update(
            listings::table
                .find(listing_id.to_string())
                .filter(listings::quote_count.lt(listings::max_quotes))
                .filter(listings::status.eq("open"))
                .filter(listings::valid_until.gt(at)),
        )
        .set(listings::quote_count.eq(listings::quote_count + 1))
        .execute(conn)?;
        if counted == 0 {
            // Someone else changed the request since it was read: say what stopped this quote.
            let now_row = load_listing(conn, listing_id)?.ok_or(QuoteError::ListingNotFound)?;
            let current = Listing::from(now_row);
            return Err(closed_for_quotes(&current, at).unwrap_or(QuoteError::LimitReached));
        }
        let id = new_id();
        super::attachments::attach_files(conn, actor, id, company_id, &valid.attachments)?;
        let mut row = QuoteRow {
            id: id.to_string(),
            listing_id: listing_id.to_string(),
            company_id: company_id.to_string(),
            author_id: actor.user_id.to_string(),
            status: QuoteStatus::Live.as_str().to_owned(),
            unit_price_minor: 0,
            currency: String::new(),
            moq: 1,
            lead_time_days: 0,
            incoterm: None,
            valid_until: at,
            message: String::new(),
            revision: 0,
            created_at: at,
            updated_at: at,
            attachments: String::new(),
        };
        fill(&mut row, valid);
        diesel::insert_into(quotes::table)
            .values(&row)
            .execute(conn)
            .map_err(|e| {
                if is_unique_violation(&e) {
                    QuoteError::QuoteExists
                } else {
                    QuoteError::Database(e)
                }
            })?;
        crate::screening::record(conn, "quote", &row.id, &verdict)?;
        open_lead(
            conn,
            company_id,
            listing.owner_id,
            LeadSource::Quote,
            id,
            LeadStage::Quoted,
        )?;
        notify_buyer(conn, &listing, &row, &company, false)?;
        Ok(Quote::from(row))
    })
}

/// A quote with its request and the actor's relation to both.
pub(crate) struct QuoteContext {
    pub row: QuoteRow,
    pub quote: Quote,
    pub listing: Listing,
}

/// Loads a quote for `action`: 404 for whoever may not see it (anyone but the request's owner,
/// the quoting company's members and operators), 403 for who sees it but may not act.
pub(crate) fn quote_for(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    action: QuoteAction,
) -> Result<QuoteContext, QuoteError> {
    let row = load_quote(conn, id)?.ok_or(QuoteError::NotFound)?;
    let quote = Quote::from(row.clone());
    let listing_row = load_listing(conn, quote.listing_id)?.ok_or(QuoteError::NotFound)?;
    let listing = Listing::from(listing_row);
    let rel = QuoteRelation {
        is_request_owner: listing.owner_id == actor.user_id,
        quoter_role: role_in(conn, quote.company_id, actor.user_id)?,
    };
    if !may_on_quote(actor, rel, QuoteAction::View) {
        return Err(QuoteError::NotFound);
    }
    if !may_on_quote(actor, rel, action) {
        return Err(QuoteError::Forbidden);
    }
    Ok(QuoteContext {
        row,
        quote,
        listing,
    })
}

/// The quoting company revises its quote, once, while the request is open; the previous terms
/// are kept in `quote_revisions` and the buyer is told.
pub fn revise_quote(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    input: QuoteInput,
) -> Result<Quote, QuoteError> {
    db::transaction(conn, |conn| {
        let ctx = quote_for(conn, actor, id, QuoteAction::Revise)?;
        let company = find_company(conn, ctx.quote.company_id).map_err(|_| QuoteError::NotFound)?;
        if company.is_suspended() {
            return Err(QuoteError::CompanySuspended);
        }
        if crate::penalty::is_restricted(conn, company.id)? {
            return Err(QuoteError::CompanyRestricted);
        }
        if ctx.quote.status != QuoteStatus::Live {
            return Err(QuoteError::InvalidTransition {
                action: "revise",
                status: ctx.quote.status.as_str(),
            });
        }
        let at = now();
        if let Some(e) = closed_for_quotes(&ctx.listing, at) {
            return Err(e);
        }
        if ctx.quote.revision >= 1 {
            return Err(QuoteError::AlreadyRevised);
        }
        let new_files = input.attachments.is_some();
        let valid = input
            .validate(Some(&ctx.quote), at)
            .map_err(QuoteError::Validation)?;
        let verdict = screen_quote(conn, &valid)?;
        if new_files {
            let company = ctx.quote.company_id;
            super::attachments::attach_files(conn, actor, id, company, &valid.attachments)?;
        }
        let mut row = ctx.row;
        fill(&mut row, valid);
        row.revision = ctx.quote.revision + 1;
        row.updated_at = at;
        // Conditional on the revision it read: a concurrent second revision changes nothing.
        let changed = diesel::update(
            quotes::table
                .find(id.to_string())
                .filter(quotes::revision.eq(ctx.quote.revision))
                .filter(quotes::status.eq(QuoteStatus::Live.as_str())),
        )
        .set(&row)
        .execute(conn)?;
        if changed == 0 {
            return Err(QuoteError::AlreadyRevised);
        }
        diesel::insert_into(quote_revisions::table)
            .values((
                quote_revisions::id.eq(new_id().to_string()),
                quote_revisions::quote_id.eq(id.to_string()),
                quote_revisions::revision.eq(ctx.quote.revision),
                quote_revisions::snapshot
                    .eq(serde_json::to_string(&ctx.quote.terms()).unwrap_or_else(|_| "{}".into())),
                quote_revisions::created_at.eq(at),
            ))
            .execute(conn)?;
        crate::screening::record(conn, "quote", &row.id, &verdict)?;
        notify_buyer(conn, &ctx.listing, &row, &company, true)?;
        Ok(Quote::from(row))
    })
}

/// Earlier terms of a quote, oldest first.
pub(crate) fn history(conn: &mut DbConnection, id: Uuid) -> QueryResult<Vec<QuoteRevision>> {
    let rows: Vec<(i32, String, PrimitiveDateTime)> = quote_revisions::table
        .filter(quote_revisions::quote_id.eq(id.to_string()))
        .order(quote_revisions::revision.asc())
        .select((
            quote_revisions::revision,
            quote_revisions::snapshot,
            quote_revisions::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(revision, snapshot, replaced_at)| {
            match serde_json::from_str::<QuoteTerms>(&snapshot) {
                Ok(terms) => Some(QuoteRevision {
                    revision,
                    terms,
                    replaced_at,
                }),
                Err(e) => {
                    tracing::error!(error = %e, "malformed quote revision snapshot");
                    None
                }
            }
        })
        .collect())
}

/// A quote with its history, for the request's owner, the quoting company and operators.
#[derive(Debug, Clone)]
pub struct QuoteDetail {
    pub quote: Quote,
    pub history: Vec<QuoteRevision>,
    pub listing_title: String,
}

pub fn get_quote(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<QuoteDetail, QuoteError> {
    let ctx = quote_for(conn, actor, id, QuoteAction::View)?;
    let history = history(conn, id)?;
    Ok(QuoteDetail {
        quote: ctx.quote,
        history,
        listing_title: ctx.listing.title,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn months_are_calendar_months_in_utc() {
        assert_eq!(
            month_of(datetime!(2026-12-31 23:59:59.999999)),
            (datetime!(2026-12-01 0:00), datetime!(2027-01-01 0:00))
        );
        assert_eq!(
            month_of(datetime!(2027-02-01 0:00)),
            (datetime!(2027-02-01 0:00), datetime!(2027-03-01 0:00))
        );
    }
}
