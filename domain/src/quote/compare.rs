//! The buyer's side-by-side view of the quotes on a request.

use std::cmp::Ordering;

use diesel::prelude::*;
use uuid::Uuid;

use super::QuoteError;
use super::model::{Quote, QuoteRow};
use crate::access::{Actor, ListingAction};
use crate::company::{Company, find_company, membership_of};
use crate::db::DbConnection;
use crate::db::schema::quotes;
use crate::listing::repo::load_visible;
use crate::listing::{Listing, ListingKind};

crate::text_enum! {
    pub enum QuoteSort {
        /// Lowest unit price first, within a currency (see `compare`).
        Price => "price",
        /// Shortest lead time first, then price.
        LeadTime => "lead_time",
        /// Verified suppliers first, then price.
        Verified => "verified",
    }
}

/// One quote as the comparison shows it.
#[derive(Debug, Clone)]
pub struct ComparedQuote {
    pub quote: Quote,
    pub company: Company,
    /// Unit price × the requested quantity, in the quote's currency's minor units.
    pub total_minor: i128,
    /// The quote's minimum order is above the quantity the buyer asked for.
    pub moq_exceeds_quantity: bool,
}

impl ComparedQuote {
    /// The total as a decimal string in the quote's currency ("12500.00").
    pub fn total_amount(&self) -> String {
        let exponent = crate::catalog::currency_exponent(&self.quote.currency).unwrap_or(2);
        rust_decimal::Decimal::try_from_i128_with_scale(self.total_minor, u32::from(exponent))
            .map(|d| d.to_string())
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone)]
pub struct QuoteComparison {
    pub listing: Listing,
    pub items: Vec<ComparedQuote>,
    /// True when the actor sees only their company's quote (they are not the buyer).
    pub own_only: bool,
}

/// Prices compare only within a currency, and nothing is converted: quotes in the request's
/// currency come first (when it names one), then the other currencies in alphabetical order of
/// their codes, each group by unit price. Equal keys keep the order quotes arrived in.
fn by_price(a: &ComparedQuote, b: &ComparedQuote, home: Option<&str>) -> Ordering {
    let group = |q: &ComparedQuote| {
        (
            Some(q.quote.currency.as_str()) != home,
            q.quote.currency.clone(),
        )
    };
    group(a)
        .cmp(&group(b))
        .then(a.quote.unit_price_minor.cmp(&b.quote.unit_price_minor))
}

pub(crate) fn sort_quotes(items: &mut [ComparedQuote], sort: QuoteSort, home: Option<&str>) {
    items.sort_by(|a, b| {
        let key = match sort {
            QuoteSort::Price => Ordering::Equal,
            QuoteSort::LeadTime => a.quote.lead_time_days.cmp(&b.quote.lead_time_days),
            QuoteSort::Verified => b.company.is_verified().cmp(&a.company.is_verified()),
        };
        key.then_with(|| by_price(a, b, home))
            .then(a.quote.created_at.cmp(&b.quote.created_at))
            .then(a.quote.id.cmp(&b.quote.id))
    });
}

/// The quotes on a buy request: every one for its owner (and operators), side by side with the
/// total at the requested quantity; only their own for a quoting company's members; 403 for
/// anyone else who can see the request, 404 for who cannot.
pub fn compare_quotes(
    conn: &mut DbConnection,
    actor: &Actor,
    listing_id: Uuid,
    sort: Option<&str>,
) -> Result<QuoteComparison, QuoteError> {
    let sort = match sort.filter(|s| !s.is_empty()) {
        None => QuoteSort::Price,
        Some(s) => QuoteSort::parse(s).ok_or_else(|| {
            QuoteError::Validation(vec![crate::FieldError::new(
                "sort",
                "invalid_choice",
                format!("must be one of: {}", QuoteSort::names()),
            )])
        })?,
    };
    let loaded = load_visible(conn, Some(actor), listing_id)?;
    if loaded.listing.kind != ListingKind::Buy {
        return Err(QuoteError::NotABuyRequest);
    }
    let mut query = quotes::table
        .filter(quotes::listing_id.eq(listing_id.to_string()))
        .select(QuoteRow::as_select())
        .order(quotes::id.asc())
        .into_boxed();
    let own_only = !loaded.may(actor, ListingAction::CompareQuotes);
    if own_only {
        let company = match membership_of(conn, actor.user_id)? {
            Some((company, _)) => company,
            None => return Err(QuoteError::Forbidden),
        };
        let mine: i64 = quotes::table
            .filter(quotes::listing_id.eq(listing_id.to_string()))
            .filter(quotes::company_id.eq(company.to_string()))
            .count()
            .get_result(conn)?;
        if mine == 0 {
            return Err(QuoteError::Forbidden);
        }
        query = query.filter(quotes::company_id.eq(company.to_string()));
    }
    let rows = query.load(conn)?;
    let quantity = loaded.listing.quantity;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let quote = Quote::from(row);
        let company = find_company(conn, quote.company_id).map_err(|_| QuoteError::NotFound)?;
        items.push(ComparedQuote {
            total_minor: i128::from(quote.unit_price_minor) * i128::from(quantity),
            moq_exceeds_quantity: quote.moq > quantity,
            quote,
            company,
        });
    }
    sort_quotes(&mut items, sort, loaded.listing.currency.as_deref());
    Ok(QuoteComparison {
        listing: loaded.listing,
        items,
        own_only,
    })
}
