//! What the search index holds for a product, read from the database. The visibility rule
//! (published, not deleted, company neither suspended nor rejected) is decided here, so the
//! index can only ever hold what the public endpoints would show.

use std::collections::{BTreeSet, HashMap};

use diesel::prelude::*;
use uuid::Uuid;

use super::model::{Product, ProductRow};
use super::repo::product_is_published;
use crate::company::{Company, CompanyRow, company_is_public, find_company};
use crate::db::DbConnection;
use crate::db::schema::{categories, companies, products};

/// A publicly visible product with what search needs of its company and category.
#[derive(Debug, Clone)]
pub struct ProductSearchDoc {
    pub product: Product,
    pub category_parent: String,
    pub category_name_zh: String,
    pub category_name_en: String,
    pub company: Company,
}

/// The product as search should hold it, or `None` when the public may not see it.
pub fn product_search_doc(
    conn: &mut DbConnection,
    id: Uuid,
) -> QueryResult<Option<ProductSearchDoc>> {
    Ok(product_search_docs(conn, &[id])?.into_iter().next())
}

/// `product_search_doc` for many products, with three queries in all instead of three per
/// product (a rebuild reads the whole catalog, a company change all of its products). In the
/// order of `ids`; products the public may not see are left out. Keep `ids` to a batch (a few
/// thousand): they are bound as parameters.
pub fn product_search_docs(
    conn: &mut DbConnection,
    ids: &[Uuid],
) -> QueryResult<Vec<ProductSearchDoc>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let rows: Vec<ProductRow> = products::table
        .filter(products::id.eq_any(&keys))
        .filter(product_is_published())
        .select(ProductRow::as_select())
        .load(conn)?;
    let mut found: HashMap<Uuid, Product> = rows
        .into_iter()
        .map(Product::from)
        .map(|p| (p.id, p))
        .collect();
    let company_ids: BTreeSet<String> = found.values().map(|p| p.company_id.to_string()).collect();
    let companies: HashMap<Uuid, Company> = companies::table
        .filter(companies::id.eq_any(company_ids.into_iter().collect::<Vec<_>>()))
        .select(CompanyRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Company::from)
        .filter(Company::is_public)
        .map(|c| (c.id, c))
        .collect();
    let category_ids: BTreeSet<String> = found.values().map(|p| p.category_id.clone()).collect();
    let categories: HashMap<String, (Option<String>, String, String)> = categories::table
        .filter(categories::id.eq_any(category_ids.into_iter().collect::<Vec<_>>()))
        .select((
            categories::id,
            categories::parent_id,
            categories::name_zh,
            categories::name_en,
        ))
        .load::<(String, Option<String>, String, String)>(conn)?
        .into_iter()
        .map(|(id, parent, zh, en)| (id, (parent, zh, en)))
        .collect();
    Ok(ids
        .iter()
        .filter_map(|id| {
            let product = found.remove(id)?;
            let company = companies.get(&product.company_id)?.clone();
            // Every product's category exists (a foreign key).
            let (parent, zh, en) = categories.get(&product.category_id)?.clone();
            Some(ProductSearchDoc {
                category_parent: parent.unwrap_or_else(|| product.category_id.clone()),
                category_name_zh: zh,
                category_name_en: en,
                product,
                company,
            })
        })
        .collect())
}

/// Every live product id of a company (a company change re-reads all of them).
pub fn product_ids_of_company(conn: &mut DbConnection, company_id: Uuid) -> QueryResult<Vec<Uuid>> {
    let ids: Vec<String> = products::table
        .filter(products::company_id.eq(company_id.to_string()))
        .select(products::id)
        .load(conn)?;
    Ok(ids.iter().map(|id| crate::ids::parse_db_id(id)).collect())
}

/// Publicly visible products after `after` (by id), for bulk indexing.
pub fn public_product_ids_after(
    conn: &mut DbConnection,
    after: Option<Uuid>,
    limit: i64,
) -> QueryResult<Vec<Uuid>> {
    let mut query = products::table
        .inner_join(companies::table)
        .filter(product_is_published())
        .filter(company_is_public())
        .select(products::id)
        .order(products::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(products::id.gt(after.to_string()));
    }
    let ids: Vec<String> = query.load(conn)?;
    Ok(ids.iter().map(|id| crate::ids::parse_db_id(id)).collect())
}

/// Companies the public may see, after `after` (by id), for bulk indexing.
pub fn public_company_ids_after(
    conn: &mut DbConnection,
    after: Option<Uuid>,
    limit: i64,
) -> QueryResult<Vec<Uuid>> {
    let mut query = companies::table
        .filter(company_is_public())
        .select(companies::id)
        .order(companies::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(companies::id.gt(after.to_string()));
    }
    let ids: Vec<String> = query.load(conn)?;
    Ok(ids.iter().map(|id| crate::ids::parse_db_id(id)).collect())
}

/// A company as search should hold it, with its published product count; `None` if not public.
pub fn company_search_doc(
    conn: &mut DbConnection,
    id: Uuid,
) -> QueryResult<Option<(Company, i64)>> {
    match find_company(conn, id) {
        Ok(c) if c.is_public() => {
            let count = super::repo::count_public_products(conn, id)?;
            Ok(Some((c, count)))
        }
        _ => Ok(None),
    }
}

/// The company a product belongs to (deleted ones too), or `None` for an unknown id.
pub fn company_of_product(conn: &mut DbConnection, id: Uuid) -> QueryResult<Option<Uuid>> {
    let company: Option<String> = products::table
        .find(id.to_string())
        .select(products::company_id)
        .first(conn)
        .optional()?;
    Ok(company.map(|c| crate::ids::parse_db_id(&c)))
}
