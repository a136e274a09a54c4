//! Product queries shared by the services and the storefront.

use diesel::prelude::*;
use uuid::Uuid;

use super::model::{Product, ProductRow, ProductStatus};
use crate::company::company_is_public;
use crate::db::DbConnection;
use crate::db::schema::{companies, products};
use crate::outbox::{self, topic};
use crate::paging::{Page, PageRequest};

type PublishedLive = diesel::dsl::And<
    diesel::dsl::Eq<products::status, &'static str>,
    diesel::dsl::IsNull<products::deleted_at>,
>;
type NotHeld = diesel::dsl::NeAny<products::id, crate::enforcement::HeldIds>;

/// A published, not deleted product that no enforcement action or takedown holds (whether its
/// company is public is a separate filter).
pub(crate) fn product_is_published() -> diesel::dsl::And<PublishedLive, NotHeld> {
    products::status
        .eq(ProductStatus::Published.as_str())
        .and(products::deleted_at.is_null())
        .and(products::id.ne_all(crate::enforcement::held_ids("product")))
}

pub(crate) fn load_product(conn: &mut DbConnection, id: Uuid) -> QueryResult<Option<ProductRow>> {
    products::table
        .find(id.to_string())
        .filter(products::deleted_at.is_null())
        .select(ProductRow::as_select())
        .first(conn)
        .optional()
}

/// Published products of a company the public may see (not suspended, not rejected).
pub fn public_products_of_company(
    conn: &mut DbConnection,
    company_id: Uuid,
    page: &PageRequest,
) -> QueryResult<Page<Product>> {
    let mut query = products::table
        .inner_join(companies::table)
        .filter(products::company_id.eq(company_id.to_string()))
        .filter(product_is_published())
        .filter(company_is_public())
        .select(ProductRow::as_select())
        .order(products::id.desc())
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(products::id.lt(after.clone()));
    }
    let rows = query.load(conn)?;
    Ok(
        page.page(rows.into_iter().map(Product::from).collect(), |p| {
            p.id.to_string()
        }),
    )
}

pub fn count_public_products(conn: &mut DbConnection, company_id: Uuid) -> QueryResult<i64> {
    products::table
        .filter(products::company_id.eq(company_id.to_string()))
        .filter(product_is_published())
        .count()
        .get_result(conn)
}

/// Every live product of a company, any status (the company's own view).
pub(crate) fn all_products_of_company(
    conn: &mut DbConnection,
    company_id: Uuid,
    status: Option<ProductStatus>,
    page: &PageRequest,
) -> QueryResult<Page<Product>> {
    let mut query = products::table
        .filter(products::company_id.eq(company_id.to_string()))
        .filter(products::deleted_at.is_null())
        .select(ProductRow::as_select())
        .order(products::id.desc())
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(products::status.eq(status.as_str()));
    }
    if let Some(after) = &page.after {
        query = query.filter(products::id.lt(after.clone()));
    }
    let rows = query.load(conn)?;
    Ok(
        page.page(rows.into_iter().map(Product::from).collect(), |p| {
            p.id.to_string()
        }),
    )
}

/// Writes a changed product row and its outbox event: every product write goes through here, so
/// none can skip the event that search and notifications follow.
pub(crate) fn save_product(
    conn: &mut DbConnection,
    row: &ProductRow,
    change: serde_json::Value,
) -> QueryResult<()> {
    diesel::update(products::table.find(&row.id))
        .set(row)
        .execute(conn)?;
    // The review queue and open change requests follow the product's state.
    crate::review::hooks::product_saved(
        conn,
        &crate::review::hooks::SavedItem {
            id: &row.id,
            status: &row.status,
            live: row.deleted_at.is_none(),
            company_id: Some(&row.company_id),
            owner_id: None,
            category_id: &row.category_id,
            title: row
                .title_zh
                .as_deref()
                .or(row.title_en.as_deref())
                .unwrap_or(""),
            changes_requested: row.changes_requested_at.is_some(),
            review_note: row.review_note.as_deref(),
        },
    )?;
    outbox::emit(
        conn,
        topic::PRODUCT_CHANGED,
        crate::ids::parse_db_id(&row.id),
        change,
    )
}

/// The live product of the company with this SKU code, if any.
pub fn product_id_by_sku(
    conn: &mut DbConnection,
    company_id: Uuid,
    sku: &str,
) -> QueryResult<Option<Uuid>> {
    let id: Option<String> = products::table
        .filter(products::company_id.eq(company_id.to_string()))
        .filter(products::sku.eq(sku))
        .filter(products::deleted_at.is_null())
        .select(products::id)
        .first(conn)
        .optional()?;
    Ok(id.map(|id| crate::ids::parse_db_id(&id)))
}

/// Every live product of a company, any status, by SKU then age (the export).
pub fn all_live_products_of_company(
    conn: &mut DbConnection,
    company_id: Uuid,
) -> QueryResult<Vec<Product>> {
    let rows = products::table
        .filter(products::company_id.eq(company_id.to_string()))
        .filter(products::deleted_at.is_null())
        .select(ProductRow::as_select())
        .order((
            products::sku.asc(),
            products::created_at.asc(),
            products::id.asc(),
        ))
        .load(conn)?;
    Ok(rows.into_iter().map(Product::from).collect())
}
