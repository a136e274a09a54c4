//! Operator-managed search synonyms.

use actix_web::{HttpResponse, get, put, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::responses::{BadRequest, OperatorOnly, Unauthorized};
use crate::auth::OperatorUser;
use crate::body::Body;
use crate::error::ApiResult;
use crate::state::AppState;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SynonymGroups {
    /// Groups of words or phrases a buyer means the same by, in any language; 2–10 terms each.
    #[schema(max_items = 1000, example = json!([["不锈钢", "stainless steel", "SS"], ["保温杯", "vacuum flask", "thermos"]]))]
    pub groups: Vec<Vec<String>>,
}

/// The synonym groups search expands queries with.
#[utoipa::path(tag = "operator", security(("bearer" = [])), responses(
    (status = 200, description = "Every synonym group", body = SynonymGroups),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly)))]
#[get("/api/v1/operator/search/synonyms")]
pub async fn get_synonyms(
    state: web::Data<AppState>,
    _op: OperatorUser,
) -> ApiResult<HttpResponse> {
    let groups = state.db(domain::synonyms::list_synonyms).await?;
    Ok(HttpResponse::Ok().json(SynonymGroups { groups }))
}

/// Replaces every synonym group. Searches on every server use them within a moment.
#[utoipa::path(operation_id = "replace_synonyms", tag = "operator", request_body = SynonymGroups, security(("bearer" = [])), responses(
    (status = 200, description = "The synonym groups now in use", body = SynonymGroups),
    (status = 400, response = BadRequest),
    (status = 401, response = Unauthorized),
    (status = 403, response = OperatorOnly)))]
#[put("/api/v1/operator/search/synonyms")]
pub async fn put_synonyms(
    state: web::Data<AppState>,
    op: OperatorUser,
    body: Body<SynonymGroups>,
) -> ApiResult<HttpResponse> {
    let groups = body.0.groups;
    let groups = state
        .db(move |conn| domain::synonyms::replace_synonyms(conn, &op.0, groups))
        .await?;
    Ok(HttpResponse::Ok().json(SynonymGroups { groups }))
}
