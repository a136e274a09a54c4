use actix_web::{HttpResponse, get, web};
use domain::catalog::CategoryNode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryView {
    #[schema(example = "hardware-tools.fasteners")]
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    #[schema(no_recursion)]
    pub children: Vec<CategoryView>,
}

impl From<CategoryNode> for CategoryView {
    fn from(n: CategoryNode) -> CategoryView {
        CategoryView {
            id: n.id,
            name_zh: n.name_zh,
            name_en: n.name_en,
            children: n.children.into_iter().map(CategoryView::from).collect(),
        }
    }
}

/// The two-level category tree, in Chinese and English.
#[utoipa::path(tag = "catalog", responses(
    (status = 200, description = "The category tree: top-level categories with their second-level children", body = Vec<CategoryView>)))]
#[get("/api/v1/categories")]
pub async fn list_categories(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let tree = state.categories().await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=300"))
        .json(tree.into_iter().map(CategoryView::from).collect::<Vec<_>>()))
}
