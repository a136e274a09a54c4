//! The public storefront (企业店铺): profile, the licence facts a trading platform must show,
//! verification badge, and published products.

use diesel::prelude::*;

use super::CompanyError;
use super::model::{Company, CompanyRow};
use crate::catalog::{Product, count_public_products, public_products_of_company};
use crate::db::DbConnection;
use crate::db::schema::companies;
use crate::ids::{Page, PageRequest, now};
use crate::inquiry::{ResponseMetrics, response_metrics};

#[derive(Debug, Clone)]
pub struct Storefront {
    pub company: Company,
    pub product_count: i64,
    pub products: Page<Product>,
    /// Response rate and median first-response time over the last 30 days.
    pub response: ResponseMetrics,
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
    let products = public_products_of_company(conn, company.id, page)?;
    let response = response_metrics(conn, company.id, now())?;
    Ok(Storefront {
        company,
        product_count,
        products,
        response,
    })
}
