//! What the search index holds for a listing, read from the database, and what buy-lead
//! matching needs of a company. The rule (open, of a public company or of an individual) is
//! decided here; expiry is applied by the index at query time (`valid_until` > now).

use diesel::prelude::*;
use uuid::Uuid;

use super::ListingError;
use super::model::{Listing, ListingRow, ListingStatus};
use super::repo::public_company_ids;
use crate::access::{Actor, CompanyAction, may_on_company};
use crate::clock::now;
use crate::company::{Company, find_company, role_in};
use crate::db::DbConnection;
use crate::db::schema::{categories, listings, products};
use crate::json_col::from_json;

/// An open listing with what search needs of its category and company.
#[derive(Debug, Clone)]
pub struct ListingSearchDoc {
    pub listing: Listing,
    pub category_parent: String,
    pub category_name_zh: String,
    pub category_name_en: String,
    pub company: Option<Company>,
}

/// The listing as search should hold it, or `None` when it is not open or not public.
pub fn listing_search_doc(
    conn: &mut DbConnection,
    id: Uuid,
) -> QueryResult<Option<ListingSearchDoc>> {
    let row: Option<ListingRow> = listings::table
        .find(id.to_string())
        .filter(listings::status.eq(ListingStatus::Open.as_str()))
        .filter(listings::id.ne_all(crate::enforcement::held_ids("listing")))
        .select(ListingRow::as_select())
        .first(conn)
        .optional()?;
    let Some(row) = row else { return Ok(None) };
    let listing = Listing::from(row);
    let company = match listing.company_id {
        Some(c) => match find_company(conn, c) {
            Ok(c) if c.is_public() => Some(c),
            _ => return Ok(None),
        },
        None => None,
    };
    let (parent, zh, en): (Option<String>, String, String) = categories::table
        .find(&listing.category_id)
        .select((
            categories::parent_id,
            categories::name_zh,
            categories::name_en,
        ))
        .first(conn)?;
    Ok(Some(ListingSearchDoc {
        category_parent: parent.unwrap_or_else(|| listing.category_id.clone()),
        category_name_zh: zh,
        category_name_en: en,
        listing,
        company,
    }))
}

/// Every listing id of a company (a company change re-reads them).
pub fn listing_ids_of_company(conn: &mut DbConnection, company_id: Uuid) -> QueryResult<Vec<Uuid>> {
    let ids: Vec<String> = listings::table
        .filter(listings::company_id.eq(company_id.to_string()))
        .select(listings::id)
        .load(conn)?;
    Ok(ids.iter().map(|id| crate::ids::parse_db_id(id)).collect())
}

/// Open listings the public may see, after `after` (by id), for bulk indexing.
pub fn public_listing_ids_after(
    conn: &mut DbConnection,
    after: Option<Uuid>,
    limit: i64,
) -> QueryResult<Vec<Uuid>> {
    let mut query = listings::table
        .filter(listings::status.eq(ListingStatus::Open.as_str()))
        .filter(
            listings::company_id
                .is_null()
                .or(listings::company_id.eq_any(public_company_ids())),
        )
        .filter(listings::id.ne_all(crate::enforcement::held_ids("listing")))
        .select(listings::id)
        .order(listings::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(listings::id.gt(after.to_string()));
    }
    let ids: Vec<String> = query.load(conn)?;
    Ok(ids.iter().map(|id| crate::ids::parse_db_id(id)).collect())
}

/// What a company offers, for matching buy requests to it: the categories of its published
/// products, and phrases naming what it makes (main products, product keywords and titles).
#[derive(Debug, Clone, Default)]
pub struct SupplierProfile {
    pub company_id: Uuid,
    /// Second-level category ids, with their parents: `(parent, leaf)`.
    pub categories: Vec<(String, String)>,
    pub phrases: Vec<String>,
}

/// Category, titles, keywords and the category's parent of a published product.
type ProductWords = (
    String,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
);

/// The newest published products that make up a profile.
pub const MAX_PROFILE_PRODUCTS: i64 = 1000;

/// Phrases beyond this many are not used (a query per request must stay small).
pub const MAX_PROFILE_PHRASES: usize = 64;

/// The matching profile of a company, for its members and operators (404 for anyone else).
pub fn supplier_profile(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
) -> Result<SupplierProfile, ListingError> {
    let company = find_company(conn, company_id).map_err(|_| ListingError::CompanyNotFound)?;
    let role = role_in(conn, company_id, actor.user_id)?;
    if !may_on_company(actor, role, CompanyAction::ViewPrivate) {
        return Err(ListingError::CompanyNotFound);
    }
    Ok(profile_of(conn, &company)?)
}

/// The matching profile of a company, without an access check (the lead matcher's view).
pub fn profile_of(
    conn: &mut DbConnection,
    company: &crate::company::Company,
) -> QueryResult<SupplierProfile> {
    let company_id = company.id;
    let rows: Vec<ProductWords> = products::table
        .inner_join(categories::table)
        .filter(products::company_id.eq(company_id.to_string()))
        .filter(products::status.eq("published"))
        .filter(products::deleted_at.is_null())
        // A hidden (taken-down) product draws no buy-leads.
        .filter(products::id.ne_all(crate::enforcement::held_ids("product")))
        .select((
            products::category_id,
            products::title_zh,
            products::title_en,
            products::keywords,
            categories::parent_id,
        ))
        .order(products::id.desc())
        .limit(MAX_PROFILE_PRODUCTS)
        .load(conn)?;
    let mut categories: Vec<(String, String)> = Vec::new();
    let mut phrases: Vec<String> = Vec::new();
    let add = |phrase: &str, phrases: &mut Vec<String>| {
        let phrase = phrase.trim();
        if !phrase.is_empty()
            && phrases.len() < MAX_PROFILE_PHRASES
            && !phrases.iter().any(|p| p == phrase)
        {
            phrases.push(phrase.to_owned());
        }
    };
    for main in &company.main_products {
        add(main, &mut phrases);
    }
    for (_, _, _, keywords, _) in &rows {
        for k in from_json::<Vec<String>>(keywords) {
            add(&k, &mut phrases);
        }
    }
    for (category, zh, en, _, parent) in &rows {
        let pair = (
            parent.clone().unwrap_or_else(|| category.clone()),
            category.clone(),
        );
        if !categories.contains(&pair) {
            categories.push(pair);
        }
        for title in [zh, en].into_iter().flatten() {
            add(title, &mut phrases);
        }
    }
    Ok(SupplierProfile {
        company_id,
        categories,
        phrases,
    })
}

/// The listings of `ids` that are open, unexpired and public right now, in the order given
/// (the index may lag a write by a moment; the database has the last word).
pub fn live_public_listings(conn: &mut DbConnection, ids: &[Uuid]) -> QueryResult<Vec<Listing>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let wanted: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let rows: Vec<ListingRow> = listings::table
        .filter(listings::id.eq_any(&wanted))
        .filter(listings::status.eq(ListingStatus::Open.as_str()))
        .filter(listings::valid_until.gt(now()))
        .filter(
            listings::company_id
                .is_null()
                .or(listings::company_id.eq_any(public_company_ids())),
        )
        .filter(listings::id.ne_all(crate::enforcement::held_ids("listing")))
        .select(ListingRow::as_select())
        .load(conn)?;
    let mut by_id: std::collections::HashMap<String, ListingRow> =
        rows.into_iter().map(|r| (r.id.clone(), r)).collect();
    Ok(wanted
        .iter()
        .filter_map(|id| by_id.remove(id))
        .map(Listing::from)
        .collect())
}
