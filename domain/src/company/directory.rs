//! Public lists of suppliers for the web site: the newest verified ones (home page), a
//! directory by province and type, and every public storefront for the sitemap (keyset paged).

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::VerificationStatus;
use super::model::{Company, CompanyRow};
use super::repo::company_is_public;
use crate::db::DbConnection;
use crate::db::schema::companies;

/// Up to `limit` public companies, the most recently verified first, filtered by province and
/// type when given.
pub fn directory(
    conn: &mut DbConnection,
    province: Option<&str>,
    company_type: Option<&str>,
    verified_only: bool,
    limit: i64,
) -> QueryResult<Vec<Company>> {
    let mut query = companies::table
        .filter(company_is_public())
        .select(CompanyRow::as_select())
        .order((companies::verified_at.desc(), companies::slug.asc()))
        .limit(limit)
        .into_boxed();
    if let Some(p) = province {
        query = query.filter(companies::province.eq(p.to_owned()));
    }
    if let Some(t) = company_type {
        query = query.filter(companies::company_type.eq(t.to_owned()));
    }
    if verified_only {
        query =
            query.filter(companies::verification_status.eq(VerificationStatus::Verified.as_str()));
    }
    Ok(query.load(conn)?.into_iter().map(Company::from).collect())
}

/// Provinces with public companies, and how many.
pub fn provinces(conn: &mut DbConnection) -> QueryResult<Vec<(String, i64)>> {
    companies::table
        .filter(company_is_public())
        .group_by(companies::province)
        .select((companies::province, diesel::dsl::count_star()))
        .order(companies::province.asc())
        .load(conn)
}

/// Up to `limit` public storefront slugs after `after`, in slug order, for the sitemap.
pub fn public_slugs_after(
    conn: &mut DbConnection,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<(String, PrimitiveDateTime)>> {
    let mut query = companies::table
        .filter(company_is_public())
        .select((companies::slug, companies::updated_at))
        .order(companies::slug.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(companies::slug.gt(after.to_owned()));
    }
    query.load(conn)
}
