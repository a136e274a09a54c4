use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::categories;
use crate::error::FieldError;

/// A category with its children (the tree has two levels).
#[derive(Debug, Clone)]
pub struct CategoryNode {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub children: Vec<CategoryNode>,
}

pub fn list_categories(conn: &mut DbConnection) -> QueryResult<Vec<CategoryNode>> {
    let rows: Vec<(String, Option<String>, String, String)> = categories::table
        .order((categories::position.asc(), categories::id.asc()))
        .select((
            categories::id,
            categories::parent_id,
            categories::name_zh,
            categories::name_en,
        ))
        .load(conn)?;
    let mut roots: Vec<CategoryNode> = rows
        .iter()
        .filter(|r| r.1.is_none())
        .map(|(id, _, zh, en)| CategoryNode {
            id: id.clone(),
            name_zh: zh.clone(),
            name_en: en.clone(),
            children: vec![],
        })
        .collect();
    for (id, parent, zh, en) in rows.into_iter().filter(|r| r.1.is_some()) {
        if let Some(root) = roots.iter_mut().find(|r| Some(&r.id) == parent.as_ref()) {
            root.children.push(CategoryNode {
                id,
                name_zh: zh,
                name_en: en,
                children: vec![],
            });
        }
    }
    Ok(roots)
}

/// `Some(true)` for a leaf (second-level) category, `Some(false)` for a top-level one.
pub fn category_exists(conn: &mut DbConnection, id: &str) -> QueryResult<Option<bool>> {
    let parent: Option<Option<String>> = categories::table
        .find(id)
        .select(categories::parent_id)
        .first(conn)
        .optional()?;
    Ok(parent.map(|p| p.is_some()))
}

/// The field error for `id` when it is not a second-level category (products and listings
/// share this rule).
pub(crate) fn leaf_category_problem(
    conn: &mut DbConnection,
    field: &str,
    id: &str,
) -> QueryResult<Option<FieldError>> {
    let problem = match category_exists(conn, id)? {
        Some(true) => return Ok(None),
        Some(false) => ("not_leaf", "choose a second-level category"),
        None => ("unknown_category", "no such category"),
    };
    Ok(Some(FieldError::new(field, problem.0, problem.1)))
}
