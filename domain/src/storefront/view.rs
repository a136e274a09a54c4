//! The public storefront (企业店铺): profile, the licence facts a trading platform must show,
//! verification badge, and published products.

use diesel::prelude::*;

use crate::catalog::{Product, count_public_products, public_products_of_company};
use crate::clock::now;
use crate::company::{Company, CompanyError, CompanyRow};
use crate::db::DbConnection;
use crate::db::schema::{companies, users};
use crate::inquiry::{ResponseMetrics, response_metrics};
use crate::paging::{Page, PageRequest};

/// The storefront: the supplier card (company, a page of products, response, credit, ratings)
/// and what only the storefront shows.
#[derive(Debug, Clone)]
pub struct Storefront {
    pub card: SupplierCard,
    pub product_count: i64,
    /// The display name of the operator who verified the company.
    pub verified_by_name: Option<String>,
    /// The newest published ratings (the full list is paged on its own route).
    pub recent_ratings: Vec<crate::rating::Rating>,
}

/// How many ratings the storefront shows.
pub const STOREFRONT_RATINGS: i64 = 5;

/// What a product page shows of its supplier: the company, its newest published products, and
/// the figures of its card (response, credit, ratings). The storefront is this and more.
#[derive(Debug, Clone)]
pub struct SupplierCard {
    pub company: Company,
    pub products: Page<Product>,
    /// Response rate and median first-response time over the last 30 days.
    pub response: ResponseMetrics,
    pub credit: crate::credit::CreditProfile,
    pub ratings: crate::rating::RatingSummary,
}

/// The card of a public company (its caller found it public).
pub fn supplier_card(
    conn: &mut DbConnection,
    company: Company,
    page: &PageRequest,
) -> Result<SupplierCard, CompanyError> {
    let products = public_products_of_company(conn, company.id, page)?;
    let response = response_metrics(conn, company.id, now())?;
    let credit = crate::credit::credit_of(conn, &company).map_err(|e| match e {
        crate::credit::CreditError::Database(e) => CompanyError::Database(e),
        _ => CompanyError::NotFound,
    })?;
    let ratings = crate::rating::company_summary(conn, company.id).map_err(|e| match e {
        crate::rating::RatingError::Database(e) => CompanyError::Database(e),
        _ => CompanyError::NotFound,
    })?;
    Ok(SupplierCard {
        company,
        products,
        response,
        credit,
        ratings,
    })
}

/// A storefront by slug; suspended and rejected companies have none.
pub fn storefront(
    conn: &mut DbConnection,
    slug: &str,
    page: &PageRequest,
) -> Result<Storefront, CompanyError> {
    let company = companies::table
        .filter(companies::slug.eq(slug))
        .select(CompanyRow::as_select())
        .first(conn)
        .optional()?
        .map(Company::from)
        .filter(Company::is_public)
        .ok_or(CompanyError::NotFound)?;
    let product_count = count_public_products(conn, company.id)?;
    let verified_by_name = match company.verified_by {
        Some(operator) => users::table
            .find(operator.to_string())
            .select(users::display_name)
            .first(conn)
            .optional()?,
        None => None,
    };
    let first = PageRequest {
        limit: STOREFRONT_RATINGS,
        after: None,
    };
    let recent =
        crate::rating::published_of_company(conn, company.id, &first).map_err(|e| match e {
            crate::rating::RatingError::Database(e) => CompanyError::Database(e),
            _ => CompanyError::NotFound,
        })?;
    Ok(Storefront {
        card: supplier_card(conn, company, page)?,
        product_count,
        verified_by_name,
        recent_ratings: recent.items,
    })
}
