//! What the public web site lists beyond search: whether a product was deleted (the page answers
//! 410 rather than 404), and the published products of public companies in id order for the
//! sitemap, read by keyset paging so a sitemap file costs one index range scan at any size.

use diesel::prelude::*;
use time::PrimitiveDateTime;
use uuid::Uuid;

use super::repo::product_is_published;
use crate::company::company_is_public;
use crate::db::DbConnection;
use crate::db::schema::{companies, products};

/// One sitemap entry: a product the public may see.
#[derive(Debug, Clone)]
pub struct PublicProductRef {
    pub id: String,
    pub title_zh: Option<String>,
    pub title_en: Option<String>,
    pub updated_at: PrimitiveDateTime,
}

/// Whether a product existed and was deleted (deleted rows keep their id).
pub fn product_deleted(conn: &mut DbConnection, id: Uuid) -> QueryResult<bool> {
    let n: i64 = products::table
        .find(id.to_string())
        .filter(products::deleted_at.is_not_null())
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Up to `limit` public products with an id greater than `after`, in id order. The same
/// visibility as search and the product page: published, not deleted, not held, company public.
pub fn public_products_after(
    conn: &mut DbConnection,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<PublicProductRef>> {
    let mut query = products::table
        .inner_join(companies::table)
        .filter(product_is_published())
        .filter(company_is_public())
        .select((
            products::id,
            products::title_zh,
            products::title_en,
            products::updated_at,
        ))
        .order(products::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(products::id.gt(after.to_owned()));
    }
    Ok(query
        .load::<(String, Option<String>, Option<String>, PrimitiveDateTime)>(conn)?
        .into_iter()
        .map(|(id, title_zh, title_en, updated_at)| PublicProductRef {
            id,
            title_zh,
            title_en,
            updated_at,
        })
        .collect())
}

/// The keys that start each sitemap file of `per_file` products: `None` for the first, then the
/// id of the last product of the previous file. Each step skips `per_file` rows of the index.
pub fn public_product_file_starts(
    conn: &mut DbConnection,
    per_file: i64,
) -> QueryResult<Vec<Option<String>>> {
    let mut starts: Vec<Option<String>> = vec![None];
    loop {
        let mut query = products::table
            .inner_join(companies::table)
            .filter(product_is_published())
            .filter(company_is_public())
            .select(products::id)
            .order(products::id.asc())
            .offset(per_file - 1)
            .limit(1)
            .into_boxed();
        if let Some(Some(after)) = starts.last() {
            query = query.filter(products::id.gt(after.clone()));
        }
        let last_of_file: Option<String> = query.first(conn).optional()?;
        match last_of_file {
            // A file ends exactly here; another starts only if a product follows.
            Some(id) if !public_products_after(conn, Some(&id), 1)?.is_empty() => {
                starts.push(Some(id))
            }
            _ => return Ok(starts),
        }
    }
}
